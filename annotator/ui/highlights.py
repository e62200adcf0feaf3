"""Claim highlights of the article view: which claims are shown, how they look, and their per-block formats.

Formats are computed lazily, one text block at a time, just before the view paints that block.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from itertools import islice, pairwise
from operator import attrgetter
from operator import le as _le
from operator import lt as _lt
from typing import NamedTuple

from PySide6.QtGui import QColor, QTextBlock, QTextCharFormat, QTextDocument, QTextLayout

from annotator.domain.records import Claim
from annotator.domain.spans import SpanIndex
from annotator.ui.positions import PositionMap

FALLBACK_COLOUR = "#999999"  # a claim whose type has no colour (say, a type deleted meanwhile) still shows

# How much of the type colour is mixed into the paper, by how strongly a stretch of text is claimed: one
# claim is a light wash, stacked claims a step deeper, the marked claim clearly stronger. Each is lightened
# further if needed so that the ink keeps a 7:1 contrast (WCAG AAA for body text). A fixed mix, rather than
# one aiming every type at the same lightness, keeps the Okabe-Ito blue and sky blue apart (their
# difference is mostly lightness: CIELAB distance 7.8 at 0.30 against 4.4 at equal lightness).
SINGLE_STRENGTH = 0.30
STACKED_STRENGTH = 0.40
MARKED_STRENGTH = 0.54
TEXT_CONTRAST = 7.0
# Underlines are drawn in the type colour, darkened towards the ink until they reach the 3:1 that WCAG asks
# of non-text marks: the Okabe-Ito yellow would otherwise vanish on white.
LINE_CONTRAST = 3.0

# Re-formatting this many blocks one by one costs more than forgetting every block's formats at once
# (which only makes the visible ones recompute, lazily).
_WHOLESALE_AFTER = 2_000

RGB = tuple[float, float, float]

_ID, _START, _END, _TYPE = (attrgetter(name) for name in ("id", "start", "end", "source_type_id"))
_ANNOTATOR = attrgetter("annotator_id")

UnderlineStyle = QTextCharFormat.UnderlineStyle
# While several annotators are shown, each colleague's claims are an underline in the type's colour and
# in a style of their own (the style says who, the colour says which type, so neither relies on hue
# alone); mine keep the wash. Dashed and solid stay out: they already mean "enclosed by another type"
# and "the marked claim". A fifth colleague shares the first one's style; the legend tells them apart.
COLLEAGUE_LINES = (
    UnderlineStyle.DotLine,
    UnderlineStyle.WaveUnderline,
    UnderlineStyle.DashDotLine,
    UnderlineStyle.DashDotDotLine,
)


class Lane(NamedTuple):
    """A colleague's line painted under the text (`ClaimHighlights.colleague_lanes`): block-relative
    UTF-16 range, lane number (1 is just under the format's own underline), style and colour."""

    qt_start: int
    qt_end: int
    lane: int
    style: QTextCharFormat.UnderlineStyle
    colour: QColor


# What a stretch of text looks like: (wash type or None, stacked?, marked?, line type or None, line style
# or None). Equal looks share one cached format, and neighbouring stretches one format range.
Look = tuple[str | None, bool, bool, str | None, UnderlineStyle | None]


class ClaimHighlights:
    """The claims shown over one document, and the lazily computed formats that paint them.

    Design (measured: extra selections are 30-70x slower, QSyntaxHighlighter re-processes every block, and
    char formats merged into the document bloat the undo stack and lose overlaps): spans live in a
    `SpanIndex`; each block's formats are set with `QTextLayout.setFormats` only when the view is about to
    paint that block and its formats are stale. Staleness is an epoch per block: changing one claim forgets
    the blocks its span touches, changing colours or hidden types bumps the epoch (O(1)), and blocks that
    are never scrolled into view are never formatted at all.

    Look: the innermost claim's type colour as a light background wash (a step deeper where claims stack);
    where an enclosing claim has a different type, a dashed underline in that type's colour; the marked
    claim a clearly stronger wash with a solid underline in its colour. Hidden types are not painted, nor
    the claims of annotators who are not shown. While several annotators are shown, a colleague's claim is
    no wash but an underline in its type's colour, in that colleague's style (`set_shown_annotators`);
    where colleagues' and my claims overlap, my wash and the innermost colleague's line are drawn together.
    """

    def __init__(self, document: QTextDocument, *, paper: str, ink: str) -> None:
        self._document = document
        self._paper = parse_colour(paper)
        self._ink = parse_colour(ink)
        self._positions = PositionMap("")
        self._spans = SpanIndex()
        self._types: dict[str, str] = {}
        self._colours: dict[str, str] = {}
        self._hidden: frozenset[str] = frozenset()
        # Claim id -> its annotator's id, mapped from the shown claims when first needed: an article is
        # mostly shown in one annotator's look, which never asks, and mapping 100,000 claims costs ~30 ms.
        self._annotator_map: dict[str, str] | None = {}
        self._unmapped: tuple[list[str], list[Claim]] = ([], [])  # (ids, claims) of the last reset
        self._unmapped_changes: dict[str, str] = {}  # claims upserted since, until the map is made
        self._shown_annotators: frozenset[str] | None = None  # None: everyone's claims
        self._lines: dict[str, UnderlineStyle] = {}  # colleague's annotator id -> their underline style
        self._marked: str | None = None
        self._epoch = 0
        self._formatted_in: dict[int, int] = {}  # block number -> epoch its formats were computed in
        self._with_formats: set[int] = set()  # blocks whose layout holds formats right now
        self._format_cache: dict[Look, QTextCharFormat] = {}
        self._lanes: dict[int, list[Lane]] = {}  # block number -> colleagues' lanes, made with its formats
        # Block number -> how many times its formats were computed; tests and benchmarks read it to prove
        # that one edit re-formats one block, not the article.
        self.format_count: Counter[int] = Counter()

    # -- what is shown ---------------------------------------------------------------------------------

    def reset(self, positions: PositionMap, claims: Iterable[Claim], type_colours: Mapping[str, str]) -> int:
        """Show `claims` over a document that now holds a new text (its blocks are all new).

        Returns how many claims were left out because their span does not fit the text.
        """
        length = positions.length
        claims = list(claims)
        # Column by column, in C: a Python loop over 100,000 claims is most of what opening an article costs.
        starts = list(map(_START, claims))
        ends = list(map(_END, claims))
        # Claims come by position as a rule: then the first start is the lowest, and the span index
        # need not check the order again.
        in_order = all(map(_le, starts, islice(starts, 1, None)))
        valid = claims
        if claims and not (
            (starts[0] if in_order else min(starts)) >= 0
            and max(ends) <= length
            and all(map(_lt, starts, ends))
        ):
            valid = [claim for claim in claims if 0 <= claim.start < claim.end <= length]  # order kept
            starts = list(map(_START, valid))
            ends = list(map(_END, valid))
        ids = list(map(_ID, valid))
        self._positions = positions
        self._types = dict(zip(ids, map(_TYPE, valid), strict=True))
        self._spans = SpanIndex.from_columns(
            ids, starts, ends, checked=True, in_order=in_order, distinct=len(self._types) == len(ids)
        )
        self._annotator_map, self._unmapped, self._unmapped_changes = None, (ids, valid), {}
        self._colours = dict(type_colours)
        self._format_cache.clear()
        self._marked = None
        self._formatted_in.clear()
        self._with_formats.clear()  # the old blocks, and their layouts, are gone with the old text
        self._lanes.clear()
        self.format_count.clear()
        self._epoch += 1
        return len(claims) - len(valid)

    def upsert(self, claim: Claim) -> list[range]:
        """Show a new or changed claim; returns the block ranges to repaint."""
        if not 0 <= claim.start < claim.end <= self._positions.length:
            return self.remove(claim.id)
        old_span = self._spans.get(claim.id)
        old_type = self._types.get(claim.id)
        if old_span == (claim.start, claim.end) and old_type == claim.source_type_id:
            return []
        self._spans.add(claim.id, claim.start, claim.end)
        self._types[claim.id] = claim.source_type_id
        if self._annotator_map is not None:
            self._annotator_map[claim.id] = claim.annotator_id
        else:
            self._unmapped_changes[claim.id] = claim.annotator_id
        changed = [self._forget(claim.start, claim.end)]
        if old_span is not None and old_span != (claim.start, claim.end):
            changed.append(self._forget(*old_span))
        return changed

    def remove(self, claim_id: str) -> list[range]:
        """Stop showing a claim; returns the block ranges to repaint."""
        span = self._spans.remove(claim_id)
        self._types.pop(claim_id, None)
        if self._annotator_map is not None:
            self._annotator_map.pop(claim_id, None)
        if self._marked == claim_id:
            self._marked = None
        return [] if span is None else [self._forget(*span)]

    def set_marked(self, claim_id: str | None) -> list[range]:
        """Give one claim (or none) the marked look; returns the block ranges to repaint."""
        if claim_id is not None and (claim_id not in self._spans or not self._annotator_shown(claim_id)):
            claim_id = None
        if claim_id == self._marked:
            return []
        changed = [
            self._forget(*span) for span in (self._span_of(self._marked), self._span_of(claim_id)) if span
        ]
        self._marked = claim_id
        return changed

    def set_type_colours(self, type_colours: Mapping[str, str]) -> bool:
        """Use new type colours; True when anything changed (then every block is stale)."""
        if dict(type_colours) == self._colours:
            return False
        self._colours = dict(type_colours)
        self._format_cache.clear()
        self._epoch += 1
        return True

    def set_hidden_types(self, type_ids: Iterable[str]) -> bool:
        """Stop painting claims of these types; True when anything changed (then every block is stale)."""
        hidden = frozenset(type_ids)
        if hidden == self._hidden:
            return False
        self._hidden = hidden
        self._epoch += 1
        return True

    def set_shown_annotators(
        self, shown: frozenset[str] | None, lines: Mapping[str, UnderlineStyle] | None = None
    ) -> bool:
        """Paint only the claims of the annotators in `shown` (None: everyone's); colleagues named in
        `lines` get that underline style instead of the wash. True when anything changed (then every block
        is stale)."""
        lines = dict(lines or {})
        if shown == self._shown_annotators and lines == self._lines:
            return False
        self._shown_annotators = shown
        self._lines = lines
        if self._marked is not None and not self._annotator_shown(self._marked):
            self._marked = None
        self._epoch += 1
        return True

    @property
    def shown_annotators(self) -> frozenset[str] | None:
        return self._shown_annotators

    def line_style_of(self, annotator_id: str) -> UnderlineStyle | None:
        """The underline style a colleague's claims are drawn in, or None when theirs are washes."""
        return self._lines.get(annotator_id)

    @property
    def marked(self) -> str | None:
        return self._marked

    @property
    def hidden_types(self) -> frozenset[str]:
        return self._hidden

    def span(self, claim_id: str) -> tuple[int, int] | None:
        """A claim's (start, end) in code points, or None when it is not shown."""
        return self._spans.get(claim_id) if self._annotator_shown(claim_id) else None

    def claim_ids_at(self, code_point: int) -> list[str]:
        """The visible claims containing a code point, innermost first (hidden types and annotators left
        out)."""
        hidden = self._hidden
        types = self._types
        found = [claim_id for claim_id, _, _ in self._spans.at(code_point) if types[claim_id] not in hidden]
        return found if self._shown_annotators is None else [c for c in found if self._annotator_shown(c)]

    def annotator_of(self, claim_id: str) -> str | None:
        return self._annotators.get(claim_id)

    @property
    def _annotators(self) -> dict[str, str]:
        if self._annotator_map is None:
            ids, claims = self._unmapped
            self._annotator_map = dict(zip(ids, map(_ANNOTATOR, claims), strict=True))
            self._annotator_map.update(self._unmapped_changes)
            self._unmapped, self._unmapped_changes = ([], []), {}
        return self._annotator_map

    def _annotator_shown(self, claim_id: str) -> bool:
        shown = self._shown_annotators
        return shown is None or self._annotators.get(claim_id) in shown

    def __len__(self) -> int:
        return len(self._spans)

    # -- painting --------------------------------------------------------------------------------------

    def is_stale(self, block: QTextBlock) -> bool:
        return self._formatted_in.get(block.blockNumber()) != self._epoch

    def ensure_formatted(self, block: QTextBlock) -> bool:
        """Give a block its current formats if they are stale; True when it had to be re-formatted.

        Call it before the block is laid out for painting: `setFormats` throws the block's lines away, and
        the view's document layout lays it out again on the next geometry query.
        """
        number = block.blockNumber()
        if self._formatted_in.get(number) == self._epoch:
            return False
        ranges = self.formats_for(block)
        lanes = self._lanes_for(block) if ranges and len(self._lines) > 1 else []
        if lanes:
            self._lanes[number] = lanes
        else:
            self._lanes.pop(number, None)
        if ranges or number in self._with_formats:
            block.layout().setFormats(ranges)
            if ranges:
                self._with_formats.add(number)
            else:
                self._with_formats.discard(number)
        self._formatted_in[number] = self._epoch
        self.format_count[number] += 1
        return True

    def _shown_in(self, block: QTextBlock) -> list[tuple[str, int, int, tuple[int, int, str]]]:
        """The visible claims over a block: (claim id, start and end clipped to the block, innermost-first
        sort key), sorted by clipped start."""
        qt_start = block.position()
        qt_length = block.length() - 1  # without the block separator
        if qt_length <= 0:
            return []
        positions = self._positions
        block_start = positions.to_code_point(qt_start)
        block_end = positions.to_code_point(qt_start + qt_length)
        hidden = self._hidden
        types = self._types
        shown = [
            (claim_id, max(start, block_start), min(end, block_end), (end - start, -start, claim_id))
            for claim_id, start, end in self._spans.overlapping(block_start, block_end)
            if types[claim_id] not in hidden
        ]
        if self._shown_annotators is not None:
            annotators, shown_annotators = self._annotators, self._shown_annotators
            shown = [span for span in shown if annotators[span[0]] in shown_annotators]
        return shown

    def formats_for(self, block: QTextBlock) -> list[QTextLayout.FormatRange]:
        """The format ranges (block-relative, in UTF-16 units) that paint the visible claims over a block."""
        shown = self._shown_in(block)
        if not shown:
            return []
        qt_start = block.position()
        positions = self._positions
        boundaries = sorted({point for _, start, end, _ in shown for point in (start, end)})
        ranges: list[QTextLayout.FormatRange] = []
        active: list[tuple[str, int, int, tuple[int, int, str]]] = []
        next_span = 0
        last_key = None
        for left, right in pairwise(boundaries):
            while next_span < len(shown) and shown[next_span][1] <= left:
                active.append(shown[next_span])
                next_span += 1
            active = [span for span in active if span[2] > left]
            if not active:
                last_key = None
                continue
            key = self._style_key(active)
            qt_left = positions.to_qt(left) - qt_start
            qt_right = positions.to_qt(right) - qt_start
            if key == last_key:
                ranges[-1].length = qt_right - ranges[-1].start  # same look continues: one longer range
                continue
            format_range = QTextLayout.FormatRange()
            format_range.start = qt_left
            format_range.length = qt_right - qt_left
            format_range.format = self._format(key)
            ranges.append(format_range)
            last_key = key
        return ranges

    @property
    def has_colleague_lanes(self) -> bool:
        """Whether any formatted block has lanes to paint (most often none: the paint then skips them)."""
        return bool(self._lanes)

    def colleague_lanes(self, block: QTextBlock) -> list[Lane]:
        """The colleagues' lines a char format cannot carry, to be painted under the text.

        A char format holds one underline: where several colleagues' claims cover the same words, the
        format draws one colleague's line (the marked claim's, else the innermost, see `_layered_key`), and
        each other colleague whose claim is there gets a lane of their own below it, numbered from 1 in
        the colleagues' order (their styles' order). Block-relative UTF-16 ranges; a lane that goes on
        unchanged is one range. Computed with the block's formats (`ensure_formatted`), as current.
        """
        return self._lanes.get(block.blockNumber(), [])

    def _lanes_for(self, block: QTextBlock) -> list[Lane]:
        lines = self._lines
        if len(lines) < 2:
            return []
        annotators = self._annotators
        shown = [span for span in self._shown_in(block) if annotators[span[0]] in lines]
        if len(shown) < 2:
            return []
        order = {annotator_id: number for number, annotator_id in enumerate(lines)}
        types, positions, qt_start = self._types, self._positions, block.position()
        boundaries = sorted({point for _, start, end, _ in shown for point in (start, end)})
        lanes: list[Lane] = []
        open_lanes: dict[tuple[int, str, str], int] = {}  # (lane, annotator, type) -> index in lanes
        active: list[tuple[str, int, int, tuple[int, int, str]]] = []
        next_span = 0
        for left, right in pairwise(boundaries):
            while next_span < len(shown) and shown[next_span][1] <= left:
                active.append(shown[next_span])
                next_span += 1
            active = [span for span in active if span[2] > left]
            if len(active) < 2:
                open_lanes = {}
                continue
            active.sort(key=lambda span: span[3])  # innermost first
            drawn = self._marked if any(s[0] == self._marked for s in active) else None
            drawn_by = annotators[drawn] if drawn is not None else None
            innermost: dict[str, str] = {}  # each colleague's innermost claim here
            for claim_id, *_ in active:
                innermost.setdefault(annotators[claim_id], claim_id)
            if drawn_by is None and innermost:
                drawn_by = next(iter(innermost))  # the innermost colleague's claim: the format's line
            others = sorted((a for a in innermost if a != drawn_by), key=order.__getitem__)
            qt_left = positions.to_qt(left) - qt_start
            qt_right = positions.to_qt(right) - qt_start
            still_open: dict[tuple[int, str, str], int] = {}
            for lane, annotator_id in enumerate(others, start=1):
                type_id = types[innermost[annotator_id]]
                key = (lane, annotator_id, type_id)
                index = open_lanes.get(key)
                if index is not None and lanes[index].qt_end == qt_left:
                    lanes[index] = lanes[index]._replace(qt_end=qt_right)
                else:
                    index = len(lanes)
                    colour = to_qcolor(line_colour(self._colour(type_id), paper=self._paper, ink=self._ink))
                    lanes.append(Lane(qt_left, qt_right, lane, lines[annotator_id], colour))
                still_open[key] = index
            open_lanes = still_open
        return lanes

    def _style_key(self, active: list[tuple[str, int, int, tuple[int, int, str]]]) -> Look:
        """The look of a stretch covered by the `active` claims."""
        types = self._types
        inner_first = sorted(active, key=lambda span: span[3])
        marked = self._marked
        marked_here = marked if marked is not None and any(s[0] == marked for s in active) else None
        if self._lines:
            return self._layered_key(inner_first, marked_here)
        inner_type = types[inner_first[0][0]]
        if marked_here is not None:
            return inner_type, len(active) > 1, True, types[marked_here], UnderlineStyle.SingleUnderline
        enclosing_type = next((types[s[0]] for s in inner_first[1:] if types[s[0]] != inner_type), None)
        return (
            inner_type,
            len(active) > 1,
            False,
            enclosing_type,
            UnderlineStyle.DashUnderline if enclosing_type is not None else None,
        )

    def _layered_key(
        self, inner_first: list[tuple[str, int, int, tuple[int, int, str]]], marked: str | None
    ) -> Look:
        """The look of a stretch while several annotators are shown: my claims wash as usual, the
        innermost colleague's claim draws its owner's line over that; a marked colleague's claim also gets
        the marked wash, so that the selection shows whoever made it."""
        types, annotators, lines = self._types, self._annotators, self._lines
        if marked is not None and annotators[marked] in lines:
            return types[marked], False, True, types[marked], lines[annotators[marked]]
        mine = [s[0] for s in inner_first if annotators[s[0]] not in lines]
        theirs = next((s[0] for s in inner_first if annotators[s[0]] in lines), None)
        wash_type = types[mine[0]] if mine else None
        if theirs is not None:
            line_type, line_style = types[theirs], lines[annotators[theirs]]
        elif marked is not None:
            line_type, line_style = types[marked], UnderlineStyle.SingleUnderline
        else:
            line_type = next((types[c] for c in mine[1:] if types[c] != wash_type), None)
            line_style = UnderlineStyle.DashUnderline if line_type is not None else None
        return wash_type, len(mine) > 1, marked is not None, line_type, line_style

    def wash_for(self, type_id: str, *, stacked: bool = False, marked: bool = False) -> QColor:
        """The background a stretch of text claimed by `type_id` gets; a legend can show the same swatch."""
        return to_qcolor(self._wash(type_id, stacked=stacked, marked=marked))

    def line_for(self, type_id: str, *, on: QColor) -> QColor:
        """The underline colour for `type_id` drawn over the background `on`."""
        return to_qcolor(
            line_colour(self._colour(type_id), paper=(on.redF(), on.greenF(), on.blueF()), ink=self._ink)
        )

    def _wash(self, type_id: str, *, stacked: bool, marked: bool) -> RGB:
        strength = MARKED_STRENGTH if marked else STACKED_STRENGTH if stacked else SINGLE_STRENGTH
        return wash_colour(self._colour(type_id), strength, paper=self._paper, ink=self._ink)

    def _format(self, key: Look) -> QTextCharFormat:
        cached = self._format_cache.get(key)
        if cached is not None:
            return cached
        wash_type, stacked, marked, line_type, line_style = key
        char_format = QTextCharFormat()
        wash = self._paper
        if wash_type is not None:
            wash = self._wash(wash_type, stacked=stacked, marked=marked)
            char_format.setBackground(to_qcolor(wash))
        if line_type is not None and line_style is not None:
            char_format.setUnderlineStyle(line_style)
            char_format.setUnderlineColor(
                to_qcolor(line_colour(self._colour(line_type), paper=wash, ink=self._ink))
            )
        self._format_cache[key] = char_format
        return char_format

    def _colour(self, type_id: str) -> RGB:
        return parse_colour(self._colours.get(type_id, FALLBACK_COLOUR))

    # -- staleness -------------------------------------------------------------------------------------

    def _span_of(self, claim_id: str | None) -> tuple[int, int] | None:
        return None if claim_id is None else self._spans.get(claim_id)

    def _forget(self, start: int, end: int) -> range:
        """Mark the blocks a span touches stale; returns their block numbers."""
        blocks = self.block_range(start, end)
        if len(blocks) > _WHOLESALE_AFTER:
            self._epoch += 1
        else:
            for number in blocks:
                self._formatted_in.pop(number, None)
        return blocks

    def block_range(self, start: int, end: int) -> range:
        """Numbers of the blocks that code points [start, end) touch."""
        positions = self._positions
        first = self._document.findBlock(positions.to_qt(start)).blockNumber()
        last = self._document.findBlock(positions.to_qt(max(start, end - 1))).blockNumber()
        return range(first, last + 1)


# -- colour arithmetic (sRGB in 0..1; WCAG 2 relative luminance and contrast) ---------------------------


def parse_colour(colour: str) -> RGB:
    """A "#RRGGBB" colour as sRGB channels in 0..1."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"colour {colour!r} is not #RRGGBB")
    return int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255


def to_qcolor(rgb: RGB) -> QColor:
    return QColor.fromRgbF(*rgb)


def _mix(a: RGB, b: RGB, amount: float) -> RGB:
    """`amount` of b mixed into a."""
    return (
        a[0] + (b[0] - a[0]) * amount,
        a[1] + (b[1] - a[1]) * amount,
        a[2] + (b[2] - a[2]) * amount,
    )


def luminance(rgb: RGB) -> float:
    def linear(channel: float) -> float:
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in rgb)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(a: RGB, b: RGB) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def wash_colour(colour: RGB, strength: float, *, paper: RGB, ink: RGB) -> RGB:
    """`colour` mixed into the paper at `strength`, lightened until the ink keeps TEXT_CONTRAST on it."""
    while strength > 0.02 and contrast(_mix(paper, colour, strength), ink) < TEXT_CONTRAST:
        strength -= 0.01
    return _mix(paper, colour, strength)


def line_colour(colour: RGB, *, paper: RGB, ink: RGB) -> RGB:
    """`colour`, darkened towards the ink until it stands out from `paper` at LINE_CONTRAST."""
    amount = 0.0
    while amount < 1.0 and contrast(_mix(colour, ink, amount), paper) < LINE_CONTRAST:
        amount += 0.05
    return _mix(colour, ink, min(amount, 1.0))
