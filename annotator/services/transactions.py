"""One session per user action: opened, committed (or rolled back) and closed by the service."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.orm import Session

from annotator.db.engine import BUSY_TIMEOUT_MS, READ_ONLY


class Transactions:
    """Hands out short transactions: writes on the project's writer, reads on its readers."""

    def __init__(self, engine: Engine, reader: Engine | None = None) -> None:
        self.engine = engine
        self._reader_engine = reader
        self._reader = reader if reader is not None else engine.execution_options(**{READ_ONLY: True})

    def own_files(self) -> tuple[Path, ...]:
        """The files the project lives in (an SQLite file and its -wal, -shm and -journal), which
        nothing the app writes for the user (an export) may overwrite; none for a server database."""
        database = self.engine.url.database
        if self.engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return ()
        path = Path(database)
        return (path, *(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm", "-journal")))

    def data_version(self) -> int | None:
        """SQLite's count of the changes other connections (other programs) have committed, as the
        writer's connection sees it: this process's own writes leave it alone. None for a server,
        and while the writer is busy (an import or merge on a worker thread): not waited for."""
        if self.engine.dialect.name != "sqlite" or self.engine.pool.checkedout():  # type: ignore[attr-defined]
            return None
        try:
            with self.engine.connect() as connection:
                # Not waited for either: in rollback-journal mode (a network drive) the read needs
                # a lock that another program's write may hold.
                connection.exec_driver_sql("PRAGMA busy_timeout=0")
                try:
                    return int(connection.exec_driver_sql("PRAGMA data_version").scalar_one())
                finally:
                    connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        except (DBAPIError, PoolTimeout):  # busy now: asked again on the next tick
            return None

    def dispose(self) -> None:
        if self._reader_engine is not None:
            self._reader_engine.dispose()
        self.engine.dispose()

    @contextmanager
    def begin(self) -> Iterator[Session]:
        """A session in a transaction that commits when the block ends without an error."""
        with Session(self.engine, expire_on_commit=False) as session, session.begin():
            yield session

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A session for reading only: it waits for no writer and makes none wait."""
        with Session(self._reader, expire_on_commit=False) as session, session.begin():
            yield session
