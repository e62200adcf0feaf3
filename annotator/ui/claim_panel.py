"""The annotation panel beside the article: tag buttons, confidence for new claims, the claims list and the
editor of the selected claim. It only shows claims and asks for changes; the main window carries them out."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QModelIndex, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QIcon, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import Codebook, SourceType
from annotator.domain.records import Claim
from annotator.ui import icons
from annotator.ui.claim_editor import ClaimEditor
from annotator.ui.claims_model import (
    ANNOTATOR_COLUMN,
    CLAIM_ID_ROLE,
    CONFIDENCE_COLUMN,
    QUOTE_COLUMN,
    TYPE_COLUMN,
    ClaimsTableModel,
)
from annotator.ui.claims_table import ClaimsTable
from annotator.ui.look import plain_tooltip, swatch_icon
from annotator.ui.tag_controls import (
    DEFAULT_LEVELS,
    ConfidencePicker,
    ElidingButton,
    GridFlowLayout,
    fit_combos,
    heading,
    muted_label,
)

# Below this many claims the list refilters on every keystroke; above it, once typing pauses.
_INSTANT_FILTER_LIMIT = 5_000
_FILTER_DELAY_MS = 150
_QUOTE_ORDER_AHEAD_FROM = 5_000  # claims; below this the first sort by quote is instant anyway


NO_PROJECT_HINT = "No project is open: File > New Project… or File > Open Project…"


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
    sig_leave_requested = Signal()  # Escape in the list or a field: the keys go back to the article

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
        self._type_grid = GridFlowLayout(self._type_box, spacing=6)

        # Confidence for new claims
        self._confidence = ConfidencePicker(self)
        self._confidence.sig_confidence_changed.connect(self.sig_confidence_changed)

        # Claims list and its filters
        self._count_label = muted_label()
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
        fit_combos(6, self.type_filter, self.annotator_filter)
        self.annotator_filter.addItem("All annotators", None)

        self.table_view = ClaimsTable(self)

        # Editor of the selected claim
        self.editor = ClaimEditor(self)
        self.editor.sig_claim_edit_requested.connect(self.sig_claim_edit_requested)
        self.editor.sig_claim_delete_requested.connect(self.sig_claim_delete_requested)
        self.editor.sig_span_adjust_requested.connect(self.sig_span_adjust_requested)
        self.editor.sig_leave_requested.connect(self.sig_leave_requested)

        self._setup_table()

        self._build_layout()
        self.set_codebook(Codebook((), DEFAULT_LEVELS))
        self.editor.quote_view.set_placeholder("")  # until a project is shown (or none: show_no_project)
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

    def show_no_project(self) -> None:
        """No project is open: no types to tag with, and a hint that says how to get one."""
        self.set_claims([])
        self.set_codebook(Codebook((), DEFAULT_LEVELS))
        self.editor.quote_view.set_placeholder(NO_PROJECT_HINT)

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
        view.set_claims_model(self.model)
        view.placeholder_text = "No claims yet"
        view.set_optional_column(ANNOTATOR_COLUMN, False)  # until a second annotator shows up
        view.selectionModel().selectionChanged.connect(self._on_selection_changed)
        view.doubleClicked.connect(lambda _index: self.editor.focus_first_field())
        view.sig_open_requested.connect(self.editor.focus_first_field)
        view.sig_delete_requested.connect(self._on_delete_key)
        view.sig_leave_requested.connect(self.sig_leave_requested)

    def _build_layout(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 12, 12, 12)
        layout.setSpacing(6)

        layout.addWidget(heading("Tag selection as"))
        layout.addWidget(self._type_box)
        layout.addSpacing(12)

        layout.addWidget(heading("Confidence for new claims"))
        layout.addWidget(self._confidence)
        layout.addSpacing(12)

        title = QHBoxLayout()
        title.addWidget(heading("Claims"))
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

        layout.addWidget(heading("Selected claim"))
        layout.addWidget(self.editor)

    def _build_type_buttons(self, types: Sequence[SourceType]) -> None:
        for button in self.type_buttons:
            self._type_grid.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.type_buttons = []
        for number, source_type in enumerate(types, start=1):
            key = str(number) if number <= 9 else ""
            button = ElidingButton(
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
        levels = self._codebook.confidence_levels if self._codebook else DEFAULT_LEVELS
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
