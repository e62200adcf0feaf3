"""The selection is painted over the highlights: the lines it covers are drawn again with their claims'
washes and the tint laid over them. Only those lines are drawn again, and the screen must show it so."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QTextLayout

from annotator.domain.codebook import OKABE_ITO
from annotator.domain.records import Claim
from annotator.ui.article_view import ArticleView

PARAGRAPH = " ".join(f"Sentence {n} of a long paragraph, said the official on Monday." for n in range(30))
TEXT = (
    f"A title line.\n{PARAGRAPH}\nقال المتحدث إن الهجوم وقع يوم الاثنين، وفق بيان رسمي. {PARAGRAPH}\nThe end."  # noqa: RUF001
)


def claim(claim_id: str, start: int, end: int, type_id: str) -> Claim:
    return Claim(claim_id, "a", "me", "Me", start, end, TEXT[start:end], "", "", type_id, 3)


@pytest.fixture
def view(qtbot) -> ArticleView:  # type: ignore[no-untyped-def]
    widget = ArticleView()
    qtbot.addWidget(widget)
    widget.resize(760, 900)
    widget.show()
    qtbot.waitExposed(widget)
    paragraph = TEXT.index("Sentence")
    arabic = TEXT.index("قال")
    claims = [
        claim("whole", paragraph, paragraph + len(PARAGRAPH), "t-1"),
        claim("inner", paragraph + 300, paragraph + 420, "t-2"),
        claim("rtl", arabic, arabic + 400, "t-3"),
    ]
    widget.show_article(TEXT, claims, {"t-1": OKABE_ITO[0], "t-2": OKABE_ITO[1], "t-3": OKABE_ITO[2]})
    return widget


@pytest.mark.parametrize(
    "span",
    [(300, 460), (600, 610), (20, 1500), (TEXT.index("قال") + 10, TEXT.index("قال") + 200)],
    ids=["a few lines", "inside one line", "across paragraphs", "right to left"],
)
def test_the_selection_looks_as_when_every_line_is_drawn_again(view, monkeypatch, span):  # type: ignore[no-untyped-def]
    view.select_span(*span)
    drawn_again_in_part = view.viewport().grab().toImage()
    whole_draw = QTextLayout.draw
    monkeypatch.setattr(
        QTextLayout, "draw", lambda layout, painter, position, *_: whole_draw(layout, painter, position)
    )
    assert view.viewport().grab().toImage() == drawn_again_in_part
