"""`import-claims`: claims back from the dataset CSV or the JSONL, refused rows named by line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy.exc
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from annotator.formats.errors import ImportRejected
from annotator.services.project import Project
from tests.core.factories import UNICODE_ARTICLE, add_claim, open_project, run_cli

PLAIN = "The mayor said the bridge will reopen in May. Engineers, speaking anonymously, doubt it."
# Cells a spreadsheet would run, markup, quotes, a line break: the guard and the quoting must undo cleanly.
HOSTILE = ['=HYPERLINK("http://x")', "+1", " -2", "@SUM(A1)", "\tTab", "<b>bold</b> & <script>", 'a "q"\nb']


def make_project(path: Path) -> tuple[Project, dict[str, str]]:
    project = open_project(path)
    plain = project.articles.add_text(PLAIN, title="Bridge", outlet="Courier", published="2024-05-02")
    hard = project.articles.add_text(UNICODE_ARTICLE, title='=Unicode, "quoted"')
    ana, ben = project.annotator("Ana"), project.annotator("=Ben")
    text = project.articles.get(hard.article_id).text  # type: ignore[union-attr]
    add_claim(project, plain.article_id, ana, 0, 9, confidence=4, source="=the mayor", cue="said")
    add_claim(project, plain.article_id, ben, 46, 55, type_index=1, comment="\n".join(HOSTILE))
    for index, comment in enumerate(HOSTILE):
        add_claim(project, plain.article_id, ana, 10 + index, 20 + index, type_index=2, comment=comment)
    emoji = text.index("👩🏽‍💼")
    add_claim(project, hard.article_id, ben, emoji, emoji + len("👩🏽‍💼"), cue="-")
    add_claim(project, hard.article_id, ana, text.index("قال"), text.index("قريب") + 4, comment="'=literal")
    return project, {"plain": plain.article_id, "hard": hard.article_id}


def delete_all_claims(project: Project) -> None:
    for article in project.articles.list():
        for claim in project.claims.for_article(article.id):
            project.claims.delete(claim.id)


def claim_count(path: Path) -> int:
    with sqlite3.connect(path) as connection:
        return int(connection.execute("SELECT count(*) FROM claim").fetchone()[0])


def jsonl_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- round trips -----------------------------------------------------------------------------


@pytest.mark.parametrize("exact", [False, True], ids=["guarded", "exact"])
def test_the_dataset_csv_comes_back_as_the_same_claims(tmp_path: Path, exact: bool) -> None:
    project, _ = make_project(tmp_path / "p.sqlite")
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert project.exchange.export_csv(first, exact=exact) == 11
    delete_all_claims(project)
    report = project.exchange.import_claims(first)
    assert (report.imported, report.skipped, report.refused) == (11, 0, ())
    project.exchange.export_csv(second, exact=exact)
    assert second.read_bytes() == first.read_bytes()  # ids, cells and times to the second, all the same
    again = project.exchange.import_claims(first)
    assert (again.imported, again.skipped) == (0, 11)
    project.close()


def test_the_jsonl_file_is_lossless_into_a_fresh_project(tmp_path: Path) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    out = tmp_path / "claims.jsonl"
    assert project.exchange.export_jsonl(out) == 11
    project.close()
    records = jsonl_records(out)
    assert records[0] == {"kind": "header", "format": "source-annotator-claims", "version": 1}
    assert [r["kind"] for r in records[1:]].count("article") == 2
    assert all(len(r["updated_at"]) == len("2026-11-25T14:03:09.123456Z") for r in records[1:])

    fresh = open_project(tmp_path / "fresh.sqlite")
    report = fresh.exchange.import_claims(out)
    assert (report.imported, report.skipped, report.refused, report.articles_added) == (11, 0, (), 2)
    assert set(report.annotators_added) == {"Ana", "=Ben"}
    back = tmp_path / "back.jsonl"
    fresh.exchange.export_jsonl(back)
    fresh.close()
    # Everything comes back as it was, but the ids of the fresh project's own codebook.
    strip = [{k: v for k, v in r.items() if k != "source_type_id"} for r in records]
    assert [{k: v for k, v in r.items() if k != "source_type_id"} for r in jsonl_records(back)] == strip
    assert {r["id"] for r in jsonl_records(back) if r["kind"] == "article"} == set(articles.values())


def test_the_jsonl_file_comes_back_byte_for_byte_into_the_same_project(tmp_path: Path) -> None:
    project, _ = make_project(tmp_path / "p.sqlite")
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    project.exchange.export_jsonl(first)
    delete_all_claims(project)
    report = project.exchange.import_claims(first)
    assert (report.imported, report.articles_added, report.annotators_added) == (11, 0, ())
    project.exchange.export_jsonl(second)
    assert second.read_bytes() == first.read_bytes()
    project.close()


def test_filters_apply_to_the_jsonl_export(tmp_path: Path) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    out = tmp_path / "ben.jsonl"
    assert project.exchange.export_jsonl(out, annotator_names=["=Ben"]) == 2
    assert project.exchange.export_jsonl(out, article_ids=[articles["hard"]]) == 2
    assert {r["article_id"] for r in jsonl_records(out) if r["kind"] == "claim"} == {articles["hard"]}
    project.close()


# --- the rules for rows ----------------------------------------------------------------------

HEADER = "claim_id,document_id,document_title,annotator,start,end,quote,source_type,confidence,comment\r\n"


def test_rows_that_do_not_fit_are_refused_by_line_and_the_rest_go_in(tmp_path: Path) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    plain = articles["plain"]
    lines = [
        HEADER,
        f"c-1,{plain},,Ana,0,9,The mayor,official,2,fine\r\n",  # line 2
        f',{plain},,Ana,0,9,The mayor,official,,"a comment\r\nover two lines"\r\n',  # 3-4
        f"c-3,{plain},,Ana,0,9,The mayer,official,2,\r\n",  # 5: quote does not match
        "c-4,no-such-article,,Ana,0,9,The mayor,official,2,\r\n",  # 6
        f"c-5,{plain},,Ana,0,9,The mayor,Official,2,\r\n",  # 7: the codebook spells it "official"
        f"c-6,{plain},,Ana,0,9,The mayor,official,9,\r\n",  # 8: not on the scale
        f"c-7,{plain},,Ana,zero,9,The mayor,official,2,\r\n",  # 9: malformed
        f"c-8,{plain},,Ana,0,9,The mayor,official\r\n",  # 10: too few cells
        ",,Bridge,Cleo,10,16,mayor,unnamed,5,by title\r\n",  # 11: by title, but text[10:16] is "said t"
        f"c-1,{plain},,Ana,0,9,The mayor,official,3,\r\n",  # 12: the same id again
    ]
    source = tmp_path / "rows.csv"
    source.write_bytes("".join(lines).encode())
    report = project.exchange.import_claims(source)
    assert [(row.line, row.reason.split()[1]) for row in report.refused] == [
        (5, "quote"),
        (6, "article"),
        (7, "source"),
        (8, "confidence"),
        (9, "start"),
        (10, "has"),
        (11, "quote"),
        (12, "claim"),
    ]
    assert "not the article's text between start 0 and end 9" in report.refused[0].reason
    assert (report.imported, report.skipped) == (2, 0)
    assert report.summary().startswith("imported 2 claims, skipped 0 already present, 8 rows refused")
    new = project.claims.get("c-1")
    assert new is not None and new.confidence == 2 and new.context_after.startswith(" said the bridge")
    made = [c for c in project.claims.for_article(plain) if c.id not in {"c-1"} and c.start == 0]
    assert len(made) == 2  # the original claim and the row without an id, which got a new uuid
    untagged = next(project.claims.get(c.id) for c in made if project.claims.get(c.id).comment)  # type: ignore[union-attr]
    assert untagged.confidence == 3  # the middle of a five-level scale
    assert untagged.comment == "a comment\r\nover two lines"
    assert len(untagged.id) == 36
    project.close()


def test_rows_refused_for_one_reason_are_told_together(tmp_path: Path) -> None:
    """Found by QA: a file from another project gave the same refusal once for each of its 60,000
    rows; they are told in one line, and the distinct reasons each in their own."""
    project, articles = make_project(tmp_path / "p.sqlite")
    plain = articles["plain"]
    other = [f"o-{n},another-project-article,,Ana,0,9,The mayor,official,2,\r\n" for n in range(500)]
    odd = [f"c-{n},{plain},,Ana,0,9,The mayor,official,9,\r\n" for n in (1, 2)]  # not on the scale
    source = tmp_path / "rows.csv"
    source.write_bytes((HEADER + "".join(other[:250] + odd + other[250:])).encode())
    report = project.exchange.import_claims(source)
    lines = report.refused_lines()
    assert len(report.refused) == 502 and len(lines) == 2
    assert lines[0].startswith("lines 2, 3, 4 and 497 more (500 rows): ")
    assert lines[1].startswith("lines 252 to 253: ")
    assert report.refused_lines(limit=1)[1] == "and 2 more rows"
    negative = tmp_path / "negative.csv"
    negative.write_bytes((HEADER + f"n-1,{plain},,Ana,-1,9,The mayor,official,2,\r\n").encode())
    [refused] = project.exchange.import_claims(negative).refused
    assert refused.reason == "its start -1 is negative"
    project.close()


def test_a_row_may_name_its_article_by_title_and_brings_a_new_annotator(tmp_path: Path) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    source = tmp_path / "by-title.csv"
    source.write_text(HEADER + ",,Bridge,Cleo,19,25,bridge,unnamed,5,\n", encoding="utf-8-sig")
    report = project.exchange.import_claims(source)
    assert (report.imported, report.refused, report.annotators_added) == (1, (), ("Cleo",))
    assert "Cleo" in {a.name for a in project.annotators()}
    claims = project.claims.for_article(articles["plain"])
    assert any(c.annotator_name == "Cleo" and c.quote == "bridge" for c in claims)
    project.close()


def test_a_claim_already_here_is_skipped_or_replaced_by_the_newer_version_with_history(
    tmp_path: Path,
) -> None:
    project, _ = make_project(tmp_path / "p.sqlite")
    out = tmp_path / "claims.jsonl"
    project.exchange.export_jsonl(out)
    records = jsonl_records(out)
    claims = [r for r in records if r["kind"] == "claim"]
    newer, older = claims[0], claims[1]
    newer.update(comment="edited elsewhere", updated_at="2099-01-01T00:00:00.000000Z")
    older.update(comment="an old edit", updated_at="2000-01-01T00:00:00.000000Z")
    out.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    report = project.exchange.import_claims(out)
    assert (report.imported, report.replaced, report.skipped, report.history) == (1, 1, 10, 2)
    assert project.claims.get(newer["id"]).comment == "edited elsewhere"  # type: ignore[union-attr]
    with sqlite3.connect(tmp_path / "p.sqlite") as connection:
        history = dict(connection.execute("SELECT claim_id, reason FROM claim_history").fetchall())
    assert history[newer["id"]] == "replaced by a newer version imported from claims.jsonl"
    assert history[older["id"]] == "older version imported from claims.jsonl"
    kept = project.claims.get(older["id"])
    assert kept is not None and kept.comment != "an old edit"
    project.close()


def test_a_csv_whose_line_breaks_became_crlf_inside_cells_too_comes_back_the_same(tmp_path: Path) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    hard = project.articles.get(articles["hard"]).text  # type: ignore[union-attr]
    start = hard.index("said")
    end = hard.index("\n", start) + 4
    ana = project.annotator("Ana")
    add_claim(project, articles["hard"], ana, start, end)  # a quote across a line break
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    assert project.exchange.export_csv(first) == 12
    data = first.read_bytes()
    assert b"\n" in data.replace(b"\r\n", b"")  # line breaks inside cells, as exported
    first.write_bytes(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n"))  # as unix2dos leaves it
    delete_all_claims(project)
    report = project.exchange.import_claims(first)
    assert (report.imported, report.refused) == (12, ())
    project.exchange.export_csv(second)
    assert second.read_bytes().replace(b"\r\n", b"\n") == data.replace(b"\r\n", b"\n")
    with sqlite3.connect(tmp_path / "p.sqlite") as connection:
        assert connection.execute(
            "SELECT count(*) FROM claim WHERE instr(quote || context_before || context_after, char(13))"
        ).fetchone() == (0,)
    project.close()


def test_a_claim_id_of_another_article_is_refused_and_the_claim_stays_put(tmp_path: Path) -> None:
    # A spreadsheet row copied to make a new claim on another article keeps its claim_id: the
    # claim it names must not move (and its old place go to the history) for a newer updated_at.
    project, articles = make_project(tmp_path / "p.sqlite")
    out = tmp_path / "claims.jsonl"
    project.exchange.export_jsonl(out)
    records = jsonl_records(out)
    claims = [r for r in records if r["kind"] == "claim"]
    on_plain = next(r for r in claims if r["article_id"] == articles["plain"])
    on_hard = next(r for r in claims if r["article_id"] == articles["hard"])
    moved = {**on_hard, "id": on_plain["id"], "updated_at": "2099-01-01T00:00:00.000000Z"}
    out.write_text(
        "".join(
            json.dumps(r) + "\n" for r in [records[0], *[r for r in records if r["kind"] == "article"], moved]
        ),
        encoding="utf-8",
    )
    report = project.exchange.import_claims(out)
    assert report.imported == 0 and report.history == 0
    assert [r.reason for r in report.refused] == [
        f"its claim id {on_plain['id']} is a claim of another article in the project;"
        " empty its claim id to add it as a new claim"
    ]
    kept = project.claims.get(on_plain["id"])
    assert kept is not None and (kept.article_id, kept.start, kept.end) == (
        articles["plain"],
        on_plain["start"],
        on_plain["end"],
    )
    project.close()


# --- files that are not claims ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "why"),
    [
        ("picture.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe\x00", "not UTF-8"),
        ("utf16.csv", HEADER.encode("utf-16"), "UTF-16"),
        ("latin1.csv", (HEADER + ",,Caf\u00e9,Ana,0,9,x,official,3,\n").encode("cp1252"), "not UTF-8"),
        ("other.jsonl", b'{"name": "something else"}\n', "first line"),
        ("notes.csv", b"just some notes, nothing else\n", "header"),
        ("empty.csv", b"\xef\xbb\xbf  \n", "empty"),
        ("newer.jsonl", b'{"kind":"header","format":"source-annotator-claims","version":7}\n', "newer"),
    ],
)
def test_a_file_that_is_not_claims_gets_one_error_and_changes_nothing(
    tmp_path: Path, name: str, content: bytes, why: str
) -> None:
    project, _ = make_project(tmp_path / "p.sqlite")
    source = tmp_path / name
    source.write_bytes(content)
    with pytest.raises(ImportRejected, match=why) as caught:
        project.exchange.import_claims(source)
    assert name in str(caught.value)
    assert claim_count(tmp_path / "p.sqlite") == 11
    project.close()


def test_hostile_cells_do_not_crash_anything(tmp_path: Path) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    plain = articles["plain"]
    huge = "x" * 300_000  # more than the csv module's own 128 KB limit for a cell
    rows = [
        f'h-1,{plain},,Ana,0,9,The mayor,official,2,"{huge}"\r\n',
        f"h-2,{plain},,Ana,0,9,The mayor,official,2,nul\x00here\r\n",
        f'h-3,{plain},,Ana,0,9,The mayor,official,2,"<img src=x onerror=alert(1)>"\r\n',
        f"h-4,{plain},,Ana,0,9,The mayor,official,2,=1+1\r\n",
        f'h-5,{plain},,Ana,0,9,The mayor,official,2,"unterminated\r\n',
    ]
    source = tmp_path / "hostile.csv"
    source.write_text(HEADER + "".join(rows), encoding="utf-8")
    report = project.exchange.import_claims(source)
    assert [row.line for row in report.refused] == [3]  # the NUL; the open quote swallows the end
    assert project.claims.get("h-1").comment == huge  # type: ignore[union-attr]
    assert project.claims.get("h-4").comment == "=1+1"  # type: ignore[union-attr]  # an exact file: kept
    project.close()


def test_jsonl_lines_that_are_not_records_are_refused_by_line(tmp_path: Path) -> None:
    project, _ = make_project(tmp_path / "p.sqlite")
    out = tmp_path / "claims.jsonl"
    project.exchange.export_jsonl(out)
    lines = out.read_text(encoding="utf-8").splitlines()
    claim = json.loads(lines[2])
    lines[2] = "{not json"
    lines.append(json.dumps({**claim, "id": "j-1", "start": "0"}))
    lines.append(json.dumps({**claim, "id": "j-2", "source_type": "rumour"}))
    lines.append("[1, 2]")
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    delete_all_claims(project)
    report = project.exchange.import_claims(out)
    total = len(lines)
    assert [row.line for row in report.refused] == [3, total - 2, total - 1, total]
    assert report.imported == 10
    project.close()


# --- the command line ------------------------------------------------------------------------


def test_the_command_line_prints_a_summary_and_the_refused_rows(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project, articles = make_project(tmp_path / "p.sqlite")
    project.close()
    out = tmp_path / "claims.jsonl"
    assert (
        run_cli(["export", "--project", str(tmp_path / "p.sqlite"), "--out", str(out), "--format", "jsonl"])
        == 0
    )
    assert "wrote 11 claims" in capsys.readouterr().out
    source = tmp_path / "rows.csv"
    plain = articles["plain"]
    source.write_text(
        HEADER + f"n-1,{plain},,Ana,0,9,The mayor,official,2,\nn-2,{plain},,Ana,0,9,Nope,official,2,\n",
        encoding="utf-8",
    )
    assert run_cli(["import-claims", str(source), "--project", str(tmp_path / "p.sqlite")]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == "imported 1 claim, skipped 0 already present, 1 row refused"
    assert captured.err.startswith("annotator: rows.csv line 3: its quote")
    # Only refused rows and nothing new: a failure for a script.
    assert run_cli(["import-claims", str(source), "--project", str(tmp_path / "p.sqlite")]) == 1
    assert "skipped 1 already present, 1 row refused" in capsys.readouterr().out
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\xff\xfe\x00\x01binary")
    assert run_cli(["import-claims", str(junk), "--project", str(tmp_path / "p.sqlite")]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "junk.csv" in err and "Traceback" not in err


def test_a_cancelled_import_writes_nothing(tmp_path: Path) -> None:
    from annotator.services.exchange import ImportCancelled

    project, articles = make_project(tmp_path / "p.sqlite")
    plain = articles["plain"]
    source = tmp_path / "many.csv"
    source.write_text(
        HEADER + "".join(f"m-{n},{plain},,Dana,0,9,The mayor,official,2,\n" for n in range(12_000)),
        encoding="utf-8",
    )
    seen: list[int] = []

    def progress(done: int) -> bool:
        seen.append(done)
        return len(seen) < 2  # cancel at the second report

    with pytest.raises(ImportCancelled):
        project.exchange.import_claims(source, progress=progress)
    assert seen == [5_000, 10_000]
    assert claim_count(tmp_path / "p.sqlite") == 11
    assert "Dana" not in {a.name for a in project.annotators()}
    report = project.exchange.import_claims(source, progress=lambda done: True)
    assert report.imported == 12_000
    project.close()


# Text that reads back differently by nature: in a guarded file, a cell typed as `'=x` and a cell
# `=x` the guard wrote as `'=x` are the same bytes.
def _ambiguous(cell: str) -> bool:
    return cell.startswith("'") and cell[1:].lstrip(" \n\u00a0").startswith(("=", "+", "-", "@", "\t", "\r"))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cells=st.lists(
        st.text(st.characters(blacklist_characters="\x00", blacklist_categories=["Cs"]), max_size=12),
        min_size=3,
        max_size=3,
    ),
    exact=st.booleans(),
)
def test_any_text_survives_the_csv_both_ways(tmp_path: Path, cells: list[str], exact: bool) -> None:
    from annotator.formats.claims_csv import read_claims_csv
    from annotator.formats.csv_dataset import DatasetRow, write_dataset

    assume(not any(_ambiguous(cell) for cell in cells))
    source, cue, comment = cells
    row = DatasetRow(
        "c-1", "a-1", "=T", "", "", "", "Ana", 0, 3, "The", "", " x", "official", 3, "mid",
        source, cue, comment, "2026-01-01T00:00:00.000000Z", "2026-01-01T00:00:00.000000Z",
    )  # fmt: skip
    out = tmp_path / "one.csv"
    write_dataset([row], out, exact=exact)
    found = read_claims_csv(out.read_bytes().decode("utf-8-sig"), out.name)
    assert found.refused == []
    (claim,) = found.claims
    assert (claim.source, claim.cue, claim.comment, claim.article_title) == (source, cue, comment, "=T")
    assert (claim.id, claim.start, claim.end, claim.quote, claim.context_after) == ("c-1", 0, 3, "The", " x")


def test_the_commands_say_how_to_use_them(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["import-claims", "--help"]) == 0
    assert "--project" in capsys.readouterr().out
    assert run_cli(["export", "--help"]) == 0
    assert "jsonl" in capsys.readouterr().out
    assert run_cli(["--help"]) == 0
    assert "import-claims" in capsys.readouterr().out


# --- the column-wise readers give what the row-by-row readers give -----------------------------


# Per column, cells mostly fit, sometimes not: a column's one bad cell is what its check must catch.
def _mostly(good: list, bad: list) -> st.SearchStrategy:
    return st.one_of(*[st.sampled_from(good)] * 8, st.sampled_from(bad))  # one cell in nine is bad


_IDS = _mostly(["c-1", "c-2", "", " c-3 "], ["x" * 37, "id\u200b", "a\tb", "'=id", "-1"])
_NUMBERS = _mostly(["0", "9", "12", "4"], [" 7 ", "-1", "\u0661\u0662", "1" * 12, "1" * 13, "", "x", "+1"])
_NAMES = _mostly(["Ana", "Ben"], [" Ana  Bo ", "", " ", "=Ben", "'=x", "x" * 201, "'-Ana"])
_TEXTS = _mostly(
    ["The mayor", "", "line\nbreak", 'say "hi"', "😀"],
    ["=1+1", "'=x", "' -1", "'plain", " +p", "@a", "\ttab", "\r"],
)
_TIMES = _mostly(
    ["2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123456Z", ""],
    ["2026-02-30T00:00:00Z", "2026-01-01 10:00+02:00", " 2026-01-01T00:00:00Z", "soon", "'=1"],
)
_LEVELS = _mostly(["2", "3", ""], [" 4 ", "x", "-1", "1" * 13, "\u0663"])
_CSV_COLUMNS = {
    "claim_id": _IDS, "document_id": _IDS, "document_title": _TEXTS, "annotator": _NAMES, "start": _NUMBERS,
    "end": _NUMBERS, "quote": _TEXTS, "context_after": _TEXTS, "source_type": _TEXTS, "confidence": _LEVELS,
    "comment": _TEXTS, "created_at": _TIMES, "updated_at": _TIMES,
}  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.tuples(*_CSV_COLUMNS.values()), st.sampled_from([0, 0, 0, 0, 1, -1])),
        min_size=1,
        max_size=4,
    )
)
def test_the_csv_reader_reads_each_column_as_it_reads_each_row(rows: list) -> None:
    import csv
    import io

    from annotator.formats import claims_csv

    table = [list(cells) + ["extra"] * max(0, more) for cells, more in rows]
    table = [row[:-1] if more < 0 else row for row, (_, more) in zip(table, rows, strict=True)]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(list(_CSV_COLUMNS))
    writer.writerows(table)  # some rows a cell short or over: refused by their width
    text = out.getvalue()
    by_column = claims_csv.read_claims_csv(text, "f.csv")
    with pytest.MonkeyPatch.context() as patch:  # every row doubted: all go through _ClaimMaker

        def doubt_all(cells, columns, lines):  # type: ignore[no-untyped-def]
            return [None] * len(lines), set(range(len(lines)))

        patch.setattr(claims_csv, "_claims_by_column", doubt_all)
        by_row = claims_csv.read_claims_csv(text, "f.csv")
    assert by_column == by_row
    assert len(by_column.claims) + len(by_column.refused) == len(rows)
    # The guard's reading of the file (marked columns, or exact) the same both ways.
    whole = [row for row in table if len(row) == len(_CSV_COLUMNS)]
    text_columns = [i for i, name in enumerate(_CSV_COLUMNS) if name not in {"start", "end", "confidence"}]
    cells = list(zip(*whole, strict=True)) if whole else [() for _ in _CSV_COLUMNS]
    assert claims_csv._guard_marks_by_column(cells, text_columns) == claims_csv._guard_marks(
        whole, text_columns
    )


_JSON_FIELDS = {
    "id": _mostly(["c-1", "", "c-2"], ["x" * 37, " c ", "a\tb", None, 3]),
    "article_id": _mostly(["a-1", "a-2"], ["", None, "x" * 37, " a", 1]),
    "annotator_id": _mostly(["n-1", ""], [None, "x" * 37, 2]),
    "annotator": _mostly(["Ana", "Ben"], [" Ana  Bo ", "", None, "x" * 201, 5]),
    "source_type_id": _mostly(["t-1", ""], [None, " t", ["t"]]),
    "source_type": _mostly(["official", ""], [None, 1]),
    "confidence": _mostly([2, 3], [None, -1, True, 2.5, "3"]),
    "start": _mostly([0, 4], [-1, True, False, None, "0", 1.0]),
    "end": _mostly([9, 12], [-3, True, None, "9"]),
    "quote": _mostly(["The mayor", "😀"], ["", None, "nul\x00", 7]),
    "context_before": _mostly(["", "x"], [None, "nul\x00", 1]),
    "context_after": _mostly(["", " y"], [None, ["y"]]),
    "source": _mostly(["", "s"], [None, "nul\x00", 1]),
    "cue": _mostly(["", "said"], [None, 0]),
    "comment": _mostly(["", "=1+1"], [None, "\x00", {}]),
    "created_at": _mostly(["2026-01-01T10:00:01.000001Z", ""], [None, "2026-02-30T00:00:00Z", "soon", 1]),
    "updated_at": _mostly(["2026-01-01T10:00:01.000001Z", "2026-01-01T10:00:01+01:00"], [None, "x", 1]),
}
_JSON_DEFAULTS = {  # a claim that passes: the record's missing fields, when it has every field
    **dict.fromkeys(_JSON_FIELDS, ""),
    **{"id": "c-9", "article_id": "a-1", "annotator": "Ana", "confidence": 2, "start": 0, "end": 9},
    "quote": "The mayor",
}


@settings(max_examples=300, deadline=None)
@given(
    records=st.lists(
        st.fixed_dictionaries({}, optional=_JSON_FIELDS),
        min_size=1,
        max_size=4,
    ),
    complete=st.booleans(),
)
@example(records=[{"quote": None}, {}], complete=True).via("a required field null in a clean file")
def test_the_jsonl_reader_reads_each_field_as_it_reads_each_record(
    records: list[dict], complete: bool
) -> None:
    from annotator.formats import jsonl

    if complete:  # every key present: the reader's one-pass way to the fields
        records = [{**_JSON_DEFAULTS, **record} for record in records]
    lines = [json.dumps(jsonl.HEADER)] + [json.dumps({"kind": "claim", **record}) for record in records]
    text = "\n".join(lines) + "\n"
    by_field = jsonl.read_claims_jsonl(text, "f.jsonl")
    with pytest.MonkeyPatch.context() as patch:  # every claim doubted: all go through _claim

        def doubt_all(lines, records, *, nul_free):  # type: ignore[no-untyped-def]
            return [None] * len(lines), set(range(len(lines)))

        patch.setattr(jsonl, "_claims_by_field", doubt_all)
        by_record = jsonl.read_claims_jsonl(text, "f.jsonl")
    assert by_field == by_record
    assert len(by_field.claims) + len(by_field.refused) == len(records)


# --- a large import builds the covering index afresh ------------------------------------------


def _many_claims_csv(path: Path, article_id: str, count: int) -> None:
    path.write_text(
        HEADER
        + "".join(
            f"r-{n},{article_id},,Ana,{n % 9},{n % 9 + 4},{PLAIN[n % 9 : n % 9 + 4]},official,2,\n"
            for n in range(count)
        ),
        encoding="utf-8",
    )


def _indexes(path: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name"
        ).fetchall()


def test_a_large_import_leaves_the_same_index_and_sound_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.db import claim_exchange

    monkeypatch.setattr(claim_exchange, "REBUILD_INDEX_AT", 20)
    dropped: list[str] = []
    real = claim_exchange._index_rebuilt

    def watched(connection, name, rebuild):  # type: ignore[no-untyped-def]
        dropped.append(f"{name}:{rebuild}")
        return real(connection, name, rebuild)

    monkeypatch.setattr(claim_exchange, "_index_rebuilt", watched)
    project, articles = make_project(tmp_path / "p.sqlite")
    before = _indexes(tmp_path / "p.sqlite")
    assert "ix_claim_article_span" in {name for name, _ in before}
    source = tmp_path / "many.csv"
    _many_claims_csv(source, articles["plain"], 30)
    report = project.exchange.import_claims(source)
    assert report.imported == 30 and dropped == ["ix_claim_article_span:True"]
    assert _indexes(tmp_path / "p.sqlite") == before
    with sqlite3.connect(tmp_path / "p.sqlite") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]  # index = table
        plan = connection.execute(
            'EXPLAIN QUERY PLAN SELECT start, "end", id, comment FROM claim WHERE article_id = ?', ("x",)
        ).fetchall()
    assert "ix_claim_article_span" in str(plan)
    assert len(project.claims.for_article(articles["plain"])) == 30 + 9
    # Fewer new claims than the project has: inserted into the index as it stands.
    dropped.clear()
    _many_claims_csv(source, articles["plain"], 25)
    source.write_text(source.read_text(encoding="utf-8").replace("r-", "s-"), encoding="utf-8")
    assert project.exchange.import_claims(source).imported == 25
    assert dropped == ["ix_claim_article_span:False"]
    project.close()


def test_an_import_that_fails_while_the_index_is_dropped_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.db import claim_exchange
    from annotator.services.claim_import import ClaimImport

    monkeypatch.setattr(claim_exchange, "REBUILD_INDEX_AT", 20)
    real_claims = ClaimImport.claims

    def claims_and_one_that_breaks_a_foreign_key(self, texts):  # type: ignore[no-untyped-def]
        real_claims(self, texts)
        self.rows.append(("broken", "no-such-article", *self.rows[0][2:]))

    monkeypatch.setattr(ClaimImport, "claims", claims_and_one_that_breaks_a_foreign_key)
    project, articles = make_project(tmp_path / "p.sqlite")
    project.close()
    with sqlite3.connect(tmp_path / "p.sqlite") as connection:
        before = list(connection.iterdump())
    project = open_project(tmp_path / "p.sqlite")
    source = tmp_path / "many.csv"
    _many_claims_csv(source, articles["plain"], 30)
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        project.exchange.import_claims(source)
    project.close()
    with sqlite3.connect(tmp_path / "p.sqlite") as connection:
        assert list(connection.iterdump()) == before  # the index, every row: as they were
