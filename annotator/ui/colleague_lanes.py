"""Colleagues' lines under the text, for words that several colleagues tagged.

A char format carries one underline, so the article's formats draw one colleague's line; the others
(`ClaimHighlights.colleague_lanes`) are painted here by the view, each in a lane of its own below it,
in the colleague's style and the type's colour: every colleague who tagged the words shows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QFontMetricsF, QPainter, QPainterPath, QPen, QTextLayout, QTextLine

from annotator.ui.highlights import Lane, UnderlineStyle

PEN_STYLES = {
    UnderlineStyle.SingleUnderline: Qt.PenStyle.SolidLine,
    UnderlineStyle.DashUnderline: Qt.PenStyle.DashLine,
    UnderlineStyle.DotLine: Qt.PenStyle.DotLine,
    UnderlineStyle.DashDotLine: Qt.PenStyle.DashDotLine,
    UnderlineStyle.DashDotDotLine: Qt.PenStyle.DashDotDotLine,
}
WAVE_PERIOD = 4.0  # pixels from crest to crest, about as Qt draws a wave underline


def lane_step(metrics: QFontMetricsF) -> float:
    """Pixels between lanes: three at the reading size, more for a larger font."""
    return max(3.0, round(metrics.height() * 0.14))


def lane_y(line: QTextLine, metrics: QFontMetricsF, lane: int) -> float:
    """Where lane `lane` runs under a line, in the layout's coordinates (lane 0 is the format's own
    underline, at the font's underline position below the baseline)."""
    return line.y() + line.ascent() + metrics.underlinePos() + lane * lane_step(metrics)


def paint_lanes(
    painter: QPainter, layout: QTextLayout, origin: QPointF, lanes: Sequence[Lane], metrics: QFontMetricsF
) -> None:
    """Paint a block's lanes; `origin` is where the block's layout sits in the painter's coordinates."""
    width = max(1.0, metrics.lineWidth())
    for lane in lanes:
        pen = QPen(lane.colour, width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        pen.setStyle(PEN_STYLES.get(lane.style, Qt.PenStyle.SolidLine))
        painter.setPen(pen)
        for number in range(layout.lineCount()):
            line = layout.lineAt(number)
            start = max(lane.qt_start, line.textStart())
            end = min(lane.qt_end, line.textStart() + line.textLength())
            if start >= end:
                continue
            left = origin.x() + line.cursorToX(start)[0]
            right = origin.x() + line.cursorToX(end)[0]
            left, right = min(left, right), max(left, right)  # right-to-left text
            y = origin.y() + lane_y(line, metrics, lane.lane)
            if lane.style == UnderlineStyle.WaveUnderline:
                painter.drawPath(_wave(left, right, y, width))
            else:
                painter.drawLine(QPointF(left, y), QPointF(right, y))


def _wave(left: float, right: float, y: float, width: float) -> QPainterPath:
    half, amplitude = WAVE_PERIOD / 2, max(1.0, width)
    path = QPainterPath(QPointF(left, y))
    x, up = left, True
    while x < right:
        x = min(right, x + half)
        path.lineTo(QPointF(x, y - amplitude if up else y + amplitude))
        up = not up
    return path
