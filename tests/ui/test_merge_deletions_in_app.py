"""Delete a claim in the app, merge a colleague's file that still has it: it stays deleted (undo forgets)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.app import open_initial_project
from annotator.db.project_file import read_only_connection
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume. Officials said the army was ready."


def tombstones(path: Path, claim_id: str) -> list[str]:
    connection = read_only_connection(path)
    try:
        rows = connection.execute("SELECT reason FROM claim_history WHERE claim_id = ?", (claim_id,))
        return [str(reason) for (reason,) in rows.fetchall()]
    finally:
        connection.close()


def test_a_claim_deleted_in_the_app_is_not_brought_back_by_a_merge(qtbot, tmp_path):
    mine, ben = tmp_path / "mine.sqlite", tmp_path / "ben.sqlite"
    project = Project.open(mine)
    article = project.articles.add_text(TEXT, title="Talks").article_id
    _, claim = project.claims.create(
        article_id=article,
        annotator_id=project.annotator("Ana").id,
        start=0,
        end=41,
        source_type_id=project.codebook.get().active_types[0].id,
        confidence=4,
    )
    project.close()
    shutil.copy(mine, ben)  # Ben works on a copy of my file: he has my claim
    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, mine, "Ana")

    window.controller.delete_claim(claim.id)
    assert tombstones(mine, claim.id) == ["deleted"]
    window.undo_stack.undo()  # the claim is back: no longer deleted
    assert tombstones(mine, claim.id) == []
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim.id]

    window.undo_stack.redo()  # deleted again
    assert window.claim_panel.model.all_claims() == ()
    assert window.merge_project(ben)
    assert window.claim_panel.model.all_claims() == ()
    ((title, summary),) = dialogs.infos
    assert title == "Merged"
    assert "1 claim deleted in this project was not brought back." in summary


def test_a_claim_the_colleague_deleted_disappears_from_the_open_article(qtbot, tmp_path):
    mine, ben = tmp_path / "mine.sqlite", tmp_path / "ben.sqlite"
    Project.open(mine).close()
    theirs = Project.open(ben)
    article = theirs.articles.add_text(TEXT, title="Talks").article_id
    _, claim = theirs.claims.create(
        article_id=article,
        annotator_id=theirs.annotator("Ben").id,
        start=42,
        end=76,
        source_type_id=theirs.codebook.get().active_types[0].id,
        confidence=4,
    )
    theirs.close()
    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, mine, "Ana")
    assert window.merge_project(ben)
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim.id]

    theirs = Project.open(ben)
    theirs.claims.delete(claim.id)  # Ben deletes his claim, and sends his file again
    theirs.close()
    assert window.merge_project(ben)

    assert window.claim_panel.model.all_claims() == ()
    assert "1 claim deleted in “ben.sqlite” was deleted here too" in dialogs.infos[-1][1]
