"""Titles, URLs, type names and confidence labels of any length leave the window its width."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize

from annotator.ui.clamped_text import ClampedText
from annotator.ui.tag_controls import ElidingButton
from tests.ui import test_main_window
from tests.ui.test_main_window import make_window

settings = test_main_window.settings  # the same QSettings fixture

# A file name kept as the title, and a link with its tracking parameters: no space to wrap at.
SLUG = "AP_2024_08_05_suspected_rocket_attack_on_al_asad_airbase_injures_several_us_personnel_" * 3
URL = "https://www.example.com/world/middle-east/rocket-attack/?utm_source=newsletter&utm_medium=" * 3


def settle(qtbot, window) -> None:  # type: ignore[no-untyped-def]
    """Let the layouts take in a change (each level asks the one above it on the next turn)."""
    for _ in range(4):
        qtbot.wait(1)
    window.resize(1024, 700)
    qtbot.waitUntil(lambda: window.size() == QSize(1024, 700))


def test_a_long_title_url_type_name_or_label_does_not_widen_the_window(qtbot, settings, tmp_path: Path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    settle(qtbot, window)
    before = window.minimumSizeHint().width()
    assert before < 1024
    article_id = window.project.articles.add_text("The minister said so on Monday.", title="Talks").article_id
    window.project.articles.update_metadata(article_id, title=SLUG, outlet="Reuters", url=URL)
    window.reload_articles(article_id)
    codebook = window.project.codebook
    codebook.relabel_level(3, "moderately confident: corroborated by one source, not yet confirmed" * 2)
    first = codebook.get().active_types[0]
    codebook.update_type(first.id, name="official named (on the record, a named spokesperson, quoted)" * 2)
    window._on_codebook_changed()
    settle(qtbot, window)

    assert window.minimumSizeHint().width() <= before
    assert window.width() == 1024
    # The article keeps its room: the panel is no wider than before.
    assert window.splitter.sizes()[1] >= 400, window.splitter.sizes()
    # What is cut short says all in its tooltip.
    title = window.article_title
    assert title.text() == SLUG and SLUG in title.toolTip()
    button = window.claim_panel.type_buttons[0]
    assert button.shown_text().endswith("…") and button.text().endswith("quoted)")
    assert "quoted)" in button.toolTip() and first.definition in button.toolTip()


def test_clamped_text_takes_at_most_its_lines_and_says_all_only_when_cut(qtbot):
    text = ClampedText(max_lines=2)
    qtbot.addWidget(text)
    text.resize(300, 100)
    line = text.fontMetrics().lineSpacing()

    text.setText("A short title")
    assert text.heightForWidth(300) == line and text.toolTip() == ""
    text.setText("word " * 200)
    assert text.heightForWidth(300) == 2 * line
    assert "word word" in text.toolTip()
    text.setText("x" * 500)  # one unbroken word: cut anywhere, never wider than the widget
    assert text.heightForWidth(300) == 2 * line
    assert text.minimumSizeHint().width() < 100
    # Emoji take two UTF-16 units each: the lines are still whole characters of the text.
    text.setText("🙂" * 300)
    lines = text._lines(300)
    assert len(lines) == 3 and lines[0][0] == 0 and all(length > 0 for _, length in lines)
    assert sum(length for _, length in lines[:2]) == lines[2][0]
    # Plain text, never HTML, in the tooltip too.
    text.setText("<b>bold</b> " * 100)
    assert "&lt;b&gt;" in text.toolTip()


def test_an_eliding_button_keeps_its_whole_text_as_its_size_hint(qtbot):
    from PySide6.QtGui import QIcon

    button = ElidingButton(QIcon(), "1  " + "a long source type name " * 5)
    qtbot.addWidget(button)
    full = button.sizeHint().width()
    button.setToolTip("Its definition")
    button.show()
    qtbot.waitExposed(button)
    button.resize(160, 30)
    qtbot.waitUntil(lambda: button.width() == 160)
    assert button.shown_text().endswith("…") and button.shown_text().startswith("1  ")  # the key stays
    assert button.sizeHint().width() == full  # so a layout with the room gives it back
    assert button.text() == "1  " + "a long source type name " * 5
    assert button.minimumSizeHint().width() <= 120
    assert "a long source type name" in button.toolTip() and "Its definition" in button.toolTip()
    button.resize(full, 30)
    qtbot.waitUntil(lambda: button.width() == full)
    assert button.shown_text() == button.text() and "a long source" not in button.toolTip()
    assert button.toolTip() == "Its definition"
