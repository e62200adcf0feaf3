"""Reads and writes by column, returning the domain's frozen records. Callers own the transaction.

Column selects rather than ORM objects: loading 100,000 claims as ORM objects is 6-9 times
slower, and ORM objects must never reach Qt paint code.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import groupby, repeat
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Result,
    Row,
    String,
    case,
    delete,
    func,
    insert,
    select,
    type_coerce,
    update,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.types import LargeBinary

from annotator.db import deletions
from annotator.db.listing import LISTED_CLAIM_COLUMNS, ClaimListing
from annotator.db.tables import (
    ANNOTATOR,
    ARTICLE,
    CLAIM,
    CONFIDENCE,
    DECISION,
    DECISION_CLAIM,
    REVIEWED,
    SETTING,
    SOURCE_TYPE,
)
from annotator.domain.codebook import Codebook, ConfidenceLevel, SourceType
from annotator.domain.records import Annotator, Article, ArticleSummary, Claim
from annotator.domain.text import final_newline_variants

_CLAIM_COLUMNS = (
    CLAIM.c.id,
    CLAIM.c.article_id,
    CLAIM.c.annotator_id,
    ANNOTATOR.c.name,
    CLAIM.c.start,
    CLAIM.c.end,
    CLAIM.c.quote,
    CLAIM.c.context_before,
    CLAIM.c.context_after,
    CLAIM.c.source_type_id,
    CLAIM.c.confidence,
    CLAIM.c.source,
    CLAIM.c.cue,
    CLAIM.c.comment,
    CLAIM.c.created_at,
    CLAIM.c.updated_at,
)


# created_at and updated_at as stored (ISO 8601 text): the hot paths parse them themselves, or
# not at all, instead of through the column type.
_STORED_TIMES = (type_coerce(CLAIM.c.created_at, String), type_coerce(CLAIM.c.updated_at, String))


def _changed(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE touched."""
    return int(cast("CursorResult[Any]", result).rowcount)


def _claim(row: Row[Any]) -> Claim:
    return Claim._make(row)


def _claims_select() -> Any:
    return select(*_CLAIM_COLUMNS).join_from(CLAIM, ANNOTATOR, CLAIM.c.annotator_id == ANNOTATOR.c.id)


# --- settings -------------------------------------------------------------------------------


def get_setting(key: str, *, session: Session) -> str | None:
    value: str | None = session.execute(select(SETTING.c.value).where(SETTING.c.key == key)).scalar()
    return value


def set_setting(key: str, value: str, *, session: Session) -> None:
    if _changed(session.execute(update(SETTING).where(SETTING.c.key == key).values(value=value))) == 0:
        session.execute(insert(SETTING).values(key=key, value=value))


# --- annotators -----------------------------------------------------------------------------


def annotator_by_name(name: str, *, session: Session) -> Annotator | None:
    row = session.execute(select(ANNOTATOR.c.id, ANNOTATOR.c.name).where(ANNOTATOR.c.name == name)).first()
    return Annotator(*row) if row else None


def annotator_name(annotator_id: str, *, session: Session) -> str | None:
    name: str | None = session.execute(
        select(ANNOTATOR.c.name).where(ANNOTATOR.c.id == annotator_id)
    ).scalar()
    return name


def list_annotators(*, session: Session) -> list[Annotator]:
    rows = session.execute(select(ANNOTATOR.c.id, ANNOTATOR.c.name).order_by(ANNOTATOR.c.name))
    return [Annotator(*row) for row in rows]


def insert_annotator(annotator: Annotator, created_at: Any, *, session: Session) -> None:
    session.execute(insert(ANNOTATOR).values(id=annotator.id, name=annotator.name, created_at=created_at))


# --- codebook -------------------------------------------------------------------------------


def load_codebook(*, session: Session) -> Codebook:
    types = session.execute(
        select(
            SOURCE_TYPE.c.id,
            SOURCE_TYPE.c.name,
            SOURCE_TYPE.c.definition,
            SOURCE_TYPE.c.colour,
            SOURCE_TYPE.c.position,
            SOURCE_TYPE.c.retired,
        ).order_by(SOURCE_TYPE.c.position)
    )
    levels = session.execute(select(CONFIDENCE.c.value, CONFIDENCE.c.label).order_by(CONFIDENCE.c.value))
    return Codebook(
        source_types=tuple(SourceType(*row) for row in types),
        confidence_levels=tuple(ConfidenceLevel(*row) for row in levels),
    )


def insert_source_types(types: Iterable[SourceType], *, session: Session) -> None:
    rows = [
        {
            "id": t.id,
            "name": t.name,
            "definition": t.definition,
            "colour": t.colour,
            "position": t.position,
            "retired": t.retired,
        }
        for t in types
    ]
    if rows:
        session.execute(insert(SOURCE_TYPE), rows)


def update_source_type(type_id: str, values: dict[str, Any], *, session: Session) -> None:
    session.execute(update(SOURCE_TYPE).where(SOURCE_TYPE.c.id == type_id).values(**values))


def delete_source_type(type_id: str, *, session: Session) -> None:
    """Delete a type row (undoing its addition). Foreign keys refuse it while claims still use the type."""
    session.execute(delete(SOURCE_TYPE).where(SOURCE_TYPE.c.id == type_id))


def set_confidence_levels(levels: Iterable[ConfidenceLevel], *, session: Session) -> None:
    for level in levels:
        changed = _changed(
            session.execute(
                update(CONFIDENCE).where(CONFIDENCE.c.value == level.value).values(label=level.label)
            )
        )
        if changed == 0:
            session.execute(insert(CONFIDENCE).values(value=level.value, label=level.label))


def count_claims_by_type(*, session: Session) -> dict[str, int]:
    rows = session.execute(select(CLAIM.c.source_type_id, func.count()).group_by(CLAIM.c.source_type_id))
    return dict(rows.all())


# --- articles -------------------------------------------------------------------------------


def list_articles(*, session: Session) -> list[ArticleSummary]:
    counts = select(CLAIM.c.article_id, func.count().label("n")).group_by(CLAIM.c.article_id).subquery()
    rows = session.execute(
        select(
            ARTICLE.c.id,
            ARTICLE.c.title,
            ARTICLE.c.outlet,
            ARTICLE.c.url,
            ARTICLE.c.published,
            func.coalesce(counts.c.n, 0),
        )
        .outerjoin(counts, counts.c.article_id == ARTICLE.c.id)
        .order_by(ARTICLE.c.created_at, ARTICLE.c.title)
    )
    return [ArticleSummary(*row) for row in rows]


def get_article(article_id: str, *, session: Session) -> Article | None:
    row = session.execute(
        select(
            ARTICLE.c.id,
            ARTICLE.c.title,
            ARTICLE.c.text,
            ARTICLE.c.outlet,
            ARTICLE.c.url,
            ARTICLE.c.published,
            ARTICLE.c.sha256,
        ).where(ARTICLE.c.id == article_id)
    ).first()
    return Article(*row) if row else None


def article_text(article_id: str, *, session: Session) -> str | None:
    value: str | None = session.execute(select(ARTICLE.c.text).where(ARTICLE.c.id == article_id)).scalar()
    return value


def article_ids_with_hash(sha256: str, *, session: Session) -> list[str]:
    return list(session.execute(select(ARTICLE.c.id).where(ARTICLE.c.sha256 == sha256)).scalars())


def article_ids_but_final_newlines(text: str, *, session: Session) -> list[str]:
    """Articles whose text is `text` but for line breaks at the very end (more, fewer or none),
    found by their hashes (the sha256 index), not by reading texts."""
    hashes = list(final_newline_variants(text))
    if not hashes:
        return []
    query = (
        select(ARTICLE.c.id).where(ARTICLE.c.sha256.in_(hashes)).order_by(ARTICLE.c.created_at, ARTICLE.c.id)
    )
    return list(session.execute(query).scalars())


def insert_article(values: dict[str, Any], *, session: Session) -> None:
    session.execute(insert(ARTICLE).values(**values))


def update_article(article_id: str, values: dict[str, Any], *, session: Session) -> int:
    return int(_changed(session.execute(update(ARTICLE).where(ARTICLE.c.id == article_id).values(**values))))


# --- claims ---------------------------------------------------------------------------------


def _raw_rows(result: Any) -> list[tuple[Any, ...]]:
    """The driver's own tuples, for hot paths whose columns need no SQLAlchemy type processing.

    Fetching 100,000 rows through SQLAlchemy's Row machinery costs more than the query itself.
    """
    return list(result.cursor.fetchall())


def claims_for_article(article_id: str, text: str, *, session: Session) -> list[Claim]:
    """The article's claims by position, for showing them: quotes cut from `text`, no context and
    no timestamps (`get_claim` has them all; see `listing.ClaimListing`).

    Reads only the covering index `ix_claim_article_span`, never the rows' long quote and context
    columns: the quote is the same slice of the same immutable text, and the context is left
    empty (`get_claim` and the export read it). For 100,000 claims this is 3x faster and ~30 MB
    smaller.
    """
    names: dict[str, str] = dict(session.execute(select(ANNOTATOR.c.id, ANNOTATOR.c.name)).all())
    listing = ClaimListing.of(names, session.execute(select(SOURCE_TYPE.c.id)).scalars())
    columns: list[Any] = [CLAIM.c[name] for name in LISTED_CLAIM_COLUMNS]
    for index, codes in listing.coded_columns:
        columns[index] = case(codes, value=columns[index])
    result = session.execute(
        select(*columns).where(CLAIM.c.article_id == article_id).order_by(CLAIM.c.start, CLAIM.c.end)
    )
    return listing.claims(_raw_rows(result), article_id, text)


def get_claim(claim_id: str, *, session: Session) -> Claim | None:
    row = session.execute(_claims_select().where(CLAIM.c.id == claim_id)).first()
    return _claim(row) if row else None


def insert_claims(rows: Sequence[dict[str, Any]], *, session: Session) -> None:
    # executemany through Core: ORM add_all of 100,000 rows takes ~30x longer.
    if len(rows) == 1:  # one claim (a new one, nearly always): a plain execute, not executemany's batching
        session.execute(insert(CLAIM), rows[0])
    elif rows:
        session.execute(insert(CLAIM), list(rows))


def restore_claims(rows: Sequence[dict[str, Any]], *, session: Session) -> None:
    """Put deleted claims back with their ids (undo of a deletion): they are no longer deleted."""
    insert_claims(rows, session=session)
    deletions.forget([row["id"] for row in rows], session=session)


def update_claim(claim_id: str, values: dict[str, Any], *, session: Session) -> int:
    return int(_changed(session.execute(update(CLAIM).where(CLAIM.c.id == claim_id).values(**values))))


def delete_claim(claim_id: str, *, session: Session) -> int:
    # Remembered, so that merging a file that still has the claim does not bring it back.
    deletions.remember(claim_id, session=session)
    return int(_changed(session.execute(delete(CLAIM).where(CLAIM.c.id == claim_id))))


class _Utf8(FunctionElement[bytes]):
    """A text column's UTF-8 bytes: read as stored, with no decoding into str (see dataset_batches).

    As `bytes` from sqlite3 (and from psycopg 3 on PostgreSQL; psycopg2 would hand a memoryview).
    """

    type = LargeBinary()
    name = "utf8"
    inherit_cache = True


@compiles(_Utf8)
def _utf8_postgresql(element: _Utf8, compiler: Any, **kw: Any) -> str:
    return f"convert_to({compiler.process(element.clauses, **kw)}, 'UTF8')"


@compiles(_Utf8, "sqlite")
def _utf8_sqlite(element: _Utf8, compiler: Any, **kw: Any) -> str:
    # A project file's text is UTF-8 (SQLite's default encoding, which we never change), and
    # CAST to BLOB hands over those bytes without converting anything.
    return f"CAST({compiler.process(element.clauses, **kw)} AS BLOB)"


def _raw_batches(result: Any, size: int) -> Iterator[list[tuple[Any, ...]]]:
    """The driver's own tuples (see _raw_rows), `size` at a time; the result is closed at the end."""
    cursor = result.cursor
    try:
        while rows := cursor.fetchmany(size):
            yield rows
    finally:
        result.close()


# Few enough claims that a batch's values are still in the CPU cache when the CSV writer reaches
# them (2,000 at a time was a fifth slower), enough that the work per batch does not show.
_DATASET_BATCH = 256

# Up to this many annotators or source types are read as small numbers (a CASE), more as their ids.
_CODED = 64


def _coded(column: Any, keys: Sequence[str]) -> Any:
    """`column` as the place of its value in `keys`: Python's small ints are made once and shared, so
    reading them costs nothing, while a 36-character id is a new str for every claim."""
    if not _is_coded(keys):
        return column
    return case({key: code for code, key in enumerate(keys)}, value=column)


def _is_coded(keys: Sequence[str]) -> bool:
    return 0 < len(keys) <= _CODED  # no keys, no CASE: SQL has no CASE without a WHEN


def dataset_batches(
    *,
    session: Session,
    article_ids: Sequence[str] | None = None,
    annotator_names: Sequence[str] | None = None,
) -> Generator[tuple[list[tuple[Any, ...]], range, tuple[Any, ...]], None, None]:
    """Every claim with its article, annotator, type and confidence label, for the dataset.

    In the dataset's order (articles in the order they were imported, claims by position, then id),
    in batches of up to _DATASET_BATCH claims. A batch is the driver's tuples of (claim id,
    annotator, start, end, quote, context before, context after, source type, confidence,
    confidence label, source, cue, comment, created_at, updated_at); the claims' places in the
    dataset (a range); and the names that the claims refer to: (each place's article as (id, title,
    outlet, url, published), annotator names, source type names, confidence labels), the same
    tuple for every batch, its first list growing as batches come. The annotator and the source type
    come as keys into those names, the confidence label as the confidence; the article is the
    article of the place. Text comes as UTF-8 bytes, timestamps as the stored ISO 8601 text (bytes
    too), numbers as ints: the CSV is UTF-8, and decoding 50 MB of text into str only to encode it
    again took about a fifth of the export's time.

    Every column read costs the driver time for each claim, so the article is not read with its
    claims (it is the one asked for), and the annotator and source type come as small numbers.
    Read along `ix_claim_article_span`, claims made at random places cost SQLite a page each; with
    the file memory-mapped for the read (`_memory_mapped`) that is cheaper than reading claims as
    stored and putting them in order in Python (their ids ordered, each looked up, every line kept
    until the last had come): 0.67 s against 0.88 s for 100,000 claims (best of 9 on a busy 2-core
    machine), and the file is written as it is read.
    """
    annotator_ids, annotators = _names(session, ANNOTATOR)
    type_ids, type_names = _names(session, SOURCE_TYPE)
    labels = _labels(session)
    articles_query = _dataset_articles(article_ids)
    claims_query = select(
        *_dataset_columns(CLAIM, _coded(CLAIM.c.annotator_id, annotator_ids), type_ids)
    ).order_by(CLAIM.c.start, CLAIM.c.end, CLAIM.c.id)
    if annotator_names:
        claims_query = claims_query.where(_by_annotators(annotator_names, annotator_ids, annotators))
    documents: list[tuple[bytes | None, ...]] = []  # by place
    names = (documents, annotators, type_names, labels)
    with _memory_mapped(session):
        for article in session.execute(articles_query).all():
            document = tuple(None if value is None else value.encode() for value in article)
            claims = session.execute(claims_query.where(CLAIM.c.article_id == article.id))
            for rows in _raw_batches(claims, _DATASET_BATCH):
                first = len(documents)
                documents.extend(repeat(document, len(rows)))
                yield rows, range(first, len(documents)), names


def _labels(session: Session) -> dict[int, bytes]:
    rows = session.execute(select(CONFIDENCE.c.value, CONFIDENCE.c.label))
    return {value: label.encode() for value, label in rows}


def _dataset_articles(article_ids: Sequence[str] | None) -> Any:
    """The articles of the dataset, in the order they were imported."""
    query = select(ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.outlet, ARTICLE.c.url, ARTICLE.c.published)
    query = query.order_by(ARTICLE.c.created_at, ARTICLE.c.id)
    return query.where(ARTICLE.c.id.in_(list(article_ids))) if article_ids else query


def _dataset_columns(table: Any, annotator: Any, type_ids: Sequence[str]) -> tuple[Any, ...]:
    """A claim's dataset columns (see dataset_batches) from `table`, `claim` or `reviewed_claim`
    (which has the same columns), with `annotator` as its annotator key."""
    return (
        _Utf8(table.c.id),
        annotator,
        table.c.start,
        table.c.end,
        _Utf8(table.c.quote),
        _Utf8(table.c.context_before),
        _Utf8(table.c.context_after),
        _coded(table.c.source_type_id, type_ids),
        table.c.confidence,
        table.c.confidence.label("confidence_label"),
        _Utf8(table.c.source),
        _Utf8(table.c.cue),
        _Utf8(table.c.comment),
        _Utf8(table.c.created_at),
        _Utf8(table.c.updated_at),
    )


def _by_annotators(
    annotator_names: Sequence[str], annotator_ids: Sequence[str], annotators: dict[Any, bytes]
) -> Any:
    wanted = {name.encode() for name in annotator_names}
    chosen = zip(annotator_ids, annotators.values(), strict=True)
    return CLAIM.c.annotator_id.in_([key for key, name in chosen if name in wanted])


def any_decisions(*, session: Session) -> bool:
    """Whether any unit has been decided (accepted, edited or rejected) yet."""
    return session.execute(select(DECISION.c.id).limit(1)).first() is not None


# What an annotator's claim is in the layered dataset, by the outcome of the decision that names it
# and whether its version was the one chosen (see reviewed_dataset_batches).
UNREVIEWED, REVIEWED_STATUS = "unreviewed", "reviewed"


def _status(outcome: str, chosen: bool) -> str:
    if outcome == "rejected":
        return "rejected"
    return outcome if chosen else "superseded"  # "accepted" or "edited" for the chosen version


def _settled_statuses(settled: Iterable[Any]) -> dict[bytes, str]:
    """Each settled claim's status, from rows of (claim id, decision id, outcome, chosen, start, end,
    source type id, confidence) with each decision's rows together, oldest decision first.

    A version identical (span, type and confidence) to the one its unit kept counts as kept too:
    when every annotator said the same, the reviewer agreed with all of them, not with one. The
    versions are compared as they are now: one edited since to differ is superseded.
    """
    statuses: dict[bytes, str] = {}
    for _, rows in groupby(settled, key=lambda row: row[1]):
        versions = list(rows)
        kept = next((tuple(row[4:]) for row in versions if row[3]), None)
        for claim_id, _, outcome, chosen, *version in versions:
            agreed = kept is not None and kept[0] is not None and tuple(version) == kept
            statuses[bytes(claim_id)] = _status(outcome, bool(chosen) or agreed)
    return statuses


def reviewed_dataset_batches(
    *,
    session: Session,
    with_claims: bool,
    article_ids: Sequence[str] | None = None,
    annotator_names: Sequence[str] | None = None,
) -> Generator[tuple[Any, ...], None, None]:
    """The reviewed claims, and with `with_claims` every annotator's claims too, for the dataset.

    Batches as dataset_batches makes them, in the same columns: a reviewed claim's annotator is
    whoever decided it (a key into the same annotator names), its id, times and fields its own.
    With `with_claims`, each batch has a fourth item: each claim's status as a 1-tuple of text,
    "reviewed" for a reviewed claim, and for an annotator's claim what the latest decision naming
    it made of it: "accepted" or "edited" (its version was the one kept, as it was or as the base
    of the reviewer's edit, or is identical to that one: see _settled_statuses), "superseded" (its
    unit kept another, different version), "rejected" (its unit was rejected), or "unreviewed" (no
    decision names it). A decision names the claims as they were: a claim edited since keeps its
    status (the review list shows its unit as stale), unless the edit made it differ from, or
    become identical to, the version kept.

    Order: articles in the order they were imported; within an article, rows by (start, end),
    then annotators' claims before reviewed claims at the same span, then by id. The annotators'
    claims are thus in the plain export's order, and a reviewed claim follows the claims of its
    unit when it kept their span. `annotator_names` filters annotators' claims only: reviewed
    claims are always written.
    """
    annotator_ids, annotators = _names(session, ANNOTATOR)
    type_ids, type_names = _names(session, SOURCE_TYPE)
    labels = _labels(session)
    reviewed_query = select(
        *_dataset_columns(REVIEWED, _coded(DECISION.c.decided_by, annotator_ids), type_ids)
    ).join_from(REVIEWED, DECISION, REVIEWED.c.decision_id == DECISION.c.id)
    claims_query = select(*_dataset_columns(CLAIM, _coded(CLAIM.c.annotator_id, annotator_ids), type_ids))
    if annotator_names:
        claims_query = claims_query.where(_by_annotators(annotator_names, annotator_ids, annotators))
    # Oldest first, so that the latest decision naming a claim (should a merge have left two) wins.
    settled_query = (
        select(
            _Utf8(DECISION_CLAIM.c.claim_id),
            DECISION.c.id,
            DECISION.c.outcome,
            DECISION_CLAIM.c.chosen,
            *(CLAIM.c[name] for name in ("start", "end", "source_type_id", "confidence")),
        )
        .join_from(DECISION_CLAIM, DECISION, DECISION_CLAIM.c.decision_id == DECISION.c.id)
        # Outer: a claim deleted since has no version to compare.
        .outerjoin(CLAIM, CLAIM.c.id == DECISION_CLAIM.c.claim_id)
        .order_by(DECISION.c.decided_at, DECISION.c.id)
    )
    documents: list[tuple[bytes | None, ...]] = []  # by place
    names = (documents, annotators, type_names, labels)
    with _memory_mapped(session):
        for article in session.execute(_dataset_articles(article_ids)).all():
            document = tuple(None if value is None else value.encode() for value in article)
            rows: list[tuple[Any, int, str]] = [
                (row, 1, REVIEWED_STATUS)
                for row in _raw_rows(
                    session.execute(reviewed_query.where(REVIEWED.c.article_id == article.id))
                )
            ]
            if with_claims:
                settled = session.execute(settled_query.where(DECISION.c.article_id == article.id))
                statuses = _settled_statuses(settled)
                claims = _raw_rows(session.execute(claims_query.where(CLAIM.c.article_id == article.id)))
                rows.extend((row, 0, statuses.get(row[0], UNREVIEWED)) for row in claims)
            rows.sort(key=lambda item: (item[0][2], item[0][3], item[1], item[0][0]))
            for at in range(0, len(rows), _DATASET_BATCH):
                chunk = rows[at : at + _DATASET_BATCH]
                first = len(documents)
                documents.extend(repeat(document, len(chunk)))
                places = range(first, len(documents))
                claims_of = [row for row, _, _ in chunk]
                if with_claims:
                    yield claims_of, places, names, [(status,) for _, _, status in chunk]
                else:
                    yield claims_of, places, names


# SQLite maps up to this much of the file while the dataset is read (see _memory_mapped).
_MAPPED_BYTES = 1 << 30


@contextmanager
def _memory_mapped(session: Session) -> Iterator[None]:
    """For the block, SQLite reads the project file through a memory map, not a read() per page.

    Claims read in position order are scattered over the file, one page each: mapped, a page
    costs no system call and no copy, which took a fifth off the export of 100,000 claims. Only
    for this one long read: an I/O error on a mapped file (a USB stick pulled out) is a signal
    that ends the process rather than an error SQLite can report, a risk worth taking for
    seconds, not for the whole session. Nothing to do on other databases.
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(f"PRAGMA mmap_size = {_MAPPED_BYTES}")
    try:
        yield
    finally:
        connection.exec_driver_sql("PRAGMA mmap_size = 0")


def _names(session: Session, table: Any) -> tuple[list[str], dict[Any, bytes]]:
    """A small table's ids, and its names as UTF-8 by the key `_coded` reads them as."""
    rows = session.execute(select(table.c.id, table.c.name).order_by(table.c.id)).all()
    keys = [key for key, _ in rows]
    coded = _is_coded(keys)
    return keys, {code if coded else key: name.encode() for code, (key, name) in enumerate(rows)}
