"""A splitter whose handles are thin rules in the chrome's colour."""

from __future__ import annotations

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
