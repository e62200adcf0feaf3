"""Writing a file so that it is either complete or not there: the one way the writers save."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def replaced_when_complete(destination: Path) -> Iterator[BinaryIO]:
    """A new file beside `destination`, moved over it only when the block ends without an error.

    It is synced to disk before the rename, or a crash could leave an empty file in place of the
    old one; on any error (a cancel included) it is removed and an earlier file stays as it was.
    The name is our own rather than tempfile's: mkstemp makes files readable by the owner only,
    and a saved file should get the same permissions as any other the user saves.
    """
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:12]}.tmp")
    try:
        with temporary.open("xb") as file:
            yield file
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
