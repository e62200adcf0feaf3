"""How the claims list paints its cells: the way Qt's own delegate does, for a fraction of the cost."""

from __future__ import annotations

import math
from collections.abc import Callable

from PySide6.QtCore import QEvent, QModelIndex, QPersistentModelIndex, QPointF, QRect, Qt
from PySide6.QtGui import QColor, QFontMetrics, QFontMetricsF, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem, QWidget

_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
# Combining flag enums is slow in PySide6, and these run for every painted cell: ints, made once.
# Cells under the mouse (one row at most) are painted by Qt's delegate: some styles draw hover.
_HOVERED = QStyle.StateFlag.State_MouseOver.value
_SELECTED = QStyle.StateFlag.State_Selected.value
# What changes how a cell's text is cut, laid out or coloured without changing the cell's size: its view
# tells the delegate to `forget`.
LOOK_CHANGES = frozenset(
    {
        QEvent.Type.FontChange,
        QEvent.Type.PaletteChange,
        QEvent.Type.StyleChange,
        QEvent.Type.LayoutDirectionChange,
    }
)
_ENABLED = QStyle.StateFlag.State_Enabled.value
_ACTIVE = QStyle.StateFlag.State_Active.value
_COLOUR_STATES = _ENABLED | _ACTIVE  # what picks the text's colour group
_TEXT_ALIGNMENT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_CENTRE = Qt.AlignmentFlag.AlignCenter
_NORMAL, _DISABLED, _SELECTED_ICON = QIcon.Mode.Normal, QIcon.Mode.Disabled, QIcon.Mode.Selected
_TEXT, _SELECTED_TEXT = QPalette.ColorRole.Text, QPalette.ColorRole.HighlightedText
# A cell's swatch and text rectangles (x, y, width, height from its corner) and its text's baseline.
_CellLayout = tuple[tuple[int, int, int, int], tuple[int, int, int, int], float | None]
_ROW_PANEL = QStyle.PrimitiveElement.PE_PanelItemViewItem


class ClaimCellDelegate(QStyledItemDelegate):
    """Paints a cell's swatch and its text, elided to the cell, where Qt's delegate would put them.

    Qt's delegate asks the model for eight roles per cell and lays out each cell's whole text to elide it:
    4.7 ms of every repaint of the list here, against 1.5 ms this way, and every new claim repaints the list
    (with the new claim's row selected: Qt's delegate took 1.4 ms for those three cells alone). The row's
    background is the view's, a selected cell's the style's; a cell under the mouse is left to Qt's
    delegate (some styles draw hover), as are size hints, and a selected cell whose view highlights only its
    text (a table view highlights whole cells). Where the swatch and text go depends only on the cell's size,
    the font and the style: it is asked of the style once per size. That, the cut texts and the text colours
    are forgotten when the font, palette, style or direction changes.
    """

    _REMEMBERED = 2048  # elided texts, by text and width: a few screenfuls at a few widths

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._elided: dict[tuple[str, int], str] = {}
        # (cell width, height, has a swatch) -> the swatch's and the text's rects relative to the cell,
        # as (x, y, width, height) numbers: a QRect moved for every cell cost two calls into Qt.
        self._layouts: dict[tuple[int, int, bool], _CellLayout] = {}
        self._text_colours: dict[int, QColor] = {}  # by the cell's state (colour group, selected)
        # What a cell shows, from its row and column, when the view's model says so directly
        # (`ClaimsTableModel.cell`): asking the index goes through Qt twice per cell.
        self.cell_source: Callable[[int, int], tuple[str | None, QIcon | None]] | None = None

    def forget(self) -> None:
        """The view's font, palette, style or direction changed (`LOOK_CHANGES`): cut and place texts anew."""
        self._elided.clear()
        self._layouts.clear()
        self._text_colours.clear()

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        state = option.state.value  # an int: PySide's flag enums are slow to combine and test
        selected = state & _SELECTED
        if state & _HOVERED or (selected and not option.showDecorationSelected):
            super().paint(painter, option, index)
            return
        if selected:  # the style's selection, as Qt's delegate has it drawn (CE_ItemViewItem)
            widget = option.widget
            (widget.style() if widget is not None else QApplication.style()).drawPrimitive(
                _ROW_PANEL, option, painter, widget
            )
        source = self.cell_source
        if source is not None:
            text, icon = source(index.row(), index.column())
        else:
            text, icon = index.data(_DISPLAY), index.data(_DECORATION)
            icon = icon if isinstance(icon, QIcon) else None
        rect = option.rect
        x, y = rect.x(), rect.y()
        key = (rect.width(), rect.height(), icon is not None)
        layout = self._layouts.get(key)
        if layout is None:
            layout = self._layouts[key] = self._layout(option, index)
        (ix, iy, iw, ih), (tx, ty, tw, th), baseline = layout
        if icon is not None:
            mode = (_SELECTED_ICON if selected else _NORMAL) if state & _ENABLED else _DISABLED
            icon.paint(painter, QRect(x + ix, y + iy, iw, ih), _CENTRE, mode)
        if not text:
            return
        text = str(text)
        elided = self._elided.get((text, tw))
        if elided is None:
            if len(self._elided) >= self._REMEMBERED:
                self._elided.clear()
            elided = _elided(text, tw, option.fontMetrics, option.textElideMode)
            self._elided[(text, tw)] = elided
        looks = state & _COLOUR_STATES | selected
        colour = self._text_colours.get(looks)
        if colour is None:
            role = _SELECTED_TEXT if selected else _TEXT
            colour = self._text_colours[looks] = option.palette.color(_colour_group(state), role)
        painter.setPen(colour)
        if baseline is not None:
            # One line from its baseline: the pixels of Qt's delegate (tested, tabs included), a third
            # cheaper than text aligned in a rectangle, which also set tabs to other stops than Qt's.
            painter.drawText(QPointF(x + tx, y + baseline), elided)
        else:  # a right-to-left cell: its text aligns to the right
            painter.drawText(x + tx, y + ty, tw, th, _TEXT_ALIGNMENT, elided)

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        """As Qt's, without the focused cell's frame: the list selects whole rows, and the style's frame
        greyed the text of the one cell that has it."""
        super().initStyleOption(option, index)
        option.state = option.state & ~QStyle.StateFlag.State_HasFocus

    def _layout(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> _CellLayout:
        """Where the style puts a cell's swatch and text (inside its margins), from the cell's corner, and
        the text's baseline (None in a right-to-left cell, whose text aligns to the right)."""
        probe = QStyleOptionViewItem(option)
        self.initStyleOption(probe, index)
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        icon_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemDecoration, probe, widget)
        text_rect = style.subElementRect(QStyle.SubElement.SE_ItemViewItemText, probe, widget)
        margin = style.pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, widget) + 1
        text_rect = text_rect.adjusted(margin, 0, -margin, 0)
        x, y = option.rect.x(), option.rect.y()
        metrics = QFontMetricsF(option.font)
        # Where Qt's vertically centred line puts its baseline (qt_format_text): the same float.
        baseline = text_rect.y() - y + (text_rect.height() - metrics.height()) / 2 + metrics.ascent()
        return (
            (icon_rect.x() - x, icon_rect.y() - y, icon_rect.width(), icon_rect.height()),
            (text_rect.x() - x, text_rect.y() - y, text_rect.width(), text_rect.height()),
            baseline if option.direction == Qt.LayoutDirection.LeftToRight else None,
        )


def _colour_group(state: int) -> QPalette.ColorGroup:
    if not state & _ENABLED:
        return QPalette.ColorGroup.Disabled
    if not state & _ACTIVE:
        return QPalette.ColorGroup.Inactive
    return QPalette.ColorGroup.Normal


def _elided(text: str, width: int, metrics: QFontMetrics, mode: Qt.TextElideMode) -> str:
    """`text` cut to `width` pixels with an ellipsis, as `metrics.elidedText` cuts it, in less time when
    the cut is at the right (the list's mode).

    Eliding lays out every character of the text; a beginning already wider than the cell elides to the
    very same characters and ellipsis, in a fraction of the time. So a beginning of about twice as many
    characters as fit is elided first, and the whole text only when that beginning fits as it is (mostly
    narrow characters).
    """
    count = max(8, math.ceil(2 * width / max(1, metrics.averageCharWidth())))
    if len(text) <= count or mode != Qt.TextElideMode.ElideRight:
        return metrics.elidedText(text, mode, width)
    beginning = text[:count]
    elided = metrics.elidedText(beginning, mode, width)
    return elided if elided != beginning else metrics.elidedText(text, mode, width)
