"""`agreement --wide` writes a missing type or confidence as `NA`, which R's read.csv (and readr,
and pandas) read as missing: an empty cell would be one more category to read.csv."""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.cli import main
from tests.core.factories import add_article, add_claim, open_project

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
SPANS = [(0, 41), (42, 76), (77, 94)]


@pytest.fixture
def wide(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """Ana and Ben on all three sentences, Cy on the first only."""
    path = tmp_path / "p.sqlite"
    project = open_project(path)
    article = add_article(project, TEXT, title="Talks")
    for name in ("Ana", "Ben", "Cy"):
        me = project.annotator(name)
        for number, (start, end) in enumerate(SPANS):
            if name != "Cy" or number == 0:
                add_claim(project, article, me, start, end, type_index=number, confidence=number + 2)
    project.close()
    out = tmp_path / "units.csv"
    assert main(["agreement", "--project", str(path), "--wide", str(out), "--format", "csv"]) == 0
    capsys.readouterr()
    return out


def test_a_missing_rating_is_na(wide: Path) -> None:
    with wide.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [row["source_type.Cy"] for row in rows] == ["official", "NA", "NA"]
    assert [row["confidence.Cy"] for row in rows] == ["2", "NA", "NA"]
    assert all(value != "" for row in rows for value in row.values())


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is installed by scripts/setup.sh --for-tests")
def test_base_r_read_csv_sees_them_as_missing(wide: Path) -> None:
    script = (
        "u <- read.csv(commandArgs(TRUE)[1], fileEncoding = 'UTF-8-BOM');"
        "types <- u[, grepl('^source_type[.]', names(u))];"
        "levels <- sort(unique(unlist(lapply(types, as.character))));"
        "cat(sum(is.na(types)), sum(is.na(u[, grepl('^confidence[.]', names(u))])), levels, sep = '|')"
    )
    result = subprocess.run(["Rscript", "-e", script, str(wide)], capture_output=True, text=True, check=True)
    missing_types, missing_levels, *categories = result.stdout.split("|")
    assert (missing_types, missing_levels) == ("2", "2")
    assert categories == ["official", "speculation", "unnamed"]  # no "" category beside them
