"""The spreadsheet guard is undone exactly: any text goes out through the dataset CSV and comes
back through import-claims as it was, `'=not a formula` included (csv_dataset.neutralise_cell and
claims_csv._unguarded, and the export's fast paths, which must agree with neutralise_cell)."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.formats.claims_csv import read_claims_csv
from annotator.formats.csv_dataset import DatasetRow, neutralise_cell, write_dataset
from annotator.services.project import Project
from tests.core.factories import add_claim

# Text made mostly of what the guard looks at: quotes, spaces of three kinds, the triggers.
GUARD_ALPHABET = st.sampled_from(
    ["'", " ", "\n", "\u00a0", "=", "+", "-", "@", "\t", "\r", "a", ",", '"', "é"]
)
ANY_TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=12)
GUARDISH = st.lists(GUARD_ALPHABET, max_size=8).map("".join) | ANY_TEXT
# An article whose spans start with every mix of them.
ARTICLE = "'=a ''+b  '-c\t@d =e ' '@f\u00a0'=g, \"h\" '''-i\n+j\n"


def _row(number: int, quote: str, comment: str, source: str, cue: str, annotator: str) -> DatasetRow:
    return DatasetRow(
        f"c{number}", "doc", "A title", "", "", "", annotator, 0, len(quote), quote, "", "",
        "official", 3, "medium", source, cue, comment, None, None,
    )  # fmt: skip


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(GUARDISH, GUARDISH, GUARDISH, GUARDISH), min_size=1, max_size=6))
def test_the_csv_reader_undoes_exactly_what_the_writer_did(
    tmp_path: Path, texts: list[tuple[str, str, str, str]]
) -> None:
    # Many rows in one file, so the writer's column-at-a-time fast paths and the reader's are taken;
    # a cell that starts with a bare trigger in an `--exact` file is what only the guard's files lack.
    rows = [
        _row(i, q or "x", comment, source, cue, "Ana") for i, (q, comment, source, cue) in enumerate(texts)
    ]
    path = tmp_path / "claims.csv"

    write_dataset(rows, path)

    found = read_claims_csv(path.read_bytes().decode("utf-8-sig"), path.name)
    assert found.refused == []
    back = [(c.quote.replace("\r\n", "\n"), c.comment, c.source, c.cue) for c in found.claims]
    # The csv module reads a CR inside a cell back as written; the import's CRLF rule is for quotes.
    assert back == [(r.quote.replace("\r\n", "\n"), r.comment, r.source, r.cue) for r in rows]


@settings(max_examples=300, deadline=None)
@given(GUARDISH)
def test_the_export_fast_paths_agree_with_neutralise_cell(
    tmp_path_factory: pytest.TempPathFactory, text: str
) -> None:
    path = tmp_path_factory.mktemp("agree") / "claims.csv"
    rows = [_row(i, text or "x", text, text, "", "Ana") for i in range(3)]

    write_dataset(rows, path)

    with path.open(encoding="utf-8-sig", newline="") as file:
        cells = list(csv.DictReader(file))
    assert [c["comment"] for c in cells] == [neutralise_cell(text)] * 3
    assert [c["source"] for c in cells] == [neutralise_cell(text)] * 3
    assert [c["quote"] for c in cells] == [neutralise_cell(text or "x")] * 3


@pytest.mark.parametrize(
    ("text", "written"),
    [
        ("=1+1", "'=1+1"),
        ("'=not a formula", "''=not a formula"),
        ("''+x", "'''+x"),
        (" '-x", "' '-x"),
        ("' @x", "'' @x"),
        ("'plain", "'plain"),
        ("it's =", "it's ="),
    ],
)
def test_the_rule(text: str, written: str) -> None:
    assert neutralise_cell(text) == written


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A project with ARTICLE and no claims, copied for each example."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite"
    project = Project.open(path)
    try:
        project.articles.add_text(ARTICLE, title="Guard")
        project.annotator("Ana")
    finally:
        project.close()
    return path


SPANS = (
    st.tuples(st.integers(0, len(ARTICLE) - 1), st.integers(1, 12))
    .map(lambda span: (span[0], min(len(ARTICLE), span[0] + span[1])))
    .filter(lambda span: ARTICLE[span[0] : span[1]].strip())  # a claim is never only white space
)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.tuples(SPANS, GUARDISH, GUARDISH, GUARDISH), min_size=1, max_size=4))
def test_export_then_import_claims_gives_back_every_text(
    tmp_path_factory: pytest.TempPathFactory,
    template: Path,
    claims: list[tuple[tuple[int, int], str, str, str]],
) -> None:
    folder = tmp_path_factory.mktemp("round")
    ours, theirs = folder / "ours.sqlite", folder / "theirs.sqlite"
    shutil.copy(template, ours)
    shutil.copy(template, theirs)
    project = Project.open(ours, create=False)
    try:
        [article] = project.articles.list()
        ana = project.annotator("Ana")
        for (start, end), comment, source, cue in claims:
            add_claim(project, article.id, ana, start, end, comment=comment, source=source, cue=cue)
        written = sorted(project.claims.for_article(article.id))
        project.exchange.export_csv(folder / "claims.csv")
    finally:
        project.close()

    other = Project.open(theirs, create=False)
    try:
        report = other.exchange.import_claims(folder / "claims.csv")
        back = sorted(other.claims.for_article(article.id))
    finally:
        other.close()

    assert report.refused == ()
    fields = ("id", "quote", "start", "end", "comment", "source", "cue", "annotator_name")
    assert [tuple(getattr(c, f) for f in fields) for c in back] == [
        tuple(getattr(c, f) for f in fields) for c in written
    ]


def test_a_comment_that_begins_with_a_quote_and_a_formula_comes_back(template: Path, tmp_path: Path) -> None:
    ours, theirs = tmp_path / "ours.sqlite", tmp_path / "theirs.sqlite"
    shutil.copy(template, ours)
    shutil.copy(template, theirs)
    project = Project.open(ours, create=False)
    try:
        [article] = project.articles.list()
        add_claim(project, article.id, project.annotator("Ana"), 0, 3, comment="'=not a formula")
        project.exchange.export_csv(tmp_path / "claims.csv")
    finally:
        project.close()
    other = Project.open(theirs, create=False)
    try:
        other.exchange.import_claims(tmp_path / "claims.csv")
        [claim] = other.claims.for_article(article.id)
    finally:
        other.close()
    assert claim.quote == "'=a"
    assert claim.comment == "'=not a formula"
