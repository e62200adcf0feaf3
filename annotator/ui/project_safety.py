"""Keeping the open project safe: its check and backups on open, a daily backup, restoring one.

The checks and backups read the whole file (about a second for 100 MB), so they run on a worker
thread; SQLite's backup API copies a live project while the user keeps working.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QTimer, Signal

from annotator.services.backups import Backup, BackupService, ProjectFileError, damage_report
from annotator.settings import data_dir
from annotator.ui.background import Worker

if TYPE_CHECKING:
    from annotator.ui.dialogs import DialogService

log = logging.getLogger(__name__)

DAILY_CHECK_MS = 60 * 60 * 1000  # hourly: is a day's backup due?


def backups_root() -> Path:
    return data_dir() / "backups"


class ProjectSafety(QObject):
    """Checks a project when it opens, backs it up, and restores a backup on request."""

    sig_damage_found = Signal(str, str)  # project path, what SQLite found
    sig_backup_taken = Signal(str)  # a status-bar message
    sig_checks_finished = Signal()
    sig_file_checked = Signal(str, bool)  # project path, whether SQLite found the file sound

    def __init__(self, dialogs: DialogService, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.dialogs = dialogs
        self.service: BackupService | None = None
        self._jobs: dict[Worker, Callable[[Any, Any], None]] = {}  # running: what to do with the result
        self._timer = QTimer(self)
        self._timer.setInterval(DAILY_CHECK_MS)
        self._timer.timeout.connect(self._daily)

    # --- the project's life -------------------------------------------------------------------

    def project_opened(self, path: Path) -> None:
        """Check the file, note the session, and back it up if the last one ended badly or a day passed."""
        self.service = service = BackupService(path, backups_root())

        def check() -> tuple[str | None, str | None]:
            damage = damage_report(service.project_path)
            if damage is not None:
                return damage, None
            unclean = service.mark_open()
            if unclean:
                service.take("unclean-shutdown")
                return None, "Backed up the project: the app had stopped without closing it."
            if service.daily_due():
                service.take("daily")
                return None, "Made today's backup of the project."
            return None, None

        self._run(check, self._on_checked)
        self._timer.start()

    def project_closing(self) -> None:
        self._timer.stop()
        self.wait()
        if self.service is not None:
            self.service.mark_closed()
            self.service = None

    def wait(self) -> None:
        """Let running checks and backups finish (before the file is closed or replaced)."""
        for job in list(self._jobs):
            job.wait()

    # --- restoring ----------------------------------------------------------------------------

    def choose_backup(self, path: Path, purpose: str) -> Backup | None:
        """Ask which backup of `path` to restore; None when there is none or the user cancels."""
        backups = BackupService(path, backups_root()).list()
        if not backups:
            self.dialogs.error(
                "Restore from backup",
                f"There is no backup of “{path.name}” yet. The app makes one every day it is used.",
            )
            return None
        index = self.dialogs.choose("Restore from backup", purpose, [backup.describe() for backup in backups])
        return None if index is None else backups[index]

    def restore(self, path: Path, backup: Backup) -> Path:
        """Replace the project at `path` (closed by the caller) with `backup`; backs up its state first."""
        return BackupService(path, backups_root()).restore(backup)

    def restore_copy_of_damaged(self, path: Path, damage: str) -> Path | None:
        """Say plainly that `path` is damaged and offer a copy restored from its newest good backup.

        The damaged file is left exactly as it is; returns the restored copy to open, or None.
        """
        message = f"“{path.name}” is damaged: SQLite reports “{damage}”.\nThe file has been left as it is."
        backups = [b for b in BackupService(path, backups_root()).list() if damage_report(b.path) is None]
        if not backups:
            self.dialogs.error("The project file is damaged", f"{message}\nThere is no good backup of it.")
            return None
        newest = backups[0]
        if not self.dialogs.confirm(
            "The project file is damaged",
            f"{message}\n\nOpen a copy restored from the newest good backup ({newest.describe()})?",
            yes="Open Restored Copy",
        ):
            return None
        stamp = newest.taken_at.astimezone().strftime("%Y-%m-%d %H.%M")
        target = path.with_name(f"{path.stem} (restored from {stamp}){path.suffix}")
        number = 2
        while target.exists():
            target = path.with_name(f"{path.stem} (restored from {stamp}, {number}){path.suffix}")
            number += 1
        try:
            return BackupService(path, backups_root()).restore(newest, target)
        except ProjectFileError as error:
            self.dialogs.error("The project file is damaged", str(error))
            return None

    # --- internals ----------------------------------------------------------------------------

    def _daily(self) -> None:
        service = self.service
        if service is not None and not self._jobs and service.daily_due():
            self._run(lambda: (None, _take_daily(service)), self._on_checked)

    def _on_checked(self, result: tuple[str | None, str | None] | None, error: Exception | None) -> None:
        if error is not None:
            log.error("Backing up the project failed: %s", error)
            self.sig_backup_taken.emit(f"Could not back up the project: {error}")
        elif result is not None:
            damage, message = result
            if self.service is not None:
                self.sig_file_checked.emit(str(self.service.project_path), damage is None)
            if damage is not None and self.service is not None:
                self.sig_damage_found.emit(str(self.service.project_path), damage)
            elif message:
                self.sig_backup_taken.emit(message)
        if not self._jobs:
            self.sig_checks_finished.emit()

    def _run(self, work: Callable[[], Any], on_done: Callable[[Any, Any], None]) -> None:
        service = self.service

        def deliver(result: Any, error: Any) -> None:
            if self.service is service:  # not a result about a project closed meanwhile
                on_done(result, error)

        job = Worker(lambda _report: work(), self)
        self._jobs[job] = deliver
        job.finished.connect(self._job_done)  # a method of this GUI-thread object: queued
        job.start()

    def _job_done(self) -> None:
        job = self.sender()
        assert isinstance(job, Worker)
        job.wait()
        deliver = self._jobs.pop(job)
        job.deleteLater()
        deliver(job.result, job.error)


def _take_daily(service: BackupService) -> str:
    service.take("daily")
    return "Made today's backup of the project."
