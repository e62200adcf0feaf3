"""A first look at a project file through the standard library's sqlite3, before SQLAlchemy loads.

The window can show the last opened article, its claims, the article list and the codebook
straight after its first paint, while the database layer (~0.7 s to import) loads in the
background. Only an up-to-date project of ours is read here, through a read-only connection;
anything else (a new, older, newer, foreign or damaged file) gets None and goes through the
full open, which checks, upgrades or refuses it with a proper message.

The queries mirror `queries.load_codebook`, `list_articles`, `get_article` and
`claims_for_article`; a test checks that both give the same records.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from annotator.db.errors import ProjectFileError
from annotator.db.listing import ClaimListing
from annotator.db.project_file import (
    APPLICATION_ID,
    HEAD_REVISION,
    read_file_state,
    read_only_connection,
)
from annotator.domain.codebook import Codebook, ConfidenceLevel, SourceType
from annotator.domain.records import Article, ArticleSummary, Claim


@dataclass(frozen=True, slots=True)
class FirstLookRows:
    codebook: Codebook
    articles: list[ArticleSummary]
    article: Article | None  # the one to show: last opened, else the first
    claims: list[Claim]  # the shown article's, by position, without contexts and timestamps


def read_first_look(path: Path, last_article_key: str) -> FirstLookRows | None:
    """What the window shows first, or None when the file needs the full open."""
    try:
        state = read_file_state(path)
    except ProjectFileError:
        return None
    if state is None or state.revision != HEAD_REVISION or state.application_id != APPLICATION_ID:
        return None
    try:
        connection = read_only_connection(path)
    except (OSError, sqlite3.Error):
        return None
    try:
        connection.execute("BEGIN")  # one consistent snapshot for all the reads below
        return _read(connection, last_article_key)
    except (sqlite3.Error, LookupError, TypeError, ValueError):
        # A damaged or hand-edited file can hold rows that do not fit together (an index that has lost
        # the article it lists, a claim whose annotator is gone, an offset that is not a number): the
        # full open deals with such a file.
        return None
    finally:
        connection.close()


def _read(connection: sqlite3.Connection, last_article_key: str) -> FirstLookRows:
    types = connection.execute(
        "SELECT id, name, definition, colour, position, retired FROM source_type ORDER BY position"
    ).fetchall()
    levels = connection.execute("SELECT value, label FROM confidence_level ORDER BY value").fetchall()
    codebook = Codebook(
        source_types=tuple(
            SourceType(id, name, definition, colour, position, bool(retired))
            for id, name, definition, colour, position, retired in types
        ),
        confidence_levels=tuple(ConfidenceLevel(*row) for row in levels),
    )
    articles = [
        ArticleSummary(*row)
        for row in connection.execute(
            "SELECT article.id, title, outlet, url, published, coalesce(counts.n, 0) FROM article"
            " LEFT OUTER JOIN (SELECT article_id, count(*) AS n FROM claim GROUP BY article_id) AS counts"
            " ON counts.article_id = article.id ORDER BY article.created_at, article.title"
        )
    ]
    last = connection.execute("SELECT value FROM setting WHERE key = ?", (last_article_key,)).fetchone()
    ids = [a.id for a in articles]
    shown = last[0] if last and last[0] in ids else (ids[0] if ids else None)
    if shown is None:
        return FirstLookRows(codebook, articles, None, [])
    row = connection.execute(
        "SELECT id, title, text, outlet, url, published, sha256 FROM article WHERE id = ?", (shown,)
    ).fetchone()
    article = Article(*row)
    return FirstLookRows(codebook, articles, article, _claims(connection, article))


def _claims(connection: sqlite3.Connection, article: Article) -> list[Claim]:
    names = dict(connection.execute("SELECT id, name FROM annotator").fetchall())
    type_ids = [row[0] for row in connection.execute("SELECT id FROM source_type")]
    listing = ClaimListing.of(names, type_ids)
    columns, parameters = listing.sql_columns()
    rows = connection.execute(
        f'SELECT {columns} FROM claim WHERE article_id = ? ORDER BY start, "end"', [*parameters, article.id]
    ).fetchall()
    return listing.claims(rows, article.id, article.text)
