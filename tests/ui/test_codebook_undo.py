"""Codebook edits are undone and redone like claim edits: Ctrl+Z in the codebook dialog while it is open,
or in the main window afterwards; the project file, the keys, the claim panel and the highlights follow."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QUndoCommand, QUndoStack
from PySide6.QtWidgets import QToolButton, QWidget

from annotator.domain.codebook import JOURNALISM_PRESET, OKABE_ITO
from annotator.services.project import Project
from annotator.ui.codebook_commands import CodebookUndo
from annotator.ui.codebook_dialog import CodebookDialog
from annotator.ui.main_window import MainWindow
from tests.ui import test_main_window
from tests.ui.test_codebook_dialog import retype, rows, select
from tests.ui.test_main_window import make_window
from tests.ui.test_main_window_more import SAMPLE_PATH, highlight_toggle, tag

settings = test_main_window.settings  # the same QSettings fixture

CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def ctrl_z(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL)


def ctrl_shift_z(qtbot, widget: QWidget) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL | SHIFT)


def activate(qtbot, widget: QWidget) -> None:
    widget.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(widget.isActiveWindow)


def in_codebook_dialog(qtbot, window: MainWindow, script: Callable[[CodebookDialog], None]) -> None:
    """Edit > Codebook, run `script` in it, close it; back to the window."""

    def run(dialog: CodebookDialog) -> None:
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(qtbot, dialog)
        script(dialog)
        dialog.accept()

    window.dialogs.dialog_scripts.append(run)
    window.edit_codebook()
    activate(qtbot, window)


def names_on_file(path: Path) -> list[str]:
    """The active types as another connection reads them from the project file."""
    other = Project.open(path)
    try:
        return [t.name for t in other.codebook.get().active_types]
    finally:
        other.close()


def window_shows(window: MainWindow) -> dict[str, list[str]]:
    """What the window shows of the codebook: tag menu, claim panel buttons, View > Highlight Source Types."""
    return {
        "tag menu": [a.text().replace("&&", "&") for a in window.tag_actions],
        "buttons": [b.text() for b in window.claim_panel.type_buttons],
        "highlight menu": [a.text().replace("&&", "&") for a in window._highlight_toggles],
    }


def colour_at(window: MainWindow, code_point: int) -> str:
    """The background colour of the highlight painted at `code_point`."""
    view = window.article_view
    view.format_visible_blocks()
    qt = view.position_map.to_qt(code_point)
    block = view.document().findBlock(qt)
    in_block = qt - block.position()
    (colour,) = {
        r.format.background().color().name()
        for r in block.layout().formats()
        if r.start <= in_block < r.start + r.length and r.format.background().style() != Qt.BrushStyle.NoBrush
    }
    return colour


@pytest.fixture
def window(qtbot, settings, tmp_path) -> MainWindow:
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    return window


# --- in the main window, after the dialog closed ---------------------------------------------------------


def test_a_rename_is_undone_by_ctrl_z_in_the_window_and_redone(qtbot, window, tmp_path):
    def rename(dialog: CodebookDialog) -> None:
        select(dialog, window.project, "official")
        retype(qtbot, dialog.name_edit, "on record")

    in_codebook_dialog(qtbot, window, rename)
    path = tmp_path / "p.sqlite"
    assert names_on_file(path) == ["on record", "unnamed", "speculation"]
    assert window_shows(window)["buttons"] == ["1  on record", "2  unnamed", "3  speculation"]
    assert window.undo_action.text() == "&Undo Rename “official” to “on record”"

    ctrl_z(qtbot, window.article_view)

    assert names_on_file(path) == ["official", "unnamed", "speculation"]
    assert window_shows(window) == {
        "tag menu": ["Tag as official", "Tag as unnamed", "Tag as speculation"],
        "buttons": ["1  official", "2  unnamed", "3  speculation"],
        "highlight menu": ["official", "unnamed", "speculation"],
    }
    assert window.redo_action.text() == "&Redo Rename “official” to “on record”"

    ctrl_shift_z(qtbot, window.article_view)
    assert names_on_file(path) == ["on record", "unnamed", "speculation"]
    assert window_shows(window)["highlight menu"] == ["on record", "unnamed", "speculation"]
    assert window.dialogs.errors == []


def test_undo_steps_through_claim_and_codebook_edits_in_order(qtbot, window):
    claim = tag(qtbot, window, 0, 20, Qt.Key.Key_2)

    def recolour(dialog: CodebookDialog) -> None:
        select(dialog, window.project, "unnamed")
        dialog.swatch_buttons[5].click()  # sky blue

    before = colour_at(window, 5)
    unnamed = window.controller.codebook.active_types[1]
    in_codebook_dialog(qtbot, window, recolour)
    assert window.project.codebook.get().type_by_id(unnamed.id).colour == OKABE_ITO[5]
    assert colour_at(window, 5) != before  # the highlight took the new colour
    assert window.undo_action.text() == "&Undo Recolour “unnamed”"

    ctrl_z(qtbot, window.article_view)
    assert window.project.codebook.get().type_by_id(unnamed.id) == unnamed  # colour and all, exactly
    assert colour_at(window, 5) == before
    assert window.undo_action.text().startswith("&Undo Tag “")  # next: the claim made before

    ctrl_z(qtbot, window.article_view)
    assert window.project.claims.get(claim) is None


def test_undoing_an_added_type_takes_away_its_key(qtbot, window, tmp_path):
    def add(dialog: CodebookDialog) -> None:
        retype(qtbot, dialog.new_name_edit, "document")

    in_codebook_dialog(qtbot, window, add)
    assert [a.shortcut().toString() for a in window.tag_actions] == ["1", "2", "3", "4"]
    assert window.undo_action.text() == "&Undo Add Source Type “document”"

    ctrl_z(qtbot, window.article_view)
    assert names_on_file(tmp_path / "p.sqlite") == ["official", "unnamed", "speculation"]
    assert [t.name for t in window.project.codebook.get().source_types] == [
        "official",
        "unnamed",
        "speculation",
    ]
    assert [a.shortcut().toString() for a in window.tag_actions] == ["1", "2", "3"]

    ctrl_shift_z(qtbot, window.article_view)
    claim_id = tag(qtbot, window, 0, 20, Qt.Key.Key_4)  # the type came back with its key
    assert (
        window.controller.codebook.type_by_id(window.claim_panel.model.claim(claim_id).source_type_id).name
        == "document"
    )


def test_undoing_an_added_type_that_has_claims_now_is_refused_and_keeps_them(qtbot, window, tmp_path):
    def add(dialog: CodebookDialog) -> None:
        retype(qtbot, dialog.new_name_edit, "document")

    in_codebook_dialog(qtbot, window, add)
    document = window.controller.codebook.active_types[3]
    # A claim that reached the file outside this window's undo history (a script, another window).
    article_id = window.controller.article.id
    _, claim = window.project.claims.create(
        article_id=article_id,
        annotator_id=window.annotator.id,
        start=0,
        end=10,
        source_type_id=document.id,
        confidence=3,
    )
    count = window.undo_stack.count()

    ctrl_z(qtbot, window.article_view)

    ((title, message),) = window.dialogs.errors
    assert title == "Not undone"  # nothing is unsaved: the step was refused
    assert message == (
        "“document” stays in the codebook: 1 claim now uses it. Retire it instead: its claims are kept."
    )
    assert names_on_file(tmp_path / "p.sqlite") == ["official", "unnamed", "speculation", "document"]
    assert window.project.claims.get(claim.id).source_type_id == document.id
    assert window_shows(window)["buttons"][3] == "4  document"
    # The refused step is dropped (it no longer matches the file), so Ctrl+Z goes on to older edits.
    assert window.undo_stack.count() == count - 1
    assert not window.undo_action.text().endswith("“document”")


def test_a_refused_redo_is_titled_as_one_and_the_file_stays_as_it_is(qtbot, window, tmp_path):
    def add(dialog: CodebookDialog) -> None:
        retype(qtbot, dialog.new_name_edit, "document")

    in_codebook_dialog(qtbot, window, add)
    ctrl_z(qtbot, window.article_view)
    # Another type took the name meanwhile (a script, another window): the redo cannot put it back.
    window.project.codebook.add_type("Document")
    ctrl_shift_z(qtbot, window.article_view)

    ((title, message),) = window.dialogs.errors
    assert (title, message) == ("Not redone", "There is already a source type called “Document”.")
    assert names_on_file(tmp_path / "p.sqlite") == ["official", "unnamed", "speculation", "Document"]
    assert not window.undo_stack.canRedo()  # the refused step is dropped


def test_applying_a_preset_asks_through_the_dialog_service(qtbot, window):
    """The question goes to the window's dialog service (a scripted fake here), never to a message box
    of the dialog's own; a "no" changes nothing."""
    before = window.project.codebook.get()
    window.dialogs.confirm_answers = [False, True]

    def apply_twice(dialog: CodebookDialog) -> None:
        dialog.tabs.setCurrentIndex(2)
        dialog.preset_combo.setCurrentIndex(1)
        dialog.apply_preset_button.click()
        assert window.project.codebook.get() == before
        dialog.tabs.setCurrentIndex(2)
        dialog.apply_preset_button.click()

    in_codebook_dialog(qtbot, window, apply_twice)
    assert window.dialogs.asked.count("Apply preset") == 2 and window.dialogs.confirm_answers == []
    assert [t.name for t in window.project.codebook.get().active_types] == [
        t.name for t in JOURNALISM_PRESET.types
    ]
    assert window.undo_action.text() == "&Undo Apply Preset “Journalism research (fine)”"


def test_undoing_a_move_gives_the_keys_back(qtbot, window):
    def move(dialog: CodebookDialog) -> None:
        select(dialog, window.project, "speculation")
        dialog.type_list.setFocus()
        qtbot.keyClick(dialog.type_list, Qt.Key.Key_Up, CTRL)
        qtbot.keyClick(dialog.type_list, Qt.Key.Key_Up, CTRL)

    before = window.project.codebook.get()
    in_codebook_dialog(qtbot, window, move)
    assert window_shows(window)["buttons"] == ["1  speculation", "2  official", "3  unnamed"]
    assert window.undo_action.text() == "&Undo Move “speculation” Up"

    ctrl_z(qtbot, window.article_view)
    assert window_shows(window)["buttons"] == ["1  official", "2  speculation", "3  unnamed"]
    ctrl_z(qtbot, window.article_view)
    assert window.project.codebook.get() == before  # every position as it was
    assert window_shows(window)["tag menu"] == ["Tag as official", "Tag as unnamed", "Tag as speculation"]


def test_undoing_a_retirement_brings_the_type_back_in_its_place(qtbot, window):
    def retire(dialog: CodebookDialog) -> None:
        select(dialog, window.project, "unnamed")
        dialog.retire_button.click()

    before = window.project.codebook.get()
    in_codebook_dialog(qtbot, window, retire)
    assert window_shows(window)["highlight menu"] == ["official", "speculation"]
    assert window.undo_action.text() == "&Undo Retire “unnamed”"

    ctrl_z(qtbot, window.article_view)
    assert window.project.codebook.get() == before
    assert window_shows(window)["highlight menu"] == ["official", "unnamed", "speculation"]
    assert highlight_toggle(window, "unnamed").isChecked()


def test_undoing_a_relabelled_level_renames_it_in_the_confidence_menu(qtbot, window):
    def relabel(dialog: CodebookDialog) -> None:
        dialog.tabs.setCurrentIndex(1)
        retype(qtbot, dialog.level_edits[3], "moderate")

    in_codebook_dialog(qtbot, window, relabel)
    assert window.confidence_actions[2].text() == "3 · moderate"
    assert window.undo_action.text() == "&Undo Relabel Confidence Level 3 to “moderate”"

    ctrl_z(qtbot, window.article_view)
    assert window.project.codebook.get().level_label(3) == "medium"
    assert window.confidence_actions[2].text() == "3 · medium"


# --- in the dialog, while it is open -------------------------------------------------------------------


def test_ctrl_z_in_the_dialog_undoes_there_and_the_window_follows(qtbot, window):
    def edit_and_undo(dialog: CodebookDialog) -> None:
        select(dialog, window.project, "official")
        retype(qtbot, dialog.name_edit, "on record")
        assert rows(dialog)[0] == ("1", "on record", "0")
        # The focus is still in the name field, which has no typing left to undo: the codebook's turn.
        assert dialog.name_edit.hasFocus()
        ctrl_z(qtbot, dialog.name_edit)
        assert rows(dialog)[0] == ("1", "official", "0")
        assert dialog.name_edit.text() == "official"
        assert window.claim_panel.type_buttons[0].text() == "1  official"  # behind the dialog
        ctrl_shift_z(qtbot, dialog.type_list)
        assert rows(dialog)[0] == ("1", "on record", "0")
        assert dialog.name_edit.text() == "on record"

    in_codebook_dialog(qtbot, window, edit_and_undo)
    assert names_on_file(window.project.path) == ["on record", "unnamed", "speculation"]
    assert window.claim_panel.type_buttons[0].text() == "1  on record"


def test_ctrl_z_while_typing_undoes_the_typing_first(qtbot, window):
    def type_then_undo(dialog: CodebookDialog) -> None:
        select(dialog, window.project, "unnamed")
        retype(qtbot, dialog.name_edit, "anonymous")  # saved: one codebook step
        qtbot.keyClicks(dialog.name_edit, "xyz")  # typed, not saved
        ctrl_z(qtbot, dialog.name_edit)
        assert dialog.name_edit.text() != "anonymousxyz"  # the line edit's own undo took it
        assert window.project.codebook.get().active_types[1].name == "anonymous"
        assert window.undo_stack.undoText() == "Rename “unnamed” to “anonymous”"  # not undone

    in_codebook_dialog(qtbot, window, type_then_undo)


def test_the_dialog_undo_button_names_the_edit_and_undoes_it(qtbot, window):
    def add_and_click_undo(dialog: CodebookDialog) -> None:
        retype(qtbot, dialog.new_name_edit, "R&D")
        button = dialog.findChild(QToolButton, "undoButton")
        assert button.toolTip() == "Undo Add Source Type “R&D”"  # the "&" is shown, not a mnemonic
        assert dialog.undo_action.text() == "&Undo Add Source Type “R&&D”"
        assert dialog.undo_stack().command(dialog.undo_stack().index() - 1).text() == "Add Source Type “R&D”"
        button.click()
        assert [name for _, name, _ in rows(dialog)] == ["official", "unnamed", "speculation"]
        assert dialog.findChild(QToolButton, "redoButton").toolTip() == "Redo Add Source Type “R&D”"
        assert not button.isEnabled() or not button.toolTip().endswith("“R&D”")

    in_codebook_dialog(qtbot, window, add_and_click_undo)
    assert [t.name for t in window.project.codebook.get().source_types] == [
        "official",
        "unnamed",
        "speculation",
    ]


def test_a_refused_undo_in_the_dialog_is_reported_and_the_dialog_shows_the_file(qtbot, window):
    def add_tag_elsewhere_and_undo(dialog: CodebookDialog) -> None:
        retype(qtbot, dialog.new_name_edit, "document")
        document = dialog.selected_type()
        window.project.claims.create(
            article_id=window.controller.article.id,
            annotator_id=window.annotator.id,
            start=0,
            end=10,
            source_type_id=document.id,
            confidence=3,
        )
        dialog.type_list.setFocus()
        ctrl_z(qtbot, dialog.type_list)
        assert rows(dialog)[3] == ("4", "document", "1")  # still there, with its claim counted
        assert "Retire it instead" in window.dialogs.errors[0][1]

    in_codebook_dialog(qtbot, window, add_tag_elsewhere_and_undo)


def test_a_closed_dialog_no_longer_follows_the_window_undo_stack(qtbot, tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    try:
        stack = QUndoStack()
        dialog = CodebookDialog(project.codebook, undo=CodebookUndo(stack, lambda: None, lambda *_: None))
        qtbot.addWidget(dialog)
        dialog.show()
        refreshed: list[int] = []
        dialog._refresh = lambda: refreshed.append(stack.index())  # type: ignore[method-assign]
        stack.push(QUndoCommand("a claim edit"))
        assert refreshed == [1]  # open: an undo or redo elsewhere shows in the dialog
        dialog.close()
        stack.undo()
        stack.redo()
        assert refreshed == [1]  # closed: the window's stack goes on without it
    finally:
        project.close()


# --- a dialog with its own stack ----------------------------------------------------------------------


def test_an_edit_the_file_refuses_is_shown_in_the_dialog_not_lost(qtbot, tmp_path, monkeypatch):
    """Any failure of an edit, not only the codebook's own refusals, is shown in the dialog's words."""
    from sqlalchemy.exc import OperationalError

    project = Project.open(tmp_path / "p.sqlite")
    try:
        dialog = CodebookDialog(project.codebook)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        select(dialog, project, "official")

        def locked(*_args, **_kwargs):
            raise OperationalError("UPDATE source_type", {}, Exception("database is locked"))

        monkeypatch.setattr(project.codebook, "update_type", locked)
        retype(qtbot, dialog.name_edit, "on record")

        assert dialog.error_text() == "The project file refused the change (database is locked)."
        assert dialog.message_label.isVisible()
        assert dialog.name_edit.text() == "official"  # what is shown is what is saved
        assert not dialog.undo_stack().canUndo()
        dialog.close()
    finally:
        project.close()


def test_undoing_a_preset_brings_back_the_previous_codebook_exactly(qtbot, tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    try:
        article = project.articles.add_text(
            "The minister said the bridge is safe.", title="Bridge"
        ).article_id
        ann = project.annotator("Ada")
        unnamed = project.codebook.get().active_types[1]
        _, claim = project.claims.create(
            article_id=article, annotator_id=ann.id, start=4, end=12, source_type_id=unnamed.id, confidence=3
        )
        dialog = CodebookDialog(project.codebook, confirm=lambda *_: True)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        activate(qtbot, dialog)
        select(dialog, project, "official")
        retype(qtbot, dialog.name_edit, "on record")
        before, before_rows = project.codebook.get(), rows(dialog)
        changed: list[bool] = []
        dialog.sig_codebook_changed.connect(lambda: changed.append(True))

        dialog.preset_combo.setCurrentIndex(1)
        dialog.apply_preset_button.click()
        after = project.codebook.get()
        assert [t.name for t in after.active_types] == [t.name for t in JOURNALISM_PRESET.types]
        assert dialog.undo_action.text() == "&Undo Apply Preset “Journalism research (fine)”"

        dialog.type_list.setFocus()
        ctrl_z(qtbot, dialog.type_list)
        assert project.codebook.get() == before  # ids, names, colours, positions, retired flags
        assert project.setting("codebook_preset") == "Default"
        assert project.claims.get(claim.id).source_type_id == unnamed.id
        assert rows(dialog) == before_rows
        assert dialog.selected_type().name == "on record"  # the selection stays on its type

        ctrl_shift_z(qtbot, dialog.type_list)
        assert project.codebook.get() == after  # the same ids: later steps still find their types
        assert project.setting("codebook_preset") == JOURNALISM_PRESET.name

        ctrl_z(qtbot, dialog.type_list)
        ctrl_z(qtbot, dialog.type_list)  # and the rename before it
        assert project.codebook.get().active_types[0].name == "official"
        assert len(changed) == 5  # the preset, then each undo and redo, told the window
        dialog.close()
    finally:
        project.close()


def test_every_edit_names_itself_for_the_edit_menu(qtbot, tmp_path):
    project = Project.open(tmp_path / "p.sqlite")
    try:
        dialog = CodebookDialog(project.codebook, confirm=lambda *_: True)
        qtbot.addWidget(dialog)
        dialog.show()
        qtbot.waitExposed(dialog)
        stack = dialog.undo_stack()
        select(dialog, project, "speculation")
        retype(qtbot, dialog.definition_edit, "A guess.")
        assert stack.undoText() == "Change Definition of “speculation”"
        dialog.swatch_buttons[7].click()
        assert stack.undoText() == "Recolour “speculation”"
        dialog.retire_button.click()
        assert stack.undoText() == "Retire “speculation”"
        dialog.retire_button.click()
        assert stack.undoText() == "Restore “speculation”"
        while stack.canUndo():
            stack.undo()
        assert project.codebook.get().type_by_id(dialog.selected_type_id()).definition.startswith("Nobody")
        assert dialog.definition_edit.text().startswith("Nobody")
        dialog.close()
    finally:
        project.close()
