"""Tombstones: what is remembered of a deleted claim, so that a merge does not bring it back.

A claim deleted here leaves its last version in `claim_history` with the reason "deleted" and the
moment of the deletion as `replaced_at` (the work is not lost, and no table was needed for it). A
merge that carries a colleague's deletion here leaves "deleted in <their file>". A claim that
exists again (undo of the deletion puts it back with the same id) has no tombstone.

A tombstone counts only while its claim is absent: see db/merge.py for how a merge reads them.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection

from sqlalchemy import ColumnElement, delete, insert, literal, or_, select
from sqlalchemy.orm import Session

from annotator.db.tables import CLAIM, CLAIM_COLUMNS, HISTORY, utc_now

DELETED = "deleted"
# A colleague's claim deleted with its article (Edit > Delete Article): deleted here, but not theirs to
# lose, so a merge does not carry this deletion to other files (their claims there stay).
DELETED_WITH_ARTICLE = "deleted with its article"


def deleted_in(source_name: str) -> str:
    """The reason of a tombstone that a merge carried over from another project."""
    return f"{DELETED} in {source_name}"


def is_deletion_sql(alias: str) -> str:
    """SQL: whether the claim_history row `alias` is a tombstone (any of the reasons above)."""
    return f"({is_carried_deletion_sql(alias)} OR {alias}.reason = '{DELETED_WITH_ARTICLE}')"


def is_carried_deletion_sql(alias: str) -> str:
    """SQL: whether the tombstone `alias` goes with a merge to other files: a claim its own annotator
    deleted (the app lets annotators delete only their own), there or in a file merged before."""
    return f"({alias}.reason = '{DELETED}' OR {alias}.reason LIKE '{DELETED} in %')"


def _is_deletion() -> ColumnElement[bool]:
    return or_(
        HISTORY.c.reason == DELETED,
        HISTORY.c.reason.like(f"{DELETED} in %"),
        HISTORY.c.reason == DELETED_WITH_ARTICLE,
    )


def remember(claim_id: str, *, session: Session) -> None:
    """Before a claim is deleted: keep its last version as its tombstone."""
    columns = [c for c in CLAIM_COLUMNS if c != "id"]
    session.execute(
        insert(HISTORY).from_select(
            ["id", "claim_id", *columns, "replaced_at", "reason"],
            select(
                literal(str(uuid.uuid4())),
                CLAIM.c.id,
                *(CLAIM.c[c] for c in columns),
                literal(utc_now(), HISTORY.c.replaced_at.type),
                literal(DELETED),
            ).where(CLAIM.c.id == claim_id),
        )
    )


def forget(claim_ids: Collection[str], *, session: Session) -> None:
    """Claims that exist again (undo of their deletion): they are no longer deleted."""
    ids = list(claim_ids)
    for first in range(0, len(ids), _CHUNK):
        chunk = ids[first : first + _CHUNK]
        session.execute(delete(HISTORY).where(HISTORY.c.claim_id.in_(chunk), _is_deletion()))


_CHUNK = 500  # bound parameters per statement, well under any SQLite's limit
