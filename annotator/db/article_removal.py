"""Deleting an article with everything that hangs on it, in the caller's transaction.

Its claims go as a deleted claim goes (each leaves its last version in its history as a tombstone,
db/deletions.py, so a merge does not bring them back), and so do the review decisions on it with the
claims they settled and the reviewed claims they made (the review tables cascade from a decision).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any, cast

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

if TYPE_CHECKING:
    from sqlalchemy.engine import CursorResult

from annotator.db.deletions import DELETED, DELETED_WITH_ARTICLE
from annotator.db.tables import (
    ARTICLE,
    CLAIM,
    CLAIM_COLUMNS,
    DECISION,
    DECISION_CLAIM,
    HISTORY,
    REVIEWED,
    utc_now,
)


class ArticleContents:
    """What deleting an article would take with it (for the question asked first)."""

    def __init__(self, claims: int, annotators: int, decisions: int) -> None:
        self.claims, self.annotators, self.decisions = claims, annotators, decisions


def article_contents(article_id: str, *, session: Session) -> ArticleContents:
    claims, annotators = session.execute(
        select(func.count(), func.count(func.distinct(CLAIM.c.annotator_id))).where(
            CLAIM.c.article_id == article_id
        )
    ).one()
    decisions = session.execute(
        select(func.count()).select_from(DECISION).where(DECISION.c.article_id == article_id)
    ).scalar_one()
    return ArticleContents(int(claims), int(annotators), int(decisions))


def delete_article(article_id: str, *, deleted_by: str | None, session: Session) -> tuple[list[str], bool]:
    """Delete the article, its claims (leaving their tombstones) and the review decisions on it.

    The claims of `deleted_by` are deleted as its annotator deletes a claim (a merge takes that
    deletion to colleagues' files); colleagues' claims only here (DELETED_WITH_ARTICLE). Returns the
    ids of the claims deleted, and whether the article was there at all.
    """
    claim_ids = list(session.execute(select(CLAIM.c.id).where(CLAIM.c.article_id == article_id)).scalars())
    if claim_ids:
        columns = [c for c in CLAIM_COLUMNS if c != "id"]
        now = utc_now()
        rows = session.execute(
            select(CLAIM.c.id, *(CLAIM.c[c] for c in columns)).where(CLAIM.c.article_id == article_id)
        )
        session.execute(
            insert(HISTORY),
            [
                {
                    "id": str(uuid.uuid4()),
                    "claim_id": row[0],
                    **dict(zip(columns, row[1:], strict=True)),
                    "replaced_at": now,
                    "reason": DELETED if row.annotator_id == deleted_by else DELETED_WITH_ARTICLE,
                }
                for row in rows
            ],
        )
    # Reviewed claims and settled-claim links would go with their decision (ON DELETE CASCADE); they
    # are deleted first all the same, so that nothing is left should a file's foreign keys be off.
    decisions = select(DECISION.c.id).where(DECISION.c.article_id == article_id)
    session.execute(delete(REVIEWED).where(REVIEWED.c.decision_id.in_(decisions)))
    session.execute(delete(DECISION_CLAIM).where(DECISION_CLAIM.c.decision_id.in_(decisions)))
    session.execute(delete(DECISION).where(DECISION.c.article_id == article_id))
    session.execute(delete(CLAIM).where(CLAIM.c.article_id == article_id))
    result = cast("CursorResult[Any]", session.execute(delete(ARTICLE).where(ARTICLE.c.id == article_id)))
    gone = result.rowcount
    return claim_ids, bool(gone)
