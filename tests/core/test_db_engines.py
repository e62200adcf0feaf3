"""One writer connection per project, read-only readers: the app's answer to SQLite's WAL-reset bug."""

from __future__ import annotations

import logging
import sqlite3
import threading
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from annotator.db import engine as engine_module
from annotator.db.engine import has_wal_reset_bug
from tests.core.factories import add_article, open_project


@pytest.mark.parametrize(
    ("version", "affected"),
    [
        ((3, 6, 23), False),
        ((3, 7, 0), True),
        ((3, 40, 1), True),
        ((3, 51, 2), True),
        ((3, 51, 3), False),
        ((3, 53, 0), False),
    ],
)
def test_the_affected_sqlite_versions(version, affected):
    assert has_wal_reset_bug(version) is affected


def test_reads_run_on_connections_that_cannot_write(tmp_path: Path):
    project = open_project(tmp_path / "p.sqlite")
    add_article(project, "Officials said the bridge will reopen.")
    with project._tx.read() as session:
        assert session.execute(text("SELECT count(*) FROM article")).scalar() == 1
        with pytest.raises(OperationalError, match="readonly"):
            session.execute(text("DELETE FROM article"))
    assert len(project.articles.list()) == 1
    project.close()


def test_writers_in_one_process_take_turns_on_one_connection(tmp_path: Path):
    project = open_project(tmp_path / "p.sqlite")
    order: list[str] = []
    first_inside = threading.Event()
    release_first = threading.Event()

    def first() -> None:
        with project._tx.begin() as session:
            session.execute(text("INSERT INTO setting (key, value) VALUES ('a', '1')"))
            order.append("first in")
            first_inside.set()
            release_first.wait(10)
            order.append("first out")

    def second() -> None:
        first_inside.wait(10)
        with project._tx.begin() as session:
            session.execute(text("INSERT INTO setting (key, value) VALUES ('b', '2')"))  # takes the connection
            order.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_inside.wait(10)
    try:
        threads[1].join(0.3)  # the second writer is waiting for the one connection, not failing
        assert threads[1].is_alive() and order == ["first in"]
    finally:
        release_first.set()
    for thread in threads:
        thread.join(10)
    assert order == ["first in", "first out", "second in"]
    assert project.setting("a") == "1" and project.setting("b") == "2"
    assert project._tx.engine.pool.checkedout() == 0
    project.close()


def test_the_log_names_the_sqlite_version_and_the_arrangement(tmp_path: Path, caplog):
    with caplog.at_level(logging.INFO, logger="annotator.db.engine"):
        open_project(tmp_path / "p.sqlite").close()
    line = next(r.getMessage() for r in caplog.records if "writer" in r.getMessage())
    assert sqlite3.sqlite_version in line and "one writer connection" in line
    assert ("WAL-reset bug" in line) is has_wal_reset_bug()


class _Cursor:
    def __init__(self, journal_mode: str) -> None:
        self.journal_mode = journal_mode
        self.executed: list[str] = []

    def execute(self, sql: str) -> _Cursor:
        self.executed.append(sql)
        self._last = sql
        return self

    def fetchone(self) -> tuple[str] | None:
        return (self.journal_mode,) if self._last.startswith("PRAGMA journal_mode") else None

    def close(self) -> None:
        pass


class _Connection:
    def __init__(self, cursor: _Cursor) -> None:
        self._cursor = cursor
        self.isolation_level: str | None = ""

    def cursor(self) -> _Cursor:
        return self._cursor


def test_without_wal_the_rollback_journal_is_synced_with_extra():
    """Some network file systems refuse WAL: SQLite keeps its rollback journal, which needs EXTRA."""
    refused = _Cursor("delete")
    engine_module._on_connect(_Connection(refused), None)  # type: ignore[arg-type]
    assert refused.executed[-1] == "PRAGMA synchronous = EXTRA"
    assert "PRAGMA synchronous = FULL" not in refused.executed
    granted = _Cursor("wal")
    engine_module._on_connect(_Connection(granted), None)  # type: ignore[arg-type]
    assert granted.executed[-1] == "PRAGMA synchronous = FULL"


def test_a_new_project_makes_its_folder_entry_durable(tmp_path: Path, monkeypatch):
    """SQLite syncs the file, not the folder naming it: the app syncs the folder of a new project."""
    import os

    from annotator.db import project_file

    synced: list[str] = []
    real_fsync = os.fsync

    def recording_fsync(descriptor: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{descriptor}"))
        real_fsync(descriptor)

    monkeypatch.setattr(project_file.os, "fsync", recording_fsync)
    open_project(tmp_path / "new.sqlite").close()
    assert str(tmp_path) in synced
    synced.clear()
    open_project(tmp_path / "new.sqlite").close()  # an existing project: nothing new to name
    assert synced == []
