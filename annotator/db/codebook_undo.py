"""The one codebook write only undo needs: taking a type out again. Callers own the transaction.

Apart from queries.py so that undo's single delete stays next to nothing else; it may move there.
"""

from __future__ import annotations

from sqlalchemy import delete
from sqlalchemy.orm import Session

from annotator.db.queries import SOURCE_TYPE


def delete_source_type(type_id: str, *, session: Session) -> None:
    """Delete a type row. The claim table's foreign key refuses it while claims still use the type."""
    session.execute(delete(SOURCE_TYPE).where(SOURCE_TYPE.c.id == type_id))
