"""Keyboard paths between the article and the panel: no trap, a way back, and keys that act on the
claim the caret is in (found by a keyboard-only walk through the app)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

from annotator.ui.main_window import MainWindow
from tests.ui.test_article_view import point_on
from tests.ui.test_main_window import make_window

SENTENCE = "The ministry said the talks will go on. An official said nothing. Nobody knows more.\n"


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def tagged_window(qtbot, settings, tmp_path: Path) -> tuple[MainWindow, str, str]:
    """A window on an article with two claims of mine: "The ministry" (first) and "An official"."""
    source = tmp_path / "talks.txt"
    source.write_text(SENTENCE, encoding="utf-8")
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([source])
    qtbot.waitUntil(
        lambda: window.article_view.text() == SENTENCE.rstrip("\n") or window.article_view.text() == SENTENCE
    )
    view, types = window.article_view, window.controller.codebook.active_types
    ids = []
    for words in ("The ministry", "An official"):
        start = SENTENCE.index(words)
        view.select_span(start, start + len(words))
        window.controller.tag_selection(types[0].id)
        ids.append(window.claim_panel.selected_claim_id())
    return window, ids[0], ids[1]


def test_tab_leaves_the_claims_list_for_the_fields_and_escape_goes_back_to_the_article(
    qtbot,
    settings,
    tmp_path,
):
    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    table, editor = window.claim_panel.table_view, window.claim_panel.editor
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    assert focused is not table and editor.isAncestorOf(focused)
    qtbot.keyClick(focused, Qt.Key.Key_Escape)
    qtbot.waitUntil(window.article_view.hasFocus)

    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Escape)
    qtbot.waitUntil(window.article_view.hasFocus)


def test_escape_in_a_field_takes_back_typing_first_then_goes_back_to_the_article(
    qtbot,
    settings,
    tmp_path,
):
    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    source = window.claim_panel.editor.source_edit
    source.setFocus()
    qtbot.keyClicks(source, "a defense official")
    qtbot.keyClick(source, Qt.Key.Key_Escape)
    assert source.text() == "" and source.hasFocus()
    qtbot.keyClick(source, Qt.Key.Key_Escape)
    qtbot.waitUntil(window.article_view.hasFocus)


def test_alt_and_a_field_s_letter_reach_the_field(qtbot, settings, tmp_path):
    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    editor = window.claim_panel.editor
    window.article_view.setFocus()
    for letter, field in (
        (Qt.Key.Key_S, editor.source_edit),
        (Qt.Key.Key_U, editor.cue_edit),
        (Qt.Key.Key_M, editor.comment_edit),
    ):
        qtbot.keyClick(window.article_view, letter, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(field.hasFocus)
        window.article_view.setFocus()


def test_keys_act_on_the_claim_the_caret_moved_into_and_escape_lets_go(qtbot, settings, tmp_path):
    window, first, second = tagged_window(qtbot, settings, tmp_path)
    view, panel = window.article_view, window.claim_panel
    assert panel.selected_claim_id() == second  # the last claim tagged
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_Right)  # into "The ministry"
    assert panel.selected_claim_id() == first
    assert not view.textCursor().hasSelection() and view.textCursor().position() == 1  # the caret stays
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.project.claims.get(first) is None
    assert window.project.claims.get(second) is not None

    window.controller.select_claim(second)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert panel.selected_claim_id() is None and view.marked_claim() is None
    assert not view.textCursor().hasSelection()


def test_moving_the_caret_into_plain_text_keeps_the_claim_for_ctrl_shift_a(qtbot, settings, tmp_path):
    window, _first, second = tagged_window(qtbot, settings, tmp_path)
    view = window.article_view
    window.controller.select_claim(second)
    view.setFocus()
    start = SENTENCE.index("Nobody")
    view.select_span(start, start)  # the caret in plain text, after the claims
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.claim_panel.selected_claim_id() == second
    for _ in range(len("obody")):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(
        view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.project.claims.get(second).quote == "obody"


def test_undo_and_redo_show_the_article_they_change(qtbot, settings, tmp_path):
    window, _first, second = tagged_window(qtbot, settings, tmp_path)
    other = tmp_path / "other.txt"
    other.write_text("A second article, with nothing tagged.\n", encoding="utf-8")
    window.import_files([other])
    tagged_article = window.project.claims.get(second).article_id
    view = window.article_view
    qtbot.waitUntil(lambda: window.controller.article.id != tagged_article)
    assert "second article" in view.text()

    window.undo_action.trigger()  # removes "An official", on the article not shown
    assert window.controller.article.id == tagged_article
    assert view.textCursor().position() == SENTENCE.index("An official")  # the caret where it was
    assert window.article_list.currentItem().text().startswith("talks")
    assert window.project.claims.get(second) is None and second not in window.claim_panel.model.claims_by_id()

    window.article_list.setCurrentRow(1 - window.article_list.currentRow())  # the other article again
    assert window.controller.article.id != tagged_article
    window.redo_action.trigger()
    assert window.controller.article.id == tagged_article
    assert second in window.claim_panel.model.claims_by_id()
    assert window.claim_panel.selected_claim_id() == second  # and shown selected, where it is
    assert view.selected_span() == (SENTENCE.index("An official"), SENTENCE.index("An official") + 11)


def test_ctrl_z_in_a_field_with_no_typing_to_take_back_undoes_the_last_edit(qtbot, settings, tmp_path):
    window, _first, second = tagged_window(qtbot, settings, tmp_path)
    source = window.claim_panel.editor.source_edit
    source.setFocus()
    qtbot.waitUntil(source.hasFocus)
    qtbot.keyClicks(source, "x")
    qtbot.keyClick(source, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the field's own typing
    assert source.text() == "" and window.project.claims.get(second) is not None
    qtbot.keyClick(source, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing typed: the window's
    assert window.project.claims.get(second) is None


def test_edit_delete_article_asks_then_deletes_it_with_its_claims(qtbot, settings, tmp_path):
    window, first, second = tagged_window(qtbot, settings, tmp_path)
    other = tmp_path / "other.txt"
    other.write_text("A second article, with nothing tagged.\n", encoding="utf-8")
    window.import_files([other])
    tagged_article = window.project.claims.get(first).article_id
    window.choose_article(tagged_article)
    assert window.controller.article.id == tagged_article

    window.dialogs.confirm_answers.append(False)
    window.delete_article_action.trigger()
    assert window.dialogs.asked[-1] == "Delete article"
    assert window.project.articles.get(tagged_article) is not None  # "Cancel" keeps it

    window.dialogs.confirm_answers.append(True)
    window.delete_article_action.trigger()
    assert window.project.articles.get(tagged_article) is None
    assert window.project.claims.get(first) is None and window.project.claims.get(second) is None
    assert window.article_list.count() == 1 and window.controller.article.id != tagged_article
    assert "second article" in window.article_view.text()
    assert window.claim_panel.model.total_count() == 0
    assert not window.undo_stack.canUndo()
    assert "Deleted “talks”" in window.statusBar().currentMessage()


def test_a_claim_picked_in_the_list_stays_selected_while_the_caret_travels_through_others(
    qtbot, settings, tmp_path
):
    """Pick "The ministry", move the caret past "An official" to "Nobody", select it, Ctrl+Shift+A: the
    picked claim moves, not the one the caret passed through."""
    window, first, second = tagged_window(qtbot, settings, tmp_path)
    view = window.article_view
    window.controller.select_claim(first)  # as a click on it, or its row, picks it
    view.setFocus()
    view.select_span(SENTENCE.index(" said the talks"), SENTENCE.index(" said the talks"))
    while view.textCursor().position() < SENTENCE.index("Nobody"):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert window.claim_panel.selected_claim_id() == first
    for _ in range(len("Nobody")):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(
        view, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.project.claims.get(first).quote == "Nobody"
    assert window.project.claims.get(second).quote == "An official"


def test_the_caret_in_my_claim_and_a_colleague_s_selects_mine(qtbot, settings, tmp_path):
    window, first, _second = tagged_window(qtbot, settings, tmp_path)
    project, controller, view = window.project, window.controller, window.article_view
    ministry = SENTENCE.index("ministry")
    project.claims.create(  # Ben's claim inside mine ("The ministry"): the innermost
        article_id=controller.article.id,
        annotator_id=project.annotator("Ben").id,
        start=ministry,
        end=ministry + len("ministry"),
        source_type_id=controller.codebook.active_types[1].id,
        confidence=3,
    )
    controller.show_article(controller.article.id)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    view.select_span(ministry + 2, ministry + 2)
    qtbot.keyClick(view, Qt.Key.Key_Right)
    assert window.claim_panel.selected_claim_id() == first
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_on(view, ministry + 3))
    assert window.claim_panel.selected_claim_id() == first  # a click picks mine first too
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert project.claims.get(first) is None


def test_deleting_the_article_the_review_shows_moves_the_review_on(qtbot, settings, tmp_path):
    from annotator.ui import review_menu

    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    project, controller = window.project, window.controller
    article = controller.article.id
    ministry = SENTENCE.index("ministry")
    project.claims.create(
        article_id=article,
        annotator_id=project.annotator("Ben").id,
        start=ministry,
        end=ministry + len("ministry"),
        source_type_id=controller.codebook.active_types[1].id,
        confidence=3,
    )
    other = tmp_path / "other.txt"
    other.write_text("A second article, with nothing tagged.\n", encoding="utf-8")
    window.import_files([other])
    window.choose_article(article)
    panel = review_menu.show_review(window).panel
    assert panel.article_id == article
    window.dialogs.confirm_answers.append(True)
    window.delete_article_action.trigger()
    assert window.dialogs.errors == []
    assert panel.article_id != article and panel.chooser.count() == 1


def test_undo_from_the_menu_saves_typing_first_and_keeps_the_history_in_order(qtbot, settings, tmp_path):
    """Typing not yet saved in a field, then Edit > Undo of a step on another article: the typing is
    saved as its own step before the undo starts (saved during it, it landed mid-history)."""
    window, _first, second = tagged_window(qtbot, settings, tmp_path)
    other = tmp_path / "other.txt"
    other.write_text("A second article, with the word official in it.\n", encoding="utf-8")
    window.import_files([other])
    controller, project, stack = window.controller, window.project, window.undo_stack
    talks = project.claims.get(second).article_id
    qtbot.waitUntil(lambda: controller.article.id != talks)
    second_article = controller.article.id
    text = window.article_view.text()
    window.article_view.select_span(text.index("official"), text.index("official") + len("official"))
    controller.tag_selection(controller.codebook.active_types[0].id)
    mine = window.claim_panel.selected_claim_id()
    window.choose_article(talks)
    controller.select_claim(second)
    controller.edit_claim(second, {"confidence": 5})  # the top step, on the first article
    window.choose_article(second_article)
    controller.select_claim(mine)
    source = window.claim_panel.editor.source_edit
    source.setFocus()
    qtbot.waitUntil(source.hasFocus)
    source.setText("the ministry")  # typed, not saved yet

    window.undo_action.trigger()  # takes back the typing, saved first as the latest step
    assert project.claims.get(mine).source == ""
    assert stack.redoText().startswith("Edit") and stack.undoText().startswith("Rate")
    window.undo_action.trigger()
    assert project.claims.get(second).confidence != 5 and controller.article.id == talks
    window.redo_action.trigger()
    window.redo_action.trigger()
    assert project.claims.get(second).confidence == 5
    assert project.claims.get(mine).source == "the ministry"
    assert not stack.canRedo()


def test_ctrl_z_after_enter_in_a_field_undoes_the_saved_edit_at_once(qtbot, settings, tmp_path):
    window, _first, second = tagged_window(qtbot, settings, tmp_path)
    source = window.claim_panel.editor.source_edit
    source.setFocus()
    qtbot.waitUntil(source.hasFocus)
    qtbot.keyClicks(source, "a spokesperson")
    qtbot.keyClick(source, Qt.Key.Key_Return)  # saved
    assert window.project.claims.get(second).source == "a spokesperson"
    qtbot.keyClick(source, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.project.claims.get(second).source == ""  # one press: the saved edit undone
    assert source.text() == ""  # and the field shows what is saved


def test_tab_from_the_article_reaches_the_panel_s_first_control_not_an_invisible_stop(
    qtbot,
    settings,
    tmp_path,
):
    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    view = window.article_view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    focused = QApplication.focusWidget()
    # A control of the panel, which shows its focus; not the pane the panel scrolls in, which did not.
    assert window.claim_panel.isAncestorOf(focused) and focused.isVisible()


def test_dragging_a_list_s_scroll_bar_leaves_the_keyboard_in_the_article(qtbot, settings, tmp_path):
    from PySide6.QtCore import QPoint

    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    table = window.claim_panel.table_view
    bar = table.verticalScrollBar()
    table.setFixedHeight(60)  # two claims need scrolling now
    qtbot.waitUntil(lambda: bar.isVisible() and bar.maximum() > 0)
    view = window.article_view
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.mousePress(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.width() // 2, bar.height() - 5))
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.width() // 2, bar.height() - 5))
    assert view.hasFocus()
    qtbot.mouseClick(
        table.viewport(), Qt.MouseButton.LeftButton, pos=table.visualRect(table.model().index(0, 0)).center()
    )
    assert table.hasFocus()  # a click on a row still gives the list the keyboard
    qtbot.wait(5)  # as between any two clicks
    qtbot.mousePress(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.width() // 2, bar.height() - 5))
    qtbot.mouseRelease(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.width() // 2, bar.height() - 5))
    assert table.hasFocus()  # and its own scroll bar leaves it there


def test_escape_on_the_claim_s_buttons_goes_back_to_the_article(qtbot, settings, tmp_path):
    window, _first, _second = tagged_window(qtbot, settings, tmp_path)
    editor = window.claim_panel.editor
    for button in (editor.adjust_button, editor.delete_button):
        button.setFocus()
        qtbot.waitUntil(button.hasFocus)
        qtbot.keyClick(button, Qt.Key.Key_Escape)
        qtbot.waitUntil(window.article_view.hasFocus)
