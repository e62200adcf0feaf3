"""The claims list paints its cells itself, a quote from the beginning of it that reaches the cell's edge:
the screen must be exactly what Qt's own delegate painting the whole quote gives, at any width."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

from annotator.ui.claim_panel import ClaimPanel
from annotator.ui.claims_model import QUOTE_COLUMN
from tests.ui.test_claims_model import make_claim, make_codebook

QUOTES = [
    "Officials said the border crossing would remain closed until further notice, " * 5,
    "قال المتحدث باسم وزارة الدفاع إن الهجوم وقع يوم الاثنين في غرب العراق، وفق بيان رسمي " * 4,
    "Breaking 🚨: the spokesperson said 👍🏽 the strike hit the base, according to a statement " * 4,
    "Cafe\u0301 owners said the ban was final. " * 8,  # combining accents: no width of their own
    "il" * 300,  # narrow letters: the beginning the cell gets must still reach past its edge
    "e\u0301\u0323\u0302" * 100,  # four characters to each letter shown
    "The minister\nsaid on Tuesday\nthat talks would resume " * 6,  # line breaks shown as ⏎
    "short",
]


@pytest.fixture
def panel(qtbot):
    panel = ClaimPanel()
    qtbot.addWidget(panel)
    panel.set_codebook(make_codebook())
    panel.set_claims([make_claim(quote, start=1000 * n) for n, quote in enumerate(QUOTES)])
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.mark.parametrize("width", [260, 400, 900])
def test_quote_cells_look_exactly_as_with_the_whole_quote(qtbot, panel, width):
    panel.resize(width, 700)
    qtbot.wait(10)
    view = panel.table_view
    assert view.horizontalHeader().sectionSize(QUOTE_COLUMN) > 50
    shortened = view.viewport().grab().toImage()
    view.setItemDelegate(QStyledItemDelegate(view))
    assert view.viewport().grab().toImage() == shortened


def test_the_model_still_holds_the_whole_quote(panel):
    model = panel.model
    shown = [model.index(row, QUOTE_COLUMN).data() for row in range(model.rowCount())]
    assert shown[0] == QUOTES[0]  # 390 characters, far more than the cell shows
    assert shown[4] == "il" * 200 + "…"  # cut at 400 characters, as before
    assert shown[6].startswith("The minister ⏎ said on Tuesday ⏎ that talks")
    assert "il" * 300 in model.index(4, QUOTE_COLUMN).data(Qt.ItemDataRole.ToolTipRole)


def test_size_hints_still_measure_the_whole_quote(panel):
    view = panel.table_view
    index = panel.model.index(0, QUOTE_COLUMN)
    option = QStyleOptionViewItem()
    option.initFrom(view)
    option.rect = view.visualRect(index)
    plain = QStyledItemDelegate(view).sizeHint(option, index)
    assert view.itemDelegate().sizeHint(option, index) == plain
    assert plain.width() > view.columnWidth(QUOTE_COLUMN)  # the whole quote would not fit


def test_quotes_with_tabs_look_as_qt_draws_them(qtbot):
    """A tab goes to a tab stop, which only Qt's aligned text drawing knows: such cells are drawn that way."""
    panel = ClaimPanel()
    qtbot.addWidget(panel)
    panel.set_codebook(make_codebook())
    quotes = ["Officials said:\tthe talks\twould resume on Tuesday", "a\tb", "\tindented quote"]
    panel.set_claims([make_claim(quote, start=100 * n) for n, quote in enumerate(quotes)])
    panel.resize(500, 700)
    panel.show()
    qtbot.waitExposed(panel)
    qtbot.wait(10)
    view = panel.table_view
    drawn = view.viewport().grab().toImage()
    view.setItemDelegate(QStyledItemDelegate(view))
    assert view.viewport().grab().toImage() == drawn
