"""Claims listed for showing an article (`db.listing`): the query's columns, the records of its rows."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.db import listing
from annotator.db.listing import ClaimListing
from annotator.domain.records import Claim
from tests.core.factories import add_article, add_claim, open_project

NAMES = {"u-ana": "Ana", "u-ben": "Ben"}
TYPES = ["t-official", "t-unnamed"]
TEXT = "Hello world"


def _fresh(text: str) -> str:
    """An equal str that is a different object, as the database driver hands out for every row."""
    return "".join(list(text))


def _rows(coded: bool) -> list[tuple[object, ...]]:
    def annotator(id_: str) -> object:
        return list(NAMES).index(id_) if coded else _fresh(id_)

    def source_type(id_: str) -> object:
        return TYPES.index(id_) if coded else _fresh(id_)

    return [
        ("c-1", annotator("u-ana"), 0, 5, source_type("t-official"), 3, "", "", ""),
        ("c-2", annotator("u-ana"), 6, 11, source_type("t-official"), 5, "a spokesperson", "said", "check"),
        ("c-3", annotator("u-ben"), 6, 11, source_type("t-unnamed"), 1, "", "", ""),
    ]


EXPECTED = [
    Claim("c-1", "a-1", "u-ana", "Ana", 0, 5, "Hello", "", "", "t-official", 3),
    Claim(
        "c-2",
        "a-1",
        "u-ana",
        "Ana",
        6,
        11,
        "world",
        "",
        "",
        "t-official",
        5,
        "a spokesperson",
        "said",
        "check",
    ),
    Claim("c-3", "a-1", "u-ben", "Ben", 6, 11, "world", "", "", "t-unnamed", 1),
]


@pytest.fixture(params=[True, False], ids=["coded ids", "ids as they are"])
def coded(request, monkeypatch) -> bool:
    if not request.param:
        monkeypatch.setattr(listing, "CODED_IDS_AT_MOST", 1)
    return request.param


def test_claims_cut_quotes_name_annotators_and_leave_out_context_and_times(coded):
    made = ClaimListing.of(NAMES, TYPES)
    assert bool(made.coded_columns) is coded
    claims = made.claims(_rows(coded), "a-1", TEXT)
    assert claims == EXPECTED
    assert all(type(claim) is Claim for claim in claims)
    assert all(claim.created_at is None and claim.updated_at is None for claim in claims)


def test_claims_keep_one_str_per_repeated_id(coded):
    first, second, _ = ClaimListing.of(NAMES, TYPES).claims(_rows(coded), "a-1", TEXT)
    assert first.annotator_id is second.annotator_id
    assert first.source_type_id is second.source_type_id


def test_the_select_list_codes_ids_for_sqlite_and_reads_them_back(tmp_path, coded):
    database = sqlite3.connect(tmp_path / "plain.sqlite")
    database.execute(
        'CREATE TABLE claim (id, annotator_id, start, "end", source_type_id, confidence,'
        " source, cue, comment)"
    )
    database.executemany(
        "INSERT INTO claim VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (c.id, c.annotator_id, c.start, c.end, c.source_type_id, c.confidence, c.source, c.cue, c.comment)
            for c in EXPECTED
        ],
    )
    made = ClaimListing.of(NAMES, TYPES)
    columns, parameters = made.sql_columns()
    rows = database.execute(f'SELECT {columns} FROM claim ORDER BY start, "end", id', parameters).fetchall()
    database.close()
    assert made.claims(rows, "a-1", TEXT) == EXPECTED


def test_many_annotators_come_back_as_ids(tmp_path, monkeypatch):
    monkeypatch.setattr(listing, "CODED_IDS_AT_MOST", 2)
    project = open_project(tmp_path / "p.sqlite")
    article = add_article(project, "One two three four five six seven.")
    claim_ids = [
        add_claim(project, article, project.annotator(name), 4 * n, 4 * n + 3)
        for n, name in enumerate(["Ana", "Ben", "Cy"])
    ]
    listed = project.claims.for_article(article)
    assert [c.id for c in listed] == claim_ids
    assert [c.annotator_name for c in listed] == ["Ana", "Ben", "Cy"]
    assert listed == [
        project.claims.get(c)._replace(context_before="", context_after="", created_at=None, updated_at=None)
        for c in claim_ids
    ]
    project.close()
