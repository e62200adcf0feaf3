"""`import-claims`: claims from a dataset CSV or a claims JSONL file into the project, in one transaction.

The file is read through formats/guarded.py and decoded strictly as UTF-8; the readers check each
record's form, this module its sense against the project (its article, offsets, source type,
confidence), and db/claim_exchange.py writes what passes, as a merge would. Refused rows are
reported with their line numbers and never written; the rest go in together or not at all.
"""

from __future__ import annotations

import datetime as dt
import gc
import re
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import select

from annotator.db import claim_exchange
from annotator.db.claim_exchange import Lookups
from annotator.db.tables import REVIEWED, UTCDateTime, utc_now
from annotator.domain.records import Changes
from annotator.domain.text import CONTEXT_WIDTH
from annotator.formats.claims_csv import read_claims_csv
from annotator.formats.guarded import read_capped
from annotator.formats.incoming_claims import (
    ClaimsFile,
    IncomingArticle,
    IncomingClaim,
    Refused,
    decode_utf8,
    shorten,
)
from annotator.formats.jsonl import read_claims_jsonl
from annotator.services.transactions import Transactions

# A project of 100,000 claims exports to about 60 MB of CSV; a claims file is read whole.
MAX_CLAIMS_FILE_BYTES = 1024**3

# Called with the number of records checked so far; returning False cancels (nothing is written).
Progress = Callable[[int], bool]
PROGRESS_EVERY = 5_000


class ImportCancelled(Exception):  # noqa: N818 - the user's choice, not an error
    """The user stopped an import; nothing was written."""


@dataclass(frozen=True, slots=True)
class ClaimImportReport:
    """What one import did."""

    source: str  # the file's name
    imported: int  # claims added, or here already and replaced by the file's newer version
    skipped: int  # here already: identical, or the file's version is older (kept in the history)
    refused: tuple[Refused, ...]  # by line
    replaced: int = 0  # of `imported`, those that replaced an older version here
    history: int = 0  # versions put in the claims' history
    articles_added: int = 0
    annotators_added: tuple[str, ...] = ()
    changes: Changes = field(default_factory=Changes)

    def summary(self) -> str:
        """One line: "imported N claims, skipped M already present, K rows refused"."""
        text = (
            f"imported {_count(self.imported, 'claim')}, skipped {self.skipped} already present,"
            f" {_count(len(self.refused), 'row')} refused"
        )
        extras = []
        if self.replaced:
            extras.append(f"{self.replaced} replaced an older version")
        if self.history:
            extras.append(f"{_count(self.history, 'older version')} kept in the claims' history")
        if self.articles_added:
            extras.append(f"{_count(self.articles_added, 'article')} added")
        if self.annotators_added:
            extras.append(
                f"new annotator{'s' if len(self.annotators_added) > 1 else ''}: "
                + ", ".join(self.annotators_added)
            )
        return text + (f" ({'; '.join(extras)})" if extras else "")

    def refused_lines(self, limit: int | None = None) -> list[str]:
        """The refused rows as "line 12: its source type “x” is not in the codebook", rows refused
        for the same reason together ("lines 2 to 60001: ..."; the first `limit` reasons, then "and N
        more rows"): a file from another project must not give 60,000 lines of one reason."""
        by_reason: dict[str, list[int]] = {}
        for row in self.refused:
            by_reason.setdefault(row.reason, []).append(row.line)
        groups = list(by_reason.items())
        shown = groups if limit is None else groups[:limit]
        lines = [f"{_line_numbers(numbers)}: {reason}" for reason, numbers in shown]
        left = sum(len(numbers) for _, numbers in groups[len(shown) :])
        if left:
            lines.append(f"and {_count(left, 'more row')}")
        return lines


def _line_numbers(numbers: Sequence[int]) -> str:
    """ "line 7", "lines 2 to 9" (every line between), or "lines 2, 5, 9 and 40 more (43 rows)"."""
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    if numbers[-1] - numbers[0] == len(numbers) - 1:
        return f"lines {numbers[0]} to {numbers[-1]}"
    first = ", ".join(map(str, numbers[:3]))
    more = f" and {len(numbers) - 3} more" if len(numbers) > 3 else ""
    return f"lines {first}{more} ({len(numbers)} rows)"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (as it was, after it).

    Reading 100,000 claims makes millions of objects, none in a cycle; the collector, woken by
    every 700 of them, walked the growing heap again and again (a fifth of the import's time).
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def read_claims_file(path: Path, *, forbidden: Sequence[Path] = ()) -> ClaimsFile:
    """The file's articles, claims and refused rows; ImportRejected for a file that is not one
    (or is one of `forbidden`, the open project's files)."""
    path = Path(path)
    with collector_paused():
        return _read_claims_file(path, forbidden)


def _read_claims_file(path: Path, forbidden: Sequence[Path]) -> ClaimsFile:
    data = read_capped(path, limit=MAX_CLAIMS_FILE_BYTES, what="a claims file", forbidden=forbidden)
    text = decode_utf8(data, path.name)
    # By content: a JSON object on the first line is the JSONL file, whatever the file is called.
    if _STARTS_AS_JSON.match(text):
        return read_claims_jsonl(text, path.name)
    return read_claims_csv(text, path.name)


_STARTS_AS_JSON = re.compile(r"\s*\{")


class ClaimImport:
    """One import: checks each claim against the project, inside the import's transaction."""

    def __init__(
        self,
        found: ClaimsFile,
        lookups: Lookups,
        now: str,
        progress: Progress | None,
        claim_articles: dict[str, str] | None = None,
        reviewed_ids: frozenset[str] = frozenset(),
    ) -> None:
        self.found = found
        # The project's claims' articles, by claim id: a file's claim id may not move a claim
        # to another article (a spreadsheet row copied for a new claim keeps its claim_id).
        self.claim_articles = claim_articles or {}
        # The ids of this project's reviewed claims: a file's row with one (an export `--layer
        # reviewed` brought back) is the reviewer's decision, not an annotation.
        self.reviewed_ids = reviewed_ids
        self.look = lookups
        self.now = now
        self.progress = progress
        self.refused: list[Refused] = list(found.refused)
        self.article_map: dict[str, str] = {}  # the file's article id -> this project's
        self.new_articles: list[tuple[Any, ...]] = []
        self.new_annotators: dict[str, str] = {}  # name -> id
        self.rows: list[tuple[Any, ...]] = []
        self.touched: set[str] = set()

    def articles(self) -> None:
        """JSONL articles: one already here (same text) is that one; a new one keeps its id if free."""
        taken = set(self.look.article_ids)
        hashes = dict(self.look.article_hashes)
        for article in self.found.articles:
            if article.id in self.article_map:
                self.refused.append(Refused(article.line, f"article {article.id} comes twice in the file"))
                continue
            local = hashes.get(article.sha256)
            if local is None:
                local = article.id if article.id not in taken else str(uuid.uuid4())
                taken.add(local)
                hashes[article.sha256] = local
                self.new_articles.append(self._article_row(local, article))
                self.touched.add(local)
            self.article_map[article.id] = local

    def _article_row(self, local: str, article: IncomingArticle) -> tuple[Any, ...]:
        return (
            local,
            article.title,
            article.outlet,
            article.url,
            article.published if _is_date(article.published) else "",
            article.text,
            article.sha256,
            article.created_at or self.now,
            article.updated_at or self.now,
        )

    def claims(self, texts: dict[str, str]) -> None:
        """Check each claim against the project; the rows that pass go to `rows`, in file order.

        One loop with everything it looks up bound to locals, and each article, source type and
        confidence resolved once (a method call per claim and check took three times as long).
        """
        seen: dict[str, int] = {}
        levels = self.look.confidence_levels
        middle = levels[len(levels) // 2] if levels else None
        on_scale = frozenset(levels)
        articles: dict[tuple[str, str], str | _Refusal] = {}
        types: dict[tuple[str, str], str | None] = {}
        refused, rows, claims = self.refused, self.rows, self.found.claims
        annotators, new_annotators = self.look.annotators, self.new_annotators
        owners = self.claim_articles
        reviewed_ids = self.reviewed_ids
        new_id = uuid.uuid4
        for first in range(0, len(claims), PROGRESS_EVERY):
            chunk = claims[first : first + PROGRESS_EVERY]
            done = first + len(chunk)
            for claim in chunk:
                (
                    line,
                    claim_id,
                    file_article,
                    title,
                    name,
                    start,
                    end,
                    quote,
                    before,
                    after,
                    type_name,
                    confidence,
                    source,
                    cue,
                    comment,
                    created,
                    updated,
                    _,
                    type_key,
                ) = claim
                # A file converted to CRLF line ends (unix2dos, an editor, git) turns the line breaks
                # inside quoted cells into CRLF too; an article's text has only LF.
                if "\r" in quote:
                    quote = quote.replace("\r\n", "\n")
                if before is not None and "\r" in before:
                    before = before.replace("\r\n", "\n")
                if after is not None and "\r" in after:
                    after = after.replace("\r\n", "\n")
                article_id = articles.get((file_article, title))
                if article_id is None:
                    article_id = articles[file_article, title] = self._article(claim)
                if isinstance(article_id, _Refusal):
                    refused.append(Refused(line, str(article_id)))
                    continue
                text = texts[article_id]
                if not start < end <= len(text):
                    refused.append(
                        Refused(
                            line,
                            f"its offsets {start}..{end} are not a span of its article (length {len(text)})",
                        )
                    )
                    continue
                if text[start:end] != quote:
                    refused.append(
                        Refused(
                            line, f"its quote is not the article's text between start {start} and end {end}"
                        )
                    )
                    continue
                type_id = types.get((type_name, type_key), _UNSEEN)
                if type_id is _UNSEEN:
                    type_id = types[type_name, type_key] = self._source_type(claim)
                if type_id is None:
                    refused.append(
                        Refused(line, f"its source type “{shorten(type_name)}” is not in the codebook")
                    )
                    continue
                level = middle if confidence is None else confidence
                if level not in on_scale:
                    refused.append(Refused(line, f"its confidence {confidence} is not on the scale"))
                    continue
                claim_id = claim_id or str(new_id())
                if claim_id in seen:
                    refused.append(
                        Refused(line, f"its claim id {claim_id} is on line {seen[claim_id]} already")
                    )
                    continue
                seen[claim_id] = line
                if claim_id in reviewed_ids:
                    refused.append(Refused(line, _REVIEWED_CLAIM))
                    continue
                owner = owners.get(claim_id)
                if owner is not None and owner != article_id:
                    refused.append(
                        Refused(
                            line,
                            f"its claim id {claim_id} is a claim of another article in the project;"
                            " empty its claim id to add it as a new claim",
                        )
                    )
                    continue
                if before is None:
                    before = text[max(0, start - CONTEXT_WIDTH) : start]
                if after is None:
                    after = text[end : end + CONTEXT_WIDTH]
                created = created or self.now
                rows.append(
                    (
                        claim_id,
                        article_id,
                        annotators.get(name) or new_annotators.get(name) or self._annotator(claim),
                        start,
                        end,
                        quote,
                        before,
                        after,
                        type_id,
                        level,
                        source,
                        cue,
                        comment,
                        created,
                        updated or created,
                    )
                )
            if done % PROGRESS_EVERY == 0 and self.progress is not None and not self.progress(done):
                raise ImportCancelled(done)
        self.touched.update(row[1] for row in rows)

    def _article(self, claim: IncomingClaim) -> str | _Refusal:
        """The project's article a claim names, or why it has none."""
        try:
            article_id = self.article_of(claim)
        except _Refusal as refusal:
            return refusal
        if article_id is None:
            named = claim.article_id or f"“{shorten(claim.article_title)}”"
            reason = f"its article {named} is not in the project"
            # An id from another project (a colleague's export), a title that is here: say how to
            # match by title rather than do it unasked, as the id may mean another article.
            titled = self.look.article_titles.get(claim.article_title, []) if claim.article_id else []
            if len(titled) == 1:
                reason += (
                    f", but its document_title “{shorten(claim.article_title)}” is an article's here:"
                    " empty its document_id to match the row by its title"
                )
            elif titled:
                reason += (
                    f"; {len(titled)} articles here have its document_title “{shorten(claim.article_title)}”:"
                    " give one of their ids as its document_id"
                )
            return _Refusal(reason)
        return article_id

    def _source_type(self, claim: IncomingClaim) -> str | None:
        type_id = self.look.source_types.get(claim.source_type)
        if type_id is None and not claim.source_type and claim.source_type_id in self.look.source_type_ids:
            type_id = claim.source_type_id
        return type_id

    def article_of(self, claim: IncomingClaim) -> str | None:
        if claim.article_id:
            mapped = self.article_map.get(claim.article_id)
            if mapped is not None:
                return mapped
            return claim.article_id if claim.article_id in self.look.article_ids else None
        matches = self.look.article_titles.get(claim.article_title, [])
        if len(matches) > 1:
            raise _Refusal(
                f"its document_title “{shorten(claim.article_title)}” names {len(matches)} articles:"
                " give its document_id"
            )
        return matches[0] if matches else None

    def _annotator(self, claim: IncomingClaim) -> str:
        name = claim.annotator
        found = self.look.annotators.get(name) or self.new_annotators.get(name)
        if found is None:
            taken = self.look.annotator_ids | set(self.new_annotators.values())
            found = claim.annotator_id if claim.annotator_id and claim.annotator_id not in taken else None
            found = found or str(uuid.uuid4())
            self.new_annotators[name] = found
        return found


_REVIEWED_CLAIM = (
    "its claim id is a claim of this project's reviewed layer: the reviewer's decisions are not"
    " brought in as annotations (export with --layer annotations to exchange annotators' claims)"
)


class _Refusal(Exception):  # noqa: N818 - a row refused, not a fault
    pass


_UNSEEN: Any = object()  # a source type not looked up yet


def _is_date(value: str) -> bool:
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


class ClaimImportService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions

    def import_file(self, path: Path, *, progress: Progress | None = None) -> ClaimImportReport:
        """Import the claims of a dataset CSV or claims JSONL file; see the module docstring.

        Raises ImportRejected (nothing written) for a file that is not one, and ImportCancelled
        when `progress` returns False.
        """
        path = Path(path)
        with collector_paused():
            found = read_claims_file(path, forbidden=self._tx.own_files())
            return self.import_found(found, source=path.name, progress=progress)

    def import_found(
        self, found: ClaimsFile, *, source: str, progress: Progress | None = None
    ) -> ClaimImportReport:
        with collector_paused(), self._tx.begin() as session:
            stored_now = UTCDateTime().process_bind_param(utc_now(), session.get_bind().dialect)
            assert stored_now is not None
            look = claim_exchange.lookups(session=session)
            owners = claim_exchange.claim_articles(session=session)
            ids = {claim.id for claim in found.claims if claim.id}
            reviewed = frozenset(ids.intersection(session.execute(select(REVIEWED.c.id)).scalars()))
            run = ClaimImport(found, look, stored_now, progress, owners, reviewed)
            run.articles()
            texts = {row[0]: row[5] for row in run.new_articles}
            wanted = [key for key in _referenced(found.claims, run, look) if key not in texts]
            texts.update(claim_exchange.article_texts(wanted, session=session))
            run.claims(texts)
            claim_exchange.insert_articles(run.new_articles, session=session)
            claim_exchange.insert_annotators(
                [(key, name, stored_now) for name, key in run.new_annotators.items()], session=session
            )
            result = claim_exchange.import_claims(
                run.rows, replaced_at=stored_now, origin=f"imported from {source}", session=session
            )
        refused = tuple(sorted(run.refused))
        return ClaimImportReport(
            source=source,
            imported=result.added + result.updated,
            skipped=result.skipped,
            refused=refused,
            replaced=result.updated,
            history=result.history,
            articles_added=len(run.new_articles),
            annotators_added=tuple(run.new_annotators),
            changes=Changes(
                articles=frozenset(run.touched)
                if result.added or result.updated or run.new_articles
                else frozenset(),
                annotators=bool(run.new_annotators),
            ),
        )


def _referenced(claims: Sequence[IncomingClaim], run: ClaimImport, look: Lookups) -> list[str]:
    """The project's articles the claims may land on (their texts are read once, for the checks)."""
    wanted: set[str] = set(run.article_map.values())
    for article_id, title in set(map(_ARTICLE_NAMED, claims)):  # each article named once, not each claim
        if article_id:
            if article_id not in run.article_map and article_id in look.article_ids:
                wanted.add(article_id)
        else:
            wanted.update(look.article_titles.get(title, ())[:1])
    return sorted(wanted)


_ARTICLE_NAMED = itemgetter(2, 3)  # IncomingClaim's article_id and article_title
