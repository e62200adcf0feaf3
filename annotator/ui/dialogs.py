"""Message boxes and file pickers behind one small injected service, so controllers test without them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

PROJECT_FILTER = "Source Annotator projects (*.sqlite *.db);;All files (*)"
ARTICLE_FILTER = "Articles (*.txt *.md *.markdown *.text);;All files (*)"
CSV_FILTER = "CSV dataset (*.csv)"


class DialogService:
    """Asks the user things. Tests replace it with a scripted fake of the same shape."""

    def __init__(self, parent: QWidget | None = None) -> None:
        self.parent = parent

    def error(self, title: str, message: str) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self.parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote user data
        box.exec()

    def confirm(self, title: str, message: str, *, yes: str = "OK") -> bool:
        box = QMessageBox(
            QMessageBox.Icon.Question, title, message, QMessageBox.StandardButton.NoButton, self.parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is accept

    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        text, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, default)
        return text if ok else None

    def open_files(self, title: str, file_filter: str) -> list[Path]:
        names, _ = QFileDialog.getOpenFileNames(self.parent, title, "", file_filter)
        return [Path(n) for n in names]

    def open_file(self, title: str, file_filter: str) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, "", file_filter)
        return Path(name) if name else None

    def save_file(self, title: str, file_filter: str, suggested: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, file_filter)
        return Path(name) if name else None

    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog of ours modally; True when the user accepted it."""
        return dialog.exec() == QDialog.DialogCode.Accepted

    def choose_encoding(
        self, file_name: str, guess: str, choices: Sequence[str], preview: Callable[[str], str]
    ) -> str | None:
        """Show the text read with a guessed encoding, let the user pick another; None cancels."""
        dialog = EncodingDialog(file_name, guess, choices, preview, self.parent)
        return dialog.encoding() if dialog.exec() == QDialog.DialogCode.Accepted else None


class EncodingDialog(QDialog):
    """The decoded text of a file that is not UTF-8, under an encoding the user can change."""

    def __init__(
        self,
        file_name: str,
        guess: str,
        choices: Sequence[str],
        preview: Callable[[str], str],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Check the article's encoding")
        self._preview = preview
        intro = QLabel(f"“{file_name}” is not UTF-8. Pick the encoding under which its text reads right:")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        self.combo = QComboBox()
        self.combo.setAccessibleName("Encoding")
        for name in dict.fromkeys([guess, *choices]):
            self.combo.addItem(name if name != guess else f"{name} (best guess)", name)
        self.text_view = QPlainTextEdit()
        self.text_view.setReadOnly(True)
        self.text_view.setAccessibleName("Text as read with this encoding")
        self.problem = QLabel()
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setStyleSheet("color: #b3261e;")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.addButton("Import", QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.combo)
        layout.addWidget(self.text_view, 1)
        layout.addWidget(self.problem)
        layout.addWidget(self.buttons)
        self.combo.currentIndexChanged.connect(self._show)
        self._show()
        self.resize(620, 460)

    def encoding(self) -> str:
        return str(self.combo.currentData())

    def _show(self) -> None:
        try:
            text = self._preview(self.encoding())
        except Exception as error:  # the service's ImportRejected: this encoding cannot read the file
            self.text_view.setPlainText("")
            self.problem.setText(str(error))
            self.ok_button.setEnabled(False)
            return
        self.text_view.setPlainText(text[:5000])
        self.problem.setText("")
        self.ok_button.setEnabled(True)
