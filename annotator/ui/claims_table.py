"""The claims list's view: its set-up, keys, column widths and the empty list's message."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QKeyEvent, QPainter, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from annotator.ui.claim_cells import LOOK_CHANGES, ClaimCellDelegate
from annotator.ui.claims_model import ARTICLE_ORDER, QUOTE_COLUMN, ClaimsTableModel


class ClaimsTable(QTableView):
    """The claims list: Enter opens the editor, Delete asks to delete, Escape goes back to the article,
    Tab on to the claim's fields; an empty list says why it is."""

    sig_open_requested = Signal()
    sig_delete_requested = Signal()
    sig_leave_requested = Signal()  # Escape: back to the article

    _QUOTE_SHARE = 0.38  # the quote is what people scan: it keeps this much of a narrow panel
    _WIDE_ENOUGH = 340  # below this the optional columns hide (every header still fits above it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder_text = ""
        self._natural_widths: dict[int, int] = {}
        self._minimum_widths: dict[int, int] = {}
        self._optional: dict[int, bool] = {}  # column: whether it is worth showing when there is room
        self._cells = ClaimCellDelegate(self)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in LOOK_CHANGES:
            self._cells.forget()

    def set_claims_model(self, model: ClaimsTableModel) -> None:
        """Show `model`: whole rows selected one at a time, fixed row heights, sorted by a header click."""
        self.setModel(model)
        self._cells.cell_source = model.cell
        self.setItemDelegate(self._cells)
        self.setAccessibleName("Claims")
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setShowGrid(False)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setTabKeyNavigation(False)  # Tab leaves the list for the claim's fields, not the next cell
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setIconSize(QSize(16, 16))
        rows = self.verticalHeader()
        rows.hide()
        # Fixed row heights: Qt never measures 100,000 rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 10)
        self.setMinimumHeight(4 * rows.defaultSectionSize())
        header = self.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        # A third click on a header goes back to article order (the model's ARTICLE_ORDER, column -1).
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(ARTICLE_ORDER, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)

    def set_column_widths(self, natural: dict[int, int], minimum: dict[int, int]) -> None:
        """Widths the other columns get when there is room and at the least; the quote column stretches."""
        self._natural_widths, self._minimum_widths = dict(natural), dict(minimum)
        self.fit_columns()

    def set_optional_column(self, column: int, wanted: bool) -> None:
        """Show `column` only when `wanted` and the table is wide enough."""
        self._optional[column] = wanted
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give the columns their natural widths, or shrink them alike so the quote keeps its share."""
        available = self.viewport().width()
        for column, wanted in self._optional.items():
            self.setColumnHidden(column, not (wanted and available >= self._WIDE_ENOUGH))
        shown = {c: w for c, w in self._natural_widths.items() if not self.isColumnHidden(c)}
        room = available - max(120, round(available * self._QUOTE_SHARE))
        total = sum(shown.values())
        scale = 1.0 if total <= room or total == 0 else max(0, room) / total
        for column, width in shown.items():
            self.setColumnWidth(column, max(self._minimum_widths.get(column, 40), int(width * scale)))

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.fit_columns()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self.sig_leave_requested.emit()
            return
        if self.currentIndex().isValid() and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self.sig_open_requested.emit()
                return
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self.sig_delete_requested.emit()
                return
        super().keyPressEvent(event)

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        model = self.model()
        if model is not None and model.rowCount() == 0 and self.placeholder_text:
            painter = QPainter(self.viewport())
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(
                self.viewport().rect().adjusted(12, 12, -12, -12),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                self.placeholder_text,
            )
            painter.end()
