"""The reviewed layer's read models: a reviewer's decision on a unit, the claim it settled on, and
which decision (if any) still holds for each unit of an article.

Pure Python. A decision names the claims it settled by id (snapshots, like the claim history), so
a claim can change or vanish after the decision: the unit is then *stale* and needs another look.
"""

from __future__ import annotations

from collections.abc import Collection, Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any, NamedTuple

from annotator.domain.units import Difference, Unit


class Outcome(StrEnum):
    ACCEPTED = "accepted"  # one annotator's version, as it was
    EDITED = "edited"  # one annotator's version with the reviewer's changes
    REJECTED = "rejected"  # not a claim: nothing goes into the reviewed layer


class DecisionClaim(NamedTuple):
    """One claim a decision settled, as it was when decided."""

    claim_id: str
    chosen: bool  # the version that was accepted or edited
    claim_updated_at: Any  # the claim's updated_at when decided (a datetime, or its stored text)


@dataclass(frozen=True, slots=True)
class ReviewedClaim:
    """A claim of the reviewed layer: the same fields as a claim, and the decision it came from."""

    id: str
    decision_id: str
    article_id: str
    start: int
    end: int
    quote: str
    context_before: str
    context_after: str
    source_type_id: str
    confidence: int
    source: str
    cue: str
    comment: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class Decision:
    """A reviewer's word on one unit: which claims, who decided, when, and the claim it kept."""

    id: str
    article_id: str
    outcome: Outcome
    decided_by: str  # annotator id
    decided_by_name: str
    decided_at: datetime
    updated_at: datetime
    claims: tuple[DecisionClaim, ...]
    reviewed: ReviewedClaim | None  # None for a rejected unit

    @property
    def claim_ids(self) -> frozenset[str]:
        return frozenset(c.claim_id for c in self.claims)

    @property
    def chosen_claim_id(self) -> str | None:
        return next((c.claim_id for c in self.claims if c.chosen), None)


@dataclass(frozen=True, slots=True)
class ReviewUnit:
    """A unit as the review list shows it: its claims, what differs, and the decision on it."""

    unit: Unit[Any]
    differences: frozenset[Difference]
    decision: Decision | None
    stale: bool  # decided, but its claims changed since (added, removed or edited)

    @property
    def settled(self) -> bool:
        return self.decision is not None and not self.stale

    @property
    def orphaned(self) -> bool:
        """Decided, but every claim it settled was deleted since: only its reviewed claim is left."""
        return self.decision is not None and not self.unit.present

    @property
    def start(self) -> int:
        """Where the unit begins in the text (an orphaned decision's: its reviewed claim's)."""
        if self.unit.present or self.decision is None or self.decision.reviewed is None:
            return self.unit.start
        return self.decision.reviewed.start

    @property
    def disagreement(self) -> bool:
        return bool(self.differences)

    @property
    def claim_ids(self) -> tuple[str, ...]:
        return tuple(claim.id for claim in self.unit.present)


class ArticleProgress(NamedTuple):
    settled: int
    total_units: int
    disagreements_left: int  # units with a difference and no decision that still holds
    # Decided units whose claims changed since, so the decision no longer holds (the review marks them
    # ⚠), and decisions whose claims were all deleted but whose reviewed claim is still kept: the
    # reviewed layer exports what each of them decided all the same.
    stale: int = 0


class DecisionSketch(NamedTuple):
    """What judging needs of a decision: when it was made and the claim versions it saw."""

    decided_at: Any  # anything ordered: a datetime, or the stored ISO text
    seen: Mapping[str, Hashable]  # claim id -> its updated_at when decided


def judge_units(
    units: Sequence[Unit[Any]],
    decisions: Mapping[str, DecisionSketch],
    versions: Mapping[str, Hashable],
) -> list[tuple[str | None, bool]]:
    """For each unit, the decision that covers it (None: undecided) and whether it is stale.

    A decision covers a unit when it settled any of the unit's claims; of several, the latest counts
    and the unit is stale (it was split or joined since). A unit is also stale when its claims are
    not exactly the ones decided, or one was edited since (`versions`: claim id -> updated_at now).
    """
    if not decisions:  # most articles, most of the time: nothing to match
        return [(None, False)] * len(units)
    by_claim: dict[str, list[str]] = {}
    for decision_id, sketch in decisions.items():
        for claim_id in sketch.seen:
            by_claim.setdefault(claim_id, []).append(decision_id)
    verdicts: list[tuple[str | None, bool]] = []
    for unit in units:
        ids = [claim.id for claim in unit.present]
        found = {d for claim_id in ids for d in by_claim.get(claim_id, ())}
        if not found:
            verdicts.append((None, False))
            continue
        latest = max(found, key=lambda d: (decisions[d].decided_at, d))
        seen = decisions[latest].seen
        stale = (
            len(found) > 1
            or len(seen) != len(ids)
            or any(claim_id not in seen or versions.get(claim_id) != seen[claim_id] for claim_id in ids)
        )
        verdicts.append((latest, stale))
    return verdicts


def progress_of(
    units: Sequence[Unit[Any]], verdicts: Sequence[tuple[str | None, bool]], orphaned: int = 0
) -> ArticleProgress:
    """The progress of an article from its units and their verdicts (`judge_units`); `orphaned`: how
    many of its decisions lost every claim but keep a reviewed claim (see `orphaned_decisions`)."""
    settled = left = stale_units = 0
    for unit, (decision_id, stale) in zip(units, verdicts, strict=True):
        holds = decision_id is not None and not stale
        settled += holds
        left += bool(unit.differences) and not holds
        stale_units += decision_id is not None and stale
    return ArticleProgress(settled, len(units), left, stale_units + orphaned)


def orphaned_decisions(decisions: Sequence[Decision], claim_ids: Collection[str]) -> list[Decision]:
    """The decisions none of whose claims is left (`claim_ids`: the article's claims now) but whose
    reviewed claim still is: no unit shows them, yet their reviewed claim is exported. A rejection
    left so keeps nothing, so it needs no showing."""
    return [
        d for d in decisions if d.reviewed is not None and not any(c.claim_id in claim_ids for c in d.claims)
    ]


def review_progress(units: Sequence[ReviewUnit]) -> ArticleProgress:
    """The progress of an article from its review list (as `progress_of`, without grouping again).

    Orphaned decisions are no unit of the article: its progress counts units of claims (they count
    as stale only)."""
    stale = sum(unit.stale for unit in units)
    units = [unit for unit in units if not unit.orphaned]
    settled = sum(unit.settled for unit in units)
    left = sum(unit.disagreement and not unit.settled for unit in units)
    return ArticleProgress(settled, len(units), left, stale)


class ClaimVersion(NamedTuple):
    """An earlier version of a claim, kept in the claim history when a merge replaced it."""

    claim_id: str
    replaced_at: datetime
    reason: str
    start: int
    end: int
    quote: str
    source_type_id: str
    confidence: int
    updated_at: datetime
