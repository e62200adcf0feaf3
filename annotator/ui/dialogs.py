"""Message boxes and file pickers behind one small injected service, so controllers test without them."""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QDialog, QMessageBox, QWidget

# Qt's classes (and its `Qt` enum namespace) are imported in the methods that use them: this
# module loads before the window's first paint, and PySide6 sets up what a module names at import.

PROJECT_FILTER = "Source Annotator projects (*.sqlite *.db);;All files (*)"
ARTICLE_FILTER = "Articles (*.txt *.md *.markdown *.text);;All files (*)"
CSV_FILTER = "CSV dataset (*.csv)"
FOLDER_KEY = "dialogs/folder"  # where the last file was opened or saved: file dialogs start there


_Asked = TypeVar("_Asked", bound=Callable[..., Any])


def _back_to_window(ask: _Asked) -> _Asked:
    """After a dialog closes, its window is active again: a bare X server (Xvfb, as scripts/run.sh
    starts it, with no window manager) leaves no window active, and the window's keys (1, 2, 3, Alt+digits)
    are shortcuts that need it active."""

    @functools.wraps(ask)
    def asked(self: DialogService, *args: Any, **kwargs: Any) -> Any:
        try:
            return ask(self, *args, **kwargs)
        finally:
            from PySide6.QtGui import QGuiApplication

            parent = self.parent
            if parent is not None and parent.isVisible() and QGuiApplication.focusWindow() is None:
                parent.window().activateWindow()

    return cast(_Asked, asked)


class DialogService:
    """Asks the user things. Tests replace it with a scripted fake of the same shape."""

    def __init__(self, parent: QWidget | None = None, settings: QSettings | None = None) -> None:
        self.parent = parent
        self._settings = settings  # remembers the folder of the last file chosen (FOLDER_KEY)

    @_back_to_window
    def error(self, title: str, message: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok, self.parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # messages quote user data
        box.exec()

    @_back_to_window
    def info(self, title: str, message: str) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Information, title, message, QMessageBox.StandardButton.Ok, self.parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    @_back_to_window
    def key_table(self, title: str, sections: Sequence[tuple[str, Sequence[tuple[str, str]]]]) -> None:
        """A table of keys and what they do, in titled sections (Help > Keyboard Shortcuts)."""
        from PySide6.QtWidgets import (
            QAbstractItemView,
            QDialog,
            QDialogButtonBox,
            QHeaderView,
            QTreeWidget,
            QTreeWidgetItem,
            QVBoxLayout,
        )

        dialog = QDialog(self.parent)
        dialog.setWindowTitle(title)
        table = QTreeWidget(dialog)
        table.setColumnCount(2)
        table.setHeaderLabels(["Keys", "What they do"])
        table.setRootIsDecorated(False)
        table.setItemsExpandable(False)
        table.setWordWrap(True)
        table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        for name, rows in sections:
            head = QTreeWidgetItem(table, [name])
            font = head.font(0)
            font.setBold(True)
            head.setFont(0, font)
            head.setFirstColumnSpanned(True)
            for keys, what in rows:
                QTreeWidgetItem(head, [keys, what])
        table.expandAll()
        header = table.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, dialog)
        buttons.rejected.connect(dialog.reject)
        layout = QVBoxLayout(dialog)
        layout.addWidget(table)
        layout.addWidget(buttons)
        table.setCurrentItem(None)
        dialog.resize(760, 560)
        dialog.exec()

    @_back_to_window
    def confirm(self, title: str, message: str, *, yes: str = "OK", default_yes: bool = False) -> bool:
        """Ask before doing something (deleting, replacing): Enter answers Cancel, only `yes` does it;
        with `default_yes` (where doing it is the safe answer: saving the work) Enter answers `yes`."""
        box = self.confirm_box(title, message, yes=yes)
        if default_yes:
            box.setDefaultButton(box.property("accept"))
        box.exec()
        return box.clickedButton() is box.property("accept")

    def confirm_box(self, title: str, message: str, *, yes: str = "OK") -> QMessageBox:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Question, title, message, QMessageBox.StandardButton.NoButton, self.parent
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        accept = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(cancel)  # a stray Enter must not delete or replace anything
        box.setEscapeButton(cancel)
        box.setProperty("accept", accept)
        return box

    @_back_to_window
    def choose(self, title: str, label: str, items: Sequence[str]) -> int | None:
        """Pick one of `items` (the first is preselected); its index, or None when cancelled."""
        from PySide6.QtWidgets import QInputDialog

        text, ok = QInputDialog.getItem(self.parent, title, label, list(items), 0, False)
        return list(items).index(text) if ok and text in items else None

    @_back_to_window
    def ask_text(self, title: str, label: str, default: str = "") -> str | None:
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        text, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, default)
        return text if ok else None

    @_back_to_window
    def open_files(self, title: str, file_filter: str) -> list[Path]:
        from PySide6.QtWidgets import QFileDialog

        names, _ = QFileDialog.getOpenFileNames(self.parent, title, self.folder(), file_filter)
        return [self._chosen(Path(n)) for n in names]

    @_back_to_window
    def open_file(self, title: str, file_filter: str) -> Path | None:
        from PySide6.QtWidgets import QFileDialog

        name, _ = QFileDialog.getOpenFileName(self.parent, title, self.folder(), file_filter)
        return self._chosen(Path(name)) if name else None

    @_back_to_window
    def save_file(
        self, title: str, file_filter: str, suggested: str = "", *, confirm_overwrite: bool = True
    ) -> Path | None:
        """A file name to write; `confirm_overwrite=False` when the caller refuses existing files itself."""
        from PySide6.QtWidgets import QFileDialog

        start = str(Path(self.folder()) / suggested) if suggested else self.folder()
        options = QFileDialog.Option(0) if confirm_overwrite else QFileDialog.Option.DontConfirmOverwrite
        name, _ = QFileDialog.getSaveFileName(self.parent, title, start, file_filter, "", options)
        return self._chosen(Path(name)) if name else None

    def folder(self) -> str:
        """Where a file dialog starts: the last folder a file was chosen in, else the user's documents."""
        remembered = str(self._settings.value(FOLDER_KEY, "") or "") if self._settings is not None else ""
        if remembered and Path(remembered).is_dir():
            return remembered
        from platformdirs import user_documents_dir

        documents = Path(user_documents_dir())
        return str(documents if documents.is_dir() else Path.home())

    def _chosen(self, path: Path) -> Path:
        if self._settings is not None:
            self._settings.setValue(FOLDER_KEY, str(path.parent))
        return path

    @_back_to_window
    def run_dialog(self, dialog: QDialog) -> bool:
        """Show a dialog of ours modally; True when the user accepted it."""
        from PySide6.QtWidgets import QDialog

        return dialog.exec() == QDialog.DialogCode.Accepted

    @_back_to_window
    def choose_encoding(
        self, file_name: str, guess: str, choices: Sequence[str], preview: Callable[[str], str]
    ) -> str | None:
        """Show the text read with a guessed encoding, let the user pick another; None cancels."""
        from PySide6.QtWidgets import QDialog

        from annotator.ui.encoding_dialog import EncodingDialog

        dialog = EncodingDialog(file_name, guess, choices, preview, self.parent)
        return dialog.encoding() if dialog.exec() == QDialog.DialogCode.Accepted else None
