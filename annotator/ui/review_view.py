"""Review > Review Disagreements: an article's units beside the text, what each annotator said, and the
reviewer's decision on each, settled from the keyboard (accept, edit, reject) as undoable commands."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAction,
    QBrush,
    QColor,
    QFont,
    QKeyEvent,
    QKeySequence,
    QShowEvent,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QMainWindow,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook
from annotator.domain.decisions import (
    ArticleProgress,
    ClaimVersion,
    Outcome,
    ReviewUnit,
    review_progress,
)
from annotator.domain.records import Annotator, Changes, Claim
from annotator.domain.text import trim_span
from annotator.domain.units import Difference
from annotator.ui.background import Worker
from annotator.ui.dialogs import DialogService
from annotator.ui.look import ERROR_COLOUR, plain_tooltip
from annotator.ui.review_commands import (
    AcceptAgreementsCommand,
    SettleCommand,
    UnsettleCommand,
    decision_text,
)
from annotator.ui.undo import short_quote

if TYPE_CHECKING:
    from annotator.services.project import Project

log = logging.getLogger(__name__)

# Shows a claim in the main window: (article id, claim id or None for a stretch of text, start, end).
ShowClaim = Callable[[str, str | None, int, int], None]
Index = QModelIndex | QPersistentModelIndex

UNIT_ROLE = Qt.ItemDataRole.UserRole + 1
ARTICLE_ID_ROLE = Qt.ItemDataRole.UserRole + 1  # where the main window's article list keeps the id
_KEYS = (
    ("N / Shift+N", "next / previous disagreement"),
    ("1 to 9", "accept that annotator's version"),
    ("E", "edit"),
    ("R or Delete", "reject"),
    ("U", "take back"),
    ("A", "accept every agreement"),
)
# A key and what it does never part at the end of a line: only the separators between them break.
KEYS_HINT = "   ·   ".join(f"{key}  {does}".replace(" ", "\u00a0") for key, does in _KEYS)
# Tints, paired with words in every cell: colour alone never carries the meaning.
AGREE_TINT, DIFFER_TINT, STALE_TINT = "#E6F4EA", "#FFF1DB", "#FBE3E1"
SETTLED_COLOUR, MUTED_COLOUR = "#1E6B34", "#6B6B6B"
DASH = "\N{EN DASH}"  # between the ends of a span
QUOTE_WIDTH, CAP_WIDTH, MIN_WIDTH = 120, 300, 90  # pixels


ORPHANED_WORDS = "decided · its claims were deleted"


def always() -> bool:
    """A panel's project counts as open until its dock says otherwise."""
    return True


def difference_words(unit: ReviewUnit) -> str:
    """What differs in a unit, in words: "agree", or e.g. "only Ana · type · confidence"."""
    if unit.orphaned:
        return ORPHANED_WORDS
    differences = unit.differences
    if not differences:
        return "✓ agree"
    words = []
    if Difference.MISSING in differences:
        words.append("only " + " & ".join(c.annotator_name for c in unit.unit.present))
    if Difference.SPAN in differences:
        words.append("span")
    if Difference.SOURCE_TYPE in differences:
        words.append("type")
    if Difference.CONFIDENCE in differences:
        words.append("confidence")
    return "≠ " + " · ".join(words)


def chosen_name(unit: ReviewUnit) -> str | None:
    """Whose version the unit's decision kept (None: rejected, or that claim is gone)."""
    chosen = unit.decision.chosen_claim_id if unit.decision else None
    return next((c.annotator_name for c in unit.unit.present if c.id == chosen), None)


def decision_words(unit: ReviewUnit, codebook: Codebook | None = None) -> str:
    decision = unit.decision
    if decision is None:
        return "—  open"
    if unit.orphaned and decision.reviewed is not None:
        # No version is left to name: what the reviewed layer still holds is the claim itself.
        reviewed = decision.reviewed
        kind = codebook.type_by_id(reviewed.source_type_id) if codebook else None
        level = codebook.level_label(reviewed.confidence) if codebook else str(reviewed.confidence)
        return f"⚠ claims deleted: kept {kind.name if kind else '?'} · {level}"
    if decision.outcome is Outcome.REJECTED:
        said = "✗ Rejected"
    else:
        whose = chosen_name(unit)
        version = f"{whose}'s version" if whose else "a version"
        said = f"✓ Accepted {version}" if decision.outcome is Outcome.ACCEPTED else f"✎ Edited {version}"
    # Stale: the check mark gives way to the warning, and the details under the list say why.
    return f"⚠ changed: {said[2:]}" if unit.stale else said


def progress_words(progress: ArticleProgress) -> str:
    if progress.total_units == 0:
        return "No claims on this article yet"
    left = progress.disagreements_left
    return (
        f"{progress.settled} of {progress.total_units} unit{'s' if progress.total_units != 1 else ''} settled"
        f" · {left} disagreement{'s' if left != 1 else ''} left"
    )


def share_widths(wanted: dict[int, int], room: int, quote: int, whole: set[int]) -> dict[int, int]:
    """Column widths for a list `room` pixels wide, from the width each column's words want.

    The `whole` columns (the decision) keep their words' width; the others as much as theirs, up to
    CAP_WIDTH (tooltips hold the rest); the `quote` takes what is left. Short of room, the quote gives
    way first (eliding, down to QUOTE_WIDTH), then the other columns share the loss (down to MIN_WIDTH):
    the decisions and the spans' offsets are the last to go, and a list narrower still scrolls sideways.
    """
    widths = {c: w if c in whole else min(w, CAP_WIDTH) for c, w in wanted.items() if c != quote}
    short = sum(widths.values()) + QUOTE_WIDTH - room
    shrinkable = {c: w for c, w in widths.items() if c not in whole and w > MIN_WIDTH}
    if short > 0 and shrinkable:
        give = sum(w - MIN_WIDTH for w in shrinkable.values())
        share = min(1.0, short / give)
        for column, width in shrinkable.items():
            widths[column] = width - int((width - MIN_WIDTH) * share + 0.999)
    widths[quote] = max(QUOTE_WIDTH, room - sum(widths.values()))
    return widths


def representative(unit: ReviewUnit) -> Claim:
    """The claim that stands for a unit: the version its decision kept, else its first claim
    (an orphaned decision has none: callers check `unit.orphaned` first)."""
    chosen = unit.decision.chosen_claim_id if unit.decision else None
    return next((c for c in unit.unit.present if c.id == chosen), unit.unit.present[0])


def unit_span(unit: ReviewUnit) -> tuple[str | None, int, int]:
    """What to show in the article for a unit: (claim id or None for a stretch of text, start, end)."""
    reviewed = unit.decision.reviewed if unit.decision else None
    if unit.orphaned and reviewed is not None:
        return None, reviewed.start, reviewed.end
    claim = representative(unit)
    return claim.id, claim.start, claim.end


class ReviewUnitsModel(QAbstractTableModel):
    """The units of one article: status, quote, one column per annotator, the decision."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.codebook = codebook
        self.units: list[ReviewUnit] = []
        self.annotators: tuple[str, ...] = ()

    def set_units(self, units: list[ReviewUnit]) -> None:
        self.beginResetModel()
        self.units = units
        self.annotators = units[0].unit.annotators if units else ()
        self.endResetModel()

    def decision_column(self) -> int:
        return 2 + len(self.annotators)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's default argument
        return 0 if parent.isValid() else len(self.units)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 3 + len(self.annotators)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Vertical:
            return str(section + 1)
        if section == 0:
            return "Differs in"
        if section == 1:
            return "Quote"
        if section == self.decision_column():
            return "Decision"
        if 0 <= section - 2 < len(self.annotators):
            return f"{section - 1} · {self.annotators[section - 2]}"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self.units):
            return None
        unit = self.units[index.row()]
        column = index.column()
        if role == UNIT_ROLE:
            return unit
        if column == 0:
            return self._status(unit, role)
        if column == 1:
            return self._quote(unit, role)
        if column == self.decision_column():
            return self._decision(unit, role)
        if 0 <= column - 2 < len(self.annotators):
            return self._version(unit, column - 2, role)
        return None

    def _status(self, unit: ReviewUnit, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return difference_words(unit)
        if role == Qt.ItemDataRole.BackgroundRole:
            if unit.orphaned:
                return QBrush(QColor(STALE_TINT))
            return QBrush(QColor(AGREE_TINT if not unit.differences else DIFFER_TINT))
        if role == Qt.ItemDataRole.ToolTipRole:
            if unit.orphaned:
                return "Every claim this decision settled was deleted; its reviewed claim is still kept"
            if not unit.differences:
                return "Everyone made the same claim here"
            # In full: a narrow column elides the words, and "only Ana & Ben" hides who is missing.
            missing = [
                name for name, claim in zip(self.annotators, unit.unit.claims, strict=False) if claim is None
            ]
            return plain_tooltip(
                f"Differs in: {difference_words(unit)}"
                + (f" (no claim by {', '.join(missing)})" if missing else "")
            )
        return None

    def _quote(self, unit: ReviewUnit, role: int) -> Any:
        reviewed = unit.decision.reviewed if unit.decision and (unit.orphaned or not unit.stale) else None
        quote = reviewed.quote if reviewed is not None else representative(unit).quote
        if role == Qt.ItemDataRole.DisplayRole:
            return short_quote(quote, 90)
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(quote)
        return None

    def _version(self, unit: ReviewUnit, slot: int, role: int) -> Any:
        claim = unit.unit.claims[slot]
        if role == Qt.ItemDataRole.DisplayRole:
            if claim is None:
                return "— no claim"
            kind = self.codebook.type_by_id(claim.source_type_id)
            text = f"{kind.name if kind else '?'} · {self.codebook.level_label(claim.confidence)}"
            if Difference.SPAN in unit.differences:
                text += f" · {claim.start}{DASH}{claim.end}"
            return text
        if role == Qt.ItemDataRole.ForegroundRole and claim is None:
            return QBrush(QColor(MUTED_COLOUR))
        decision = unit.decision
        if role == Qt.ItemDataRole.FontRole and claim and decision and claim.id == decision.chosen_claim_id:
            font = QFont()
            font.setBold(True)  # the version the decision kept
            return font
        if role == Qt.ItemDataRole.ToolTipRole and claim is not None:
            lines = [f"“{claim.quote}”", f"code points {claim.start} to {claim.end}"]
            lines += [
                f"{name}: {value}" for name, value in (("Source", claim.source), ("Cue", claim.cue)) if value
            ]
            if claim.comment:
                lines.append(f"Comment: {claim.comment}")
            return plain_tooltip("\n".join(lines))
        return None

    def _decision(self, unit: ReviewUnit, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return decision_words(unit, self.codebook)
        if role == Qt.ItemDataRole.ForegroundRole:
            if unit.stale:
                return QBrush(QColor(ERROR_COLOUR))
            return QBrush(QColor(SETTLED_COLOUR if unit.decision else MUTED_COLOUR))
        if role == Qt.ItemDataRole.BackgroundRole and unit.stale:
            return QBrush(QColor(STALE_TINT))
        if role == Qt.ItemDataRole.ToolTipRole and unit.decision is not None:
            decided = unit.decision
            when = decided.decided_at.astimezone().strftime("%d %b %Y %H:%M")
            tip = f"Decided by {decided.decided_by_name}, {when}"
            if unit.orphaned:
                tip += "\nIts claims were deleted since: press U to take it back."
            elif unit.stale:
                tip += "\nIts claims changed since: settle it again."
            return plain_tooltip(tip)
        return None


# The window's Ctrl shortcuts that act on the claim selected in the article (Claim > Adjust Span to
# Selection): the review keeps them, as it keeps digits and Delete.
CLAIM_CTRL_SHORTCUTS = (QKeySequence("Ctrl+Shift+A"),)


def shields_from_window(event: QKeyEvent) -> bool:
    """Whether a key pressed in the review must not reach the window's shortcuts, which act on the
    claim selected in the article: digits tag, Alt+digits set its confidence, [ and ] step it,
    Delete deletes it, Ctrl+Shift+A moves its span. Typed characters, Delete and those Ctrl keys
    stay in the review; other Ctrl shortcuts (undo, menus), Alt+letter menu keys and F1 still reach
    the window."""
    key = event.key()
    modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    if key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
        return True
    if any(s[0].key() == key and s[0].keyboardModifiers() == modifiers for s in CLAIM_CTRL_SHORTCUTS):
        return True
    if key >= Qt.Key.Key_Escape or modifiers & (
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier
    ):
        return False  # not a character (F1, arrows), or a Ctrl shortcut
    if modifiers & Qt.KeyboardModifier.AltModifier:
        return Qt.Key.Key_0 <= key <= Qt.Key.Key_9  # Alt+letter opens a menu
    return True


class QuoteEliding(QStyledItemDelegate):
    """The quote column loses its end when narrow; the other columns lose their middle (the list's
    mode), so a version's type and its span's offsets both stay in view."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: Index) -> None:
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideRight  # type: ignore[attr-defined]


class UnitTable(QTableView):
    """The units list. Its keys beat the window's shortcuts (digits tag, Delete deletes a claim)
    while it has the focus."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.handlers: dict[tuple[int, bool], Callable[[], None]] = {}
        # Called with each new width of the list's viewport: when it is first shown, when the dock
        # is resized, and when a scroll bar comes or goes.
        self.width_changed: Callable[[], None] = lambda: None

    def viewportEvent(self, event: QEvent) -> bool:
        handled = super().viewportEvent(event)
        if event.type() == QEvent.Type.Resize:
            self.width_changed()
        return handled

    def _handler(self, event: QKeyEvent) -> Callable[[], None] | None:
        modifiers = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if modifiers not in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.ShiftModifier):
            return None
        shifted = modifiers == Qt.KeyboardModifier.ShiftModifier
        if Qt.Key.Key_0 <= event.key() <= Qt.Key.Key_9:
            shifted = False  # a digit is typed with Shift on some keyboards (French AZERTY)
        return self.handlers.get((event.key(), shifted))

    def event(self, event: QEvent) -> bool:
        overridden = event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
        if overridden and self._handler(event) is not None:  # type: ignore[arg-type]
            event.accept()  # the key comes to keyPressEvent instead of a window shortcut
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        handler = self._handler(event)
        if handler is None:
            super().keyPressEvent(event)
            return
        event.accept()
        handler()


class ReviewEditDialog(QDialog):
    """E: one annotator's version with the reviewer's changes: type, confidence, source, cue,
    comment, and the span (one of the versions' spans, or adjusted)."""

    def __init__(
        self, unit: ReviewUnit, codebook: Codebook, text: str, start_from: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit the reviewed claim")
        self.text = text
        self.versions = list(unit.unit.present)
        self.start_from = QComboBox()
        for claim in self.versions:
            self.start_from.addItem(f"{claim.annotator_name}'s version", claim.id)
        self.type_combo = QComboBox()
        self.types = list(codebook.active_types)
        for claim in self.versions:  # a version of a type retired since still shows its type
            kind = codebook.type_by_id(claim.source_type_id)
            if kind is not None and kind not in self.types:
                self.types.append(kind)
        for kind in self.types:
            self.type_combo.addItem(kind.name + (" (retired)" if kind.retired else ""), kind.id)
        self.confidence_combo = QComboBox()
        for level in codebook.confidence_levels:
            self.confidence_combo.addItem(f"{level.value} · {level.label}", level.value)
        self.source, self.cue = QLineEdit(), QLineEdit()
        self.comment = QPlainTextEdit()
        self.comment.setTabChangesFocus(True)
        self.comment.setFixedHeight(64)
        self.span_from = QComboBox()
        spans: list[tuple[int, int]] = []
        for claim in self.versions:
            if (claim.start, claim.end) not in spans:
                spans.append((claim.start, claim.end))
                names = [
                    c.annotator_name for c in self.versions if (c.start, c.end) == (claim.start, claim.end)
                ]
                self.span_from.addItem(
                    f"{' & '.join(names)}: {claim.start}{DASH}{claim.end}", (claim.start, claim.end)
                )
        self.start_spin, self.end_spin = QSpinBox(), QSpinBox()
        for spin in (self.start_spin, self.end_spin):
            spin.setRange(0, len(text))
            spin.setAccelerated(True)
            spin.valueChanged.connect(self._show_quote)
        self.span_from.currentIndexChanged.connect(self._take_span)
        self.quote = QLabel()
        self.quote.setTextFormat(Qt.TextFormat.PlainText)
        self.quote.setWordWrap(True)
        self.quote.setMinimumWidth(420)
        span_row = QHBoxLayout()
        span_row.addWidget(QLabel("from"))
        span_row.addWidget(self.start_spin)
        span_row.addWidget(QLabel("to"))
        span_row.addWidget(self.end_spin)
        span_row.addStretch(1)
        form = QFormLayout()
        form.addRow("Start from:", self.start_from)
        form.addRow("Source type:", self.type_combo)
        form.addRow("Confidence:", self.confidence_combo)
        form.addRow("Source:", self.source)
        form.addRow("Cue:", self.cue)
        form.addRow("Comment:", self.comment)
        form.addRow("Span of:", self.span_from)
        form.addRow("Code points:", span_row)
        form.addRow("Quote:", self.quote)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.start_from.currentIndexChanged.connect(self._take_version)
        self.start_from.setCurrentIndex(max(0, self.start_from.findData(start_from)))
        self._take_version()

    def _claim(self) -> Claim:
        return self.versions[max(0, self.start_from.currentIndex())]

    def _take_version(self) -> None:
        claim = self._claim()
        self.type_combo.setCurrentIndex(max(0, self.type_combo.findData(claim.source_type_id)))
        self.confidence_combo.setCurrentIndex(max(0, self.confidence_combo.findData(claim.confidence)))
        self.source.setText(claim.source)
        self.cue.setText(claim.cue)
        self.comment.setPlainText(claim.comment)
        self.span_from.setCurrentIndex(max(0, self.span_from.findData((claim.start, claim.end))))
        self._take_span()

    def _take_span(self) -> None:
        span = self.span_from.currentData()
        if span is not None:
            self.set_span(*span)

    def set_span(self, start: int, end: int) -> None:
        self.start_spin.setValue(start)
        self.end_spin.setValue(end)
        self._show_quote()

    def span(self) -> tuple[int, int]:
        """The span as it will be saved: without white space at its ends, as the article trims a
        selection (code points, as the spin boxes count them)."""
        return trim_span(self.text, self.start_spin.value(), self.end_spin.value())

    def _show_quote(self) -> None:
        start, end = self.span()
        quote = self.text[start:end]
        ok = start < end and bool(quote.strip())
        self.quote.setText(
            f"“{short_quote(quote, 300)}”" if ok else "Choose the words of the claim: this span is empty."
        )
        self.quote.setStyleSheet("" if ok else f"color: {ERROR_COLOUR}")
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(ok)

    def chosen_claim_id(self) -> str:
        return self._claim().id

    def edits(self) -> dict[str, Any]:
        start, end = self.span()
        return {
            "start": start,
            "end": end,
            "source_type_id": self.type_combo.currentData(),
            "confidence": self.confidence_combo.currentData(),
            "source": self.source.text(),
            "cue": self.cue.text(),
            "comment": self.comment.toPlainText(),
        }


class ReviewPanel(QWidget):
    """The review of one article at a time; decisions go on the window's undo stack."""

    sig_message_requested = Signal(str)

    def __init__(
        self,
        project: Project,
        reviewer: Annotator,
        undo_stack: QUndoStack,
        dialogs: DialogService,
        show_claim: ShowClaim,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.project, self.reviewer = project, reviewer
        self.service = project.adjudication
        self.undo_stack, self.dialogs, self.show_claim = undo_stack, dialogs, show_claim
        self.article_id: str | None = None
        self.codebook = project.codebook.get()
        self.progress: dict[str, ArticleProgress] = {}
        self.titles: dict[str, str] = {}
        self._content_widths: dict[int, int] = {}
        self._behind = False  # claims changed while hidden
        # Every article's progress takes about a second for 100,000 claims: it is counted on a worker
        # thread (tests put a slow or blocked function here). It must not touch widgets.
        self.count_all_progress: Callable[[], dict[str, ArticleProgress]] = self.service.progress
        # Whether the panel's project is still the one open (a result for another one is dropped).
        self.is_current: Callable[[], bool] = always
        self._counting: dict[Worker, int] = {}  # running counts: which round each belongs to
        self._count_round = 0
        self._counted_since: set[str] = set()  # articles counted here since the round began

        self.chooser = QComboBox()
        self.chooser.setAccessibleName("Article to review")
        self.chooser.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.chooser.setMinimumContentsLength(20)  # long titles elide here; the list shows them whole
        self.chooser.currentIndexChanged.connect(self._on_article_chosen)
        self.progress_label = QLabel()
        self.progress_label.setObjectName("reviewProgress")
        font = self.progress_label.font()
        font.setBold(True)
        self.progress_label.setFont(font)
        self.next_button = QPushButton("Next disagreement  (N)")
        self.next_button.clicked.connect(lambda: self.next_disagreement(+1))
        self.agreements_button = QPushButton("Accept agreements  (A)")
        self.agreements_button.setToolTip(
            "Accept, in one step, every unit of this article on which all its annotators agree"
        )
        self.agreements_button.clicked.connect(self.accept_agreements)
        top = QHBoxLayout()
        top.addWidget(QLabel("Article:"))
        top.addWidget(self.chooser, 1)
        top.addSpacing(12)
        top.addWidget(self.agreements_button)
        top.addWidget(self.next_button)

        self.model = ReviewUnitsModel(self.codebook, self)
        self.table = UnitTable()
        self.table.setModel(self.model)
        self.table.setAccessibleName("Units to review")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.setItemDelegateForColumn(1, QuoteEliding(self.table))
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setMinimumSectionSize(60)
        self.table.selectionModel().currentRowChanged.connect(self._on_row_changed)
        self.table.width_changed = self.fit_columns
        key = Qt.Key
        self.table.handlers = {
            (key.Key_N, False): lambda: self.next_disagreement(+1),
            (key.Key_N, True): lambda: self.next_disagreement(-1),
            (key.Key_E, False): self.edit,
            (key.Key_R, False): self.reject,
            (key.Key_Delete, False): self.reject,
            (key.Key_U, False): self.take_back,
            (key.Key_A, False): self.accept_agreements,
            (key.Key_Backspace, False): self.take_back,
        }
        for number in range(1, 10):
            self.table.handlers[(key.Key_0 + number, False)] = lambda n=number: self.accept(n)

        self.details = QLabel()
        self.details.setTextFormat(Qt.TextFormat.PlainText)
        self.details.setWordWrap(True)
        self.details.setObjectName("reviewDetails")
        hint = QLabel(KEYS_HINT)
        hint.setWordWrap(True)
        hint.setObjectName("reviewKeys")
        hint.setStyleSheet(f"color: {MUTED_COLOUR}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.addLayout(top)
        layout.addWidget(self.progress_label)  # a line of its own: the dock stays narrow enough to dock
        layout.addWidget(self.table, 1)
        layout.addWidget(self.details)
        layout.addWidget(hint)

    def event(self, event: QEvent) -> bool:
        # The chooser, the button and the list alike: what none of them took stays in the review.
        overridden = event.type() == QEvent.Type.ShortcutOverride and isinstance(event, QKeyEvent)
        if overridden and shields_from_window(event):  # type: ignore[arg-type]
            event.accept()  # delivered as a key press to the focused widget, not as a shortcut
            return True
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._behind:
            self.load_articles(self.article_id)

    # --- articles ------------------------------------------------------------------------------

    def load_articles(self, current: str | None) -> None:
        """Fill the chooser with every article, show `current` (else the first) at once, and count
        the others' progress in the background: the chooser shows "…" for each until it arrives."""
        self._behind = False
        summaries = self.project.articles.list()
        self.codebook = self.model.codebook = self.project.codebook.get()
        self.titles = {a.id: a.title for a in summaries}
        self.progress = {}  # an import or a merge may have changed any of them
        self.recount()
        self.chooser.blockSignals(True)
        try:
            self.chooser.clear()
            for summary in summaries:
                self.chooser.addItem(self._chooser_text(summary.id), summary.id)
        finally:
            self.chooser.blockSignals(False)
        target = current if current in self.titles else (summaries[0].id if summaries else None)
        self.article_id = None  # read again even if it is the one shown
        self.open_article(target)

    def _chooser_text(self, article_id: str) -> str:
        title = short_quote(self.titles.get(article_id, ""), 48)
        progress = self.progress.get(article_id)
        if progress is None:
            return f"{title}  —  …"  # still being counted
        if progress.total_units == 0:
            return f"{title}  —  no claims"
        left = progress.disagreements_left
        return f"{title}  —  {progress.settled}/{progress.total_units} settled, {left} left"

    def recount(self) -> None:
        """Count every article's progress on a worker thread; `_on_counted` fills the chooser.

        A count started earlier is left to finish and its result dropped. Articles counted on the
        GUI thread meanwhile (after a decision, or shown) keep that newer count.
        """
        self._count_round += 1
        self._counted_since = set()
        count = self.count_all_progress
        # Parented to the application: a panel closed (a project switched) mid-count must not
        # destroy a running thread. `_on_counted` deletes it once read.
        app = QApplication.instance()
        worker = Worker(lambda _report: count(), app)
        self._counting[worker] = self._count_round
        worker.finished.connect(self._on_counted)  # queued to the GUI thread; gone with the panel
        if app is not None:  # quitting mid-count must not destroy the running thread (Qt aborts)
            app.aboutToQuit.connect(worker.wait)
        worker.start()

    def counting(self) -> bool:
        """Whether a count of every article's progress is still running."""
        return bool(self._counting)

    def _on_counted(self) -> None:
        for worker in [w for w in self._counting if w.isFinished()]:
            round_ = self._counting.pop(worker)
            worker.deleteLater()
            if round_ != self._count_round or not self.is_current():
                continue  # a later count is on its way, or the project is closed
            if worker.error is not None:
                log.warning("Could not count the review's progress: %s", worker.error)
                continue
            counted: dict[str, ArticleProgress] = worker.result
            for article_id, progress in counted.items():
                if article_id in self.titles and article_id not in self._counted_since:
                    self.progress[article_id] = progress
            self._refresh_chooser()

    def _refresh_chooser(self) -> None:
        for index in range(self.chooser.count()):
            text = self._chooser_text(self.chooser.itemData(index))
            if self.chooser.itemText(index) != text:
                self.chooser.setItemText(index, text)

    def _note_progress(self, article_id: str, progress: ArticleProgress) -> None:
        """An article counted on the GUI thread: newer than a count running now."""
        self.progress[article_id] = progress
        self._counted_since.add(article_id)
        index = self.chooser.findData(article_id)
        if index >= 0:
            self.chooser.setItemText(index, self._chooser_text(article_id))

    def open_article(self, article_id: str | None) -> None:
        """Show the review of an article (the main window's choice follows the chooser and back)."""
        if article_id == self.article_id:
            return
        index = self.chooser.findData(article_id) if article_id else -1
        self.chooser.blockSignals(True)
        self.chooser.setCurrentIndex(index)
        self.chooser.blockSignals(False)
        self.article_id = article_id if index >= 0 else None
        self.reload()

    def _on_article_chosen(self, index: int) -> None:
        article_id = self.chooser.itemData(index)
        if article_id is None:
            return
        self.open_article(article_id)
        self.show_claim(article_id, None, 0, 0)  # the article beside, until a unit is chosen
        self.window().activateWindow()
        self.table.setFocus()

    def reload(self, keep: tuple[str, ...] | None = None) -> None:
        """Read the article's units again; the unit with `keep`'s claims (else the current one) stays."""
        row = self.table.currentIndex().row()
        if keep is None and 0 <= row < len(self.model.units):
            keep = self.model.units[row].claim_ids
        units = self.service.review_units(self.article_id) if self.article_id else []
        self.table.selectionModel().blockSignals(True)
        try:
            self.model.set_units(units)
        finally:
            self.table.selectionModel().blockSignals(False)
        if self.article_id is not None:
            # From the units just read: grouping the article a second time doubled a reload's cost.
            self._note_progress(self.article_id, review_progress(units))
            self.progress_label.setText(progress_words(self.progress[self.article_id]))
        else:
            self.progress_label.setText("No article to review")
        self._size_columns()
        if keep:
            wanted = set(keep)
            found = next((r for r, u in enumerate(units) if wanted & set(u.claim_ids)), None)
            if found is not None:
                self.table.selectionModel().blockSignals(True)
                self.table.selectRow(found)
                self.table.selectionModel().blockSignals(False)
        self._show_details()

    def _size_columns(self) -> None:
        """Measure the columns' words once per reload; `fit_columns` shares out the width."""
        self._content_widths = {}
        for column in range(self.model.columnCount()):
            if column != 1:
                self._content_widths[column] = self.table.sizeHintForColumn(column) + 12
        self.fit_columns()

    def fit_columns(self) -> None:
        """Share the list's width out among its columns (see `share_widths`): on every change of its
        width, the first showing included, so the columns always fill the list."""
        if not self._content_widths:
            return
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        widths = share_widths(
            self._content_widths,
            self.table.viewport().width(),
            quote=1,
            whole={self.model.decision_column()},
        )
        for column, width in widths.items():
            header.resizeSection(column, width)

    # --- the chosen unit -----------------------------------------------------------------------

    def current_unit(self) -> ReviewUnit | None:
        row = self.table.currentIndex().row()
        return self.model.units[row] if 0 <= row < len(self.model.units) else None

    def select_row(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    def _on_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_details()
        unit = self.current_unit()
        if unit is None or self.article_id is None:
            return
        self.show_claim(self.article_id, *unit_span(unit))
        # Showing the claim activates the main window; a floating review takes the keys back.
        self.window().activateWindow()
        self.table.setFocus()

    def show_current_unit(self) -> None:
        """Show the chosen unit in the article again (after the article's room changed)."""
        unit = self.current_unit()
        if unit is not None and self.article_id is not None and not self.table.isHidden():
            self.show_claim(self.article_id, *unit_span(unit))
            self.window().activateWindow()
            self.table.setFocus()

    def _show_details(self) -> None:
        unit = self.current_unit()
        if unit is None:
            self.details.setText("Choose a unit, or press N for the next disagreement.")
            return
        lines = []
        if unit.decision is not None:
            decided = unit.decision
            when = decided.decided_at.astimezone().strftime("%d %b %Y %H:%M")
            lines.append(
                f"{decision_words(unit, self.codebook)} — decided by {decided.decided_by_name}, {when}."
            )
            if unit.orphaned:
                lines.append(
                    "Every claim it settled was deleted, but its reviewed claim is still kept and exported: "
                    "press U to take it back."
                )
            elif unit.stale:
                lines.append("Its claims changed since: press a key to settle it again.")
        history = self.service.claim_history(unit.claim_ids)
        for claim in unit.unit.present:
            for version in history.get(claim.id, []):
                lines.append(self._history_line(claim, version))
        self.details.setText("\n".join(lines) if lines else "Not settled yet.")

    def _history_line(self, claim: Claim, version: ClaimVersion) -> str:
        kind = self.codebook.type_by_id(version.source_type_id)
        when = version.replaced_at.astimezone().strftime("%d %b %Y %H:%M")
        return (
            f"History: {claim.annotator_name}'s claim was {kind.name if kind else '?'} · "
            f"{self.codebook.level_label(version.confidence)} on “{short_quote(version.quote, 40)}” "
            f"until {when} ({version.reason})."
        )

    # --- keys ------------------------------------------------------------------------------------

    def next_disagreement(self, step: int) -> None:
        """N / Shift+N: the next (previous) disagreement not settled yet, wrapping around."""
        units = self.model.units
        count = len(units)
        row = self.table.currentIndex().row()
        if row < 0:
            row = -1 if step > 0 else count
        for offset in range(1, count + 1):
            candidate = (row + step * offset) % count
            if units[candidate].disagreement and not units[candidate].settled:
                self.select_row(candidate)
                return
        self.sig_message_requested.emit("No disagreements left to settle in this article.")

    def accept(self, number: int) -> None:
        """1 to 9: keep the version of the annotator in that column."""
        unit = self.current_unit()
        if unit is None or self._orphan_said(unit):
            return
        if number > len(unit.unit.annotators):
            self.sig_message_requested.emit(f"There is no annotator {number} on this article.")
            return
        claim = unit.unit.claims[number - 1]
        name = unit.unit.annotators[number - 1]
        if claim is None:
            self.sig_message_requested.emit(f"{name} made no claim here: choose another version, or reject.")
            return
        if (
            unit.settled
            and unit.decision
            and unit.decision.outcome is Outcome.ACCEPTED
            and chosen_name(unit) == name
        ):
            return  # already so
        self._settle(unit, Outcome.ACCEPTED, claim.id, None)

    def accept_agreements(self) -> None:
        """A: accept every unit of this article that all its annotators agree on and nobody settled yet.

        Agreements are most units, and a reviewed layer needs them too: one undoable step, not one key
        per unit. The first annotator's version is kept (they are all the same).
        """
        if self.article_id is None:
            return
        agreed = [
            unit
            for unit in self.model.units
            if not unit.disagreement and not unit.settled and not unit.orphaned and unit.unit.present
        ]
        if not agreed:
            self.sig_message_requested.emit("No agreements left to accept in this article.")
            return
        try:
            _, decisions, replaced = self.service.accept_agreements(
                self.article_id,
                [(unit.claim_ids, representative(unit).id) for unit in agreed],
                decided_by=self.reviewer.id,
            )
        except ValueError as error:
            self.dialogs.error("Not settled", str(error))
            return
        self.undo_stack.push(AcceptAgreementsCommand(decisions, replaced, self.service, self))
        self.review_changed(self.article_id)

    def reject(self) -> None:
        unit = self.current_unit()
        if unit is None or self._orphan_said(unit):
            return
        if unit.settled and unit.decision and unit.decision.outcome is Outcome.REJECTED:
            return
        self._settle(unit, Outcome.REJECTED, None, None)

    def edit(self) -> None:
        unit = self.current_unit()
        if unit is None or self.article_id is None or self._orphan_said(unit):
            return
        slot = self.table.currentIndex().column() - 2
        focused = unit.unit.claims[slot] if 0 <= slot < len(unit.unit.claims) else None
        start_from = focused or representative(unit)
        article = self.project.articles.get(self.article_id)
        if article is None:
            return
        dialog = ReviewEditDialog(unit, self.codebook, article.text, start_from.id, self)
        reviewed = unit.decision.reviewed if unit.decision and not unit.stale and focused is None else None
        if reviewed is not None and unit.decision and unit.decision.chosen_claim_id:
            # Editing again starts from the edit already made.
            dialog.start_from.setCurrentIndex(
                max(0, dialog.start_from.findData(unit.decision.chosen_claim_id))
            )
            dialog.type_combo.setCurrentIndex(max(0, dialog.type_combo.findData(reviewed.source_type_id)))
            dialog.confidence_combo.setCurrentIndex(
                max(0, dialog.confidence_combo.findData(reviewed.confidence))
            )
            dialog.source.setText(reviewed.source)
            dialog.cue.setText(reviewed.cue)
            dialog.comment.setPlainText(reviewed.comment)
            dialog.set_span(reviewed.start, reviewed.end)
        if self.dialogs.run_dialog(dialog):
            self._settle(unit, Outcome.EDITED, dialog.chosen_claim_id(), dialog.edits())
        dialog.deleteLater()  # a child of the panel: one per edit would pile up until it closes
        self.table.setFocus()

    def _orphan_said(self, unit: ReviewUnit) -> bool:
        """An orphaned decision has no versions left to keep or reject: say so (True), or False."""
        if unit.orphaned:
            self.sig_message_requested.emit(
                "The claims of this decision were deleted: press U to take it back."
            )
        return unit.orphaned

    def take_back(self) -> None:
        """U: the unit's decision is taken back; the unit is open again."""
        unit = self.current_unit()
        if unit is None or unit.decision is None:
            return
        try:
            _, removed = self.service.unsettle(unit.decision.id)
        except ValueError as error:
            self.report(error)
            return
        self.undo_stack.push(UnsettleCommand(removed, self.service, self))
        self.review_changed(removed.article_id)

    def _settle(
        self, unit: ReviewUnit, outcome: Outcome, chosen: str | None, edits: dict[str, Any] | None
    ) -> None:
        if self.article_id is None:
            return
        try:
            _, decision, replaced = self.service.settle(
                self.article_id, unit.claim_ids, outcome, chosen, edits, decided_by=self.reviewer.id
            )
        except ValueError as error:
            self.dialogs.error("Not settled", str(error))
            return
        whose = next((c.annotator_name for c in unit.unit.present if c.id == chosen), None)
        self.undo_stack.push(
            SettleCommand(decision_text(decision.outcome, whose), decision, replaced, self.service, self)
        )
        self.review_changed(decision.article_id)

    # --- refreshes ---------------------------------------------------------------------------------

    def review_changed(self, article_id: str) -> None:
        """After a decision, its undo or redo: reload that article's progress (and units, if shown)."""
        if article_id == self.article_id:
            self.reload()
        elif article_id in self.titles:
            self._note_progress(article_id, self.service.progress([article_id])[article_id])

    def claims_changed(self, changes: Changes) -> None:
        """An annotator's claims changed in the window: units and staleness may have moved, in the
        article shown and in the others the change names (their progress in the chooser)."""
        if not self.isVisible():
            self._behind = True  # read again when shown (the window's dock menu shows it too)
            return
        if changes.codebook:
            self.codebook_changed()
            return
        if changes.removed_articles:  # Edit > Delete Article: the chooser loses it, and may show another
            gone = self.article_id in changes.removed_articles
            self.load_articles(None if gone else self.article_id)
            return
        for article_id in changes.articles - {self.article_id}:
            self.review_changed(article_id)
        if self.article_id is not None:
            self.reload()

    def codebook_changed(self) -> None:
        """Types renamed, added or retired: the versions' words and the edit dialog's choices follow."""
        self.codebook = self.model.codebook = self.project.codebook.get()
        if self.article_id is not None:
            self.reload()

    def report(self, error: Exception) -> None:
        self.dialogs.error("Review not saved", str(error))
        if self.article_id is not None:
            self.reload()


# Where the window keeps the dock's place and size (QMainWindow.saveState: only this dock is in it).
DOCK_STATE_KEY, DOCK_STATE_VERSION = "window/reviewDock", 1
DOCK_SHARE, DOCK_MIN_HEIGHT, DOCK_MAX_HEIGHT = 0.38, 220, 380


class ReviewDock(QDockWidget):
    """The review panel docked under the panes, the whole window wide (a column per annotator);
    the article above it scrolls each chosen unit into view."""

    def __init__(self, panel: ReviewPanel, parent: QWidget | None = None) -> None:
        super().__init__("Review disagreements", parent)
        self.setObjectName("reviewDock")  # saveState and restoreState know the dock by this name
        self._settings: QSettings | None = None  # where `place_in` found its place
        self.panel = panel
        self.project = panel.project
        # A count that ends after the window opened another project (or none) is dropped.
        panel.is_current = lambda: getattr(self.parentWidget(), "project", self.project) is self.project
        self.setWidget(panel)
        self.setAllowedAreas(
            Qt.DockWidgetArea.BottomDockWidgetArea
            | Qt.DockWidgetArea.RightDockWidgetArea
            | Qt.DockWidgetArea.LeftDockWidgetArea
        )

    def place_in(self, window: QMainWindow, settings: QSettings) -> bool:
        """Dock under the window's panes, where it never covers the article text a unit points to,
        or where the reviewer left it last time (docked elsewhere, or floating). True if restored."""
        self._settings = settings
        window.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, self)
        state = settings.value(DOCK_STATE_KEY)
        # The review dock is the window's only dock: its state is all this restores.
        restored = isinstance(state, QByteArray) and window.restoreState(state, DOCK_STATE_VERSION)
        if not restored:
            self.setFloating(False)
        return restored

    def fit_under(self, window: QMainWindow) -> None:
        """Docked for the first time: tall enough for a screenful of units, leaving the article most of
        the height (at 1024x700 about 270 pixels, about 340 at 1400x900)."""
        if self.isFloating():
            return
        height = min(DOCK_MAX_HEIGHT, max(DOCK_MIN_HEIGHT, int(window.height() * DOCK_SHARE)))
        window.resizeDocks([self], [height], Qt.Orientation.Vertical)

    def remember(self) -> None:
        """Keep where the dock is and its size for the next time the window opens one (called as the
        window closes, and before another project's review replaces this one)."""
        window = self.parentWidget()
        if self._settings is not None and isinstance(window, QMainWindow):
            self._settings.setValue(DOCK_STATE_KEY, window.saveState(DOCK_STATE_VERSION))
            self._settings.sync()

    def follow_article(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        """The main window's article list chose an article: review that one."""
        if item is not None:
            self.panel.open_article(item.data(ARTICLE_ID_ROLE))

    def follow_article_list(self) -> None:
        """The window listed its articles again (an import, a merge): so does the review, once the
        list is filled, and every article's progress is counted again in the background."""
        if self.isVisible():
            QTimer.singleShot(0, self, self._reload_articles)  # not called once the dock is gone

    def _reload_articles(self) -> None:
        self.panel.load_articles(self.panel.article_id)

    def follow_action(self) -> None:
        """The window's review action changed: once disabled (blind mode, no project), hide the review."""
        action = self.sender()
        if not isinstance(action, QAction):
            return
        # The window's right-click menu lists its docks: blind mode must not reopen the review there.
        self.toggleViewAction().setEnabled(action.isEnabled())
        if not action.isEnabled():
            self.hide()
