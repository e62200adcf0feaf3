"""Claims: creating, editing, deleting and restoring them, each in its own committed transaction."""

from __future__ import annotations

import uuid
from collections import OrderedDict
from typing import Any

from sqlalchemy.orm import Session

from annotator.db import queries
from annotator.db.tables import utc_now
from annotator.domain.records import EDITABLE_CLAIM_FIELDS, Article, Changes, Claim
from annotator.domain.text import span_fields
from annotator.services.transactions import Transactions


class ClaimError(ValueError):
    """A claim edit that cannot be made; the message says why."""


class ClaimService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions
        # Article texts never change once imported: keep the few in use to spare a
        # megabyte read on every new claim.
        self._texts: OrderedDict[str, str] = OrderedDict()
        # An annotator's name never changes: a new claim is given it without reading the claim back.
        self._annotator_names: dict[str, str] = {}

    def open_article(self, article_id: str) -> tuple[Article, list[Claim]] | None:
        """An article and its claims, for showing it, in one read (None if it is gone).

        The claims are listed as `for_article` lists them: no context, no timestamps.
        """
        with self._tx.read() as session:
            article = queries.get_article(article_id, session=session)
            if article is None:
                return None
            self._remember_text(article_id, article.text)
            return article, queries.claims_for_article(article_id, article.text, session=session)

    def for_article(self, article_id: str) -> list[Claim]:
        """The article's claims by position, without their context and timestamps (`get` has those)."""
        with self._tx.read() as session:
            return queries.claims_for_article(article_id, self._text(article_id, session), session=session)

    def get(self, claim_id: str) -> Claim | None:
        with self._tx.read() as session:
            return queries.get_claim(claim_id, session=session)

    def create(
        self,
        *,
        article_id: str,
        annotator_id: str,
        start: int,
        end: int,
        source_type_id: str,
        confidence: int,
        source: str = "",
        cue: str = "",
        comment: str = "",
        claim_id: str | None = None,
    ) -> tuple[Changes, Claim]:
        now = utc_now()
        claim_id = claim_id or str(uuid.uuid4())
        with self._tx.begin() as session:
            text = self._text(article_id, session)
            row = {
                "id": claim_id,
                "article_id": article_id,
                "annotator_id": annotator_id,
                **_span_values(text, start, end),
                "source_type_id": source_type_id,
                "confidence": int(confidence),  # as the file gives it back (a bool or 3.0 would not be)
                "source": source.strip(),
                "cue": cue.strip(),
                "comment": comment,
                "created_at": now,
                "updated_at": now,
            }
            annotator_name = self._annotator_names.get(annotator_id)
            if annotator_name is None:
                annotator_name = queries.annotator_name(annotator_id, session=session)
                if annotator_name is None:
                    raise ClaimError("That annotator is not part of this project.")
            queries.insert_claims([row], session=session)
        self._annotator_names[annotator_id] = annotator_name
        # As it was stored: the record as `get` would read it back (tested), a query saved.
        claim = Claim(annotator_name=annotator_name, **row)
        return Changes(claims=frozenset({claim_id})), claim

    def update(self, claim_id: str, **fields: Any) -> tuple[Changes, Claim, Claim]:
        """Change some of a claim's editable fields; returns the claim before and after."""
        unknown = set(fields) - EDITABLE_CLAIM_FIELDS
        if unknown:
            raise ClaimError(f"These claim fields cannot be edited: {', '.join(sorted(unknown))}.")
        with self._tx.begin() as session:
            before = queries.get_claim(claim_id, session=session)
            if before is None:
                raise ClaimError("That claim no longer exists.")
            values = {k: (v.strip() if k in ("source", "cue") else v) for k, v in fields.items()}
            if "start" in values or "end" in values:
                text = self._text(before.article_id, session)
                values.update(
                    _span_values(text, values.get("start", before.start), values.get("end", before.end))
                )
            values["updated_at"] = utc_now()
            queries.update_claim(claim_id, values, session=session)
            after = queries.get_claim(claim_id, session=session)
        assert after is not None
        return Changes(claims=frozenset({claim_id})), before, after

    def delete(self, claim_id: str, *, expected: Claim | None = None) -> tuple[Changes, Claim]:
        """Delete a claim; with `expected` (an undo's or redo's), only while it is still that claim."""
        with self._tx.begin() as session:
            claim = queries.get_claim(claim_id, session=session)
            if claim is None:
                raise ClaimError("That claim no longer exists.")
            _check_unchanged(claim, expected)
            queries.delete_claim(claim_id, session=session)
        return Changes(removed_claims=frozenset({claim_id})), claim

    def restore(self, claim: Claim) -> Changes:
        """Put back a deleted claim as it was (same id, fields and creation time), e.g. on undo.

        It counts as changed now: bringing it back is newer than its deletion, which a colleague's file
        may have taken over meanwhile (a merge must not delete it again)."""
        with self._tx.begin() as session:
            row = _row_of(claim, self._text(claim.article_id, session))
            row["updated_at"] = utc_now()
            queries.restore_claims([row], session=session)
        return Changes(claims=frozenset({claim.id}))

    def put_back(self, claim: Claim, *, expected: Claim | None = None) -> Changes:
        """Return an existing claim to an earlier state (undo of an edit), keeping its id; with
        `expected` (the state the edit left), only while it is still in that state."""
        with self._tx.begin() as session:
            if expected is not None:
                current = queries.get_claim(claim.id, session=session)
                if current is None:
                    raise ClaimError("That claim no longer exists.")
                _check_unchanged(current, expected)
            row = _row_of(claim, self._text(claim.article_id, session))
            row.pop("id")
            row["updated_at"] = utc_now()
            if queries.update_claim(claim.id, row, session=session) == 0:
                raise ClaimError("That claim no longer exists.")
        return Changes(claims=frozenset({claim.id}))

    def _text(self, article_id: str, session: Session) -> str:
        text = self._texts.get(article_id)
        if text is None:
            text = queries.article_text(article_id, session=session)
            if text is None:
                raise ClaimError("That article no longer exists.")
        self._remember_text(article_id, text)
        return text

    def _remember_text(self, article_id: str, text: str) -> None:
        self._texts[article_id] = text
        self._texts.move_to_end(article_id)
        while len(self._texts) > 4:
            self._texts.popitem(last=False)


def _span_values(text: str, start: int, end: int) -> dict[str, Any]:
    try:
        return span_fields(text, start, end)
    except ValueError as error:  # in the service's own error, which the window reports
        raise ClaimError(str(error)) from None


def _row_of(claim: Claim, text: str) -> dict[str, Any]:
    """The row for a claim record; quote and context come from the text, never from the record
    (a listed claim carries no context)."""
    return {
        "id": claim.id,
        "article_id": claim.article_id,
        "annotator_id": claim.annotator_id,
        **_span_values(text, claim.start, claim.end),
        "source_type_id": claim.source_type_id,
        "confidence": claim.confidence,
        "source": claim.source,
        "cue": claim.cue,
        "comment": claim.comment,
        "created_at": claim.created_at,
        "updated_at": claim.updated_at,
    }


# What an undo or redo would overwrite: the fields a user or a colleague's file can change.
_CONTENT = ("annotator_id", "start", "end", "source_type_id", "confidence", "source", "cue", "comment")


def _check_unchanged(current: Claim, expected: Claim | None) -> None:
    """Refuse a step (an undo, a redo) that would overwrite a change made elsewhere (the command
    line, another window) since the step's edit: the claim is no longer as the edit left it."""
    if expected is not None and any(getattr(current, f) != getattr(expected, f) for f in _CONTENT):
        raise ClaimError(
            "This claim was changed outside this window (by the command line or another window) since"
            " that step: undoing or redoing it would overwrite the change, so the claim is left as it is."
        )
