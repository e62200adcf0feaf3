"""Two colleagues who tagged the same words both show: the char format carries one colleague's underline,
and each other colleague's line is painted in a lane of its own under it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QTextCharFormat

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.colleague_lanes import lane_y
from annotator.ui.highlights import COLLEAGUE_LINES
from annotator.ui.main_window import MainWindow
from tests.core.factories import add_claim
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume on Monday. Officials said the army was ready for it."
SHARED = (0, 51)  # Ben and Cy both tagged the first sentence
BEN_ALONE = (52, 93)  # only Ben the second


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:  # type: ignore[no-untyped-def]
    path = tmp_path / "team.sqlite"
    project = Project.open(path)
    article_id = project.articles.add_text(TEXT, title="Talks").article_id
    for name, (start, end), type_index in (("Ben", SHARED, 0), ("Cy", SHARED, 1), ("Ben", BEN_ALONE, 0)):
        add_claim(project, article_id, project.annotator(name), start, end, type_index=type_index)
    project.close()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1200, 800)
    window.show()
    qtbot.waitExposed(window)
    assert open_initial_project(window, path, "Ana")
    window.article_view.format_visible_blocks()
    return window


def styles(window: MainWindow) -> dict[str, QTextCharFormat.UnderlineStyle]:
    view = window.article_view
    ids = {a.name: a.id for a in window.project.annotators()}  # type: ignore[union-attr]
    return {name: view.highlights.line_style_of(ids[name]) for name in ("Ben", "Cy")}


def format_line(view: ArticleView, code_point: int) -> QTextCharFormat.UnderlineStyle:
    block = view.document().firstBlock()
    for format_range in block.layout().formats():
        if format_range.start <= code_point < format_range.start + format_range.length:
            return format_range.format.underlineStyle()
    return QTextCharFormat.UnderlineStyle.NoUnderline


def close(colour: QColor, wanted: QColor) -> bool:
    return all(abs(a - b) <= 48 for a, b in zip(colour.getRgb()[:3], wanted.getRgb()[:3], strict=True))


def painted_in_lane(
    view: ArticleView, image: QImage, span: tuple[int, int], lane: int, colour: QColor
) -> int:
    """How many pixels of `colour` lie in lane `lane` under the words of `span` (ASCII: code points are
    Qt positions)."""
    block = view.document().firstBlock()
    layout = block.layout()
    metrics = QFontMetricsF(view.document().defaultFont())
    offset = view.contentOffset()
    top = offset.y() + view.blockBoundingGeometry(block).top()
    found = 0
    for number in range(layout.lineCount()):
        line = layout.lineAt(number)
        start = max(span[0], line.textStart())
        end = min(span[1], line.textStart() + line.textLength())
        if start >= end:
            continue
        left = int(offset.x() + line.cursorToX(start)[0]) + 2
        right = int(offset.x() + line.cursorToX(end)[0]) - 2
        y = round(top + lane_y(line, metrics, lane))
        for x in range(left, right):
            for dy in (-1, 0, 1):
                found += close(image.pixelColor(x, y + dy), colour)
    return found


def test_the_colleague_the_underline_cannot_show_gets_a_lane_under_it(window) -> None:  # type: ignore[no-untyped-def]
    view = window.article_view
    style = styles(window)
    assert set(style.values()) <= set(COLLEAGUE_LINES) and style["Ben"] != style["Cy"]
    [lane] = view.highlights.colleague_lanes(view.document().firstBlock())
    # One of them is the format's underline, the other the lane: together, both colleagues.
    assert {format_line(view, SHARED[0]), lane.style} == {style["Ben"], style["Cy"]}
    assert (lane.qt_start, lane.qt_end, lane.lane) == (*SHARED, 1)
    # Where Ben alone tagged the words, his underline is all there is.
    assert format_line(view, BEN_ALONE[0]) == style["Ben"]

    image = view.viewport().grab().toImage()
    assert painted_in_lane(view, image, SHARED, 1, lane.colour) > 20
    assert painted_in_lane(view, image, BEN_ALONE, 1, lane.colour) == 0


def test_marking_a_claim_puts_its_owner_on_the_underline_and_the_other_in_the_lane(window) -> None:  # type: ignore[no-untyped-def]
    view = window.article_view
    style = styles(window)
    ids = {a.name: a.id for a in window.project.annotators()}
    block = view.document().firstBlock()
    for name, other in (("Ben", "Cy"), ("Cy", "Ben")):
        claim = next(
            c
            for c in window.controller._claims.values()
            if c.annotator_id == ids[name] and (c.start, c.end) == SHARED
        )
        view.mark_claim(claim.id)
        view.format_visible_blocks()
        assert format_line(view, SHARED[0]) == style[name]
        [lane] = view.highlights.colleague_lanes(block)
        assert lane.style == style[other]


def test_with_one_colleague_shown_there_is_no_lane(window) -> None:  # type: ignore[no-untyped-def]
    view = window.article_view
    cy = next(a for a in window.annotator_view.menu.actions() if a.text() == "Cy")
    cy.trigger()  # unticked: me and Ben
    view.format_visible_blocks()
    assert view.highlights.colleague_lanes(view.document().firstBlock()) == []
