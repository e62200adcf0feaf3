"""The dataset reads back identically in R's readr, the tool most of our users analyse it with."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from annotator.services.project import Project

R_SCRIPT = r"""
suppressMessages(library(readr))
claims <- read_csv(commandArgs(TRUE)[1], col_types = cols(.default = col_character()), na = character(),
                   progress = FALSE)
cat(paste(names(claims), collapse = ","), "\n", sep = "")
hex <- function(x) paste(as.character(charToRaw(enc2utf8(x))), collapse = "")
for (i in seq_len(nrow(claims))) {
  cat(claims$claim_id[i], hex(claims$quote[i]), hex(claims$comment[i]), hex(claims$document_title[i]),
      claims$start[i], claims$end[i], "\n", sep = "\t")
}
"""

TEXT = (
    "Line one 👩‍👩‍👧 said “x”, then left.\r\n"
    "مصدر رسمي قال إن الهجوم وقع\r\n"
    'על פי דובר 🇺🇦 e\u0301te, "quoted"\r\n'
    "=SUM(A1) was typed here.\r\n"
)


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="R is installed by scripts/setup.sh --for-tests")
@pytest.mark.parametrize("exact", [True, False])
def test_readr_reads_every_cell_back_exactly(tmp_path: Path, exact: bool) -> None:
    project = Project.open(tmp_path / "p.sqlite")
    article = project.articles.add_text(TEXT, title='Säkerhet, "news"\nsecond line').article_id
    text = project.articles.get(article).text
    ana = project.annotator("Ana")
    type_id = project.codebook.get().active_types[0].id
    comments = {"👩": 'multi\nline, with "quotes"', "مصدر": "", "🇺🇦": "tab\there", "=SUM": "-minus first"}
    expected = {}
    for needle, comment in comments.items():
        start = text.index(needle)
        end = text.index("\n", start)
        _, claim = project.claims.create(
            article_id=article,
            annotator_id=ana.id,
            start=start,
            end=end,
            source_type_id=type_id,
            confidence=3,
            comment=comment,
        )
        expected[claim.id] = claim
    out = tmp_path / "claims.csv"
    project.exchange.export_csv(out, exact=exact)
    project.close()

    result = subprocess.run(
        ["Rscript", "-e", R_SCRIPT, str(out)], capture_output=True, text=True, check=True, timeout=120
    )
    header, *lines = result.stdout.strip("\n").split("\n")
    assert header.split(",")[:3] == ["claim_id", "document_id", "document_title"]
    assert len(lines) == len(expected)

    def cell(value: str) -> str:
        guarded = value.lstrip(" \n\u00a0").startswith(("=", "+", "-", "@", "\t", "\r"))
        return value if exact or not guarded else "'" + value

    for line in lines:
        claim_id, quote, comment, title, start, end, _ = line.split("\t")
        claim = expected[claim_id]
        assert bytes.fromhex(quote).decode() == cell(claim.quote)
        assert bytes.fromhex(comment).decode() == cell(claim.comment)
        assert bytes.fromhex(title).decode() == 'Säkerhet, "news" second line'
        assert (int(start), int(end)) == (claim.start, claim.end)
        if exact:
            assert text[int(start) : int(end)] == bytes.fromhex(quote).decode()
