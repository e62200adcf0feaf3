"""The annotation panel beside the article: tag buttons, confidence for new claims, the claims list and the
editor of the selected claim. It only shows claims and asks for changes; the main window carries them out."""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPointF,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QIcon,
    QKeyEvent,
    QPainter,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import DEFAULT_CONFIDENCE_LABELS, Codebook, ConfidenceLevel, SourceType
from annotator.domain.records import Claim
from annotator.ui import icons
from annotator.ui.claim_cells import ClaimCellDelegate
from annotator.ui.claims_model import (
    ANNOTATOR_COLUMN,
    ARTICLE_ORDER,
    CLAIM_ID_ROLE,
    CONFIDENCE_COLUMN,
    QUOTE_COLUMN,
    TYPE_COLUMN,
    ClaimsTableModel,
)
from annotator.ui.look import plain_tooltip, swatch_icon

_DEFAULT_LEVELS = tuple(
    ConfidenceLevel(v, label) for v, label in enumerate(DEFAULT_CONFIDENCE_LABELS, start=1)
)
# Below this many claims the list refilters on every keystroke; above it, once typing pauses.
_INSTANT_FILTER_LIMIT = 5_000
_FILTER_DELAY_MS = 150
_QUOTE_ORDER_AHEAD_FROM = 5_000  # claims; below this the first sort by quote is instant anyway


def _heading(text: str) -> QLabel:
    """A section title: small capitals, a little bolder, in the muted placeholder colour."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setCapitalization(QFont.Capitalization.SmallCaps)
    font.setWeight(QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    label.setFont(font)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _muted_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def _key_hint(count: int) -> str:
    keys = min(count, 9)
    if keys == 0:
        return "Add a source type to the codebook to tag claims"
    keys_text = "1" if keys == 1 else "1\u2013" + str(keys)  # an en dash
    return f"Select text in the article and press {keys_text} to tag a claim"


class _GridFlowLayout(QLayout):
    """Equal-width cells, as many columns as fit: long type names wrap to more rows instead of being cut."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        cell = self._cell()
        columns = min(len(self._items), 2) or 1
        return QSize(
            columns * cell.width() + (columns - 1) * self._gap, self.heightForWidth(columns * cell.width())
        )

    def minimumSize(self) -> QSize:
        # One column is always possible, so the narrowest cell is the narrowest the layout gets.
        cell = self._cell()
        return QSize(cell.width(), cell.height())

    def _cell(self) -> QSize:
        width = max((item.sizeHint().width() for item in self._items), default=0)
        height = max((item.sizeHint().height() for item in self._items), default=0)
        return QSize(width, height)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        if not self._items:
            return 0
        cell = self._cell()
        columns = max(1, min(len(self._items), (rect.width() + self._gap) // (cell.width() + self._gap)))
        width = (rect.width() - (columns - 1) * self._gap) / columns
        rows = math.ceil(len(self._items) / columns)
        if move:
            for number, item in enumerate(self._items):
                row, column = divmod(number, columns)
                left = rect.x() + round(column * (width + self._gap))
                right = rect.x() + round(column * (width + self._gap) + width)
                item.setGeometry(
                    QRect(left, rect.y() + row * (cell.height() + self._gap), right - left, cell.height())
                )
        return rows * cell.height() + (rows - 1) * self._gap


class _ConfidencePicker(QWidget):
    """Five checkable level buttons in a row and the selected level's label beside them."""

    sig_confidence_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._levels: tuple[ConfidenceLevel, ...] = ()
        self._value = 3
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.idClicked.connect(self._on_clicked)
        self._buttons_row = QHBoxLayout()
        self._buttons_row.setSpacing(4)
        self._label = _muted_label()
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(self._buttons_row)
        row.addSpacing(8)
        row.addWidget(self._label, 1)
        self.buttons: list[QToolButton] = []
        self.set_levels(_DEFAULT_LEVELS)

    @property
    def value(self) -> int:
        return self._value

    def set_levels(self, levels: Sequence[ConfidenceLevel]) -> None:
        levels = tuple(levels) or _DEFAULT_LEVELS
        if levels == self._levels:
            return
        self._levels = levels
        for button in self.buttons:
            self._group.removeButton(button)
            self._buttons_row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.buttons = []
        for level in self._levels:
            button = QToolButton(self)
            button.setText(str(level.value))
            button.setCheckable(True)
            # Clicking must not take the focus (and the visible selection) away from the article.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setMinimumSize(QSize(30, 26))
            button.setToolTip(plain_tooltip(f"{level.value} · {level.label}"))
            button.setAccessibleName(f"Confidence {level.value}, {level.label}")
            self._group.addButton(button, level.value)
            self._buttons_row.addWidget(button)
            self.buttons.append(button)
        values = [level.value for level in self._levels]
        self.set_value(self._value if self._value in values else values[len(values) // 2])

    def set_value(self, value: int) -> None:
        button = self._group.button(value)
        if button is None:
            return
        self._value = value
        button.setChecked(True)
        self._label.setText(next(level.label for level in self._levels if level.value == value))

    def _on_clicked(self, value: int) -> None:
        if value != self._value:
            self.set_value(value)
            self.sig_confidence_changed.emit(value)


class _QuoteView(QWidget):
    """A quote as plain, wrapped text, the last line elided, beside a bar in the type colour.

    Its height is fixed at MAX_LINES lines so that the list above does not jump as the selection moves.
    """

    MAX_LINES = 3
    _BAR = 3
    _PAD = 8

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._text = ""
        self._placeholder = ""
        self._accent: QColor | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._fix_height()

    def text(self) -> str:
        return self._text

    def set_quote(self, text: str, accent: str | None = None) -> None:
        self._text = text
        self._accent = QColor(accent) if accent else None
        self.setToolTip(plain_tooltip(text) if text else "")
        self.setAccessibleDescription(text or self._placeholder)
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        if not self._text:
            self.setAccessibleDescription(text)
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(240, self.height())

    def minimumSizeHint(self) -> QSize:
        return QSize(80, self.height())

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fix_height()
        super().changeEvent(event)

    def _fix_height(self) -> None:
        self.setFixedHeight(self.MAX_LINES * math.ceil(QFontMetricsF(self.font()).lineSpacing()) + 4)

    def _shown_font(self) -> QFont:
        font = QFont(self.font())
        font.setItalic(not self._text)  # the placeholder hint reads as a hint
        return font

    def _lines(self, width: int) -> tuple[list[tuple[int, int]], QTextLayout]:
        """(start, length) of the lines that fit, and the layout; line breaks in the quote are kept."""
        shown = self._text or self._placeholder
        text = shown.replace("\r\n", "\u2028").replace("\n", "\u2028").replace("\r", "\u2028")
        layout = QTextLayout(text, self._shown_font())
        option = QTextOption()
        option.setWrapMode(QTextOption.WrapMode.WrapAtWordBoundaryOrAnywhere)
        layout.setTextOption(option)
        lines: list[tuple[int, int]] = []
        layout.beginLayout()
        spacing = QFontMetricsF(self.font()).lineSpacing()
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(10, width))
            line.setPosition(QPointF(0, len(lines) * spacing))
            lines.append((line.textStart(), line.textLength()))
            if len(lines) > self.MAX_LINES:
                break
        layout.endLayout()
        return lines, layout

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        left = self._BAR + self._PAD
        painter.setFont(self._shown_font())
        if not self._text:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        width = self.width() - left
        lines, layout = self._lines(width)
        if self._accent is not None:
            shown_lines = min(len(lines), self.MAX_LINES)
            bar_height = round(shown_lines * QFontMetricsF(self._shown_font()).lineSpacing())
            painter.fillRect(QRect(0, 2, self._BAR, bar_height), self._accent)
        elide = len(lines) > self.MAX_LINES
        text = layout.text()
        metrics = painter.fontMetrics()
        for number, (start, _length) in enumerate(lines[: self.MAX_LINES]):
            line = layout.lineAt(number)
            if elide and number == self.MAX_LINES - 1:
                rest = text[start:].replace("\u2028", " ⏎ ")
                elided = metrics.elidedText(rest, Qt.TextElideMode.ElideRight, width)
                top = round(line.y())
                painter.drawText(
                    QRect(left, top + 2, width, metrics.height()), Qt.AlignmentFlag.AlignLeft, elided
                )
            else:
                line.draw(painter, QPointF(left, 2))
        painter.end()


class _ClaimsTable(QTableView):
    """The claims list: Enter opens the editor, Delete asks to delete, and an empty list says why it is."""

    sig_open_requested = Signal()
    sig_delete_requested = Signal()

    _QUOTE_SHARE = 0.38  # the quote is what people scan: it keeps this much of a narrow panel
    _WIDE_ENOUGH = 340  # below this the optional columns hide (every header still fits above it)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.placeholder_text = ""
        self._natural_widths: dict[int, int] = {}
        self._minimum_widths: dict[int, int] = {}
        self._optional: dict[int, bool] = {}  # column: whether it is worth showing when there is room

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


class _ClaimEditor(QWidget):
    """Edits one claim. Emits each change once: combos at once, text fields when editing finishes."""

    sig_claim_edit_requested = Signal(str, dict)
    sig_claim_delete_requested = Signal(str)
    sig_span_adjust_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._codebook: Codebook | None = None
        self._claim: Claim | None = None
        # What the fields showed when loaded or last emitted: the yardstick for "the value changed".
        self._committed: dict[str, Any] = {}
        # What the combos hold, so that showing another claim refills them only when their items differ.
        self._type_items: list[tuple[str | None, str, Any]] | None = None
        self._level_items: list[tuple[str, Any]] | None = None

        self.quote_view = _QuoteView(self)
        self.quote_view.setAccessibleName("Quote")

        self.type_combo = QComboBox(self)
        self.type_combo.setAccessibleName("Source type")
        self.type_combo.activated.connect(self._on_type_activated)
        self.confidence_combo = QComboBox(self)
        self.confidence_combo.setAccessibleName("Confidence")
        self.confidence_combo.activated.connect(self._on_confidence_activated)
        for combo in (self.type_combo, self.confidence_combo):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(8)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

        self.source_edit = QLineEdit(self)
        self.source_edit.setPlaceholderText("e.g. a defense spokesperson")
        self.source_edit.setAccessibleName("Source as named")
        self.source_edit.editingFinished.connect(lambda: self._commit_text("source"))
        self.cue_edit = QLineEdit(self)
        self.cue_edit.setPlaceholderText("e.g. according to")
        self.cue_edit.setAccessibleName("Attribution cue")
        self.cue_edit.editingFinished.connect(lambda: self._commit_text("cue"))
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setAccessibleName("Comment")
        self.comment_edit.setPlaceholderText("Anything a reviewer should know")
        self.comment_edit.setTabChangesFocus(True)
        line = QFontMetricsF(self.comment_edit.font()).lineSpacing()
        self.comment_edit.setFixedHeight(math.ceil(line * 3 + 2 * self.comment_edit.frameWidth() + 10))
        for widget in (self.source_edit, self.cue_edit, self.comment_edit):
            widget.installEventFilter(self)

        self.adjust_button = QPushButton("Adjust span to selection", self)
        icons.set_icon_later(self.adjust_button.setIcon, "mdi6.arrow-expand-horizontal")
        self.adjust_button.setToolTip("Move this claim's span to the text selected in the article")
        self.adjust_button.setAccessibleName("Adjust span to selection")
        self.adjust_button.clicked.connect(self._on_adjust)
        self.delete_button = QPushButton("Delete", self)
        icons.set_icon_later(self.delete_button.setIcon, "mdi6.delete-outline")
        self.delete_button.setToolTip("Delete this claim (Delete key in the list; undo brings it back)")
        self.delete_button.setAccessibleName("Delete claim")
        self.delete_button.clicked.connect(self._on_delete)

        self._form = QFormLayout()
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setHorizontalSpacing(10)
        self._form.setVerticalSpacing(6)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        for text, field in (
            ("Type", self.type_combo),
            ("Confidence", self.confidence_combo),
            ("Source as named", self.source_edit),
            ("Attribution cue", self.cue_edit),
            ("Comment", self.comment_edit),
        ):
            label = QLabel(text)
            label.setTextFormat(Qt.TextFormat.PlainText)
            label.setBuddy(field)
            self._form.addRow(label, field)

        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.adjust_button)
        buttons.addStretch(1)
        buttons.addWidget(self.delete_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(self.quote_view)
        layout.addLayout(self._form)
        layout.addLayout(buttons)

        self._fields: tuple[QWidget, ...] = (
            self.type_combo,
            self.confidence_combo,
            self.source_edit,
            self.cue_edit,
            self.comment_edit,
            self.adjust_button,
            self.delete_button,
        )
        self.show_claim(None)

    @property
    def claim_id(self) -> str | None:
        return self._claim.id if self._claim is not None else None

    def set_codebook(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self.quote_view.set_placeholder(_key_hint(len(codebook.active_types)))
        self._fill_combos()

    def show_claim(self, claim: Claim | None) -> None:
        """Show `claim` (or nothing) without emitting; fields keep their text when it did not change."""
        self._claim = claim
        for widget in self._fields:
            widget.setEnabled(claim is not None)
        if claim is None:
            self._committed = {}
            self.quote_view.set_quote("")
            for edit in (self.source_edit, self.cue_edit):
                edit.clear()
            self.comment_edit.clear()
            self.type_combo.setCurrentIndex(-1)
            self.confidence_combo.setCurrentIndex(-1)
            return
        self._committed = {
            "source_type_id": claim.source_type_id,
            "confidence": claim.confidence,
            # Stripped, as _text_of reads the fields: stray spaces in stored text are no edit.
            "source": claim.source.strip(),
            "cue": claim.cue.strip(),
            "comment": claim.comment.strip(),
        }
        source_type = self._codebook.type_by_id(claim.source_type_id) if self._codebook else None
        self.quote_view.set_quote(claim.quote, source_type.colour if source_type else None)
        self._fill_combos()
        for edit, value in ((self.source_edit, claim.source), (self.cue_edit, claim.cue)):
            if edit.text() != value:
                edit.setText(value)
        if self.comment_edit.toPlainText() != claim.comment:
            self.comment_edit.setPlainText(claim.comment)

    def commit_pending(self) -> None:
        """Emit text fields still being edited, before the editor moves to another claim."""
        for field in ("source", "cue", "comment"):
            self._commit_text(field)

    def focus_first_field(self) -> None:
        if self._claim is not None:
            self.type_combo.setFocus(Qt.FocusReason.OtherFocusReason)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.FocusOut and watched is self.comment_edit:
            self._commit_text("comment")
        elif (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and self._claim is not None
        ):
            # Escape takes back what was typed since the last commit.
            field = self._text_field_of(watched)
            if field is not None and self._text_of(field) != self._committed.get(field):
                self._set_text(field, self._committed[field])
                return True
        return super().eventFilter(watched, event)

    def _fill_combos(self) -> None:
        """Active types and the codebook's levels, plus the claim's own value if the codebook lacks it."""
        claim, codebook = self._claim, self._codebook
        types: list[SourceType] = list(codebook.active_types) if codebook else []
        extra_type = None
        if claim is not None and claim.source_type_id not in {t.id for t in types}:
            extra_type = codebook.type_by_id(claim.source_type_id) if codebook else None
        # (colour or None, text, id) of each item; the combos are refilled only when these change.
        type_items: list[tuple[str | None, str, Any]] = [(t.colour, t.name, t.id) for t in types]
        if claim is not None and extra_type is not None:
            type_items.append((extra_type.colour, f"{extra_type.name} (retired)", extra_type.id))
        elif claim is not None and claim.source_type_id not in {item[2] for item in type_items}:
            type_items.append((None, "(unknown type)", claim.source_type_id))
        if type_items != self._type_items:
            self._type_items = type_items
            self.type_combo.clear()
            for colour, text, type_id in type_items:
                if colour is None:
                    self.type_combo.addItem(text, type_id)
                else:
                    self.type_combo.addItem(swatch_icon(colour), text, type_id)

        levels = codebook.confidence_levels if codebook and codebook.confidence_levels else _DEFAULT_LEVELS
        level_items = [(f"{level.value} · {level.label}", level.value) for level in levels]
        if claim is not None and claim.confidence not in {value for _, value in level_items}:
            level_items.append((str(claim.confidence), claim.confidence))
        if level_items != self._level_items:
            self._level_items = level_items
            self.confidence_combo.clear()
            for text, value in level_items:
                self.confidence_combo.addItem(text, value)

        if claim is not None:
            type_index = self.type_combo.findData(claim.source_type_id)
            confidence_index = self.confidence_combo.findData(claim.confidence)
        else:
            type_index = confidence_index = -1
        if self.type_combo.currentIndex() != type_index:
            self.type_combo.setCurrentIndex(type_index)
        if self.confidence_combo.currentIndex() != confidence_index:
            self.confidence_combo.setCurrentIndex(confidence_index)

    def _emit_if_changed(self, field: str, value: Any) -> None:
        if self._claim is None or self._committed.get(field) == value:
            return
        self._committed[field] = value
        self.sig_claim_edit_requested.emit(self._claim.id, {field: value})

    def _on_type_activated(self, index: int) -> None:
        self._emit_if_changed("source_type_id", self.type_combo.itemData(index))

    def _on_confidence_activated(self, index: int) -> None:
        self._emit_if_changed("confidence", self.confidence_combo.itemData(index))

    def _text_field_of(self, widget: QObject) -> str | None:
        if widget is self.source_edit:
            return "source"
        if widget is self.cue_edit:
            return "cue"
        return "comment" if widget is self.comment_edit else None

    def _text_of(self, field: str) -> str:
        if field == "comment":
            return self.comment_edit.toPlainText().strip()
        return (self.source_edit if field == "source" else self.cue_edit).text().strip()

    def _set_text(self, field: str, value: str) -> None:
        if field == "comment":
            self.comment_edit.setPlainText(value)
        else:
            (self.source_edit if field == "source" else self.cue_edit).setText(value)

    def _commit_text(self, field: str) -> None:
        if self._claim is not None:
            self._emit_if_changed(field, self._text_of(field))

    def _on_adjust(self) -> None:
        if self._claim is not None:
            self.sig_span_adjust_requested.emit(self._claim.id)

    def _on_delete(self) -> None:
        if self._claim is not None:
            self.sig_claim_delete_requested.emit(self._claim.id)


class ClaimPanel(QWidget):
    """Tag buttons, confidence for new claims, the filterable claims list and the selected claim's editor.

    Signals fire for user actions only; the set_/select_/upsert_ methods never emit, so the main window
    can mirror changes made elsewhere (the article, undo) without feedback loops.
    """

    sig_tag_requested = Signal(str)  # source type id: tag the article's selection as a new claim
    sig_confidence_changed = Signal(int)  # the confidence new claims get
    sig_claim_selected = Signal(str)  # claim id, or "" when the user cleared the selection
    # claim id, {field: new value} with one field of EDITABLE_CLAIM_FIELDS
    sig_claim_edit_requested = Signal(str, dict)
    sig_claim_delete_requested = Signal(str)  # claim id
    sig_span_adjust_requested = Signal(str)  # claim id: move its span to the article's selection

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._codebook: Codebook | None = None
        self._selected_id: str | None = None
        self._syncing = False  # set while the panel itself changes the view's selection
        self._annotators: list[tuple[str, str]] = []
        self._shown_annotators: frozenset[str] | None = None  # whose claims View > Show Claims Of shows
        self.model = ClaimsTableModel(self)

        # Tag buttons
        self.type_buttons: list[QPushButton] = []
        self._type_box = QWidget(self)
        self._type_grid = _GridFlowLayout(self._type_box, spacing=6)

        # Confidence for new claims
        self._confidence = _ConfidencePicker(self)
        self._confidence.sig_confidence_changed.connect(self.sig_confidence_changed)

        # Claims list and its filters
        self._count_label = _muted_label()
        self._count_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setPlaceholderText("Filter claims…")
        self.filter_edit.setClearButtonEnabled(True)
        search = self.filter_edit.addAction(QIcon(), QLineEdit.ActionPosition.LeadingPosition)
        icons.set_icon_later(search.setIcon, "mdi6.magnify", color=self._muted_colour())
        self.filter_edit.setAccessibleName("Filter claims")
        self.filter_edit.setToolTip("Show claims whose quote, source, cue or comment contains this text")
        self.filter_edit.textChanged.connect(self._on_filter_text_changed)
        self._filter_timer = QTimer(self)
        self._filter_timer.setSingleShot(True)
        self._filter_timer.setInterval(_FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        # A long list's quote order (~0.2 s per 100,000 claims) is worked out once the article is shown,
        # in slices between the user's events, so that a click on the Quote header does not wait for it.
        self._quote_order_timer = QTimer(self)
        self._quote_order_timer.setInterval(0)
        self._quote_order_timer.timeout.connect(self._advance_quote_order)
        self.type_filter = QComboBox(self)
        self.type_filter.setAccessibleName("Filter by source type")
        self.type_filter.activated.connect(self._apply_filter)
        self.annotator_filter = QComboBox(self)
        self.annotator_filter.setAccessibleName("Filter by annotator")
        self.annotator_filter.activated.connect(self._apply_filter)
        for combo in (self.type_filter, self.annotator_filter):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(6)
            combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.annotator_filter.addItem("All annotators", None)

        self.table_view = _ClaimsTable(self)

        # Editor of the selected claim
        self.editor = _ClaimEditor(self)
        self.editor.sig_claim_edit_requested.connect(self.sig_claim_edit_requested)
        self.editor.sig_claim_delete_requested.connect(self.sig_claim_delete_requested)
        self.editor.sig_span_adjust_requested.connect(self.sig_span_adjust_requested)

        self._setup_table()

        self._build_layout()
        self.set_codebook(Codebook((), _DEFAULT_LEVELS))
        self._update_count()

    # --- public API -------------------------------------------------------------------------------------

    @property
    def current_confidence(self) -> int:
        """The confidence a newly tagged claim gets."""
        return self._confidence.value

    def set_current_confidence(self, value: int) -> None:
        self._confidence.set_value(value)

    @property
    def confidence_buttons(self) -> list[QToolButton]:
        return self._confidence.buttons

    def set_codebook(self, codebook: Codebook) -> None:
        self._codebook = codebook
        with self._syncing_selection():
            self.model.set_codebook(codebook)
        self._build_type_buttons(codebook.active_types)
        self._confidence.set_levels(codebook.confidence_levels)
        self._fill_type_filter()
        self.editor.set_codebook(codebook)
        if self._selected_id is not None:
            self.editor.show_claim(self.model.claim(self._selected_id))
        self._fit_columns()
        self._update_tab_order()

    def set_tagging_enabled(self, enabled: bool) -> None:
        """Enable the tag buttons only while the article has a selection to tag."""
        self._type_box.setEnabled(enabled)

    def set_claims(self, claims: Iterable[Claim]) -> None:
        """Show these claims (say, the article's); the selection survives if its claim is still there."""
        with self._syncing_selection():
            self.model.set_claims(claims)
        if self.model.total_count() >= _QUOTE_ORDER_AHEAD_FROM:
            self._quote_order_timer.start()
        if self._selected_id is not None and self.model.claim(self._selected_id) is None:
            self._selected_id = None
        self.editor.show_claim(self.model.claim(self._selected_id) if self._selected_id else None)
        self._after_claims_changed()

    def upsert_claim(self, claim: Claim) -> None:
        """Add or update one claim; the editor follows when it is the selected claim, without emitting."""
        with self._syncing_selection():
            self.model.upsert(claim)
        if claim.id == self._selected_id:
            self.editor.show_claim(claim)
        self._after_claims_changed()

    def remove_claim(self, claim_id: str) -> None:
        with self._syncing_selection():
            self.model.remove(claim_id)
        if claim_id == self._selected_id:
            self._selected_id = None
            self.editor.show_claim(None)
        self._after_claims_changed()

    def set_shown_annotators(self, annotator_ids: frozenset[str] | None) -> None:
        """List only these annotators' claims (None: everyone's); the annotator filter offers only them."""
        if annotator_ids == self._shown_annotators:
            return
        self._shown_annotators = annotator_ids
        self._fill_annotator_filter(anew=True)
        self._apply_filter()

    def select_claim(self, claim_id: str | None) -> None:
        """Select (and scroll to) `claim_id`, or nothing, without emitting `sig_claim_selected`."""
        if claim_id is not None and self.model.claim(claim_id) is None:
            claim_id = None
        if claim_id != self._selected_id:
            self.editor.commit_pending()
        self._selected_id = claim_id
        self.editor.show_claim(self.model.claim(claim_id) if claim_id else None)
        self._sync_view_selection(scroll=True)

    def selected_claim_id(self) -> str | None:
        return self._selected_id

    def commit_pending(self) -> None:
        """Send text still being typed in the editor (before another edit, a switch or a close)."""
        self.editor.commit_pending()

    # --- building -------------------------------------------------------------------------------------------

    def _muted_colour(self) -> QColor:
        return self.palette().color(QPalette.ColorRole.PlaceholderText)

    def _setup_table(self) -> None:
        view = self.table_view
        view.setModel(self.model)
        view.setItemDelegate(ClaimCellDelegate(view))
        view.setAccessibleName("Claims")
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.setShowGrid(False)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        view.setIconSize(QSize(16, 16))
        view.placeholder_text = "No claims yet"
        rows = view.verticalHeader()
        rows.hide()
        # Fixed row heights: Qt never measures 100,000 rows.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(view.fontMetrics().height() + 10)
        view.setMinimumHeight(4 * rows.defaultSectionSize())
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(QUOTE_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(40)
        # A third click on a header goes back to article order (the model's ARTICLE_ORDER, column -1).
        header.setSortIndicatorClearable(True)
        header.setSortIndicator(ARTICLE_ORDER, Qt.SortOrder.AscendingOrder)
        view.setSortingEnabled(True)
        view.set_optional_column(ANNOTATOR_COLUMN, False)  # until a second annotator shows up
        view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        view.doubleClicked.connect(lambda _index: self.editor.focus_first_field())
        view.sig_open_requested.connect(self.editor.focus_first_field)
        view.sig_delete_requested.connect(self._on_delete_key)

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(6)

        layout.addWidget(_heading("Tag selection as"))
        layout.addWidget(self._type_box)
        layout.addSpacing(12)

        layout.addWidget(_heading("Confidence for new claims"))
        layout.addWidget(self._confidence)
        layout.addSpacing(12)

        title = QHBoxLayout()
        title.addWidget(_heading("Claims"))
        title.addStretch(1)
        title.addWidget(self._count_label)
        layout.addLayout(title)
        layout.addWidget(self.filter_edit)
        filters = QHBoxLayout()
        filters.setSpacing(6)
        filters.addWidget(self.type_filter, 1)
        filters.addWidget(self.annotator_filter, 1)
        layout.addLayout(filters)
        layout.addWidget(self.table_view, 1)
        layout.addSpacing(12)

        layout.addWidget(_heading("Selected claim"))
        layout.addWidget(self.editor)

    def _build_type_buttons(self, types: Sequence[SourceType]) -> None:
        for button in self.type_buttons:
            self._type_grid.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.type_buttons = []
        for number, source_type in enumerate(types, start=1):
            key = str(number) if number <= 9 else ""
            button = QPushButton(
                swatch_icon(source_type.colour), f"{key}  {source_type.name}".strip(), self._type_box
            )
            button.setIconSize(QSize(16, 16))
            # Left-aligned like a list: the key numbers line up and the names read as a column.
            button.setStyleSheet("text-align: left; padding: 5px 10px 5px 8px;")
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a click keeps the article's focus and selection
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            definition = source_type.definition.strip()
            button.setToolTip(plain_tooltip(f"{definition}\nKey: {key}" if key else definition))
            button.setAccessibleName(f"Tag as {source_type.name}" + (f", key {key}" if key else ""))
            button.setAccessibleDescription(definition)
            button.clicked.connect(
                lambda _checked=False, type_id=source_type.id: self.sig_tag_requested.emit(type_id)
            )
            self._type_grid.addWidget(button)
            self.type_buttons.append(button)
        self._type_box.updateGeometry()

    def _fill_type_filter(self) -> None:
        current = self.type_filter.currentData()
        self.type_filter.clear()
        self.type_filter.addItem("All types", None)
        types = self._codebook.source_types if self._codebook else ()
        for source_type in types:
            name = f"{source_type.name} (retired)" if source_type.retired else source_type.name
            self.type_filter.addItem(swatch_icon(source_type.colour), name, source_type.id)
        index = self.type_filter.findData(current) if current is not None else 0
        self.type_filter.setCurrentIndex(max(0, index))
        if current is not None and index < 0:
            self._apply_filter()

    def _fill_annotator_filter(self, *, anew: bool = False) -> None:
        annotators = self.model.annotators()
        shown = self._shown_annotators
        if shown is not None:
            annotators = [pair for pair in annotators if pair[0] in shown]
        if annotators == self._annotators and not anew:
            return
        self._annotators = annotators
        current = self.annotator_filter.currentData()
        self.annotator_filter.clear()
        self.annotator_filter.addItem("All annotators", None)
        for annotator_id, name in annotators:
            self.annotator_filter.addItem(name, annotator_id)
        index = self.annotator_filter.findData(current) if current is not None else 0
        self.annotator_filter.setCurrentIndex(max(0, index))
        if current is not None and index < 0:
            self._apply_filter()
        # With one annotator the column only repeats their name; the quote needs the room more.
        self.table_view.set_optional_column(ANNOTATOR_COLUMN, len(annotators) > 1)
        self._fit_columns()

    def _fit_columns(self) -> None:
        metrics = self.table_view.fontMetrics()
        header_metrics = self.table_view.horizontalHeader().fontMetrics()
        padding = 18  # the cell's margins
        types = self._codebook.source_types if self._codebook else ()
        levels = self._codebook.confidence_levels if self._codebook else _DEFAULT_LEVELS
        contents = {
            TYPE_COLUMN: [metrics.horizontalAdvance(t.name) + 22 for t in types],  # 22: the swatch
            CONFIDENCE_COLUMN: [metrics.horizontalAdvance(f"{lv.value} · {lv.label}") for lv in levels],
            ANNOTATOR_COLUMN: [metrics.horizontalAdvance(name) for _, name in self._annotators],
        }
        caps = {TYPE_COLUMN: 140, CONFIDENCE_COLUMN: 140, ANNOTATOR_COLUMN: 110}
        # A column never gets narrower than its header, so no title is ever cut.
        minimum = {
            column: header_metrics.horizontalAdvance(
                str(self.model.headerData(column, Qt.Orientation.Horizontal))
            )
            + padding
            for column in contents
        }
        natural = {
            column: min(caps[column], max([minimum[column], *(w + padding for w in widths)]))
            for column, widths in contents.items()
        }
        self.table_view.set_column_widths(natural, minimum)

    def _update_tab_order(self) -> None:
        chain: list[QWidget] = [
            *self.type_buttons,
            *self._confidence.buttons,
            self.filter_edit,
            self.type_filter,
            self.annotator_filter,
            self.table_view,
            self.editor.type_combo,
            self.editor.confidence_combo,
            self.editor.source_edit,
            self.editor.cue_edit,
            self.editor.comment_edit,
            self.editor.adjust_button,
            self.editor.delete_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- behaviour ----------------------------------------------------------------------------------------

    @contextmanager
    def _syncing_selection(self) -> Iterator[None]:
        """Marks selection changes made by the panel itself, so they are not taken for the user's."""
        outer, self._syncing = self._syncing, True
        try:
            yield
        finally:
            self._syncing = outer

    def _after_claims_changed(self) -> None:
        self._fill_annotator_filter()
        self._sync_view_selection(scroll=False)
        self._update_count()

    def _update_count(self) -> None:
        shown, total = self.model.rowCount(), self.model.total_count()
        if self._shown_annotators is not None:  # others' claims are not counted: blind mode hides them
            total = self.model.count_by(self._shown_annotators)
        self._count_label.setText(f"{total}" if shown == total else f"{shown} of {total}")
        self.table_view.placeholder_text = "No claims match the filter" if total else "No claims yet"
        self.table_view.viewport().update()

    def _sync_view_selection(self, *, scroll: bool) -> None:
        row = self.model.row_of(self._selected_id) if self._selected_id is not None else None
        selection = self.table_view.selectionModel()
        with self._syncing_selection():
            if row is None:
                selection.clearSelection()
                return
            index = self.model.index(row, QUOTE_COLUMN)
            if not selection.isRowSelected(row, QModelIndex()) or selection.currentIndex().row() != row:
                flags = (
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
                selection.setCurrentIndex(index, flags)
        if scroll:
            self.table_view.scrollTo(index, QAbstractItemView.ScrollHint.EnsureVisible)

    def _on_selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        if self._syncing:
            return
        rows = self.table_view.selectionModel().selectedRows()
        claim_id = rows[0].data(CLAIM_ID_ROLE) if rows else None
        if claim_id == self._selected_id:
            return
        self.editor.commit_pending()
        self._selected_id = claim_id
        self.editor.show_claim(self.model.claim(claim_id) if claim_id else None)
        self.sig_claim_selected.emit(claim_id or "")

    def _advance_quote_order(self) -> None:
        if self.model.advance_quote_order():
            self._quote_order_timer.stop()

    def _on_delete_key(self) -> None:
        if self._selected_id is not None:
            self.sig_claim_delete_requested.emit(self._selected_id)

    def _on_filter_text_changed(self, text: str) -> None:
        if not text or self.model.total_count() < _INSTANT_FILTER_LIMIT:
            self._filter_timer.stop()
            self._apply_filter()
        else:
            self._filter_timer.start()

    def _apply_filter(self) -> None:
        type_id = self.type_filter.currentData()
        annotator_id = self.annotator_filter.currentData()
        annotator_ids = frozenset({annotator_id}) if annotator_id is not None else self._shown_annotators
        with self._syncing_selection():
            self.model.set_filter(
                text=self.filter_edit.text(),
                type_ids=frozenset({type_id}) if type_id is not None else None,
                annotator_ids=annotator_ids,
            )
        self._sync_view_selection(scroll=True)
        self._update_count()
