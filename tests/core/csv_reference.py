"""The dataset export as it was first written, kept as the oracle for the fast one.

A plain csv.writer over one tuple per claim, read by a straightforward query: slow (about 2.8 s for
100,000 claims), but obviously what the dataset means. The tests compare the export with it byte for
byte, so any speed-up that changes a single byte of the file fails them.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, select, type_coerce
from sqlalchemy.orm import Session

from annotator.db.queries import ANNOTATOR, ARTICLE, CLAIM, CONFIDENCE, SOURCE_TYPE
from annotator.formats.csv_dataset import COLUMNS, neutralise_cell

_TEXT_INDEXES = tuple(i for i, name in enumerate(COLUMNS) if name not in ("start", "end", "confidence"))
_TIME_INDEXES = (COLUMNS.index("created_at"), COLUMNS.index("updated_at"))


def reference_csv(rows: Iterable[Sequence[Any]], *, exact: bool = False) -> bytes:
    """The whole file: BOM, header, one record per row (csv.QUOTE_MINIMAL, CRLF)."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerow(COLUMNS)
    for row in rows:
        cells = list(row)
        for index in _TIME_INDEXES:
            cells[index] = _timestamp(cells[index])
        for index in _TEXT_INDEXES:
            value = cells[index]
            if value is None:
                cells[index] = ""
            elif not exact:
                cells[index] = neutralise_cell(value)
        writer.writerow(cells)
    return "\ufeff".encode() + out.getvalue().encode()


def _timestamp(value: datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value[:19] + "Z"
    utc = value.astimezone(UTC) if value.tzinfo is not None else value
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def reference_rows(
    session: Session,
    article_ids: Sequence[str] | None = None,
    annotator_names: Sequence[str] | None = None,
) -> Iterator[tuple[Any, ...]]:
    """Every claim as one tuple in COLUMNS order, in the dataset's order, through SQLAlchemy."""
    annotators = dict(session.execute(select(ANNOTATOR.c.id, ANNOTATOR.c.name)).all())
    type_names = dict(session.execute(select(SOURCE_TYPE.c.id, SOURCE_TYPE.c.name)).all())
    labels = dict(session.execute(select(CONFIDENCE.c.value, CONFIDENCE.c.label)).all())
    articles = select(ARTICLE.c.id, ARTICLE.c.title, ARTICLE.c.outlet, ARTICLE.c.url, ARTICLE.c.published)
    if article_ids:
        articles = articles.where(ARTICLE.c.id.in_(list(article_ids)))
    for article in session.execute(articles.order_by(ARTICLE.c.created_at, ARTICLE.c.id)).all():
        claims = (
            select(
                CLAIM.c.id,
                CLAIM.c.annotator_id,
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
                type_coerce(CLAIM.c.created_at, String),
                type_coerce(CLAIM.c.updated_at, String),
            )
            .where(CLAIM.c.article_id == article.id)
            .order_by(CLAIM.c.start, CLAIM.c.end, CLAIM.c.id)
        )
        if annotator_names:
            claims = claims.where(
                CLAIM.c.annotator_id.in_([key for key, name in annotators.items() if name in annotator_names])
            )
        for claim_id, who, start, end, quote, before, after, kind, level, *rest in session.execute(claims):
            yield (
                claim_id,
                *article,
                annotators[who],
                start,
                end,
                quote,
                before,
                after,
                type_names[kind],
                level,
                labels[level],
                *rest,
            )
