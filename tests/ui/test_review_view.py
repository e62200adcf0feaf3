"""Review > Review Disagreements: settle units from the keyboard, see the reviewed layer in the file, undo."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.review_view import ReviewDock, ReviewEditDialog
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
SPANS = [(0, 41), (42, 76), (77, 94)]


def two_annotators(path: Path) -> dict[str, list[str]]:
    """Ana and Ben agree on the first sentence; on the second Ben says the first type at confidence 4,
    Ana the second type at 2; only Ana tagged the third."""
    project = Project.open(path)
    article = project.articles.add_text(TEXT, title="Talks").article_id
    types = [t.id for t in project.codebook.get().active_types]
    ids: dict[str, list[str]] = {"Ana": [], "Ben": []}
    for name in ids:
        me = project.annotator(name)
        for number, (start, end) in enumerate(SPANS):
            if name == "Ben" and number == 2:
                continue
            second = number == 1
            _, claim = project.claims.create(
                article_id=article,
                annotator_id=me.id,
                start=start,
                end=end,
                source_type_id=types[0] if name == "Ben" or not second else types[1],
                confidence=(4 if name == "Ben" else 2) if second else 3,
            )
            ids[name].append(claim.id)
    project.close()
    return ids


@pytest.fixture
def ids(tmp_path: Path) -> dict[str, list[str]]:
    return two_annotators(tmp_path / "p.sqlite")


@pytest.fixture
def window(qtbot, tmp_path: Path, ids) -> MainWindow:  # type: ignore[no-untyped-def]
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # the window's own shortcuts (digits, Delete) would compete with the list's keys
    qtbot.waitUntil(window.isActiveWindow)
    assert open_initial_project(window, tmp_path / "p.sqlite", "Rita")
    return window


def rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def open_review(window: MainWindow) -> ReviewDock:
    window.review_action.trigger()
    dock = window.review_dock
    assert dock.isVisible()
    return dock


def press(qtbot, dock: ReviewDock, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:  # type: ignore[no-untyped-def]
    # As a user types: to whatever has the focus, which must still be the list after each key.
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dock.panel.table)
    qtbot.keyClick(QApplication.focusWidget(), key, modifier)


def cell(dock: ReviewDock, row: int, column: int) -> str:
    model = dock.panel.model
    return model.data(model.index(row, column))


def test_the_review_lists_each_unit_with_what_every_annotator_said(window, ids, qtmodeltester) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    model = dock.panel.model
    qtmodeltester.check(model)

    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Differs in", "Quote", "1 · Ana", "2 · Ben", "Decision"]
    assert model.rowCount() == 3
    assert [cell(dock, r, 0) for r in range(3)] == ["✓ agree", "≠ type · confidence", "≠ only Ana"]
    assert cell(dock, 1, 1) == TEXT[42:76]
    names = [t.name for t in window.project.codebook.get().active_types]
    codebook = window.project.codebook.get()
    assert cell(dock, 1, 2) == f"{names[1]} · {codebook.level_label(2)}"
    assert cell(dock, 1, 3) == f"{names[0]} · {codebook.level_label(4)}"
    assert cell(dock, 2, 3) == "— no claim"
    # The column may be too narrow for its words: the tooltip says them in full, and who made no claim.
    tip = model.data(model.index(2, 0), Qt.ItemDataRole.ToolTipRole)
    assert "only Ana" in tip and "no claim by Ben" in tip
    assert dock.panel.progress_label.text() == "0 of 3 units settled · 2 disagreements left"
    assert "0/3 settled, 2 left" in dock.panel.chooser.currentText()
    keys = dock.panel.findChild(type(dock.panel.progress_label), "reviewKeys").text()
    assert "N / Shift+N" in keys.replace("\u00a0", " ")  # no-break spaces keep a key with its action


def test_settling_a_disagreement_with_the_keys_writes_the_reviewed_layer_and_undo_takes_it_back(
    qtbot, window, ids, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    claims_before = rows(path, "SELECT id FROM claim ORDER BY id")

    press(qtbot, dock, Qt.Key.Key_N)  # the first disagreement: the second sentence
    assert dock.panel.table.currentIndex().row() == 1
    assert window.claim_panel.selected_claim_id() in (ids["Ana"][1], ids["Ben"][1])  # shown in the article
    press(qtbot, dock, Qt.Key.Key_2)  # accept Ben's version

    ben_type = window.project.codebook.get().active_types[0].id
    rita = window.annotator.id
    assert rows(path, "SELECT outcome, decided_by FROM review_decision") == [("accepted", rita)]
    assert sorted(rows(path, "SELECT claim_id, chosen FROM review_decision_claim")) == sorted(
        [(ids["Ana"][1], 0), (ids["Ben"][1], 1)]
    )
    assert rows(path, 'SELECT start, "end", quote, source_type_id, confidence FROM reviewed_claim') == [
        (42, 76, TEXT[42:76], ben_type, 4)
    ]
    assert rows(path, "SELECT id FROM claim ORDER BY id") == claims_before  # the digit tagged nothing
    assert cell(dock, 1, 4) == "✓ Accepted Ben's version"
    assert dock.panel.progress_label.text() == "1 of 3 units settled · 1 disagreement left"
    assert window.undo_stack.undoText() == "Accept Ben's version"

    window.undo_action.trigger()
    assert rows(path, "SELECT count(*) FROM review_decision") == [(0,)]
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(0,)]
    assert cell(dock, 1, 4) == "—  open"
    assert dock.panel.progress_label.text() == "0 of 3 units settled · 2 disagreements left"

    window.redo_action.trigger()
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(1,)]
    assert cell(dock, 1, 4) == "✓ Accepted Ben's version"

    # Shift+N goes back; N skips settled units and wraps around.
    press(qtbot, dock, Qt.Key.Key_N)
    assert dock.panel.table.currentIndex().row() == 2
    press(qtbot, dock, Qt.Key.Key_N)
    assert dock.panel.table.currentIndex().row() == 2  # the only one left


def test_editing_a_version_saves_the_changed_claim(qtbot, window, ids, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    third_type = window.project.codebook.get().active_types[2]

    def change(dialog: ReviewEditDialog) -> None:
        assert dialog.windowTitle() == "Edit the reviewed claim"
        assert dialog.start_from.currentText() == "Ana's version"
        dialog.start_from.setCurrentIndex(1)  # Ben's
        assert dialog.confidence_combo.currentData() == 4
        dialog.type_combo.setCurrentIndex(dialog.type_combo.findData(third_type.id))
        dialog.cue.setText("said")
        dialog.end_spin.setValue(75)  # without the full stop
        assert dialog.quote.text() == f"“{TEXT[42:75]}”"

    window.dialogs.dialog_scripts.append(change)
    press(qtbot, dock, Qt.Key.Key_N)
    press(qtbot, dock, Qt.Key.Key_E)

    assert rows(path, "SELECT outcome FROM review_decision") == [("edited",)]
    assert rows(path, "SELECT claim_id FROM review_decision_claim WHERE chosen") == [(ids["Ben"][1],)]
    assert rows(
        path, 'SELECT "end", quote, source_type_id, confidence, cue, context_after FROM reviewed_claim'
    ) == [(75, TEXT[42:75], third_type.id, 4, "said", TEXT[75:])]
    assert window.undo_stack.undoText() == "Edit Ben's version"
    assert cell(dock, 1, 4) == "✎ Edited Ben's version"
    window.undo_action.trigger()
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(0,)]


def test_rejecting_a_unit_and_taking_a_decision_back(qtbot, window, ids, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    claims_before = rows(path, "SELECT count(*) FROM claim")

    press(qtbot, dock, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)  # backwards: the last disagreement
    assert dock.panel.table.currentIndex().row() == 2
    press(qtbot, dock, Qt.Key.Key_Delete)  # rejects the unit; deletes no claim

    assert rows(path, "SELECT outcome FROM review_decision") == [("rejected",)]
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(0,)]
    assert rows(path, "SELECT count(*) FROM claim") == claims_before
    assert window.undo_stack.undoText() == "Reject unit"
    assert cell(dock, 2, 4) == "✗ Rejected"
    assert "decided by Rita" in dock.panel.details.text()

    press(qtbot, dock, Qt.Key.Key_U)  # take it back
    assert rows(path, "SELECT count(*) FROM review_decision") == [(0,)]
    assert window.undo_stack.undoText() == "Take back decision"
    window.undo_action.trigger()
    assert rows(path, "SELECT outcome FROM review_decision") == [("rejected",)]


def test_accepting_an_annotator_without_a_claim_there_says_so(qtbot, window, ids, tmp_path) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    messages: list[str] = []
    dock.panel.sig_message_requested.connect(messages.append)
    press(qtbot, dock, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    press(qtbot, dock, Qt.Key.Key_2)  # Ben made no claim on the third sentence
    assert messages == ["Ben made no claim here: choose another version, or reject."]
    assert rows(tmp_path / "p.sqlite", "SELECT count(*) FROM review_decision") == [(0,)]


def test_a_claim_edited_after_the_decision_marks_the_unit_stale(qtbot, window, ids) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    press(qtbot, dock, Qt.Key.Key_N)
    press(qtbot, dock, Qt.Key.Key_1)
    assert cell(dock, 1, 4) == "✓ Accepted Ana's version"

    window.project.claims.update(ids["Ben"][1], confidence=2)
    dock.panel.reload()
    assert cell(dock, 1, 4) == "⚠ changed: Accepted Ana's version"
    assert dock.panel.progress_label.text() == "0 of 3 units settled · 2 disagreements left"


def test_a_merged_claims_history_is_shown_with_its_unit(qtbot, tmp_path, ids) -> None:  # type: ignore[no-untyped-def]
    mine, theirs = tmp_path / "p.sqlite", tmp_path / "ben.sqlite"
    shutil.copy(mine, theirs)
    colleague = Project.open(theirs)
    colleague.claims.update(ids["Ben"][1], confidence=5)
    colleague.close()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, mine, "Rita")
    dock = open_review(window)
    press(qtbot, dock, Qt.Key.Key_N)
    assert "History" not in dock.panel.details.text()
    assert window.merge_project(theirs)  # with the review open: it reads the merged claims again

    qtbot.waitUntil(lambda: "very high" in cell(dock, 1, 3))
    assert dock.panel.table.currentIndex().row() == 1  # the same unit stays chosen
    details = dock.panel.details.text()
    assert "History: Ben's claim was" in details and "ben.sqlite" in details


def test_the_review_follows_the_article_chosen_in_the_window(qtbot, window, ids) -> None:  # type: ignore[no-untyped-def]
    other = window.project.articles.add_text(
        "A second article with nothing tagged.", title="Second"
    ).article_id
    window.reload_articles()
    dock = open_review(window)
    # Every article's progress arrives from the background.
    qtbot.waitUntil(lambda: "no claims" in dock.panel.chooser.itemText(dock.panel.chooser.findData(other)))
    window.article_list.setCurrentRow(1)
    assert dock.panel.article_id == other
    assert dock.panel.model.rowCount() == 0
    assert dock.panel.progress_label.text() == "No claims on this article yet"

    third = window.project.articles.add_text("A third article, added with the review open.", title="Third")
    window.reload_articles(select=third.article_id)
    qtbot.waitUntil(lambda: dock.panel.chooser.findData(third.article_id) >= 0)
    assert dock.panel.article_id == other  # the list was filled without choosing an article


def test_help_lists_the_review_keys(window) -> None:  # type: ignore[no-untyped-def]
    window.show_shortcuts()
    (_, text), *_ = window.dialogs.infos
    assert "Ctrl+Shift+R" in text and "Shift+N" in text


def test_blind_mode_hides_the_review_and_disables_opening_it(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    window.annotator_view.blind_action.setChecked(True)
    assert not window.review_action.isEnabled()
    assert not dock.isVisible()  # colleagues' claims must not stay in view
    window.annotator_view.blind_action.setChecked(False)
    assert window.review_action.isEnabled()


def test_blind_mode_leaves_no_earlier_review_decision_within_reach_of_undo(
    qtbot, window, ids, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    press(qtbot, dock, Qt.Key.Key_N)
    press(qtbot, dock, Qt.Key.Key_2)  # accept Ben's version
    press(qtbot, dock, Qt.Key.Key_U)  # taken back...
    window.undo_stack.undo()  # ...and settled again: a redo step is left above it too
    assert window.undo_stack.undoText() == "Accept Ben's version" and window.undo_stack.canRedo()

    window.annotator_view.blind_action.setChecked(True)

    assert "Ben" not in window.undo_action.text() and "Ben" not in window.redo_action.text()
    assert not window.undo_action.isEnabled() and not window.redo_action.isEnabled()
    while window.undo_stack.canUndo():
        window.undo_stack.undo()
    assert rows(path, "SELECT outcome FROM review_decision") == [("accepted",)]  # the decision stands
    assert "undo history was cleared" in window.statusBar().currentMessage()


def claim_rows(path: Path) -> list[tuple[object, ...]]:
    return rows(path, 'SELECT id, start, "end", source_type_id, confidence FROM claim ORDER BY id')


@pytest.mark.parametrize(
    ("key", "modifier"),
    [
        (Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier),  # the window's "set confidence 3"
        (Qt.Key.Key_1, Qt.KeyboardModifier.ShiftModifier),  # "1" on an AZERTY keyboard
        (Qt.Key.Key_BracketRight, Qt.KeyboardModifier.NoModifier),  # the window's "raise confidence"
        (Qt.Key.Key_Delete, Qt.KeyboardModifier.ShiftModifier),
    ],
)
def test_no_key_in_the_review_list_reaches_the_windows_claim_shortcuts(  # type: ignore[no-untyped-def]
    qtbot, window, ids, tmp_path, key, modifier
) -> None:
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    press(qtbot, dock, Qt.Key.Key_N)  # a unit is chosen: its claim is selected in the article
    assert window.claim_panel.selected_claim_id() is not None
    before = claim_rows(path)

    press(qtbot, dock, key, modifier)

    assert claim_rows(path) == before
    assert window.undo_stack.count() == 0 or window.undo_stack.undoText().startswith("Accept")


def test_adjust_span_typed_in_the_review_list_does_not_move_the_claim_selected_in_the_article(  # type: ignore[no-untyped-def]
    qtbot, window, ids, tmp_path
) -> None:
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    press(qtbot, dock, Qt.Key.Key_N)  # the second sentence's unit: its claim is selected in the article
    assert window.claim_panel.selected_claim_id() is not None
    window.article_view.select_span(*SPANS[2])  # other text selected: Adjust Span would move the claim there
    dock.panel.table.setFocus()
    before = claim_rows(path)
    (sequence,) = window.adjust_action.shortcuts()  # Ctrl+Shift+A, as the window binds it

    combination = sequence[0]
    press(qtbot, dock, combination.key(), combination.keyboardModifiers())

    assert claim_rows(path) == before
    assert window.undo_stack.count() == 0
    assert QApplication.focusWidget() is dock.panel.table


@pytest.mark.parametrize("key", [Qt.Key.Key_1, Qt.Key.Key_Delete, Qt.Key.Key_BracketLeft])
def test_keys_on_the_reviews_other_widgets_do_not_tag_or_delete_claims(
    qtbot, window, ids, tmp_path, key
) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    press(qtbot, dock, Qt.Key.Key_N)
    before = claim_rows(path)
    for widget in (dock.panel.chooser, dock.panel.next_button):
        widget.setFocus()
        qtbot.waitUntil(lambda w=widget: QApplication.focusWidget() is w)
        qtbot.keyClick(widget, key)
    assert claim_rows(path) == before
    assert window.undo_stack.count() == 0


def test_undo_from_the_review_list_takes_the_decision_back_and_keeps_the_focus(
    qtbot, window, ids, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    press(qtbot, dock, Qt.Key.Key_N)
    press(qtbot, dock, Qt.Key.Key_1)
    assert rows(tmp_path / "p.sqlite", "SELECT count(*) FROM review_decision") == [(1,)]
    press(
        qtbot, dock, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier
    )  # Ctrl shortcuts still reach the window
    assert rows(tmp_path / "p.sqlite", "SELECT count(*) FROM review_decision") == [(0,)]
    press(qtbot, dock, Qt.Key.Key_2)  # the list still has the focus and the same unit
    assert cell(dock, 1, 4) == "✓ Accepted Ben's version"


def test_blind_mode_keeps_the_review_out_of_the_windows_dock_menu(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    window.annotator_view.blind_action.setChecked(True)
    menu = window.createPopupMenu()  # what a right click on the window's frame offers
    toggles = [a for a in menu.actions() if a.text() == dock.windowTitle()]
    for toggle in toggles:
        toggle.trigger()
    assert not dock.isVisible()
    window.annotator_view.blind_action.setChecked(False)
    assert dock.toggleViewAction().isEnabled()


def test_a_type_added_or_renamed_with_the_review_open_shows_in_it(qtbot, window, ids) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    codebook = window.project.codebook
    first = codebook.get().active_types[0]
    codebook.update_type(first.id, name="Named official")
    _, added = codebook.add_type("Leaked memo")
    window._on_codebook_changed()  # as the codebook dialog reports its edits

    assert cell(dock, 1, 3).startswith("Named official · ")
    dialog = ReviewEditDialog(dock.panel.model.units[1], dock.panel.codebook, TEXT, ids["Ana"][1], dock.panel)
    assert dialog.type_combo.findData(added) >= 0


def test_deciding_a_unit_again_and_undoing_brings_the_first_decision_back(
    qtbot, window, ids, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    press(qtbot, dock, Qt.Key.Key_N)
    press(qtbot, dock, Qt.Key.Key_1)
    first = rows(path, "SELECT * FROM review_decision") + rows(path, "SELECT * FROM reviewed_claim")
    press(qtbot, dock, Qt.Key.Key_R)  # on second thoughts: reject
    assert cell(dock, 1, 4) == "✗ Rejected"

    window.undo_action.trigger()
    assert rows(path, "SELECT * FROM review_decision") + rows(path, "SELECT * FROM reviewed_claim") == first
    assert cell(dock, 1, 4) == "✓ Accepted Ana's version"
    window.redo_action.trigger()
    assert rows(path, "SELECT outcome FROM review_decision") == [("rejected",)]
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(0,)]


def test_a_review_closed_and_shown_again_from_the_dock_menu_shows_the_claims_as_they_are(
    qtbot, window, ids
) -> None:  # type: ignore[no-untyped-def]
    dock = open_review(window)
    dock.close()
    # Ben's newer version comes in (as a merge brings it) while the review is closed.
    changes, _, after = window.project.claims.update(ids["Ben"][1], confidence=2)
    window.controller.refresh(changes, [after])

    dock.toggleViewAction().trigger()  # the window's right-click menu, not Review > Review Disagreements
    assert dock.isVisible()
    assert cell(dock, 1, 0) == "≠ type"  # no longer a confidence difference


def test_a_reviewer_s_keys_in_the_article_never_change_an_annotator_s_claim(qtbot, window, ids) -> None:  # type: ignore[no-untyped-def]
    """Reviewing, the selected unit's claim is a colleague's: 2 pressed in the article (meant for the
    review) must not retype it, nor Delete remove it, nor the editor's fields change it."""
    open_review(window)
    ben = ids["Ben"][1]
    before = window.project.claims.get(ben)
    window.controller.select_claim(ben)
    view = window.article_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert "Ben's claim" in window.statusBar().currentMessage()
    window.controller.set_confidence(5)  # Alt+5
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    window.controller.adjust_span(ben)
    assert window.project.claims.get(ben) == before
    assert not window.undo_stack.canUndo()
    editor = window.claim_panel.editor
    assert editor.source_edit.text() == before.source and editor.source_edit.isReadOnly()
    assert not editor.type_combo.isEnabled() and editor.comment_edit.isReadOnly()  # readable, not editable


def test_the_edit_dialog_counts_code_points_past_emoji_and_trims_the_span_like_the_article(
    qtbot, ids
) -> None:  # type: ignore[no-untyped-def]
    from annotator.domain.codebook import Codebook, ConfidenceLevel, SourceType
    from annotator.domain.decisions import ReviewUnit
    from annotator.domain.records import Claim
    from annotator.domain.units import group_units

    text = "👩🏽‍⚕️ דובר הצבא אמר 🚀 כי השיחות יימשכו. The 😀 minister said so."
    start, end = text.index("דובר"), text.index("יימשכו") + len("יימשכו")
    claim = Claim("c1", "a", "u", "Ana", start, end, text[start:end], "", "", "t", 3, "", "", "", None, None)  # type: ignore[arg-type]
    codebook = Codebook(
        (SourceType("t", "Official", "", "#000000", 0, False),), (ConfidenceLevel(3, "medium"),)
    )
    unit = ReviewUnit(group_units([claim])[0], frozenset(), None, False)
    dialog = ReviewEditDialog(unit, codebook, text, "c1")
    qtbot.addWidget(dialog)
    assert dialog.quote.text() == f"“{text[start:end]}”"

    rocket = text.index("🚀")
    dialog.set_span(rocket - 1, rocket + 2)  # " 🚀 ": the spaces go, the emoji stays whole
    assert dialog.quote.text() == "“🚀”"
    assert (dialog.edits()["start"], dialog.edits()["end"]) == (rocket, rocket + 1)


def hold_every_articles_progress(monkeypatch, window: MainWindow) -> threading.Event:  # type: ignore[no-untyped-def]
    """Counting every article's progress (on the worker) reads the file at once, then waits for the
    returned gate: the review shows what it has meanwhile, and a result may go stale."""
    service = window.project.adjudication
    count = service.progress
    gate = threading.Event()

    def held(article_ids=None, threshold=0.5):  # type: ignore[no-untyped-def]
        counted = count(article_ids, threshold)
        if article_ids is None:
            gate.wait(10)
        return counted

    monkeypatch.setattr(service, "progress", held)
    return gate


def add_second_article(window: MainWindow) -> str:
    other = window.project.articles.add_text("A second article with nothing tagged.", title="Second")
    window.reload_articles()
    return other.article_id


def item_text(dock: ReviewDock, article_id: str) -> str:
    return dock.panel.chooser.itemText(dock.panel.chooser.findData(article_id))


def test_the_review_opens_with_the_articles_units_before_every_articles_progress_is_counted(  # type: ignore[no-untyped-def]
    qtbot, window, monkeypatch
) -> None:
    other = add_second_article(window)
    gate = hold_every_articles_progress(monkeypatch, window)
    try:
        dock = open_review(window)
        assert dock.panel.model.rowCount() == 3
        assert dock.panel.progress_label.text() == "0 of 3 units settled · 2 disagreements left"
        assert "0/3 settled, 2 left" in dock.panel.chooser.currentText()  # the shown one, counted at once
        assert item_text(dock, other).endswith("…")  # still being counted
        assert dock.panel.counting()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not dock.panel.counting())
    assert item_text(dock, other).endswith("no claims")


def test_a_count_that_started_before_a_decision_does_not_undo_its_progress(  # type: ignore[no-untyped-def]
    qtbot, window, monkeypatch
) -> None:
    gate = hold_every_articles_progress(monkeypatch, window)
    try:
        dock = open_review(window)
        qtbot.waitUntil(dock.panel.counting)
        press(qtbot, dock, Qt.Key.Key_N)
        press(qtbot, dock, Qt.Key.Key_2)  # settled while the count (from before) is on its way
        assert "1/3 settled, 1 left" in dock.panel.chooser.currentText()
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not dock.panel.counting())
    assert "1/3 settled, 1 left" in dock.panel.chooser.currentText()


def test_a_count_that_ends_after_another_project_opened_is_dropped(  # type: ignore[no-untyped-def]
    qtbot, window, monkeypatch, tmp_path
) -> None:
    other = add_second_article(window)
    gate = hold_every_articles_progress(monkeypatch, window)
    try:
        dock = open_review(window)
        assert open_initial_project(window, tmp_path / "q.sqlite", "Rita")  # another project
        assert window.project is not dock.project
    finally:
        gate.set()
    qtbot.waitUntil(lambda: not dock.panel.counting())
    assert item_text(dock, other).endswith("…")  # the old project's count never reached the review


def test_after_the_window_lists_its_articles_again_every_articles_progress_is_counted_again(  # type: ignore[no-untyped-def]
    qtbot, window
) -> None:
    other = add_second_article(window)
    dock = open_review(window)
    qtbot.waitUntil(lambda: item_text(dock, other).endswith("no claims"))
    # As a merge or an import brings claims to an article the review is not showing.
    window.project.claims.create(
        article_id=other,
        annotator_id=window.project.annotator("Ana").id,
        start=0,
        end=8,
        source_type_id=window.project.codebook.get().active_types[0].id,
        confidence=3,
    )
    window.reload_articles()
    qtbot.waitUntil(lambda: "0/1 settled, 0 left" in item_text(dock, other))


def test_a_decision_whose_claims_were_deleted_is_listed_and_can_be_taken_back(  # type: ignore[no-untyped-def]
    qtbot, window, ids, tmp_path
) -> None:
    path = tmp_path / "p.sqlite"
    dock = open_review(window)
    press(qtbot, dock, Qt.Key.Key_N)
    press(qtbot, dock, Qt.Key.Key_2)  # accept Ben's version of the second sentence
    for claim_id in (ids["Ana"][1], ids["Ben"][1]):
        changes, _ = window.project.claims.delete(claim_id)
        dock.panel.claims_changed(changes)
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(1,)]  # still exported

    ben_type = window.project.codebook.get().active_types[0].name
    assert dock.panel.model.rowCount() == 3  # the orphaned decision keeps its place
    assert cell(dock, 1, 0) == "decided · its claims were deleted"
    assert cell(dock, 1, 1) == TEXT[42:76]
    assert cell(dock, 1, 4).startswith("⚠ claims deleted: kept " + ben_type)
    assert dock.panel.progress_label.text() == "0 of 2 units settled · 1 disagreement left"

    dock.panel.select_row(1)
    assert "press U to take it back" in dock.panel.details.text()
    press(qtbot, dock, Qt.Key.Key_1)  # no version left to accept: nothing is decided
    assert rows(path, "SELECT count(*) FROM review_decision") == [(1,)]
    press(qtbot, dock, Qt.Key.Key_U)
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(0,)]
    assert dock.panel.model.rowCount() == 2
    window.undo_action.trigger()  # taking it back is undone: it is listed again
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(1,)]
    assert cell(dock, 1, 0) == "decided · its claims were deleted"


def test_quitting_while_every_articles_progress_is_counted_waits_for_the_count(  # type: ignore[no-untyped-def]
    qtbot, window, monkeypatch
) -> None:
    """Qt aborts the process when a running thread is destroyed: quitting must wait for the count."""
    import threading

    gate = hold_every_articles_progress(monkeypatch, window)
    dock = open_review(window)
    qtbot.waitUntil(dock.panel.counting)
    workers = list(dock.panel._counting)
    assert workers and all(w.isRunning() for w in workers)
    threading.Timer(0.2, gate.set).start()  # the count ends a moment after the user quits
    QApplication.instance().aboutToQuit.emit()
    assert not any(w.isRunning() for w in workers)


def test_a_accepts_every_agreement_of_the_article_in_one_undoable_step(  # type: ignore[no-untyped-def]
    qtbot, window, ids, tmp_path
) -> None:
    dock = open_review(window)
    path = tmp_path / "p.sqlite"
    claims_before = rows(path, "SELECT id FROM claim ORDER BY id")

    press(qtbot, dock, Qt.Key.Key_A)  # the first sentence is the only unit both agree on

    assert rows(path, "SELECT outcome FROM review_decision") == [("accepted",)]
    assert sorted(rows(path, "SELECT claim_id FROM review_decision_claim")) == sorted(
        [(ids["Ana"][0],), (ids["Ben"][0],)]
    )
    assert rows(path, 'SELECT start, "end", quote FROM reviewed_claim') == [(0, 41, TEXT[0:41])]
    assert rows(path, "SELECT id FROM claim ORDER BY id") == claims_before  # "A" tagged nothing
    assert cell(dock, 0, 4).startswith("✓ Accepted")
    assert cell(dock, 1, 4) == "—  open" and cell(dock, 2, 4) == "—  open"  # disagreements stay open
    assert dock.panel.progress_label.text() == "1 of 3 units settled · 2 disagreements left"
    assert window.undo_stack.undoText() == "Accept 1 Agreement"

    press(qtbot, dock, Qt.Key.Key_A)  # nothing left to accept: nothing changes
    assert rows(path, "SELECT count(*) FROM review_decision") == [(1,)]

    window.undo_action.trigger()
    assert rows(path, "SELECT count(*) FROM review_decision") == [(0,)]
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(0,)]
    assert dock.panel.progress_label.text() == "0 of 3 units settled · 2 disagreements left"
    window.redo_action.trigger()
    assert rows(path, "SELECT count(*) FROM reviewed_claim") == [(1,)]
