"""Bidi controls and zero-width characters: kept, counted right in offsets, and shown on request."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QColor, QImage

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.article_view import INVISIBLE_MARK
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs

# "Trojan Source"-style text: a right-to-left override that reorders what the reader sees, an
# isolate, a zero-width space inside a name, a soft hyphen, and emoji joined by ZWJ.
TEXT = (
    "The ministry said\u202e detaerht \u202c the deal was final.\n"
    "Spokes\u200bperson Ana\u00adLopez confirmed it \u2067قال الوزير\u2069 on Monday 👨\u200d👩\u200d👧.\n"
)


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    project.articles.add_text(TEXT, title="Hidden characters")
    project.close()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.resize(1200, 700)
    window.show()
    qtbot.waitExposed(window)
    assert open_initial_project(window, path, "Ana")
    return window


def magenta_pixels(window: MainWindow) -> int:
    """Pixels of exactly the marking colour in the article view (the bars are drawn unblended)."""
    image = window.article_view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_ARGB32)
    mark = QColor(INVISIBLE_MARK)
    pixel = bytes([mark.blue(), mark.green(), mark.red(), 255])  # ARGB32 in memory, little-endian
    data = bytes(image.constBits())
    return data.count(pixel)  # the colour's bytes do not occur straddling two pixels of this page


def test_the_article_keeps_them_and_claims_over_them_get_the_right_offsets(window, qtbot):
    view = window.article_view
    assert view.text() == TEXT.rstrip("\n") or view.text() == TEXT
    start = TEXT.index("Spokes")
    end = TEXT.index(" confirmed")
    view.select_span(start, end)
    window.controller.tag_selection(window.controller.codebook.active_types[0].id)
    claim = window.claim_panel.model.all_claims()[0]
    assert (claim.start, claim.end) == (start, end)
    assert claim.quote == "Spokes\u200bperson Ana\u00adLopez" == view.text()[claim.start : claim.end]
    start = TEXT.index("\u2067")
    end = TEXT.index("👧") + 1
    view.select_span(start, end)
    window.controller.tag_selection(window.controller.codebook.active_types[1].id)
    quotes = {c.quote for c in window.claim_panel.model.all_claims()}
    assert "\u2067قال الوزير\u2069 on Monday 👨\u200d👩\u200d👧" in quotes


def test_view_marks_them_on_request_and_says_how_many(window, qtbot):
    names = [name for _, name in window.article_view.invisibles()]
    assert names == ["RLO", "PDF", "ZWSP", "SHY", "RLI", "PDI", "ZWJ", "ZWJ"]
    assert magenta_pixels(window) == 0
    window.invisibles_action.trigger()
    assert window.invisibles_action.isChecked()
    assert window.statusBar().currentMessage() == (
        "This article has 8 invisible characters: 2 ZWJ, 1 RLO, 1 PDF, 1 ZWSP, 1 SHY, 1 RLI, 1 PDI."
    )
    assert magenta_pixels(window) > 8 * 10  # a bar and a name for each
    window.invisibles_action.trigger()
    assert magenta_pixels(window) == 0
