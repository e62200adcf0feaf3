"""A list whose rows fit its width: long titles are cut with an ellipsis instead of scrolling sideways.

QListView lays each row out as wide as its whole text and scrolls the whole list sideways, under a second
scroll bar, with the start of every title out of view once scrolled. Here a row is never wider than the
list: its text is cut with an ellipsis, and its tooltip gives it whole.
"""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtWidgets import QAbstractItemView, QListView, QStyledItemDelegate, QStyleOptionViewItem


class _FittedRows(QStyledItemDelegate):
    def __init__(self, view: QAbstractItemView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        return QSize(min(size.width(), self._view.viewport().width()), size.height())


def fit_rows_to_width(view: QListView) -> None:
    """Cut `view`'s rows to its width and never scroll it sideways."""
    view.setItemDelegate(_FittedRows(view))
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    view.setResizeMode(QListView.ResizeMode.Adjust)  # rows are laid out anew when the list's width changes
