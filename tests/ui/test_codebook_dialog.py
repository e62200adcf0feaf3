"""The codebook dialog against a real project file: every edit is saved at once and announced."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from annotator.domain.codebook import JOURNALISM_PRESET, OKABE_ITO
from annotator.services.project import Project
from annotator.ui.codebook_dialog import CLAIMS_COLUMN, KEY_COLUMN, NAME_COLUMN, CodebookDialog


@pytest.fixture
def project(tmp_path: Path):
    project = Project.open(tmp_path / "p.sqlite")
    yield project
    project.close()


@pytest.fixture
def questions() -> list[str]:
    return []


@pytest.fixture
def dialog(qtbot, project, questions):
    def confirm(title, question):
        questions.append(question)
        return True

    dialog = CodebookDialog(project.codebook, confirm=confirm)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def rows(dialog: CodebookDialog) -> list[tuple[str, str, str]]:
    items = [dialog.type_list.topLevelItem(i) for i in range(dialog.type_list.topLevelItemCount())]
    return [(i.text(KEY_COLUMN), i.text(NAME_COLUMN), i.text(CLAIMS_COLUMN)) for i in items]


def select(dialog: CodebookDialog, project: Project, name: str) -> str:
    type_id = next(t.id for t in project.codebook.get().source_types if t.name == name)
    dialog.select_type(type_id)
    assert dialog.selected_type_id() == type_id
    return type_id


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def add_claim(project: Project, type_id: str) -> None:
    article = project.articles.add_text("The minister said the bridge is safe.", title="Bridge").article_id
    annotator = project.annotator("Ada")
    project.claims.create(
        article_id=article, annotator_id=annotator.id, start=4, end=37, source_type_id=type_id, confidence=3
    )


def test_shows_the_types_in_key_order_with_claim_counts(dialog, project):
    add_claim(project, select(dialog, project, "unnamed"))
    dialog.tabs.setCurrentIndex(0)
    dialog._refresh()
    assert rows(dialog) == [("1", "official", "0"), ("2", "unnamed", "1"), ("3", "speculation", "0")]
    assert (
        dialog.type_list.topLevelItem(0)
        .toolTip(NAME_COLUMN)
        .startswith("<p style='white-space:pre-wrap'>A named, on-the-record")
    )


def test_adding_a_type_lists_it_and_saves_it(qtbot, dialog, project):
    assert not dialog.add_button.isEnabled()
    qtbot.keyClicks(dialog.new_name_edit, "document")
    qtbot.keyClicks(dialog.new_definition_edit, "A report or filing.")
    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    assert rows(dialog)[-1] == ("4", "document", "0")
    saved = project.codebook.get().active_types[-1]
    assert (saved.name, saved.definition) == ("document", "A report or filing.")
    assert dialog.selected_type_id() == saved.id
    assert dialog.new_name_edit.text() == "" and dialog.error_text() == ""


def test_enter_in_the_new_name_adds_without_closing(qtbot, dialog, project):
    qtbot.keyClicks(dialog.new_name_edit, "press release")
    qtbot.keyClick(dialog.new_name_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "press release" in [t.name for t in project.codebook.get().active_types]


def test_renaming_saves(qtbot, dialog, project):
    type_id = select(dialog, project, "official")
    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        retype(qtbot, dialog.name_edit, "official named")
    assert project.codebook.get().type_by_id(type_id).name == "official named"
    assert rows(dialog)[0][1] == "official named"


def test_renaming_to_a_duplicate_shows_the_error_and_changes_nothing(qtbot, dialog, project):
    before = project.codebook.get()
    select(dialog, project, "official")
    with qtbot.assertNotEmitted(dialog.sig_codebook_changed):
        retype(qtbot, dialog.name_edit, "Unnamed")

    assert project.codebook.get() == before
    assert "already a source type called “unnamed”" in dialog.error_text()
    assert dialog.message_label.isVisible() and dialog.message_label.text() == dialog.error_text()
    assert "color: #B3261E" in dialog.message_label.styleSheet()
    assert dialog.name_edit.text() == "official"  # the field shows what is saved
    assert rows(dialog)[0][1] == "official"


def test_an_empty_name_is_refused_inline(qtbot, dialog, project):
    select(dialog, project, "official")
    dialog.name_edit.setFocus()
    dialog.name_edit.clear()
    qtbot.keyClick(dialog.name_edit, Qt.Key.Key_Return)
    assert dialog.error_text() == "A source type needs a name."
    assert project.codebook.get().source_types[0].name == "official"


def test_the_next_good_change_clears_the_error(qtbot, dialog, project):
    select(dialog, project, "official")
    retype(qtbot, dialog.name_edit, "unnamed")
    assert dialog.error_text()
    retype(qtbot, dialog.name_edit, "on the record")
    assert dialog.error_text() == ""


def test_editing_the_definition_saves(qtbot, dialog, project):
    type_id = select(dialog, project, "speculation")
    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        retype(qtbot, dialog.definition_edit, "The writer guesses.")
    assert project.codebook.get().type_by_id(type_id).definition == "The writer guesses."


def test_moving_a_type_up_changes_its_key(qtbot, dialog, project):
    type_id = select(dialog, project, "speculation")
    assert project.codebook.get().key_of(type_id) == 3
    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)

    assert project.codebook.get().key_of(type_id) == 2
    assert rows(dialog)[1] == ("2", "speculation", "0")
    assert dialog.selected_type_id() == type_id  # the selection follows the type

    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    assert project.codebook.get().key_of(type_id) == 1
    assert not dialog.up_button.isEnabled()
    qtbot.mouseClick(dialog.down_button, Qt.MouseButton.LeftButton)
    assert project.codebook.get().key_of(type_id) == 2


def test_ctrl_up_moves_the_selected_type(qtbot, dialog, project):
    type_id = select(dialog, project, "unnamed")
    dialog.activateWindow()
    dialog.type_list.setFocus()
    qtbot.keyClick(dialog.type_list, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert project.codebook.get().key_of(type_id) == 1


def test_moving_skips_over_retired_types(qtbot, dialog, project):
    unnamed = select(dialog, project, "unnamed")
    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    speculation = select(dialog, project, "speculation")
    assert project.codebook.get().key_of(speculation) == 2
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)
    book = project.codebook.get()
    assert book.key_of(speculation) == 1
    assert book.type_by_id(unnamed).retired


def test_retiring_keeps_the_claims_and_leaves_the_active_types(qtbot, dialog, project):
    type_id = select(dialog, project, "unnamed")
    add_claim(project, type_id)
    dialog._refresh()
    assert "the type keeps its claims (1 claim now)" in dialog.retire_button.toolTip()
    assert "Nothing is deleted" in dialog.retire_button.toolTip()

    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)

    book = project.codebook.get()
    assert type_id not in [t.id for t in book.active_types]
    assert book.type_by_id(type_id).retired
    assert project.codebook.claim_counts()[type_id] == 1
    assert rows(dialog) == [("1", "official", "0"), ("2", "speculation", "0"), ("retired", "unnamed", "1")]
    assert (
        dialog.message_label.text()
        == "Retired “unnamed”: its claims are kept (1 claim). Restore it at any time."
    )
    assert dialog.error_text() == ""

    assert dialog.retire_button.text() == "&Restore"
    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)
    assert type_id in [t.id for t in project.codebook.get().active_types]


def test_recolouring_with_a_swatch_and_with_the_colour_dialog(qtbot, project):
    picked: list[QColor] = []

    def pick_colour(initial, title):
        picked.append(initial)
        return QColor("#123abc")

    dialog = CodebookDialog(project.codebook, pick_colour=pick_colour)
    qtbot.addWidget(dialog)
    type_id = select(dialog, project, "official")

    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        qtbot.mouseClick(dialog.swatch_buttons[3], Qt.MouseButton.LeftButton)
    assert project.codebook.get().type_by_id(type_id).colour == OKABE_ITO[3]
    assert [b.isChecked() for b in dialog.swatch_buttons] == [i == 3 for i in range(8)]

    qtbot.mouseClick(dialog.colour_button, Qt.MouseButton.LeftButton)
    assert picked[0].name().upper() == OKABE_ITO[3]
    assert project.codebook.get().type_by_id(type_id).colour == "#123ABC"
    assert not any(b.isChecked() for b in dialog.swatch_buttons)


def test_relabelling_a_level_saves(qtbot, dialog, project):
    dialog.tabs.setCurrentIndex(1)
    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        retype(qtbot, dialog.level_edits[5], "certain")
    assert project.codebook.get().level_label(5) == "certain"


def test_an_empty_level_label_is_refused_and_put_back(qtbot, dialog, project):
    dialog.tabs.setCurrentIndex(1)
    edit = dialog.level_edits[2]
    edit.setFocus()
    edit.clear()
    with qtbot.assertNotEmitted(dialog.sig_codebook_changed):
        qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert dialog.error_text() == "A confidence level needs a label."
    assert edit.text() == "low"
    assert project.codebook.get().level_label(2) == "low"


def test_applying_the_journalism_preset_gives_its_eight_types(qtbot, dialog, project, questions):
    official = select(dialog, project, "official")
    add_claim(project, official)
    dialog._refresh()
    dialog.tabs.setCurrentIndex(2)
    dialog.preset_combo.setCurrentIndex(dialog.preset_combo.findText(JOURNALISM_PRESET.name))
    assert dialog.preset_preview.topLevelItemCount() == 8

    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        qtbot.mouseClick(dialog.apply_preset_button, Qt.MouseButton.LeftButton)

    book = project.codebook.get()
    assert [t.name for t in book.active_types] == [t.name for t in JOURNALISM_PRESET.types]
    assert book.type_by_id(official).retired
    assert project.codebook.claim_counts()[official] == 1
    assert "“official”, “unnamed”" in questions[0]
    assert "keep their claims" in questions[0] and "1 claim in all" in questions[0]
    assert [r[0] for r in rows(dialog)] == [*"12345678", "retired", "retired"]
    assert dialog.tabs.currentIndex() == 0


def test_cancelling_the_preset_changes_nothing(qtbot, project):
    dialog = CodebookDialog(project.codebook, confirm=lambda *_: False)
    qtbot.addWidget(dialog)
    before = project.codebook.get()
    dialog.preset_combo.setCurrentIndex(1)
    with qtbot.assertNotEmitted(dialog.sig_codebook_changed):
        qtbot.mouseClick(dialog.apply_preset_button, Qt.MouseButton.LeftButton)
    assert project.codebook.get() == before


def test_the_signal_fires_once_for_each_change(qtbot, dialog, project):
    fired: list[None] = []
    dialog.sig_codebook_changed.connect(lambda: fired.append(None))

    qtbot.keyClicks(dialog.new_name_edit, "document")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # 1
    retype(qtbot, dialog.name_edit, "documents")  # 2
    retype(qtbot, dialog.name_edit, "documents")  # unchanged: not a change
    retype(qtbot, dialog.definition_edit, "Papers.")  # 3
    qtbot.mouseClick(dialog.swatch_buttons[5], Qt.MouseButton.LeftButton)  # 4
    qtbot.mouseClick(dialog.up_button, Qt.MouseButton.LeftButton)  # 5
    qtbot.mouseClick(dialog.retire_button, Qt.MouseButton.LeftButton)  # 6
    retype(qtbot, dialog.level_edits[1], "doubtful")  # 7
    retype(qtbot, dialog.name_edit, "official")  # refused: not a change
    qtbot.mouseClick(dialog.apply_preset_button, Qt.MouseButton.LeftButton)  # 8
    assert len(fired) == 8


def test_closing_saves_a_name_typed_without_enter(qtbot, dialog, project):
    type_id = select(dialog, project, "official")
    dialog.name_edit.setFocus()
    dialog.name_edit.selectAll()
    qtbot.keyClicks(dialog.name_edit, "on the record")
    with qtbot.waitSignal(dialog.sig_codebook_changed, timeout=1000):
        dialog.reject()
    assert project.codebook.get().type_by_id(type_id).name == "on the record"


def test_user_text_that_looks_like_html_shows_literally(qtbot, dialog, project):
    qtbot.keyClicks(dialog.new_name_edit, "<b>html</b>")
    qtbot.keyClicks(dialog.new_definition_edit, "Says <i>who</i> & why")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)

    item = dialog.type_list.topLevelItem(3)
    assert item.text(NAME_COLUMN) == "<b>html</b>"
    assert (
        item.toolTip(NAME_COLUMN)
        == "<p style='white-space:pre-wrap'>Says &lt;i&gt;who&lt;/i&gt; &amp; why</p>"
    )
    assert dialog.name_edit.text() == "<b>html</b>"

    select(dialog, project, "official")
    retype(qtbot, dialog.name_edit, "<b>html</b>")
    assert dialog.message_label.textFormat() == Qt.TextFormat.PlainText
    assert "“<b>html</b>”" in dialog.message_label.text()
    for label in dialog.findChildren(QLabel):
        if "<" in label.text():
            assert label.textFormat() == Qt.TextFormat.PlainText, label.text()


def test_the_dialog_fits_its_content(qtbot, dialog, project):
    for name in ("<b>html</b>", "a rather long source type name for testing"):
        project.codebook.add_type(name, "A definition " * 12)
    dialog._refresh()
    select(dialog, project, "official")
    retype(qtbot, dialog.name_edit, "unnamed")  # show the error line too
    for index in range(dialog.tabs.count()):
        dialog.tabs.setCurrentIndex(index)
        qtbot.wait(10)
        assert dialog.minimumSizeHint().width() <= dialog.width()
        assert dialog.minimumSizeHint().height() <= dialog.height()
        suffix = ("", "_levels", "_presets")[index]
        assert dialog.grab().save(f"/tmp/codebook_dialog{suffix}.png")
    dialog.tabs.setCurrentIndex(0)
    assert dialog.grab().save("/tmp/codebook_dialog.png")
