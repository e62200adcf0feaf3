"""Flat scroll bars, painted in a few calls instead of Fusion's gradients.

Fusion paints a scroll bar a pixel row at a time: about 3 µs per pixel of its length here, so 1.6 ms for
the claims list's bar and 3 ms for the article's, on every repaint that moves them (each new claim moves
the list's; each scroll step the article's). This style paints the same parts in the same places (the
geometry, hit testing and sizes stay Fusion's, or the platform style's) as a quiet track, a rounded
handle and two small arrows: a few painter calls, whatever the length.

Loaded as the panes are built, after the window's first paint: naming QProxyStyle makes PySide build
QStyle's enums (~15 ms), which the panes need anyway.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPolygonF
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle, QStyleOptionComplex, QStyleOptionSlider

TRACK = QColor("#F1EEE8")
TRACK_RULE = QColor("#E2DED6")  # the line between the track and what it scrolls (theme.RULE)
# The handle and arrows stand out from the track by 3:1 or more (WCAG's contrast for a control's parts).
HANDLE = QColor("#8E887C")
HANDLE_HOVER = QColor("#7D786F")
HANDLE_PRESSED = QColor("#6B6760")
ARROW = QColor("#6B6760")
ARROW_DISABLED = QColor("#CFCAC0")
ARROW_PRESSED_BACK = QColor("#E2DED6")

_HANDLE_INSET = 3.5  # px between the handle and the track's long edges
_ARROW_HALF = 3.0  # px: half the width of an arrow's triangle

_BAR = QStyle.ComplexControl.CC_ScrollBar
_SLIDER = QStyle.SubControl.SC_ScrollBarSlider
_SUB_LINE = QStyle.SubControl.SC_ScrollBarSubLine
_ADD_LINE = QStyle.SubControl.SC_ScrollBarAddLine
_NONE = QStyle.SubControl.SC_None
_ENABLED = QStyle.StateFlag.State_Enabled
_SUNKEN = QStyle.StateFlag.State_Sunken
_HOVER = QStyle.StateFlag.State_MouseOver


def use_flat_scroll_bars() -> None:
    """Give every scroll bar of the application the flat look (once; the palette set on the app stays)."""
    app = QApplication.instance()
    if not isinstance(app, QApplication) or isinstance(app.style(), FlatScrollBarStyle):
        return
    app.setStyle(FlatScrollBarStyle())  # the application owns it from here


class FlatScrollBarStyle(QProxyStyle):
    """The platform's style, with scroll bars painted flat (see the module's docstring)."""

    def drawComplexControl(
        self,
        control: QStyle.ComplexControl,
        option: QStyleOptionComplex,
        painter: QPainter,
        widget: Any = None,
    ) -> None:
        if control == _BAR and isinstance(option, QStyleOptionSlider):
            paint_scroll_bar(self, option, painter, widget)
        else:
            super().drawComplexControl(control, option, painter, widget)


def paint_scroll_bar(style: QStyle, option: QStyleOptionSlider, painter: QPainter, widget: Any) -> None:
    """Track, handle and arrows of one scroll bar, each where `style` places it."""
    vertical = option.orientation == Qt.Orientation.Vertical
    scrolls = option.maximum > option.minimum
    movable = scrolls and bool(option.state & _ENABLED)
    pressed = option.activeSubControls if option.state & _SUNKEN else _NONE
    hovered = option.activeSubControls if option.state & _HOVER else _NONE
    whole = option.rect
    painter.save()
    painter.fillRect(whole, TRACK)
    painter.setPen(TRACK_RULE)
    if not vertical:
        painter.drawLine(whole.topLeft(), whole.topRight())
    elif option.direction == Qt.LayoutDirection.RightToLeft:  # the bar is on the content's left there
        painter.drawLine(whole.topRight(), whole.bottomRight())
    else:
        painter.drawLine(whole.topLeft(), whole.bottomLeft())
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    if scrolls:  # a disabled bar shows where it stands too, greyed
        handle = QRectF(style.subControlRect(_BAR, option, _SLIDER, widget))
        if vertical:
            handle.adjust(_HANDLE_INSET, 1, 1 - _HANDLE_INSET, -1)
        else:
            handle.adjust(1, _HANDLE_INSET, -1, 1 - _HANDLE_INSET)
        if not movable:
            painter.setBrush(ARROW_DISABLED)
        elif pressed & _SLIDER:
            painter.setBrush(HANDLE_PRESSED)
        else:
            painter.setBrush(HANDLE_HOVER if hovered & _SLIDER else HANDLE)
        radius = min(handle.width(), handle.height()) / 2
        painter.drawRoundedRect(handle, radius, radius)
    for button, towards_end in ((_SUB_LINE, False), (_ADD_LINE, True)):
        area = style.subControlRect(_BAR, option, button, widget)
        if area.isEmpty():
            continue
        if movable and pressed & button:
            painter.fillRect(area, ARROW_PRESSED_BACK)
        painter.setBrush(ARROW if movable else ARROW_DISABLED)
        painter.drawPolygon(_arrow(QRectF(area), vertical, towards_end, option.direction))
    painter.restore()


def _arrow(area: QRectF, vertical: bool, towards_end: bool, direction: Qt.LayoutDirection) -> QPolygonF:
    """A small triangle in the middle of `area`, pointing the way its button scrolls."""
    centre, half, depth = area.center(), _ARROW_HALF, _ARROW_HALF * 0.75
    if vertical:
        sign = 1.0 if towards_end else -1.0
        base, tip = centre.y() - sign * depth, centre.y() + sign * depth
        return QPolygonF(
            [QPointF(centre.x() - half, base), QPointF(centre.x() + half, base), QPointF(centre.x(), tip)]
        )
    if direction == Qt.LayoutDirection.RightToLeft:  # the style puts the start of the bar on the right
        towards_end = not towards_end
    sign = 1.0 if towards_end else -1.0
    base, tip = centre.x() - sign * depth, centre.x() + sign * depth
    return QPolygonF(
        [QPointF(base, centre.y() - half), QPointF(base, centre.y() + half), QPointF(tip, centre.y())]
    )
