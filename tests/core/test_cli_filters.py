"""`--annotator` and `--article` on the command line: names as the project spells them (or in
another case, when only one fits), articles by id or exact title, and an error naming the known
values for a filter that matches nothing, never an empty file."""

from __future__ import annotations

import csv
import uuid
from pathlib import Path

import pytest

from annotator.db import queries
from annotator.db.tables import utc_now
from annotator.domain.records import Annotator
from annotator.services.project import Project
from tests.core.factories import add_claim, run_cli

TEXT = "The council voted 7 to 2, the clerk said. Officials say the plan may slip.\n"


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "project.sqlite"
    project = Project.open(path)
    try:
        mixed = project.articles.add_text(TEXT, title="mixed").article_id
        other = project.articles.add_text(TEXT + "More.\n", title="Budget talks").article_id
        for name in ("Ana", "Ben"):
            who = project.annotator(name)
            add_claim(project, mixed, who, 4, 11)
            add_claim(project, mixed, who, 43, 52, type_index=1)
            add_claim(project, other, who, 4, 11)
    finally:
        project.close()
    return path


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def _error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err


def _export(project_path: Path, out: Path, *more: str) -> int:
    return run_cli(["export", "--project", str(project_path), "--out", str(out), *more])


def test_an_unknown_annotator_is_an_error_naming_the_known_ones(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "claims.csv"
    capsys.readouterr()

    assert _export(project_path, out, "--annotator", "Nobody") == 1

    err = _error(capsys)
    assert "“Nobody”" in err
    assert "Ana, Ben" in err
    assert not out.exists()


def test_a_name_in_another_case_is_the_annotator_when_only_one_fits(
    project_path: Path, tmp_path: Path
) -> None:
    out = tmp_path / "claims.csv"

    assert _export(project_path, out, "--annotator", "ana") == 0

    rows = _rows(out)
    assert len(rows) == 3
    assert {row["annotator"] for row in rows} == {"Ana"}


def test_a_name_that_fits_several_in_another_case_is_an_error(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.open(project_path, create=False)
    try:
        # Project.annotator("ANA") would find Ana: a second name equal but for case comes from a
        # file written elsewhere (a merge, an import), so it is put in as such.
        with project._tx.begin() as session:
            queries.insert_annotator(Annotator(id=str(uuid.uuid4()), name="ANA"), utc_now(), session=session)
        assert sorted(a.name for a in project.annotators()) == ["ANA", "Ana", "Ben"]
    finally:
        project.close()
    capsys.readouterr()

    assert _export(project_path, tmp_path / "c.csv", "--annotator", "ana") == 1

    err = _error(capsys)
    assert "ANA" in err
    assert "Ana" in err
    # As spelt, it is that annotator.
    assert _export(project_path, tmp_path / "c.csv", "--annotator", "Ana") == 0


def test_an_article_by_its_exact_title(project_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"

    assert _export(project_path, out, "--article", "mixed") == 0

    rows = _rows(out)
    assert len(rows) == 4
    assert {row["document_title"] for row in rows} == {"mixed"}
    # The id works as before.
    assert _export(project_path, out, "--article", rows[0]["document_id"], "--format", "jsonl") == 0


def test_an_unknown_article_is_an_error_with_the_closest_titles(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "claims.csv"
    capsys.readouterr()

    assert _export(project_path, out, "--article", "budget") == 1

    err = _error(capsys)
    assert "“budget”" in err
    assert "“Budget talks” (" in err
    assert err.rstrip().endswith("?") and "?." not in err
    assert not out.exists()


def test_a_title_two_articles_share_asks_for_an_id(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = Project.open(project_path, create=False)
    try:
        project.articles.add_text("Another text entirely.\n", title="mixed")
        ids = [a.id for a in project.articles.list() if a.title == "mixed"]
    finally:
        project.close()
    capsys.readouterr()

    assert _export(project_path, tmp_path / "c.csv", "--article", "mixed") == 1

    err = _error(capsys)
    assert all(article_id in err for article_id in ids)


def test_agreement_with_an_unknown_annotator_is_an_error(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    code = run_cli(
        ["agreement", "--project", str(project_path), "--annotator", "Ana", "--annotator", "Nobody"]
    )

    assert code == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert "“Nobody”" in captured.err
    assert "Ana, Ben" in captured.err


def test_agreement_takes_names_in_another_case_and_titles(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()

    code = run_cli(
        ["agreement", "--project", str(project_path), "--annotator", "ana", "--annotator", "BEN",
         "--article", "mixed", "--format", "csv"]
    )  # fmt: skip

    assert code == 0
    rows = list(csv.DictReader(capsys.readouterr().out.splitlines()))
    kappa = [row for row in rows if row["field"] == "source_type" and row["measure"] == "cohen_kappa"]
    assert [row["annotators"] for row in kappa] == ["Ana & Ben"]
    assert kappa[0]["units"] == "2"
