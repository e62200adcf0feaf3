"""Delete a claim in the app, merge a colleague's file that still has it: it stays deleted (undo forgets)."""

from __future__ import annotations

import shutil
from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.app import open_initial_project
from annotator.db.project_file import read_only_connection
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.core.factories import add_claim
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume. Officials said the army was ready."


def tombstones(path: Path, claim_id: str) -> list[str]:
    connection = read_only_connection(path)
    try:
        rows = connection.execute("SELECT reason FROM claim_history WHERE claim_id = ?", (claim_id,))
        return [str(reason) for (reason,) in rows.fetchall()]
    finally:
        connection.close()


def _project_with_a_claim(path: Path, annotator: str, start: int, end: int) -> str:
    """A project with the talks article and one claim of `annotator`'s on it; returns the claim's id."""
    project = Project.open(path)
    try:
        article = project.articles.add_text(TEXT, title="Talks").article_id
        return add_claim(project, article, project.annotator(annotator), start, end, confidence=4)
    finally:
        project.close()


def _window_on(qtbot, tmp_path: Path, path: Path) -> tuple[MainWindow, FakeDialogs]:
    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, path, "Ana")
    return window, dialogs


def test_a_claim_deleted_in_the_app_is_not_brought_back_by_a_merge(qtbot, tmp_path):
    mine, ben = tmp_path / "mine.sqlite", tmp_path / "ben.sqlite"
    claim_id = _project_with_a_claim(mine, "Ana", 0, 41)
    shutil.copy(mine, ben)  # Ben works on a copy of my file: he has my claim
    window, dialogs = _window_on(qtbot, tmp_path, mine)

    window.controller.delete_claim(claim_id)
    assert tombstones(mine, claim_id) == ["deleted"]
    window.undo_stack.undo()  # the claim is back: no longer deleted
    assert tombstones(mine, claim_id) == []
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim_id]

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
    claim_id = _project_with_a_claim(ben, "Ben", 42, 76)
    window, dialogs = _window_on(qtbot, tmp_path, mine)
    assert window.merge_project(ben)
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim_id]

    theirs = Project.open(ben)
    theirs.claims.delete(claim_id)  # Ben deletes his claim, and sends his file again
    theirs.close()
    assert window.merge_project(ben)

    assert window.claim_panel.model.all_claims() == ()
    assert "1 claim deleted in “ben.sqlite” was deleted here too" in dialogs.infos[-1][1]
