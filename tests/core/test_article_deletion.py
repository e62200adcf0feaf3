"""Deleting an article: its claims and the review decisions on it go with it, its claims are kept in
their history, and a colleague's file merged again brings back only the colleague's work."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.db.project_file import read_only_connection
from annotator.services.merge import MergeCounts
from tests.core.factories import BRIDGE, add_article, add_claim, open_project

OTHER = "Nobody has said anything about the tunnel yet."


def count(path: Path, sql: str, *args: object) -> int:
    connection = read_only_connection(path)
    try:
        return int(connection.execute(sql, args).fetchone()[0])
    finally:
        connection.close()


def test_an_article_goes_with_its_claims_and_decisions_and_the_other_articles_stay(tmp_path: Path) -> None:
    project = open_project(tmp_path / "p.sqlite")
    bridge, tunnel = add_article(project, BRIDGE), add_article(project, OTHER, title="Tunnel")
    ana, ben = project.annotator("Ana"), project.annotator("Ben")
    mine = [add_claim(project, bridge, ana, 4, 9), add_claim(project, bridge, ana, 15, 21)]
    theirs = add_claim(project, bridge, ben, 4, 9, type_index=1)
    kept = add_claim(project, tunnel, ana, 0, 6)
    rita = project.annotator("Rita")
    project.adjudication.settle(bridge, [mine[0], theirs], "accepted", theirs, decided_by=rita.id)
    assert project.articles.contents(bridge) == (3, 2, 1)

    changes = project.articles.delete(bridge, deleted_by=ana.id)

    assert changes.removed_articles == {bridge} and changes.removed_claims == {*mine, theirs}
    assert [a.id for a in project.articles.list()] == [tunnel]
    assert project.claims.get(kept) is not None
    path = project.path
    project.close()
    assert count(path, "SELECT count(*) FROM claim WHERE article_id = ?", bridge) == 0
    for table in ("review_decision", "reviewed_claim"):
        assert count(path, f"SELECT count(*) FROM {table}") == 0
    assert count(path, "SELECT count(*) FROM review_decision_claim") == 0
    # My claims are deleted as I delete a claim; Ben's only here (a merge does not take it to him).
    assert count(path, "SELECT count(*) FROM claim_history WHERE reason = 'deleted'") == 2
    assert count(path, "SELECT count(*) FROM claim_history WHERE reason = 'deleted with its article'") == 1


def test_an_article_that_is_gone_is_an_error(tmp_path: Path) -> None:
    project = open_project(tmp_path / "p.sqlite")
    bridge = add_article(project, BRIDGE)
    project.articles.delete(bridge)
    with pytest.raises(ValueError, match="no longer exists"):
        project.articles.delete(bridge)
    project.close()


def test_an_article_deleted_here_stays_out_when_the_colleague_s_file_is_merged_again(tmp_path: Path) -> None:
    theirs = open_project(tmp_path / "ben.sqlite")
    ben = theirs.annotator("Ben")
    their_claim = add_claim(theirs, add_article(theirs, BRIDGE), ben, 4, 9)
    theirs.close()
    project = open_project(tmp_path / "p.sqlite")
    bridge = add_article(project, BRIDGE)
    tunnel = add_article(project, OTHER, title="Tunnel")
    mine = add_claim(project, bridge, project.annotator("Ana"), 15, 21)
    assert project.merge.merge_from(theirs.path).claims == MergeCounts(added=1)

    project.articles.delete(bridge)
    again = project.merge.merge_from(theirs.path)

    assert [a.id for a in project.articles.list()] == [tunnel]  # not back, empty
    assert again.articles.added == 0
    assert project.claims.get(mine) is None and project.claims.get(their_claim) is None
    project.close()


def test_an_article_new_to_this_project_still_comes_with_a_merge(tmp_path: Path) -> None:
    theirs = open_project(tmp_path / "ben.sqlite")
    add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 4, 9)
    add_article(theirs, OTHER, title="Tunnel")  # nothing tagged on it
    theirs.close()
    project = open_project(tmp_path / "p.sqlite")
    report = project.merge.merge_from(theirs.path)
    assert report.articles.added == 2 and len(project.articles.list()) == 2
    project.close()


def test_a_colleague_s_article_deletion_takes_only_their_own_claims_with_it(tmp_path: Path) -> None:
    ana = open_project(tmp_path / "ana.sqlite")
    mine = add_claim(ana, add_article(ana, BRIDGE), ana.annotator("Ana"), 4, 9)
    ana.close()
    ben = open_project(tmp_path / "ben.sqlite")
    ben.merge.merge_from(ana.path)
    bens = ben.annotator("Ben")
    (article,) = ben.articles.list()
    theirs = add_claim(ben, article.id, bens, 15, 21)
    ben.close()
    ana = open_project(ana.path)
    ana.merge.merge_from(ben.path)  # Ana has Ben's claim too now
    ana.close()
    ben = open_project(ben.path)
    ben.articles.delete(article.id, deleted_by=bens.id)  # Ben: Edit > Delete Article
    ben.close()

    ana = open_project(ana.path)
    ana.merge.merge_from(ben.path)
    assert ana.claims.get(mine) is not None  # not Ben's to delete
    assert ana.claims.get(theirs) is None  # his own claim: his deletion comes over
    ana.close()
