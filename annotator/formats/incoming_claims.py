"""Claims as the claim readers (dataset CSV, JSONL) hand them over: checked for form, not yet for sense.

The readers turn each line into an `IncomingClaim` (or an `IncomingArticle`), or into a `Refused`
with its line number and why; whether its article, source type and confidence exist in the
project is the import service's question. Shared here: the strict UTF-8 decoding, the time stamps.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple

from annotator.formats.errors import ImportRejected

# The project's ids are UUIDs (36 characters), and the column is that wide on PostgreSQL.
MAX_ID_LENGTH = 36
MAX_NAME_LENGTH = 200  # annotator and source type names, as their columns allow


class IncomingArticle(NamedTuple):
    """An article a JSONL file carries, with its id and time stamps as it had them."""

    line: int
    id: str
    title: str
    outlet: str
    url: str
    published: str
    text: str
    sha256: str
    created_at: str | None  # stored form (see `stored_time`), or None: now
    updated_at: str | None


class IncomingClaim(NamedTuple):
    """One claim as a file describes it. Names (annotator, source type) are looked up by the service."""

    line: int  # the physical line where its record starts, counted from 1
    id: str  # "" when the file gave none: a new id is made
    article_id: str  # "" when the file names the article by title only
    article_title: str
    annotator: str
    start: int
    end: int
    quote: str
    context_before: str | None  # None: taken from the article's text
    context_after: str | None
    source_type: str
    confidence: int | None  # None: the middle of the scale
    source: str
    cue: str
    comment: str
    created_at: str | None  # stored form, or None: now
    updated_at: str | None
    annotator_id: str = ""  # the id the file gives its annotator (JSONL): kept for a new annotator
    source_type_id: str = ""  # JSONL: used only when the name is not in the codebook


class Refused(NamedTuple):
    line: int
    reason: str  # a lower-case clause: "its quote is not the article's text between start and end"


@dataclass(slots=True)
class ClaimsFile:
    """What a reader found in one file."""

    claims: list[IncomingClaim] = field(default_factory=list)
    articles: list[IncomingArticle] = field(default_factory=list)
    refused: list[Refused] = field(default_factory=list)


class RowProblem(ValueError):  # noqa: N818 - a row the reader refuses, not a fault
    """A record the reader refuses; the message is the reason (see `Refused`)."""


def decode_utf8(data: bytes, name: str) -> str:
    """`data` as UTF-8 text without its byte-order mark; anything else is refused as a whole."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ImportRejected(name, "it is UTF-16 text; save it as UTF-8 and import it again")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportRejected(
            name, f"it is not UTF-8 text (an undecodable byte at position {error.start:,})"
        ) from None
    if not text or text.isspace():  # as `not text.strip()`, without copying the whole text
        raise ImportRejected(name, "the file is empty")
    return text


# The project stores times as "2026-11-25T14:03:09.123456Z" (db/tables.py UTCDateTime).
_STORED = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z")
_SECONDS_Z = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def stored_time(value: str, column: str) -> str | None:
    """An ISO 8601 time as the project stores it (UTC, microseconds, Z); None for an empty cell.

    A time without a zone is taken to be UTC, as the dataset writes every time in UTC.
    """
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)  # checks the date itself, not just its shape
    except ValueError:
        raise RowProblem(f"its {column} “{shorten(value)}” is not an ISO 8601 date and time") from None
    if _STORED.fullmatch(value):
        return value
    if _SECONDS_Z.fullmatch(value):  # as the CSV writes them: the cheap way
        return value[:19] + ".000000Z"
    utc = parsed.astimezone(UTC) if parsed.tzinfo is not None else parsed
    return utc.replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def checked_id(value: str, column: str) -> str:
    if len(value) > MAX_ID_LENGTH or not value.isprintable() or value != value.strip():
        raise RowProblem(f"its {column} “{shorten(value)}” is not an id (at most 36 plain characters)")
    return value


def checked_name(value: str, column: str) -> str:
    name = " ".join(value.split())  # as Project.annotator spells a name
    if not name:
        raise RowProblem(f"it has no {column}")
    if len(name) > MAX_NAME_LENGTH:
        raise RowProblem(f"its {column} is longer than {MAX_NAME_LENGTH} characters")
    return name


def shorten(value: str, width: int = 40) -> str:
    """A cell as a message may quote it: short, on one line, its control characters shown."""
    shown = value if len(value) <= width else value[: width - 1] + "…"
    return shown.encode("unicode_escape").decode("ascii") if not shown.isprintable() else shown
