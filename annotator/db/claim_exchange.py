"""Claims in and out of the project in bulk: the reads behind the JSONL export, the writes of `import-claims`.

The import writes with executemany and set-based SQL, never ORM objects (100,000 claims in about a
second, index and commit included), and leaves to db/merge.py what a merge already decides: which
claims are already here, which version of a claim edited on both sides wins, what goes to the
claim's history. Callers own the transaction. The writes are qmark SQL on the driver, as the
merge's: SQLite only.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Generator, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session
from sqlalchemy.schema import CreateIndex

from annotator.db import merge
from annotator.db.tables import (
    ANNOTATOR,
    ARTICLE,
    CLAIM,
    CLAIM_COLUMNS,
    CONFIDENCE,
    SOURCE_TYPE,
)

# A claim row as `insert_claims` takes it: `claim`'s columns in this order, times as stored text.
ARTICLE_COLUMNS = ("id", "title", "outlet", "url", "published", "text", "sha256", "created_at", "updated_at")
_INCOMING = "temp.import_incoming"


def _q(column: str) -> str:
    return f'"{column}"'  # "end" is a keyword


# --- what the import looks things up in ------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lookups:
    """The project's names and ids an import resolves a file's claims against."""

    article_hashes: dict[str, str]  # sha256 -> article id (the first imported, as merge matches)
    article_titles: dict[str, list[str]]  # title -> article ids
    article_ids: frozenset[str]
    annotators: dict[str, str]  # name -> id
    annotator_ids: frozenset[str]
    source_types: dict[str, str]  # name -> id
    source_type_ids: frozenset[str]
    confidence_levels: tuple[int, ...]  # ascending


def _pairs(key: Any, value: Any, *, session: Session) -> dict[Any, Any]:
    return dict(session.execute(select(key, value)).all())


def lookups(*, session: Session) -> Lookups:
    hashes: dict[str, str] = {}
    titles: dict[str, list[str]] = {}
    ids = []
    for article_id, title, sha256 in session.execute(
        select(ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.sha256).order_by(ARTICLE.c.created_at, ARTICLE.c.id)
    ):
        hashes.setdefault(sha256, article_id)
        titles.setdefault(title, []).append(article_id)
        ids.append(article_id)
    annotators: dict[str, str] = _pairs(ANNOTATOR.c.name, ANNOTATOR.c.id, session=session)
    types: dict[str, str] = _pairs(SOURCE_TYPE.c.name, SOURCE_TYPE.c.id, session=session)
    levels = tuple(sorted(session.execute(select(CONFIDENCE.c.value)).scalars()))
    return Lookups(
        article_hashes=hashes,
        article_titles=titles,
        article_ids=frozenset(ids),
        annotators=annotators,
        annotator_ids=frozenset(annotators.values()),
        source_types=types,
        source_type_ids=frozenset(types.values()),
        confidence_levels=levels,
    )


def article_texts(article_ids: Sequence[str], *, session: Session) -> dict[str, str]:
    texts: dict[str, str] = {}
    wanted = list(article_ids)
    for start in range(0, len(wanted), 500):  # within any backend's limit on bound parameters
        chunk = wanted[start : start + 500]
        query = select(ARTICLE.c.id, ARTICLE.c.text).where(ARTICLE.c.id.in_(chunk))
        texts.update((key, text) for key, text in session.execute(query))
    return texts


def claim_articles(*, session: Session) -> dict[str, str]:
    """Every claim's id -> its article's id (a claim id in a file may be one of these)."""
    return dict(session.connection().exec_driver_sql("SELECT id, article_id FROM claim").all())


# --- writing ---------------------------------------------------------------------------------


def insert_articles(rows: Sequence[Sequence[Any]], *, session: Session) -> None:
    """Articles in ARTICLE_COLUMNS order, times as stored text."""
    if rows:
        session.connection().exec_driver_sql(
            f"INSERT INTO article ({', '.join(ARTICLE_COLUMNS)})"
            f" VALUES ({', '.join('?' * len(ARTICLE_COLUMNS))})",
            [tuple(row) for row in rows],
        )


def insert_annotators(rows: Sequence[tuple[str, str, str]], *, session: Session) -> None:
    """(id, name, created_at as stored text) each."""
    if rows:
        session.connection().exec_driver_sql(
            "INSERT INTO annotator (id, name, created_at) VALUES (?, ?, ?)", list(rows)
        )


@dataclass(frozen=True, slots=True)
class ImportedClaims:
    added: int
    updated: int  # here already, replaced by the file's newer version
    skipped: int  # here already: identical, or the file's version is older
    history: int  # versions put in the claims' history


def import_claims(
    rows: Sequence[tuple[Any, ...]], *, replaced_at: str, origin: str, session: Session
) -> ImportedClaims:
    """Add claims (CLAIM_COLUMNS order, unique ids) as a merge would bring them in.

    A claim whose id is here already is skipped when identical; when it differs, the newer version
    (by updated_at) is kept and the other goes to the claim's history, "... imported from X".
    New claims go straight in, in article and position order (their index pages are then written
    once each); only the claims already here go through merge's comparison, on a temporary table.
    """
    connection = session.connection()
    placeholders = ", ".join("?" * len(CLAIM_COLUMNS))
    columns = ", ".join(map(_q, CLAIM_COLUMNS))
    existing = set(connection.exec_driver_sql("SELECT id FROM claim").scalars()) if rows else set()
    if existing:
        new = [row for row in rows if row[0] not in existing]
        here = [row for row in rows if row[0] in existing]
    else:
        new, here = list(rows), []
    # Many claims into few: building the covering index afresh, by one sort, beats inserting
    # each claim into it (a fifth less time for 100,000 claims into an empty project).
    rebuild = len(new) >= REBUILD_INDEX_AT and len(new) >= len(existing)
    if not rebuild:
        new.sort(key=_position)
    updated = history = 0
    with _large_cache(connection):
        if new:
            with _index_rebuilt(connection, CLAIM_SPAN_INDEX, rebuild):
                connection.exec_driver_sql(f"INSERT INTO claim ({columns}) VALUES ({placeholders})", new)
        if here:
            raw = connection.connection.driver_connection
            if isinstance(raw, sqlite3.Connection):
                raw.create_function("merge_uuid", 0, _new_uuid)  # names merge's history rows
            _drop(connection)
            connection.exec_driver_sql(
                f"CREATE TEMP TABLE import_incoming ({columns}, PRIMARY KEY (id)) WITHOUT ROWID"
            )
            here.sort(key=_claim_id)  # the temporary table's B-tree is by id: appended to, not split
            try:
                connection.exec_driver_sql(
                    f"INSERT INTO {_INCOMING} ({columns}) VALUES ({placeholders})", here
                )
                _, updated = merge.find_clashes(connection, _INCOMING, _INCOMING)
                history, added_here = merge.apply_clashes(connection, _INCOMING, replaced_at, origin)
                assert added_here == 0, "every claim of the temporary table is here already"
            finally:
                _drop(connection)
    return ImportedClaims(added=len(new), updated=updated, skipped=len(here) - updated, history=history)


def _position(row: tuple[Any, ...]) -> tuple[Any, ...]:
    return row[1], row[3], row[4]


_claim_id = itemgetter(0)


CLAIM_SPAN_INDEX = "ix_claim_article_span"  # db/tables.py ClaimRow's covering index
REBUILD_INDEX_AT = 10_000  # new claims, and at least as many as the project has


@contextmanager
def _index_rebuilt(connection: Any, name: str, rebuild: bool) -> Iterator[None]:
    """With `rebuild`, drop index `name` of `claim` for the block and create it again after it,
    in the caller's transaction (an error in the block leaves it dropped until the rollback).

    On SQLite the index is made again from the very statement the file keeps for it, so it is
    the same index whatever migration made it; elsewhere from the table's definition.
    """
    if not rebuild:
        yield
        return
    if connection.dialect.name == "sqlite":
        create = connection.exec_driver_sql(
            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND tbl_name = 'claim' AND name = ?",
            (name,),
        ).scalar()
    else:
        index = next((index for index in CLAIM.indexes if index.name == name), None)
        create = None if index is None else str(CreateIndex(index).compile(dialect=connection.dialect))
    if create is None:  # no such index in this file: nothing to rebuild
        yield
        return
    connection.exec_driver_sql(f'DROP INDEX {"main." if connection.dialect.name == "sqlite" else ""}"{name}"')
    yield
    connection.exec_driver_sql(create)


IMPORT_CACHE_KIB = -262144  # 256 MB at most, for the pages of a large import (negative: KiB)


@contextmanager
def _large_cache(connection: Any) -> Iterator[None]:
    """Room for the pages a large import touches, as a merge makes room (merge.MERGE_CACHE_KIB): with
    SQLite's default 2 MB they spill to the WAL mid-transaction and are written again and again."""
    if connection.dialect.name != "sqlite":
        yield
        return
    before = [connection.exec_driver_sql(f"PRAGMA {db}.cache_size").scalar() for db in ("main", "temp")]
    for db in ("main", "temp"):
        connection.exec_driver_sql(f"PRAGMA {db}.cache_size = {IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        for db, size in zip(("main", "temp"), before, strict=True):
            connection.exec_driver_sql(f"PRAGMA {db}.cache_size = {int(size)}")


def _drop(connection: Any) -> None:
    # Temporary tables outlive the transaction on the pooled writer connection.
    for table in ("import_incoming", "merge_common", "merge_clash"):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS temp.{table}")


def _new_uuid() -> str:
    return str(uuid.uuid4())


# --- reading, for the JSONL export -----------------------------------------------------------

_STORED_ARTICLE_TIMES = (
    type_coerce(ARTICLE.c.created_at, String).label("created_at"),
    type_coerce(ARTICLE.c.updated_at, String).label("updated_at"),
)


def export_articles(
    *,
    session: Session,
    article_ids: Sequence[str] | None = None,
    annotator_names: Sequence[str] | None = None,
) -> Generator[tuple[dict[str, Any], list[dict[str, Any]]], None, None]:
    """Each article (in import order) with its claims (by position, then id), every field as stored.

    Times are the stored ISO 8601 text, so nothing is lost to parsing. With `annotator_names`,
    only their claims, and only the articles they have claims on.
    """
    names: dict[str, str] = _pairs(ANNOTATOR.c.id, ANNOTATOR.c.name, session=session)
    types: dict[str, str] = _pairs(SOURCE_TYPE.c.id, SOURCE_TYPE.c.name, session=session)
    labels: dict[int, str] = _pairs(CONFIDENCE.c.value, CONFIDENCE.c.label, session=session)
    articles_query = select(
        ARTICLE.c.id,
        ARTICLE.c.title,
        ARTICLE.c.outlet,
        ARTICLE.c.url,
        ARTICLE.c.published,
        ARTICLE.c.sha256,
        *_STORED_ARTICLE_TIMES,
        ARTICLE.c.text,
    ).order_by(ARTICLE.c.created_at, ARTICLE.c.id)
    if article_ids:
        articles_query = articles_query.where(ARTICLE.c.id.in_(list(article_ids)))
    claim_columns = [
        type_coerce(CLAIM.c[c], String).label(c) if c.endswith("_at") else CLAIM.c[c] for c in CLAIM_COLUMNS
    ]
    wanted = None
    if annotator_names:
        chosen = set(annotator_names)
        wanted = [key for key, name in names.items() if name in chosen]
    for article in session.execute(articles_query).mappings().all():
        claims_query = (
            select(*claim_columns)
            .where(CLAIM.c.article_id == article["id"])
            .order_by(CLAIM.c.start, CLAIM.c.end, CLAIM.c.id)
        )
        if wanted is not None:
            claims_query = claims_query.where(CLAIM.c.annotator_id.in_(wanted))
        claims = [
            {
                **row,
                "annotator": names.get(row["annotator_id"], ""),
                "source_type": types.get(row["source_type_id"], ""),
                "confidence_label": labels.get(row["confidence"], ""),
            }
            for row in session.execute(claims_query).mappings()
        ]
        if claims or wanted is None:
            yield dict(article), claims
