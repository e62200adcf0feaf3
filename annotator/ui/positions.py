"""The one place where Qt's UTF-16 document positions meet the code-point offsets we store.

Everything else in the UI asks a `PositionMap` (or the cursor helpers below) and never does this arithmetic.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

from PySide6.QtGui import QTextBlock, QTextCursor, QTextDocument

# Characters outside the Basic Multilingual Plane take two UTF-16 units (a surrogate pair) in Qt and one
# code point in Python. They are the only source of disagreement: the stored text uses "\n" as its only
# line break, and QTextDocument's block separator U+2029 that replaces it is one unit as well.
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


class PositionMap:
    """Converts between code points of a canonical text and Qt positions in a document showing it.

    Conversions cost O(log k) for k astral characters (emoji, rare CJK, maths letters), O(1) when there
    are none, which is the common case for news text.
    """

    __slots__ = ("_astral", "_astral_qt", "_length", "_qt_length")

    def __init__(self, text: str) -> None:
        self._length = len(text)
        # Encoding is a single C pass; it saves scanning with the regex when nothing is astral.
        utf16_units = len(text.encode("utf-16-le")) // 2
        if utf16_units == len(text):
            self._astral: list[int] = []
        else:
            self._astral = [match.start() for match in _ASTRAL.finditer(text)]
        # Where each astral character starts in Qt units: the i-th one is pushed right by the i before it.
        self._astral_qt = [cp + i for i, cp in enumerate(self._astral)]
        self._qt_length = utf16_units

    @property
    def length(self) -> int:
        """Length of the text in code points."""
        return self._length

    @property
    def qt_length(self) -> int:
        """Length of the text in UTF-16 units, which is the document's last cursor position."""
        return self._qt_length

    @property
    def is_identity(self) -> bool:
        """True when both kinds of position agree everywhere (no astral characters)."""
        return not self._astral

    def to_qt(self, cp: int) -> int:
        """The Qt position of code point `cp`, clamped to the text."""
        cp = min(max(cp, 0), self._length)
        if not self._astral:
            return cp
        return cp + bisect_left(self._astral, cp)

    def to_code_point(self, qt: int) -> int:
        """The code point at Qt position `qt`, clamped to the text.

        A position between the two halves of a surrogate pair maps to the start of that character, so a
        selection can never split an emoji in the stored offsets.
        """
        qt = min(max(qt, 0), self._qt_length)
        if not self._astral:
            return qt
        before = bisect_right(self._astral_qt, qt - 1)  # astral characters starting before `qt`
        if before and self._astral_qt[before - 1] == qt - 1:
            return self._astral[before - 1]
        return qt - before

    def span_to_qt(self, start: int, end: int) -> tuple[int, int]:
        return self.to_qt(start), self.to_qt(end)

    def span_to_code_points(self, qt_start: int, qt_end: int) -> tuple[int, int]:
        """Code points of a Qt range; an end inside a surrogate pair takes in the whole character."""
        start = self.to_code_point(qt_start)
        end = self.to_code_point(qt_end)
        if self.to_qt(end) < min(max(qt_end, 0), self._qt_length):
            end += 1
        return start, end

    def block_span(self, block: QTextBlock) -> tuple[int, int]:
        """The code points a block's text covers, without its line break."""
        qt_start = block.position()
        return self.to_code_point(qt_start), self.to_code_point(qt_start + block.length() - 1)


def selected_span(cursor: QTextCursor, positions: PositionMap) -> tuple[int, int] | None:
    """The code points a cursor's selection covers, or None when nothing is selected."""
    if not cursor.hasSelection():
        return None
    start, end = positions.span_to_code_points(cursor.selectionStart(), cursor.selectionEnd())
    return (start, end) if start < end else None


def cursor_for_span(document: QTextDocument, positions: PositionMap, start: int, end: int) -> QTextCursor:
    """A cursor selecting code points [start, end) of the document's text, its caret at `end`."""
    cursor = QTextCursor(document)
    qt_start, qt_end = positions.span_to_qt(start, end)
    cursor.setPosition(qt_start)
    cursor.setPosition(qt_end, QTextCursor.MoveMode.KeepAnchor)
    return cursor


def code_point_at(cursor: QTextCursor, positions: PositionMap) -> int:
    """The code point at a cursor's caret."""
    return positions.to_code_point(cursor.position())
