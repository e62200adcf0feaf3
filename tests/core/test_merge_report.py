"""What a merge's report tells the user: only what is known about edits, and every codebook difference."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.services.project import Project
from tests.core.factories import BRIDGE, StepClock, add_article, add_claim, open_project

THEIR_TYPES = ("press release", "leak", "rumour", "expert", "eyewitness", "document", "social media")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> StepClock:
    step = StepClock()
    monkeypatch.setattr("annotator.services.claims.utc_now", step)
    return step


# --- claims that differ ------------------------------------------------------------------------------


@pytest.mark.parametrize("changed", ["theirs", "mine"])
def test_a_claim_changed_on_one_side_is_not_said_to_be_edited_in_both(
    tmp_path: Path, mine: Project, changed: str
) -> None:
    """QA: Ben alone changed a claim that an earlier merge brought; the report said "edited in both"."""
    ben = open_project(tmp_path / "ben.sqlite")
    claim_id = add_claim(ben, add_article(ben, BRIDGE), ben.annotator("Ben"), 4, 9)
    ben.close()
    mine.merge.merge_from(ben.path)
    ben = open_project(ben.path)
    (ben if changed == "theirs" else mine).claims.update(claim_id, confidence=5)
    ben.close()

    summary = mine.merge.merge_from(ben.path).summary()

    assert "both" not in summary
    source = "“ben.sqlite”" if changed == "theirs" else "this project"
    assert (
        f"1 claim differed between the two projects: the newer version was kept (1 from {source})"
        " and the older one is in the claim's history." in summary
    )
    claim = mine.claims.get(claim_id)
    assert claim is not None and claim.confidence == 5


def test_the_report_counts_newer_versions_from_each_side(tmp_path: Path) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    article_id = add_article(mine, BRIDGE)
    ana = mine.annotator("Ana")
    claim_ids = [add_claim(mine, article_id, ana, start, start + 4) for start in (0, 10, 20)]
    mine.close()
    shutil.copy(mine.path, tmp_path / "ben.sqlite")
    mine, ben = open_project(mine.path), open_project(tmp_path / "ben.sqlite")
    try:
        ben.claims.update(claim_ids[0], comment="Ben's")
        mine.claims.update(claim_ids[1], comment="mine")
        ben.claims.update(claim_ids[2], comment="Ben's")
        ben.close()
        report = mine.merge.merge_from(ben.path)
        assert (report.conflicts, report.claims.updated) == (3, 2)
        assert "the newer version was kept (2 from “ben.sqlite”, 1 from this project)" in report.summary()
    finally:
        mine.close()


# --- another codebook --------------------------------------------------------------------------------


def test_another_codebook_is_named_in_the_report(tmp_path: Path, mine: Project) -> None:
    ben = open_project(tmp_path / "ben.sqlite")
    for name in THEIR_TYPES:
        ben.codebook.add_type(name)
    ben.codebook.relabel_level(3, "moderate")
    ben.codebook.relabel_level(4, "HIGH")  # the same label, in capitals: not another scheme
    add_claim(ben, add_article(ben, BRIDGE), ben.annotator("Ben"), 4, 9, type_index=5, confidence=3)
    ben.close()
    here = mine.codebook.get()

    report = mine.merge.merge_from(ben.path)

    assert report.source_type_names_added == THEIR_TYPES
    assert report.levels_relabelled == ((3, here.level_label(3), "moderate"),)
    summary = report.summary()
    names = ", ".join(f"“{name}”" for name in THEIR_TYPES)
    assert f"“ben.sqlite” was coded with another codebook: it brought the source types {names};" in summary
    assert (
        f"its confidence level 3 is “moderate”, here “{here.level_label(3)}” (this project's label kept)"
        in (summary)
    )
    assert "would now compare two coding schemes" in summary
    assert mine.codebook.get().level_label(3) == here.level_label(3)  # kept as here
    # The labels still differ on the next merge, and the report still says so.
    assert "its confidence level 3 is “moderate”" in mine.merge.merge_from(ben.path).summary()


def test_an_added_confidence_level_is_named(tmp_path: Path, mine: Project) -> None:
    ben = open_project(tmp_path / "ben.sqlite")
    ben.close()
    with sqlite3.connect(ben.path) as raw:  # a sixth level, as another preset might have
        raw.execute("INSERT INTO confidence_level (value, label) VALUES (6, 'certain')")
    raw.close()

    report = mine.merge.merge_from(ben.path)

    assert report.levels_added == ((6, "certain"),) and report.confidence_levels_added == 1
    assert "another codebook: the confidence level 6 “certain”." in report.summary()


def test_an_added_confidence_level_never_repeats_a_label_here(tmp_path: Path, mine: Project) -> None:
    ben = open_project(tmp_path / "ben.sqlite")
    ben.close()
    with sqlite3.connect(ben.path) as raw:  # a sixth and seventh level, labelled like level 5 here
        raw.execute("INSERT INTO confidence_level (value, label) VALUES (6, 'Very HIGH'), (7, 'very high')")
    raw.close()
    assert mine.codebook.get().level_label(5) == "very high"

    report = mine.merge.merge_from(ben.path)

    # The levels come in, as their claims need them, each under a label of its own, so that the
    # dataset's confidence_label still says which level a claim has.
    assert report.levels_added == ((6, "Very HIGH (6)"), (7, "very high (7)"))
    labels = [level.label for level in mine.codebook.get().confidence_levels]
    assert labels == ["very low", "low", "medium", "high", "very high", "Very HIGH (6)", "very high (7)"]
    assert "the confidence levels 6 “Very HIGH (6)”, 7 “very high (7)”" in report.summary()
    # Merged again, the file brings nothing new, and says nothing of another codebook.
    again = mine.merge.merge_from(ben.path)
    assert again.levels_added == () and again.levels_relabelled == ()
    assert "codebook" not in again.summary()


def test_the_same_codebook_gives_no_warning(tmp_path: Path, mine: Project) -> None:
    ben = open_project(tmp_path / "ben.sqlite")
    add_claim(ben, add_article(ben, BRIDGE), ben.annotator("Ben"), 4, 9)
    ben.close()

    report = mine.merge.merge_from(ben.path)

    assert report.source_type_names_added == () and report.levels_relabelled == ()
    assert "codebook" not in report.summary()


def test_the_same_article_with_and_without_a_final_newline_is_one_article(tmp_path: Path) -> None:
    """One annotator imported the file (its final newline kept), the other pasted it (none): one article."""
    text = "The mayor said the bridge will reopen in May, according to a council statement."
    ana = open_project(tmp_path / "ana.sqlite")
    mine = add_claim(ana, add_article(ana, text + "\n"), ana.annotator("Ana"), 4, 9)
    ben = open_project(tmp_path / "ben.sqlite")
    theirs = add_claim(ben, add_article(ben, text), ben.annotator("Ben"), 4, 9, type_index=1)
    ben.close()

    report = ana.merge.merge_from(ben.path)

    (article,) = ana.articles.list()
    assert report.articles.added == 0
    assert {ana.claims.get(mine).article_id, ana.claims.get(theirs).article_id} == {article.id}
    assert ana.claims.get(theirs).quote == "mayor"
    ana.close()
