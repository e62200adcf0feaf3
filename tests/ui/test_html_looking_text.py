"""Text that looks like HTML is shown literally everywhere: no widget renders it or loads what it names."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QSettings, Qt

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.claims_model import QUOTE_COLUMN, TYPE_COLUMN
from annotator.ui.clamped_text import ClampedText
from annotator.ui.main_window import ARTICLE_ID_ROLE, MainWindow
from tests.ui.fakes import FakeDialogs

IMG = '<img src="file:///etc/hostname">'
LINK = '<a href="https://example.com/x">click</a>'
TEXT = f"Officials said {IMG} the strike {LINK} hit the base.\n<b>Not bold</b> &amp; not an entity."


def test_hostile_markup_in_every_user_string_stays_literal(qtbot, tmp_path: Path):
    path = tmp_path / "p.sqlite"
    project = Project.open(path)
    article_id = project.articles.add_text(TEXT, title=f"Title {IMG}").article_id
    project.articles.update_metadata(article_id, title=f"Title {IMG}", outlet=LINK, url="", published="")
    _, type_id = project.codebook.add_type(f"type {LINK}", definition=f"defined {IMG}")
    me = project.annotator(f"Ana {IMG}")
    start = TEXT.index(IMG)
    project.claims.create(
        article_id=article_id,
        annotator_id=me.id,
        start=start,
        end=start + len(IMG),
        source_type_id=type_id,
        confidence=3,
        comment=f"see {LINK}",
        source=IMG,
    )
    project.close()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, path, f"Ana {IMG}")

    assert window.article_view.toPlainText() == TEXT  # a plain-text widget: the markup is the text
    assert window.article_title.text() == f"Title {IMG}"
    assert LINK in window.article_meta.text()
    # Both paint their text with QPainter.drawText, which never reads markup.
    assert isinstance(window.article_title, ClampedText) and isinstance(window.article_meta, ClampedText)
    assert IMG in window.windowTitle()
    item = window.article_list.item(0)
    assert item.text() == f"Title {IMG}" and item.data(ARTICLE_ID_ROLE) == article_id
    assert html.escape(IMG) in item.toolTip() and IMG not in item.toolTip()  # escaped for Qt's rich tooltip

    model = window.claim_panel.model
    index = model.index(0, QUOTE_COLUMN)
    assert model.data(index, Qt.ItemDataRole.DisplayRole).startswith("<img")
    tooltip = model.data(index, Qt.ItemDataRole.ToolTipRole)
    assert html.escape(LINK) in tooltip and LINK not in tooltip
    type_tip = model.data(model.index(0, TYPE_COLUMN), Qt.ItemDataRole.ToolTipRole)
    assert html.escape(IMG) in type_tip and IMG not in type_tip
    window.claim_panel.select_claim(model.all_claims()[0].id)
    assert window.claim_panel.editor.source_edit.text() == IMG
    assert window.claim_panel.editor.comment_edit.toPlainText() == f"see {LINK}"
    tag_action = next(a for a in window.tag_actions if "type" in a.text())
    assert LINK in tag_action.text()
    assert IMG not in tag_action.toolTip()
    window.close()
