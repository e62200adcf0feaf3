"""A splitter whose handles are thin rules in the chrome's colour."""

from __future__ import annotations

from PySide6.QtCore import QByteArray
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import QSplitter, QSplitterHandle

from annotator.ui.theme import RULE


class _RuleHandle(QSplitterHandle):
    def paintEvent(self, event: object) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(RULE))
        painter.end()


class RuledSplitter(QSplitter):
    """A splitter whose handles are one-pixel rules."""

    def __init__(self, *args: object) -> None:
        super().__init__(*args)
        self.setHandleWidth(1)

    def createHandle(self) -> QSplitterHandle:
        return _RuleHandle(self.orientation(), self)

    def restoreState(self, state: QByteArray | bytes | bytearray | memoryview) -> bool:
        """Sizes as saved, and the rule stays a rule: a saved state carries a handle width too (that of
        the style, 4 px, in layouts saved before the handles were rules)."""
        restored = super().restoreState(state)
        self.setHandleWidth(1)
        return restored
