"""The pane the claim panel scrolls in: it never squeezes the panel under what its rows need."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from annotator.ui.scroll_pane import VerticalScrollPane

NOTE = "Rosa's claim: only Rosa changes it. Settle differences in Review > Review Disagreements. " * 3


def test_a_word_wrapped_note_gets_its_lines_and_the_pane_scrolls_instead_of_overlapping(qtbot):
    panel = QWidget()
    layout = QVBoxLayout(panel)
    note = QLabel(NOTE)
    note.setWordWrap(True)
    comment = QPlainTextEdit()
    comment.setMinimumHeight(60)
    button = QPushButton("Delete")
    for widget in (note, comment, button):
        layout.addWidget(widget)
    pane = VerticalScrollPane(panel)
    qtbot.addWidget(pane)
    # Narrow, so that the note wraps into more lines than the panel's size hint counted.
    pane.resize(260, panel.minimumSizeHint().height() + 4)
    pane.show()
    qtbot.waitExposed(pane)
    QApplication.processEvents()
    needed = layout.minimumHeightForWidth(panel.width())
    assert needed > panel.minimumSizeHint().height()  # else this test shows nothing
    assert panel.height() >= needed
    assert pane.verticalScrollBar().isVisible()
    assert note.geometry().bottom() < comment.geometry().top()
    assert comment.geometry().bottom() < button.geometry().top()


def test_the_article_list_cuts_long_titles_to_its_width_instead_of_scrolling_sideways(qtbot):
    from PySide6.QtWidgets import QListWidget

    from annotator.ui.fitted_rows import fit_rows_to_width

    articles = QListWidget()
    qtbot.addWidget(articles)
    fit_rows_to_width(articles)
    for number in (1, 12):
        articles.addItem(f"Article with a rather long title, number {number}, about the events of the week")
    articles.resize(200, 200)
    articles.show()
    qtbot.waitExposed(articles)
    QApplication.processEvents()
    assert articles.visualItemRect(articles.item(0)).width() <= articles.viewport().width()
    assert not articles.horizontalScrollBar().isVisible()
    articles.resize(1200, 200)  # wider again: the rows follow
    QApplication.processEvents()
    assert articles.visualItemRect(articles.item(1)).width() > 200
