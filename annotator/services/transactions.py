"""One session per user action: opened, committed (or rolled back) and closed by the service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session


class Transactions:
    """Hands out short transactions on the project's one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction that commits when the block ends without an error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session
