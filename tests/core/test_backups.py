"""Automatic backups: taken with SQLite's backup API and checked, thinned, restored without losing anything."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from annotator.db.errors import ProjectFileError
from annotator.services.backups import Backup, BackupService, damage_report, thin
from tests.core.factories import add_article, add_claim, open_project, sha256_of

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


def project_with_claims(path: Path, count: int = 3) -> None:
    project = open_project(path)
    me = project.annotator("Ana")
    article = add_article(project, "The minister said the talks would resume on Monday, officials said.")
    for i in range(count):
        add_claim(project, article, me, i % 50, i % 50 + 10)
    project.close()


def claim_count(path: Path) -> int:
    connection = sqlite3.connect(path)
    try:
        return int(connection.execute("SELECT count(*) FROM claim").fetchone()[0])
    finally:
        connection.close()


def damage(path: Path) -> None:
    data = bytearray(path.read_bytes())
    page = 4096
    data[page : page * 3] = b"\xa5" * (page * 2)  # two pages of garbage after the header page
    path.write_bytes(bytes(data))


def test_a_backup_is_a_checked_copy_named_by_when_and_why(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path)
    service = BackupService(path, tmp_path / "backups")
    backup = service.take("daily", now=NOW)
    assert backup.path.name == "20261125T120000Z-daily.sqlite"
    assert backup.path.parent == service.folder and service.folder.parent == tmp_path / "backups"
    assert claim_count(backup.path) == 3
    assert damage_report(backup.path) is None
    assert service.list() == [Backup(backup.path, NOW, "daily")]
    assert "daily" in backup.describe() and "MB" in backup.describe()
    assert not list(service.folder.glob("*.partial"))


def test_the_backup_sees_commits_still_in_the_wal(tmp_path):
    path = tmp_path / "p.sqlite"
    project = open_project(path)
    me = project.annotator("Ana")
    add_claim(project, add_article(project, "Officials said the bridge will reopen."), me, 0, 9)
    assert path.with_name("p.sqlite-wal").exists()  # still open: the claim may sit in the WAL
    backup = BackupService(path, tmp_path / "b").take("manual", now=NOW)
    project.close()
    assert claim_count(backup.path) == 1


def test_two_files_with_one_name_never_share_backups(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    one = BackupService(tmp_path / "a" / "p.sqlite", tmp_path / "backups")
    two = BackupService(tmp_path / "b" / "p.sqlite", tmp_path / "backups")
    assert one.folder != two.folder
    assert one.folder.name.startswith("p-") and two.folder.name.startswith("p-")


def test_a_damaged_project_gives_no_backup_and_keeps_the_good_ones(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path, count=200)
    service = BackupService(path, tmp_path / "backups")
    good = service.take("daily", now=NOW - timedelta(days=1))
    damage(path)
    assert damage_report(path) is not None
    with pytest.raises(ProjectFileError):
        service.take("daily", now=NOW)
    assert service.list() == [good]
    assert not list(service.folder.glob("*.partial"))


def test_damage_report_is_none_for_a_sound_file(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path)
    before = sha256_of(path)
    assert damage_report(path) is None
    assert sha256_of(path) == before
    (tmp_path / "t.sqlite").write_text("not a database at all, just some text\n" * 100)
    assert damage_report(tmp_path / "t.sqlite") is not None


def backups_at(times: list[datetime]) -> list[Backup]:
    return [Backup(Path(f"/b/{t:%Y%m%dT%H%M%S}Z-daily.sqlite"), t, "daily") for t in times]


def test_thinning_keeps_recent_ones_then_one_a_day_week_and_month():
    hourly_today = [NOW - timedelta(hours=h) for h in range(10)]
    every_day_for_a_year = [NOW - timedelta(days=d, hours=1) for d in range(1, 400)]
    backups = backups_at(hourly_today + every_day_for_a_year)
    deleted = thin(backups, NOW)
    kept = sorted((b.taken_at for b in backups if b.path not in deleted), reverse=True)
    assert kept[:5] == hourly_today[:5]  # the five newest, whatever their day
    assert len({t.date() for t in kept if NOW - t <= timedelta(days=14)}) >= 14  # one a day for two weeks
    weeks = {tuple(t.date().isocalendar())[:2] for t in kept if NOW - t <= timedelta(weeks=8)}
    assert len(weeks) >= 8
    months = {(t.year, t.month) for t in kept}
    assert len(months) >= 12
    assert all(NOW - t <= timedelta(days=31 * 12) for t in kept)  # nothing older than a year
    assert len(kept) < 45  # and far fewer than the 409 there were
    assert thin(backups_at([NOW]), NOW) == set()


def test_taking_a_backup_thins_the_old_ones(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path)
    service = BackupService(path, tmp_path / "backups")
    for minutes in range(8):
        service.take("manual", now=NOW + timedelta(minutes=minutes))
    assert len(service.list()) == 5  # all on one day: the five newest
    assert service.list()[0].taken_at == NOW + timedelta(minutes=7)


def test_a_daily_backup_is_due_after_a_day(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path)
    service = BackupService(path, tmp_path / "backups")
    assert service.daily_due(NOW)
    service.take("daily", now=NOW)
    assert not service.daily_due(NOW + timedelta(hours=23))
    assert service.daily_due(NOW + timedelta(hours=24))


def test_an_unclean_shutdown_is_noticed_by_the_next_session(tmp_path):
    path = tmp_path / "p.sqlite"
    service = BackupService(path, tmp_path / "backups")
    assert service.mark_open() is False  # the first session
    service.mark_closed()
    assert service.mark_open() is False  # closed cleanly before
    # A session in another process that died without closing (its process is gone).
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (service.folder / f"open-{int(dead.stdout)}.marker").touch()
    assert service.mark_open() is True
    assert service.mark_open() is False  # reported once
    # A session still running elsewhere is not an unclean shutdown.
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        (service.folder / f"open-{alive.pid}.marker").touch()
        assert service.mark_open() is False
    finally:
        alive.kill()
        alive.wait()


def test_restoring_replaces_the_project_and_keeps_what_it_replaced(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path, count=2)
    service = BackupService(path, tmp_path / "backups")
    old = service.take("daily", now=NOW - timedelta(days=2))
    project_with_claims(path, count=3)  # more work after the backup: 5 claims now
    assert claim_count(path) == 5
    assert service.restore(old) == path
    assert claim_count(path) == 2
    before_restore = [b for b in service.list() if b.reason == "before-restore"]
    assert len(before_restore) == 1 and claim_count(before_restore[0].path) == 5  # nothing lost
    project = open_project(path)  # and the app opens the restored file as usual
    assert len(project.articles.list()) == 1
    project.close()


def test_restoring_to_a_new_file_leaves_a_damaged_project_untouched(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path, count=200)
    service = BackupService(path, tmp_path / "backups")
    good = service.take("daily", now=NOW)
    damage(path)
    damaged_hash = sha256_of(path)
    restored = service.restore(good, tmp_path / "p (restored).sqlite")
    assert claim_count(restored) == 200
    assert sha256_of(path) == damaged_hash
    assert [b.reason for b in service.list()] == ["daily"]  # a damaged file is not backed up


def test_a_restore_refuses_a_damaged_backup_or_a_project_open_elsewhere(tmp_path):
    path = tmp_path / "p.sqlite"
    project_with_claims(path, count=200)
    service = BackupService(path, tmp_path / "backups")
    backup = service.take("daily", now=NOW)
    project = open_project(path)
    project.annotator("Ben")  # writes: the file has a WAL while it is open
    with pytest.raises(ProjectFileError, match="still open"):
        service.restore(backup)
    project.close()
    assert claim_count(path) == 200
    assert [b.reason for b in service.list()] == ["daily"]  # the refused restore took no backup either
    damage(backup.path)
    with pytest.raises(ProjectFileError, match="damaged"):
        service.restore(backup)


def test_restoring_the_oldest_of_many_backups_of_today_keeps_it(tmp_path):
    """The backup taken before a restore thins the others: never the one being restored."""
    path = tmp_path / "p.sqlite"
    project_with_claims(path, count=2)
    service = BackupService(path, tmp_path / "backups")
    now = datetime.now(UTC)
    oldest = service.take("manual", now=now - timedelta(minutes=10))
    project_with_claims(path, count=3)
    for minutes in range(4, 0, -1):
        service.take("manual", now=now - timedelta(minutes=minutes))
    assert len(service.list()) == 5 and service.list()[-1] == oldest
    assert service.restore(oldest) == path
    assert claim_count(path) == 2
    assert oldest.path.exists()
