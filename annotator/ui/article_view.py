"""The article reading view: read-only, keyboard-selectable article text with its claims highlighted.

It owns typography and the user's gestures on the text; what the highlights look like is `highlights`' job.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QResizeEvent,
    QTextBlock,
    QTextCursor,
    QTextDocument,
    QTextLine,
)
from PySide6.QtWidgets import QApplication, QFrame, QPlainTextDocumentLayout, QPlainTextEdit, QWidget

from annotator.domain.records import Claim
from annotator.domain.text import invisible_characters
from annotator.ui.colleague_lanes import paint_lanes
from annotator.ui.highlights import ClaimHighlights
from annotator.ui.positions import PositionMap, code_point_at, cursor_for_span, selected_span

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent

log = logging.getLogger(__name__)

PAPER = "#FBFAF7"  # very light warm grey: softer than white for long reading
INK = "#2B2B2B"  # dark grey rather than black, for the same reason
# The selection is painted by the view as a translucent tint with a thin outline, over the highlights: Qt's
# own selection drops every format background under it, which would hide the claims there (and the marked
# claim, which mark_claim selects). The outline tells a selection apart from a claim of a blue type.
SELECTION_FILL = QColor(25, 35, 60, 24)  # a cool shade: darkens what is under it without changing its hue
# Opaque, as the translucent (40, 90, 170, 190) it replaces looked on paper: Qt's raster engine strokes a
# translucent outline pixel by pixel, 3 ms of every paint of the article while text is selected.
SELECTION_EDGE = QColor(94, 131, 190)
INVISIBLE_MARK = QColor("#C0399A")  # a magenta no source type uses: marks bidi and zero-width characters
# Strong right-to-left characters (Hebrew, Arabic, Syriac, Thaana, NKo, ..., and their presentation forms):
# a line without any is laid out left to right in one run, so its selection is one rectangle.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff\U0001e800-\U0001efff]")
FONT_FAMILIES = ["Noto Serif", "DejaVu Serif", "Georgia", "Times New Roman"]
POINT_SIZE = 12.5
LINE_SPACING = 1.45  # line pitch as a multiple of the font's natural line height
PARAGRAPH_GAP = 0.55  # extra space after each paragraph, in natural line heights
COLUMN_CHARACTERS = 72  # a comfortable measure; about 36 em in a book serif
# Sample for measuring the column: an average-looking English line, so the column holds ~72 characters.
_MEASURE_SAMPLE = "The attack struck the airbase in western Iraq, the official said, adding t"


class _ReadingLayout(QPlainTextDocumentLayout):
    """A plain-text layout with book-like line spacing, a gap after each paragraph, and RTL paragraphs
    aligned right.

    QPlainTextDocumentLayout ignores QTextBlockFormat.lineHeight, block margins and per-block alignment (its
    layoutBlock stacks lines at their natural height with the document's one text option; checked against
    Qt 6 qplaintextedit.cpp and by rendering). It does order each paragraph by its own direction, but leaves
    right-to-left ones flush left. Everything that needs a block's geometry - painting, hit testing, the
    caret, scrolling - asks the virtual blockBoundingRect first, so that is where freshly laid-out lines
    are moved into place.
    """

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        # Block number -> (its first line's y, its line count, its bounding rect as x, y, width, height), as
        # last computed.
        # Qt asks for a block's rect a hundred-odd times per edit and repaint; a rect only changes when Qt
        # lays the block out afresh (new text, formats, width or margin), which puts its first line back at
        # y 0, below the y the spread gave it: the first line's y is how a cached rect is known to be stale.
        self._rects: dict[int, tuple[float, int, tuple[float, float, float, float]]] = {}
        document.contentsChange.connect(self._forget_rects)  # blocks renumbered or gone: forget them all

    def _forget_rects(self, *_: object) -> None:
        self._rects.clear()

    def blockBoundingRect(self, block: QTextBlock) -> QRectF:
        number = block.blockNumber()
        cached = self._rects.get(number)
        if cached is not None:
            layout = block.layout()
            count = layout.lineCount()
            if count and count == cached[1] and block.isVisible() and layout.lineAt(0).y() == cached[0]:
                return QRectF(*cached[2])
        rect = super().blockBoundingRect(block)  # lays the block out if it has no lines
        layout = block.layout()
        count = layout.lineCount()
        if count == 0 or not block.isVisible():
            self._rects.pop(number, None)
            return rect
        first = layout.lineAt(0)
        if first.y() + 0.02 < _half_extra(first):
            # Fresh lines from Qt sit at their natural pitch: spread them, half the extra above each line.
            right_to_left = block.textDirection() == Qt.LayoutDirection.RightToLeft
            y = 0.0
            for number_in_block in range(count):
                line = layout.lineAt(number_in_block)
                extra = 2 * _half_extra(line)
                x = line.x()
                if right_to_left:
                    x += max(0.0, line.width() - line.horizontalAdvance())
                line.setPosition(QPointF(x, y + extra / 2))
                y += line.height() + extra
            if right_to_left:
                rect = super().blockBoundingRect(block)  # moved lines can widen it: as every later call sees
        last = layout.lineAt(count - 1)
        bottom = last.y() + last.height() + _half_extra(last)
        if block.next().isValid():
            bottom += PARAGRAPH_GAP * first.height()
        else:
            bottom += self.document().documentMargin()
        geometry = (rect.x(), rect.y(), rect.width(), bottom)
        self._rects[number] = (first.y(), count, geometry)
        return QRectF(*geometry)


def _half_extra(line: QTextLine) -> float:
    return (LINE_SPACING - 1) * line.height() / 2


def reading_font() -> QFont:
    font = QFont()
    font.setFamilies(FONT_FAMILIES)
    font.setStyleHint(QFont.StyleHint.Serif)
    font.setPointSizeF(POINT_SIZE)
    return font


class ArticleView(QPlainTextEdit):
    """Shows one article's canonical text, read-only, with its claims highlighted.

    Offsets in and out are code points into the text given to `show_article`; Qt positions never leave.
    """

    sig_claim_clicked = Signal(str)  # the user clicked a highlighted character: this claim (cycles on repeat)
    sig_caret_moved = Signal(int)  # a key moved the caret, selecting nothing: to this code point
    sig_escape_pressed = Signal()  # Escape, after it dropped any text selection

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # The order in which clicks on a stack of claims reach them (default: innermost first); the
        # controller puts my own claims first.
        self.claim_order: Callable[[list[str]], list[str]] | None = None
        document = QTextDocument(self)
        self._layout = _ReadingLayout(document)  # owned by the document, its parent
        document.setDocumentLayout(self._layout)
        self.setDocument(document)
        document.setUndoRedoEnabled(False)  # nothing is ever edited; undo would only hold a copy of the text

        # setReadOnly resets the interaction flags, so it comes first.
        self.setReadOnly(True)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self.setTabChangesFocus(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.WidgetWidth)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFont(reading_font())
        self._apply_palette()

        self._text = ""
        self._positions = PositionMap("")
        self.highlights = ClaimHighlights(document, paper=PAPER, ink=INK)
        self._press_pos: QPoint | None = None
        self._last_click: tuple[tuple[str, ...], str] | None = (
            None  # (claims under the click, the one emitted)
        )
        self.verticalScrollBar().rangeChanged.connect(self._update_column)
        self._show_invisibles = False
        self._invisible_font = QFont(self.font())
        self._invisible_font.setPointSizeF(6.5)

    # -- public API ------------------------------------------------------------------------------------

    def show_article(self, text: str, claims: Iterable[Claim], type_colours: Mapping[str, str]) -> None:
        """Replace everything: the text (plain text, never HTML) and its claims; caret at the start."""
        self._text = text
        self._positions = PositionMap(text)
        self._last_click = None
        self.setPlainText(text)
        dropped = self.highlights.reset(self._positions, claims, type_colours)
        if dropped:
            log.warning("%d claims lie outside the article text and are not shown", dropped)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.verticalScrollBar().setValue(0)
        self._update_column()
        self.viewport().update()

    def text(self) -> str:
        """The stored canonical text (not toPlainText(), which turns no-break spaces into spaces)."""
        return self._text

    @property
    def position_map(self) -> PositionMap:
        return self._positions

    def set_type_colours(self, type_colours: Mapping[str, str]) -> None:
        if self.highlights.set_type_colours(type_colours):
            self.viewport().update()

    def set_hidden_types(self, type_ids: set[str]) -> None:
        if self.highlights.set_hidden_types(type_ids):
            self.viewport().update()

    def upsert_claim(self, claim: Claim) -> None:
        if not 0 <= claim.start < claim.end <= self._positions.length:
            log.warning("claim %s (%d..%d) lies outside the article text", claim.id, claim.start, claim.end)
        self._repaint_blocks(self.highlights.upsert(claim))

    def remove_claim(self, claim_id: str) -> None:
        self._repaint_blocks(self.highlights.remove(claim_id))

    def mark_claim(self, claim_id: str | None, *, select_text: bool = True) -> None:
        """Give a claim the marked look, select its text and scroll it into view; None unmarks.

        Without `select_text` the caret and the view stay as they are (the caret is in the claim)."""
        self._repaint_blocks(self.highlights.set_marked(claim_id))
        span = self.highlights.span(claim_id) if claim_id is not None and select_text else None
        if span is not None:
            self.select_span(*span)

    def marked_claim(self) -> str | None:
        return self.highlights.marked

    def selected_span(self) -> tuple[int, int] | None:
        """The selection in code points, or None when nothing is selected."""
        return selected_span(self.textCursor(), self._positions)

    def select_span(self, start: int, end: int) -> None:
        """Select code points [start, end), caret at the end, and scroll the span into view."""
        cursor = cursor_for_span(self.document(), self._positions, start, end)
        self.setTextCursor(cursor)  # scrolls just enough to show the caret, at the span's end
        self._scroll_into_view(cursor.selectionStart(), cursor.selectionEnd())

    def claim_ids_at(self, code_point: int) -> list[str]:
        """The visible claims containing a code point, innermost first."""
        return self.highlights.claim_ids_at(code_point)

    def format_visible_blocks(self, area: QRectF | None = None) -> int:
        """Bring up to date the formats of the blocks from the top of the view down to `area`'s bottom
        (viewport coordinates; the whole viewport by default).

        Returns how many blocks were re-formatted. paintEvent calls it; tests may call it directly.
        """
        return self._format_and_place(self.viewport().height() if area is None else area.bottom())[0]

    def _format_and_place(self, bottom: float) -> tuple[int, list[tuple[QTextBlock, float]]]:
        """Format the shown blocks from the top of the view down to `bottom` (format_visible_blocks);
        returns how many were re-formatted, and each shown block with the y of its top in the viewport."""
        block = self.firstVisibleBlock()
        top = self.contentOffset().y()
        formatted = 0
        placed: list[tuple[QTextBlock, float]] = []
        while block.isValid() and top <= bottom:
            if block.isVisible():
                # Format before asking for the geometry: setFormats drops the block's lines, and the
                # geometry query lays it out again, once.
                formatted += self.highlights.ensure_formatted(block)
                placed.append((block, top))
                top += self.blockBoundingRect(block).height()
            block = block.next()
        return formatted, placed

    # -- Qt overrides ----------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        # One walk down the blocks for everything painted over Qt's text: each used to walk (and ask
        # every block's geometry) again.
        _formatted, placed = self._format_and_place(QRectF(event.rect()).bottom())
        super().paintEvent(event)
        self._paint_colleague_lanes(placed)
        self._paint_selection(placed)
        if self._show_invisibles:
            self._paint_invisibles(placed)

    def _paint_colleague_lanes(self, placed: list[tuple[QTextBlock, float]]) -> None:
        """Colleagues' lines that the formats cannot carry, under the text (see `colleague_lanes`)."""
        if not self.highlights.has_colleague_lanes:
            return
        painter: QPainter | None = None
        left = self.contentOffset().x()
        for block, top in placed:
            lanes = self.highlights.colleague_lanes(block)
            if lanes:
                if painter is None:
                    painter = QPainter(self.viewport())
                    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
                paint_lanes(painter, block.layout(), QPointF(left, top), lanes, self._metrics())
        if painter is not None:
            painter.end()

    def _metrics(self) -> QFontMetricsF:
        return QFontMetricsF(self.document().defaultFont())

    # -- invisible characters ---------------------------------------------------------------------

    def set_show_invisibles(self, show: bool) -> None:
        """Mark bidi controls and zero-width characters where they sit (they are never removed)."""
        self._show_invisibles = show
        self.viewport().update()

    def invisibles(self) -> list[tuple[int, str]]:
        """The invisible formatting characters of the shown text: (code point, short name)."""
        return invisible_characters(self._text)

    def _paint_invisibles(self, placed: list[tuple[QTextBlock, float]]) -> None:
        painter: QPainter | None = None
        left = self.contentOffset().x()
        for block, top in placed:
            found = invisible_characters(block.text())
            if found:
                if painter is None:
                    painter = QPainter(self.viewport())
                    painter.setFont(self._invisible_font)
                layout = block.layout()
                for index, name in found:
                    line = layout.lineForTextPosition(index)
                    if not line.isValid():
                        continue
                    x = left + line.cursorToX(index)[0]
                    y = top + line.y()
                    # A bar where the character sits, its name in the gap above the line.
                    painter.fillRect(QRectF(x - 1, y, 2, line.height()), INVISIBLE_MARK)
                    painter.setPen(INVISIBLE_MARK)
                    painter.drawText(QPointF(x + 2, y + 1), name)
        if painter is not None:
            painter.end()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_column()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            cursor = self.textCursor()
            if cursor.hasSelection():
                cursor.clearSelection()
                self.setTextCursor(cursor)
            self.sig_escape_pressed.emit()
            event.accept()
            return
        before = self.textCursor().position()
        super().keyPressEvent(event)
        cursor = self.textCursor()
        if not cursor.hasSelection() and cursor.position() != before:
            self.sig_caret_moved.emit(code_point_at(cursor, self._positions))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        plain_left = event.button() == Qt.MouseButton.LeftButton and not event.modifiers()
        self._press_pos = event.position().toPoint() if plain_left else None
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press_pos = self._press_pos, None
        if press is None or event.button() != Qt.MouseButton.LeftButton:
            return
        pos = event.position().toPoint()
        if (pos - press).manhattanLength() >= QApplication.startDragDistance():
            return
        if self.textCursor().hasSelection():
            return  # the click made or kept a selection: that is selecting text, not picking a claim
        code_point = self.code_point_under(pos)
        if code_point is None:
            self._last_click = None
            return
        under = self.claim_ids_at(code_point)
        claim_ids = tuple(self.claim_order(under) if self.claim_order is not None else under)
        if not claim_ids:
            self._last_click = None
            return
        chosen = claim_ids[0]
        if self._last_click is not None:
            previous_ids, previous = self._last_click
            if previous_ids == claim_ids and previous in claim_ids:
                # Clicking the same stack again steps outwards through it, then wraps round.
                chosen = claim_ids[(claim_ids.index(previous) + 1) % len(claim_ids)]
        self._last_click = (claim_ids, chosen)
        self.sig_claim_clicked.emit(chosen)

    # -- helpers ---------------------------------------------------------------------------------------

    def _apply_palette(self) -> None:
        palette = self.palette()
        for group in (QPalette.ColorGroup.Active, QPalette.ColorGroup.Inactive, QPalette.ColorGroup.Disabled):
            palette.setColor(group, QPalette.ColorRole.Base, QColor(PAPER))
            palette.setColor(group, QPalette.ColorRole.Window, QColor(PAPER))
            palette.setColor(group, QPalette.ColorRole.Text, QColor(INK))
            # No brush: Qt then draws selected text over its own formats and leaves the tint to us.
            palette.setBrush(group, QPalette.ColorRole.Highlight, QBrush(Qt.BrushStyle.NoBrush))
            palette.setColor(group, QPalette.ColorRole.HighlightedText, QColor(INK))
        self.setPalette(palette)
        # The margins around the centred column belong to the scroll area, not the viewport: paint them too.
        self.setAutoFillBackground(True)

    def _update_column(self) -> None:
        """Centre a text column of about COLUMN_CHARACTERS characters; the margins around it stay blank."""
        metrics = QFontMetricsF(self.font())
        padding = metrics.height()  # document margin: some air above the first line and beside the text
        if self.document().documentMargin() != padding:
            self.document().setDocumentMargin(padding)
        column = metrics.horizontalAdvance(_MEASURE_SAMPLE) * COLUMN_CHARACTERS / len(_MEASURE_SAMPLE)
        column += 2 * padding
        scrollbar = self.verticalScrollBar()
        available = self.width() - 2 * self.frameWidth()
        if scrollbar.isVisible():
            available -= scrollbar.width()
        side = max(0, int((available - column) / 2))
        margins = self.viewportMargins()
        if (margins.left(), margins.right()) != (side, side):
            self.setViewportMargins(side, 0, side, 0)
            # QPlainTextEdit re-wraps only on a resize event, and a viewport resized while the widget is
            # hidden (say, before its first show) never sends one: ask for the re-wrap ourselves.
            QPlainTextEdit.resizeEvent(self, QResizeEvent(self.viewport().size(), QSize()))

    def _repaint_blocks(self, block_ranges: list[range]) -> None:
        """Repaint the visible parts of the given blocks, and nothing else."""
        if not block_ranges:
            return
        viewport = self.viewport()
        height = viewport.height()
        offset_y = self.contentOffset().y()
        block = self.firstVisibleBlock()
        number = block.blockNumber()
        last_number = max(blocks.stop for blocks in block_ranges) - 1
        # Each block's top is the sum of the heights above it, as blockBoundingGeometry adds them up; asking
        # it block by block would walk from the first visible block every time (quadratic in the blocks).
        stacked = 0.0
        top = offset_y
        while block.isValid() and top <= height and number <= last_number:
            block_height = self.blockBoundingRect(block).height()
            if any(number in blocks for blocks in block_ranges):
                # The full width: right-aligned paragraphs reach past their block's own bounding rect.
                viewport.update(0, int(top) - 1, viewport.width(), int(block_height) + 3)
            stacked += block_height
            top = stacked + offset_y
            block = block.next()
            number += 1

    def _scroll_into_view(self, qt_start: int, qt_end: int) -> None:
        """If a selected span is not wholly visible, put its first line a quarter of the way down."""
        viewport = self.viewport().rect()
        start_cursor = QTextCursor(self.document())
        start_cursor.setPosition(qt_start)
        end_cursor = QTextCursor(self.document())
        end_cursor.setPosition(qt_end)
        if viewport.contains(self.cursorRect(start_cursor)) and viewport.contains(
            self.cursorRect(end_cursor)
        ):
            return
        block = start_cursor.block()
        pitch = max(1.0, self.cursorRect(start_cursor).height() * LINE_SPACING)
        self.blockBoundingRect(block)  # make sure the block is laid out before asking for its lines
        line = block.layout().lineForTextPosition(qt_start - block.position())
        first_line = block.firstLineNumber() + (line.lineNumber() if line.isValid() else 0)
        self.verticalScrollBar().setValue(max(0, first_line - int(viewport.height() / pitch / 4)))

    def _paint_selection(self, placed: list[tuple[QTextBlock, float]]) -> None:
        """Paint the selection as a tint over the highlights, which Qt's own selection would hide
        (over the blocks `placed` in the area being painted; the painter clips to it)."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return
        selection_start, selection_end = cursor.selectionStart(), cursor.selectionEnd()
        path = QPainterPath()
        selected_blocks: list[tuple[QTextBlock, QPointF]] = []
        left = self.contentOffset().x()
        for block, top in placed:
            start = block.position()
            if start > selection_end:
                break
            end = start + block.length() - 1  # where the block separator sits
            if selection_start <= end and selection_end > start:
                origin = QPointF(left, top)
                takes_break = selection_end > end
                for rect in _selection_rects(
                    block, selection_start - start, selection_end - start, takes_break
                ):
                    path.addRect(rect.translated(origin))
                selected_blocks.append((block, origin))
        if path.isEmpty():
            return
        outline = path.simplified()
        painter = QPainter(self.viewport())
        # Qt drew the selected text without its formats (a selection overrides their backgrounds): draw
        # those blocks again, unselected, inside the selection only, then lay the tint over them.
        painter.save()
        painter.setClipPath(outline, Qt.ClipOperation.IntersectClip)
        painter.fillPath(outline, QColor(PAPER))
        painter.setPen(QColor(INK))
        # Only the lines the selection reaches: a long paragraph's others would all be drawn to no effect.
        reached = outline.boundingRect()
        for selected, origin in selected_blocks:
            selected.layout().draw(painter, origin, [], reached)
        painter.restore()
        painter.fillPath(outline, SELECTION_FILL)
        painter.setPen(QPen(SELECTION_EDGE, 0))  # 0: a cosmetic one-pixel pen, the fast stroke
        painter.drawPath(outline)

    def code_point_under(self, pos: QPoint) -> int | None:
        """The code point of the character drawn at a viewport point, or None over blank space."""
        block = self.cursorForPosition(pos).block()
        if not block.isValid():
            return None
        geometry = self.blockBoundingGeometry(block).translated(self.contentOffset())
        local = QPointF(pos) - geometry.topLeft()
        layout = block.layout()
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            band = line.naturalTextRect()
            extra = _half_extra(line)
            # The spacing between lines counts as part of the line, so clicks there still hit.
            if band.top() - extra <= local.y() < band.bottom() + extra:
                if not band.left() <= local.x() < band.right():
                    return None
                relative = _character_at(line, local.x())
                if relative >= block.length() - 1:
                    return None
                return self._positions.to_code_point(block.position() + relative)
        return None


def _character_at(line: QTextLine, x: float) -> int:
    """The block position of the character drawn across `x` on `line`.

    Qt's xToCursor answers a character or more off in right-to-left lines (a wrapped Arabic line,
    say). A character's own leading and trailing edges (cursorToX with each Edge) are right in
    every direction, also where the direction changes and the carets before and after it are far
    apart: the character is the one whose edges `x` lies between, looked for near Qt's answer first."""
    nearest = line.xToCursor(x, QTextLine.CursorPosition.CursorOnCharacter)
    first, end = line.textStart(), line.textStart() + line.textLength()
    near = [nearest + step for step in (0, -1, 1, -2, 2)]
    for candidate in (*near, *range(first, end)):
        if first <= candidate < end:
            left, right = sorted(
                (line.cursorToX(candidate, _LEADING)[0], line.cursorToX(candidate, _TRAILING)[0])
            )
            if left <= x < right:
                return candidate
    return nearest


_LEADING, _TRAILING = QTextLine.Edge.Leading, QTextLine.Edge.Trailing


def _selection_rects(block: QTextBlock, first: int, last: int, takes_break: bool) -> list[QRectF]:
    """Rectangles (block coordinates) covering block-relative positions [first, last) on screen.

    A line without right-to-left text is one run, so one rectangle; a bidirectional line is covered
    character by character, since a logical range can be several separate pieces on screen.
    """
    layout = block.layout()
    bidi = block.textDirection() == Qt.LayoutDirection.RightToLeft or bool(_RTL.search(block.text()))
    rects: list[QRectF] = []
    count = layout.lineCount()
    for number in range(count):
        line = layout.lineAt(number)
        line_start = line.textStart()
        line_end = line_start + line.textLength()
        a, b = max(first, line_start), min(last, line_end)
        top, line_height = line.y(), line.height()
        spans: list[tuple[float, float]] = []
        if a < b:
            if not bidi:
                spans.append((line.cursorToX(a)[0], line.cursorToX(b)[0]))
            else:
                position = a
                while position < b:
                    following = layout.nextCursorPosition(position)
                    left = line.cursorToX(position, QTextLine.Edge.Leading)[0]
                    right = line.cursorToX(position, QTextLine.Edge.Trailing)[0]
                    spans.append((min(left, right), max(left, right)))
                    position = max(following, position + 1)
        if takes_break and number == count - 1:
            # Like Qt, show a selected line break as a sliver past the end of the paragraph's last line.
            text_rect = line.naturalTextRect()
            sliver = line_height / 4
            if block.textDirection() == Qt.LayoutDirection.RightToLeft:
                spans.append((text_rect.left() - sliver, text_rect.left()))
            else:
                spans.append((text_rect.right(), text_rect.right() + sliver))
        rects.extend(
            QRectF(left, top, right - left, line_height) for left, right in _merged(spans, line_height / 3)
        )
    return rects


def _merged(spans: list[tuple[float, float]], gap: float) -> list[tuple[float, float]]:
    """Horizontal spans joined where they touch or nearly do.

    Qt gives some spaces between right-to-left words no width of their own; without the tolerance (about a
    space) one selected RTL phrase would be outlined as several boxes.
    """
    joined: list[tuple[float, float]] = []
    for left, right in sorted(span for span in spans if span[1] > span[0]):
        if joined and left - joined[-1][1] <= gap:
            joined[-1] = (joined[-1][0], max(joined[-1][1], right))
        else:
            joined.append((left, right))
    return joined
