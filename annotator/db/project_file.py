"""What makes a file one of our projects, read with the standard library's sqlite3 alone.

Kept apart from the engine so that the app can judge (and take a first look at) a project file
before SQLAlchemy has loaded; nothing here ever writes to the file it judges.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from annotator.db.errors import NotAProjectError, ProjectFileError

# "SANN" as a big-endian 32-bit integer: `PRAGMA application_id` marks our files
# (the `file` command and the app both recognise them).
APPLICATION_ID = 0x53414E4E
SQLITE_HEADER = b"SQLite format 3\x00"

# The migrations in migrations/versions, oldest first (a test checks them against Alembic's view).
# Knowing them here lets an up-to-date file open without importing Alembic (~0.2 s at start-up).
KNOWN_REVISIONS = ("0001", "0002", "0003")
HEAD_REVISION = KNOWN_REVISIONS[-1]


# The project files this process has open through SQLite, by (device, inode): such a file is never
# opened here with anything but SQLite (`_held_here`). POSIX locks belong to a process, and closing *any*
# descriptor of a file cancels all of the process's locks on it, SQLite's too. Reading the live project's
# header with open() (a daily backup, a check) once cancelled the app's own locks; another program that
# then closed the file took itself for the last one and deleted the WAL, with the claims saved in it since.
_HELD: Counter[tuple[int, int]] = Counter()
_HELD_LOCK = threading.Lock()


def hold(path: Path) -> tuple[int, int]:
    """Note that this process has `path` open through SQLite until `release` (returns its identity)."""
    found = Path(path).stat()
    identity = (found.st_dev, found.st_ino)
    with _HELD_LOCK:
        _HELD[identity] += 1
    return identity


def release(identity: tuple[int, int]) -> None:
    with _HELD_LOCK:
        _HELD[identity] -= 1
        if _HELD[identity] <= 0:
            del _HELD[identity]


def _held_here(path: Path) -> bool:
    """Whether this process has `path` open through SQLite (by the file itself: links lead to it)."""
    try:
        found = Path(path).stat()
    except OSError:
        return False
    with _HELD_LOCK:
        return (found.st_dev, found.st_ino) in _HELD


def check_sqlite_file(path: Path) -> None:
    """Refuse, without touching it, a file that is not an SQLite database of ours."""
    if path.is_dir():
        raise NotAProjectError(f"“{path}” is a folder, not a project file.")
    if _held_here(path):  # this process's locks on it must stay: SQLite reads it (see _HELD)
        application_id = _application_id(path)
    else:
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
        raise NotAProjectError(
            f"“{path.name}” is a database of another program, not a Source Annotator project."
        )


@dataclass(frozen=True, slots=True)
class FileState:
    """What a database file holds, as far as deciding whether it is one of our projects."""

    revision: str | None  # alembic_version, None when the file has none
    tables: frozenset[str]
    application_id: int


def read_file_state(path: Path) -> FileState | None:
    """Read a file's revision, tables and application id without writing to it; None when it is empty.

    The engine's connect hook switches a database to WAL, which rewrites its header, so a file that is
    going to be refused must be judged through a read-only connection first.
    """
    if not path.exists() or path.stat().st_size == 0:
        return None
    connection = read_only_connection(path)
    try:
        names = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        tables = frozenset(name for (name,) in names if not name.startswith("sqlite_"))
        revision = None
        if "alembic_version" in tables:
            row = connection.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        application_id = int(connection.execute("PRAGMA application_id").fetchone()[0])
    except sqlite3.OperationalError as error:  # locked, unreadable, a hot journal we may not replay
        raise ProjectFileError(f"“{path.name}” cannot be read: {error}.") from error
    except sqlite3.DatabaseError as error:  # "file is not a database", or a damaged one
        raise _unreadable(path, str(error)) from error
    except UnicodeDecodeError as error:
        raise _unreadable(path, _sqlite_message(error)) from error
    finally:
        connection.close()
    return FileState(revision, tables, application_id)


def _unreadable(path: Path, message: str) -> ProjectFileError:
    """A database SQLite calls malformed is damaged, which the app offers to restore from a backup (it
    may well be one of ours); anything else SQLite cannot read is not a project."""
    if "malformed" in message:
        return ProjectFileError(f"“{path.name}” is damaged ({message}).")
    return NotAProjectError(f"“{path.name}” is not a Source Annotator project ({message}).")


def read_only_connection(path: Path) -> sqlite3.Connection:
    """A connection that cannot change the file, nor leave -wal and -shm files beside it."""
    return sqlite3.connect(read_only_uri(path), uri=True)


def read_only_uri(path: Path) -> str:
    """The `file:` URI of a read-only open of `path` that leaves no -wal and -shm files beside it."""
    # as_uri() percent-encodes the path: a raw "#" or "?" in a file name would cut the URI short.
    uri = f"{path.absolute().as_uri()}?mode=ro"
    if _closed_wal_database(path):
        # A WAL database no connection has open: the file is complete, and `immutable` keeps a
        # read-only open from leaving empty -wal and -shm files behind.
        uri += "&immutable=1"
    return uri


def _application_id(path: Path) -> int:
    """`PRAGMA application_id`, through a read-only connection."""
    try:
        connection = read_only_connection(path)
        try:
            return int(connection.execute("PRAGMA application_id").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.OperationalError as error:  # locked, a hot journal a read-only open may not replay
        raise ProjectFileError(f"“{path.name}” cannot be read: {error}.") from error
    except sqlite3.DatabaseError as error:  # "file is not a database"
        raise NotAProjectError(f"“{path.name}” is not a Source Annotator project ({error}).") from error


def _closed_wal_database(path: Path) -> bool:
    """Whether `path` is a database in WAL mode that no connection has open: no -wal file lies beside
    the file itself (SQLite puts it there, whatever link leads to the file), nor a -journal.

    The file is read here only when this process does not have it open (see _HELD).
    """
    real = path.resolve()
    if _held_here(path) or any(
        real.with_name(real.name + suffix).exists() for suffix in ("-wal", "-journal")
    ):
        return False
    with path.open("rb") as handle:
        return handle.read(20)[18:19] == b"\x02"


def backup_to(source: Path, destination: Path) -> None:
    """Copy a live database with SQLite's backup API (a file copy would miss the WAL).

    The copy is written beside `destination`, closed, reopened and renamed into place only once
    it has passed SQLite's integrity check as it lies on disk: a backup that exists is one that works.
    """
    partial = destination.with_name(destination.name + ".partial")
    partial.unlink(missing_ok=True)
    src = read_only_connection(source)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
        check = read_only_connection(partial)
        try:
            verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
        finally:
            check.close()
        if verdict != "ok":
            raise ProjectFileError(f"The backup “{destination.name}” failed its integrity check ({verdict}).")
        partial.replace(destination)
        sync_folder(destination.parent)
    except sqlite3.Error as error:
        raise ProjectFileError(f"“{source.name}” could not be backed up: {error}.") from error
    finally:
        src.close()
        partial.unlink(missing_ok=True)


def sync_folder(folder: Path) -> None:
    """Make the names of files just created in `folder` survive power loss.

    SQLite syncs a database's content, never the folder entry that names a new file: without this
    a project created (or a backup renamed into place) just before a power cut could vanish.
    """
    if os.name != "posix":  # Windows makes new names durable with the file's own flush
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def damage_report(path: Path) -> str | None:
    """None when SQLite finds the file sound (`PRAGMA quick_check`), else what it found first.

    Reads every page (about a second for 100 MB), so the app runs it off the GUI thread.
    """
    try:
        connection = read_only_connection(path)
        try:
            verdict = str(connection.execute("PRAGMA quick_check").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.DatabaseError as error:  # "database disk image is malformed", "not a database"
        return str(error)
    except UnicodeDecodeError as error:
        return _sqlite_message(error)
    except OSError as error:
        return error.strerror or str(error)
    return None if verdict == "ok" else verdict


def _sqlite_message(error: UnicodeDecodeError) -> str:
    """SQLite's error message, which the sqlite3 module failed to decode.

    A damaged schema makes SQLite quote the bytes it could not parse ("malformed database schema
    (...) - near ...") and those need not be UTF-8: the module then raises UnicodeDecodeError, not
    DatabaseError, holding the message's bytes.
    """
    raw = error.object
    return bytes(raw).decode("utf-8", "replace") if isinstance(raw, bytes | bytearray) else str(error)
