"""The span index: which claims cover which code points of one article's text.

Pure Python; the article view asks it what to paint, the click handler what lies under the mouse.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from itertools import compress, islice, repeat
from operator import gt as _gt
from operator import le as _le
from operator import lt as _lt
from operator import sub as _sub

Span = tuple[str, int, int]  # (claim_id, start, end): code points, half-open


class SpanIndex:
    """An index of claim spans answering "which spans overlap [a, b)" in time proportional to the answer.

    Design: fixed-size buckets of code points (1024 by default). A span is registered in every bucket it
    touches, so a query only reads the buckets its range touches and filters them; add, remove and update
    touch only the span's own buckets, which is O(1) for the claim-sized spans (a sentence or a paragraph)
    that make up nearly all of them. The alternative, a start-sorted list with a bound on span length, needs
    O(n) list inserts per add (or a balanced tree we do not have in the standard library), and a single
    article-long span would make its length bound, and so every query, cover the whole text. Spans longer
    than `long_after` buckets go to a small side set that every query checks instead: a few huge spans then
    cost a little on each query rather than thousands of bucket entries on each add and remove.

    An index made `from_columns` of spans sorted by start (an article's claims as they are read) keeps
    them as they came, as a *base*: three columns a query reads by bisecting the starts, within the
    longest base span's reach. Registering 100,000 spans in buckets and a dict of them took a fifth of
    the time opening an article with 100,000 claims takes; the base costs a few passes in C. Edits go to
    the buckets as before; a base span that is moved or removed is *retired* from the base.
    """

    __slots__ = (
        "_base_ends",
        "_base_ids",
        "_base_long",
        "_base_reach",
        "_base_starts",
        "_base_where",
        "_buckets",
        "_long",
        "_long_after",
        "_retired",
        "_shift",
        "_spans",
    )

    def __init__(self, *, bucket_bits: int = 10, long_after: int = 32) -> None:
        if bucket_bits < 0 or long_after < 1:
            raise ValueError("bucket_bits must be >= 0 and long_after >= 1")
        self._shift = bucket_bits
        self._long_after = long_after
        self._spans: dict[str, tuple[int, int]] = {}  # the spans in buckets: added or moved since the base
        self._buckets: dict[int, set[str]] = {}
        self._long: set[str] = set()
        self._clear_base()

    def _clear_base(self) -> None:
        self._base_ids: Sequence[str] = ()
        self._base_starts: Sequence[int] = ()
        self._base_ends: Sequence[int] = ()
        self._base_reach = 0  # the longest base span's length, long ones apart
        self._base_long: list[int] = []  # places of base spans longer than `_long_after` buckets
        self._base_where: dict[str, int] | None = None  # claim id -> its place in the base, made when asked
        self._retired: set[str] = set()  # base spans moved (into the buckets) or removed since

    @classmethod
    def from_spans(cls, spans: Iterable[Span], *, bucket_bits: int = 10, long_after: int = 32) -> SpanIndex:
        """An index of `spans`; a claim id given twice keeps its last span."""
        index = cls(bucket_bits=bucket_bits, long_after=long_after)
        index._fill({claim_id: (start, end) for claim_id, start, end in spans})
        return index

    @classmethod
    def from_columns(
        cls,
        claim_ids: Sequence[str],
        starts: Sequence[int],
        ends: Sequence[int],
        *,
        bucket_bits: int = 10,
        long_after: int = 32,
        checked: bool = False,
        in_order: bool | None = None,
        distinct: bool | None = None,
    ) -> SpanIndex:
        """`from_spans` for spans given as three parallel columns, the i-th span being
        (claim_ids[i], starts[i], ends[i]); a claim id given twice keeps its last span. What the caller
        knows already need not be found out again (each is a pass over the columns): `checked`, that
        every span is 0 <= start < end; `in_order`, whether the starts are sorted; `distinct`, whether
        no claim id comes twice.

        The columns are zipped in C rather than unpacked tuple by tuple, which is what opening an article
        with 100,000 claims spends its time on otherwise.
        """
        if not len(claim_ids) == len(starts) == len(ends):
            raise ValueError("claim_ids, starts and ends must be equally long")
        index = cls(bucket_bits=bucket_bits, long_after=long_after)
        # Every given span valid (the common case, checked in C) means every kept one is: skip the slow check.
        valid = checked or not starts or (min(starts) >= 0 and all(map(_lt, starts, ends)))
        if in_order is None:
            in_order = all(map(_le, starts, islice(starts, 1, None)))
        if valid and in_order and (distinct or (distinct is None and len(set(claim_ids)) == len(claim_ids))):
            index._set_base(list(claim_ids), list(starts), list(ends))
            return index
        index._fill(dict(zip(claim_ids, zip(starts, ends, strict=True), strict=True)), checked=valid)
        return index

    def _set_base(self, claim_ids: list[str], starts: list[int], ends: list[int]) -> None:
        """Take valid spans of distinct claims, sorted by start, as this empty index's base."""
        self._base_ids, self._base_starts, self._base_ends = claim_ids, starts, ends
        longest = self._long_after << self._shift
        self._base_reach = max(map(_sub, ends, starts), default=0)
        if self._base_reach <= longest:  # no long span: the common case, one pass
            return
        lengths = list(map(_sub, ends, starts))
        self._base_long = list(compress(range(len(lengths)), map(_gt, lengths, repeat(longest))))
        for place in self._base_long:
            lengths[place] = 0
        self._base_reach = max(lengths)

    def _base_place(self, claim_id: str) -> int | None:
        """Where a claim's span is in the base, if it is there and not retired."""
        if not self._base_ids or claim_id in self._retired:
            return None
        if self._base_where is None:
            self._base_where = dict(zip(self._base_ids, range(len(self._base_ids)), strict=True))
        return self._base_where.get(claim_id)

    def _base_overlapping(self, a: int, b: int) -> Iterator[Span]:
        """The live base spans sharing a code point with [a, b), in no particular order."""
        ids, starts, ends, retired = self._base_ids, self._base_starts, self._base_ends, self._retired
        low = bisect_left(starts, a - self._base_reach + 1)
        high = bisect_left(starts, b, low)
        for place in range(low, high):
            if ends[place] > a:
                claim_id = ids[place]
                if claim_id not in retired:
                    yield claim_id, starts[place], ends[place]
        # Long spans starting before the scanned places reach further than `_base_reach`.
        for place in self._base_long:
            if place < low and ends[place] > a and ids[place] not in retired:
                yield ids[place], starts[place], ends[place]

    def _fill(self, store: dict[str, tuple[int, int]], *, checked: bool = False) -> None:
        """Take `store` (claim id -> span) as the spans of this empty index and register them."""
        if not checked and not all(0 <= start < end for start, end in store.values()):
            claim_id, (start, end) = next((c, se) for c, se in store.items() if not 0 <= se[0] < se[1])
            raise ValueError(f"span of claim {claim_id!r} is not 0 <= start < end: ({start}, {end})")
        self._spans = store
        # One pass over the final spans, with the single-bucket case (nearly all claims) inlined: this is
        # what keeps opening an article with 100,000 claims well under a tenth of a second.
        shift = self._shift
        buckets = self._buckets
        get = buckets.get
        long_after = self._long_after
        long_spans = self._long
        for claim_id, (start, end) in store.items():
            first = start >> shift
            last = (end - 1) >> shift
            if first == last:
                bucket = get(first)
                if bucket is None:
                    buckets[first] = {claim_id}
                else:
                    bucket.add(claim_id)
            elif last - first >= long_after:
                long_spans.add(claim_id)
            else:
                for key in range(first, last + 1):
                    bucket = get(key)
                    if bucket is None:
                        buckets[key] = {claim_id}
                    else:
                        bucket.add(claim_id)

    def __len__(self) -> int:
        # A retired base span is either gone or among the bucketed ones.
        return len(self._spans) + len(self._base_ids) - len(self._retired)

    def __contains__(self, claim_id: object) -> bool:
        return isinstance(claim_id, str) and self.get(claim_id) is not None

    def __iter__(self) -> Iterator[Span]:
        """Every span, in no particular order."""
        retired = self._retired
        for claim_id, start, end in zip(self._base_ids, self._base_starts, self._base_ends, strict=True):
            if claim_id not in retired:
                yield claim_id, start, end
        for claim_id, (start, end) in self._spans.items():
            yield claim_id, start, end

    def clear(self) -> None:
        self._spans.clear()
        self._buckets.clear()
        self._long.clear()
        self._clear_base()

    def get(self, claim_id: str) -> tuple[int, int] | None:
        """The (start, end) of a claim, or None when it is not in the index."""
        span = self._spans.get(claim_id)
        if span is not None:
            return span
        place = self._base_place(claim_id)
        return None if place is None else (self._base_starts[place], self._base_ends[place])

    def add(self, claim_id: str, start: int, end: int) -> None:
        """Add a span, or move it if the claim is already in the index."""
        if not 0 <= start < end:
            raise ValueError(f"span of claim {claim_id!r} is not 0 <= start < end: ({start}, {end})")
        old = self._spans.get(claim_id)
        if old is not None:
            if old == (start, end):
                return
            self._unregister(claim_id, *old)
        else:
            place = self._base_place(claim_id)
            if place is not None:
                if (self._base_starts[place], self._base_ends[place]) == (start, end):
                    return
                self._retired.add(claim_id)  # it lives in the buckets from now on
        self._spans[claim_id] = (start, end)
        self._register(claim_id, start, end)

    def remove(self, claim_id: str) -> tuple[int, int] | None:
        """Remove a claim's span; returns the span it had, or None when the claim was not in the index."""
        old = self._spans.pop(claim_id, None)
        if old is not None:
            self._unregister(claim_id, *old)
            return old
        place = self._base_place(claim_id)
        if place is None:
            return None
        self._retired.add(claim_id)
        return self._base_starts[place], self._base_ends[place]

    def overlapping(self, a: int, b: int) -> list[Span]:
        """The spans sharing at least one code point with [a, b), sorted by (start, -end, claim_id)."""
        if b <= a:
            return []
        spans = self._spans
        result = [
            (claim_id, start, end)
            for claim_id in self._candidates(a, b)
            for start, end in (spans[claim_id],)
            if start < b and end > a
        ]
        if self._base_ids:
            result.extend(self._base_overlapping(a, b))
        result.sort(key=_outer_first)
        return result

    def at(self, pos: int) -> list[Span]:
        """The spans containing code point `pos`, innermost (shortest) first.

        Among equally long spans the one starting later comes first, then by claim id, so the order is total.
        """
        if pos < 0:
            return []
        spans = self._spans
        result = [
            (claim_id, start, end)
            for claim_id in self._candidates(pos, pos + 1)
            for start, end in (spans[claim_id],)
            if start <= pos < end
        ]
        if self._base_ids:
            result.extend(self._base_overlapping(pos, pos + 1))
        result.sort(key=_inner_first)
        return result

    def _candidates(self, a: int, b: int) -> set[str]:
        first = a >> self._shift
        last = (b - 1) >> self._shift
        buckets = self._buckets
        found: set[str] = set(self._long)
        if last - first + 1 > len(buckets):
            # A query wider than the populated buckets (say, the whole text): walk what exists instead.
            for key, bucket in buckets.items():
                if first <= key <= last:
                    found.update(bucket)
        else:
            for key in range(first, last + 1):
                cell = buckets.get(key)
                if cell:
                    found.update(cell)
        return found

    def _bucket_range(self, start: int, end: int) -> range | None:
        """The buckets a span is registered in, or None when it is long enough to live in the side set."""
        first = start >> self._shift
        last = (end - 1) >> self._shift
        if last - first >= self._long_after:
            return None
        return range(first, last + 1)

    def _register(self, claim_id: str, start: int, end: int) -> None:
        keys = self._bucket_range(start, end)
        if keys is None:
            self._long.add(claim_id)
            return
        buckets = self._buckets
        for key in keys:
            bucket = buckets.get(key)
            if bucket is None:
                buckets[key] = {claim_id}
            else:
                bucket.add(claim_id)

    def _unregister(self, claim_id: str, start: int, end: int) -> None:
        keys = self._bucket_range(start, end)
        if keys is None:
            self._long.discard(claim_id)
            return
        buckets = self._buckets
        for key in keys:
            bucket = buckets[key]
            bucket.discard(claim_id)
            if not bucket:
                # Empty buckets would only slow down whole-text queries and hold memory.
                del buckets[key]


def _outer_first(span: Span) -> tuple[int, int, str]:
    return (span[1], -span[2], span[0])


def _inner_first(span: Span) -> tuple[int, int, str]:
    return (span[2] - span[1], -span[1], span[0])
