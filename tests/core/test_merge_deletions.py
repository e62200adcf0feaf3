"""Deleted claims and merges: a claim deleted here stays deleted, a colleague's deletion comes over,
and neither ever loses work made after the deletion."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.db.project_file import read_only_connection
from annotator.services.merge import MergeCounts
from annotator.services.project import Project
from tests.core.factories import BRIDGE, StepClock, add_article, add_claim, open_project


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> StepClock:
    # Edits and deletions on one clock, a second apart, so "after the deletion" is never a tie.
    step = StepClock()
    monkeypatch.setattr("annotator.services.claims.utc_now", step)
    monkeypatch.setattr("annotator.db.deletions.utc_now", step)
    return step


def history(path: Path, claim_id: str) -> list[dict[str, object]]:
    connection = read_only_connection(path)
    connection.row_factory = sqlite3.Row
    try:
        found = connection.execute(
            "SELECT * FROM claim_history WHERE claim_id = ? ORDER BY replaced_at", (claim_id,)
        ).fetchall()
        return [dict(row) for row in found]
    finally:
        connection.close()


def reasons(path: Path, claim_id: str) -> list[str]:
    return [str(row["reason"]) for row in history(path, claim_id)]


@pytest.fixture
def ben(tmp_path: Path) -> tuple[Path, list[str]]:
    """Ben's file: three claims on the bridge article."""
    theirs = open_project(tmp_path / "ben.sqlite")
    article_id = add_article(theirs, BRIDGE)
    annotator = theirs.annotator("Ben")
    claim_ids = [add_claim(theirs, article_id, annotator, start, start + 5) for start in (0, 10, 20)]
    theirs.close()
    return theirs.path, claim_ids


# --- deleted here ----------------------------------------------------------------------------------


def test_a_claim_deleted_after_a_merge_is_not_brought_back_by_the_next_one(
    mine: Project, ben: tuple[Path, list[str]]
) -> None:
    path, claim_ids = ben
    assert mine.merge.merge_from(path).claims == MergeCounts(added=3)
    deleted = mine.claims.get(claim_ids[0])
    assert deleted is not None
    mine.claims.delete(claim_ids[0])

    again = mine.merge.merge_from(path)

    assert mine.claims.get(claim_ids[0]) is None
    assert again.claims == MergeCounts(skipped=3)
    assert again.deleted_kept_out == 1 and again.deleted_brought_back == 0
    assert not again.changed_anything
    summary = again.summary()
    assert "added" not in summary
    assert summary.startswith("Nothing to merge from “ben.sqlite”")
    assert "1 claim deleted in this project was not brought back." in summary
    # The deleted version is kept, as the claim's tombstone.
    (tombstone,) = history(mine.path, claim_ids[0])
    assert tombstone["reason"] == "deleted"
    assert (tombstone["start"], tombstone["quote"], tombstone["comment"]) == (
        deleted.start,
        deleted.quote,
        deleted.comment,
    )


def test_a_claim_kept_deleted_is_not_counted_as_already_here(
    mine: Project, ben: tuple[Path, list[str]]
) -> None:
    path, claim_ids = ben
    mine.merge.merge_from(path)
    mine.claims.delete(claim_ids[0])
    theirs = open_project(path)
    add_claim(theirs, theirs.articles.list()[0].id, theirs.annotator("Ben"), 30, 35)
    theirs.close()

    summary = mine.merge.merge_from(path).summary()

    assert "1 claim added, 2 already here (identical or older)." in summary
    assert "1 claim deleted in this project was not brought back." in summary


def test_a_claim_of_mine_that_their_file_also_holds_stays_deleted(tmp_path: Path) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    claim_id = add_claim(mine, add_article(mine, BRIDGE), mine.annotator("Ana"), 4, 9)
    mine.close()
    shutil.copy(tmp_path / "mine.sqlite", tmp_path / "theirs.sqlite")  # Ben works on a copy
    mine = open_project(tmp_path / "mine.sqlite")
    try:
        mine.claims.delete(claim_id)
        report = mine.merge.merge_from(tmp_path / "theirs.sqlite")
        assert mine.claims.get(claim_id) is None
        assert (report.claims.added, report.deleted_kept_out) == (0, 1)
    finally:
        mine.close()


@pytest.mark.parametrize("their_edit", ["before my deletion", "after my deletion"])
def test_a_deleted_claim_comes_back_only_if_changed_there_after_the_deletion(
    tmp_path: Path, mine: Project, ben: tuple[Path, list[str]], their_edit: str
) -> None:
    path, claim_ids = ben
    mine.merge.merge_from(path)
    theirs = open_project(path)
    try:
        if their_edit == "before my deletion":
            theirs.claims.update(claim_ids[1], comment="checked twice")
            mine.claims.delete(claim_ids[1])
        else:
            mine.claims.delete(claim_ids[1])
            theirs.claims.update(claim_ids[1], comment="checked twice")
    finally:
        theirs.close()

    report = mine.merge.merge_from(path)

    back = mine.claims.get(claim_ids[1])
    if their_edit == "after my deletion":
        assert back is not None and back.comment == "checked twice"
        assert (report.claims.added, report.deleted_brought_back, report.deleted_kept_out) == (1, 1, 0)
        assert (
            "1 claim deleted in this project came back: it was changed in “ben.sqlite” after the deletion."
            in (report.summary())
        )
        assert report.changes.articles  # the window shows it again
    else:
        assert back is None
        assert (report.claims.added, report.deleted_brought_back, report.deleted_kept_out) == (0, 0, 1)


def test_undoing_a_deletion_forgets_it(mine: Project, ben: tuple[Path, list[str]]) -> None:
    path, claim_ids = ben
    mine.merge.merge_from(path)
    _, claim = mine.claims.delete(claim_ids[2])
    assert reasons(mine.path, claim_ids[2]) == ["deleted"]

    mine.claims.restore(claim)  # what Edit > Undo does

    assert reasons(mine.path, claim_ids[2]) == []
    assert mine.merge.merge_from(path).deleted_kept_out == 0
    # Deleted again later: remembered again.
    mine.claims.delete(claim_ids[2])
    assert reasons(mine.path, claim_ids[2]) == ["deleted"]
    assert mine.merge.merge_from(path).deleted_kept_out == 1


# --- deleted there ---------------------------------------------------------------------------------


def _ben_deletes(path: Path, claim_id: str) -> None:
    theirs = open_project(path)
    try:
        theirs.claims.delete(claim_id)
    finally:
        theirs.close()


def test_a_claim_the_colleague_deleted_is_deleted_here_too(
    tmp_path: Path, mine: Project, ben: tuple[Path, list[str]]
) -> None:
    path, claim_ids = ben
    shutil.copy(path, tmp_path / "cleo.sqlite")  # Cleo got Ben's file before he deleted the claim
    mine.merge.merge_from(path)
    before = mine.claims.get(claim_ids[0])
    _ben_deletes(path, claim_ids[0])

    report = mine.merge.merge_from(path)

    assert mine.claims.get(claim_ids[0]) is None
    assert report.deletions_carried == 1 and report.deletions_refused == 0
    assert report.changed_anything
    assert report.changes.removed_claims == {claim_ids[0]}
    assert before is not None and report.changes.articles == {before.article_id}
    assert "1 claim deleted in “ben.sqlite” was deleted here too" in report.summary()
    # Its last version is in the history, as a tombstone.
    tombstones = history(mine.path, claim_ids[0])
    assert [row["reason"] for row in tombstones] == ["deleted"]
    assert tombstones[0]["quote"] == before.quote

    assert mine.merge.merge_from(path).deletions_carried == 0  # once
    # A third colleague's copy from before the deletion does not bring it back.
    from_cleo = mine.merge.merge_from(tmp_path / "cleo.sqlite")
    assert mine.claims.get(claim_ids[0]) is None
    assert from_cleo.deleted_kept_out == 1 and from_cleo.claims.added == 0


def test_a_claim_edited_here_after_the_colleagues_deletion_is_kept(
    mine: Project, ben: tuple[Path, list[str]]
) -> None:
    path, claim_ids = ben
    mine.merge.merge_from(path)
    _ben_deletes(path, claim_ids[1])
    mine.claims.update(claim_ids[1], comment="mine, after Ben deleted it")

    report = mine.merge.merge_from(path)

    kept = mine.claims.get(claim_ids[1])
    assert kept is not None and kept.comment == "mine, after Ben deleted it"
    assert (report.deletions_carried, report.deletions_refused) == (0, 1)
    assert (
        "1 claim deleted in “ben.sqlite” was kept here: changed here after that deletion." in report.summary()
    )


def test_an_edit_made_here_before_the_colleagues_deletion_is_kept_in_the_history(
    mine: Project, ben: tuple[Path, list[str]]
) -> None:
    path, claim_ids = ben
    mine.merge.merge_from(path)
    mine.claims.update(claim_ids[2], comment="mine, before Ben deleted it")
    _ben_deletes(path, claim_ids[2])

    report = mine.merge.merge_from(path)

    assert mine.claims.get(claim_ids[2]) is None
    assert report.deletions_carried == 1
    versions = {str(row["comment"]): str(row["reason"]) for row in history(mine.path, claim_ids[2])}
    assert versions == {"": "deleted", "mine, before Ben deleted it": "deleted in ben.sqlite"}


def test_a_deletion_undone_here_is_not_redone_by_a_file_that_took_the_deletion_over(tmp_path: Path) -> None:
    """Ana deletes her claim, Ben merges Ana's file (the deletion comes over), Ana undoes the deletion,
    then merges Ben's file: the claim she brought back stays."""
    ana = open_project(tmp_path / "ana.sqlite")
    claim_id = add_claim(ana, add_article(ana, BRIDGE), ana.annotator("Ana"), 4, 9)
    ana.close()
    ben = open_project(tmp_path / "ben.sqlite")
    ben.merge.merge_from(ana.path)
    ben.close()
    ana = open_project(ana.path)
    _, claim = ana.claims.delete(claim_id)
    ana.close()
    ben = open_project(ben.path)
    ben.merge.merge_from(ana.path)  # Ben's copy is deleted too now
    assert ben.claims.get(claim_id) is None
    ben.close()
    ana = open_project(ana.path)
    ana.claims.restore(claim)  # Ctrl+Z
    ana.merge.merge_from(ben.path)
    assert ana.claims.get(claim_id) is not None
    ana.close()
