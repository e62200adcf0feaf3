"""Adjudication: the review list of an article's units, and the reviewer's decisions that make the
reviewed layer (accept one annotator's version, edit it, or reject the unit), each in one transaction.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from annotator.db import queries
from annotator.db import review as review_db
from annotator.db.tables import utc_now
from annotator.domain.codebook import Codebook
from annotator.domain.decisions import (
    ArticleProgress,
    ClaimVersion,
    Decision,
    DecisionClaim,
    DecisionSketch,
    Outcome,
    ReviewedClaim,
    ReviewUnit,
    judge_units,
    orphaned_decisions,
    progress_of,
)
from annotator.domain.records import EDITABLE_CLAIM_FIELDS, Changes, Claim
from annotator.domain.text import span_fields
from annotator.domain.units import DEFAULT_THRESHOLD, SpanClaim, Unit, group_units
from annotator.services.transactions import Transactions


class AdjudicationError(ValueError):
    """A decision that cannot be made; the message says why."""


class AdjudicationService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions

    # --- reading ---------------------------------------------------------------------------------

    def review_units(self, article_id: str, threshold: float = DEFAULT_THRESHOLD) -> list[ReviewUnit]:
        """The article's units in text order, each with what differs and the decision on it.

        Who coded the article is everyone with a claim on it (as in `ReviewService.agreement`). A
        decision whose claims were all deleted since still has its reviewed claim (which is exported):
        it is listed too, as a stale unit without claims at its reviewed claim's span, so the reviewer
        sees it and can take it back.
        """
        with self._tx.read() as session:
            text = queries.article_text(article_id, session=session)
            if text is None:
                raise AdjudicationError("That article no longer exists.")
            claims = queries.claims_for_article(article_id, text, session=session)
            versions = review_db.claim_versions(article_id, session=session)
            decisions = review_db.decisions_for_article(article_id, session=session)
        coders = tuple(sorted({claim.annotator_name for claim in claims}))
        units = group_units(claims, annotators=coders, threshold=threshold)
        sketches = {
            d.id: DecisionSketch(d.decided_at, {c.claim_id: c.claim_updated_at for c in d.claims})
            for d in decisions
        }
        by_id = {d.id: d for d in decisions}
        listed = [
            ReviewUnit(unit, unit.differences, by_id[found] if found is not None else None, stale)
            for unit, (found, stale) in zip(units, judge_units(units, sketches, versions), strict=True)
        ]
        orphans = orphaned_decisions(decisions, versions.keys())
        if not orphans:
            return listed
        nobody: tuple[Claim | None, ...] = (None,) * len(coders)
        listed += [ReviewUnit(Unit(coders, nobody, frozenset()), frozenset(), d, True) for d in orphans]
        return sorted(listed, key=lambda unit: unit.start)  # stable: units keep their order

    def progress(
        self, article_ids: Sequence[str] | None = None, threshold: float = DEFAULT_THRESHOLD
    ) -> dict[str, ArticleProgress]:
        """Per article: (units settled, units, disagreements left, stale), for every article (or
        those named); stale counts decided units whose claims changed since, and decisions whose
        claims were all deleted but whose reviewed claim is kept (as `review_units` lists them).

        Two queries over narrow columns whatever the number of articles (a third only for decisions
        that lost all their claims); the grouping runs in memory (benchmarks/bench_review.py prints
        how long 100,000 claims take).
        """
        claims: dict[str, list[SpanClaim]] = {}
        versions: dict[str, str] = {}
        decided: dict[str, dict[str, tuple[str, dict[str, str]]]] = {}
        with self._tx.read() as session:
            ids = list(article_ids) if article_ids is not None else _all_article_ids(session)
            claim_rows = review_db.unit_claims(article_ids, session=session)
            decided_rows = review_db.decided_claims(article_ids, session=session)
            for article_id, claim_id, name, start, end, type_id, confidence, updated in claim_rows:
                claims.setdefault(article_id, []).append(
                    SpanClaim(claim_id, name, start, end, type_id, confidence)
                )
                versions[claim_id] = updated
            for article_id, decision_id, decided_at, claim_id, seen in decided_rows:
                entry = decided.setdefault(article_id, {}).setdefault(decision_id, (decided_at, {}))
                entry[1][claim_id] = seen
            bereft = [
                decision_id
                for by_decision in decided.values()
                for decision_id, (_, seen) in by_decision.items()
                if not any(claim_id in versions for claim_id in seen)
            ]
            # Of those, a rejection keeps nothing in the reviewed layer: only the others are shown.
            orphaned: dict[str, int] = {}
            for decision in review_db.get_decisions(bereft, session=session) if bereft else ():
                if decision.reviewed is not None:
                    orphaned[decision.article_id] = orphaned.get(decision.article_id, 0) + 1
        result: dict[str, ArticleProgress] = {}
        for article_id in ids:
            article_claims = claims.get(article_id, [])
            units = group_units(article_claims, threshold=threshold)
            sketches = {d: DecisionSketch(at, seen) for d, (at, seen) in decided.get(article_id, {}).items()}
            verdicts = judge_units(units, sketches, versions)
            result[article_id] = progress_of(units, verdicts, orphaned.get(article_id, 0))
        return result

    def decisions(self, article_id: str) -> list[Decision]:
        with self._tx.read() as session:
            return review_db.decisions_for_article(article_id, session=session)

    def claim_history(self, claim_ids: Iterable[str]) -> dict[str, list[ClaimVersion]]:
        """Earlier versions of these claims that merges replaced, oldest first, by claim id."""
        with self._tx.read() as session:
            rows = review_db.history_of(set(claim_ids), session=session)
        history: dict[str, list[ClaimVersion]] = {}
        for claim_id, *fields in rows:
            history.setdefault(claim_id, []).append(ClaimVersion(claim_id, *fields))
        return history

    # --- deciding --------------------------------------------------------------------------------

    def settle(
        self,
        article_id: str,
        claim_ids: Sequence[str],
        outcome: Outcome | str,
        chosen_claim_id: str | None = None,
        edits: Mapping[str, Any] | None = None,
        *,
        decided_by: str,
    ) -> tuple[Changes, Decision, list[Decision]]:
        """Decide a unit; returns what changed, the decision, and the earlier decisions it replaced.

        Accept copies the chosen claim into the reviewed layer; edit copies it with `edits` (any of
        the claim's editable fields; a new span gets its quote and context from the article's text);
        reject records the decision with no reviewed claim. An edit that changes nothing is recorded
        as an acceptance. Any earlier decision on one of these claims is replaced.
        """
        outcome = Outcome(outcome)
        ids = list(dict.fromkeys(claim_ids))
        edits = dict(edits or {})
        if not ids:
            raise AdjudicationError("A decision needs the claims of the unit it settles.")
        if outcome is Outcome.REJECTED and (chosen_claim_id is not None or edits):
            raise AdjudicationError("A rejected unit keeps no version, so none can be chosen or edited.")
        if outcome is not Outcome.REJECTED and chosen_claim_id not in ids:
            raise AdjudicationError("Choose the version to keep from the claims of the unit.")
        if outcome is Outcome.ACCEPTED and edits:
            raise AdjudicationError("An accepted version is kept as it is: edit it instead.")
        if unknown := set(edits) - EDITABLE_CLAIM_FIELDS:
            raise AdjudicationError(f"These claim fields cannot be edited: {', '.join(sorted(unknown))}.")
        with self._tx.begin() as session:
            deciding = _Deciding.start(session, article_id, decided_by)
            decision, replaced = deciding.settle(ids, outcome, chosen_claim_id, edits)
        return _changed([decision, *replaced]), decision, replaced

    def accept_agreements(
        self, article_id: str, units: Sequence[tuple[Sequence[str], str]], *, decided_by: str
    ) -> tuple[Changes, list[Decision], list[Decision]]:
        """Accept many units at once (the units everyone agrees on), in one transaction.

        `units` are (the unit's claim ids, the claim whose version is kept). Returns what changed, the
        new decisions and the earlier decisions they replaced (for undo).
        """
        decisions: list[Decision] = []
        replaced: list[Decision] = []
        with self._tx.begin() as session:
            deciding = _Deciding.start(session, article_id, decided_by)
            for claim_ids, chosen in units:
                ids = list(dict.fromkeys(claim_ids))
                if chosen not in ids:
                    raise AdjudicationError("Choose the version to keep from the claims of the unit.")
                decision, earlier = deciding.settle(ids, Outcome.ACCEPTED, chosen, {})
                decisions.append(decision)
                replaced.extend(earlier)
        return _changed([*decisions, *replaced]), decisions, replaced

    def unsettle(self, decision_id: str) -> tuple[Changes, Decision]:
        """Take a decision back (and its reviewed claim); returns it, for `restore`."""
        with self._tx.begin() as session:
            found = review_db.get_decisions([decision_id], session=session)
            if not found:
                raise AdjudicationError("That decision no longer exists.")
            review_db.delete_decisions([decision_id], session=session)
        return _changed(found), found[0]

    def restore(self, decision: Decision) -> Changes:
        """Put back a removed decision exactly as it was: same ids, same times (undo, redo)."""
        return self.replace([], [decision])

    def replace(self, remove: Sequence[str], put_back: Sequence[Decision]) -> Changes:
        """Remove some decisions and put back others in one transaction: undo and redo of a settle."""
        with self._tx.begin() as session:
            removed = review_db.get_decisions(list(remove), session=session)
            review_db.delete_decisions(list(remove), session=session)
            for decision in put_back:
                review_db.insert_decision(decision, session=session)
        return _changed([*removed, *put_back])


@dataclass(frozen=True)
class _Deciding:
    """What every decision in one transaction shares: looked up once, not once per unit."""

    session: Session
    article_id: str
    text: str
    codebook: Codebook
    decided_by: str
    decided_by_name: str
    now: datetime

    @classmethod
    def start(cls, session: Session, article_id: str, decided_by: str) -> _Deciding:
        text = queries.article_text(article_id, session=session)
        if text is None:
            raise AdjudicationError("That article no longer exists.")
        codebook = queries.load_codebook(session=session)
        name = _annotator_name(decided_by, session)
        return cls(session, article_id, text, codebook, decided_by, name, utc_now())

    def settle(
        self, ids: list[str], outcome: Outcome, chosen_claim_id: str | None, edits: dict[str, Any]
    ) -> tuple[Decision, list[Decision]]:
        """One unit decided (see `AdjudicationService.settle`); returns it and the decisions it replaced."""
        decision_id = str(uuid.uuid4())
        claims = _claims(ids, self.article_id, self.session)
        reviewed = None
        if chosen_claim_id is not None:
            base = claims[chosen_claim_id]
            values = _values_of(base)
            values.update({k: (v.strip() if k in ("source", "cue") else v) for k, v in edits.items()})
            if outcome is Outcome.EDITED and values == _values_of(base):
                outcome = Outcome.ACCEPTED
            _check_codes(values, self.codebook)
            reviewed = ReviewedClaim(
                id=str(uuid.uuid4()),
                decision_id=decision_id,
                article_id=self.article_id,
                **_span_fields(self.text, values.pop("start"), values.pop("end")),
                **values,
                created_at=self.now,
                updated_at=self.now,
            )
        replaced_ids = review_db.decision_ids_for_claims(ids, session=self.session)
        replaced = review_db.get_decisions(replaced_ids, session=self.session)
        review_db.delete_decisions(replaced_ids, session=self.session)
        decision = Decision(
            id=decision_id,
            article_id=self.article_id,
            outcome=outcome,
            decided_by=self.decided_by,
            decided_by_name=self.decided_by_name,
            decided_at=self.now,
            updated_at=self.now,
            claims=tuple(
                DecisionClaim(claim_id, claim_id == chosen_claim_id, claims[claim_id].updated_at)
                for claim_id in sorted(ids)
            ),
            reviewed=reviewed,
        )
        review_db.insert_decision(decision, session=self.session)
        return decision, replaced


def _all_article_ids(session: Session) -> list[str]:
    return [article.id for article in queries.list_articles(session=session)]


def _changed(decisions: Iterable[Decision]) -> Changes:
    # The reviewed layer is per article: windows reload the review of the articles named.
    return Changes(articles=frozenset(d.article_id for d in decisions))


def _claims(ids: Sequence[str], article_id: str, session: Session) -> dict[str, Claim]:
    claims: dict[str, Claim] = {}
    for claim_id in ids:
        claim = queries.get_claim(claim_id, session=session)
        if claim is None:
            raise AdjudicationError("A claim of this unit no longer exists: reload the review.")
        if claim.article_id != article_id:
            raise AdjudicationError("A unit's claims must all be on the article under review.")
        claims[claim_id] = claim
    return claims


def _values_of(claim: Claim) -> dict[str, Any]:
    return {
        "start": claim.start,
        "end": claim.end,
        "source_type_id": claim.source_type_id,
        "confidence": claim.confidence,
        "source": claim.source,
        "cue": claim.cue,
        "comment": claim.comment,
    }


def _check_codes(values: Mapping[str, Any], codebook: Codebook) -> None:
    if codebook.type_by_id(str(values["source_type_id"])) is None:
        raise AdjudicationError("That source type is not in the codebook.")
    if values["confidence"] not in {level.value for level in codebook.confidence_levels}:
        raise AdjudicationError(f"{values['confidence']} is not a confidence level of the codebook.")


def _annotator_name(annotator_id: str, session: Session) -> str:
    names = {a.id: a.name for a in queries.list_annotators(session=session)}
    if annotator_id not in names:
        raise AdjudicationError("The reviewer is not an annotator of this project.")
    return names[annotator_id]


def _span_fields(text: str, start: int, end: int) -> dict[str, Any]:
    try:
        return span_fields(text, start, end)
    except ValueError as error:  # in the service's own error, which the window reports
        raise AdjudicationError(str(error)) from None
