"""Claims of several annotators grouped into units, and what differs within each unit."""

from __future__ import annotations

import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.domain.records import Claim
from annotator.domain.units import Difference, SpanClaim, Unit, group_units, iou

D = Difference


def claim(
    claim_id: str, who: str, start: int, end: int, kind: str | None = "official", level: int | None = 3
) -> SpanClaim:
    return SpanClaim(claim_id, who, start, end, kind, level)


def ids(units: list[Unit[SpanClaim]]) -> list[tuple[str | None, ...]]:
    return [tuple(None if c is None else c.id for c in unit.claims) for unit in units]


def test_identical_spans_of_three_annotators_are_one_unit_in_full_agreement() -> None:
    units = group_units([claim("a", "ana", 5, 20), claim("b", "ben", 5, 20), claim("c", "chen", 5, 20)])

    assert ids(units) == [("a", "b", "c")]
    assert units[0].annotators == ("ana", "ben", "chen")
    assert units[0].full_agreement
    assert (units[0].start, units[0].end) == (5, 20)


def test_overlap_at_the_threshold_joins_and_just_below_it_does_not() -> None:
    # [0, 10) and [0, 5): IoU exactly 0.5, which is ">= 0.5".
    at = group_units([claim("a", "ana", 0, 10), claim("b", "ben", 0, 5)])
    assert ids(at) == [("a", "b")]
    assert at[0].differences == {D.SPAN}

    # [0, 100) and [0, 49): IoU 0.49.
    below = group_units([claim("a", "ana", 0, 100), claim("b", "ben", 0, 49)])
    assert ids(below) == [(None, "b"), ("a", None)]  # units in order of start, then end
    assert all(unit.differences == {D.MISSING} for unit in below)


def test_the_threshold_is_configurable_and_read_as_the_decimal_typed() -> None:
    spans = [claim("a", "ana", 0, 10), claim("b", "ben", 0, 6)]  # IoU exactly 0.6
    assert ids(group_units(spans, threshold=0.6)) == [("a", "b")]
    assert ids(group_units(spans, threshold=0.61)) == [(None, "b"), ("a", None)]
    assert ids(group_units([claim("a", "ana", 0, 10), claim("b", "ben", 9, 19)], threshold=0.05)) == [
        ("a", "b")
    ]


@pytest.mark.parametrize("threshold", [0, -0.1, 1.01, float("nan")])
def test_a_threshold_outside_0_to_1_is_refused(threshold: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        group_units([claim("a", "ana", 0, 10)], threshold=threshold)


def test_a_claim_only_one_annotator_made_is_a_unit_missing_the_others() -> None:
    units = group_units(
        [claim("a", "ana", 0, 10), claim("b", "ben", 0, 10), claim("lone", "ben", 50, 60)],
    )

    assert ids(units) == [("a", "b"), (None, "lone")]
    assert units[1].differences == {D.MISSING}
    assert units[1].claim_of("ana") is None
    assert units[1].claim_of("ben") == claim("lone", "ben", 50, 60)


def test_an_annotator_of_the_article_without_claims_is_missing_everywhere() -> None:
    units = group_units(
        [claim("a", "ana", 0, 10), claim("b", "ben", 0, 10)], annotators=["ana", "ben", "dara"]
    )

    assert ids(units) == [("a", "b", None)]
    assert units[0].differences == {D.MISSING}
    assert units[0].claim_of("dara") is None
    assert units[0].claim_of("someone else") is None


def test_two_claims_of_one_annotator_over_one_of_another_the_better_match_wins() -> None:
    # ben's [1, 11) matches ana's [0, 10) with IoU 9/11 and her [3, 12) with 8/11: it goes with the first,
    # and ana's second claim is a unit of its own. Never two claims of one annotator in a unit.
    units = group_units([claim("a1", "ana", 0, 10), claim("a2", "ana", 3, 12), claim("b", "ben", 1, 11)])

    assert ids(units) == [("a1", "b"), ("a2", None)]
    assert units[0].differences == {D.SPAN}
    assert units[1].differences == {D.MISSING}


def test_a_tie_between_two_matches_goes_to_the_claim_that_starts_first() -> None:
    # ben's [2, 12) has IoU 8/12 with both of ana's claims.
    units = group_units([claim("a2", "ana", 4, 14), claim("a1", "ana", 0, 10), claim("b", "ben", 2, 12)])

    assert ids(units) == [("a1", "b"), ("a2", None)]


def test_units_chain_through_a_middle_claim() -> None:
    # ana~ben 8/12, ben~chen 8/12, ana~chen only 6/14: one unit all the same (connected components).
    units = group_units([claim("a", "ana", 0, 10), claim("b", "ben", 2, 12), claim("c", "chen", 4, 14)])

    assert ids(units) == [("a", "b", "c")]


def test_claims_of_one_annotator_never_join_each_other() -> None:
    units = group_units([claim("a1", "ana", 0, 10), claim("a2", "ana", 0, 10)])

    assert ids(units) == [("a1",), ("a2",)]
    assert all(unit.full_agreement for unit in units)  # the only annotator of the article is there


def test_each_kind_of_difference_is_named() -> None:
    units = group_units(
        [
            claim("a1", "ana", 0, 10, "official", 3),
            claim("b1", "ben", 0, 10, "expert", 3),
            claim("a2", "ana", 20, 30, "official", 3),
            claim("b2", "ben", 20, 30, "official", 5),
            claim("a3", "ana", 40, 50, "official", 3),
            claim("b3", "ben", 41, 50, "official", 3),
            claim("a4", "ana", 60, 70, "official", 2),
            claim("b4", "ben", 61, 70, "witness", 4),
        ]
    )

    assert [unit.differences for unit in units] == [
        {D.SOURCE_TYPE},
        {D.CONFIDENCE},
        {D.SPAN},
        {D.SPAN, D.SOURCE_TYPE, D.CONFIDENCE},
    ]
    assert not any(unit.full_agreement for unit in units)


def test_the_app_claim_record_groups_as_it_is() -> None:
    def app_claim(claim_id: str, who: str, start: int, end: int) -> Claim:
        return Claim(claim_id, "art", f"id-{who}", who, start, end, "q", "", "", "official", 4)

    units = group_units([app_claim("a", "ana", 0, 10), app_claim("b", "ben", 1, 10)])

    assert ids(units) == [("a", "b")]  # type: ignore[arg-type]
    assert units[0].differences == {D.SPAN}


def test_bad_input_is_refused() -> None:
    with pytest.raises(ValueError, match="empty span"):
        group_units([claim("a", "ana", 5, 5)])
    with pytest.raises(ValueError, match="not in"):
        group_units([claim("a", "ana", 0, 5)], annotators=["ben"])
    with pytest.raises(ValueError, match="twice"):
        group_units([], annotators=["ana", "ana"])


def test_iou() -> None:
    assert iou(0, 10, 0, 10) == 1.0
    assert iou(0, 10, 5, 15) == pytest.approx(5 / 15)
    assert iou(0, 10, 10, 20) == 0.0
    assert iou(0, 10, 30, 40) == 0.0


# ---------------------------------------------------------------------------------------- properties

NAMES = ("ana", "ben", "chen", "dara")


@st.composite
def claim_sets(draw: st.DrawFn) -> list[SpanClaim]:
    count = draw(st.integers(0, 30))
    made = []
    for number in range(count):
        start = draw(st.integers(0, 120))
        length = draw(st.integers(1, 40))
        made.append(
            SpanClaim(
                f"c{number}",
                draw(st.sampled_from(NAMES)),
                start,
                start + length,
                draw(st.sampled_from(["official", "expert"])),
                draw(st.integers(1, 3)),
            )
        )
    return made


def reference_units(claims: list[SpanClaim], threshold: float) -> list[tuple[str | None, ...]]:
    """The grouping rule written out naively: every pair, strongest link first, no annotator twice."""
    ratio = Fraction(threshold).limit_denominator(1_000_000)
    items = sorted(claims, key=lambda c: (c.start, c.end, c.annotator_name, c.id))
    links = []
    for i, a in enumerate(items):
        for j in range(i + 1, len(items)):
            b = items[j]
            inter = min(a.end, b.end) - max(a.start, b.start)
            union = max(a.end, b.end) - min(a.start, b.start)
            if a.annotator_name != b.annotator_name and inter > 0 and Fraction(inter, union) >= ratio:
                links.append((-inter / union, i, j))
    group = {i: {i} for i in range(len(items))}
    for _, i, j in sorted(links):
        if group[i] is group[j]:
            continue
        if {items[k].annotator_name for k in group[i]} & {items[k].annotator_name for k in group[j]}:
            continue
        merged = group[i] | group[j]
        for k in merged:
            group[k] = merged
    seen: list[frozenset[int]] = []
    for i in range(len(items)):
        members = frozenset(group[i])
        if members not in seen:
            seen.append(members)
    names = sorted({c.annotator_name for c in claims})
    result = []
    for members in seen:
        by_name = {items[k].annotator_name: items[k].id for k in members}
        result.append(tuple(by_name.get(name) for name in names))
    return result


@settings(max_examples=300, deadline=None)
@given(claim_sets(), st.sampled_from([0.5, 0.3, 0.75, 1.0]))
def test_grouping_matches_the_rule_written_out_naively(claims: list[SpanClaim], threshold: float) -> None:
    assert ids(group_units(claims, threshold=threshold)) == reference_units(claims, threshold)


@settings(max_examples=200, deadline=None)
@given(claim_sets(), st.randoms(use_true_random=False))
def test_grouping_does_not_depend_on_input_order(claims: list[SpanClaim], rng: random.Random) -> None:
    shuffled = list(claims)
    rng.shuffle(shuffled)

    assert ids(group_units(shuffled)) == ids(group_units(claims))


@settings(max_examples=200, deadline=None)
@given(claim_sets())
def test_every_claim_is_in_exactly_one_unit_at_most_one_per_annotator(claims: list[SpanClaim]) -> None:
    units = group_units(claims, annotators=NAMES)

    placed = [c for unit in units for c in unit.present]
    assert sorted(c.id for c in placed) == sorted(c.id for c in claims)
    for unit in units:
        assert all(
            c is None or c.annotator_name == name
            for name, c in zip(unit.annotators, unit.claims, strict=True)
        )
        assert (D.MISSING in unit.differences) == (len(unit.present) < len(NAMES))
