"""Writing a file so that it is either complete or not there: the one way the writers save."""

from __future__ import annotations

import errno
import os
import re
import stat
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

# Names of streams rather than files: /dev/stdout, /dev/fd/3, /proc/self/fd/1. Even when one
# leads to a regular file (`--out /dev/stdout > claims.csv`), it must be written through the
# open descriptor: renaming over the file it leads to would cut the shell's redirection off.
_STREAM_FOLDERS = ("/dev/", "/proc/")
# This process's own descriptors by name: written through a copy of the descriptor, so that the
# file is written where the shell's redirection is (`>>` appends, and nothing is truncated).
_DESCRIPTOR = re.compile(r"/dev/(?:std(?P<std>in|out|err)|fd/(?P<fd>\d+))|/proc/self/fd/(?P<proc>\d+)")
_STANDARD = {"in": 0, "out": 1, "err": 2}


def refuse_own_files(destination: Path, own: Sequence[Path], what: str = "the project") -> None:
    """Refuse a destination that is, or leads to, one of `own` (the project's file and its journal):
    writing there would destroy the project. Checked by the file itself, whatever the way to it (a
    link, /dev/fd/N, /proc/self/fd/N: this program's own descriptor may be the project's file)."""
    identity = _identity(destination)
    for path in own:
        try:
            found = Path(path).stat()
        except OSError:
            # Not there now (a -journal, in WAL mode): a file written under its name would be
            # taken for the project's own by SQLite on the next open.
            wanted = _resolved(destination)
            same = wanted is not None and wanted == _resolved(path)
        else:
            same = (found.st_dev, found.st_ino) == identity
        if same:
            raise ValueError(
                f"“{destination}” is {what}'s own file ({path.name}): writing there would destroy it."
            )


def _resolved(path: Path) -> Path | None:
    try:
        return Path(path).resolve()
    except (OSError, RuntimeError):
        return None


def _identity(destination: Path) -> tuple[int, int] | None:
    descriptor = _DESCRIPTOR.fullmatch(str(Path(destination).absolute())) if os.name == "posix" else None
    try:
        if descriptor is not None:
            std, fd, proc = descriptor.group("std", "fd", "proc")
            found = os.fstat(_STANDARD[std] if std else int(fd or proc))
        else:
            found = Path(destination).stat()  # through links
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino


@contextmanager
def replaced_when_complete(destination: Path) -> Iterator[BinaryIO]:
    """A new file beside `destination`, moved over it only when the block ends without an error.

    It is synced to disk before the rename, or a crash could leave an empty file in place of the
    old one; on any error (a cancel included) it is removed and an earlier file stays as it was.
    The name is our own rather than tempfile's: mkstemp makes files readable by the owner only,
    and a saved file should get the same permissions as any other the user saves.

    A symbolic link is followed: its target is replaced and the link stays. A destination that
    is not a regular file (a terminal, a pipe or FIFO, /dev/stdout, /dev/null) cannot be renamed
    over, so it is written directly, as it comes. An OSError names `destination`, the user's path,
    never the temporary file.
    """
    destination = Path(destination)
    if _is_stream(destination):
        try:
            with _opened_stream(destination) as file:
                yield file
        except OSError as error:  # a closed descriptor, a full device: say which destination
            if error.filename is not None or error.errno is None:
                raise
            raise type(error)(error.errno, error.strerror or str(error), str(destination)) from error
        return
    target = destination.resolve()  # through any symbolic links, to the file they lead to
    if target.is_dir():
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(destination))
    temporary = target.with_name(f".{target.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with _named(temporary, destination):
            with temporary.open("xb") as file:
                yield file
                file.flush()
                os.fsync(file.fileno())
            temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _is_stream(destination: Path) -> bool:
    """Whether `destination` is written as it is rather than replaced: not a regular file."""
    if os.name == "posix" and str(destination.absolute()).startswith(_STREAM_FOLDERS):
        return destination.exists() and not destination.is_dir()
    try:
        mode = destination.stat().st_mode  # through links: what the link leads to
    except OSError:  # not there yet (or a dangling link): a file to create
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


def _opened_stream(destination: Path) -> BinaryIO:
    descriptor = _DESCRIPTOR.fullmatch(str(destination.absolute()))
    if descriptor is None:
        return destination.open("wb")
    std, fd, proc = descriptor.group("std", "fd", "proc")
    number = _STANDARD[std] if std else int(fd or proc)
    return os.fdopen(os.dup(number), "wb")


@contextmanager
def _named(internal: Path, destination: Path) -> Iterator[None]:
    """OSErrors about `internal` told about `destination` instead, the path the user gave."""
    try:
        yield
    except OSError as error:
        if str(internal) not in (str(error.filename), str(error.filename2)):
            raise
        raise type(error)(error.errno, error.strerror or str(error), str(destination)) from error
