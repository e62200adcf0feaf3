"""File > Merge Colleague's Project: a colleague's claims appear on the same article, the report is shown."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume. Officials said the army was ready."


def project_of(path: Path, name: str, span: tuple[int, int]) -> str:
    project = Project.open(path)
    article = project.articles.add_text(TEXT, title=f"Talks ({name})").article_id
    me = project.annotator(name)
    type_id = project.codebook.get().active_types[0].id
    _, claim = project.claims.create(
        article_id=article,
        annotator_id=me.id,
        start=span[0],
        end=span[1],
        source_type_id=type_id,
        confidence=4,
    )
    project.close()
    return claim.id


def test_merging_a_colleagues_project_shows_their_claims_on_the_same_article(qtbot, tmp_path):
    mine, theirs = tmp_path / "mine.sqlite", tmp_path / "ben.sqlite"
    my_claim = project_of(mine, "Ana", (0, 41))
    their_claim = project_of(theirs, "Ben", (42, 76))
    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, mine, "Ana")
    before = theirs.read_bytes()
    dialogs.open_answers.append(theirs)
    window.merge_action.trigger()
    assert dialogs.errors == []
    assert window.article_list.count() == 1  # the same text: one article, not two
    assert {c.id for c in window.claim_panel.model.all_claims()} == {my_claim, their_claim}
    ((title, summary),) = dialogs.infos
    assert title == "Merged" and "1" in summary
    assert theirs.read_bytes() == before  # the colleague's file is only read
    dialogs.open_answers.append(theirs)
    window.merge_action.trigger()  # twice: nothing more
    assert len(window.claim_panel.model.all_claims()) == 2


def test_a_file_that_cannot_be_merged_is_refused_with_one_message(qtbot, tmp_path):
    mine = tmp_path / "mine.sqlite"
    project_of(mine, "Ana", (0, 41))
    junk = tmp_path / "notes.sqlite"
    junk.write_text("not a project\n" * 50)
    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, mine, "Ana")
    assert window.merge_project(junk) is False
    ((title, message),) = dialogs.errors
    assert title == "Not merged" and "notes.sqlite" in message
    assert len(window.claim_panel.model.all_claims()) == 1


def test_a_merge_says_when_it_cleared_the_undo_history(qtbot, tmp_path):
    mine, theirs = tmp_path / "mine.sqlite", tmp_path / "ben.sqlite"
    my_claim = project_of(mine, "Ana", (0, 41))
    project_of(theirs, "Ben", (42, 76))
    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, mine, "Ana")
    window.controller.edit_claim(my_claim, {"confidence": 2})  # something to undo
    assert window.undo_stack.canUndo()
    dialogs.open_answers.append(theirs)
    window.merge_action.trigger()
    ((_, summary),) = dialogs.infos
    assert "undo history was cleared" in summary and not window.undo_stack.canUndo()
    dialogs.open_answers.append(theirs)
    window.merge_action.trigger()  # nothing to undo this time: nothing said of it
    assert "undo history" not in dialogs.infos[-1][1]
