"""Reads and writes by column, returning the domain's frozen records. Callers own the transaction.

Column selects rather than ORM objects: loading 100,000 claims as ORM objects is 6-9 times
slower, and ORM objects must never reach Qt paint code.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable, Iterator, Sequence
from itertools import count
from operator import itemgetter
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

from annotator.db.listing import LISTED_CLAIM_COLUMNS, ClaimListing
from annotator.db.tables import (
    AnnotatorRow,
    ArticleRow,
    ClaimRow,
    ConfidenceLevelRow,
    Setting,
    SourceTypeRow,
)
from annotator.domain.codebook import Codebook, ConfidenceLevel, SourceType
from annotator.domain.records import Annotator, Article, ArticleSummary, Claim

ARTICLE = ArticleRow.__table__  # type: ignore[attr-defined]
CLAIM = ClaimRow.__table__  # type: ignore[attr-defined]
ANNOTATOR = AnnotatorRow.__table__  # type: ignore[attr-defined]
SOURCE_TYPE = SourceTypeRow.__table__  # type: ignore[attr-defined]
CONFIDENCE = ConfidenceLevelRow.__table__  # type: ignore[attr-defined]
SETTING = Setting.__table__  # type: ignore[attr-defined]

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
    if rows:
        session.execute(insert(CLAIM), list(rows))


def update_claim(claim_id: str, values: dict[str, Any], *, session: Session) -> int:
    return int(_changed(session.execute(update(CLAIM).where(CLAIM.c.id == claim_id).values(**values))))


def delete_claim(claim_id: str, *, session: Session) -> int:
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

# A dataset claim as read: text as its UTF-8 bytes, the ids that names are looked up by as str.
_DATASET_CLAIM_COLUMNS = (
    CLAIM.c.article_id,
    _Utf8(CLAIM.c.id),
    CLAIM.c.annotator_id,
    CLAIM.c.start,
    CLAIM.c.end,
    _Utf8(CLAIM.c.quote),
    _Utf8(CLAIM.c.context_before),
    _Utf8(CLAIM.c.context_after),
    CLAIM.c.source_type_id,
    CLAIM.c.confidence,
    _Utf8(CLAIM.c.source),
    _Utf8(CLAIM.c.cue),
    _Utf8(CLAIM.c.comment),
    _Utf8(CLAIM.c.created_at),
    _Utf8(CLAIM.c.updated_at),
)


def dataset_batches(
    *,
    session: Session,
    article_ids: Sequence[str] | None = None,
    annotator_names: Sequence[str] | None = None,
) -> Generator[tuple[list[Sequence[Any]], list[int]], None, None]:
    """Every claim with its article, annotator, type and confidence label, for the dataset.

    In batches of up to _DATASET_BATCH claims: sixteen columns with a value per claim (claim id;
    the article's (id, title, outlet, url, published); annotator; start; end; quote; context before
    and after; source type; confidence; confidence label; source; cue; comment; created_at;
    updated_at), and each claim's place in the dataset's order: articles in the order they were
    imported, claims by position, then id. Text comes as UTF-8 bytes, timestamps as the stored ISO
    8601 text (bytes too), numbers as ints: the CSV is UTF-8, and decoding 50 MB of text into str
    only to encode it again took about a fifth of the export's time.

    The claims come in the order they are stored, not in the dataset's: read along the
    `ix_claim_article_span` index, each claim costs SQLite a page read of its own unless claims
    were made in reading order (0.2 to 0.3 s of the export of 100,000 claims made at random
    places). Their places come from that index, which holds the span and the id, without reading
    the rows; the small tables are joined through dicts.
    """
    annotators = {
        key: name.encode() for key, name in session.execute(select(ANNOTATOR.c.id, ANNOTATOR.c.name))
    }
    type_names = {
        key: name.encode() for key, name in session.execute(select(SOURCE_TYPE.c.id, SOURCE_TYPE.c.name))
    }
    labels = {
        value: label.encode()
        for value, label in session.execute(select(CONFIDENCE.c.value, CONFIDENCE.c.label))
    }
    articles_query = select(
        ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.outlet, ARTICLE.c.url, ARTICLE.c.published
    ).order_by(ARTICLE.c.created_at, ARTICLE.c.id)
    claims_query = select(*_DATASET_CLAIM_COLUMNS)
    if article_ids:
        articles_query = articles_query.where(ARTICLE.c.id.in_(list(article_ids)))
        claims_query = claims_query.where(CLAIM.c.article_id.in_(list(article_ids)))
    wanted = None
    if annotator_names:
        names = {name.encode() for name in annotator_names}
        wanted = [annotator_id for annotator_id, name in annotators.items() if name in names]
        claims_query = claims_query.where(CLAIM.c.annotator_id.in_(wanted))
    documents: dict[str, tuple[bytes | None, ...]] = {}
    places: dict[bytes, int] = {}
    for article in session.execute(articles_query).all():
        documents[article.id] = tuple(None if value is None else value.encode() for value in article)
        order_query = (
            select(_Utf8(CLAIM.c.id))
            .where(CLAIM.c.article_id == article.id)
            .order_by(CLAIM.c.start, CLAIM.c.end, CLAIM.c.id)
        )
        if wanted is not None:
            order_query = order_query.where(CLAIM.c.annotator_id.in_(wanted))
        places.update(zip(map(itemgetter(0), _raw_rows(session.execute(order_query))), count(len(places))))
    for rows in _raw_batches(session.execute(claims_query), _DATASET_BATCH):
        claims, where = _dataset_columns(rows, places, documents, annotators, type_names, labels)
        if None in where:  # claims of no article (only a damaged file has those) are not exported
            rows = [row for row, place in zip(rows, where, strict=True) if place is not None]
            if not rows:
                continue
            claims, where = _dataset_columns(rows, places, documents, annotators, type_names, labels)
        yield claims, cast("list[int]", where)


def _dataset_columns(
    rows: list[tuple[Any, ...]],
    places: dict[bytes, int],
    documents: dict[str, tuple[bytes | None, ...]],
    annotators: dict[str, bytes],
    type_names: dict[str, bytes],
    labels: dict[int, bytes],
) -> tuple[list[Sequence[Any]], list[int | None]]:
    """Rows of _DATASET_CLAIM_COLUMNS as dataset columns, and the claims' places (None: none)."""
    (
        article_id,
        claim_id,
        annotator_id,
        start,
        end,
        quote,
        before,
        after,
        type_id,
        confidence,
        source,
        cue,
        comment,
        created,
        updated,
    ) = zip(*rows, strict=True)
    claims: list[Sequence[Any]] = [
        claim_id,
        list(map(documents.get, article_id)),
        list(map(annotators.__getitem__, annotator_id)),
        start,
        end,
        quote,
        before,
        after,
        list(map(type_names.__getitem__, type_id)),
        confidence,
        list(map(labels.__getitem__, confidence)),
        source,
        cue,
        comment,
        created,
        updated,
    ]
    return claims, list(map(places.get, claim_id))
