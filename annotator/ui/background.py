"""Long work off the GUI thread: a worker thread, a progress dialog with Cancel, and the result back.

The work function never touches widgets; it reports progress through a callback that returns
False once the user has pressed Cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QProgressDialog, QWidget

# The work gets a progress callback: call it with a count; it answers whether to go on.
Work = Callable[[Callable[[int], bool]], Any]


class Worker(QThread):
    """Runs `work` off the GUI thread; `result` or `error` holds the outcome once `finished`."""

    sig_progress_reported = Signal(int)

    def __init__(self, work: Work, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._work = work
        self.cancelled = False
        self.result: Any = None
        self.error: BaseException | None = None

    def report(self, count: int) -> bool:
        self.sig_progress_reported.emit(count)  # queued to the GUI thread
        return not self.cancelled

    def run(self) -> None:
        try:
            self.result = self._work(self.report)
        except BaseException as error:  # handed to the GUI thread, which raises it
            self.error = error


def run_with_progress(parent: QWidget, title: str, label: str, work: Work, *, total: int = 0) -> Any:
    """Run `work` on a worker thread behind a modal progress dialog; return its result or raise.

    `total` (when known) makes the bar show a share; otherwise it shows a running count.
    """
    worker = Worker(work, parent)
    dialog = QProgressDialog(label, "Cancel", 0, total, parent)
    dialog.setWindowTitle(title)
    # Modal to the window: no edit, article change, restore or close may reach the project while
    # the worker uses it (the writer connection is one, and a restore replaces the file).
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(400)  # quick work never flashes a dialog
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)

    def show_progress(count: int) -> None:
        if total:
            dialog.setValue(min(count, total))
        else:
            dialog.setLabelText(f"{label}\n{count:,}")

    def cancel() -> None:
        worker.cancelled = True

    worker.sig_progress_reported.connect(show_progress)
    dialog.canceled.connect(cancel)
    loop = QEventLoop()
    worker.finished.connect(loop.quit)
    worker.start()
    # Until the dialog shows (and blocks the window), the user's keys and clicks wait in the queue.
    while not worker.isFinished() and not dialog.isVisible():
        loop.processEvents(
            QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents
            | QEventLoop.ProcessEventsFlag.WaitForMoreEvents
        )
    if not worker.isFinished():
        loop.exec()
    worker.wait()
    dialog.close()
    dialog.deleteLater()
    worker.deleteLater()
    if worker.error is not None:
        raise worker.error
    return worker.result
