"""ClaimPanel as a researcher uses it: tag buttons, confidence, the claims list, filters and the editor."""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QWidget

from annotator.domain.codebook import JOURNALISM_PRESET
from annotator.ui import icons
from annotator.ui.claim_panel import ClaimPanel
from annotator.ui.claims_model import QUOTE_COLUMN, TYPE_COLUMN
from tests.ui.test_claims_model import make_claim, make_codebook

SCREENSHOT = Path("/tmp/claim_panel.png")


@pytest.fixture
def claims():
    return [
        make_claim(
            "Officials said the border crossing would remain closed until further notice",
            start=10,
            type_id="t-official",
            confidence=4,
            source="a defense spokesperson",
            cue="according to",
        ),
        make_claim(
            "<b>x</b> the talks apparently collapsed",
            start=200,
            type_id="t-speculation",
            confidence=2,
            annotator="Ben",
        ),
        make_claim(
            "A senior diplomat said\nthe ceasefire was “fragile”",
            start=400,
            type_id="t-unnamed",
            confidence=3,
            comment="check the wire copy",
        ),
        make_claim("Markets are likely to fall further", start=600, type_id="t-speculation", confidence=1),
    ]


@pytest.fixture
def panel(qtbot, claims):
    panel = ClaimPanel()
    qtbot.addWidget(panel)
    panel.set_codebook(make_codebook())
    panel.set_claims(claims)
    panel.resize(400, 800)
    panel.show()
    qtbot.waitExposed(panel)
    panel.activateWindow()
    return panel


def click_row(qtbot, panel: ClaimPanel, row: int) -> None:
    view = panel.table_view
    rect = view.visualRect(panel.model.index(row, QUOTE_COLUMN))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def shown_ids(panel: ClaimPanel) -> list[str]:
    return [panel.model.claim_at(row).id for row in range(panel.model.rowCount())]


# --- tag buttons -------------------------------------------------------------------------------------------


def test_type_buttons_follow_the_codebook_and_request_their_type(qtbot, panel):
    assert [b.text() for b in panel.type_buttons] == ["1  official", "2  unnamed", "3  speculation"]
    tooltip = panel.type_buttons[1].toolTip()
    assert "Someone speaks without being named" in tooltip
    assert "Key: 2" in tooltip
    with qtbot.waitSignal(panel.sig_tag_requested) as blocker:
        qtbot.mouseClick(panel.type_buttons[2], Qt.MouseButton.LeftButton)
    assert blocker.args == ["t-speculation"]


def test_type_buttons_do_not_take_focus_from_the_article_on_click(panel):
    assert all(b.focusPolicy() == Qt.FocusPolicy.TabFocus for b in panel.type_buttons)


def test_tag_buttons_can_be_disabled_while_there_is_nothing_to_tag(qtbot, panel):
    panel.set_tagging_enabled(False)
    assert not any(b.isEnabled() for b in panel.type_buttons)
    with qtbot.assertNotEmitted(panel.sig_tag_requested):
        qtbot.mouseClick(panel.type_buttons[0], Qt.MouseButton.LeftButton)
    panel.set_tagging_enabled(True)
    assert all(b.isEnabled() for b in panel.type_buttons)


def test_the_eight_type_preset_fits_a_narrow_panel(qtbot, panel):
    panel.set_codebook(make_codebook(JOURNALISM_PRESET))
    panel.resize(380, 800)
    qtbot.wait(10)
    QApplication.processEvents()
    buttons = panel.type_buttons
    assert len(buttons) == 8
    assert buttons[3].text() == "4  named non-official"
    for button in buttons:
        assert button.isVisible()
        assert button.width() >= button.sizeHint().width(), button.text()
        top_left = button.mapTo(panel, QPoint(0, 0))
        assert top_left.x() >= 0
        assert top_left.x() + button.width() <= panel.width()
    # No two buttons overlap.
    rects = [b.geometry() for b in buttons]
    assert not any(a.intersects(b) for i, a in enumerate(rects) for b in rects[i + 1 :])
    # The three buttons of the old codebook are gone, not left behind the new ones.
    shown = [b for b in panel.findChildren(QPushButton) if b.isVisible() and b.text()[:1].isdigit()]
    assert sorted(b.text() for b in shown) == sorted(b.text() for b in buttons)


def test_panel_at_380_px_cuts_off_no_control(qtbot, panel):
    panel.set_codebook(make_codebook(JOURNALISM_PRESET))
    panel.resize(380, 800)
    QApplication.processEvents()
    assert panel.width() == 380  # the panel's minimum width allows it
    for widget in panel.findChildren(QWidget):
        if widget.isVisible() and widget.parentWidget() is not None and widget.isWindow() is False:
            right = widget.mapTo(panel, QPoint(widget.width(), 0)).x()
            assert right <= panel.width(), widget


# --- confidence for new claims -----------------------------------------------------------------------------


def test_confidence_buttons_set_and_announce_the_confidence(qtbot, panel):
    assert panel.current_confidence == 3
    assert [b.text() for b in panel.confidence_buttons] == ["1", "2", "3", "4", "5"]
    assert "very high" in panel.confidence_buttons[4].toolTip()
    with qtbot.waitSignal(panel.sig_confidence_changed) as blocker:
        qtbot.mouseClick(panel.confidence_buttons[4], Qt.MouseButton.LeftButton)
    assert blocker.args == [5]
    assert panel.current_confidence == 5
    assert panel.confidence_buttons[4].isChecked()
    from annotator.ui.clamped_text import ClampedText

    level_labels = [label.text() for label in panel.findChildren(ClampedText)]
    assert "very high" in level_labels


def test_arrow_keys_move_the_confidence(qtbot, panel):
    button = panel.confidence_buttons[2]
    button.setFocus()
    qtbot.waitUntil(button.hasFocus)
    with qtbot.waitSignal(panel.sig_confidence_changed) as blocker:
        qtbot.keyClick(button, Qt.Key.Key_Right)
    assert blocker.args == [4]
    assert panel.current_confidence == 4


def test_setting_the_confidence_from_code_does_not_emit(qtbot, panel):
    with qtbot.assertNotEmitted(panel.sig_confidence_changed):
        panel.set_current_confidence(2)
    assert panel.current_confidence == 2
    assert panel.confidence_buttons[1].isChecked()


def test_clicking_the_current_confidence_again_does_not_emit(qtbot, panel):
    with qtbot.assertNotEmitted(panel.sig_confidence_changed):
        qtbot.mouseClick(panel.confidence_buttons[2], Qt.MouseButton.LeftButton)


# --- the claims list ---------------------------------------------------------------------------------------


def test_list_is_sorted_by_article_order_and_sortable_by_header(qtbot, panel, claims):
    assert shown_ids(panel) == [c.id for c in claims]
    header = panel.table_view.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(TYPE_COLUMN) + 5, header.height() // 2),
    )
    assert panel.model.sort_column == TYPE_COLUMN
    assert [panel.model.claim_at(r).source_type_id for r in range(4)] == [
        "t-official",
        "t-unnamed",
        "t-speculation",
        "t-speculation",
    ]


def test_selecting_a_row_with_the_mouse_emits_the_claim_id(qtbot, panel, claims):
    with qtbot.waitSignal(panel.sig_claim_selected) as blocker:
        click_row(qtbot, panel, 2)
    assert blocker.args == [claims[2].id]
    assert panel.selected_claim_id() == claims[2].id
    assert panel.editor.source_edit.isEnabled()


def test_ctrl_click_on_the_selected_row_clears_the_selection(qtbot, panel, claims):
    click_row(qtbot, panel, 1)
    rect = panel.table_view.visualRect(panel.model.index(1, QUOTE_COLUMN))
    with qtbot.waitSignal(panel.sig_claim_selected) as blocker:
        qtbot.mouseClick(
            panel.table_view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.ControlModifier,
            rect.center(),
        )
    assert blocker.args == [""]
    assert panel.selected_claim_id() is None
    assert not panel.editor.type_combo.isEnabled()


def test_a_third_header_click_returns_to_article_order(qtbot, panel, claims):
    header = panel.table_view.horizontalHeader()
    pos = QPoint(header.sectionViewportPosition(QUOTE_COLUMN) + 5, header.height() // 2)
    orders = []
    for _ in range(3):
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=pos)
        orders.append(shown_ids(panel))
    assert orders[0] != orders[1]
    assert orders[2] == [c.id for c in claims]
    assert header.sortIndicatorSection() == -1


def test_selecting_a_row_with_the_keyboard_emits_the_claim_id(qtbot, panel, claims):
    click_row(qtbot, panel, 0)
    with qtbot.waitSignal(panel.sig_claim_selected) as blocker:
        qtbot.keyClick(panel.table_view, Qt.Key.Key_Down)
    assert blocker.args == [claims[1].id]


def test_select_claim_selects_and_scrolls_without_emitting(qtbot, panel, claims):
    with qtbot.assertNotEmitted(panel.sig_claim_selected):
        panel.select_claim(claims[3].id)
    assert panel.selected_claim_id() == claims[3].id
    assert [i.row() for i in panel.table_view.selectionModel().selectedRows()] == [3]
    assert panel.editor.quote_view.text() == claims[3].quote
    with qtbot.assertNotEmitted(panel.sig_claim_selected):
        panel.select_claim(None)
    assert panel.selected_claim_id() is None
    assert panel.table_view.selectionModel().selectedRows() == []


def test_select_claim_scrolls_a_long_list_to_the_row(qtbot, panel):
    many = [make_claim(f"claim number {n}", start=n * 10) for n in range(500)]
    panel.set_claims(many)
    panel.select_claim(many[400].id)
    QApplication.processEvents()
    view = panel.table_view
    rect = view.visualRect(panel.model.index(400, 0))
    assert view.viewport().rect().contains(rect.center())


def test_double_click_and_enter_move_focus_to_the_editor(qtbot, panel):
    click_row(qtbot, panel, 1)
    rect = panel.table_view.visualRect(panel.model.index(1, QUOTE_COLUMN))
    qtbot.mouseDClick(panel.table_view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: panel.editor.type_combo.hasFocus())
    panel.table_view.setFocus()
    qtbot.waitUntil(lambda: panel.table_view.hasFocus())
    qtbot.keyClick(panel.table_view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.editor.type_combo.hasFocus())


def test_delete_key_in_the_list_requests_deletion(qtbot, panel, claims):
    click_row(qtbot, panel, 1)
    with qtbot.waitSignal(panel.sig_claim_delete_requested) as blocker:
        qtbot.keyClick(panel.table_view, Qt.Key.Key_Delete)
    assert blocker.args == [claims[1].id]


def test_removing_the_selected_claim_clears_the_editor_quietly(qtbot, panel, claims):
    panel.select_claim(claims[1].id)
    with qtbot.assertNotEmitted(panel.sig_claim_selected):
        panel.remove_claim(claims[1].id)
    assert panel.selected_claim_id() is None
    assert not panel.editor.source_edit.isEnabled()
    assert panel.model.rowCount() == 3


def test_upserting_a_new_claim_adds_a_row_and_keeps_the_selection(qtbot, panel, claims):
    panel.select_claim(claims[2].id)
    fresh = make_claim("a new claim", start=5)
    with qtbot.assertNotEmitted(panel.sig_claim_selected):
        panel.upsert_claim(fresh)
    assert shown_ids(panel)[0] == fresh.id
    assert [i.row() for i in panel.table_view.selectionModel().selectedRows()] == [3]
    assert panel.selected_claim_id() == claims[2].id


def test_new_claims_keep_a_header_sort(qtbot, panel):
    panel.table_view.sortByColumn(QUOTE_COLUMN, Qt.SortOrder.AscendingOrder)
    aardvarks = make_claim("Aardvarks were seen", start=900)
    panel.upsert_claim(aardvarks)
    # "<b>x</b>…", "A senior diplomat…", then the newcomer: markup sorts first, a space before a letter.
    assert panel.model.row_of(aardvarks.id) == 2


def test_set_claims_keeps_a_selection_that_still_exists(qtbot, panel, claims):
    panel.select_claim(claims[2].id)
    panel.set_claims(claims[1:])
    assert panel.selected_claim_id() == claims[2].id
    assert [i.row() for i in panel.table_view.selectionModel().selectedRows()] == [1]
    panel.set_claims(claims[:2])
    assert panel.selected_claim_id() is None


# --- filters -----------------------------------------------------------------------------------------------


def test_filter_by_text_matches_quote_source_cue_and_comment(qtbot, panel, claims):
    assert panel.filter_edit.placeholderText() == "Filter claims…"
    assert panel.filter_edit.isClearButtonEnabled()
    qtbot.keyClicks(panel.filter_edit, "SPOKESPERSON")
    qtbot.waitUntil(lambda: shown_ids(panel) == [claims[0].id])
    panel.filter_edit.clear()
    qtbot.keyClicks(panel.filter_edit, "wire copy")
    qtbot.waitUntil(lambda: shown_ids(panel) == [claims[2].id])
    panel.filter_edit.clear()
    assert panel.model.rowCount() == 4


def test_filter_by_type(qtbot, panel, claims):
    combo = panel.type_filter
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "All types",
        "official",
        "unnamed",
        "speculation",
    ]
    combo.setCurrentIndex(3)
    combo.activated.emit(3)
    assert shown_ids(panel) == [claims[1].id, claims[3].id]
    combo.setCurrentIndex(0)
    combo.activated.emit(0)
    assert panel.model.rowCount() == 4


def test_filter_by_annotator_lists_the_names_present(qtbot, panel, claims):
    combo = panel.annotator_filter
    assert [combo.itemText(i) for i in range(combo.count())] == ["All annotators", "Ana", "Ben"]
    combo.setCurrentIndex(2)
    combo.activated.emit(2)
    assert shown_ids(panel) == [claims[1].id]
    panel.upsert_claim(make_claim("by someone new", annotator="Chloé"))
    assert [combo.itemText(i) for i in range(combo.count())] == ["All annotators", "Ana", "Ben", "Chloé"]
    assert combo.currentText() == "Ben"


def test_a_filtered_out_selection_stays_in_the_editor_and_returns(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    with qtbot.assertNotEmitted(panel.sig_claim_selected):
        qtbot.keyClicks(panel.filter_edit, "markets")
        qtbot.waitUntil(lambda: panel.model.rowCount() == 1)
        assert panel.selected_claim_id() == claims[0].id
        assert panel.editor.source_edit.text() == "a defense spokesperson"
        panel.filter_edit.clear()
    assert [i.row() for i in panel.table_view.selectionModel().selectedRows()] == [0]


# --- the editor --------------------------------------------------------------------------------------------


def test_editor_is_disabled_with_a_hint_when_nothing_is_selected(panel):
    editor = panel.editor
    assert not editor.type_combo.isEnabled()
    assert not editor.delete_button.isEnabled()
    assert editor.quote_view.text() == ""
    assert "press 1\u20133 to tag a claim" in editor.quote_view.accessibleDescription()
    panel.set_codebook(make_codebook(JOURNALISM_PRESET))
    assert "press 1\u20138" in editor.quote_view.accessibleDescription()


def test_editor_shows_the_selected_claim(panel, claims):
    panel.select_claim(claims[0].id)
    editor = panel.editor
    assert editor.quote_view.text() == claims[0].quote
    assert editor.type_combo.currentText() == "official"
    assert editor.confidence_combo.currentText() == "4 · high"
    assert editor.source_edit.text() == "a defense spokesperson"
    assert editor.cue_edit.text() == "according to"
    assert editor.source_edit.placeholderText() == "e.g. a defense spokesperson"
    assert editor.cue_edit.placeholderText() == "e.g. according to"


def test_source_edit_emits_once_when_enter_is_pressed(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    edit = panel.editor.source_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.selectAll()
    received: list[tuple[str, dict]] = []
    panel.sig_claim_edit_requested.connect(lambda claim_id, fields: received.append((claim_id, fields)))
    qtbot.keyClicks(edit, "a government spokesperson")
    assert received == []  # nothing per keystroke
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    panel.table_view.setFocus()  # leaving the field must not send it again
    qtbot.waitUntil(panel.table_view.hasFocus)
    assert received == [(claims[0].id, {"source": "a government spokesperson"})]


def test_unchanged_text_fields_do_not_emit(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    edit = panel.editor.cue_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    with qtbot.assertNotEmitted(panel.sig_claim_edit_requested):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
        panel.table_view.setFocus()
        qtbot.waitUntil(panel.table_view.hasFocus)


def test_comment_emits_when_it_loses_focus(qtbot, panel, claims):
    panel.select_claim(claims[2].id)
    comment = panel.editor.comment_edit
    comment.setFocus()
    qtbot.waitUntil(comment.hasFocus)
    comment.moveCursor(comment.textCursor().MoveOperation.End)
    with qtbot.assertNotEmitted(panel.sig_claim_edit_requested):
        qtbot.keyClicks(comment, " again")
    with qtbot.waitSignal(panel.sig_claim_edit_requested) as blocker:
        panel.editor.cue_edit.setFocus()
    assert blocker.args == [claims[2].id, {"comment": "check the wire copy again"}]


def test_escape_takes_back_typing(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    edit = panel.editor.source_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    qtbot.keyClicks(edit, " (maybe)")
    qtbot.keyClick(edit, Qt.Key.Key_Escape)
    assert edit.text() == "a defense spokesperson"
    with qtbot.assertNotEmitted(panel.sig_claim_edit_requested):
        panel.table_view.setFocus()
        qtbot.waitUntil(panel.table_view.hasFocus)


def test_typing_then_selecting_another_claim_saves_the_first(qtbot, panel, claims):
    click_row(qtbot, panel, 0)
    edit = panel.editor.cue_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.clear()
    qtbot.keyClicks(edit, "told reporters")
    received: list[tuple[str, dict]] = []
    panel.sig_claim_edit_requested.connect(lambda claim_id, fields: received.append((claim_id, fields)))
    panel.select_claim(claims[3].id)  # e.g. a click on another highlight in the article
    assert received == [(claims[0].id, {"cue": "told reporters"})]
    assert panel.editor.cue_edit.text() == ""


def test_changing_the_type_combo_emits_the_type_id(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    combo = panel.editor.type_combo
    assert [combo.itemText(i) for i in range(combo.count())] == ["official", "unnamed", "speculation"]
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    with qtbot.waitSignal(panel.sig_claim_edit_requested) as blocker:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert blocker.args == [claims[0].id, {"source_type_id": "t-unnamed"}]


def test_changing_the_confidence_combo_emits_the_value(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    combo = panel.editor.confidence_combo
    assert combo.itemText(0) == "1 · very low"
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    with qtbot.waitSignal(panel.sig_claim_edit_requested) as blocker:
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert blocker.args == [claims[0].id, {"confidence": 5}]


def test_upserting_the_selected_claim_updates_the_editor_without_emitting(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    changed = claims[0]._replace(
        source_type_id="t-unnamed", confidence=2, source="an aide", cue="", comment="undo"
    )
    with (
        qtbot.assertNotEmitted(panel.sig_claim_edit_requested),
        qtbot.assertNotEmitted(panel.sig_claim_selected),
    ):
        panel.upsert_claim(changed)
        panel.table_view.setFocus()
    editor = panel.editor
    assert editor.type_combo.currentData() == "t-unnamed"
    assert editor.confidence_combo.currentData() == 2
    assert editor.source_edit.text() == "an aide"
    assert editor.cue_edit.text() == ""
    assert editor.comment_edit.toPlainText() == "undo"
    assert panel.model.index(0, TYPE_COLUMN).data() == "unnamed"


def test_an_edit_that_comes_back_is_not_sent_again(qtbot, panel, claims):
    panel.select_claim(claims[0].id)
    edit = panel.editor.source_edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus)
    edit.setText("an aide")
    received: list[dict] = []
    panel.sig_claim_edit_requested.connect(lambda _id, fields: received.append(fields))
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    panel.upsert_claim(claims[0]._replace(source="an aide"))  # the main window's round trip
    panel.table_view.setFocus()
    qtbot.waitUntil(panel.table_view.hasFocus)
    assert received == [{"source": "an aide"}]


def test_delete_and_adjust_buttons_request_their_action(qtbot, claims, monkeypatch):
    # As at start-up: no icons yet (another test may have loaded them for the whole process).
    monkeypatch.setattr(icons, "_loaded", False)
    monkeypatch.setattr(icons, "_pending", [])
    panel = ClaimPanel()
    qtbot.addWidget(panel)
    panel.set_codebook(make_codebook())
    panel.set_claims(claims)
    panel.show()
    panel.select_claim(claims[1].id)
    assert panel.editor.delete_button.icon().isNull()  # icons load after the window's first paint
    icons.load_pending()
    assert not panel.editor.delete_button.icon().isNull()
    with qtbot.waitSignal(panel.sig_claim_delete_requested) as blocker:
        qtbot.mouseClick(panel.editor.delete_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [claims[1].id]
    with qtbot.waitSignal(panel.sig_span_adjust_requested) as blocker:
        qtbot.mouseClick(panel.editor.adjust_button, Qt.MouseButton.LeftButton)
    assert blocker.args == [claims[1].id]


def test_a_retired_type_still_shows_in_the_editor(qtbot, panel, claims):
    codebook = make_codebook()
    retired = dataclasses.replace(codebook.source_types[2], retired=True)
    codebook = dataclasses.replace(codebook, source_types=(*codebook.source_types[:2], retired))
    panel.set_codebook(codebook)
    assert len(panel.type_buttons) == 2
    panel.select_claim(claims[1].id)
    assert panel.editor.type_combo.currentText() == "speculation (retired)"


# --- plain text, accessibility, keyboard -------------------------------------------------------------------


def test_user_text_is_shown_literally(qtbot, panel, claims):
    row = panel.model.row_of(claims[1].id)
    assert panel.model.index(row, QUOTE_COLUMN).data() == "<b>x</b> the talks apparently collapsed"
    panel.select_claim(claims[1].id)
    assert panel.editor.quote_view.text() == "<b>x</b> the talks apparently collapsed"
    assert "&lt;b&gt;x&lt;/b&gt;" in panel.editor.quote_view.toolTip()
    for label in panel.findChildren(QLabel):
        assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_codebook_names_are_plain_text_too(qtbot, panel):
    codebook = make_codebook()
    odd = dataclasses.replace(codebook.source_types[0], name="<i>official</i>", definition="<b>bold</b>")
    panel.set_codebook(dataclasses.replace(codebook, source_types=(odd, *codebook.source_types[1:])))
    assert panel.type_buttons[0].text() == "1  <i>official</i>"
    assert "&lt;b&gt;bold&lt;/b&gt;" in panel.type_buttons[0].toolTip()


def test_controls_have_accessible_names(panel):
    controls = [
        *panel.type_buttons,
        *panel.confidence_buttons,
        panel.filter_edit,
        panel.type_filter,
        panel.annotator_filter,
        panel.table_view,
        panel.editor.type_combo,
        panel.editor.confidence_combo,
        panel.editor.source_edit,
        panel.editor.cue_edit,
        panel.editor.comment_edit,
        panel.editor.adjust_button,
        panel.editor.delete_button,
    ]
    assert all(control.accessibleName() for control in controls)
    assert panel.type_buttons[0].accessibleName() == "Tag as official, key 1"


def test_tab_order_runs_top_to_bottom(panel, claims):
    panel.select_claim(claims[0].id)
    expected = [
        *panel.type_buttons,
        *panel.confidence_buttons,
        panel.filter_edit,
        panel.type_filter,
        panel.annotator_filter,
        panel.table_view,
        panel.editor.type_combo,
        panel.editor.confidence_combo,
        panel.editor.source_edit,
        panel.editor.cue_edit,
        panel.editor.comment_edit,
        panel.editor.adjust_button,
        panel.editor.delete_button,
    ]
    for first, second in itertools.pairwise(expected):
        assert first.nextInFocusChain() is second or _next_focusable(first) is second, (first, second)


def _next_focusable(widget: QWidget) -> QWidget:
    candidate = widget.nextInFocusChain()
    while candidate.focusPolicy() == Qt.FocusPolicy.NoFocus or candidate.focusProxy() is not None:
        candidate = candidate.nextInFocusChain()
    return candidate


# --- scale and looks ---------------------------------------------------------------------------------------


def test_a_hundred_thousand_claims_load_and_filter(qtbot, panel):
    many = [make_claim(f"claim {n}", start=n, confidence=1 + n % 5) for n in range(100_000)]
    panel.set_claims(many)
    assert panel.model.rowCount() == 100_000
    panel.table_view.sortByColumn(QUOTE_COLUMN, Qt.SortOrder.DescendingOrder)
    panel.select_claim(many[12_345].id)
    qtbot.keyClicks(panel.filter_edit, "claim 1234")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 11, timeout=5000)  # 1234 and 12340 to 12349
    assert panel.selected_claim_id() == many[12_345].id


def test_screenshot(qtbot, panel):
    long_quote = make_claim(
        "The foreign ministry said on Tuesday that the border crossing would stay closed “for as long as "
        "the security situation requires”, adding that humanitarian convoys would be assessed case by case "
        "and that no date had been set for talks.",
        start=300,
        type_id="t-official",
        confidence=5,
        source="the foreign ministry",
        cue="said",
        comment="Check against the ministry's own statement.",
    )
    panel.upsert_claim(long_quote)
    panel.select_claim(long_quote.id)
    panel.resize(400, 800)
    QApplication.processEvents()
    assert panel.grab().save(str(SCREENSHOT))


def test_a_long_list_prepares_its_quote_order_while_idle(qtbot, panel, claims):
    from annotator.ui import claim_panel as module

    many = [
        c._replace(id=f"{c.id}-{i}", start=c.start + i)
        for i in range(module._QUOTE_ORDER_AHEAD_FROM)
        for c in claims[:1]
    ]
    panel.set_claims(many)
    assert not panel.model.quote_order_ready  # not on the way to showing the article
    qtbot.waitUntil(lambda: panel.model.quote_order_ready, timeout=5000)


def _ours_and_qts(view):
    """The list's viewport as the app's cell delegate paints it, and as Qt's own delegate would."""
    from PySide6.QtWidgets import QStyledItemDelegate

    ours = view.itemDelegate()
    fast = view.viewport().grab().toImage()
    view.setItemDelegate(QStyledItemDelegate(view))
    QApplication.processEvents()
    qt = view.viewport().grab().toImage()
    view.setItemDelegate(ours)
    return fast, qt


def test_the_list_paints_its_cells_as_qt_s_own_delegate_would(qtbot, panel, claims):
    """The fast cell painting must not change the look: swatch, text, eliding and the selected row."""
    from annotator.ui.claim_cells import ClaimCellDelegate

    view = panel.table_view
    long_quote = make_claim("An unusually long quote " * 30, start=800, type_id="t-official", confidence=5)
    panel.upsert_claim(long_quote)
    panel.select_claim(claims[1].id)
    QApplication.processEvents()
    assert isinstance(view.itemDelegate(), ClaimCellDelegate)
    fast, qt = _ours_and_qts(view)
    assert fast.size() == qt.size()
    differing = [
        (x, y)
        for y in range(0, fast.height())
        for x in range(0, fast.width())
        if fast.pixel(x, y) != qt.pixel(x, y)
    ]
    assert differing == []


def test_the_list_colours_its_texts_anew_for_a_new_palette(qtbot, panel, claims):
    """Text colours are remembered per colour group: a new palette must not paint with the old one."""
    from PySide6.QtGui import QColor, QPalette

    view = panel.table_view
    QApplication.processEvents()
    before = view.viewport().grab().toImage()  # the first palette's colours are remembered now
    palette = view.palette()
    palette.setColor(QPalette.ColorRole.Text, QColor("#b00020"))
    view.setPalette(palette)
    QApplication.processEvents()
    fast, qt = _ours_and_qts(view)
    assert fast != before
    assert fast == qt


def test_the_list_cuts_its_texts_anew_for_a_new_font(qtbot, panel, claims):
    """Cut texts are remembered by text and width: a new font of the same cell size must not reuse them."""
    view = panel.table_view
    panel.upsert_claim(make_claim("An unusually long quote " * 30, start=800, type_id="t-official"))
    QApplication.processEvents()
    view.viewport().grab()  # the cuts for the first font are remembered now
    font = view.font()
    font.setPointSizeF(font.pointSizeF() * 1.3)
    view.setFont(font)
    QApplication.processEvents()
    fast, qt = _ours_and_qts(view)
    assert fast == qt


def test_a_selected_row_keeps_the_type_s_own_colour_and_no_cell_frame(qtbot, panel, claims):
    """Qt tints a selected row's icons with the selection colour, and Fusion frames the focused cell over
    its text: the swatch must keep its type's colour, and the row reads as one."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QStyle, QStyleOptionViewItem

    from annotator.ui.look import swatch_icon

    icon = swatch_icon("#e69f00")
    normal = icon.pixmap(QSize(16, 16), QIcon.Mode.Normal).toImage()
    assert icon.pixmap(QSize(16, 16), QIcon.Mode.Selected).toImage() == normal

    view = panel.table_view
    panel.select_claim(claims[1].id)
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    view.setCurrentIndex(view.model().index(view.currentIndex().row(), 1))
    option = QStyleOptionViewItem()
    option.state = QStyle.StateFlag.State_Selected | QStyle.StateFlag.State_HasFocus
    view.itemDelegate().initStyleOption(option, view.currentIndex())
    assert not option.state & QStyle.StateFlag.State_HasFocus
    assert option.state & QStyle.StateFlag.State_Selected
