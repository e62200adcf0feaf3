"""One engine per project file: the SQLite pragmas and transaction modes that keep committed work safe.

Everything SQLite-specific lives here and in `project_file` (the checks on a file before it is
opened), so the rest of the code runs on PostgreSQL unchanged.
"""

from __future__ import annotations

import logging
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import URL, Engine

log = logging.getLogger(__name__)

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


READ_ONLY = "annotator_read_only"  # execution option: this transaction only reads


def _on_begin(connection: Any) -> None:
    # A writer takes the write lock up front (IMMEDIATE), so two writers wait (busy_timeout)
    # instead of failing with "database is locked" half-way through. Readers never block
    # anyone under WAL, so they begin DEFERRED.
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def sqlite_engine(path: Path) -> Engine:
    # URL.create, not an f-string: a "?" or "#" in the file name would be parsed as part of the URL
    # and the project written to a different, truncated file name.
    engine = create_engine(URL.create("sqlite", database=str(path)), future=True)
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    return engine
