"""Scrolling a list with its scroll bar leaves the keyboard where it was.

Qt gives the keyboard to the nearest widget that takes focus on a click, and for a click on a list's
scroll bar that is the list: after dragging the article list's bar to look further down, Down picked the
next article instead of moving the caret in the text. A click on the list's rows still gives it the
keyboard, as everywhere.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QAbstractScrollArea, QApplication, QWidget


class ScrollBarsKeepFocus(QObject):
    """Watches `views`' scroll bars; a press on one gives the keyboard back to the widget that had it."""

    def __init__(self, views: list[QAbstractScrollArea], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._views = views
        self._before: QWidget | None = None  # what had the keyboard before one of the views took it
        self._just_taken = False  # a view took it in the event being handled (a click), not earlier
        for view in views:
            for bar in (view.verticalScrollBar(), view.horizontalScrollBar()):
                bar.installEventFilter(self)
        app = QApplication.instance()
        if isinstance(app, QApplication):
            app.focusChanged.connect(self._on_focus_changed)

    def _on_focus_changed(self, old: QWidget | None, new: QWidget | None) -> None:
        if any(new is view for view in self._views) and not any(old is view for view in self._views):
            self._before = old
            self._just_taken = True
            QTimer.singleShot(0, self._forget_taking)

    def _forget_taking(self) -> None:
        self._just_taken = False

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Qt has moved the keyboard to the list by the time the press reaches its scroll bar.
        if event.type() == QEvent.Type.MouseButtonPress:
            before, focused = self._before, QApplication.focusWidget()
            # Only when this press gave the list the keyboard: a list that had it keeps it.
            taken = self._just_taken and any(
                focused is view and view.isAncestorOf(watched)  # type: ignore[arg-type]
                for view in self._views
            )
            if taken and before is not None:
                try:
                    if before.isVisible():
                        before.setFocus(Qt.FocusReason.OtherFocusReason)
                except RuntimeError:  # it was deleted since (a closed dialog)
                    self._before = None
        return False
