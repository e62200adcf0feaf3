"""Automatic backups of a project file: when they are taken, where they live, which are kept, restoring.

Backups are copies made with SQLite's backup API and checked before they count (see
`db.project_file.backup_to`). They live in the app's data folder, one folder per project file,
named by when and why they were taken. The app takes one after an unclean shutdown, one a day
while a project is in use, and one before a restore replaces the project; schema upgrades keep
their own backup beside the file. Recent backups are all kept; older ones are thinned to one a
day, then one a week, then one a month.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from annotator.db.errors import ProjectFileError
from annotator.db.project_file import backup_to, damage_report

__all__ = ["Backup", "BackupService", "ProjectFileError", "damage_report", "thin"]

STAMP = "%Y%m%dT%H%M%SZ"
REASONS = {
    "daily": "daily",
    "unclean-shutdown": "after the app stopped unexpectedly",
    "before-restore": "before restoring another backup",
    "manual": "made by hand",
}
KEEP_RECENT = 5
KEEP_DAYS = 14
KEEP_WEEKS = 8
KEEP_MONTHS = 12
DAILY = timedelta(hours=24)


@dataclass(frozen=True, slots=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC
    reason: str  # a key of REASONS

    @property
    def size(self) -> int:
        return self.path.stat().st_size

    def describe(self) -> str:
        local = self.taken_at.astimezone()
        return f"{local:%d %b %Y, %H:%M} · {REASONS.get(self.reason, self.reason)} · {self.size / 1e6:.1f} MB"


def thin(backups: Iterable[Backup], now: datetime) -> set[Path]:
    """The backups to delete: all but the newest few, the newest of each recent day, week and month."""
    newest_first = sorted(backups, key=lambda b: b.taken_at, reverse=True)
    keep = {b.path for b in newest_first[:KEEP_RECENT]}
    seen: set[tuple[str, object]] = set()
    for backup in newest_first:
        age = now - backup.taken_at
        day = backup.taken_at.date()
        for bucket, limit in (
            (("day", day), timedelta(days=KEEP_DAYS)),
            (("week", tuple(day.isocalendar())[:2]), timedelta(weeks=KEEP_WEEKS)),
            (("month", (day.year, day.month)), timedelta(days=31 * KEEP_MONTHS)),
        ):
            if age <= limit and bucket not in seen:
                seen.add(bucket)
                keep.add(backup.path)
    return {b.path for b in newest_first} - keep


class BackupService:
    """The backups of one project file, kept under `root`."""

    def __init__(self, project_path: Path, root: Path) -> None:
        self.project_path = Path(project_path).absolute()
        # The file's name for people, a hash of its full path so that two "Annotations.sqlite"
        # in different folders never share backups.
        digest = hashlib.sha256(str(self.project_path).encode("utf-8")).hexdigest()[:10]
        self.folder = root / f"{self.project_path.stem}-{digest}"

    # --- taking and listing -------------------------------------------------------------------

    def list(self) -> list[Backup]:
        """Every backup of this project, newest first."""
        found = []
        if self.folder.is_dir():
            for path in self.folder.glob("*.sqlite"):
                stamp, _, reason = path.stem.partition("-")
                try:
                    taken = datetime.strptime(stamp, STAMP).replace(tzinfo=UTC)
                except ValueError:
                    continue  # not one of ours
                found.append(Backup(path, taken, reason))
        return sorted(found, key=lambda b: b.taken_at, reverse=True)

    def take(self, reason: str, now: datetime | None = None, *, keep: Backup | None = None) -> Backup:
        """Back the project up now (checked before it counts), then thin the older backups.

        `keep` is spared the thinning: the backup a restore is about to copy back.
        """
        now = now or datetime.now(UTC)
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{now.strftime(STAMP)}-{reason}.sqlite"
        backup_to(self.project_path, path)
        for old in thin(self.list(), now):
            if keep is None or old != keep.path:
                old.unlink(missing_ok=True)
        return Backup(path, now.replace(microsecond=0), reason)

    def daily_due(self, now: datetime | None = None) -> bool:
        backups = self.list()
        return not backups or (now or datetime.now(UTC)) - backups[0].taken_at >= DAILY

    # --- unclean shutdowns --------------------------------------------------------------------

    def _marker(self, pid: int) -> Path:
        return self.folder / f"open-{pid}.marker"

    def mark_open(self) -> bool:
        """Note that this process has the project open; True when an earlier session never closed it."""
        self.folder.mkdir(parents=True, exist_ok=True)
        unclean = False
        for marker in self.folder.glob("open-*.marker"):
            try:
                pid = int(marker.stem.removeprefix("open-"))
            except ValueError:
                continue
            if pid != os.getpid() and not _alive(pid):
                unclean = True
                marker.unlink(missing_ok=True)
        self._marker(os.getpid()).touch()
        return unclean

    def mark_closed(self) -> None:
        self._marker(os.getpid()).unlink(missing_ok=True)

    # --- restoring ----------------------------------------------------------------------------

    def restore(self, backup: Backup, destination: Path | None = None) -> Path:
        """Copy `backup` over the project (or to `destination`); returns the file written.

        The project must be closed. Overwriting it first backs up its current state, so a
        restore never loses anything; restoring to a new file leaves the project untouched.
        """
        if damage_report(backup.path) is not None:
            raise ProjectFileError(f"The backup “{backup.path.name}” is damaged and cannot be restored.")
        target = destination or self.project_path
        if destination is not None and destination.exists():
            raise ProjectFileError(f"“{destination.name}” already exists.")
        if target.with_name(target.name + "-wal").exists():
            # Its write-ahead log would be replayed onto the restored file and damage it.
            raise ProjectFileError(
                f"“{target.name}” is still open in another window or program: close it there first."
            )
        if target == self.project_path and target.exists() and damage_report(target) is None:
            self.take("before-restore", keep=backup)
        if target.with_name(target.name + "-wal").exists():  # written to since the check above
            raise ProjectFileError(f"“{target.name}” was written to while restoring: nothing was replaced.")
        try:
            backup_to(backup.path, target)
        except OSError as error:
            raise ProjectFileError(f"The backup could not be restored: {error.strerror or error}.") from error
        return target


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True
