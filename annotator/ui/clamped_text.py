"""Plain text in at most a few lines, whatever its length: an article's title, its outlet and URL."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QTextLayout, QTextOption
from PySide6.QtWidgets import QSizePolicy, QStyle, QWidget

from annotator.ui.look import plain_tooltip
from annotator.ui.positions import PositionMap


class ClampedText(QWidget):
    """Text wrapped at word boundaries, or anywhere in a word too long for the width (a file name
    kept as a title, a URL), in at most `max_lines` lines; the last one ends in "…" when more would
    follow, and the whole text is then the tooltip. A QLabel would make its longest word the
    window's minimum width, and grow by a line for every line of a long title.

    Shown as plain text, never as HTML, in the palette's WindowText colour.
    """

    _WRAP = QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere

    def __init__(self, max_lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._max_lines = max_lines
        policy = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)

    def text(self) -> str:
        return self._text

    def setText(self, text: str) -> None:
        if text == self._text:
            return
        self._text = text
        self.setAccessibleName(text)
        self._update_tooltip()
        self.updateGeometry()
        self.update()

    # --- size -----------------------------------------------------------------------------------

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        lines = max(1, min(self._max_lines, len(self._lines(width))))
        return lines * self.fontMetrics().lineSpacing()

    def sizeHint(self) -> QSize:
        width = min(self.fontMetrics().horizontalAdvance(self._text), 600) + 1
        return QSize(width, self.heightForWidth(width))

    def minimumSizeHint(self) -> QSize:
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, self.fontMetrics().lineSpacing())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._update_tooltip()

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        self.updateGeometry()  # a new font changes the lines

    # --- painting -------------------------------------------------------------------------------

    def paintEvent(self, event: Any) -> None:
        width = self.width()
        lines = self._lines(width)
        if not lines:
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.setFont(self.font())
        metrics = self.fontMetrics()
        spacing = metrics.lineSpacing()
        shown = lines[: self._max_lines]
        alignment = QStyle.visualAlignment(self.layoutDirection(), Qt.AlignmentFlag.AlignLeft)
        cut = len(lines) > len(shown)  # the text goes on past the last line shown
        top = max(0, (self.height() - len(shown) * spacing) // 2)  # centred in a taller row
        for number, (start, length) in enumerate(shown):
            text = self._text[start : start + length]
            if cut and number == len(shown) - 1:  # the rest of the text, cut to the line with "…"
                rest = " ".join(self._text[start:].split())
                text = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
            rect = self.rect().adjusted(0, top + number * spacing, 0, 0)
            rect.setHeight(spacing)
            painter.drawText(rect, int(alignment | Qt.AlignmentFlag.AlignVCenter), text.rstrip("\n"))
        painter.end()

    # --- the lines ------------------------------------------------------------------------------

    def _lines(self, width: int) -> list[tuple[int, int]]:
        """(start, length) of each line the text takes at `width`, in str indices (one more line
        than can be shown at the most: enough to know that the text goes on)."""
        if not self._text or width <= 0:
            return []
        layout = QTextLayout(self._text.replace("\n", " "), self.font())
        option = QTextOption()
        option.setWrapMode(self._WRAP)
        layout.setTextOption(option)
        lines: list[tuple[int, int]] = []
        layout.beginLayout()
        while len(lines) <= self._max_lines:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(width)
            lines.append((line.textStart(), line.textLength()))
        layout.endLayout()
        positions = PositionMap(self._text)  # Qt's UTF-16 positions, as str indices
        if positions.is_identity:
            return lines
        spans = (positions.span_to_code_points(start, start + length) for start, length in lines)
        return [(start, end - start) for start, end in spans]

    def _update_tooltip(self) -> None:
        clamped = len(self._lines(self.width())) > self._max_lines
        self.setToolTip(plain_tooltip(self._text) if clamped else "")
