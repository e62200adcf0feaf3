"""The span index agrees with a brute-force list of spans, whatever the order of edits."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from annotator.domain.spans import SpanIndex

TEXT_LENGTH = 400
CLAIM_IDS = st.sampled_from([f"c{i}" for i in range(12)])


@st.composite
def spans(draw: st.DrawFn) -> tuple[int, int]:
    start = draw(st.integers(0, TEXT_LENGTH - 1))
    # Mostly short spans, sometimes long ones that land in the index's side set for long spans.
    length = draw(st.one_of(st.integers(1, 20), st.integers(1, TEXT_LENGTH)))
    return start, min(TEXT_LENGTH, start + length)


def brute_overlapping(model: dict[str, tuple[int, int]], a: int, b: int) -> list[tuple[str, int, int]]:
    if b <= a:
        return []  # an empty range shares no code point with anything
    found = [(cid, s, e) for cid, (s, e) in model.items() if s < b and e > a]
    return sorted(found, key=lambda t: (t[1], -t[2], t[0]))


def brute_at(model: dict[str, tuple[int, int]], pos: int) -> list[tuple[str, int, int]]:
    found = [(cid, s, e) for cid, (s, e) in model.items() if s <= pos < e]
    return sorted(found, key=lambda t: (t[2] - t[1], -t[1], t[0]))


class SpanIndexMachine(RuleBasedStateMachine):
    """Random adds, moves and removals; every query must match the brute-force answer."""

    def __init__(self) -> None:
        super().__init__()
        # Tiny buckets, so spans cross buckets and long ones take the side path, as they would at scale.
        self.index = SpanIndex(bucket_bits=3, long_after=4)
        self.model: dict[str, tuple[int, int]] = {}

    @rule(claim_id=CLAIM_IDS, span=spans())
    def add(self, claim_id: str, span: tuple[int, int]) -> None:
        self.index.add(claim_id, *span)
        self.model[claim_id] = span

    @rule(claim_id=CLAIM_IDS)
    def remove(self, claim_id: str) -> None:
        assert self.index.remove(claim_id) == self.model.pop(claim_id, None)

    @precondition(lambda self: len(self.model) > 3)
    @rule()
    def clear(self) -> None:
        self.index.clear()
        self.model.clear()

    @rule(a=st.integers(-5, TEXT_LENGTH + 5), width=st.integers(-3, TEXT_LENGTH))
    def overlapping(self, a: int, width: int) -> None:
        assert self.index.overlapping(a, a + width) == brute_overlapping(self.model, a, a + width)

    @rule(pos=st.integers(-2, TEXT_LENGTH + 2))
    def at(self, pos: int) -> None:
        assert self.index.at(pos) == brute_at(self.model, pos)

    @invariant()
    def same_contents(self) -> None:
        assert len(self.index) == len(self.model)
        assert sorted(self.index) == sorted((cid, s, e) for cid, (s, e) in self.model.items())
        for claim_id in ("c0", "c5"):
            assert self.index.get(claim_id) == self.model.get(claim_id)
            assert (claim_id in self.index) == (claim_id in self.model)


TestSpanIndexMachine = SpanIndexMachine.TestCase
TestSpanIndexMachine.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)


class BaseSpanIndexMachine(SpanIndexMachine):
    """The same edits and queries on an index that starts from start-sorted columns (an article's claims
    as read): its base, which edits retire span by span into the buckets."""

    @initialize(
        items=st.dictionaries(CLAIM_IDS, spans(), max_size=12),
        bucket_bits=st.integers(0, 4),
        long_after=st.integers(1, 4),
    )
    def start_from_columns(self, items: dict[str, tuple[int, int]], bucket_bits: int, long_after: int) -> None:
        ordered = sorted(items.items(), key=lambda item: item[1][0])
        self.index = SpanIndex.from_columns(
            [cid for cid, _ in ordered],
            [s for _, (s, _) in ordered],
            [e for _, (_, e) in ordered],
            bucket_bits=bucket_bits,
            long_after=long_after,
        )
        self.model = dict(items)


TestBaseSpanIndexMachine = BaseSpanIndexMachine.TestCase
TestBaseSpanIndexMachine.settings = settings(max_examples=300, stateful_step_count=40, deadline=None)


@settings(max_examples=100, deadline=None)
@given(
    items=st.lists(st.tuples(CLAIM_IDS, spans()), max_size=30),
    queries=st.lists(st.tuples(st.integers(0, TEXT_LENGTH), st.integers(0, TEXT_LENGTH)), max_size=10),
    bucket_bits=st.integers(0, 10),
)
def test_from_spans_matches_adding_one_by_one(
    items: list[tuple[str, tuple[int, int]]], queries: list[tuple[int, int]], bucket_bits: int
) -> None:
    bulk = SpanIndex.from_spans(((cid, s, e) for cid, (s, e) in items), bucket_bits=bucket_bits, long_after=3)
    model = dict(items)  # the last span given for an id wins
    assert len(bulk) == len(model)
    for a, b in queries:
        assert bulk.overlapping(a, b) == brute_overlapping(model, a, b)
        assert bulk.at(a) == brute_at(model, a)
    # The bulk-built index must stay editable: removing everything leaves no trace in any bucket.
    for cid in model:
        bulk.remove(cid)
    assert len(bulk) == 0
    assert bulk.overlapping(0, TEXT_LENGTH) == []


def test_nested_and_crossing_spans_are_ordered_for_painting_and_clicking() -> None:
    index = SpanIndex.from_spans([("outer", 0, 50), ("inner", 10, 20), ("cross", 15, 30), ("late", 40, 45)])
    assert [cid for cid, _, _ in index.overlapping(12, 42)] == ["outer", "inner", "cross", "late"]
    assert [cid for cid, _, _ in index.at(17)] == ["inner", "cross", "outer"]
    assert index.at(50) == []  # end is exclusive
    assert index.overlapping(20, 20) == []  # an empty range overlaps nothing


def test_moving_a_span_keeps_one_entry() -> None:
    index = SpanIndex()
    index.add("a", 0, 10)
    index.add("a", 5_000, 5_010)
    assert len(index) == 1
    assert index.overlapping(0, 100) == []
    assert index.at(5_005) == [("a", 5_000, 5_010)]


def test_a_span_as_long_as_the_article_is_found_everywhere() -> None:
    index = SpanIndex.from_spans([("whole", 0, 5_000_000), ("small", 1_000, 1_100)])
    assert [cid for cid, _, _ in index.at(4_999_999)] == ["whole"]
    assert [cid for cid, _, _ in index.at(1_050)] == ["small", "whole"]
    index.remove("whole")
    assert index.at(4_999_999) == []


@pytest.mark.parametrize("bad", [(5, 5), (6, 5), (-1, 3)])
def test_empty_reversed_or_negative_spans_are_refused(bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError):
        SpanIndex().add("x", *bad)
    with pytest.raises(ValueError):
        SpanIndex.from_spans([("x", *bad)])


def test_removing_an_unknown_claim_is_harmless() -> None:
    assert SpanIndex().remove("nobody") is None


def test_from_columns_matches_from_spans() -> None:
    ids = ["a", "b", "c", "a", "long"]
    starts = [0, 1000, 2040, 5, 10]
    ends = [10, 3000, 2050, 15, 900_000]
    columns = SpanIndex.from_columns(ids, starts, ends, bucket_bits=10, long_after=8)
    spans = SpanIndex.from_spans(zip(ids, starts, ends, strict=True), bucket_bits=10, long_after=8)
    assert (
        sorted(columns)
        == sorted(spans)
        == [("a", 5, 15), ("b", 1000, 3000), ("c", 2040, 2050), ("long", 10, 900_000)]
    )
    for a, b in ((0, 1), (0, 10_000), (2045, 2046), (500_000, 500_001)):
        assert columns.overlapping(a, b) == spans.overlapping(a, b)
    columns.remove("b")
    assert columns.at(1500) == [("long", 10, 900_000)]


def test_from_columns_checks_only_the_spans_it_keeps() -> None:
    # A claim id given twice keeps its last span, as with from_spans: an earlier bad one is not an error.
    index = SpanIndex.from_columns(["x", "x"], [5, 1], [5, 2])
    assert index.get("x") == (1, 2)
    with pytest.raises(ValueError, match="'y'"):
        SpanIndex.from_columns(["x", "y"], [1, 3], [2, 3])
    with pytest.raises(ValueError):
        SpanIndex.from_columns(["x"], [1, 2], [3])


@pytest.mark.parametrize("in_order", [None, True, False])
@pytest.mark.parametrize("distinct", [None, True, False])
def test_what_the_caller_vouches_for_leaves_the_answers_alone(in_order, distinct) -> None:
    ids, starts, ends = ["a", "b", "c", "d"], [0, 5, 5, 40], [10, 9, 100_000, 45]
    index = SpanIndex.from_columns(
        ids, starts, ends, bucket_bits=4, long_after=4, in_order=in_order, distinct=distinct
    )
    assert sorted(index) == sorted(zip(ids, starts, ends, strict=True))
    assert index.overlapping(6, 8) == [("a", 0, 10), ("c", 5, 100_000), ("b", 5, 9)]
    assert index.at(42) == [("d", 40, 45), ("c", 5, 100_000)]
    index.remove("c")
    assert index.at(42) == [("d", 40, 45)]
