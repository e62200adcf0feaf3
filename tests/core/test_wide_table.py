"""The wide table for statistics packages: one row per unit, a type and a confidence column per annotator."""

from __future__ import annotations

import shutil
import subprocess

import pandas as pd
import pytest

from annotator.cli import main
from tests.core.factories import add_article, add_claim, open_project

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
SPANS = [(0, 41), (42, 76), (77, 94)]


def three_annotators(path):  # type: ignore[no-untyped-def]
    """Ana and Ben tag all three sentences (Ben's second as official), Cy only the first, as "=odd"."""
    project = open_project(path)
    article = add_article(project, TEXT, title="=Talks")
    for name in ("Ana", "Ben", "Cy"):
        me = project.annotator(name)
        for number, (start, end) in enumerate(SPANS):
            if name == "Cy" and number > 0:
                continue
            type_index = 0 if (name == "Ben" and number == 1) else number
            add_claim(project, article, me, start, end, type_index=type_index, confidence=number + 2)
    project.close()
    return article


def test_the_wide_table_has_a_row_per_unit_and_a_column_per_annotator(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    article = three_annotators(path)
    out = tmp_path / "units.csv"
    assert main(["agreement", "--project", str(path), "--wide", str(out), "--format", "json"]) == 0
    assert "wrote 3 units" in capsys.readouterr().err
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert list(table.columns) == [
        "unit",
        "document_id",
        "document_title",
        "start",
        "end",
        "source_type.Ana",
        "source_type.Ben",
        "source_type.Cy",
        "confidence.Ana",
        "confidence.Ben",
        "confidence.Cy",
    ]
    assert list(table["unit"]) == [1, 2, 3]
    assert set(table["document_id"]) == {article}
    assert list(table["document_title"]) == ["'=Talks"] * 3  # guarded like the dataset
    assert [(r.start, r.end) for r in table.itertuples()] == SPANS
    assert list(table["source_type.Ana"]) == ["official", "unnamed", "speculation"]
    assert list(table["source_type.Ben"]) == ["official", "official", "speculation"]
    assert table["source_type.Cy"].isna().tolist() == [False, True, True]  # NA where Cy made no claim
    assert list(table["confidence.Ana"]) == [2, 3, 4]


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is installed by scripts/setup.sh --for-tests")
def test_r_reads_the_ratings_as_a_subjects_by_raters_matrix(tmp_path, capsys):
    path = tmp_path / "p.sqlite"
    three_annotators(path)
    out = tmp_path / "units.csv"
    assert main(["agreement", "--project", str(path), "--wide", str(out), "--format", "csv"]) == 0
    capsys.readouterr()
    script = (
        "suppressMessages(library(readr));"
        "u <- read_csv(commandArgs(TRUE)[1], progress = FALSE, show_col_types = FALSE);"
        "m <- as.matrix(u[, grepl('^confidence[.]', names(u))]);"
        "cat(dim(m), sum(is.na(m)), m[1, ], sep = ' ')"
    )
    result = subprocess.run(["Rscript", "-e", script, str(out)], capture_output=True, text=True, check=True)
    dims, missing, first_row = result.stdout.split()[:2], result.stdout.split()[2], result.stdout.split()[3:]
    assert dims == ["3", "3"]  # units x annotators
    assert missing == "2"  # Cy's two units without a claim are NA
    assert first_row == ["2", "2", "2"]
