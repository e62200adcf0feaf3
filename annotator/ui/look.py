"""The small shared pieces of the app's look: colour swatches, plain-text tooltips, the error colour."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

# Qt's classes are imported where they are used: this module loads before the window's first paint, and
# PySide makes a class's enums the first time the class is named.

ERROR_COLOUR = "#B3261E"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows `text` literally: Qt would render a tooltip that merely looks like HTML."""
    import html  # here: this module loads before the window's first paint

    return f"<p style='white-space:pre-wrap'>{html.escape(text)}</p>" if text else ""


_swatches: dict[tuple[str, int], QIcon] = {}


def swatch_icon(colour: str, size: int = 16) -> QIcon:
    """A rounded colour square centred in a `size` px icon (cached); a darker edge keeps yellow visible."""
    key = (colour, size)
    icon = _swatches.get(key)
    if icon is None:
        from PySide6.QtCore import QRectF
        from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap

        ratio = 2.0  # draw at 2x so the swatch stays crisp on high-DPI screens
        pixmap = QPixmap(int(size * ratio), int(size * ratio))
        pixmap.setDevicePixelRatio(ratio)
        pixmap.fill(QColor(0, 0, 0, 0))  # transparent; `Qt` is not named before the first paint
        fill = QColor(colour)
        painter = QPainter(pixmap)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(fill.darker(135))
        painter.setBrush(fill)
        inset = size * 0.18
        painter.drawRoundedRect(QRectF(inset, inset, size - 2 * inset, size - 2 * inset), 2.5, 2.5)
        painter.end()
        icon = _swatches[key] = QIcon(pixmap)
        # As it is in a selected row too: Qt would tint it with the selection colour, and a swatch must
        # show the type's own colour.
        icon.addPixmap(pixmap, QIcon.Mode.Selected)
    return icon
