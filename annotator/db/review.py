"""Reads and writes of the reviewed layer (decisions, the claims they settled, reviewed claims).

Callers own the transaction; nothing here commits.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, delete, insert, select, type_coerce
from sqlalchemy.orm import Session

from annotator.db.tables import (
    ANNOTATOR,
    CLAIM,
    DECISION,
    DECISION_CLAIM,
    HISTORY,
    REVIEWED,
    REVIEWED_COLUMNS,
)
from annotator.domain.decisions import Decision, DecisionClaim, Outcome, ReviewedClaim

# SQLite allows 32,766 bound parameters per statement (999 before 3.32): ids go in chunks below both.
_CHUNK = 900


def _chunks(ids: Collection[str]) -> Iterable[list[str]]:
    items = list(ids)
    for at in range(0, len(items), _CHUNK):
        yield items[at : at + _CHUNK]


def claim_versions(article_id: str, *, session: Session) -> dict[str, datetime]:
    """Each claim of the article: its updated_at, which tells whether it changed since a decision."""
    rows = session.execute(select(CLAIM.c.id, CLAIM.c.updated_at).where(CLAIM.c.article_id == article_id))
    return dict(rows.all())


def decisions_for_article(article_id: str, *, session: Session) -> list[Decision]:
    ids = session.execute(select(DECISION.c.id).where(DECISION.c.article_id == article_id)).scalars()
    return get_decisions(list(ids), session=session)


def get_decisions(decision_ids: Sequence[str], *, session: Session) -> list[Decision]:
    """The decisions with these ids (those that exist), in the order asked."""
    heads: dict[str, Any] = {}
    claims: dict[str, list[DecisionClaim]] = {}
    reviewed: dict[str, ReviewedClaim] = {}
    for chunk in _chunks(decision_ids):
        query = (
            select(
                DECISION.c.id,
                DECISION.c.article_id,
                DECISION.c.outcome,
                DECISION.c.decided_by,
                ANNOTATOR.c.name,
                DECISION.c.decided_at,
                DECISION.c.updated_at,
            )
            .join_from(DECISION, ANNOTATOR, DECISION.c.decided_by == ANNOTATOR.c.id)
            .where(DECISION.c.id.in_(chunk))
        )
        heads.update((row.id, row) for row in session.execute(query))
        settled = session.execute(
            select(
                DECISION_CLAIM.c.decision_id,
                DECISION_CLAIM.c.claim_id,
                DECISION_CLAIM.c.chosen,
                DECISION_CLAIM.c.claim_updated_at,
            )
            .where(DECISION_CLAIM.c.decision_id.in_(chunk))
            .order_by(DECISION_CLAIM.c.decision_id, DECISION_CLAIM.c.claim_id)
        )
        for decision_id, claim_id, chosen, seen in settled:
            claims.setdefault(decision_id, []).append(DecisionClaim(claim_id, bool(chosen), seen))
        rows = session.execute(
            select(*(REVIEWED.c[name] for name in REVIEWED_COLUMNS)).where(REVIEWED.c.decision_id.in_(chunk))
        )
        reviewed.update((row.decision_id, ReviewedClaim(*row)) for row in rows)
    return [
        Decision(
            id=head.id,
            article_id=head.article_id,
            outcome=Outcome(head.outcome),
            decided_by=head.decided_by,
            decided_by_name=head.name,
            decided_at=head.decided_at,
            updated_at=head.updated_at,
            claims=tuple(claims.get(head.id, ())),
            reviewed=reviewed.get(head.id),
        )
        for head in (heads.get(decision_id) for decision_id in decision_ids)
        if head is not None
    ]


def decision_ids_for_claims(claim_ids: Collection[str], *, session: Session) -> list[str]:
    """The decisions that settled any of these claims, oldest first."""
    found: set[str] = set()
    for chunk in _chunks(claim_ids):
        query = select(DECISION_CLAIM.c.decision_id).where(DECISION_CLAIM.c.claim_id.in_(chunk))
        found.update(session.execute(query).scalars())
    if not found:
        return []
    ordered = session.execute(
        select(DECISION.c.id)
        .where(DECISION.c.id.in_(list(found)))
        .order_by(DECISION.c.decided_at, DECISION.c.id)
    )
    return list(ordered.scalars())


def insert_decision(decision: Decision, *, session: Session) -> None:
    """Write a decision as it is: its id, times, settled claims and reviewed claim."""
    session.execute(
        insert(DECISION).values(
            id=decision.id,
            article_id=decision.article_id,
            outcome=decision.outcome.value,
            decided_by=decision.decided_by,
            decided_at=decision.decided_at,
            updated_at=decision.updated_at,
        )
    )
    session.execute(
        insert(DECISION_CLAIM),
        [
            {
                "decision_id": decision.id,
                "claim_id": claim.claim_id,
                "chosen": claim.chosen,
                "claim_updated_at": claim.claim_updated_at,
            }
            for claim in decision.claims
        ],
    )
    if decision.reviewed is not None:
        reviewed = decision.reviewed
        session.execute(insert(REVIEWED).values({name: getattr(reviewed, name) for name in REVIEWED_COLUMNS}))


def delete_decisions(decision_ids: Collection[str], *, session: Session) -> int:
    """Remove decisions with their settled claims and reviewed claims; returns how many went.

    Deleted explicitly rather than by ON DELETE CASCADE alone, which SQLite applies only with its
    foreign_keys pragma on.
    """
    removed = 0
    for chunk in _chunks(decision_ids):
        session.execute(delete(REVIEWED).where(REVIEWED.c.decision_id.in_(chunk)))
        session.execute(delete(DECISION_CLAIM).where(DECISION_CLAIM.c.decision_id.in_(chunk)))
        result = session.execute(delete(DECISION).where(DECISION.c.id.in_(chunk)))
        removed += int(getattr(result, "rowcount", 0))
    return removed


# --- progress over many articles ---------------------------------------------------------------


def unit_claims(article_ids: Sequence[str] | None, *, session: Session) -> list[tuple[Any, ...]]:
    """What grouping and judging need of every claim: (article_id, id, annotator name, start, end,
    source type id, confidence, updated_at as stored text), by article."""
    query = select(
        CLAIM.c.article_id,
        CLAIM.c.id,
        ANNOTATOR.c.name,
        CLAIM.c.start,
        CLAIM.c.end,
        CLAIM.c.source_type_id,
        CLAIM.c.confidence,
        type_coerce(CLAIM.c.updated_at, String),
    ).join_from(CLAIM, ANNOTATOR, CLAIM.c.annotator_id == ANNOTATOR.c.id)
    # The driver's own tuples: no column here needs SQLAlchemy's processing, which would cost more
    # than the query for 100,000 claims (as in `queries.claims_for_article`).
    if article_ids is None:
        return list(session.execute(query).cursor.fetchall())  # type: ignore[attr-defined]
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(article_ids):
        result = session.execute(query.where(CLAIM.c.article_id.in_(chunk)))
        rows.extend(result.cursor.fetchall())  # type: ignore[attr-defined]
    return rows


def decided_claims(article_ids: Sequence[str] | None, *, session: Session) -> list[tuple[Any, ...]]:
    """Every settled claim: (article_id, decision id, decided_at text, claim id, claim_updated_at text)."""
    query = select(
        DECISION.c.article_id,
        DECISION.c.id,
        type_coerce(DECISION.c.decided_at, String),
        DECISION_CLAIM.c.claim_id,
        type_coerce(DECISION_CLAIM.c.claim_updated_at, String),
    ).join_from(DECISION, DECISION_CLAIM, DECISION_CLAIM.c.decision_id == DECISION.c.id)
    if article_ids is None:
        return [tuple(row) for row in session.execute(query)]
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(article_ids):
        rows.extend(tuple(row) for row in session.execute(query.where(DECISION.c.article_id.in_(chunk))))
    return rows


# --- the claims' history -------------------------------------------------------------------------


def history_of(claim_ids: Collection[str], *, session: Session) -> list[tuple[Any, ...]]:
    """Earlier versions of these claims (from merges): (claim_id, replaced_at, reason, start, end,
    quote, source_type_id, confidence, updated_at), oldest replacement first."""
    rows: list[tuple[Any, ...]] = []
    for chunk in _chunks(claim_ids):
        query = (
            select(
                HISTORY.c.claim_id,
                HISTORY.c.replaced_at,
                HISTORY.c.reason,
                HISTORY.c.start,
                HISTORY.c.end,
                HISTORY.c.quote,
                HISTORY.c.source_type_id,
                HISTORY.c.confidence,
                HISTORY.c.updated_at,
            )
            .where(HISTORY.c.claim_id.in_(chunk))
            .order_by(HISTORY.c.replaced_at)
        )
        rows.extend(tuple(row) for row in session.execute(query))
    return rows
