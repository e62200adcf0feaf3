"""Review > Review Disagreements in the window: docked where it never covers the article text a unit
points to, fitting a small window, its columns using the list's width, its place remembered."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from annotator.ui.review_view import DASH, QUOTE_WIDTH, ReviewDock, share_widths
from tests.ui.fakes import FakeDialogs

SENTENCE = "Sentence {} says the minister told reporters that all was well, said an official."
TEXT = " ".join(SENTENCE.format(number) for number in range(80))
NAMES = ("Ana", "Ben", "Cy")


def three_annotators(path: Path) -> None:
    """Every third sentence tagged by all three; they differ in type, confidence and span."""
    project = Project.open(path)
    article = project.articles.add_text(TEXT, title="Talks").article_id
    types = [t.id for t in project.codebook.get().active_types]
    spans = [(m.start(), m.end()) for m in re.finditer(r"Sentence[^.]*\.", TEXT)][::3]
    for name in NAMES:
        me = project.annotator(name)
        for number, (start, end) in enumerate(spans):
            project.claims.create(
                article_id=article,
                annotator_id=me.id,
                start=start,
                end=end - (9 if name == "Ben" and number % 2 else 0),  # a span difference
                source_type_id=types[(number + (name == "Cy")) % len(types)],
                confidence=4 if name == "Ana" and number % 3 else 3,
            )
    project.close()


def open_window(qtbot, tmp_path: Path, width: int, height: int) -> MainWindow:  # type: ignore[no-untyped-def]
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(width, height)
    window.show()
    qtbot.waitExposed(window)
    assert open_initial_project(window, tmp_path / "p.sqlite", "Rita")
    return window


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    three_annotators(tmp_path / "p.sqlite")
    return tmp_path / "p.sqlite"


def global_rect(widget: QWidget, rect: QRect | None = None) -> QRect:
    rect = rect if rect is not None else widget.rect()
    return QRect(widget.mapToGlobal(rect.topLeft()), rect.size())


def open_review(qtbot, window: MainWindow) -> ReviewDock:  # type: ignore[no-untyped-def]
    window.review_action.trigger()
    dock = window.review_dock
    assert dock is not None and dock.isVisible()
    qtbot.waitUntil(lambda: dock.panel.table.viewport().width() > 300)
    return dock


@pytest.mark.parametrize("size", [(1024, 700), (1400, 900)])
def test_the_review_docks_under_the_article_and_never_covers_the_unit_it_shows(
    qtbot, tmp_path, project_path, size
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, tmp_path, *size)
    dock = open_review(qtbot, window)
    QApplication.processEvents()

    assert not dock.isFloating()
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    assert (window.width(), window.height()) == size  # the window did not grow to make room
    assert dock.height() >= 200  # a screenful of units, not three rows
    view = window.article_view
    assert not global_rect(view.viewport()).intersects(global_rect(dock))

    # Every unit chosen in the list is shown in the article, in the part above the dock.
    panel = dock.panel
    for row in (0, 12, len(panel.model.units) - 1, 5):
        panel.select_row(row)
        QApplication.processEvents()
        claim = panel.current_unit().unit.present[0]
        cursor = QTextCursor(view.document())
        cursor.setPosition(claim.start)  # ASCII: a code point is a Qt position
        shown = global_rect(view.viewport(), view.cursorRect(cursor))
        assert global_rect(view.viewport()).contains(shown), row
        assert not global_rect(dock).contains(shown.center()), row


@pytest.mark.parametrize("size", [(1024, 700), (1400, 900)])
def test_the_columns_fill_the_list_on_first_open_and_keep_decisions_and_offsets_whole(
    qtbot, tmp_path, project_path, size
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, tmp_path, *size)
    dock = open_review(qtbot, window)
    panel = dock.panel
    panel.accept_agreements()
    panel.select_row(1)
    panel.reject()
    QApplication.processEvents()
    table, model = panel.table, panel.model
    header = table.horizontalHeader()
    widths = [header.sectionSize(c) for c in range(model.columnCount())]
    assert sum(widths) == table.viewport().width()  # the columns use the width they have, no more
    assert table.horizontalScrollBar().maximum() == 0
    metrics = table.fontMetrics()

    def fits(row: int, column: int) -> bool:
        text = model.data(model.index(row, column))
        return metrics.horizontalAdvance(text) < header.sectionSize(column)

    decision = model.decision_column()
    assert all(fits(row, decision) for row in range(model.rowCount()))
    # A version's span offsets end its words: they stay in view (the middle of the words gives way).
    assert table.textElideMode() == Qt.TextElideMode.ElideMiddle
    shown = table.rect()
    for row in range(model.rowCount()):
        for column in range(2, decision):
            text = model.data(model.index(row, column))
            if DASH in text and table.visualRect(model.index(row, column)).intersects(shown):
                elided = metrics.elidedText(
                    text, Qt.TextElideMode.ElideMiddle, header.sectionSize(column) - 8
                )
                assert elided.endswith(text.rsplit(" · ", 1)[1]), (row, column, elided)


def test_share_widths_lets_the_quote_give_way_first_and_never_the_decision() -> None:
    wanted = {0: 130, 2: 200, 3: 200, 4: 200, 5: 180}
    roomy = share_widths(wanted, 1400, quote=1, whole={5})
    assert roomy[1] == 1400 - 910 and sum(roomy.values()) == 1400
    tight = share_widths(wanted, 1000, quote=1, whole={5})
    assert tight[5] == 180 and QUOTE_WIDTH <= tight[1] < QUOTE_WIDTH + 5  # the quote gave way first
    assert sum(tight.values()) == 1000
    assert tight[2] < 200 and tight[0] < 130  # then the others share the loss
    narrow = share_widths(wanted, 500, quote=1, whole={5})
    assert narrow[5] == 180  # the list scrolls sideways rather than cut the decisions
    assert sum(narrow.values()) > 500


def test_the_dock_keeps_its_place_and_size_for_the_next_window(qtbot, tmp_path, project_path) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, tmp_path, 1400, 900)
    dock = open_review(qtbot, window)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)  # the reviewer moves it
    window.resizeDocks([dock], [620], Qt.Orientation.Horizontal)
    QApplication.processEvents()
    width = dock.width()
    window.close()

    again = open_window(qtbot, tmp_path, 1400, 900)
    dock = open_review(qtbot, again)
    QApplication.processEvents()
    assert again.dockWidgetArea(dock) == Qt.DockWidgetArea.RightDockWidgetArea
    assert abs(dock.width() - width) <= 2


def test_the_claim_panel_scrolls_only_when_the_review_leaves_it_too_little_height(
    qtbot, tmp_path, project_path
) -> None:  # type: ignore[no-untyped-def]
    window = open_window(qtbot, tmp_path, 1024, 700)
    panel = window.claim_panel
    pane = panel.parentWidget().parentWidget()  # the scroll area's viewport's parent
    QApplication.processEvents()
    # Without the review, the panel fits the window's height as it always did: no scroll bar.
    assert not pane.verticalScrollBar().isVisible()
    assert panel.height() == pane.viewport().height()

    open_review(qtbot, window)
    QApplication.processEvents()
    assert window.height() == 700
    assert pane.verticalScrollBar().isVisible()  # the review took the height: the panel scrolls
    assert panel.height() >= panel.minimumSizeHint().height()  # never squeezed below its minimum
