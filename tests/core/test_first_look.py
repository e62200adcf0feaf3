"""The first look: what the window shows before the database layer has loaded, read with sqlite3 alone."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.services.first_look import FirstLook, first_look
from tests.core.factories import UNICODE_ARTICLE, add_article, add_claim, open_project, sha256_of, side_files


def populated_project(path: Path) -> tuple[str, str]:
    """Two articles, claims by two annotators with fields filled in, a retired type; returns the ids."""
    project = open_project(path)
    ana, ben = project.annotator("Ana"), project.annotator("Ben")
    first = add_article(project, "The minister said the talks would resume on Monday.", "Talks")
    second = add_article(project, UNICODE_ARTICLE, "Unicode")
    add_claim(project, first, ana, 0, 12)
    add_claim(project, second, ana, 9, 15, type_index=1, confidence=5, source="the minister", cue="said")
    add_claim(project, second, ben, 0, 20, type_index=2, confidence=1, comment="emoji 👩🏽‍💼 inside")
    add_claim(project, second, ben, 0, 20, comment="same span, other annotator")
    codebook = project.codebook.get()
    project.codebook.update_type(codebook.active_types[2].id, retired=True)
    project.codebook.relabel_level(2, "rather low")
    project.articles.remember_opened(second)
    project.close()
    return first, second


def expected(path: Path, article_id: str | None) -> FirstLook:
    project = open_project(path)
    try:
        return FirstLook(
            codebook=project.codebook.get(),
            articles=project.articles.list(),
            article=project.articles.get(article_id) if article_id else None,
            claims=project.claims.for_article(article_id) if article_id else [],
        )
    finally:
        project.close()


def test_it_reads_what_the_services_read(tmp_path):
    path = tmp_path / "p.sqlite"
    _, second = populated_project(path)
    look = first_look(path)
    assert look is not None
    assert look == expected(path, second)
    assert look.article is not None and look.article.title == "Unicode"
    assert len(look.claims) == 3
    assert {c.annotator_name for c in look.claims} == {"Ana", "Ben"}
    assert any(t.retired for t in look.codebook.source_types)
    for claim in look.claims:
        assert look.article.text[claim.start : claim.end] == claim.quote


def test_without_a_remembered_article_it_shows_the_first(tmp_path):
    path = tmp_path / "p.sqlite"
    first, _ = populated_project(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE setting SET value = 'gone' WHERE key = 'last_article_id'")
    connection.close()
    look = first_look(path)
    assert look is not None and look.article is not None
    assert look.article.id == first
    assert look == expected(path, first)


def test_a_project_without_articles_shows_none(tmp_path):
    path = tmp_path / "p.sqlite"
    open_project(path).close()
    look = first_look(path)
    assert look is not None
    assert look.article is None and look.claims == [] and look.articles == []
    assert [t.name for t in look.codebook.active_types] == ["official", "unnamed", "speculation"]


def foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE notes (body TEXT)")
    connection.close()


def revision(value: str):  # type: ignore[no-untyped-def]
    def change(path: Path) -> None:
        open_project(path).close()
        with sqlite3.connect(path) as connection:
            connection.execute("UPDATE alembic_version SET version_num = ?", (value,))
        connection.close()

    return change


def damaged(path: Path) -> None:
    open_project(path).close()
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)  # the first page's b-tree header and cells
    path.write_bytes(bytes(data))


def article_index_lost(path: Path) -> None:
    """The article's primary-key index no longer finds the article shown (found by fuzz/project_file.py)."""
    _, shown = populated_project(path)
    with sqlite3.connect(path) as connection:
        (root,) = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sqlite_autoindex_article_1'"
        ).fetchone()
        (page_size,) = connection.execute("PRAGMA page_size").fetchone()
    connection.close()
    data = bytearray(path.read_bytes())
    at = data.index(shown.encode(), (root - 1) * page_size, root * page_size)
    data[at] ^= 0x01  # one bit of the id as the index holds it
    path.write_bytes(bytes(data))


def edited(*statements: str):  # type: ignore[no-untyped-def]
    def change(path: Path) -> None:
        populated_project(path)
        with sqlite3.connect(path) as connection:  # foreign keys are off in a bare connection
            for statement in statements:
                connection.execute(statement)
        connection.close()

    return change


@pytest.mark.parametrize(
    "make",
    [
        pytest.param(lambda path: None, id="missing"),
        pytest.param(lambda path: path.write_bytes(b""), id="empty"),
        pytest.param(lambda path: path.write_text("not a database\n" * 20), id="text file"),
        pytest.param(foreign_database, id="another program's database"),
        pytest.param(revision("0000"), id="older schema"),
        pytest.param(revision("9999"), id="newer schema"),
        pytest.param(damaged, id="damaged"),
        pytest.param(article_index_lost, id="index without the shown article"),
        pytest.param(edited("DELETE FROM annotator WHERE name = 'Ben'"), id="claims of a deleted annotator"),
        pytest.param(edited("UPDATE claim SET start = 'soon'"), id="an offset that is not a number"),
    ],
)
def test_anything_but_an_up_to_date_project_takes_the_full_open(tmp_path, make):
    path = tmp_path / "p.sqlite"
    make(path)
    before = sha256_of(path) if path.exists() else None
    assert first_look(path) is None
    assert (sha256_of(path) if path.exists() else None) == before  # never written to
    assert side_files(path) == []


def test_it_leaves_the_file_as_it_was(tmp_path):
    path = tmp_path / "p.sqlite"
    populated_project(path)
    before = sha256_of(path)
    assert first_look(path) is not None
    assert sha256_of(path) == before
    assert side_files(path) == []


def test_it_sees_claims_still_in_the_wal_of_an_open_project(tmp_path):
    path = tmp_path / "p.sqlite"
    project = open_project(path)
    me = project.annotator("Ana")
    article = add_article(project, "Officials said the bridge will reopen.")
    add_claim(project, article, me, 0, 9)
    look = first_look(path)  # the project is still open: its last commit may sit in the WAL
    assert look is not None and [c.quote for c in look.claims] == ["Officials"]
    project.close()


def test_importing_it_loads_no_sqlalchemy():
    """The point of the first look: the app shows a project before the ~0.7 s database layer loads."""
    code = (
        "import sys, annotator.services.first_look; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sqlalchemy', 'sqlmodel', 'alembic')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_opening_a_project_loads_no_numpy():
    """The agreement maths (numpy, krippendorff: ~0.2 s and a thread pool) load only when asked for."""
    code = "import sys, annotator.services.project; print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'krippendorff'}))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
