"""A CSV row whose document_id is another project's but whose document_title is an article here:
the refusal says that emptying document_id matches the row by its title (it is not matched unasked)."""

from __future__ import annotations

from pathlib import Path

from annotator.services.project import Project
from tests.core.factories import add_claim

TEXT = "The council voted 7 to 2, the clerk said.\n"


def _csv_from_another_project(tmp_path: Path, title: str) -> Path:
    theirs = tmp_path / "theirs.sqlite"
    project = Project.open(theirs)
    try:
        article = project.articles.add_text(TEXT + "Their copy.\n", title=title).article_id
        add_claim(project, article, project.annotator("Ana"), 4, 11)
        project.exchange.export_csv(tmp_path / "claims.csv")
    finally:
        project.close()
    return tmp_path / "claims.csv"


def _ours(tmp_path: Path, *articles: tuple[str, str]) -> Path:
    """Our project, holding these (text, title) articles."""
    ours = tmp_path / "ours.sqlite"
    project = Project.open(ours)
    try:
        for text, title in articles:
            project.articles.add_text(text, title=title)
    finally:
        project.close()
    return ours


def _import(path: Path, out: Path) -> list[str]:
    project = Project.open(path, create=False)
    try:
        return [row.reason for row in project.exchange.import_claims(out).refused]
    finally:
        project.close()


def test_the_reason_says_to_empty_the_document_id(tmp_path: Path) -> None:
    out = _csv_from_another_project(tmp_path, "Council vote")
    ours = _ours(tmp_path, (TEXT, "Council vote"))

    [reason] = _import(ours, out)

    assert "is not in the project" in reason
    assert "“Council vote”" in reason
    assert "empty its document_id to match the row by its title" in reason

    # Done as it says, the row goes in.
    data = out.read_bytes().decode("utf-8-sig").split("\r\n")
    cells = data[1].split(",")
    cells[1] = ""
    data[1] = ",".join(cells)
    out.write_bytes("\r\n".join(data).encode("utf-8-sig"))
    assert _import(ours, out) == []


def test_two_articles_with_the_title_ask_for_an_id(tmp_path: Path) -> None:
    out = _csv_from_another_project(tmp_path, "Council vote")
    ours = _ours(tmp_path, (TEXT, "Council vote"), (TEXT + "Again.\n", "Council vote"))

    [reason] = _import(ours, out)

    assert "2 articles here have its document_title “Council vote”" in reason


def test_no_article_with_the_title_says_only_that_it_is_missing(tmp_path: Path) -> None:
    out = _csv_from_another_project(tmp_path, "Elsewhere")
    ours = _ours(tmp_path, (TEXT, "Council vote"))

    [reason] = _import(ours, out)

    assert reason.endswith("is not in the project")
