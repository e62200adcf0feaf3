"""The dataset CSV: one row per claim, in a form Excel, LibreOffice, R and pandas all open cleanly."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice, repeat
from operator import getitem
from pathlib import Path
from typing import Any, NamedTuple, cast

from annotator.formats.saving import replaced_when_complete

COLUMNS = (
    "claim_id",
    "document_id",
    "document_title",
    "document_outlet",
    "document_url",
    "document_date",
    "annotator",
    "start",
    "end",
    "quote",
    "context_before",
    "context_after",
    "source_type",
    "confidence",
    "confidence_label",
    "source",
    "cue",
    "comment",
    "created_at",
    "updated_at",
)

_FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_LEADING_SPACE = " \n\u00a0"


class DatasetRow(NamedTuple):
    """One claim as the dataset shows it (a NamedTuple: an export builds 100,000 of them).

    `created_at`/`updated_at` are datetimes, or ISO 8601 UTC strings as the project file stores
    them (then written without being parsed again).
    """

    claim_id: str
    document_id: str
    document_title: str
    document_outlet: str
    document_url: str
    document_date: str
    annotator: str
    start: int
    end: int
    quote: str
    context_before: str
    context_after: str
    source_type: str
    confidence: int
    confidence_label: str
    source: str
    cue: str
    comment: str
    created_at: datetime | str | None
    updated_at: datetime | str | None

    def values(self) -> tuple[str | int | datetime | None, ...]:
        """The row's values in COLUMNS order."""
        return tuple(self)


def neutralise_cell(value: str) -> str:
    """Make a text cell safe to open in a spreadsheet (OWASP "CSV Injection").

    Excel, LibreOffice Calc and Google Sheets run a cell as a formula when its first character is
    `=`, `+`, `-` or `@`; OWASP also lists a leading tab and carriage return, as programs differ in
    what they strip before looking at that first character. A formula can fetch web pages or, in
    older Excel, start programs, so a quote or comment taken from an article must never become one.
    Such a cell gets a single quote `'` in front: the spreadsheet then shows it as text, but other
    tools (R, pandas) read the `'` as part of the value, and `quote` no longer equals the article
    text between `start` and `end`. Numbers (start, end, confidence) are never changed.

    Export with `exact=True` to write every cell verbatim, for analysis in R, pandas or Python;
    such a file must not be opened in a spreadsheet program if the data could hold hostile text.
    """
    # Full-width look-alikes (U+FF1D, U+FF0B, U+FF0D, U+FF20) are left alone: LibreOffice
    # does not evaluate them as formulae, and prefixing them would alter legitimate CJK text.
    # Leading white space is looked through: LibreOffice's "trim spaces" import option would
    # otherwise bring " =HYPERLINK(...)" back to life.
    return "'" + value if value.lstrip(_LEADING_SPACE).startswith(_FORMULA_TRIGGERS) else value


class ExportCancelled(Exception):  # noqa: N818 - the user's choice, not an error
    """The user stopped an export; no file was written or replaced."""


# Called every PROGRESS_EVERY rows with the rows written so far; returning False cancels.
Progress = Callable[[int], bool]
PROGRESS_EVERY = 2_000

# Claims as the project hands them to the writer, a batch at a time: sixteen columns, each a
# sequence with one value per claim, in COLUMNS order except that the five document columns are one,
# `document`, whose values are (document_id, title, outlet, url, date) tuples. Text is UTF-8
# `bytes` (or None): the file is UTF-8, so no cell is decoded and encoded again. Times are ISO 8601
# bytes as stored, or datetimes. Second, the claims' places in the file (0, 1, ...) when the
# batches come in another order, or None when they come in the file's order.
DatasetBatch = tuple[Sequence[Sequence[Any]], Sequence[int] | None]


def write_dataset(
    rows: Iterable[DatasetRow | Sequence[Any]],
    destination: Path,
    *,
    exact: bool = False,
    progress: Progress | None = None,
) -> int:
    """Write `rows` (DatasetRows, or plain tuples in COLUMNS order) as CSV; returns how many.

    UTF-8 with a BOM (so Excel detects the encoding), CRLF between records (RFC 4180), quotes only
    where needed; newlines inside a cell are kept. Times are UTC ISO 8601 to the second with a `Z`;
    a naive datetime is taken to be UTC already. Unless `exact`, text cells go through
    `neutralise_cell`.

    The file is written beside the destination and moved over it only when complete, so a failed
    or cancelled export (`progress` returned False: ExportCancelled) leaves any earlier export
    untouched. OSError (a full disk; on Windows, a destination that is open in Excel) propagates.
    """
    return write_dataset_batches(_batches(rows), destination, exact=exact, progress=progress)


def write_dataset_batches(
    batches: Iterable[DatasetBatch],
    destination: Path,
    *,
    exact: bool = False,
    progress: Progress | None = None,
) -> int:
    """`write_dataset` for claims already in columns (see DatasetBatch), as the project reads them.

    The same file, byte for byte, as csv.writer makes from one tuple per claim (the tests compare
    the two), several times faster: a batch is formatted a column at a time, a test over a whole
    column spares most cells any work of their own, and one `%` template makes each record. Batches
    in the file's order are written as they come; placed ones are kept until all have come.
    """
    count = 0
    placed: list[bytes | None] = []  # the lines of placed batches, at their places
    cells = _Cells(exact)
    with replaced_when_complete(destination) as file:
        file.write(b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\r\n")
        for claims, places in batches:
            lines = _lines(claims, exact, cells)
            done = 0
            # Taken in pieces that end on a multiple of PROGRESS_EVERY, so progress is reported
            # (and a cancel noticed) exactly as often as for one claim at a time.
            while done < len(lines):
                stop = min(len(lines), done + PROGRESS_EVERY - count % PROGRESS_EVERY)
                if places is None:
                    file.write(b"".join(lines[done:stop]))
                else:
                    last = max(places[done:stop])
                    if last >= len(placed):
                        placed.extend(repeat(None, last + 1 - len(placed)))
                    for place, line in zip(places[done:stop], lines[done:stop], strict=True):
                        placed[place] = line
                count += stop - done
                done = stop
                if progress is not None and count % PROGRESS_EVERY == 0 and not progress(count):
                    raise ExportCancelled(destination.name)
        for start in range(0, len(placed), PROGRESS_EVERY):
            file.write(b"".join(placed[start : start + PROGRESS_EVERY]))  # type: ignore[arg-type]
    return count


# --- cells ----------------------------------------------------------------------------------
# Everything below works on UTF-8 bytes. The characters that matter (the quote, the comma, CR,
# LF and the formula triggers) are ASCII, and in UTF-8 an ASCII byte only ever stands for itself,
# so byte tests give the same answers as character tests on the decoded text.

_QUOTE, _COMMA, _LF, _CR = b'"'[0], b","[0], b"\n"[0], b"\r"[0]  # `int in bytes` is a memchr
# neutralise_cell's rule, for UTF-8: leading spaces, LFs and no-break spaces (C2 A0), then a
# trigger. A match at the start, unlike lstrip, copies nothing.
_FORMULA = re.compile(rb"(?:[ \n]|\xc2\xa0)*[=+\-@\t\r]")
# Only a cell that starts with one of these can match _FORMULA: a one-byte test spares nearly
# every cell the regular expression.
_SUSPECT_FIRST = frozenset(bytes([byte]) for byte in b"=+-@\t\r \n\xc2")
_FIRST = slice(0, 1)
_INT = frozenset((int,))


def _cell(value: bytes | None, exact: bool) -> bytes:
    """One text cell: neutralised unless `exact`, then quoted as csv.QUOTE_MINIMAL would."""
    if value is None:
        return b""
    if not exact and _FORMULA.match(value):
        value = b"'" + value
    if _QUOTE in value:
        return b'"' + value.replace(b'"', b'""') + b'"'
    if _COMMA in value or _LF in value or _CR in value:
        return b'"' + value + b'"'
    return value


class _Cells(dict[Any, bytes]):
    """Formatted cells of the columns with few distinct values, each made once: names, labels, and
    documents (a tuple of five values becomes five cells, with their commas)."""

    def __init__(self, exact: bool) -> None:
        super().__init__()
        self.exact = exact

    def __missing__(self, value: bytes | tuple[bytes | None, ...] | None) -> bytes:
        if isinstance(value, tuple):
            cell = b",".join([_cell(part, self.exact) for part in value])
        else:
            cell = _cell(value, self.exact)
        self[value] = cell
        return cell


def _text(values: Sequence[bytes | None], exact: bool) -> Sequence[bytes]:
    """Short text (ids, source, cue, comment): most batches hold no cell that needs anything."""
    joined = _joined(values)
    if joined is None or _QUOTE in joined or _COMMA in joined or _LF in joined or _CR in joined:
        return [_cell(value, exact) for value in values]
    plain = cast("Sequence[bytes]", values)
    if joined and not exact and not _SUSPECT_FIRST.isdisjoint(map(getitem, plain, repeat(_FIRST))):
        return [_cell(value, exact) for value in plain]
    return plain


def _prose(values: Sequence[bytes | None], exact: bool) -> Sequence[bytes]:
    """Quotes and their context: most cells need quotes around them, so every cell is looked at."""
    joined = _joined(values)
    if joined is None or _QUOTE in joined:  # a None, or quotes to double: rare enough
        return [_cell(value, exact) for value in values]
    plain = cast("Sequence[bytes]", values)
    if exact:
        return [
            b'"' + value + b'"' if _COMMA in value or _LF in value or _CR in value else value
            for value in plain
        ]
    # _cell inlined, as this is the export's hottest loop. The neutralised value is spelt out in
    # both branches rather than kept in a variable, which a comprehension could only do slowly.
    suspect, formula = _SUSPECT_FIRST, _FORMULA.match
    return [
        b'"' + (b"'" + value if value[:1] in suspect and formula(value) else value) + b'"'
        if _COMMA in value or _LF in value or _CR in value
        else (b"'" + value if value[:1] in suspect and formula(value) else value)
        for value in plain
    ]


def _numbers(values: Sequence[Any]) -> tuple[bytes, Sequence[Any]]:
    """A number column's `%` conversion and values: integers as they are, anything else as text."""
    if _INT.issuperset(map(type, values)):
        return b"%d", values
    # Written as the csv module writes what it is given: str() of it, quoted if need be.
    return b"%b", [b"" if value is None else _cell(str(value).encode(), True) for value in values]


def _times(values: Sequence[Any], exact: bool) -> tuple[bytes, Sequence[Any]]:
    """A time column's `%` conversion and values: stored ISO 8601 cut to the second, then a Z."""
    joined = _joined(values)  # None for datetimes rather than stored text
    if (
        joined is not None
        and joined.isascii()  # so that the cut after 19 bytes is one after 19 characters
        and not (_QUOTE in joined or _COMMA in joined or _LF in joined or _CR in joined)
        and (exact or _SUSPECT_FIRST.isdisjoint(map(getitem, values, repeat(_FIRST))))
    ):
        # "2026-11-25T14:03:09.123456Z" -> "2026-11-25T14:03:09Z": the `%` cuts, no slice is made.
        return b"%.19bZ", values
    return b"%b", [_cell(_timestamp(value).encode(), exact) for value in values]


def _joined(values: Sequence[Any]) -> bytes | None:
    """All of `values` end to end, or None unless every one is bytes (as nearly always)."""
    try:
        return b"".join(values)
    except TypeError:
        return None


def _timestamp(value: datetime | bytes | str | None) -> str:
    """UTC ISO 8601 to the second with a Z."""
    if value is None:
        return ""
    if isinstance(value, bytes):
        value = value.decode()
    if isinstance(value, str):  # as stored: "2026-11-25T14:03:09.123456Z"
        return value[:19] + "Z"
    utc = value.astimezone(UTC) if value.tzinfo is not None else value
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _lines(claims: Sequence[Sequence[Any]], exact: bool, cells: _Cells) -> list[bytes]:
    """One batch's CSV records, each with its CRLF."""
    (
        claim_id,
        document,
        annotator,
        start,
        end,
        quote,
        context_before,
        context_after,
        source_type,
        confidence,
        confidence_label,
        source,
        cue,
        comment,
        created_at,
        updated_at,
    ) = claims
    start_as, start = _numbers(start)
    end_as, end = _numbers(end)
    confidence_as, confidence = _numbers(confidence)
    created_as, created_at = _times(created_at, exact)
    updated_as, updated_at = _times(updated_at, exact)
    template = b",".join(
        (b"%b,%b,%b", start_as, end_as, b"%b,%b,%b,%b", confidence_as, b"%b,%b,%b,%b", created_as, updated_as)
    )
    formatted = cells.__getitem__
    return list(
        map(
            (template + b"\r\n").__mod__,
            zip(
                _text(claim_id, exact),
                map(formatted, document),
                map(formatted, annotator),
                start,
                end,
                _prose(quote, exact),
                _prose(context_before, exact),
                _prose(context_after, exact),
                map(formatted, source_type),
                confidence,
                map(formatted, confidence_label),
                _text(source, exact),
                _text(cue, exact),
                _text(comment, exact),
                created_at,
                updated_at,
                strict=True,
            ),
        )
    )


# --- rows from elsewhere --------------------------------------------------------------------

_BATCH = 256


def _batches(rows: Iterable[DatasetRow | Sequence[Any]]) -> Iterator[DatasetBatch]:
    """Rows in COLUMNS order as batches in the file's order, a few hundred rows at a time."""
    checked = map(_checked, rows)
    while chunk := list(islice(checked, _BATCH)):
        columns = [_utf8(column) for column in zip(*chunk, strict=True)]
        yield [columns[0], list(zip(*columns[1:6], strict=True)), *columns[6:]], None


def _checked(row: DatasetRow | Sequence[Any]) -> tuple[Any, ...]:
    values = tuple(row)
    if len(values) != len(COLUMNS):
        raise ValueError(f"a dataset row has {len(COLUMNS)} values, not {len(values)}: {values!r}")
    return values


def _utf8(values: Sequence[Any]) -> list[Any]:
    return [value.encode() if isinstance(value, str) else value for value in values]
