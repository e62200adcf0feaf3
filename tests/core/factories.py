"""Small builders shared by the database, service and CLI tests (no Qt, no fixtures with hidden state)."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy.engine import Engine

from annotator.domain.records import Annotator
from annotator.services.project import Project

# An article with the characters that break offset code: an emoji with a skin tone, a ZWJ family, a
# combining accent, CRLF line breaks, Arabic and Hebrew. Stored text has "\n" where this has "\r\n".
UNICODE_ARTICLE = (
    "Minister 👩🏽‍💼 said: “We will act.”\r\n"
    "The family 👨‍👩‍👧 agreed; café (cafe\u0301) owners did not.\r\n"
    "قال الوزير إن الاتفاق قريب.\r\n"
    "אמר השר כי ההסכם קרוב.\r\n"
    "Sources say 😀 it may slip."
)

# Prose with the characters that tell cp1252 from UTF-8: curly quotes, dashes, accents, the euro sign.
CP1252_TEXT = (
    "Le ministre a déclaré « nous agirons » – selon l’agence, la réforme coûtera 3 € par mois.\r\n"  # noqa: RUF001
    "“It’s a done deal,” a senior official said — the café owners were not convinced.\r\n"  # noqa: RUF001
) * 4

DEFAULT_TYPE_NAMES = ["official", "unnamed", "speculation"]


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def side_files(path: Path) -> list[str]:
    """The SQLite journal files beside a database (none should linger after a refused open)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name) and p != path)


def open_project(path: Path) -> Project:
    return Project.open(path)


def engine_of(project: Project) -> Engine:
    # The project's one engine: pragmas are checked on its connections, not on a fresh sqlite3 one.
    return project._tx.engine


def add_article(project: Project, text: str, title: str = "An article") -> str:
    return project.articles.add_text(text, title=title).article_id


def first_type_id(project: Project) -> str:
    return project.codebook.get().active_types[0].id


def add_claim(
    project: Project,
    article_id: str,
    annotator: Annotator,
    start: int,
    end: int,
    *,
    type_index: int = 0,
    confidence: int = 3,
    **fields: str,
) -> str:
    type_id = project.codebook.get().active_types[type_index].id
    _, claim = project.claims.create(
        article_id=article_id,
        annotator_id=annotator.id,
        start=start,
        end=end,
        source_type_id=type_id,
        confidence=confidence,
        **fields,
    )
    return claim.id


class StepClock:
    """A stand-in for `utc_now` that moves one second per call, so "updated_at moved" is certain."""

    def __init__(self, start: datetime = datetime(2026, 3, 1, 9, 30, 15, 123456, tzinfo=UTC)) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


def run_cli(argv: list[str]) -> int:
    """The command line's exit code for `argv`, whether main() returns it or argparse raises SystemExit."""
    from annotator.cli import main

    try:
        return main(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 1


# A sentence the merge and deletion tests annotate, in both colleagues' files.
BRIDGE = "The mayor said the bridge will reopen in May, according to a council statement."
