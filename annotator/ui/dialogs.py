"""Message boxes and file pickers behind one small injected service, so controllers test without them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget

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

    def confirm_encoding(self, file_name: str, encoding: str, preview: str) -> bool:
        """Show text decoded with a guessed encoding and ask whether it reads right."""
        box = QMessageBox(
            QMessageBox.Icon.Question,
            "Check the article's encoding",
            f"“{file_name}” is not UTF-8. Read as {encoding}, it begins:",
            QMessageBox.StandardButton.NoButton,
            self.parent,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.setInformativeText(preview[:600])
        accept = box.addButton(f"Import as {encoding}", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is accept
