"""Opening the project for edits after its first look is on screen: the database layer loads on a worker.

Loaded after the window's first paint (naming QThread makes PySide build its enums).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QThread
from PySide6.QtWidgets import QApplication

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

log = logging.getLogger(__name__)


class _DatabaseLayerImport(QThread):
    def run(self) -> None:
        try:
            import annotator.services.project  # noqa: F401 - loaded for the GUI thread
        except Exception:  # the open on the GUI thread meets it again and reports it
            log.exception("Could not load the database layer")


class ProjectLoader(QObject):
    """Opens the project for edits after its first look is on screen, without freezing the window.

    Importing the database layer (~0.7 s) runs on a worker thread while the user reads; opening
    the file then takes a few milliseconds on the GUI thread. `finish` does it at once (waiting
    for the import) when an edit cannot wait.
    """

    def __init__(self, window: MainWindow, open_project: Callable[[], object]) -> None:
        super().__init__(window)
        self._open: Callable[[], object] | None = open_project
        # Owned by the application, not the window: a window closed during the import must not
        # take a running thread down with it (Qt aborts on that). Quitting waits for it instead.
        app = QApplication.instance()
        self._import = _DatabaseLayerImport(app)
        self._import.finished.connect(self.finish)  # queued to the GUI thread
        if app is not None:
            app.aboutToQuit.connect(self._import.wait)
        window.sig_closing.connect(self.abandon)
        window.sig_project_opened.connect(self.abandon)  # the user opened a project meanwhile

    def abandon(self) -> None:
        """The window is closing: open nothing, let the import end on its own."""
        self._open = None

    def start(self) -> None:
        self._import.start()

    def finish(self) -> None:
        """Open the project now, once."""
        open_project, self._open = self._open, None
        if open_project is None:
            return
        self._import.wait()
        open_project()
