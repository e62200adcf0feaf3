"""The one way in for files that come from elsewhere (a colleague, a download, another tool).

Every reader of such files starts here: a regular file only (a FIFO or device could block forever),
a size cap checked before reading, and one error, `ImportRejected`, whose message names the file
and says why. Readers of archives or XML will add their checks here (member names that climb out
of a folder, XML entities through defusedxml), so that no format gets its own weaker gate.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from annotator.formats.errors import ImportRejected


def check_capped(path: Path, *, limit: int, what: str, forbidden: Sequence[Path] = ()) -> int:
    """Refuse `path` unless it is a regular file of at most `limit` bytes; returns its size.

    For files a library reads itself (a colleague's project goes to SQLite): the same gate as
    `read_capped`, without reading. `forbidden` files (the open project's) are refused before anything
    opens them: closing a descriptor of the project's file would cancel SQLite's locks on it
    (db.project_file._closed_wal_database says what follows).
    """
    name = path.name or str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ImportRejected(name, "the file does not exist") from None
    except OSError as error:
        raise ImportRejected(name, f"it cannot be read ({error.strerror or error})") from error
    if any(_same_file(info, other) for other in forbidden):
        raise ImportRejected(name, "it is the open project's own file")
    if stat.S_ISDIR(info.st_mode):
        raise ImportRejected(name, "it is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise ImportRejected(name, "it is not a regular file")
    if info.st_size > limit:
        raise too_large(name, info.st_size, limit, what)
    return info.st_size


def read_capped(path: Path, *, limit: int, what: str, forbidden: Sequence[Path] = ()) -> bytes:
    """The bytes of the regular file at `path`, refused when it is larger than `limit` bytes.

    `what` names the kind of file in the message: "more than the 50.0 MB limit for an article".
    The file is opened without blocking and judged by what was opened, so a path swapped for a
    FIFO after the check cannot make the read wait forever.
    """
    name = path.name or str(path)
    check_capped(path, limit=limit, what=what, forbidden=forbidden)
    try:
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        raise ImportRejected(name, f"it cannot be read ({error.strerror or error})") from error
    with os.fdopen(descriptor, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ImportRejected(name, "it is not a regular file")
        try:
            # Ask for what the file holds, not for the limit: a buffered read allocates all it is
            # asked for up front (a gigabyte for a 50-byte file). One byte more tells if it grew.
            data = file.read(min(info.st_size, limit) + 1)
            if len(data) > info.st_size:  # it grew since fstat(): the rest, up to one byte over the limit
                parts, total = [data], len(data)
                while total <= limit and (chunk := file.read(min(1 << 20, limit + 1 - total))):
                    parts.append(chunk)
                    total += len(chunk)
                data = b"".join(parts)
        except OSError as error:
            raise ImportRejected(name, f"it cannot be read ({error.strerror or error})") from error
    if len(data) > limit:
        raise too_large(name, len(data), limit, what)
    return data


def _same_file(info: os.stat_result, other: Path) -> bool:
    try:
        found = other.stat()
    except OSError:
        return False
    return (found.st_dev, found.st_ino) == (info.st_dev, info.st_ino)


def too_large(name: str, size: int, limit: int, what: str) -> ImportRejected:
    shown, cap = human_size(size), human_size(limit)
    if shown == cap:  # 50.0 MB against 50.0 MB says nothing: give the bytes
        shown, cap = f"{size:,} bytes", f"{limit:,} bytes"
    return ImportRejected(name, f"it is {shown}, more than the {cap} limit for {what}")


def human_size(size: int) -> str:
    for unit, factor in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if size >= factor:
            return f"{size / factor:.1f} {unit}"
    return f"{size} bytes"
