"""Bring a project file's schema to this version with the migrations shipped in the package."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

from annotator.db.errors import NewerProjectError, NotAProjectError, ProjectFileError
from annotator.db.project_file import (
    APPLICATION_ID,
    HEAD_REVISION,
    KNOWN_REVISIONS,
    FileState,
    backup_to,
    read_file_state,
)

if TYPE_CHECKING:
    from alembic.config import Config

log = logging.getLogger(__name__)


def _alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", "annotator.db:migrations")
    return config


def alembic_revisions() -> tuple[list[str], str | None]:
    """Every revision Alembic finds in the package, oldest first, and its head."""
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_alembic_config())
    return [rev.revision for rev in reversed(list(script.walk_revisions()))], script.get_current_head()


def _current_revision(connection: Connection, tables: frozenset[str]) -> str | None:
    if "alembic_version" not in tables:
        return None
    value = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    return str(value) if value is not None else None


def upgrade_to_head(engine: Engine, path: Path | None) -> bool:
    """Migrate the file to the newest schema; returns True when the file was new.

    An older file is backed up first; a newer one, or a foreign database, is refused untouched.
    """
    known = set(KNOWN_REVISIONS)
    name = path.name if path else "the project"
    if path is not None:
        # Judged read-only first: the engine's first connection would already rewrite a foreign
        # database's header (it switches the file to WAL).
        state = read_file_state(path)
        if state is not None:
            _refuse_unless_ours(state, name, known)
    with engine.connect() as connection:
        tables = frozenset(inspect(connection).get_table_names())
        current = _current_revision(connection, tables)
        application_id = connection.exec_driver_sql("PRAGMA application_id").scalar()
    _refuse_unless_ours(FileState(current, tables, int(application_id or 0)), name, known)
    if current == HEAD_REVISION:
        return False
    if current is not None and path is not None:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        backup = path.with_name(f"{path.stem}.before-upgrade-{current}-{stamp}{path.suffix}")
        backup_to(path, backup)
        log.info("Backed up %s to %s before upgrading its schema", path, backup)
    from alembic import command

    config = _alembic_config()
    sqlite = engine.dialect.name == "sqlite"
    with engine.connect() as connection:
        # SQLite's procedure for changing a table's shape: batch mode rebuilds tables, which with
        # foreign keys on fails on every file that has claims. Off outside the transaction,
        # checked before the commit, and on again for the connection's next user.
        raw = connection.connection.driver_connection
        assert raw is not None  # a live connection has its driver's
        if sqlite:
            raw.execute("PRAGMA foreign_keys = OFF")
        try:
            with connection.begin():
                config.attributes["connection"] = connection
                command.upgrade(config, "head")
                if sqlite:
                    if connection.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                        raise ProjectFileError(f"Upgrading “{name}” would break links between its records.")
                    connection.execute(text(f"PRAGMA application_id = {APPLICATION_ID}"))
        finally:
            if sqlite:
                raw.execute("PRAGMA foreign_keys = ON")
    return current is None


def _refuse_unless_ours(state: FileState, name: str, known: set[str]) -> None:
    """Raise unless the file is new, or one of our projects at a revision this version knows."""
    if state.revision is None and state.tables:
        raise NotAProjectError(f"“{name}” is a database of another program, not a Source Annotator project.")
    if state.revision is not None and state.application_id != APPLICATION_ID:
        raise NotAProjectError(f"“{name}” is not a Source Annotator project.")
    if state.revision is not None and state.revision not in known:
        raise NewerProjectError(
            f"“{name}” was saved by a newer version of Source Annotator; update the app to open it."
        )
