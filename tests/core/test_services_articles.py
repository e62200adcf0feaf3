"""Articles: importing text and files, keeping one copy of each text, editing metadata, the last opened."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.records import Changes
from annotator.domain.text import text_sha256
from annotator.formats.errors import ImportRejected
from annotator.services.articles import EncodingUnsure
from annotator.services.project import Project
from tests.core.factories import CP1252_TEXT, add_article, add_claim, open_project

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8


@pytest.fixture
def project(tmp_path: Path):
    opened = open_project(tmp_path / "articles.sqlite")
    yield opened
    opened.close()


def _ids(project: Project) -> list[str]:
    return [a.id for a in project.articles.list()]


# --- pasted text -----------------------------------------------------------------------------


def test_add_text_stores_canonical_text_and_metadata(project: Project) -> None:
    result = project.articles.add_text(
        "\ufeffFirst line.\r\nSecond line.\rThird line.",
        title="  Budget   vote  ",
        outlet=" The Courier ",
        url=" https://example.org/a ",
        published="2024-03-05",
    )

    assert result.created
    assert result.title == "Budget vote"
    assert result.changes == Changes(articles=frozenset({result.article_id}))
    article = project.articles.get(result.article_id)
    assert article.text == "First line.\nSecond line.\nThird line."
    assert article.sha256 == text_sha256(article.text)
    assert (article.title, article.outlet, article.url, article.published) == (
        "Budget vote",
        "The Courier",
        "https://example.org/a",
        "2024-03-05",
    )


def test_the_same_text_twice_is_one_article(project: Project) -> None:
    first = project.articles.add_text("The council voted 7 to 2.\nThe mayor abstained.", title="Vote")
    again = project.articles.add_text(
        "The council voted 7 to 2.\r\nThe mayor abstained.", title="Vote, again"
    )

    assert again.created is False
    assert again.article_id == first.article_id
    assert again.title == "Vote"  # the article already stored, not the new title
    assert again.changes == Changes()
    assert _ids(project) == [first.article_id]


@pytest.mark.parametrize("text", ["", "   ", "\r\n\r\n", "\ufeff"])
def test_blank_text_is_refused_and_nothing_is_written(project: Project, text: str) -> None:
    with pytest.raises(ImportRejected) as refused:
        project.articles.add_text(text, title="Nothing")
    assert "Nothing" in str(refused.value)
    assert project.articles.list() == []


def test_a_title_of_blanks_becomes_untitled(project: Project) -> None:
    assert project.articles.add_text("Some text.", title="   ").title == "Untitled article"


def test_a_bad_date_on_import_writes_nothing(project: Project) -> None:
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        project.articles.add_text("Some text.", title="Dated", published="5 March 2024")
    assert project.articles.list() == []


# --- metadata --------------------------------------------------------------------------------


def test_update_metadata(project: Project) -> None:
    article_id = add_article(project, "Some text.", "Old title")
    changes = project.articles.update_metadata(
        article_id,
        title=" New   title ",
        outlet="Gazette",
        url="https://example.org/b",
        published="2023-12-31",
    )
    assert changes == Changes(articles=frozenset({article_id}))
    article = project.articles.get(article_id)
    assert (article.title, article.outlet, article.url, article.published) == (
        "New title",
        "Gazette",
        "https://example.org/b",
        "2023-12-31",
    )
    assert article.text == "Some text."
    [summary] = project.articles.list()
    assert (summary.title, summary.outlet, summary.published) == ("New title", "Gazette", "2023-12-31")


@pytest.mark.parametrize("bad_date", ["2024-02-30", "31/12/2023", "yesterday", "2024-13-01"])
def test_a_bad_date_raises_and_changes_nothing(project: Project, bad_date: str) -> None:
    article_id = project.articles.add_text(
        "Some text.", title="Kept", outlet="Kept outlet", published="2020-01-02"
    ).article_id
    before = project.articles.get(article_id)

    with pytest.raises(ValueError):
        project.articles.update_metadata(article_id, title="Changed", outlet="Changed", published=bad_date)

    assert project.articles.get(article_id) == before


def test_an_empty_title_is_refused(project: Project) -> None:
    article_id = add_article(project, "Some text.", "Kept")
    with pytest.raises(ValueError):
        project.articles.update_metadata(article_id, title="  ")
    assert project.articles.get(article_id).title == "Kept"


def test_an_empty_date_clears_it(project: Project) -> None:
    article_id = project.articles.add_text("Some text.", title="Dated", published="2020-01-02").article_id
    project.articles.update_metadata(article_id, title="Dated", published="")
    assert project.articles.get(article_id).published == ""


def test_metadata_of_a_missing_article_is_refused(project: Project) -> None:
    with pytest.raises(ValueError):
        project.articles.update_metadata("00000000-0000-4000-8000-000000000000", title="Ghost")
    assert project.articles.list() == []


def test_the_list_counts_claims(project: Project) -> None:
    first = add_article(project, "First article text.", "First")
    second = add_article(project, "Second article text.", "Second")
    ann = project.annotator("Ann")
    add_claim(project, second, ann, 0, 6)
    add_claim(project, second, ann, 7, 14)
    assert [(a.id, a.title, a.claim_count) for a in project.articles.list()] == [
        (first, "First", 0),
        (second, "Second", 2),
    ]


# --- the article last opened -----------------------------------------------------------------


def test_last_opened(tmp_path: Path, project: Project) -> None:
    assert project.articles.last_opened() is None
    first = add_article(project, "First article text.", "First")
    second = add_article(project, "Second article text.", "Second")
    assert project.articles.last_opened() == first  # nothing remembered yet: the first article

    project.articles.remember_opened(second)
    assert project.articles.last_opened() == second
    project.close()

    again = open_project(tmp_path / "articles.sqlite")
    try:
        assert again.articles.last_opened() == second
        again.articles.remember_opened("00000000-0000-4000-8000-000000000000")  # since removed
        assert again.articles.last_opened() == first
    finally:
        again.close()


# --- files -----------------------------------------------------------------------------------


def test_import_file_utf8_with_bom_and_crlf(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "Council vote.txt"
    path.write_bytes("\ufeffLine one — “quoted”.\r\nLine two 😀.\r\n".encode())

    result = project.articles.import_file(path)

    assert result.created
    assert result.title == "Council vote"
    assert project.articles.get(result.article_id).text == "Line one — “quoted”.\nLine two 😀.\n"
    assert project.articles.import_file(path, title="Other").created is False


def test_import_file_with_a_title(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "x.md"
    path.write_text("# Heading\n\nBody.", encoding="utf-8")
    result = project.articles.import_file(path, title="Chosen title")
    assert project.articles.get(result.article_id).title == "Chosen title"


def test_a_cp1252_file_asks_for_the_encoding_then_imports(tmp_path: Path, project: Project) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(CP1252_TEXT.encode("cp1252"))

    with pytest.raises(EncodingUnsure) as unsure:
        project.articles.import_file(path)
    assert unsure.value.path == path
    assert unsure.value.decoded.certain is False
    assert "legacy.txt" in str(unsure.value)
    assert project.articles.list() == []

    result = project.articles.import_file(path, encoding="cp1252")

    assert result.created
    assert project.articles.get(result.article_id).text == CP1252_TEXT.replace("\r\n", "\n")
    assert _ids(project) == [result.article_id]


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("picture.txt", PNG_BYTES),  # a PNG that claims to be text
        ("photo.png", PNG_BYTES),
        ("dump.txt", b"text\x00\x01\x02\x03" * 200),
        ("empty.txt", b""),
    ],
)
def test_a_file_that_is_not_text_is_rejected_and_nothing_is_written(
    tmp_path: Path, project: Project, name: str, data: bytes
) -> None:
    existing = add_article(project, "An article already in the project.", "Existing")
    path = tmp_path / name
    path.write_bytes(data)

    with pytest.raises(ImportRejected) as rejected:
        project.articles.import_file(path)

    assert name in str(rejected.value)
    assert _ids(project) == [existing]


def test_a_missing_file_is_rejected(tmp_path: Path, project: Project) -> None:
    with pytest.raises(ImportRejected, match="does not exist"):
        project.articles.import_file(tmp_path / "gone.txt")
    assert project.articles.list() == []


def test_a_file_over_50_mb_is_refused_before_it_is_read(tmp_path: Path, project: Project) -> None:
    """A real 60 MB file (sparse, so the test stays cheap): refused by its size, nothing written."""
    existing = add_article(project, "An article already in the project.", "Existing")
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        handle.truncate(60 * 1024 * 1024)
    with pytest.raises(ImportRejected) as rejected:
        project.articles.import_file(path)
    assert (
        str(rejected.value)
        == "Cannot import “huge.txt”: it is 60.0 MB, more than the 50.0 MB limit for an article."
    )
    assert _ids(project) == [existing]


BRIDGE_TEXT = "The mayor said the bridge will reopen in May, according to a council statement."


def test_the_same_text_but_for_its_final_line_breaks_is_kept_once(tmp_path: Path) -> None:
    project = Project.open(tmp_path / "p.sqlite")
    first = project.articles.add_text(BRIDGE_TEXT + "\n", title="Imported")
    pasted = project.articles.add_text(BRIDGE_TEXT, title="Pasted")
    assert first.created and not pasted.created and pasted.article_id == first.article_id
    other = project.articles.add_text(BRIDGE_TEXT + " More.", title="Longer")
    assert other.created and len(project.articles.list()) == 2
    project.close()
