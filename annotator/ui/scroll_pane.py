"""A pane that scrolls up and down when the window is shorter than the pane's widgets need.

The claim panel needs about 620 pixels of height: with the review docked under the panes, a 700-pixel
window would otherwise have to grow past the screen to keep both. In this pane the panel keeps its
width (it never scrolls sideways) and scrolls instead of forcing the window's height.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QFrame, QScrollArea, QStyle, QWidget

# The height the pane asks for at least: a few of the panel's rows stay in view.
MIN_PANE_HEIGHT = 160


class VerticalScrollPane(QScrollArea):
    """Holds one widget at the pane's full width and at least the pane's height; scrolls vertically
    (never horizontally) only when the pane is shorter than the widget's minimum.

    The widget is sized here rather than by `setWidgetResizable`: that sizes a widget whose layout has
    a height-for-width (any word-wrapped label) to its preferred height, so the pane would scroll where
    the widget could simply have shrunk, as it did before it was in a pane.
    """

    def __init__(self, widget: QWidget, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        # Not a stop of its own for Tab: nothing shows it focused, and Tab would stop there before the
        # panel's first control. A control that Tab reaches is scrolled into view all the same.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidget(widget)
        widget.installEventFilter(self)

    def fit_widget(self) -> None:
        widget = self.widget()
        if widget is None:
            return
        viewport = self.viewport().size()
        needed = widget.minimumSizeHint().height()
        layout = widget.layout()
        if layout is not None and layout.hasHeightForWidth():
            # A word-wrapped label (a colleague's note) needs more lines at this width than the hint
            # counted: without them the fields were squeezed under their minimum and drawn overlapping.
            needed = max(needed, layout.minimumHeightForWidth(viewport.width()))
        widget.resize(viewport.width(), max(viewport.height(), needed))

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit_widget()  # the pane's size changed, or its scroll bar came or went
        return super().viewportEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit_widget()  # the widget's minimum may have changed
            self.updateGeometry()
        return super().eventFilter(watched, event)

    def _bar_width(self) -> int:
        return self.style().pixelMetric(QStyle.PixelMetric.PM_ScrollBarExtent, None, self)

    def minimumSizeHint(self) -> QSize:
        """As narrow as the widget can be (with room for the scroll bar), but only a little tall."""
        inner = self.widget().minimumSizeHint() if self.widget() is not None else QSize(0, 0)
        return QSize(inner.width() + self._bar_width(), min(inner.height(), MIN_PANE_HEIGHT))

    def sizeHint(self) -> QSize:
        inner = self.widget().sizeHint() if self.widget() is not None else QSize(0, 0)
        return QSize(inner.width() + self._bar_width(), inner.height())
