"""`annotator agreement`: figures for a project, as a table, CSV or JSON; undefined ones say why."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from annotator.cli import main
from tests.core.factories import add_article, add_claim, open_project

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."


def two_annotators(path: Path) -> str:
    """Ana and Ben tag the same three claims; they disagree on the type of the second one."""
    project = open_project(path)
    ana, ben = project.annotator("Ana"), project.annotator("Ben")
    article = add_article(project, TEXT)
    spans = [(0, 41), (42, 76), (77, 94)]
    for number, (start, end) in enumerate(spans):
        add_claim(project, article, ana, start, end, type_index=number % 3, confidence=3)
        add_claim(project, article, ben, start, end, type_index=0 if number == 1 else number % 3, confidence=3)
    project.close()
    return article


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_csv_has_the_documented_columns_and_figures(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    two_annotators(path)
    code, out, err = run(capsys, "agreement", "--project", str(path), "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert list(rows[0]) == ["field", "measure", "annotators", "units", "value"]
    by_measure = {(r["field"], r["measure"]): r for r in rows}
    percent = by_measure[("source_type", "percent_agreement")]
    assert percent["annotators"] == "Ana & Ben" and percent["units"] == "3"
    assert float(percent["value"]) == pytest.approx(2 / 3, abs=1e-4)
    assert ("span", "krippendorff_alpha_characters") in by_measure
    assert float(by_measure[("span", "krippendorff_alpha_characters")]["value"]) == pytest.approx(1.0)
    # Both gave every claim confidence 3: nobody varied, so alpha is empty, and stderr says why.
    assert by_measure[("confidence", "krippendorff_alpha_ordinal")]["value"] == ""
    assert "nobody varied" in err


def test_a_name_that_starts_like_a_formula_is_guarded_in_the_csv(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    project = open_project(path)
    article = add_article(project, TEXT)
    for name in ("+SUM(2;3)", "Ben"):
        add_claim(project, article, project.annotator(name), 0, 41)
    project.close()
    code, out, _ = run(capsys, "agreement", "--project", str(path), "--format", "csv")
    assert code == 0
    names = {row["annotators"] for row in csv.DictReader(io.StringIO(out))}
    assert names == {"'+SUM(2;3) & Ben"}  # neutralised as the dataset's cells are


def test_json_and_table_carry_the_reasons(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    two_annotators(path)
    code, out, _ = run(capsys, "agreement", "--project", str(path), "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["articles"] == 1 and data["units"] == 3
    alpha = next(f for f in data["figures"] if f["measure"] == "krippendorff_alpha_interval")
    assert alpha["value"] is None and alpha["reason"].startswith("nobody varied")
    code, out, _ = run(capsys, "agreement", "--project", str(path))
    assert code == 0
    assert out.splitlines()[0] == "3 units in 1 article coded by two or more of: Ana, Ben"
    assert "undefined: nobody varied" in out


def test_one_annotator_gives_no_figures_but_no_crash(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    two_annotators(path)
    code, out, _ = run(capsys, "agreement", "--project", str(path), "--annotator", "Ana", "--format", "json")
    assert code == 0
    figures = json.loads(out)["figures"]
    assert figures and all(f["value"] is None and f["reason"] for f in figures)


def test_bad_arguments_are_one_line_errors(tmp_path, capsys):
    code, _, err = run(capsys, "agreement", "--project", str(tmp_path / "missing.sqlite"))
    assert code == 1 and err.strip().startswith("annotator: There is no project file")
    path = tmp_path / "p.sqlite"
    two_annotators(path)
    code, _, err = run(capsys, "agreement", "--project", str(path), "--article", "nope")
    assert code == 1 and "no article with the id" in err and len(err.strip().splitlines()) == 1
