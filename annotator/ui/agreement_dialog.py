"""Review > Agreement: every figure, the confusion table behind each, and the claims behind each cell."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.agreement import ConfusionTable, Figure, Segment, character_confusion, confusion_table
from annotator.domain.codebook import Codebook
from annotator.domain.units import Unit
from annotator.services.review import Agreement
from annotator.ui.look import plain_tooltip
from annotator.ui.theme import style_list

MEASURE_NAMES = {
    "percent_agreement": "Percent agreement",
    "cohen_kappa": "Cohen's kappa",
    "fleiss_kappa": "Fleiss' kappa",
    "krippendorff_alpha_nominal": "Krippendorff's alpha (nominal)",
    "krippendorff_alpha_ordinal": "Krippendorff's alpha (ordinal)",
    "krippendorff_alpha_interval": "Krippendorff's alpha (interval)",
    "krippendorff_alpha_characters": "Krippendorff's alpha (characters)",
}
FIELD_NAMES = {"source_type": "Source type", "confidence": "Confidence", "span": "Span"}
CLAIM_ROLE = Qt.ItemDataRole.UserRole + 1

# Opens a claim in the main window: (article id, claim id or None for a stretch of text, start, end).
ShowClaim = Callable[[str, str | None, int, int], None]


class EnterOpensTable(QTableWidget):
    """Enter and Return open what the current cell stands for (Qt's `cellActivated`) and stop there:
    an item view passes them on after activating, and a dialog would take them as its default button's
    click, closing itself and the table just opened."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self.currentIndex().isValid():
            event.accept()


def _table(headers: list[str]) -> QTableWidget:
    table = EnterOpensTable(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
    table.verticalHeader().setVisible(True)
    return table


def _item(text: str, tip: str = "") -> QTableWidgetItem:
    item = QTableWidgetItem(text)
    if tip:
        item.setToolTip(plain_tooltip(tip))
    return item


class AgreementDialog(QDialog):
    """The figures; Enter or a double click on one opens the confusion table behind it."""

    def __init__(
        self, result: Agreement, codebook: Codebook, show_claim: ShowClaim, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Agreement")
        self.result, self.codebook, self.show_claim = result, codebook, show_claim
        plural = "s" if result.articles != 1 else ""
        who = ", ".join(result.annotators) or "nobody yet"
        summary = QLabel(
            f"{len(result.units):,} units in {result.articles} article{plural} "
            f"coded by two or more of: {who}. Double-click a figure (or press Enter) for the table behind it."
        )
        summary.setTextFormat(Qt.TextFormat.PlainText)
        summary.setWordWrap(True)
        self.table = _table(["Field", "Measure", "Annotators", "Units", "Value"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().setVisible(False)
        for figure in result.figures:
            self._add_row(figure)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.cellActivated.connect(lambda row, _column: self.open_confusion(row))
        self.table.cellDoubleClicked.connect(lambda row, _column: self.open_confusion(row))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        for button in buttons.buttons():  # Enter opens figures here; Escape closes the dialog
            if isinstance(button, QPushButton):
                button.setAutoDefault(False)
                button.setDefault(False)
        layout = QVBoxLayout(self)
        layout.addWidget(summary)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(860, 460)
        if self.table.rowCount():
            self.table.selectRow(0)
        self.table.setFocus()

    def _add_row(self, figure: Figure) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        value = f"{figure.value:.3f}" if figure.value is not None else f"— ({figure.reason})"
        cells = [
            FIELD_NAMES.get(figure.field, figure.field),
            MEASURE_NAMES.get(figure.measure, figure.measure),
            " & ".join(figure.annotators),
            f"{figure.units:,}",
            value,
        ]
        for column, text in enumerate(cells):
            self.table.setItem(row, column, _item(text, figure.reason if column == 4 else ""))

    def open_confusion(self, row: int) -> ConfusionDialog | None:
        figure = self.result.figures[row]
        if len(figure.annotators) < 2:
            return None
        dialog = ConfusionDialog(self.result, figure, self.codebook, self.show_claim, self)
        dialog.show()
        return dialog


class ConfusionDialog(QDialog):
    """What one annotator said against another for a figure's field; a cell lists its claims."""

    def __init__(
        self,
        result: Agreement,
        figure: Figure,
        codebook: Codebook,
        show_claim: ShowClaim,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.result, self.figure, self.codebook, self.show_claim = result, figure, codebook, show_claim
        self.setWindowTitle(f"{FIELD_NAMES.get(figure.field, figure.field)}: who said what")
        self.first, self.second = QComboBox(), QComboBox()
        for combo, index in ((self.first, 0), (self.second, 1)):
            combo.addItems(list(figure.annotators))
            combo.setCurrentIndex(index)
            combo.currentIndexChanged.connect(self.refresh)
        pick = QHBoxLayout()
        pick.addWidget(QLabel("Rows:"))
        pick.addWidget(self.first)
        pick.addWidget(QLabel("Columns:"))
        pick.addWidget(self.second)
        pick.addStretch(1)
        self.grid = _table([])
        self.grid.cellActivated.connect(self.open_cell)
        self.grid.cellDoubleClicked.connect(self.open_cell)
        self.claims = QListWidget()
        self.claims.setAccessibleName("Claims in the chosen cell")
        style_list(self.claims)
        self.claims.itemActivated.connect(self._show_item)
        self.claims.itemDoubleClicked.connect(self._show_item)
        self.hint = QLabel("Double-click a cell to list its claims; double-click a claim to show it.")
        layout = QVBoxLayout(self)
        layout.addLayout(pick)
        layout.addWidget(self.grid, 2)
        layout.addWidget(self.hint)
        layout.addWidget(self.claims, 1)
        self.table: ConfusionTable[Any] | None = None
        self.values: list[Hashable | None] = []
        self.resize(720, 560)
        self.refresh()

    def value_name(self, value: Hashable | None) -> str:
        field = self.figure.field
        if field == "span":
            return "inside a claim" if value else "outside every claim"
        if value is None:
            return "no claim"
        if field == "source_type":
            source_type = self.codebook.type_by_id(str(value))
            return source_type.name if source_type is not None else str(value)
        if field == "confidence" and isinstance(value, int):
            return f"{value} · {self.codebook.level_label(value)}"
        return str(value)

    def _in_codebook_order(self, values: tuple[Hashable | None, ...]) -> list[Hashable | None]:
        """Source types as the codebook lists them (not by their ids), "no claim" last."""
        if self.figure.field != "source_type":
            return list(values)
        position = {t.id: t.position for t in self.codebook.source_types}
        return sorted(values, key=lambda v: (v is None, position.get(str(v), len(position)), str(v)))

    def refresh(self) -> None:
        a, b = self.first.currentText(), self.second.currentText()
        if self.figure.field == "span":
            self.table = character_confusion(self.result.spans, a, b)
        else:
            self.table = confusion_table(self.result.units, self.figure.field, a, b)  # type: ignore[arg-type]
        self.values = self._in_codebook_order(self.table.values)
        names = [self.value_name(v) for v in self.values]
        self.grid.clear()
        self.grid.setRowCount(len(names))
        self.grid.setColumnCount(len(names))
        self.grid.setHorizontalHeaderLabels([f"{b}: {name}" for name in names])
        self.grid.setVerticalHeaderLabels([f"{a}: {name}" for name in names])
        for r, value_a in enumerate(self.values):
            for c, value_b in enumerate(self.values):
                item = _item(f"{self.table.count(value_a, value_b):,}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                if r == c:
                    font = item.font()
                    font.setBold(True)  # the diagonal: where they agree
                    item.setFont(font)
                self.grid.setItem(r, c, item)
        self.grid.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.claims.clear()

    def open_cell(self, row: int, column: int) -> None:
        assert self.table is not None
        cell = self.table.cell(self.values[row], self.values[column])
        self.claims.clear()
        if cell is None:
            return
        for entry in cell.items[:2000]:  # a cell of a large corpus is read a screenful at a time anyway
            if isinstance(entry, Segment):
                text, target = (
                    f"code points {entry.start} to {entry.end}",
                    (entry.key, None, entry.start, entry.end),
                )
            else:
                text, target = self._describe_unit(entry)
            item = QListWidgetItem(text)
            item.setData(CLAIM_ROLE, target)
            self.claims.addItem(item)

    def _describe_unit(self, unit: Unit[Any]) -> tuple[str, tuple[str, str | None, int, int]]:
        parts = []
        for name, claim in zip(unit.annotators, unit.claims, strict=True):
            if claim is None:
                parts.append(f"{name}: no claim")
            elif self.figure.field == "confidence":
                parts.append(f"{name}: {self.value_name(claim.confidence)}")
            else:
                parts.append(f"{name}: {self.value_name(claim.source_type_id)}")
        first = unit.present[0]
        quote = " ".join(first.quote.split())
        shown = quote if len(quote) <= 80 else quote[:79] + "…"
        return f"“{shown}” — {'; '.join(parts)}", (first.article_id, first.id, first.start, first.end)

    def _show_item(self, item: QListWidgetItem) -> None:
        article_id, claim_id, start, end = item.data(CLAIM_ROLE)
        self.show_claim(article_id, claim_id, start, end)
