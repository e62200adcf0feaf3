"""The editor of the selected claim: its quote, type, confidence, source, cue and comment."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPointF, QRect, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QTextLayout,
    QTextOption,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook, SourceType
from annotator.domain.records import Claim
from annotator.ui import icons
from annotator.ui.look import plain_tooltip, swatch_icon
from annotator.ui.tag_controls import DEFAULT_LEVELS, fit_combos, key_hint, muted_label

SOURCE_HINT, CUE_HINT = "e.g. a defense spokesperson", "e.g. according to"
COMMENT_HINT = "Anything a reviewer should know"
_READ_WITH_KEYS = (
    Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
)


def _nothing_to_undo(field: QObject, event: QKeyEvent) -> bool:
    """Whether `event` is Undo or Redo in a text field with no typing of its own to take back or redo."""
    undo, redo = event.matches(QKeySequence.StandardKey.Undo), event.matches(QKeySequence.StandardKey.Redo)
    if not (undo or redo):
        return False
    if isinstance(field, QLineEdit):
        return not (field.isUndoAvailable() if undo else field.isRedoAvailable())
    if isinstance(field, QPlainTextEdit):
        document = field.document()
        return not (document.isUndoAvailable() if undo else document.isRedoAvailable())
    return False


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


class ClaimEditor(QWidget):
    """Edits one claim. Emits each change once: combos at once, text fields when editing finishes."""

    sig_claim_edit_requested = Signal(str, dict)
    sig_claim_delete_requested = Signal(str)
    sig_span_adjust_requested = Signal(str)
    sig_leave_requested = Signal()  # Escape with nothing typed to take back: back to the article

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._codebook: Codebook | None = None
        self._claim: Claim | None = None
        self._owner: str | None = None  # whose claims the fields edit (set_owner); None: anyone's
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
        fit_combos(8, self.type_combo, self.confidence_combo)

        self.source_edit = QLineEdit(self)
        self.source_edit.setPlaceholderText(SOURCE_HINT)
        self.source_edit.setAccessibleName("Source as named")
        self.source_edit.editingFinished.connect(lambda: self._commit_text("source"))
        self.cue_edit = QLineEdit(self)
        self.cue_edit.setPlaceholderText(CUE_HINT)
        self.cue_edit.setAccessibleName("Attribution cue")
        self.cue_edit.editingFinished.connect(lambda: self._commit_text("cue"))
        self.comment_edit = QPlainTextEdit(self)
        self.comment_edit.setAccessibleName("Comment")
        self.comment_edit.setPlaceholderText(COMMENT_HINT)
        self.comment_edit.setTabChangesFocus(True)
        line = QFontMetricsF(self.comment_edit.font()).lineSpacing()
        self.comment_edit.setFixedHeight(math.ceil(line * 3 + 2 * self.comment_edit.frameWidth() + 10))
        for widget in (
            self.type_combo,
            self.confidence_combo,
            self.source_edit,
            self.cue_edit,
            self.comment_edit,
        ):
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
        for button in (self.adjust_button, self.delete_button):
            button.installEventFilter(self)  # Escape on them goes back to the article, as from a field

        self._form = QFormLayout()
        self._form.setContentsMargins(0, 0, 0, 0)
        self._form.setHorizontalSpacing(10)
        self._form.setVerticalSpacing(6)
        self._form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self._form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        # Alt and the underlined letter reach a field from anywhere in the window (see README).
        for text, field in (
            ("&Type", self.type_combo),
            ("C&onfidence", self.confidence_combo),
            ("&Source as named", self.source_edit),
            ("Attribution c&ue", self.cue_edit),
            ("Co&mment", self.comment_edit),
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
        # Shown for a colleague's claim only: why its fields cannot be changed.
        self.owner_note = muted_label()
        self.owner_note.setWordWrap(True)
        self.owner_note.hide()
        layout.addWidget(self.owner_note)
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
        self.quote_view.set_placeholder(key_hint(len(codebook.active_types)))
        self._fill_combos()

    def set_owner(self, annotator_id: str | None) -> None:
        """Whose claims the fields edit (None: anyone's); a colleague's claim is shown read-only."""
        self._owner = annotator_id
        self.show_claim(self._claim)

    def show_claim(self, claim: Claim | None) -> None:
        """Show `claim` (or nothing) without emitting; fields keep their text when it did not change."""
        self._claim = claim
        editable = claim is not None and self._owner in (None, claim.annotator_id)
        colleagues = claim is not None and not editable
        # A colleague's source, cue and comment stay readable: read-only, not disabled, so that a long
        # comment scrolls and its text can be selected and copied.
        texts = (self.source_edit, self.cue_edit, self.comment_edit)
        for widget in self._fields:
            widget.setEnabled(editable or (colleagues and widget in texts))
        if colleagues != self.source_edit.isReadOnly():
            for edit in texts:
                edit.setReadOnly(colleagues)
                # On the window's colour, so that a field that takes no typing does not look as if it did.
                palette = edit.palette()
                base = self.palette().color(
                    QPalette.ColorRole.Window if colleagues else QPalette.ColorRole.Base
                )
                palette.setColor(QPalette.ColorRole.Base, base)
                edit.setPalette(palette)
            if colleagues:  # and read with the keyboard too (read-only text is only mouse-selectable)
                self.comment_edit.setTextInteractionFlags(_READ_WITH_KEYS)
        if colleagues:
            self.owner_note.setText(
                f"{claim.annotator_name}'s claim: only {claim.annotator_name} changes it."
                " Settle differences in Review > Review Disagreements."
            )
        self.owner_note.setVisible(colleagues)
        for edit, hint in (
            (self.source_edit, SOURCE_HINT),
            (self.cue_edit, CUE_HINT),
            (self.comment_edit, COMMENT_HINT),
        ):
            edit.setPlaceholderText("" if colleagues else hint)
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
        elif event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent):
            # A text field takes Ctrl+Z for its own typing; with none to take back, the window's
            # Undo (named in the Edit menu) gets the key instead of nothing happening.
            if _nothing_to_undo(watched, event):
                event.ignore()
                return True
        elif (
            event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Escape
            and event.modifiers() == Qt.KeyboardModifier.NoModifier
        ):
            # Escape takes back what was typed since the last commit; pressed again, or with nothing
            # to take back, it goes back to the article.
            field = self._text_field_of(watched)
            if (
                self._claim is not None
                and field is not None
                and self._text_of(field) != self._committed.get(field)
            ):
                self._set_text(field, self._committed[field])
                return True
            self.sig_leave_requested.emit()
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

        levels = codebook.confidence_levels if codebook and codebook.confidence_levels else DEFAULT_LEVELS
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
        if self._claim is None:
            return
        before = self._committed.get(field)
        self._emit_if_changed(field, self._text_of(field))
        if self._committed.get(field) != before:
            # Saved: the window's Undo takes it back now. The field's own history would otherwise
            # take the first Ctrl+Z, putting old text in the field while the project keeps the new.
            self._forget_typing(field)

    def _forget_typing(self, field: str) -> None:
        if field == "comment":
            self.comment_edit.document().clearUndoRedoStacks()
            return
        edit = self.source_edit if field == "source" else self.cue_edit
        position = edit.cursorPosition()
        edit.setText(edit.text())  # QLineEdit's only way to clear its undo history
        edit.setCursorPosition(position)

    def _on_adjust(self) -> None:
        if self._claim is not None:
            self.sig_span_adjust_requested.emit(self._claim.id)

    def _on_delete(self) -> None:
        if self._claim is not None:
            self.sig_claim_delete_requested.emit(self._claim.id)
