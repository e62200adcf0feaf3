"""The codebook editor: source types, the confidence scale and presets, each change saved at once.

It talks only to `CodebookService`; the main window listens to `sig_codebook_changed` to refresh.
Every change is also pushed as an undoable command (`codebook_commands`) on the undo stack it is
given, the main window's, so that Ctrl+Z in the dialog or later in the window takes it back.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import qtawesome as qta
from PySide6.QtCore import QEvent, QObject, QSize, Qt, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPalette, QUndoCommand, QUndoStack
from PySide6.QtWidgets import (
    QAbstractItemView,
    QColorDialog,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from annotator.domain.codebook import OKABE_ITO, PRESETS, Codebook, Preset, SourceType
from annotator.services.codebook import CodebookError, CodebookService
from annotator.ui.annotation_controller import user_message
from annotator.ui.codebook_commands import (
    AddTypeCommand,
    ApplyPresetCommand,
    CodebookUndo,
    EditTypeCommand,
    MoveTypeCommand,
    RelabelLevelCommand,
)
from annotator.ui.dialogs import DialogService
from annotator.ui.look import ERROR_COLOUR, plain_tooltip, swatch_icon

log = logging.getLogger(__name__)

TYPE_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1
KEY_COLUMN, NAME_COLUMN, CLAIMS_COLUMN = range(3)

OKABE_ITO_NAMES = (
    "blue",
    "orange",
    "reddish purple",
    "bluish green",
    "vermillion",
    "sky blue",
    "yellow",
    "grey",
)
NO_KEY = "\N{EN DASH}"  # shown for an active type past key 9

# (title, plain-text question) -> go ahead? `DialogService.confirm` fits.
Confirm = Callable[[str, str], bool]
# (initial colour, window title) -> the colour picked, or None when cancelled.
PickColour = Callable[[QColor, str], QColor | None]


def ask_colour(parent: QWidget, initial: QColor, title: str) -> QColor | None:
    colour = QColorDialog.getColor(initial, parent, title)
    return colour if colour.isValid() else None


def _claims(count: int) -> str:
    return f"{count} claim{'' if count == 1 else 's'}"


def _no_auto_default(*buttons: QPushButton) -> None:
    # Every edit saves on Enter; Enter must never also press Close.
    for button in buttons:
        button.setAutoDefault(False)
        button.setDefault(False)


class CodebookDialog(QDialog):
    """Edit the project's codebook in place: every change is saved by the service immediately."""

    sig_codebook_changed = Signal()

    def __init__(
        self,
        codebook: CodebookService,
        parent: QWidget | None = None,
        *,
        confirm: Confirm | None = None,
        pick_colour: PickColour | None = None,
        undo: CodebookUndo | None = None,
    ) -> None:
        """`undo` is where the edits go to be undone; without one the dialog keeps its own stack.

        `confirm` asks before a preset is applied (the window passes its dialog service's); without
        one, a dialog service of the dialog's own asks, above the dialog.
        """
        super().__init__(parent)
        self._service = codebook
        self._undo = undo or CodebookUndo(QUndoStack(self), self.sig_codebook_changed.emit, self._report)
        self._confirm: Confirm = confirm or DialogService(self).confirm
        self._pick_colour: PickColour = pick_colour or (
            lambda initial, title: ask_colour(self, initial, title)
        )
        self._book: Codebook = codebook.get()
        self._counts: dict[str, int] = codebook.claim_counts()
        self._error = ""

        self.setWindowTitle("Codebook")
        self.setObjectName("codebookDialog")
        self.resize(660, 560)

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_types_tab(), "Source &types")
        self.tabs.addTab(self._build_levels_tab(), "&Confidence levels")
        self.tabs.addTab(self._build_presets_tab(), "&Presets")

        self.message_label = QLabel()
        self.message_label.setObjectName("codebookMessage")
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)  # errors quote user-written names
        self.message_label.setWordWrap(True)
        self.message_label.hide()

        undo_row = self._build_undo_buttons()

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        close_button = buttons.button(QDialogButtonBox.StandardButton.Close)
        close_button.setToolTip(
            "Every change is already saved; Ctrl+Z undoes it, here or in the main window."
        )
        _no_auto_default(close_button)

        bottom = QHBoxLayout()
        bottom.addLayout(undo_row)
        bottom.addWidget(self.message_label, 1)
        bottom.addWidget(buttons, 0, Qt.AlignmentFlag.AlignBottom)

        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        for edit in self.findChildren(QLineEdit):
            edit.installEventFilter(self)
        self._refresh()
        if self.type_list.topLevelItemCount():
            self.type_list.setCurrentItem(self.type_list.topLevelItem(0))
        self.type_list.setFocus()

    # ---- building -------------------------------------------------------------------------------

    def _build_undo_buttons(self) -> QHBoxLayout:
        """Undo and Redo on the stack the dialog was given: the main window's Edit menu is out of reach
        while this modal dialog is open, so the dialog carries the same actions and the same keys."""
        stack = self._undo.stack
        self.undo_action = stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Undo))
        self.undo_action.setIcon(qta.icon("mdi6.undo"))
        self.redo_action = stack.createRedoAction(self, "&Redo")
        redo_keys = [
            QKeySequence("Ctrl+Shift+Z"),
            QKeySequence("Ctrl+Y"),
            *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
        ]
        # The same sequence twice on one action makes Qt call it ambiguous and do nothing.
        self.redo_action.setShortcuts(list({k.toString(): k for k in redo_keys}.values()))
        self.redo_action.setIcon(qta.icon("mdi6.redo"))
        self.addActions([self.undo_action, self.redo_action])
        row = QHBoxLayout()
        row.setSpacing(2)
        for action, name in ((self.undo_action, "undoButton"), (self.redo_action, "redoButton")):
            button = QToolButton()
            button.setObjectName(name)
            button.setDefaultAction(action)  # its tooltip names the edit: "Undo Rename “a” to “b”"
            button.setAutoRaise(True)
            row.addWidget(button)
        # An undo or redo, from here or from the window, shows the codebook as saved again.
        stack.indexChanged.connect(self._on_undo_stack_moved)
        self._following_stack = True
        return row

    def _build_types_tab(self) -> QWidget:
        self.type_list = QTreeWidget()
        self.type_list.setObjectName("sourceTypeList")
        self.type_list.setHeaderLabels(["Key", "Source type", "Claims"])
        self.type_list.setRootIsDecorated(False)
        self.type_list.setUniformRowHeights(True)
        self.type_list.setAlternatingRowColors(True)
        self.type_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.type_list.setIconSize(QSize(14, 14))
        self.type_list.setAccessibleName("Source types")
        header = self.type_list.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(KEY_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(CLAIMS_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        self.type_list.headerItem().setTextAlignment(CLAIMS_COLUMN, Qt.AlignmentFlag.AlignRight)
        self.type_list.currentItemChanged.connect(lambda *_: self._show_selected())
        self.type_list.installEventFilter(self)

        self.up_button = QPushButton(qta.icon("mdi6.arrow-up"), "Move &up")
        self.up_button.setToolTip("Move up (Ctrl+Up in the list): this type takes the key before it.")
        self.up_button.clicked.connect(lambda: self._move_selected(-1))
        self.down_button = QPushButton(qta.icon("mdi6.arrow-down"), "Move do&wn")
        self.down_button.setToolTip("Move down (Ctrl+Down in the list): this type takes the key after it.")
        self.down_button.clicked.connect(lambda: self._move_selected(+1))
        self.retire_button = QPushButton()
        self.retire_button.clicked.connect(self._toggle_retired)
        _no_auto_default(self.up_button, self.down_button, self.retire_button)

        side = QVBoxLayout()
        side.addWidget(self.up_button)
        side.addWidget(self.down_button)
        side.addSpacing(12)
        side.addWidget(self.retire_button)
        side.addStretch(1)

        top = QHBoxLayout()
        top.addWidget(self.type_list, 1)
        top.addLayout(side)

        # The selected type.
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("typeName")
        self.name_edit.setAccessibleName("Name of the selected source type")
        self.name_edit.editingFinished.connect(self._commit_name)
        self.definition_edit = QLineEdit()
        self.definition_edit.setObjectName("typeDefinition")
        self.definition_edit.setPlaceholderText("One line: when to use this type")
        self.definition_edit.setAccessibleName("Definition of the selected source type")
        self.definition_edit.editingFinished.connect(self._commit_definition)

        self.swatch_buttons: list[QToolButton] = []
        colour_row = QHBoxLayout()
        colour_row.setSpacing(4)
        for colour, colour_name in zip(OKABE_ITO, OKABE_ITO_NAMES, strict=True):
            swatch = QToolButton()
            swatch.setIcon(swatch_icon(colour, 18))
            swatch.setIconSize(QSize(18, 18))
            swatch.setCheckable(True)
            swatch.setAutoRaise(True)
            swatch.setToolTip(f"{colour_name.capitalize()} ({colour})")
            swatch.setAccessibleName(f"Colour {colour_name}")
            swatch.clicked.connect(lambda _=False, c=colour: self._set_colour(c))
            self.swatch_buttons.append(swatch)
            colour_row.addWidget(swatch)
        # Made after the swatches so that Tab reaches it after them.
        self.colour_button = QPushButton(qta.icon("mdi6.palette"), "&Other colour…")
        self.colour_button.setToolTip("Pick any colour")
        self.colour_button.clicked.connect(self._choose_colour)
        _no_auto_default(self.colour_button)
        colour_row.addSpacing(8)
        colour_row.addWidget(self.colour_button)
        colour_row.addStretch(1)

        self.details_box = QGroupBox("Selected type")
        details = QFormLayout(self.details_box)
        details.addRow(self._buddy("&Name:", self.name_edit), self.name_edit)
        details.addRow(self._buddy("&Definition:", self.definition_edit), self.definition_edit)
        details.addRow("Colour:", colour_row)

        # Adding a type.
        self.new_name_edit = QLineEdit()
        self.new_name_edit.setObjectName("newTypeName")
        self.new_name_edit.setPlaceholderText("Name")
        self.new_name_edit.setAccessibleName("Name of the new source type")
        self.new_name_edit.returnPressed.connect(self._add_type)
        self.new_definition_edit = QLineEdit()
        self.new_definition_edit.setObjectName("newTypeDefinition")
        self.new_definition_edit.setPlaceholderText("Definition (one line)")
        self.new_definition_edit.setAccessibleName("Definition of the new source type")
        self.new_definition_edit.returnPressed.connect(self._add_type)
        self.add_button = QPushButton(qta.icon("mdi6.plus"), "&Add")
        self.add_button.setToolTip("Add a source type at the end of the list")
        self.add_button.clicked.connect(self._add_type)
        self.add_button.setEnabled(False)
        self.new_name_edit.textChanged.connect(lambda text: self.add_button.setEnabled(bool(text.strip())))
        _no_auto_default(self.add_button)

        add_box = QGroupBox("New source type")
        add_row = QHBoxLayout(add_box)
        add_row.addWidget(self.new_name_edit, 2)
        add_row.addWidget(self.new_definition_edit, 5)
        add_row.addWidget(self.add_button)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(top, 1)
        layout.addWidget(self.details_box)
        layout.addWidget(add_box)
        return tab

    def _build_levels_tab(self) -> QWidget:
        intro = QLabel(
            "The five confidence levels, from least to most trusted. Renaming a level keeps every "
            "claim at its level."
        )
        intro.setWordWrap(True)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.level_edits: dict[int, QLineEdit] = {}
        for value in range(1, 6):
            edit = QLineEdit()
            edit.setObjectName(f"level{value}")
            edit.setMinimumWidth(280)
            edit.setAccessibleName(f"Label of confidence level {value}")
            edit.editingFinished.connect(lambda v=value: self._commit_level(v))
            self.level_edits[value] = edit
            hint = {1: " (lowest)", 5: " (highest)"}.get(value, "")
            form.addRow(self._buddy(f"Level &{value}{hint}:", edit), edit)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(form)
        layout.addStretch(1)
        return tab

    def _build_presets_tab(self) -> QWidget:
        intro = QLabel(
            "A preset makes its source types the active ones, in its order (so they take keys 1, 2, 3, …). "
            "Types the preset lacks are retired: their claims are kept and you can restore them later."
        )
        intro.setWordWrap(True)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("presetCombo")
        for preset in PRESETS:
            self.preset_combo.addItem(preset.name, preset)
        self.preset_combo.currentIndexChanged.connect(lambda _: self._show_preset())
        self.apply_preset_button = QPushButton(qta.icon("mdi6.file-replace-outline"), "Appl&y preset…")
        self.apply_preset_button.clicked.connect(self._apply_preset)
        _no_auto_default(self.apply_preset_button)

        self.preset_preview = QTreeWidget()
        self.preset_preview.setObjectName("presetPreview")
        self.preset_preview.setHeaderLabels(["Key", "Source type", "Definition"])
        self.preset_preview.setRootIsDecorated(False)
        self.preset_preview.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preset_preview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.preset_preview.setIconSize(QSize(14, 14))
        header = self.preset_preview.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(KEY_COLUMN, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NAME_COLUMN, QHeaderView.ResizeMode.ResizeToContents)

        row = QHBoxLayout()
        row.addWidget(self._buddy("Pre&set:", self.preset_combo))
        row.addWidget(self.preset_combo, 1)
        row.addWidget(self.apply_preset_button)

        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addLayout(row)
        layout.addWidget(self.preset_preview, 1)
        self._show_preset()
        return tab

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if isinstance(watched, QLineEdit) and event.type() == QEvent.Type.ShortcutOverride:
            # A line edit claims Ctrl+Z even with no typing to undo; then let it reach the codebook's undo.
            assert isinstance(event, QKeyEvent)
            pressed = QKeySequence(event.keyCombination())
            if (pressed in self.undo_action.shortcuts() and not watched.isUndoAvailable()) or (
                pressed in self.redo_action.shortcuts() and not watched.isRedoAvailable()
            ):
                event.ignore()
                return True
            return False
        # Ctrl+Up/Down in the list moves the type; item views would otherwise only move the cursor.
        if watched is self.type_list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.modifiers() == Qt.KeyboardModifier.ControlModifier and event.key() in (
                Qt.Key.Key_Up,
                Qt.Key.Key_Down,
            ):
                self._move_selected(-1 if event.key() == Qt.Key.Key_Up else +1)
                return True
        return super().eventFilter(watched, event)

    # ---- showing --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        """Reload the codebook and claim counts and show them, keeping the selection."""
        self._book = self._service.get()
        self._counts = self._service.claim_counts()
        selected = self.selected_type_id()
        muted = self.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)

        self.type_list.blockSignals(True)
        self.type_list.clear()
        for source_type in self._ordered_types():
            item = QTreeWidgetItem()
            key = self._book.key_of(source_type.id)
            item.setData(0, TYPE_ID_ROLE, source_type.id)
            item.setText(KEY_COLUMN, "retired" if source_type.retired else (str(key) if key else NO_KEY))
            item.setText(NAME_COLUMN, source_type.name)
            item.setIcon(NAME_COLUMN, swatch_icon(source_type.colour))
            item.setText(CLAIMS_COLUMN, str(self._counts.get(source_type.id, 0)))
            item.setTextAlignment(KEY_COLUMN, Qt.AlignmentFlag.AlignCenter)
            item.setTextAlignment(CLAIMS_COLUMN, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            tip = plain_tooltip(source_type.definition)
            for column in range(3):
                item.setToolTip(column, tip)
            if source_type.retired:
                for column in range(3):
                    item.setForeground(column, muted)
            self.type_list.addTopLevelItem(item)
            if source_type.id == selected:
                self.type_list.setCurrentItem(item)
        self.type_list.blockSignals(False)

        for level in self._book.confidence_levels:
            if level.value in self.level_edits:
                self.level_edits[level.value].setText(level.label)
        self._show_selected()

    def _ordered_types(self) -> list[SourceType]:
        # Active types first, in key order; retired ones after them, since their order means nothing.
        return [*self._book.active_types, *(t for t in self._book.source_types if t.retired)]

    def _show_selected(self) -> None:
        source_type = self.selected_type()
        self.details_box.setEnabled(source_type is not None)
        self.retire_button.setEnabled(source_type is not None)
        if source_type is None:
            self.name_edit.clear()
            self.definition_edit.clear()
            self.up_button.setEnabled(False)
            self.down_button.setEnabled(False)
            self._set_retire_button(retired=False, claims=0)
            return
        self.name_edit.setText(source_type.name)
        self.name_edit.setCursorPosition(0)
        self.definition_edit.setText(source_type.definition)
        self.definition_edit.setCursorPosition(0)
        for swatch, colour in zip(self.swatch_buttons, OKABE_ITO, strict=True):
            swatch.setChecked(colour.casefold() == source_type.colour.casefold())
        active_ids = [t.id for t in self._book.active_types]
        index = active_ids.index(source_type.id) if source_type.id in active_ids else -1
        self.up_button.setEnabled(index > 0)
        self.down_button.setEnabled(0 <= index < len(active_ids) - 1)
        self._set_retire_button(source_type.retired, self._counts.get(source_type.id, 0))

    def _set_retire_button(self, retired: bool, claims: int) -> None:
        if retired:
            self.retire_button.setText("&Restore")
            self.retire_button.setIcon(qta.icon("mdi6.archive-arrow-up"))
            self.retire_button.setToolTip("Make this type active again: it gets a tagging key back.")
        else:
            self.retire_button.setText("&Retire")
            self.retire_button.setIcon(qta.icon("mdi6.archive-arrow-down"))
            self.retire_button.setToolTip(
                "Stop offering this type for tagging. Nothing is deleted: the type keeps its claims "
                f"({_claims(claims)} now), and you can restore it later."
            )

    def _show_preset(self) -> None:
        preset: Preset = self.preset_combo.currentData()
        self.preset_preview.clear()
        for index, preset_type in enumerate(preset.types):
            item = QTreeWidgetItem(
                [str(index + 1) if index < 9 else NO_KEY, preset_type.name, preset_type.definition]
            )
            item.setIcon(NAME_COLUMN, swatch_icon(preset.colour(index)))
            item.setTextAlignment(KEY_COLUMN, Qt.AlignmentFlag.AlignCenter)
            item.setToolTip(2, plain_tooltip(preset_type.definition))
            self.preset_preview.addTopLevelItem(item)

    def _show_error(self, message: str) -> None:
        self.message_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.message_label.setText(message)
        self.message_label.show()

    def _show_info(self, message: str) -> None:
        # The placeholder colour is often the text colour made translucent: keep its alpha.
        muted = self.palette().color(QPalette.ColorRole.PlaceholderText)
        self.message_label.setStyleSheet(
            f"color: rgba({muted.red()}, {muted.green()}, {muted.blue()}, {muted.alpha()});"
        )
        self.message_label.setText(message)
        self.message_label.setVisible(bool(message))

    # ---- public ---------------------------------------------------------------------------------

    def codebook(self) -> Codebook:
        """The codebook as last loaded from the service."""
        return self._book

    def selected_type_id(self) -> str | None:
        item = self.type_list.currentItem()
        return item.data(0, TYPE_ID_ROLE) if item is not None else None

    def selected_type(self) -> SourceType | None:
        type_id = self.selected_type_id()
        return self._book.type_by_id(type_id) if type_id else None

    def select_type(self, type_id: str) -> None:
        for row in range(self.type_list.topLevelItemCount()):
            item = self.type_list.topLevelItem(row)
            if item.data(0, TYPE_ID_ROLE) == type_id:
                self.type_list.setCurrentItem(item)
                return

    def undo_stack(self) -> QUndoStack:
        """Where this dialog's edits are undone: the main window's stack, or its own."""
        return self._undo.stack

    def error_text(self) -> str:
        """The inline error shown for the last change, or "" when it went through."""
        return self._error

    # ---- changing -------------------------------------------------------------------------------

    def _change(self, edit: Callable[[], QUndoCommand], done: str = "") -> bool:
        """Save one edit and push its undo command; show a refusal inline, or refresh and announce it."""
        try:
            command = edit()
        except Exception as error:  # a Qt slot must not let it escape: it would vanish into stderr
            if not isinstance(error, CodebookError):
                log.warning("A codebook edit failed", exc_info=error)
            self._error = user_message(error)
            self._show_error(self._error)
            self._refresh()  # what is shown is what is saved
            return False
        self._error = ""
        self._undo.stack.push(command)  # already done: the push only records it
        self._show_info(done)
        self._refresh()
        self.sig_codebook_changed.emit()
        return True

    def _edit_type(self, type_id: str, done: str = "", **values: object) -> bool:
        """Change fields of one type, remembering it as it was and as it is now for undo."""
        before = self._service.get().type_by_id(type_id)

        def edit() -> QUndoCommand:
            if before is None:
                raise CodebookError("That source type no longer exists.")
            self._service.update_type(type_id, **values)  # type: ignore[arg-type]
            after = self._service.get().type_by_id(type_id)
            assert after is not None
            return EditTypeCommand(before, after, self._service, self._undo)

        return self._change(edit, done)

    def _commit_name(self) -> None:
        source_type = self.selected_type()
        # The service tidies spaces the same way: a name that only gained spaces is no change.
        if source_type is None or " ".join(self.name_edit.text().split()) == source_type.name:
            self._show_selected()
            return
        self._edit_type(source_type.id, name=self.name_edit.text())

    def _commit_definition(self) -> None:
        source_type = self.selected_type()
        if source_type is None or self.definition_edit.text().strip() == source_type.definition:
            return
        self._edit_type(source_type.id, definition=self.definition_edit.text())

    def _commit_level(self, value: int) -> None:
        label = self.level_edits[value].text()
        before = self._book.level_label(value)
        if label.strip() == before:
            return

        def edit() -> QUndoCommand:
            self._service.relabel_level(value, label)
            return RelabelLevelCommand(value, before, label.strip(), self._service, self._undo)

        self._change(edit)

    def _set_colour(self, colour: str) -> None:
        source_type = self.selected_type()
        if source_type is None:
            return
        if colour.casefold() == source_type.colour.casefold():
            self._show_selected()  # a click on the current swatch must leave it checked
            return
        self._edit_type(source_type.id, colour=colour)

    def _choose_colour(self) -> None:
        source_type = self.selected_type()
        if source_type is None:
            return
        colour = self._pick_colour(QColor(source_type.colour), f"Colour for “{source_type.name}”")
        if colour is not None:
            self._set_colour(colour.name().upper())

    def _move_selected(self, step: int) -> None:
        source_type = self.selected_type()
        if source_type is None or source_type.retired:
            return
        active = list(self._book.active_types)
        index = next(i for i, t in enumerate(active) if t.id == source_type.id)
        if not 0 <= index + step < len(active):
            return
        # move_type counts every type, retired ones too: land just before (or after) the active neighbour.
        everything = [t.id for t in self._book.source_types]
        new_index = everything.index(active[index + step].id)

        def edit() -> QUndoCommand:
            # Every position, not just the moved type's: a move renumbers them all.
            before = {t.id: t.position for t in self._service.get().source_types}
            self._service.move_type(source_type.id, new_index)
            after = {t.id: t.position for t in self._service.get().source_types}
            return MoveTypeCommand(source_type, step, before, after, self._service, self._undo)

        self._change(edit)
        self.type_list.setFocus()

    def _toggle_retired(self) -> None:
        source_type = self.selected_type()
        if source_type is None:
            return
        claims = self._counts.get(source_type.id, 0)
        if source_type.retired:
            done = f"Restored “{source_type.name}”: it is offered for tagging again."
        else:
            done = (
                f"Retired “{source_type.name}”: its claims are kept ({_claims(claims)}). "
                "Restore it at any time."
            )
        self._edit_type(source_type.id, done, retired=not source_type.retired)

    def _add_type(self) -> None:
        name = self.new_name_edit.text()
        if not name.strip():
            self.new_name_edit.setFocus()
            return
        definition = self.new_definition_edit.text()
        added: list[str] = []

        def edit() -> QUndoCommand:
            _, type_id = self._service.add_type(name, definition)
            added.append(type_id)
            new = self._service.get().type_by_id(type_id)
            assert new is not None
            return AddTypeCommand(new, self._service, self._undo)

        if self._change(edit):
            self.new_name_edit.clear()
            self.new_definition_edit.clear()
            self.select_type(added[0])
            self.new_name_edit.setFocus()

    def _apply_preset(self) -> None:
        preset: Preset = self.preset_combo.currentData()
        wanted = {t.name.casefold() for t in preset.types}
        leaving = [t for t in self._book.active_types if t.name.casefold() not in wanted]
        question = (
            f"Apply the preset “{preset.name}”?\n\n"
            f"Its {len(preset.types)} source types become the active ones, in its order, "
            "so the tagging keys change."
        )
        if leaving:
            claims = sum(self._counts.get(t.id, 0) for t in leaving)
            names = ", ".join(f"“{t.name}”" for t in leaving)
            kept = f"{_claims(claims)} in all" if claims else "nothing is deleted"
            question += (
                f"\n\nThese types will be retired: {names}. Retired types keep their claims "
                f"({kept}) and can be restored later."
            )
        else:
            question += "\n\nNo type is retired and no claim changes."
        if not self._confirm("Apply preset", question):
            return

        def edit() -> QUndoCommand:
            before, before_preset = self._service.get(), self._service.preset_name()
            self._service.apply_preset(preset)
            after = self._service.get()
            return ApplyPresetCommand(preset.name, before, before_preset, after, self._service, self._undo)

        self._change(edit, f"Applied “{preset.name}”: {len(preset.types)} active source types.")
        self.tabs.setCurrentIndex(0)

    # ---- undo and redo ---------------------------------------------------------------------------

    def _on_undo_stack_moved(self, _index: int) -> None:
        self._refresh()

    def _report(self, _title: str, message: str) -> None:
        """A refused undo or redo, when the dialog keeps its own stack: shown like a refused edit."""
        self._error = message
        self._show_error(self._error)

    def done(self, result: int) -> None:
        # A name typed but not yet confirmed with Enter is still the user's intent: save it on close.
        if self.name_edit.isModified():
            self._commit_name()
        if self.definition_edit.isModified():
            self._commit_definition()
        for value, edit in self.level_edits.items():
            if edit.isModified():
                self._commit_level(value)
        if self._following_stack:  # the stack outlives the dialog (it is the window's): stop following it
            self._following_stack = False
            self._undo.stack.indexChanged.disconnect(self._on_undo_stack_moved)
        super().done(result)
