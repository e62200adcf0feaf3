"""The encoding chooser: a non-UTF-8 file's text under an encoding the user can change."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)


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
