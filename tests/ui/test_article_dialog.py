"""The article metadata and paste dialogs: values that round-trip, dates checked, pasted text kept plain."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, Qt

from annotator.domain.records import ArticleSummary
from annotator.services.project import Project
from annotator.ui.article_dialog import ArticleMetadataDialog, PasteArticleDialog, parse_published

SUMMARY = ArticleSummary(
    id="a1",
    title="Ministry says <b>nothing</b> changed",
    outlet="The Daily",
    url="https://example.org/news/1",
    published="2024-03-15",
    claim_count=4,
)


@pytest.fixture
def metadata(qtbot):
    dialog = ArticleMetadataDialog(SUMMARY)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


@pytest.fixture
def paste(qtbot):
    dialog = PasteArticleDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def retype(qtbot, edit, text: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, text)


def test_values_round_trip(metadata):
    assert metadata.values() == {
        "title": SUMMARY.title,
        "outlet": SUMMARY.outlet,
        "url": SUMMARY.url,
        "published": SUMMARY.published,
    }
    assert metadata.article_id == "a1"
    assert metadata.ok_button.isEnabled()
    assert metadata.title_edit.text() == "Ministry says <b>nothing</b> changed"  # literal, not bold


def test_edited_values_are_tidied(qtbot, metadata):
    retype(qtbot, metadata.title_edit, "  A   new  title ")
    retype(qtbot, metadata.outlet_edit, " Le Monde ")
    retype(qtbot, metadata.url_edit, " https://example.org/2 ")
    retype(qtbot, metadata.date_edit, " 2023-01-02 ")
    assert metadata.values() == {
        "title": "A new title",
        "outlet": "Le Monde",
        "url": "https://example.org/2",
        "published": "2023-01-02",
    }


def test_no_date_is_allowed(qtbot, metadata):
    retype(qtbot, metadata.date_edit, "")
    assert metadata.ok_button.isEnabled()
    assert metadata.values()["published"] == ""


@pytest.mark.parametrize("bad", ["2024-13-01", "2024-02-30", "15/03/2024", "20240315", "2024-W11-5", "soon"])
def test_a_bad_date_disables_ok_and_says_why(qtbot, metadata, bad):
    retype(qtbot, metadata.date_edit, bad)
    metadata.date_edit.editingFinished.emit()
    assert not metadata.ok_button.isEnabled()
    assert metadata.date_message.text().startswith(f"“{bad}” is not a date: write it as YYYY-MM-DD")
    assert "#B3261E" in metadata.date_message.styleSheet()
    assert metadata.values()["published"] == bad  # passed on as typed, never silently dropped

    retype(qtbot, metadata.date_edit, "2024-03-16")
    assert metadata.ok_button.isEnabled()
    assert "#B3261E" not in metadata.date_message.styleSheet()


def test_a_half_typed_date_is_not_yet_an_error(qtbot, metadata):
    retype(qtbot, metadata.date_edit, "2024-0")
    assert not metadata.ok_button.isEnabled()
    assert "#B3261E" not in metadata.date_message.styleSheet()


def test_enter_does_not_accept_a_bad_date(qtbot, metadata):
    retype(qtbot, metadata.date_edit, "2024-99-99")
    qtbot.keyClick(metadata.date_edit, Qt.Key.Key_Return)
    assert metadata.isVisible() and metadata.result() == 0


def test_an_empty_title_disables_ok(qtbot, metadata):
    retype(qtbot, metadata.title_edit, "   ")
    assert not metadata.ok_button.isEnabled()
    assert metadata.problem() == "An article needs a title."


def test_the_calendar_fills_in_an_iso_date(metadata):
    from PySide6.QtCore import QDate

    metadata._take_calendar_date(QDate(2021, 7, 4))
    assert metadata.values()["published"] == "2021-07-04"


def test_parse_published():
    assert parse_published("") == ""
    assert parse_published(" 2024-02-29 ") == "2024-02-29"
    assert parse_published("2023-02-29") is None
    assert parse_published("2024-2-9") is None


def test_values_save_through_the_article_service(qtbot, tmp_path: Path):
    project = Project.open(tmp_path / "p.sqlite")
    try:
        result = project.articles.add_text("The minister said so.", title="First")
        summary = next(a for a in project.articles.list() if a.id == result.article_id)
        dialog = ArticleMetadataDialog(summary)
        qtbot.addWidget(dialog)
        retype(qtbot, dialog.title_edit, "<i>Second</i>")
        retype(qtbot, dialog.date_edit, "2024-03-15")
        project.articles.update_metadata(dialog.article_id, **dialog.values())
        saved = project.articles.get(result.article_id)
        assert (saved.title, saved.published) == ("<i>Second</i>", "2024-03-15")
        # Opening the dialog again on the saved summary gives the same values back.
        again = ArticleMetadataDialog(next(a for a in project.articles.list() if a.id == result.article_id))
        qtbot.addWidget(again)
        assert again.values() == dialog.values()
    finally:
        project.close()


def test_paste_ok_needs_text(qtbot, paste):
    assert not paste.ok_button.isEnabled()
    qtbot.keyClicks(paste.text_edit, "   ")
    qtbot.keyClick(paste.text_edit, Qt.Key.Key_Return)
    assert not paste.ok_button.isEnabled()
    qtbot.keyClicks(paste.text_edit, "The minister said so.")
    assert paste.ok_button.isEnabled()
    assert paste.count_label.text() == "4 words"
    paste.text_edit.clear()
    assert not paste.ok_button.isEnabled()


def test_paste_title_and_text(qtbot, paste):
    qtbot.keyClicks(paste.title_edit, "  Bridge   story ")
    paste.text_edit.setPlainText("Line one.\nLine two.")
    assert paste.title() == "Bridge story"
    assert paste.text() == "Line one.\nLine two."


def test_pasted_html_arrives_as_plain_text(qtbot, paste):
    mime = QMimeData()
    mime.setHtml("<p>The minister <b>said</b> <span style='color:red'>so</span>.</p>")
    mime.setText("The minister said so.")
    # What Ctrl+V hands the editor. (Not through QApplication.clipboard(): the clipboard keeps the
    # QMimeData past the test and frees it at exit, after Python has, which crashes the process.)
    paste.text_edit.insertFromMimeData(mime)
    assert paste.text() == "The minister said so."
    assert paste.ok_button.isEnabled()
    # The document holds no formatting: every fragment has the default character format.
    block = paste.text_edit.document().firstBlock()
    assert all(not it.fragment().charFormat().fontWeight() > 400 for it in block)


def test_html_only_mime_data_is_reduced_to_its_text(qtbot, paste):
    mime = QMimeData()
    mime.setHtml("<h1>Headline</h1><p>The minister <b>said</b> so.</p>")
    assert not mime.hasText()
    assert paste.text_edit.canInsertFromMimeData(mime)
    paste.text_edit.insertFromMimeData(mime)
    assert paste.text() == "Headline\nThe minister said so."
    assert "<" not in paste.text()


def test_html_source_text_is_kept_as_typed(qtbot, paste):
    mime = QMimeData()
    mime.setText("A tag: <b>not bold</b>")
    paste.text_edit.insertFromMimeData(mime)
    assert paste.text() == "A tag: <b>not bold</b>"


def test_screenshots(qtbot, metadata, paste):
    assert metadata.grab().save("/tmp/article_dialog.png")
    retype(qtbot, metadata.date_edit, "2024-13-45")
    metadata.date_edit.editingFinished.emit()
    qtbot.wait(10)
    assert metadata.height() >= metadata.minimumSizeHint().height()  # the two-line error is not cut off
    assert metadata.grab().save("/tmp/article_dialog_bad_date.png")
    paste.title_edit.setText("Bridge story")
    paste.text_edit.setPlainText("The minister said the bridge is safe.\n\nEngineers disagreed.")
    assert paste.grab().save("/tmp/paste_dialog.png")


def test_pasted_text_keeps_no_break_spaces(qtbot, paste):
    paste.text_edit.setPlainText("10\u00a0000 troops\nmoved")
    assert paste.text() == "10\u00a0000 troops\nmoved"
