"""The lossless claims file, JSON Lines: written by `export --format jsonl`, read by `import-claims`.

UTF-8, one JSON object per line (LF), each with a `kind`:

    {"kind": "header", "format": "source-annotator-claims", "version": 1}
    {"kind": "article", "id", "title", "outlet", "url", "published", "sha256", "created_at",
     "updated_at", "text"}
    {"kind": "claim", "id", "article_id", "annotator_id", "annotator", "source_type_id",
     "source_type", "confidence", "confidence_label", "start", "end", "quote", "context_before",
     "context_after", "source", "cue", "comment", "created_at", "updated_at"}

The header comes first; each article comes once, before its claims. Times are ISO 8601 UTC with
microseconds, as the project stores them ("2026-11-25T14:03:09.123456Z"); `start`/`end` are
code-point offsets into the article's `text` (`text[start:end] == quote`); `published` is an ISO
date or "". Nothing is guarded or shortened: unlike the CSV, the file is meant for programs (and
for moving claims between projects), not spreadsheets. Reading it back, an article is matched by
its text's SHA-256, an annotator and a source type by name; ids are kept.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from itertools import repeat
from operator import itemgetter
from pathlib import Path
from typing import Any

from annotator.domain.text import canonicalize, text_sha256
from annotator.formats.errors import ImportRejected
from annotator.formats.incoming_claims import (
    MAX_ID_LENGTH,
    ClaimsFile,
    IncomingArticle,
    IncomingClaim,
    Refused,
    RowProblem,
    checked_id,
    checked_name,
    stored_time,
)
from annotator.formats.saving import replaced_when_complete

FORMAT = "source-annotator-claims"
VERSION = 1
HEADER = {"kind": "header", "format": FORMAT, "version": VERSION}

ARTICLE_FIELDS = ("id", "title", "outlet", "url", "published", "sha256", "created_at", "updated_at", "text")
CLAIM_FIELDS = (
    "id",
    "article_id",
    "annotator_id",
    "annotator",
    "source_type_id",
    "source_type",
    "confidence",
    "confidence_label",
    "start",
    "end",
    "quote",
    "context_before",
    "context_after",
    "source",
    "cue",
    "comment",
    "created_at",
    "updated_at",
)

# Called every PROGRESS_EVERY claims with the claims written so far; returning False cancels.
Progress = Callable[[int], bool]
PROGRESS_EVERY = 2_000


class JsonlExportCancelled(Exception):  # noqa: N818 - the user's choice, not an error
    """The user stopped an export; no file was written or replaced."""


# ensure_ascii=False keeps the file readable and half the size for non-Latin text; json still
# escapes every control character, so no record ever spans two lines.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def write_claims_jsonl(
    articles: Iterable[tuple[Mapping[str, Any], Iterable[Mapping[str, Any]]]],
    destination: Path,
    *,
    progress: Progress | None = None,
) -> int:
    """Write each (article, its claims) pair, in ARTICLE_FIELDS and CLAIM_FIELDS; returns the claims.

    Complete or not at all (`replaced_when_complete`): a failed or cancelled export leaves an
    earlier file as it was.
    """
    count = 0
    with replaced_when_complete(destination) as file:
        file.write(_line(HEADER))
        for article, claims in articles:
            file.write(_line({"kind": "article", **{key: article[key] for key in ARTICLE_FIELDS}}))
            lines = []
            for claim in claims:
                lines.append(_line({"kind": "claim", **{key: claim[key] for key in CLAIM_FIELDS}}))
                count += 1
                if count % PROGRESS_EVERY == 0:
                    file.write(b"".join(lines))
                    lines.clear()
                    if progress is not None and not progress(count):
                        raise JsonlExportCancelled(destination.name)
            file.write(b"".join(lines))
    return count


def _line(record: Mapping[str, Any]) -> bytes:
    return (_encode(record) + "\n").encode("utf-8")


# --- reading ---------------------------------------------------------------------------------


def read_claims_jsonl(text: str, name: str) -> ClaimsFile:
    """The articles and claims of a claims JSONL file already decoded (`incoming_claims.decode_utf8`).

    A file that does not start with the header is refused as a whole (ImportRejected); after it,
    each line that is not a well-formed record becomes a `Refused` with its line number.

    The claims are checked a field at a time over all of them, mostly in C loops; a claim that
    any of these checks doubts goes through `_claim` alone, which says why it is refused, if it is.
    """
    found = ClaimsFile()
    refused = found.refused
    header_seen = False
    lines: list[int] = []
    records: list[dict[str, Any]] = []
    loads = json.loads
    # Split on LF only: a JSON string may hold U+2028 and other characters splitlines() breaks at.
    for number, line in enumerate(text.split("\n"), start=1):
        if not line or line.isspace():
            continue
        if not header_seen:
            _check_header(line, name)
            header_seen = True
            continue
        try:
            record = loads(line)
        except (ValueError, RecursionError):
            refused.append(Refused(number, "it is not a JSON object"))
            continue
        kind = record.get("kind") if isinstance(record, dict) else None
        if kind == "claim":
            lines.append(number)
            records.append(record)
        elif kind == "article":
            try:
                found.articles.append(_article(number, record))
            except RowProblem as problem:
                refused.append(Refused(number, str(problem)))
        else:
            refused.append(Refused(number, "it is not a claim or an article (no known “kind”)"))
    if not header_seen:
        raise ImportRejected(name, "the file is empty")
    # json.loads makes a NUL only of a \u0000 escape (a bare control character is an error).
    claims, doubted = _claims_by_field(lines, records, nul_free="\\u0000" not in text)
    if doubted:
        for index, claim in enumerate(claims):
            if index not in doubted:
                found.claims.append(claim)
                continue
            try:
                found.claims.append(_claim(lines[index], records[index]))
            except RowProblem as problem:
                refused.append(Refused(lines[index], str(problem)))
    else:
        found.claims = claims
    refused.sort()
    return found


def _check_header(line: str, name: str) -> None:
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):
        record = None
    if not isinstance(record, dict) or record.get("format") != FORMAT:
        raise ImportRejected(
            name, "it is not a claims file of Source Annotator (its first line is no header)"
        )
    version = record.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version > VERSION:
        raise ImportRejected(name, "it was written by a newer version of Source Annotator; update the app")


def _text(record: dict[str, Any], key: str, *, required: bool = False) -> str:
    value = record.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise RowProblem(f"its “{key}” is {'missing' if value is None else 'not text'}")
    if "\x00" in value:
        raise RowProblem(f"its “{key}” contains a NUL character")
    return value


def _whole(record: dict[str, Any], key: str) -> int:
    value = record.get(key)
    if not isinstance(value, int) or isinstance(value, bool):
        raise RowProblem(f"its “{key}” is not a whole number")
    if value < 0:
        raise RowProblem(f"its “{key}” {value} is negative")
    return value


def _article(line: int, record: dict[str, Any]) -> IncomingArticle:
    text = _text(record, "text", required=True)
    if canonicalize(text) != text:
        raise RowProblem("its text has line breaks other than LF, so its claims' offsets would be wrong")
    if not text.strip():
        raise RowProblem("its text is empty")
    digest = text_sha256(text)
    given = _text(record, "sha256")
    if given and given.lower() != digest:
        raise RowProblem("its sha256 is not that of its text")
    return IncomingArticle(
        line=line,
        id=checked_id(_text(record, "id", required=True), "id"),
        title=" ".join(_text(record, "title").split()) or "Untitled article",
        outlet=_text(record, "outlet").strip(),
        url=_text(record, "url").strip(),
        published=_text(record, "published").strip(),
        text=text,
        sha256=digest,
        created_at=stored_time(_text(record, "created_at"), "created_at"),
        updated_at=stored_time(_text(record, "updated_at"), "updated_at"),
    )


def _claim(line: int, record: dict[str, Any]) -> IncomingClaim:
    confidence = record.get("confidence")
    claim_id = _text(record, "id")
    annotator_id = _text(record, "annotator_id")
    type_id = _text(record, "source_type_id")
    return IncomingClaim(
        line=line,
        id=checked_id(claim_id, "id") if claim_id else "",
        article_id=checked_id(_text(record, "article_id", required=True), "article_id"),
        article_title="",
        annotator=checked_name(_text(record, "annotator", required=True), "annotator"),
        start=_whole(record, "start"),
        end=_whole(record, "end"),
        quote=_text(record, "quote", required=True),
        context_before=_text(record, "context_before") if "context_before" in record else None,
        context_after=_text(record, "context_after") if "context_after" in record else None,
        source_type=_text(record, "source_type"),
        confidence=None if confidence is None else _whole(record, "confidence"),
        source=_text(record, "source"),
        cue=_text(record, "cue"),
        comment=_text(record, "comment"),
        created_at=stored_time(_text(record, "created_at"), "created_at"),
        updated_at=stored_time(_text(record, "updated_at"), "updated_at"),
        annotator_id=checked_id(annotator_id, "annotator_id") if annotator_id else "",
        source_type_id=checked_id(type_id, "source_type_id") if type_id else "",
    )


# --- the claims, a field at a time ---------------------------------------------------------------


def _claims_by_field(
    lines: list[int], records: list[dict[str, Any]], *, nul_free: bool
) -> tuple[list[IncomingClaim], set[int]]:
    """The claims of `records`, and those (by index) that some check doubts: their claims here
    are not to be used; `_claim` reads them."""
    doubted: set[int] = set()
    count = len(records)
    try:  # every record with every field, as the export writes them: all fields in one C pass
        table = dict(zip(_CLAIM_KEYS, zip(*map(itemgetter(*_CLAIM_KEYS), records), strict=True), strict=True))
    except (KeyError, ValueError):  # ValueError: no records at all
        table = {}

    def field(key: str) -> Sequence[Any]:
        return table[key] if table else list(map(dict.get, records, repeat(key)))

    def texts(key: str, *, required: bool = False) -> Sequence[Any]:
        values = field(key)
        kinds = set(map(type, values))
        if kinds - {str, type(None)} or (required and type(None) in kinds) or not nul_free:
            doubted.update(i for i, value in enumerate(values) if not _plain_text(value, required))
        if type(None) in kinds and not required:
            values = ["" if value is None else value for value in values]
        return values

    def ids(key: str, *, required: bool = False) -> Sequence[Any]:
        values = texts(key, required=required)
        if not (
            set(map(type, values)) <= {str}
            and max(map(len, values), default=0) <= MAX_ID_LENGTH
            and "".join(values).isprintable()
            and all(map(str.__eq__, values, map(str.strip, values)))
        ):
            doubted.update(i for i, value in enumerate(values) if not _plain_id(value))
        return values

    def wholes(key: str, *, optional: bool = False) -> Sequence[Any]:
        values = field(key)
        kinds = set(map(type, values))
        if optional and type(None) in kinds:
            kinds.discard(type(None))
            lowest = min((value for value in values if value is not None), default=0) if kinds == {int} else 0
        else:
            lowest = min(values, default=0) if kinds == {int} else 0
        if not kinds <= {int} or lowest < 0:
            doubted.update(
                i
                for i, value in enumerate(values)
                if not (type(value) is int and value >= 0) and not (optional and value is None)
            )
        return values

    def contexts(key: str) -> Sequence[Any]:
        if table or all(map(dict.__contains__, records, repeat(key))):
            return texts(key)
        doubted.update(i for i, record in enumerate(records) if key not in record)
        return texts(key)

    claims: list[IncomingClaim] = list(
        map(
            partial(tuple.__new__, IncomingClaim),  # IncomingClaim._make without a Python call
            zip(
                lines,
                ids("id"),
                ids("article_id", required=True),
                ("",) * count,
                _by_value(texts("annotator", required=True), _annotator, doubted),
                wholes("start"),
                wholes("end"),
                texts("quote", required=True),
                contexts("context_before"),
                contexts("context_after"),
                texts("source_type"),
                wholes("confidence", optional=True),
                texts("source"),
                texts("cue"),
                texts("comment"),
                _by_value(texts("created_at"), _created, doubted),
                _by_value(texts("updated_at"), _updated, doubted),
                ids("annotator_id"),
                ids("source_type_id"),
                strict=True,
            ),
        )
    )
    return claims, doubted


# The fields a claim record is read from (CLAIM_FIELDS but the label, which is not read back).
_CLAIM_KEYS = tuple(key for key in CLAIM_FIELDS if key != "confidence_label")


def _plain_text(value: Any, required: bool) -> bool:
    return (value is None and not required) or (type(value) is str and "\x00" not in value)


def _plain_id(value: Any) -> bool:
    return (
        type(value) is str and len(value) <= MAX_ID_LENGTH and value.isprintable() and value == value.strip()
    )


_BAD: Any = object()  # what a field check makes of a value it refuses: the claim goes to _claim


def _by_value(values: Sequence[Any], convert: Callable[[str], Any], doubted: set[int]) -> list[Any]:
    """Each text converted, each distinct one once (names and times repeat a lot); anything but
    text is already doubted, and becomes _BAD."""
    all_text = set(map(type, values)) <= {str}
    known: dict[str, Any] = {}
    for value in set(values) if all_text else {value for value in values if type(value) is str}:
        try:
            known[value] = convert(value)
        except RowProblem:
            known[value] = _BAD
    if all_text:
        converted = list(map(known.__getitem__, values))
    else:
        converted = [known[value] if type(value) is str else _BAD for value in values]
    if not all_text or any(value is _BAD for value in known.values()):
        doubted.update(i for i, value in enumerate(converted) if value is _BAD)
    return converted


def _annotator(value: str) -> str:
    return checked_name(value, "annotator")


def _created(value: str) -> str | None:
    return stored_time(value, "created_at")


def _updated(value: str) -> str | None:
    return stored_time(value, "updated_at")
