"""import-claims of an export `--layer all` or `--layer reviewed`: the reviewed layer's rows are
refused (its reviewer is no annotator), the annotators' rows of `--layer all` come in."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from annotator.formats.errors import ImportRejected
from annotator.services.project import Project
from tests.core.factories import add_claim

TEXT = "The minister said the talks would resume. Officials said the army was ready.\n"
FIRST = (0, 41)
SECOND = (42, 76)


@pytest.fixture
def paths(tmp_path: Path) -> tuple[Path, Path]:
    """A reviewed project (Ana and Ben, one unit accepted by Rita) and an empty copy of its article."""
    ours, theirs = tmp_path / "ours.sqlite", tmp_path / "theirs.sqlite"
    project = Project.open(ours)
    try:
        article = project.articles.add_text(TEXT, title="Talks").article_id
        project.close()
        shutil.copy(ours, theirs)
        project = Project.open(ours, create=False)
        ana, ben, rita = project.annotator("Ana"), project.annotator("Ben"), project.annotator("Rita")
        a1 = add_claim(project, article, ana, *FIRST)
        b1 = add_claim(project, article, ben, *FIRST)
        add_claim(project, article, ana, *SECOND)
        project.adjudication.settle(article, [a1, b1], "accepted", b1, decided_by=rita.id)
    finally:
        project.close()
    return ours, theirs


def _export(path: Path, out: Path, layer: str) -> None:
    project = Project.open(path, create=False)
    try:
        project.exchange.export_csv(out, layer=layer)
    finally:
        project.close()


def test_layer_all_brings_in_the_annotators_claims_only(paths: tuple[Path, Path], tmp_path: Path) -> None:
    ours, theirs = paths
    out = tmp_path / "all.csv"
    _export(ours, out, "all")
    other = Project.open(theirs, create=False)
    try:
        report = other.exchange.import_claims(out)
        names = sorted(annotator.name for annotator in other.annotators())
        [article] = other.articles.list()
        claims = other.claims.for_article(article.id)
        agreement = other.review.agreement()
    finally:
        other.close()

    assert report.imported == 3
    assert len(report.refused) == 1
    assert "reviewed" in report.refused[0].reason
    assert "--layer annotations" in report.refused[0].reason
    assert names == ["Ana", "Ben"]
    assert sorted(claim.annotator_name for claim in claims) == ["Ana", "Ana", "Ben"]
    assert {" & ".join(figure.annotators) for figure in agreement.figures if figure.annotators} <= {
        "Ana & Ben",
        "Ana",
        "Ben",
    }


def test_layer_reviewed_back_into_its_project_is_refused(paths: tuple[Path, Path], tmp_path: Path) -> None:
    # The reviewed layer alone has no `status` column (its columns are the annotators'); its claims'
    # ids tell them apart in the project that holds them.
    ours, _ = paths
    out = tmp_path / "reviewed.csv"
    _export(ours, out, "reviewed")
    project = Project.open(ours, create=False)
    try:
        report = project.exchange.import_claims(out)
        names = sorted(annotator.name for annotator in project.annotators())
        [article] = project.articles.list()
        claims = project.claims.for_article(article.id)
    finally:
        project.close()
    assert report.imported == 0
    assert [row.reason for row in report.refused] == [
        "its claim id is a claim of this project's reviewed layer: the reviewer's decisions are not"
        " brought in as annotations (export with --layer annotations to exchange annotators' claims)"
    ]
    assert sorted(claim.annotator_name for claim in claims) == ["Ana", "Ana", "Ben"]
    assert names == ["Ana", "Ben", "Rita"]  # Rita as the reviewer she was, with no claims


def test_a_file_of_reviewed_rows_only_is_refused_as_a_whole(paths: tuple[Path, Path], tmp_path: Path) -> None:
    ours, theirs = paths
    out = tmp_path / "all.csv"
    _export(ours, out, "all")
    head, *rows = out.read_bytes().decode("utf-8-sig").split("\r\n")
    kept = [row for row in rows if row.endswith(",reviewed")]
    assert len(kept) == 1
    out.write_bytes("\r\n".join([head, *kept, ""]).encode("utf-8-sig"))
    other = Project.open(theirs, create=False)
    try:
        with pytest.raises(ImportRejected, match="--layer annotations"):
            other.exchange.import_claims(out)
        assert [annotator.name for annotator in other.annotators()] == []
    finally:
        other.close()


def test_an_unknown_status_is_refused_with_the_ones_kept(paths: tuple[Path, Path], tmp_path: Path) -> None:
    ours, theirs = paths
    out = tmp_path / "all.csv"
    _export(ours, out, "all")
    data = out.read_bytes().decode("utf-8-sig")
    data = data.replace(",unreviewed\r\n", ",maybe\r\n", 1)
    out.write_bytes(data.encode("utf-8-sig"))
    other = Project.open(theirs, create=False)
    try:
        report = other.exchange.import_claims(out)
    finally:
        other.close()
    reasons = sorted(row.reason for row in report.refused)
    assert report.imported == 2
    assert any("“maybe”" in reason and "unreviewed" in reason for reason in reasons)
