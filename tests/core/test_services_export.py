"""The dataset CSV as a researcher reads it back: columns, exact quotes, filters, and the formula guard."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import text

from annotator.services.project import Project
from tests.core.factories import UNICODE_ARTICLE, add_claim, open_project

HEADER = [
    "claim_id",
    "document_id",
    "document_title",
    "document_outlet",
    "document_url",
    "document_date",
    "annotator",
    "start",
    "end",
    "quote",
    "context_before",
    "context_after",
    "source_type",
    "confidence",
    "confidence_label",
    "source",
    "cue",
    "comment",
    "created_at",
    "updated_at",
]

PLAIN_ARTICLE = "The mayor said the bridge will reopen in May. Engineers, speaking anonymously, doubt it."
FORMULA = "=cmd|' /C calc'!A0"


@dataclass
class Corpus:
    project: Project
    plain: str
    hard: str
    texts: dict[str, str]
    claim_ids: dict[str, set[str]]  # by annotator name


@pytest.fixture
def corpus(tmp_path: Path):
    project = open_project(tmp_path / "export.sqlite")
    plain = project.articles.add_text(
        PLAIN_ARTICLE,
        title="Bridge",
        outlet="The Courier",
        url="https://example.org/bridge",
        published="2024-05-02",
    ).article_id
    hard = project.articles.add_text(UNICODE_ARTICLE, title="Talks").article_id
    hard_text = project.articles.get(hard).text
    ann, bea = project.annotator("Ann"), project.annotator("Bea")

    def span_of(text: str, sub: str) -> tuple[int, int]:
        start = text.index(sub)
        return start, start + len(sub)

    ids: dict[str, set[str]] = {"Ann": set(), "Bea": set()}
    ids["Ann"].add(
        add_claim(
            project,
            plain,
            ann,
            *span_of(PLAIN_ARTICLE, "the bridge will reopen in May"),
            type_index=0,
            confidence=4,
            source="The mayor",
            cue="said",
            comment=FORMULA,
        )
    )
    ids["Bea"].add(
        add_claim(project, plain, bea, *span_of(PLAIN_ARTICLE, "doubt it"), type_index=1, confidence=2)
    )
    # Across CRLF (now "\n"), emoji with ZWJ, a combining mark, Arabic and Hebrew.
    ids["Ann"].add(
        add_claim(project, hard, ann, *span_of(hard_text, "We will act.”\nThe family 👨‍👩‍👧"), type_index=0)
    )
    ids["Ann"].add(add_claim(project, hard, ann, *span_of(hard_text, "cafe\u0301) owners"), type_index=2))
    ids["Bea"].add(
        add_claim(
            project, hard, bea, *span_of(hard_text, "الاتفاق قريب.\nאמר השר"), type_index=1, confidence=5
        )
    )
    ids["Bea"].add(
        add_claim(project, hard, bea, *span_of(hard_text, "😀 it may slip."), type_index=2, confidence=1)
    )
    yield Corpus(project, plain, hard, {plain: PLAIN_ARTICLE, hard: hard_text}, ids)
    project.close()


def _read(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.reader(file)
        header = next(reader)
        rows = [dict(zip(header, values, strict=True)) for values in reader]
    return header, rows


def test_export_writes_every_claim_with_the_exact_header(tmp_path: Path, corpus: Corpus) -> None:
    out = tmp_path / "claims.csv"
    count = corpus.project.exchange.export_csv(out, exact=True)

    header, rows = _read(out)
    assert header == HEADER
    assert count == len(rows) == 6
    assert {r["claim_id"] for r in rows} == corpus.claim_ids["Ann"] | corpus.claim_ids["Bea"]
    assert {r["annotator"] for r in rows} == {"Ann", "Bea"}
    assert {r["document_id"] for r in rows} == {corpus.plain, corpus.hard}
    # Written beside the destination and renamed: no temporary file is left behind.
    assert [p.name for p in tmp_path.iterdir() if not p.name.startswith("export.sqlite")] == ["claims.csv"]


def test_every_quote_is_the_article_text_between_start_and_end(tmp_path: Path, corpus: Corpus) -> None:
    for exact in (False, True):
        out = tmp_path / f"claims-{exact}.csv"
        corpus.project.exchange.export_csv(out, exact=exact)
        _, rows = _read(out)
        assert len(rows) == 6
        for row in rows:
            text = corpus.texts[row["document_id"]]
            start, end = int(row["start"]), int(row["end"])
            assert text[start:end] == row["quote"]
            assert row["context_before"] == text[max(0, start - 100) : start]
            assert row["context_after"] == text[end : end + 100]
    # The hard article's quotes kept their line breaks, emoji and right-to-left text.
    hard_quotes = {r["quote"] for r in rows if r["document_id"] == corpus.hard}
    assert "الاتفاق قريب.\nאמר השר" in hard_quotes
    assert "We will act.”\nThe family 👨‍👩‍👧" in hard_quotes


def test_rows_carry_the_codebook_names_the_confidence_and_the_article(tmp_path: Path, corpus: Corpus) -> None:
    out = tmp_path / "claims.csv"
    corpus.project.exchange.export_csv(out, exact=True)
    _, rows = _read(out)
    book = corpus.project.codebook.get()
    by_claim = {r["claim_id"]: r for r in rows}

    for claim_id, row in by_claim.items():
        claim = corpus.project.claims.get(claim_id)
        assert row["source_type"] == book.type_by_id(claim.source_type_id).name
        assert row["confidence"] == str(claim.confidence)
        assert row["confidence_label"] == book.level_label(claim.confidence)
        assert row["annotator"] == claim.annotator_name
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["created_at"])
        assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", row["updated_at"])
        assert row["created_at"] == claim.created_at.strftime("%Y-%m-%dT%H:%M:%SZ")

    mayor = next(r for r in rows if r["source"] == "The mayor")
    assert (mayor["source_type"], mayor["confidence"], mayor["confidence_label"], mayor["cue"]) == (
        "official",
        "4",
        "high",
        "said",
    )
    assert (
        mayor["document_title"],
        mayor["document_outlet"],
        mayor["document_url"],
        mayor["document_date"],
    ) == (
        "Bridge",
        "The Courier",
        "https://example.org/bridge",
        "2024-05-02",
    )
    assert {(r["source_type"], r["confidence"], r["confidence_label"]) for r in rows} >= {
        ("unnamed", "2", "low"),
        ("unnamed", "5", "very high"),
        ("speculation", "1", "very low"),
    }


def test_a_renamed_type_and_relabelled_level_are_exported_as_they_are_now(
    tmp_path: Path, corpus: Corpus
) -> None:
    book = corpus.project.codebook.get()
    corpus.project.codebook.update_type(book.active_types[0].id, name="on the record")
    corpus.project.codebook.relabel_level(4, "fairly sure")
    out = tmp_path / "claims.csv"
    corpus.project.exchange.export_csv(out)
    _, rows = _read(out)
    mayor = next(r for r in rows if r["source"] == "The mayor")
    assert (mayor["source_type"], mayor["confidence_label"]) == ("on the record", "fairly sure")


def test_filter_by_annotator_and_article(tmp_path: Path, corpus: Corpus) -> None:
    export = corpus.project.exchange.export_csv

    assert export(tmp_path / "bea.csv", annotator_names=["Bea"]) == 3
    _, rows = _read(tmp_path / "bea.csv")
    assert {r["claim_id"] for r in rows} == corpus.claim_ids["Bea"]

    assert export(tmp_path / "hard.csv", article_ids=[corpus.hard]) == 4
    _, rows = _read(tmp_path / "hard.csv")
    assert {r["document_id"] for r in rows} == {corpus.hard}

    assert export(tmp_path / "both.csv", article_ids=[corpus.hard], annotator_names=["Ann"]) == 2
    _, rows = _read(tmp_path / "both.csv")
    assert {(r["document_id"], r["annotator"]) for r in rows} == {(corpus.hard, "Ann")}

    assert export(tmp_path / "nobody.csv", annotator_names=["Zoe"]) == 0
    header, rows = _read(tmp_path / "nobody.csv")
    assert (header, rows) == (HEADER, [])


def test_a_formula_in_a_comment_is_neutralised_unless_exact(tmp_path: Path, corpus: Corpus) -> None:
    export = corpus.project.exchange.export_csv
    export(tmp_path / "safe.csv")
    export(tmp_path / "exact.csv", exact=True)

    [safe] = [r for r in _read(tmp_path / "safe.csv")[1] if r["source"] == "The mayor"]
    [exact] = [r for r in _read(tmp_path / "exact.csv")[1] if r["source"] == "The mayor"]
    assert safe["comment"] == "'" + FORMULA
    assert not safe["comment"].startswith(("=", "+", "-", "@"))
    assert exact["comment"] == FORMULA


def test_a_quote_that_starts_like_a_formula_is_exact_only_with_exact(tmp_path: Path) -> None:
    project = open_project(tmp_path / "formula.sqlite")
    try:
        text = "Figures: -12% on the year, =SUM(A1) in the sheet."
        article_id = project.articles.add_text(text, title="Figures").article_id
        start = text.index("-12%")
        add_claim(project, article_id, project.annotator("Ann"), start, start + 4)

        project.exchange.export_csv(tmp_path / "safe.csv")
        project.exchange.export_csv(tmp_path / "exact.csv", exact=True)

        [safe] = _read(tmp_path / "safe.csv")[1]
        [exact] = _read(tmp_path / "exact.csv")[1]
        assert safe["quote"] == "'-12%"
        assert exact["quote"] == text[int(exact["start"]) : int(exact["end"])] == "-12%"
        assert safe["start"] == exact["start"] == str(start)  # numbers are never touched
    finally:
        project.close()


def test_an_export_replaces_an_older_file(tmp_path: Path, corpus: Corpus) -> None:
    out = tmp_path / "claims.csv"
    out.write_text("an older export\n", encoding="utf-8")
    corpus.project.exchange.export_csv(out, annotator_names=["Ann"])
    header, rows = _read(out)
    assert header == HEADER
    assert len(rows) == 3


def test_the_file_starts_with_a_bom_and_uses_crlf_between_records(tmp_path: Path, corpus: Corpus) -> None:
    out = tmp_path / "claims.csv"
    corpus.project.exchange.export_csv(out, article_ids=[corpus.plain])
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + ",".join(HEADER).encode() + b"\r\n")
    assert data.endswith(b"\r\n")


# --- the fast export writes what the straightforward one wrote ------------------------------------

AWKWARD = (
    "=1+1",
    "+1",
    "-1",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    " =HYPERLINK(1)",
    "\u00a0=1",
    "\n+1",
    'she said "no", twice',
    "line one\nline two",
    "windows\r\nline",
    "a, b",
    "\U0001f600 \U0001f469\U0001f3fd\u200d\U0001f52c",
    "قال المتحدث",
    "cafe\u0301",
    "\u00c2=not a formula",
    "nul\u0000inside",
    "",
    " ",
    "plain",
)


@pytest.fixture
def crowded(tmp_path: Path):
    """Articles, names and a codebook full of awkward text, and 700 claims put straight into the table.

    Straight into the table (as the benchmark does) so that quotes and contexts can hold anything,
    and claims can share a span (then their ids decide the order).
    """
    from datetime import UTC, datetime, timedelta

    from annotator.db import queries

    project = open_project(tmp_path / "crowded.sqlite")
    first = project.articles.add_text(
        PLAIN_ARTICLE, title='Bridge, "the" =1', outlet="=cmd", url=" -1"
    ).article_id
    second = project.articles.add_text(UNICODE_ARTICLE, title="@Talks", published="2024-05-02").article_id
    third = project.articles.add_text("An article without claims.", title="Empty").article_id
    people = [project.annotator(name) for name in ("=Ann", 'Bea "B", the second', "Zoë 😀")]
    book = project.codebook.get()
    project.codebook.update_type(book.active_types[0].id, name='@unnamed, "x"')
    project.codebook.relabel_level(4, "+sure\nquite")
    types = [t.id for t in project.codebook.get().active_types]
    moment = datetime(2026, 11, 25, 14, 3, 9, 123456, tzinfo=UTC)
    rows = []
    for i in range(700):
        text = AWKWARD[i % len(AWKWARD)]
        rows.append(
            {
                "id": f"{(i * 7919) % 1000:03}-claim-{i}",
                "article_id": first if i % 10 else second,
                "annotator_id": people[i % 3].id,
                "start": (i * 37) % 50,  # many claims share a start, some a whole span
                "end": (i * 37) % 50 + i % 3,
                "quote": text,
                "context_before": AWKWARD[(i * 3) % len(AWKWARD)],
                "context_after": AWKWARD[(i * 5) % len(AWKWARD)],
                "source_type_id": types[i % len(types)],
                "confidence": 1 + i % 5,
                "source": text if i % 7 == 0 else "",
                "cue": "said" if i % 2 else "",
                "comment": AWKWARD[(i * 11) % len(AWKWARD)] if i % 3 == 0 else "",
                "created_at": moment + timedelta(seconds=i),
                "updated_at": moment + timedelta(days=1, microseconds=i),
            }
        )
    with project._tx.begin() as session:
        queries.insert_claims(rows, session=session)
    yield project, (first, second, third), [p.name for p in people]
    project.close()


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize(
    "filters",
    ["everything", "one article", "two annotators", "an article and an annotator", "the empty article"],
)
def test_the_export_is_byte_for_byte_the_straightforward_one(
    tmp_path: Path, crowded, exact: bool, filters: str
) -> None:
    from tests.core.csv_reference import reference_csv, reference_rows

    project, (first, second, third), names = crowded
    article_ids, annotator_names = {
        "everything": (None, None),
        "one article": ([second], None),
        "two annotators": (None, names[1:]),
        "an article and an annotator": ([first], names[:1]),
        "the empty article": ([third], None),
    }[filters]
    out = tmp_path / "claims.csv"
    count = project.exchange.export_csv(
        out, article_ids=article_ids, annotator_names=annotator_names, exact=exact
    )
    with project._tx.read() as session:
        rows = list(reference_rows(session, article_ids, annotator_names))
    assert count == len(rows)
    assert out.read_bytes() == reference_csv(rows, exact=exact)


def test_a_long_export_reports_progress_and_stops_when_cancelled(
    tmp_path: Path, crowded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats import csv_dataset

    project, _, _ = crowded
    monkeypatch.setattr(csv_dataset, "PROGRESS_EVERY", 100)
    seen: list[int] = []
    assert project.exchange.export_csv(tmp_path / "all.csv", progress=lambda n: seen.append(n) or True) == 700
    assert seen == [100, 200, 300, 400, 500, 600, 700]

    out = tmp_path / "claims.csv"
    out.write_text("an older export\n", encoding="utf-8")
    seen.clear()
    with pytest.raises(csv_dataset.ExportCancelled):
        project.exchange.export_csv(out, progress=lambda n: seen.append(n) or n < 300)
    assert seen == [100, 200, 300]
    assert out.read_text(encoding="utf-8") == "an older export\n"
    assert sorted(p.name for p in tmp_path.glob("*.csv*")) == ["all.csv", "claims.csv"]
    assert not list(tmp_path.glob(".claims.csv.*"))
    # The cancelled export's query was closed with its transaction: the project still writes and exports.
    add_claim(project, project.articles.list()[0].id, project.annotator("Ann"), 0, 3)
    assert project.exchange.export_csv(out) == 701


def test_claims_of_no_article_are_left_out_as_before(tmp_path: Path, crowded) -> None:
    import sqlite3

    from tests.core.csv_reference import reference_csv, reference_rows

    project, _, _ = crowded
    path = tmp_path / "crowded.sqlite"
    with project._tx.read() as session:
        row = session.execute(text("SELECT * FROM claim LIMIT 1")).mappings().one()
    # Only a damaged file (or one edited with foreign keys off) has a claim whose article is gone.
    raw = sqlite3.connect(path)
    with raw:
        raw.execute(
            f"INSERT INTO claim ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})",
            [*({**row, "id": "orphan", "article_id": "no such article"}).values()],
        )
    raw.close()
    out = tmp_path / "claims.csv"
    assert project.exchange.export_csv(out) == 700
    with project._tx.read() as session:
        assert out.read_bytes() == reference_csv(list(reference_rows(session)))


# Article text as the benchmark's: prose with every kind of trouble except the double quote, so that
# every batch of claims takes the writer's fast path (a '"' anywhere in a batch's quotes sends it
# the careful way, which the tests above cover).
QUOTELESS_PARAGRAPHS = (
    "The mayor said, in a statement, that the bridge will reopen in May.",
    "=HYPERLINK(1) appeared in the minutes; +1 and -1 and @SUM(A1) too.",
    "Breaking 🚨: the spokesperson 👩🏽‍💼 said 👍🏽 the strike hit the base, according to a statement.",
    "قال المتحدث باسم وزارة الدفاع إن الهجوم وقع يوم الاثنين، وفق بيان رسمي.",
    "אמר דובר המשרד, לפי הודעה.",
    "café (cafe\u0301) owners did not agree.\tTabs\tand\u00a0=no-break spaces.",
    "  =indented formula, -dash and \u00a0+after a no-break space",
)


@pytest.fixture
def quoteless(tmp_path: Path):
    """One long imported article (CRLF in the file, LF when stored) and 900 claims at random spans,
    with their contexts cut from the stored text, inserted in random order as the benchmark does."""
    import random
    from datetime import UTC, datetime, timedelta

    from annotator.db import queries
    from annotator.domain.text import context_around

    rng = random.Random(5)
    project = open_project(tmp_path / "quoteless.sqlite")
    article = "\r\n".join(rng.choice(QUOTELESS_PARAGRAPHS) for _ in range(400))
    first = project.articles.add_text(
        article, title="A long, hard article: 100% %s", outlet="=cmd"
    ).article_id
    second = project.articles.add_text(
        UNICODE_ARTICLE.replace("“", "").replace("”", ""), title="Talks"
    ).article_id
    texts = {first: project.articles.get(first).text, second: project.articles.get(second).text}
    assert "\r" not in texts[first] and '"' not in texts[first] + texts[second]
    people = [project.annotator(name) for name in ("Ann", "Bea, the second %b")]
    types = [t.id for t in project.codebook.get().active_types]
    moment = datetime(2026, 11, 25, 14, 3, 9, 123456, tzinfo=UTC)
    rows = []
    for i in range(900):
        article_id = second if i % 9 == 0 else first
        text = texts[article_id]
        start = rng.randrange(len(text) - 2)
        end = rng.randrange(start + 1, min(len(text), start + 120) + 1)
        before, after = context_around(text, start, end)
        rows.append(
            {
                "id": str(rng.getrandbits(64)),
                "article_id": article_id,
                "annotator_id": people[i % 2].id,
                "start": start,
                "end": end,
                "quote": text[start:end],
                "context_before": before,
                "context_after": after,
                "source_type_id": types[i % len(types)],
                "confidence": 1 + i % 5,
                "source": "the mayor" if i % 4 == 0 else "",
                "cue": "said" if i % 3 == 0 else "",
                "comment": "",
                "created_at": moment + timedelta(seconds=i),
                "updated_at": moment + timedelta(days=1, seconds=i),
            }
        )
    rng.shuffle(rows)
    with project._tx.begin() as session:
        queries.insert_claims(rows, session=session)
    yield project, (first, second), [p.name for p in people], texts
    project.close()


@pytest.mark.parametrize("exact", [False, True])
@pytest.mark.parametrize("filters", ["everything", "one article", "one annotator"])
def test_claims_in_plain_batches_are_written_byte_for_byte_as_the_straightforward_export(
    tmp_path: Path, quoteless, monkeypatch: pytest.MonkeyPatch, exact: bool, filters: str
) -> None:
    from annotator.formats import csv_dataset
    from tests.core.csv_reference import reference_csv, reference_rows

    project, (first, _), names, _ = quoteless
    article_ids, annotator_names = {
        "everything": (None, None),
        "one article": ([first], None),
        "one annotator": (None, names[1:]),
    }[filters]
    fast: list[int] = []
    real = csv_dataset._plain_lines

    def counted(claims, *args):  # type: ignore[no-untyped-def]
        fast.append(len(claims))
        return real(claims, *args)

    monkeypatch.setattr(csv_dataset, "_plain_lines", counted)
    out = tmp_path / "claims.csv"
    count = project.exchange.export_csv(
        out, article_ids=article_ids, annotator_names=annotator_names, exact=exact
    )
    with project._tx.read() as session:
        rows = list(reference_rows(session, article_ids, annotator_names))
    assert count == len(rows) == sum(fast)  # every claim went the fast way
    assert len(fast) > 2  # in several batches
    assert out.read_bytes() == reference_csv(rows, exact=exact)


def test_contexts_are_the_stored_text_around_the_quote_whatever_the_characters(
    tmp_path: Path, quoteless
) -> None:
    project, _, _, texts = quoteless
    out = tmp_path / "claims.csv"
    project.exchange.export_csv(out, exact=True)
    _, rows = _read(out)
    assert len(rows) == 900
    neutralised = 0
    for row in rows:
        text, start, end = texts[row["document_id"]], int(row["start"]), int(row["end"])
        assert row["quote"] == text[start:end]
        assert row["context_before"] == text[max(0, start - 100) : start]
        assert row["context_after"] == text[end : end + 100]
    project.exchange.export_csv(out)
    for row in _read(out)[1]:
        for column in ("quote", "context_before", "context_after"):
            neutralised += row[column].startswith("'")
    assert neutralised > 0  # the guard had work to do in these batches


def test_many_annotators_are_exported_as_few(tmp_path: Path) -> None:
    # Past 64 annotators the project reads their ids rather than small numbers: the same file.
    from tests.core.csv_reference import reference_csv, reference_rows

    project = open_project(tmp_path / "many.sqlite")
    article = project.articles.add_text(PLAIN_ARTICLE, title="Bridge").article_id
    people = [project.annotator(f"Coder {i:02}, team {i % 3}") for i in range(70)]
    for i, person in enumerate(people[::3]):
        add_claim(project, article, person, i, i + 5, type_index=i % 3, confidence=1 + i % 5)
    out = tmp_path / "claims.csv"
    for names in (None, [people[3].name, people[69].name]):
        count = project.exchange.export_csv(out, annotator_names=names)
        with project._tx.read() as session:
            rows = list(reference_rows(session, None, names))
        assert count == len(rows) == (24 if names is None else 2)
        assert out.read_bytes() == reference_csv(rows)
    project.close()


def test_the_file_is_memory_mapped_only_while_an_export_reads_it(
    tmp_path: Path, crowded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import event

    from annotator.formats import csv_dataset

    project, _, _ = crowded
    pragmas: list[str] = []

    def seen(connection, cursor, statement, *args) -> None:  # type: ignore[no-untyped-def]
        if "mmap_size" in statement:
            pragmas.append(statement)

    event.listen(project._tx._reader, "before_cursor_execute", seen)
    monkeypatch.setattr(csv_dataset, "PROGRESS_EVERY", 100)
    with pytest.raises(csv_dataset.ExportCancelled):
        project.exchange.export_csv(tmp_path / "claims.csv", progress=lambda n: n < 200)
    project.exchange.export_csv(tmp_path / "claims.csv")
    assert pragmas == ["PRAGMA mmap_size = 1073741824", "PRAGMA mmap_size = 0"] * 2
    for _ in range(3):  # whichever pooled reader the exports had
        with project._tx.read() as session:
            assert session.execute(text("PRAGMA mmap_size")).scalar() == 0
