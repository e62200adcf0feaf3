"""One engine per project file: SQLite pragmas that keep committed work safe, and the open checks.

Everything SQLite-specific lives here, so the rest of the code runs on PostgreSQL unchanged.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine

from annotator.db.errors import NotAProjectError, ProjectFileError

log = logging.getLogger(__name__)

# "SANN" as a big-endian 32-bit integer: `PRAGMA application_id` marks our files
# (the `file` command and the app both recognise them).
APPLICATION_ID = 0x53414E4E
SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 10_000


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _on_begin): pysqlite's own transaction
    # handling would defer it and break transactional DDL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.execute("PRAGMA journal_mode = WAL")
    # FULL syncs the WAL on every commit: a claim the user saw saved survives power loss.
    cursor.execute("PRAGMA synchronous = FULL")
    cursor.close()


def _on_begin(connection: Any) -> None:
    # IMMEDIATE takes the write lock up front, so two writers wait (busy_timeout)
    # instead of failing with "database is locked" half-way through.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def sqlite_engine(path: Path) -> Engine:
    engine = create_engine(f"sqlite:///{path}", future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine


def check_sqlite_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database of ours."""
    if path.is_dir():
        raise NotAProjectError(f"“{path}” is a folder, not a project file.")
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as error:
        raise ProjectFileError(f"“{path}” cannot be read: {error.strerror or error}.") from error
    if len(header) == 0:
        return  # an empty file becomes a new project
    if not header.startswith(SQLITE_HEADER) or len(header) < 100:
        raise NotAProjectError(f"“{path.name}” is not a Source Annotator project (it is not a database).")
    application_id = int.from_bytes(header[68:72], "big")
    if application_id not in (0, APPLICATION_ID):
        raise NotAProjectError(f"“{path.name}” is a database of another program, not a Source Annotator project.")


def read_application_id(path: Path) -> int:
    with path.open("rb") as handle:
        header = handle.read(100)
    return int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0


def backup_to(source: Path, destination: Path) -> None:
    """Copy a live database with SQLite's backup API (a file copy would miss the WAL)."""
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(destination)
        try:
            src.backup(dst)
            if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise ProjectFileError(f"The backup “{destination.name}” failed its integrity check.")
        finally:
            dst.close()
    finally:
        src.close()
