"""Backups and damaged files as the user meets them: made on open, restored from the File menu."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from annotator.app import open_initial_project
from annotator.services.backups import BackupService
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.project_safety import backups_root
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume on Monday, officials said on Sunday evening."


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_project(path: Path, claims: int) -> None:
    project = Project.open(path)
    me = project.annotator("Ana")
    article = project.articles.add_text(TEXT, title="Talks").article_id
    type_id = project.codebook.get().active_types[0].id
    for i in range(claims):
        project.claims.create(
            article_id=article,
            annotator_id=me.id,
            start=i % 40,
            end=i % 40 + 12,
            source_type_id=type_id,
            confidence=3,
        )
    project.close()


def open_window(qtbot, settings: QSettings, path: Path, dialogs: FakeDialogs | None = None) -> MainWindow:
    window = MainWindow(settings, dialogs or FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    with qtbot.waitSignal(window.safety.sig_checks_finished, timeout=20_000):
        assert open_initial_project(window, path, "Ana")
    return window


def claim_count(path: Path) -> int:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return int(connection.execute("SELECT count(*) FROM claim").fetchone()[0])
    finally:
        connection.close()


def damage_data_pages(path: Path) -> None:
    """Garbage over the claim table's pages: the file still opens, but SQLite's check fails."""
    data = bytearray(path.read_bytes())
    page = 4096
    start = len(data) // 2 // page * page
    data[start : start + 4 * page] = b"\xa5" * (4 * page)
    path.write_bytes(bytes(data))


def test_opening_a_project_makes_the_days_backup_off_the_gui_thread(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    make_project(path, 3)
    window = open_window(qtbot, settings, path)
    backups = BackupService(path, backups_root()).list()
    assert [b.reason for b in backups] == ["daily"]
    assert claim_count(backups[0].path) == 3
    assert "backup" in window.statusBar().currentMessage()
    window.close()
    # Closing cleanly leaves no sign of an open session; the next open finds today's backup and adds none.
    second = open_window(qtbot, settings, path)
    assert [b.reason for b in BackupService(path, backups_root()).list()] == ["daily"]
    second.close()


def test_after_an_unclean_shutdown_the_next_open_backs_up_first(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    make_project(path, 2)
    service = BackupService(path, backups_root())
    service.take("daily")  # today's backup exists: only the crash can cause another
    # The last session's process died without closing the project.
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    (service.folder / f"open-{int(dead.stdout)}.marker").touch()
    window = open_window(qtbot, settings, path)
    assert sorted(b.reason for b in service.list()) == ["daily", "unclean-shutdown"]
    assert "stopped without closing" in window.statusBar().currentMessage()
    window.close()


def test_restore_from_backup_replaces_the_project_and_keeps_its_current_state(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    make_project(path, 2)
    service = BackupService(path, backups_root())
    service.take("daily", now=datetime.now(UTC) - timedelta(days=2))
    make_project(path, 3)  # more claims since: 5 now
    dialogs = FakeDialogs()
    window = open_window(qtbot, settings, path, dialogs)
    assert window.claim_panel.model.rowCount() == 5
    listed = [b.describe() for b in service.list()]
    dialogs.choice_answers.append(len(listed) - 1)  # the oldest: two days ago, with 2 claims
    window.restore_action.trigger()
    assert dialogs.choices == [listed]
    assert window.project is not None and window.project.path == path
    assert window.claim_panel.model.rowCount() == 2
    assert claim_count(path) == 2
    kept = [b for b in service.list() if b.reason == "before-restore"]
    assert len(kept) == 1 and claim_count(kept[0].path) == 5  # nothing was lost
    assert dialogs.errors == []
    window.close()


def test_a_project_found_damaged_is_left_untouched_and_a_restored_copy_offered(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    make_project(path, 400)
    BackupService(path, backups_root()).take("daily", now=datetime.now(UTC) - timedelta(hours=30))
    damage_data_pages(path)
    damaged = path.read_bytes()
    dialogs = FakeDialogs()
    dialogs.confirm_answers.append(True)  # "Open a copy restored from the newest good backup?"
    window = MainWindow(settings, dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    with qtbot.waitSignal(window.sig_project_opened, timeout=20_000) as opened:
        open_initial_project(window, path, "Ana")
    # Whether SQLite refused the file at once or the check on open found the damage, the user is
    # told plainly and gets the restored copy; the damaged file is exactly as it was.
    qtbot.waitUntil(lambda: window.project is not None and window.project.path != path, timeout=20_000)
    assert dialogs.asked.count("The project file is damaged") == 1
    restored = window.project.path
    assert "restored from" in restored.name and restored.parent == path.parent
    assert claim_count(restored) == 400
    assert path.read_bytes() == damaged
    assert opened.args is not None
    window.close()


def test_a_damaged_project_without_backups_is_reported_and_left_alone(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    make_project(path, 400)
    damage_data_pages(path)
    damaged = path.read_bytes()
    dialogs = FakeDialogs()
    window = MainWindow(settings, dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    open_initial_project(window, path, "Ana")
    qtbot.waitUntil(lambda: bool(dialogs.errors), timeout=20_000)
    title, message = dialogs.errors[0]
    assert title == "The project file is damaged"
    assert "p.sqlite" in message and "no good backup" in message
    assert path.read_bytes() == damaged
    window.close()


def test_a_restored_project_that_fails_to_open_leaves_the_window_without_a_project(
    qtbot, settings, tmp_path, monkeypatch
):
    from annotator.services.project import Project, ProjectFileError

    path = tmp_path / "p.sqlite"
    make_project(path, 2)
    BackupService(path, backups_root()).take("daily", now=datetime.now(UTC) - timedelta(days=2))
    dialogs = FakeDialogs()
    window = open_window(qtbot, settings, path, dialogs)
    assert window.article_list.count() == 1
    dialogs.choice_answers.append(0)

    def refuse(cls, *args, **kwargs):
        raise ProjectFileError("the disk went away")

    monkeypatch.setattr(Project, "open", classmethod(refuse))
    window.restore_action.trigger()
    assert dialogs.errors and "the disk went away" in dialogs.errors[-1][1]
    assert window.project is None
    assert window.article_list.count() == 0
    assert not window.export_action.isEnabled() and not window.import_action.isEnabled()
    assert window.claim_panel.model.rowCount() == 0
    window.close()


def stored_last_article(path: Path) -> str | None:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        row = connection.execute("SELECT value FROM setting WHERE key = 'last_article_id'").fetchone()
        return None if row is None else str(row[0])
    finally:
        connection.close()


@pytest.mark.parametrize("sound", [True, False])
def test_nothing_is_written_of_the_apps_own_accord_before_the_files_check_has_passed(
    qtbot, settings, tmp_path, monkeypatch, sound
):
    """A damaged file must be left exactly as it was found, even where opening it read no damaged page:
    the article last shown is remembered only once SQLite's check has found the file sound."""
    from annotator.ui.project_safety import ProjectSafety

    path = tmp_path / "p.sqlite"
    make_project(path, 3)
    project = Project.open(path)
    second = project.articles.add_text("Another article, about the talks.", title="Second").article_id
    project.close()
    monkeypatch.setattr(ProjectSafety, "project_opened", lambda self, path: None)  # the check still runs
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, path, "Ana")
    qtbot.waitUntil(lambda: window.project is not None)
    window.article_list.setCurrentRow(1)
    assert window.controller.article is not None and window.controller.article.id == second
    assert stored_last_article(path) is None  # both articles shown, neither remembered yet
    window.safety.sig_file_checked.emit(str(path), sound)
    assert stored_last_article(path) == (second if sound else None)
    window.close()


def test_a_new_annotators_name_is_not_written_into_a_file_not_yet_found_sound(
    qtbot, settings, tmp_path, monkeypatch
):
    """Opening a project under a name it does not know adds that annotator: a write, which waits for
    SQLite's check. A file the check finds damaged gets no new row."""
    from annotator.services import backups

    path = tmp_path / "p.sqlite"
    make_project(path, 3)
    monkeypatch.setattr(backups, "damage_report", lambda _path: "database disk image is malformed")
    dialogs = FakeDialogs()
    window = MainWindow(settings, dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    assert not open_initial_project(window, path, "Bob")
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        names = [row[0] for row in connection.execute("SELECT name FROM annotator")]
    finally:
        connection.close()
    assert names == ["Ana"]
    assert window.project is None
    assert dialogs.errors and dialogs.errors[0][0] == "The project file is damaged"
    window.close()


def test_a_project_whose_schema_is_damaged_is_offered_its_backup_too(qtbot, settings, tmp_path):
    """SQLite reads no schema from it ("malformed database schema"): still our damaged project, not
    someone else's file, so the newest good backup is offered."""
    path = tmp_path / "p.sqlite"
    make_project(path, 40)
    BackupService(path, backups_root()).take("daily", now=datetime.now(UTC) - timedelta(hours=30))
    data = bytearray(path.read_bytes())
    at = data.index(b"CONSTRAINT", 100)  # only the schema's SQL says CONSTRAINT
    data[at - 6 : at] = b"\xb2\xaa\xb3\xb3\xd3\xdf"
    path.write_bytes(bytes(data))
    dialogs = FakeDialogs()
    dialogs.confirm_answers.append(True)
    window = MainWindow(settings, dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    open_initial_project(window, path, "Ana")  # as `annotator p.sqlite --annotator Ana`
    qtbot.waitUntil(lambda: window.project is not None and window.project.path != path, timeout=20_000)
    assert dialogs.asked.count("The project file is damaged") == 1
    assert claim_count(window.project.path) == 40
    # The restored copy opens under the name the command line gave, which is not asked for again
    # (nor remembered: --annotator is for this start only).
    assert "Who is annotating?" not in dialogs.asked
    assert window.annotator is not None and window.annotator.name == "Ana"
    assert not settings.contains("annotator/name")
    window.close()
