"""The engines of a project file: the SQLite pragmas and transaction modes that keep committed work safe.

A project has one writer connection, which makes every write and every checkpoint, and read-only
connections for reads. SQLite 3.7.0 to 3.51.2 can corrupt a WAL database when two connections
write or checkpoint at the same moment (the "WAL-reset bug", fixed in 3.51.3); with one writer
per process that cannot happen inside the app, and readers that cannot write never checkpoint.
Two processes writing one file at once (the app and a command-line import) remain possible but
rare; the log names the SQLite version and this arrangement when a project opens.

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

from annotator.db.project_file import hold, release

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 10_000

# Run on every new connection, in this order. One definition, also used by the power-loss test
# (tests/core/test_db_power_loss.py), which replays them through its simulated disk.
READER_PRAGMAS: tuple[str, ...] = (f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}", "PRAGMA foreign_keys = ON")
CONNECTION_PRAGMAS: tuple[str, ...] = (
    *READER_PRAGMAS,
    "PRAGMA journal_mode = WAL",
    # FULL syncs the WAL on every commit: a claim the user saw saved survives power loss.
    "PRAGMA synchronous = FULL",
)

# A writer takes the write lock up front (IMMEDIATE), so two writers wait (busy_timeout)
# instead of failing with "database is locked" half-way through. Readers never block
# anyone under WAL, so they begin DEFERRED.
BEGIN_WRITE = "BEGIN IMMEDIATE"
BEGIN_READ = "BEGIN"


WAL_RESET_BUG = ((3, 7, 0), (3, 51, 3))  # affected from the first, fixed in the second


def has_wal_reset_bug(version: tuple[int, int, int] = sqlite3.sqlite_version_info) -> bool:
    return WAL_RESET_BUG[0] <= version < WAL_RESET_BUG[1]


def _on_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    # Let SQLAlchemy emit BEGIN itself (see _on_begin): pysqlite's own transaction
    # handling would defer it and break transactional DDL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in CONNECTION_PRAGMAS:
        mode = cursor.execute(pragma).fetchone()
        if pragma.startswith("PRAGMA journal_mode") and mode is not None and str(mode[0]).lower() != "wal":
            # A file system without shared memory (some network drives) refuses WAL. SQLite keeps
            # its rollback journal then, which survives power loss only with EXTRA (it also syncs
            # the folder when the journal is deleted).
            log.warning(
                "WAL is not available for this project (journal mode %s): using synchronous=EXTRA", mode[0]
            )
            cursor.execute("PRAGMA synchronous = EXTRA")
            break
    cursor.close()


def _on_reader_connect(dbapi_connection: sqlite3.Connection, _record: Any) -> None:
    dbapi_connection.isolation_level = None
    for pragma in READER_PRAGMAS:
        dbapi_connection.execute(pragma)


READ_ONLY = "annotator_read_only"  # execution option: this transaction only reads


def _on_begin(connection: Any) -> None:
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql(BEGIN_READ if read_only else BEGIN_WRITE)


def _held_while_connected(engine: Engine, path: Path) -> None:
    """Each of the engine's connections puts the file on project_file's list of the files this process
    has open while it is open, so that nothing in this process reads the file but SQLite meanwhile
    (closing any other descriptor of it would cancel SQLite's locks: see project_file._HELD)."""

    def connected(_dbapi_connection: Any, record: Any) -> None:
        record.info["held"] = hold(path)

    def closed(_dbapi_connection: Any, record: Any) -> None:
        held = record.info.pop("held", None)
        if held is not None:
            release(held)

    event.listen(engine, "connect", connected)
    event.listen(engine, "close", closed)
    event.listen(engine, "close_detached", closed)


def sqlite_engine(path: Path) -> Engine:
    """The project's writer: one connection, shared in turn (a second writer waits for it)."""
    # URL.create, not an f-string: a "?" or "#" in the file name would be parsed as part of the URL
    # and the project written to a different, truncated file name.
    engine = create_engine(
        URL.create("sqlite", database=str(path)),
        pool_size=1,
        max_overflow=0,
        pool_timeout=BUSY_TIMEOUT_MS / 1000,
    )
    event.listen(engine, "connect", _on_connect)
    event.listen(engine, "begin", _on_begin)
    _held_while_connected(engine, path)
    log.info(
        "SQLite %s%s: one writer connection, read-only readers",
        sqlite3.sqlite_version,
        " (has the WAL-reset bug, fixed in 3.51.3)" if has_wal_reset_bug() else "",
    )
    return engine


def sqlite_reader_engine(path: Path) -> Engine:
    """Read-only connections to the project: they cannot write, so they never checkpoint the WAL.

    Open them after the writer has opened the file (which sets it to WAL mode).
    """
    # as_uri() percent-encodes the path, so "#" or "?" in a file name stay part of it.
    url = URL.create("sqlite", database=f"{path.absolute().as_uri()}?mode=ro", query={"uri": "true"})
    engine = create_engine(url)
    event.listen(engine, "connect", _on_reader_connect)
    event.listen(engine, "begin", lambda connection: connection.exec_driver_sql(BEGIN_READ))
    _held_while_connected(engine, path)
    return engine


def copy_live(engine: Engine, destination: Path) -> None:
    """Write the project as this engine's connection sees it to a new file at `destination`, with
    SQLite's online backup: it reads through the open connection, so it works when the project's
    own file has been deleted or moved away meanwhile (the connection still holds it)."""
    from annotator.db.project_file import sync_folder

    if destination.exists():
        raise FileExistsError(f"“{destination.name}” exists already: choose a new name.")
    try:
        with engine.connect() as connection:
            source = connection.connection.driver_connection
            target = sqlite3.connect(destination)
            try:
                source.backup(target)  # type: ignore[union-attr]
                target.execute("PRAGMA journal_mode=WAL")
            finally:
                target.close()
    except sqlite3.Error as error:  # a read-only folder, a full or unplugged disk
        for leftover in (destination, destination.with_name(destination.name + "-wal")):
            leftover.unlink(missing_ok=True)
        raise OSError(f"“{destination}” could not be written ({error}): choose another place.") from error
    sync_folder(destination.parent)
