"""Units: the claims several annotators made on one article, grouped by span, and what differs within each.

Pure Python. A unit holds at most one claim per annotator; the review list shows units and the agreement
measures (`annotator.domain.agreement`) read their values from them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Generic, NamedTuple, Protocol, TypeVar

DEFAULT_THRESHOLD = 0.5


class ClaimLike(Protocol):
    """What grouping reads of a claim; `records.Claim` and `SpanClaim` both fit.

    A `None` source type or confidence means "not coded" and counts as missing data for that field.
    """

    @property
    def id(self) -> str: ...
    @property
    def annotator_name(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def source_type_id(self) -> str | None: ...
    @property
    def confidence(self) -> int | None: ...


class SpanClaim(NamedTuple):
    """The least a claim needs to be grouped and measured: for tests, scripts and pre-annotations."""

    id: str
    annotator_name: str
    start: int
    end: int
    source_type_id: str | None = None
    confidence: int | None = None


C = TypeVar("C", bound=ClaimLike)


class Difference(StrEnum):
    """One way the claims of a unit differ. A unit with none of them is in full agreement."""

    MISSING = "missing"  # only some of the article's annotators made a claim here
    SPAN = "span"  # the claims' spans are not all identical
    SOURCE_TYPE = "source_type"
    CONFIDENCE = "confidence"


@dataclass(frozen=True, slots=True)
class Unit(Generic[C]):
    """Claims of different annotators about the same stretch of text: `claims[i]` is `annotators[i]`'s claim,
    or None when that annotator made none here."""

    annotators: tuple[str, ...]
    claims: tuple[C | None, ...]
    differences: frozenset[Difference]

    @property
    def full_agreement(self) -> bool:
        return not self.differences

    @property
    def present(self) -> tuple[C, ...]:
        """The claims of the unit, in annotator order, without the gaps."""
        return tuple(claim for claim in self.claims if claim is not None)

    @property
    def start(self) -> int:
        return min(claim.start for claim in self.present)

    @property
    def end(self) -> int:
        return max(claim.end for claim in self.present)

    def claim_of(self, annotator: str) -> C | None:
        """The claim `annotator` made in this unit; None when they made none or did not code the article."""
        try:
            return self.claims[self.annotators.index(annotator)]
        except ValueError:
            return None


def iou(start_a: int, end_a: int, start_b: int, end_b: int) -> float:
    """Intersection over union of two half-open spans; 0.0 when they share no code point."""
    inter = min(end_a, end_b) - max(start_a, start_b)
    if inter <= 0:
        return 0.0
    return inter / (max(end_a, end_b) - min(start_a, start_b))


def group_units(
    claims: Iterable[C],
    *,
    annotators: Sequence[str] | None = None,
    threshold: float = DEFAULT_THRESHOLD,
) -> list[Unit[C]]:
    """Group the claims made on one article into units.

    `annotators` are the people who coded the article, in the order units list them (default: everyone
    who made a claim, sorted by name); a listed annotator without a claim in a unit is *missing* there.

    The grouping:
    1. Two claims of *different* annotators are linked when their spans are identical or their
       intersection over union is >= `threshold` (0 < threshold <= 1; compared exactly, so 0.5 means
       "at least half").
    2. Links are taken strongest first (highest IoU; ties by the claims' order by start, end,
       annotator, id), and each joins the two groups its claims are in unless both groups already hold a
       claim of the same annotator. A unit is thus a connected group with at most one claim per
       annotator: when one annotator has two claims matching another's, the other's claim goes with the
       better match and the second claim becomes a unit of its own (missing the other annotator).
       Groups chain: A~B and B~C put A, B and C in one unit even when A and C overlap less.
    3. Units are listed by their first claim in (start, end, annotator, id) order.

    The result does not depend on the order of `claims`. Time: a sort plus a sweep that compares a claim
    only with later-starting claims that could still reach the threshold, so O(n log n) for claims of
    bounded nesting (sentences and paragraphs), whatever their number.
    """
    ratio = _threshold(threshold)
    items = sorted(claims, key=lambda c: (c.start, c.end, c.annotator_name, c.id))
    names = tuple(sorted({c.annotator_name for c in items})) if annotators is None else tuple(annotators)
    if len(set(names)) != len(names):
        raise ValueError(f"an annotator is listed twice: {names}")
    column = {name: i for i, name in enumerate(names)}
    for claim in items:
        if claim.annotator_name not in column:
            raise ValueError(f"claim {claim.id!r} is by {claim.annotator_name!r}, who is not in {names}")
        if not claim.start < claim.end:
            raise ValueError(f"claim {claim.id!r} has an empty span ({claim.start}, {claim.end})")

    who = [column[c.annotator_name] for c in items]
    edges = _links(items, who, ratio)
    root = _join(edges, who)

    members: dict[int, list[int]] = {}
    for index in range(len(items)):
        members.setdefault(root[index], []).append(index)
    units: list[Unit[C]] = []
    width = len(names)
    # Dicts keep insertion order and every group's first member is its lowest index: units come out
    # in the claims' sorted order without another sort.
    for group in members.values():
        slots: list[C | None] = [None] * width
        for index in group:
            slots[who[index]] = items[index]
        units.append(Unit(names, tuple(slots), _differences(slots)))
    return units


def _threshold(threshold: float) -> Fraction:
    if not 0 < threshold <= 1:
        raise ValueError(f"the overlap threshold must be in (0, 1], not {threshold}")
    # The decimal the user typed, not its binary neighbour: 0.6 must accept an IoU of exactly 3/5.
    return Fraction(threshold).limit_denominator(1_000_000)


def _links(items: Sequence[ClaimLike], who: Sequence[int], ratio: Fraction) -> list[tuple[float, int, int]]:
    """Every pair (-IoU, i, j), i < j in start order, of claims by different annotators with IoU >= ratio."""
    num, den = ratio.numerator, ratio.denominator
    starts = [c.start for c in items]
    ends = [c.end for c in items]
    scaled_starts = [s * den for s in starts]
    count = len(items)
    edges: list[tuple[float, int, int]] = []
    append = edges.append
    for i in range(count):
        s_i = starts[i]
        e_i = ends[i]
        a_i = who[i]
        # A claim j starting at or after s_i shares at most e_i - s_j code points with i, and the union is
        # at least i's length: j can reach the threshold only while (e_i - s_j) >= ratio * len_i.
        limit = e_i * den - num * (e_i - s_i)
        j = i + 1
        while j < count and scaled_starts[j] <= limit:
            if who[j] != a_i:
                e_j = ends[j]
                inter = (e_i if e_i < e_j else e_j) - starts[j]
                if inter > 0:
                    union = (e_i if e_i > e_j else e_j) - s_i
                    if inter * den >= num * union:
                        append((-inter / union, i, j))
            j += 1
    return edges


def _join(edges: Sequence[tuple[float, int, int]], who: Sequence[int]) -> list[int]:
    """Union-find over the links, strongest first, refusing a union that would put two claims of one
    annotator in a group; returns each claim's group (the lowest index in it).

    Links only interact within a connected component, and a component with no annotator twice ends up
    whole whatever the order. So: connected components first, in any order; then only the components
    holding an annotator twice (few) are taken apart and rebuilt from their links sorted strongest first.
    """
    count = len(who)
    parent = list(range(count))
    annotators_in = [1 << w for w in who]  # bit set of the annotators in each group, kept at its root
    crowded = [False] * count  # at a root: its component holds some annotator twice

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in edges:
        root_i = find(i)
        root_j = find(j)
        if root_i == root_j:
            continue
        low, high = (root_i, root_j) if root_i < root_j else (root_j, root_i)
        parent[high] = low
        crowded[low] = crowded[low] or crowded[high] or bool(annotators_in[low] & annotators_in[high])
        annotators_in[low] |= annotators_in[high]
    if not any(crowded[find(i)] for i in range(count)):
        return [find(i) for i in range(count)]

    redo = [crowded[find(i)] for i in range(count)]
    contested = sorted(edge for edge in edges if redo[edge[1]])
    for i in range(count):
        if redo[i]:
            parent[i] = i
            annotators_in[i] = 1 << who[i]
    for _, i, j in contested:
        root_i = find(i)
        root_j = find(j)
        if root_i == root_j or annotators_in[root_i] & annotators_in[root_j]:
            continue
        low, high = (root_i, root_j) if root_i < root_j else (root_j, root_i)
        parent[high] = low
        annotators_in[low] |= annotators_in[high]
    return [find(i) for i in range(count)]


def _differences(slots: Sequence[ClaimLike | None]) -> frozenset[Difference]:
    present = [claim for claim in slots if claim is not None]
    key = int(len(present) < len(slots))  # bit 0: missing; bits 1-3: span, source type, confidence
    if len(present) > 1:
        first, *others = present
        start, end, kind, level = first.start, first.end, first.source_type_id, first.confidence
        for claim in others:
            if claim.start != start or claim.end != end:
                key |= 2
            if claim.source_type_id != kind:
                key |= 4
            if claim.confidence != level:
                key |= 8
    return _DIFFERENCE_SETS[key]


# Units share these 16 sets rather than building one each.
_DIFFERENCE_SETS = tuple(
    frozenset(
        difference
        for bit, difference in enumerate(
            (Difference.MISSING, Difference.SPAN, Difference.SOURCE_TYPE, Difference.CONFIDENCE)
        )
        if key >> bit & 1
    )
    for key in range(16)
)
