"""The project file: what a new one holds, the SQLite settings that keep work safe, and the files refused."""

from __future__ import annotations

import re
import sqlite3
import uuid
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
import sqlalchemy
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.exc import IntegrityError

from annotator.db.engine import BUSY_TIMEOUT_MS
from annotator.db.errors import NewerProjectError, NotAProjectError, ProjectFileError
from annotator.db.project_file import APPLICATION_ID, backup_to
from annotator.db.schema import HEAD_REVISION
from annotator.db.tables import UTCDateTime, metadata
from annotator.services.project import Project
from tests.core.factories import (
    DEFAULT_TYPE_NAMES,
    StepClock,
    add_article,
    add_claim,
    engine_of,
    open_project,
    sha256_of,
    side_files,
)


@pytest.fixture
def project(tmp_path: Path):
    opened = open_project(tmp_path / "project.sqlite")
    yield opened
    opened.close()


# --- a new project ---------------------------------------------------------------------------


def test_new_project_has_the_default_codebook(project: Project) -> None:
    book = project.codebook.get()

    assert [t.name for t in book.source_types] == DEFAULT_TYPE_NAMES
    assert [t.name for t in book.active_types] == DEFAULT_TYPE_NAMES
    assert all(t.definition.strip() for t in book.source_types)
    colours = [t.colour for t in book.source_types]
    assert all(re.fullmatch(r"#[0-9A-Fa-f]{6}", c) for c in colours)
    assert len({c.upper() for c in colours}) == 3
    assert [(level.value, level.label) for level in book.confidence_levels] == [
        (1, "very low"),
        (2, "low"),
        (3, "medium"),
        (4, "high"),
        (5, "very high"),
    ]
    assert project.articles.list() == []
    assert project.annotators() == []


def test_connections_get_the_pragmas_that_keep_work_safe(project: Project) -> None:
    with engine_of(project).connect() as connection:

        def pragma(name: str) -> object:
            return connection.exec_driver_sql(f"PRAGMA {name}").scalar()

        assert pragma("application_id") == APPLICATION_ID == 0x53414E4E
        assert pragma("journal_mode") == "wal"
        assert pragma("synchronous") == 2  # FULL
        assert pragma("foreign_keys") == 1
        assert pragma("busy_timeout") == BUSY_TIMEOUT_MS > 0


def test_the_file_header_carries_our_application_id(project: Project) -> None:
    project.close()
    header = project.path.read_bytes()[:100]
    assert header.startswith(b"SQLite format 3\x00")
    assert int.from_bytes(header[68:72], "big") == APPLICATION_ID


def test_foreign_keys_are_enforced(project: Project) -> None:
    article_id = add_article(project, "Some text to tag.")
    annotator = project.annotator("Ann")
    with pytest.raises(IntegrityError, match="FOREIGN KEY"):
        project.claims.create(
            article_id=article_id,
            annotator_id=annotator.id,
            start=0,
            end=4,
            source_type_id=str(uuid.uuid4()),
            confidence=3,
        )
    assert project.claims.for_article(article_id) == []


def test_reopening_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "kept.sqlite"
    first = open_project(path)
    article_id = add_article(first, "The mayor said the bridge will reopen in May.", "Bridge")
    annotator = first.annotator("Ann")
    claim_id = add_claim(first, article_id, annotator, 4, 9, type_index=1, confidence=4, comment="check")
    new_type_id = first.codebook.add_type("press release", "A statement put out by an organisation.")[1]
    first.codebook.relabel_level(3, "moderate")
    first.articles.remember_opened(article_id)
    first.set_setting("colour scheme", "dark")
    book_before = first.codebook.get()
    claim_before = first.claims.get(claim_id)
    first.close()

    again = open_project(path)
    try:
        assert again.codebook.get() == book_before  # not seeded a second time
        assert again.codebook.get().type_by_id(new_type_id) is not None
        assert again.codebook.get().level_label(3) == "moderate"
        assert again.claims.get(claim_id) == claim_before
        assert again.annotators() == [annotator]
        assert again.articles.get(article_id).text == "The mayor said the bridge will reopen in May."
        assert again.articles.last_opened() == article_id
        assert again.setting("colour scheme") == "dark"
    finally:
        again.close()


def test_an_empty_file_becomes_a_new_project(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.touch()
    opened = Project.open(path)
    try:
        assert [t.name for t in opened.codebook.get().source_types] == DEFAULT_TYPE_NAMES
    finally:
        opened.close()
    assert path.read_bytes().startswith(b"SQLite format 3\x00")


def test_a_missing_file_is_not_created_when_creation_is_not_wanted(tmp_path: Path) -> None:
    path = tmp_path / "absent.sqlite"
    with pytest.raises(ProjectFileError):
        Project.open(path, create=False)
    assert list(tmp_path.iterdir()) == []


def test_a_new_project_in_a_new_folder(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "nested.sqlite"
    opened = Project.open(path)
    opened.close()
    assert path.is_file()


# --- files that are refused, untouched -------------------------------------------------------


def _text_file(path: Path) -> None:
    path.write_text("These are my notes, not a project.\n", encoding="utf-8")


def _binary_file(path: Path) -> None:
    path.write_bytes(bytes(range(256)) * 16)


def _zeros_file(path: Path) -> None:
    # A file "allocated but never written": non-empty, yet not an SQLite database.
    path.write_bytes(b"\x00" * 4096)


def _short_sqlite_header(path: Path) -> None:
    path.write_bytes(b"SQLite format 3\x00" + b"\x00" * 20)


def _foreign_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    connection.execute("INSERT INTO recipe (name) VALUES ('bread')")
    connection.commit()
    connection.close()


def _foreign_wal_database(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA journal_mode = WAL")
    connection.execute("CREATE TABLE contact (id INTEGER PRIMARY KEY, email TEXT)")
    connection.commit()
    connection.close()


def _foreign_application_id(path: Path) -> None:
    connection = sqlite3.connect(path)
    connection.execute("PRAGMA application_id = 1234")
    connection.execute("CREATE TABLE t (x)")
    connection.commit()
    connection.close()


def _foreign_alembic_database(path: Path) -> None:
    # Another Alembic-managed program's file: it has an alembic_version, but not our application id.
    connection = sqlite3.connect(path)
    connection.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
    connection.execute("INSERT INTO alembic_version VALUES ('0001')")
    connection.execute("CREATE TABLE invoice (id INTEGER PRIMARY KEY)")
    connection.commit()
    connection.close()


@pytest.mark.parametrize(
    "make",
    [
        _text_file,
        _binary_file,
        _zeros_file,
        _short_sqlite_header,
        _foreign_database,
        _foreign_wal_database,
        _foreign_application_id,
        _foreign_alembic_database,
    ],
)
def test_files_that_are_not_projects_are_refused_untouched(tmp_path: Path, make) -> None:
    path = tmp_path / "chosen.sqlite"
    make(path)
    before = sha256_of(path)
    assert side_files(path) == []

    with pytest.raises(NotAProjectError) as refused:
        Project.open(path)

    assert isinstance(refused.value, ProjectFileError)
    assert path.name in str(refused.value)
    assert sha256_of(path) == before
    assert side_files(path) == []


def test_the_foreign_database_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "recipes.db"
    _foreign_database(path)
    with pytest.raises(NotAProjectError):
        Project.open(path)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
        assert connection.execute("SELECT name FROM recipe").fetchall() == [("bread",)]
    finally:
        connection.close()


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "folder.sqlite"
    folder.mkdir()
    (folder / "inside.txt").write_text("x")

    with pytest.raises(NotAProjectError):
        Project.open(folder)

    assert sorted(p.name for p in folder.iterdir()) == ["inside.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["folder.sqlite"]


def _newer_project(path: Path) -> None:
    Project.open(path).close()
    connection = sqlite3.connect(path)
    connection.execute("UPDATE alembic_version SET version_num = '9999_future'")
    connection.commit()
    connection.close()


def test_a_project_from_a_newer_version_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "future.sqlite"
    _newer_project(path)
    before = sha256_of(path)
    assert side_files(path) == []

    with pytest.raises(NewerProjectError, match="newer version"):
        Project.open(path)

    assert sha256_of(path) == before
    assert side_files(path) == []
    # Refused again, the same way: the first attempt did not "repair" anything.
    with pytest.raises(NewerProjectError):
        Project.open(path, create=False)
    assert sha256_of(path) == before


def test_a_newer_project_is_refused_while_its_wal_is_not_yet_checkpointed(tmp_path: Path) -> None:
    # The version bump sits only in the WAL (another program still has the file open): the
    # check must read through the WAL and still refuse.
    path = tmp_path / "future-wal.sqlite"
    Project.open(path).close()
    holder = sqlite3.connect(path)
    try:
        holder.execute("PRAGMA wal_autocheckpoint = 0")
        holder.execute("UPDATE alembic_version SET version_num = '9999_future'")
        holder.commit()
        assert (tmp_path / "future-wal.sqlite-wal").stat().st_size > 0
        before = sha256_of(path)
        with pytest.raises(NewerProjectError):
            Project.open(path)
        assert sha256_of(path) == before
    finally:
        holder.close()


# --- what is stored, and how -----------------------------------------------------------------


def test_primary_keys_are_uuids(project: Project) -> None:
    article_id = add_article(project, "A short text with a claim in it.")
    annotator = project.annotator("Ann")
    claim_id = add_claim(project, article_id, annotator, 2, 7)
    type_ids = [t.id for t in project.codebook.get().source_types]

    for key in [article_id, annotator.id, claim_id, *type_ids]:
        parsed = uuid.UUID(key)
        assert str(parsed) == key
        assert parsed.version == 4
    assert len({article_id, annotator.id, claim_id, *type_ids}) == 3 + len(type_ids)


def test_timestamps_come_back_as_aware_utc(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    clock = StepClock()
    monkeypatch.setattr("annotator.services.claims.utc_now", clock)
    path = tmp_path / "times.sqlite"
    first = open_project(path)
    article_id = add_article(first, "A short text with a claim in it.")
    claim_id = add_claim(first, article_id, first.annotator("Ann"), 2, 7)
    stamped = clock.now
    first.close()

    again = open_project(path)
    try:
        claim = again.claims.get(claim_id)
        for value in (claim.created_at, claim.updated_at):
            assert value is not None
            assert value.tzinfo is not None
            assert value.utcoffset() == timedelta(0)
            assert value == stamped  # to the microsecond, after a round trip through the file
    finally:
        again.close()


def test_utc_datetime_stores_other_zones_as_the_same_instant() -> None:
    column_type = UTCDateTime()
    dialect = sqlite_dialect.dialect()
    india = timezone(timedelta(hours=5, minutes=30))
    local = datetime(2026, 5, 4, 17, 0, tzinfo=india)

    stored = column_type.process_bind_param(local, dialect)
    assert stored == "2026-05-04T11:30:00.000000Z"  # UTC text, which sorts in time order
    read = column_type.process_result_value(stored, dialect)
    assert read == local
    assert read.tzinfo is UTC

    with pytest.raises(ValueError, match="naive"):
        column_type.process_bind_param(datetime(2026, 5, 4, 17, 0), dialect)
    assert column_type.process_bind_param(None, dialect) is None
    assert column_type.process_result_value(None, dialect) is None
    assert column_type.process_bind_param(datetime(2026, 1, 1, tzinfo=UTC), dialect) < stored


def test_the_migration_builds_exactly_the_tables_the_models_describe(project: Project) -> None:
    with engine_of(project).connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert context.get_current_revision() == HEAD_REVISION
        assert compare_metadata(context, metadata) == []


@pytest.mark.parametrize("name", ["What happened?.sqlite", "Project #2.sqlite", "50%25 done.sqlite"])
def test_the_project_is_written_to_the_file_the_user_named(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    opened = open_project(path)
    article_id = add_article(opened, "Stored in the file the user chose.")
    opened.close()

    assert sorted(p.name for p in tmp_path.iterdir()) == [name]
    again = Project.open(path, create=False)
    try:
        assert [a.id for a in again.articles.list()] == [article_id]
    finally:
        again.close()


def test_backup_copies_a_live_project_whose_name_has_uri_characters(tmp_path: Path) -> None:
    # A file name with "#" or "?" must not cut the read-only URI short.
    source = tmp_path / "Project #2 ?draft%20.sqlite"
    opened = open_project(source)
    article_id = add_article(opened, "Text kept in the WAL while the project is open.")
    destination = tmp_path / "backup.sqlite"

    backup_to(source, destination)
    opened.close()

    connection = sqlite3.connect(destination)
    try:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert connection.execute("SELECT id FROM article").fetchall() == [(article_id,)]
    finally:
        connection.close()


def test_the_known_revisions_are_alembics() -> None:
    from annotator.db.schema import HEAD_REVISION, KNOWN_REVISIONS, alembic_revisions

    revisions, head = alembic_revisions()
    assert tuple(revisions) == KNOWN_REVISIONS
    assert head == HEAD_REVISION


def test_a_reader_in_another_process_neither_waits_for_nor_blocks_a_writer(tmp_path: Path) -> None:
    """Two windows (or the app and `annotator export`) on one file: reads begin DEFERRED."""
    path = tmp_path / "shared.sqlite"
    first = Project.open(path)
    second = Project.open(path)
    try:
        with first._tx.begin():  # a write transaction holds the write lock...
            # ...and another connection can still read, at once (WAL), without "database is locked".
            assert second.codebook.get().active_types
            assert second.articles.list() == []
        with second._tx.read():  # and an open read does not stop a writer
            first.annotator("Ana")
        assert [a.name for a in second.annotators()] == ["Ana"]
    finally:
        first.close()
        second.close()


def test_an_upgrade_that_rebuilds_a_referenced_table_keeps_the_claims(tmp_path: Path, monkeypatch) -> None:
    """A future migration in batch mode copies `article`, which claims point at."""
    import sqlite3

    from alembic import command
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from annotator.db import schema

    path = tmp_path / "old.sqlite"
    project = Project.open(path)
    article = project.articles.add_text("The minister said so.", title="t").article_id
    annotator = project.annotator("Ana")
    type_id = project.codebook.get().active_types[0].id
    _, claim = project.claims.create(
        article_id=article, annotator_id=annotator.id, start=4, end=12, source_type_id=type_id, confidence=3
    )
    project.close()
    with sqlite3.connect(path) as raw:  # pretend the file is one revision older
        raw.execute("UPDATE alembic_version SET version_num = '0000'")
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", ("0000", *schema.KNOWN_REVISIONS))

    def rebuild_article_table(config, revision):  # type: ignore[no-untyped-def]
        connection = config.attributes["connection"]
        operations = Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))
        with operations.batch_alter_table("article", recreate="always"):
            pass
        connection.exec_driver_sql("UPDATE alembic_version SET version_num = '0001'")

    monkeypatch.setattr(command, "upgrade", rebuild_article_table)
    reopened = Project.open(path)
    try:
        assert reopened.claims.get(claim.id) == claim
        with reopened._tx.read() as session:
            assert session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    finally:
        reopened.close()
    assert list(tmp_path.glob("old.before-upgrade-0000-*.sqlite"))  # and a backup was made first


def test_an_upgrade_that_fails_midway_leaves_the_file_exactly_as_it_was(tmp_path: Path, monkeypatch) -> None:
    """One transaction for the whole upgrade: a half-done batch rebuild rolls back, and a backup is beside it."""
    import sqlite3

    from alembic import command
    from alembic.operations import Operations
    from alembic.runtime.migration import MigrationContext

    from annotator.db import schema

    path = tmp_path / "old.sqlite"
    project = Project.open(path)
    article = project.articles.add_text("The minister said so.", title="t").article_id
    annotator = project.annotator("Ana")
    type_id = project.codebook.get().active_types[0].id
    project.claims.create(
        article_id=article, annotator_id=annotator.id, start=4, end=12, source_type_id=type_id, confidence=3
    )
    project.close()
    with sqlite3.connect(path) as raw:  # pretend the file is one revision older
        raw.execute("UPDATE alembic_version SET version_num = '0000'")
    raw.close()

    def snapshot() -> tuple[list[tuple[str, str]], list[tuple[object, ...]], list[tuple[object, ...]], str]:
        connection = sqlite3.connect(path)
        try:
            schema_rows = connection.execute(
                "SELECT name, sql FROM sqlite_master WHERE sql IS NOT NULL ORDER BY name"
            ).fetchall()
            articles = connection.execute("SELECT * FROM article ORDER BY id").fetchall()
            claims = connection.execute("SELECT * FROM claim ORDER BY id").fetchall()
            version = connection.execute("SELECT version_num FROM alembic_version").fetchone()[0]
            return schema_rows, articles, claims, version
        finally:
            connection.close()

    before = snapshot()
    monkeypatch.setattr(schema, "KNOWN_REVISIONS", ("0000", *schema.KNOWN_REVISIONS))

    def fail_midway(config, revision):  # type: ignore[no-untyped-def]
        connection = config.attributes["connection"]
        operations = Operations(MigrationContext.configure(connection, opts={"render_as_batch": True}))
        with operations.batch_alter_table("article", recreate="always") as batch:
            batch.add_column(sqlalchemy.Column("summary", sqlalchemy.Text(), nullable=True))
        operations.create_table("review", sqlalchemy.Column("id", sqlalchemy.String(36), primary_key=True))
        connection.exec_driver_sql("CREATE TABLE _alembic_tmp_claim (id TEXT)")  # as a batch copy would
        raise RuntimeError("the migration broke half-way")

    monkeypatch.setattr(command, "upgrade", fail_midway)
    with pytest.raises(ProjectFileError):
        Project.open(path)
    after = snapshot()
    assert after == before  # same schema, same rows, same revision
    assert not any(name.startswith("_alembic_tmp_") for name, _ in after[0])
    backups = list(tmp_path.glob("old.before-upgrade-0000-*.sqlite"))
    assert len(backups) == 1
    check = sqlite3.connect(backups[0])
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert check.execute("SELECT count(*) FROM claim").fetchone()[0] == 1
    finally:
        check.close()
