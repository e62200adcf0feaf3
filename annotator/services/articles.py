"""Articles: importing files and pasted text as canonical text, listing them, editing their metadata."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from pathlib import Path

from annotator.db import article_removal, queries
from annotator.db.tables import utc_now
from annotator.domain.records import Article, ArticleSummary, Changes
from annotator.domain.text import canonicalize, text_sha256
from annotator.formats.errors import ImportRejected
from annotator.formats.text_files import COMMON_ENCODINGS, DecodedText, read_article_file, title_from_path
from annotator.services.first_look import LAST_ARTICLE_KEY
from annotator.services.transactions import Transactions

__all__ = ["COMMON_ENCODINGS", "ArticleService", "EncodingUnsure", "ImportResult"]


class EncodingUnsure(Exception):  # noqa: N818 - a question for the user, not an error
    """The file is not UTF-8; its text was guessed and the user must confirm the guess."""

    def __init__(self, path: Path, decoded: DecodedText) -> None:
        super().__init__(
            f"“{path.name}” is not UTF-8; it looks like {decoded.encoding}. "
            "Confirm the encoding to import it."
        )
        self.path = path
        self.decoded = decoded


@dataclass(frozen=True, slots=True)
class ImportResult:
    article_id: str
    title: str
    created: bool  # False when the same text was already in the project
    changes: Changes


class ArticleService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions

    def list(self) -> list[ArticleSummary]:
        with self._tx.read() as session:
            return queries.list_articles(session=session)

    def get(self, article_id: str) -> Article | None:
        with self._tx.read() as session:
            return queries.get_article(article_id, session=session)

    def import_file(
        self, path: Path, *, title: str | None = None, encoding: str | None = None
    ) -> ImportResult:
        """Import a .txt or .md file; raises ImportRejected, or EncodingUnsure when asked to confirm."""
        decoded = read_article_file(path, encoding=encoding, forbidden=self._tx.own_files())
        if not decoded.certain and encoding is None:
            raise EncodingUnsure(path, decoded)
        # A blank title (`--title " "`) is no title: the file's name is.
        return self.add_text(decoded.text, title=title if title and title.strip() else title_from_path(path))

    def preview_file(self, path: Path, encoding: str) -> str:
        """The file's text read with `encoding`, for the user to judge; raises ImportRejected."""
        return read_article_file(path, encoding=encoding, forbidden=self._tx.own_files()).text

    def add_text(
        self, text: str, *, title: str, outlet: str = "", url: str = "", published: str = ""
    ) -> ImportResult:
        """Store pasted or decoded text as a new article (the same text twice is kept once)."""
        text = canonicalize(text)
        title = " ".join(title.split()) or "Untitled article"
        if not text.strip():
            raise ImportRejected(title, "it contains no text to annotate")
        digest = text_sha256(text)
        now = utc_now()
        with self._tx.begin() as session:
            # The same text, or the same but for line breaks at its very end (a file with a final
            # newline, then its text pasted without): one article, as a merge makes them one.
            existing = queries.article_ids_with_hash(digest, session=session) or (
                queries.article_ids_but_final_newlines(text, session=session)
            )
            if existing:
                article = queries.get_article(existing[0], session=session)
                assert article is not None
                return ImportResult(article.id, article.title, created=False, changes=Changes())
            article_id = str(uuid.uuid4())
            queries.insert_article(
                {
                    "id": article_id,
                    "title": title,
                    "outlet": outlet.strip(),
                    "url": url.strip(),
                    "published": _checked_date(published),
                    "text": text,
                    "sha256": digest,
                    "created_at": now,
                    "updated_at": now,
                },
                session=session,
            )
        return ImportResult(
            article_id, title, created=True, changes=Changes(articles=frozenset({article_id}))
        )

    def update_metadata(
        self, article_id: str, *, title: str, outlet: str = "", url: str = "", published: str = ""
    ) -> Changes:
        title = " ".join(title.split())
        if not title:
            raise ValueError("An article needs a title.")
        values = {
            "title": title,
            "outlet": outlet.strip(),
            "url": url.strip(),
            "published": _checked_date(published),
            "updated_at": utc_now(),
        }
        with self._tx.begin() as session:
            if queries.update_article(article_id, values, session=session) == 0:
                raise ValueError("That article no longer exists.")
        return Changes(articles=frozenset({article_id}))

    def contents(self, article_id: str) -> tuple[int, int, int]:
        """What deleting the article would take with it: (claims, their annotators, review decisions)."""
        with self._tx.read() as session:
            found = article_removal.article_contents(article_id, session=session)
        return found.claims, found.annotators, found.decisions

    def delete(self, article_id: str, *, deleted_by: str | None = None) -> Changes:
        """Delete an article with its claims (each kept in its history, as a deleted claim is, so that a
        merge does not bring them back) and the review decisions on it. Not undoable: ask first.

        Merged into colleagues' files, the deletion of `deleted_by`'s own claims goes with it, not the
        deletion of theirs."""
        with self._tx.begin() as session:
            claim_ids, found = article_removal.delete_article(
                article_id, deleted_by=deleted_by, session=session
            )
        if not found:
            raise ValueError("That article no longer exists.")
        return Changes(removed_articles=frozenset({article_id}), removed_claims=frozenset(claim_ids))

    def last_opened(self) -> str | None:
        """The article shown when the project was last used, or its first article."""
        with self._tx.read() as session:
            last = queries.get_setting(LAST_ARTICLE_KEY, session=session)
            summaries = queries.list_articles(session=session)
        ids = [a.id for a in summaries]
        if last in ids:
            return last
        return ids[0] if ids else None

    def remember_opened(self, article_id: str) -> None:
        with self._tx.begin() as session:
            queries.set_setting(LAST_ARTICLE_KEY, article_id, session=session)


def _checked_date(value: str) -> str:
    value = value.strip()
    if not value:
        return ""
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        raise ValueError(f"“{value}” is not a date: write it as YYYY-MM-DD.") from None
