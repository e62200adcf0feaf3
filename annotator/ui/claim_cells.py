"""How the claims list paints its cells: the way Qt's own delegate does, for a fraction of the cost."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPoint, QRect, Qt
from PySide6.QtGui import QFontMetrics, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
# Combining flag enums is slow in PySide6, and these run for every painted cell: combine them once.
# Selected, focused or hovered cells (one row at most) are painted by Qt's delegate: some styles draw hover.
_STYLED_STATES = (
    QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus | QStyle.StateFlag.State_MouseOver
).value
# What changes how a cell's text is cut or laid out without changing the cell's size: its view tells
# the delegate to `forget`.
LOOK_CHANGES = frozenset({QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LayoutDirectionChange})
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_TEXT_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


class ClaimCellDelegate(QStyledItemDelegate):
    """Paints a cell's swatch and its text, elided to the cell, where Qt's delegate would put them.

    Qt's delegate asks the model for eight roles per cell and lays out each cell's whole text to elide it:
    4.7 ms of every repaint of the list here, against 2 ms this way, and every new claim repaints the list.
    The row's background is the view's; a selected, focused or hovered cell, one row at most, is left
    to Qt's delegate, as are size hints. Where the swatch and text go depends only on the cell's size, the
    font and the style: it is asked of the style once per size, and forgotten when the font or style changes.
    """

    _REMEMBERED = 2048  # elided texts, by text and width: a few screenfuls at a few widths

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._elided: dict[tuple[str, int], str] = {}
        # (cell width, height, has a swatch) -> the swatch's and the text's rects, relative to the cell.
        self._layouts: dict[tuple[int, int, bool], tuple[QRect, QRect]] = {}

    def forget(self) -> None:
        """The view's font, style or direction changed (`LOOK_CHANGES`): cut and place texts anew."""
        self._elided.clear()
        self._layouts.clear()

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        state = option.state.value  # an int: PySide's flag enums are slow to combine and test
        if state & _STYLED_STATES:
            super().paint(painter, option, index)
            return
        text = index.data(_DISPLAY)
        icon = index.data(_DECORATION)
        rect = option.rect
        has_icon = isinstance(icon, QIcon)
        key = (rect.width(), rect.height(), has_icon)
        layout = self._layouts.get(key)
        if layout is None:
            layout = self._layouts[key] = self._layout(option, index)
        icon_rect, text_rect = layout
        origin = rect.topLeft()
        if has_icon:
            mode = QIcon.Mode.Normal if state & _ENABLED else QIcon.Mode.Disabled
            icon.paint(painter, icon_rect.translated(origin), Qt.AlignmentFlag.AlignCenter, mode)
        if not text:
            return
        text = str(text)
        width = text_rect.width()
        elided = self._elided.get((text, width))
        if elided is None:
            if len(self._elided) >= self._REMEMBERED:
                self._elided.clear()
            metrics = option.fontMetrics
            elided = metrics.elidedText(
                _beginning_wider_than(text, width, metrics), option.textElideMode, width
            )
            self._elided[(text, width)] = elided
        group = _colour_group(state)
        painter.setPen(option.palette.color(group, QPalette.ColorRole.Text))
        painter.drawText(text_rect.translated(origin), _TEXT_ALIGNMENT, elided)

    def _layout(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> tuple[QRect, QRect]:
        """Where the style puts a cell's swatch and text (inside its margins), from the cell's corner."""
        probe = QStyleOptionViewItem(option)
        self.initStyleOption(probe, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        icon_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, probe, widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, probe, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        text_rect = text_rect.adjusted(margin, 0, -margin, 0)
        corner = QPoint(-option.rect.x(), -option.rect.y())
        return icon_rect.translated(corner), text_rect.translated(corner)


def _colour_group(state: int) -> QPalette.ColorGroup:
    if not state & _ENABLED:
        return QPalette.ColorGroup.Disabled
    if not state & _ACTIVE:
        return QPalette.ColorGroup.Inactive
    return QPalette.ColorGroup.Normal


def _beginning_wider_than(text: str, width: int, metrics: QFontMetrics) -> str:
    """A beginning of `text` wider than `width` pixels, or the whole text when no short one is.

    Eliding lays out every character of the text; a beginning already wider than the cell elides to the
    very same characters and ellipsis, in a fraction of the time.
    """
    # About twice as many characters as fit: enough to overflow unless they are mostly narrow ones.
    count = max(8, math.ceil(2 * width / max(1, metrics.averageCharWidth())))
    if len(text) <= count:
        return text
    beginning = text[:count]
    return beginning if metrics.horizontalAdvance(beginning) > width else text
