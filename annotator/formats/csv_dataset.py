"""The dataset CSV: one row per claim, in a form Excel, LibreOffice, R and pandas all open cleanly."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from itertools import compress, count, islice, repeat
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

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
LEADING_SPACE = " \n\u00a0"
# What neutralise_cell looks through before a trigger: the leading spaces, and `'`s (which the
# guard itself puts there), in any mix.
GUARDED_PREFIX = LEADING_SPACE + "'"


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
    text between `start` and `end`. Numbers (start, end, confidence) are never changed. A cell
    that already begins with `'`s before its trigger (spaces and `'`s in any mix) gets one more
    `'` as well, so the guard can always be undone: `import-claims` takes exactly one `'` off a
    cell that begins with `'` followed by that pattern, and gives back the text as it was.

    Export with `exact=True` to write every cell verbatim, for analysis in R, pandas or Python;
    such a file must not be opened in a spreadsheet program if the data could hold hostile text.
    """
    # Full-width look-alikes (U+FF1D, U+FF0B, U+FF0D, U+FF20) are left alone: LibreOffice
    # does not evaluate them as formulae, and prefixing them would alter legitimate CJK text.
    # Leading white space is looked through: LibreOffice's "trim spaces" import option would
    # otherwise bring " =HYPERLINK(...)" back to life.
    # A cell that begins with `'`s and then a trigger gets one more `'` too, so that the import can
    # take exactly one off every cell that begins `'`+(spaces and `'`s)+trigger and give back the
    # text as it was: "'=x" is written "''=x" and read back as "'=x", not as "=x".
    return "'" + value if value.lstrip(GUARDED_PREFIX).startswith(FORMULA_TRIGGERS) else value


class ExportCancelled(Exception):  # noqa: N818 - the user's choice, not an error
    """The user stopped an export; no file was written or replaced."""


# Called every PROGRESS_EVERY rows with the rows written so far; returning False cancels.
Progress = Callable[[int], bool]
PROGRESS_EVERY = 2_000

# Claims as the project hands them to the writer, a batch at a time. Each claim is one tuple with
# the fields of CLAIM_FIELDS; the annotator, source type and confidence label are keys into the
# batch's DatasetNames, and its document is the document of its place. Text is UTF-8 `bytes` (or
# None): the file is UTF-8, so no cell is decoded and encoded again. Times are ISO 8601 bytes as
# stored, or datetimes.
CLAIM_FIELDS = tuple(column for column in COLUMNS if not column.startswith("document_"))


class DatasetNames(NamedTuple):
    """What the claims of a batch name by key; the same object for every batch of an export.

    `documents` holds each place's (document_id, title, outlet, url, date): a claim's document is
    the document of its place in the file. The list may grow between batches, never change.
    """

    documents: Sequence[tuple[Any, ...]]
    annotators: Mapping[Any, Any]
    source_types: Mapping[Any, Any]
    confidence_labels: Mapping[Any, Any]


class DatasetBatch(NamedTuple):
    """Claims (CLAIM_FIELDS tuples, as the database driver hands them over) and their places in the
    file (0, 1, ...), in any order: a batch need not follow the one before. `trailing` holds each
    claim's values of the export's trailing columns (text), such as the reviewed layer's status."""

    claims: Sequence[Sequence[Any]]
    places: Sequence[int]
    names: DatasetNames
    trailing: Sequence[Sequence[Any]] | None = None


def write_dataset(
    rows: Iterable[DatasetRow | Sequence[Any]],
    destination: Path,
    *,
    exact: bool = False,
    progress: Progress | None = None,
    trailing_columns: Sequence[str] = (),
) -> int:
    """Write `rows` (DatasetRows, or plain tuples in COLUMNS order) as CSV; returns how many.

    With `trailing_columns` (the reviewed layer's `status`, say), each row has a text value for
    each of them after its COLUMNS values, and they follow COLUMNS in the file.

    UTF-8 with a BOM (so Excel detects the encoding), CRLF between records (RFC 4180), quotes only
    where needed; newlines inside a cell are kept. Times are UTC ISO 8601 to the second with a `Z`;
    a naive datetime is taken to be UTC already. Unless `exact`, text cells go through
    `neutralise_cell`.

    The file is written beside the destination and moved over it only when complete, so a failed
    or cancelled export (`progress` returned False: ExportCancelled) leaves any earlier export
    untouched. OSError (a full disk; on Windows, a destination that is open in Excel) propagates.
    """
    return write_dataset_batches(
        _batches(rows, len(trailing_columns)),
        destination,
        exact=exact,
        progress=progress,
        trailing_columns=trailing_columns,
    )


def write_dataset_batches(
    batches: Iterable[DatasetBatch | tuple[Sequence[Sequence[Any]], Sequence[int], Sequence[Any]]],
    destination: Path,
    *,
    exact: bool = False,
    progress: Progress | None = None,
    trailing_columns: Sequence[str] = (),
) -> int:
    """`write_dataset` for claims as the project reads them (see DatasetBatch); with
    `trailing_columns`, every batch brings their values.

    The same file, byte for byte, as csv.writer makes from one tuple per claim (the tests compare
    the two), several times faster: checks over a whole column of a batch find the claims whose
    cells need nothing but quotes (nearly all), and those are made with one `%` template each.
    Batches that continue the file are written as they come; others are kept until all have come.
    """
    count = 0
    placed: list[bytes | None] = []  # the lines that came before their turn, at their places
    written = 0  # the lines in the file
    formatted = _Formatted(exact)
    with replaced_when_complete(destination) as file:
        file.write(b"\xef\xbb\xbf" + b",".join(map(_header_cell, (*COLUMNS, *trailing_columns))) + b"\r\n")
        for claims, places, names, *trailing in batches:
            lines = _lines(claims, places, formatted.of(names))
            if trailing_columns:
                lines = _with_trailing(lines, trailing[0] if trailing else None, len(trailing_columns), exact)
            done = 0
            # Taken in pieces that end on a multiple of PROGRESS_EVERY, so progress is reported
            # (and a cancel noticed) exactly as often as for one claim at a time.
            while done < len(lines):
                stop = min(len(lines), done + PROGRESS_EVERY - count % PROGRESS_EVERY)
                if not placed and isinstance(places, range) and places.start + done == written:
                    file.write(b"".join(lines[done:stop]))
                    written += stop - done
                else:
                    last = max(places[done:stop])
                    if last >= len(placed):
                        placed.extend(repeat(None, last + 1 - len(placed)))
                    # map(), not a loop: a claim is placed without a line of Python of its own.
                    deque(map(placed.__setitem__, places[done:stop], lines[done:stop]), maxlen=0)
                count += stop - done
                done = stop
                if progress is not None and count % PROGRESS_EVERY == 0 and not progress(count):
                    raise ExportCancelled(destination.name)
        for start in range(written, len(placed), PROGRESS_EVERY):
            file.write(b"".join(placed[start : start + PROGRESS_EVERY]))  # type: ignore[arg-type]
    return count


def _header_cell(name: str) -> bytes:
    return _cell(name.encode(), True)


def _with_trailing(
    lines: list[bytes], trailing: Sequence[Sequence[Any]] | None, width: int, exact: bool
) -> list[bytes]:
    """`lines` with each claim's trailing cells before its CRLF."""
    if trailing is None or len(trailing) != len(lines) or any(len(values) != width for values in trailing):
        raise ValueError(f"each claim needs a value for each of the {width} trailing columns")
    return [
        line[:-2] + b"".join([b"," + _cell(_utf8_value(value), exact) for value in values]) + b"\r\n"
        for line, values in zip(lines, trailing, strict=True)
    ]


def _utf8_value(value: Any) -> bytes | None:
    return value.encode() if isinstance(value, str) else value


# --- cells ----------------------------------------------------------------------------------
# Everything below works on UTF-8 bytes. The characters that matter (the quote, the comma, CR,
# LF and the formula triggers) are ASCII, and in UTF-8 an ASCII byte only ever stands for itself,
# so byte tests give the same answers as character tests on the decoded text.

_QUOTE, _COMMA, _LF, _CR = b'"'[0], b","[0], b"\n"[0], b"\r"[0]  # `int in bytes` is a memchr
# neutralise_cell's rule, for UTF-8: leading spaces, LFs, no-break spaces (C2 A0) and `'`s, then
# a trigger. A match at the start, unlike lstrip, copies nothing.
_FORMULA = re.compile(rb"(?:[ \n']|\xc2\xa0)*[=+\-@\t\r]")
# Only a cell that starts with one of these can match _FORMULA: a one-byte test spares nearly
# every cell the regular expression.
_SUSPECT_FIRST = frozenset(bytes([byte]) for byte in b"=+-@\t\r \n\xc2'")
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


def _by_columns(claims: Sequence[Sequence[Any]], exact: bool, cells: _Cells) -> list[bytes]:
    """One batch's CSV records, each with its CRLF, from sixteen columns in COLUMNS order (the five
    document columns as one of tuples) whatever they hold: a column at a time."""
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


# --- a batch ------------------------------------------------------------------------------


def _lines(claims: Sequence[Sequence[Any]], places: Sequence[int], names: _Names) -> list[bytes]:
    """One batch's CSV records, each with its CRLF, in the batch's order."""
    columns = list(zip(*claims, strict=True))
    if not columns:
        return []
    if len(columns) != len(CLAIM_FIELDS):
        raise ValueError(f"a dataset claim has {len(CLAIM_FIELDS)} fields, not {len(columns)}")
    exact = names.cells.exact
    (claim_id, annotator, start, end, quote, before, after, kind, confidence, label, *rest) = columns
    source, cue, comment, created_at, updated_at = rest
    if (
        all(_plain(column, exact) for column in (claim_id, source, cue, comment))
        and all(_unquoted(column) for column in (quote, before, after))
        and all(_INT.issuperset(map(type, column)) for column in (start, end, confidence))
        and all(_times(column, exact)[0] == _CUT for column in (created_at, updated_at))
    ):
        prose: list[Sequence[bytes]] = [quote, before, after]
        if not exact:
            prose = list(map(_neutralised, prose))
        return _plain_lines(claims, places, annotator, prose, names)
    known = names.known
    documents = known.documents
    return _by_columns(
        [
            claim_id,
            [documents[place] for place in places],
            list(map(known.annotators.__getitem__, annotator)),
            start,
            end,
            quote,
            before,
            after,
            list(map(known.source_types.__getitem__, kind)),
            confidence,
            list(map(known.confidence_labels.__getitem__, label)),
            *rest,
        ],
        exact,
        names.cells,
    )


def _plain(values: Sequence[Any], exact: bool) -> bool:
    """Short text (ids, source, cue, comment) that goes into the file as it is."""
    return _text(values, exact) is values


def _unquoted(values: Sequence[Any]) -> bool:
    """Quotes and contexts with no None and no quote to double: at most quoted and neutralised."""
    joined = _joined(values)
    return joined is not None and _QUOTE not in joined


_CUT = b"%.19bZ"  # _times' conversion for stored times


def _templates(head: bytes) -> tuple[bytes, ...]:
    """A record's `%` template, `head` (the id, document and annotator) first, for each choice of
    the three prose cells to put in quotes (a bit each: quote, context before, context after)."""
    return tuple(
        b",".join(
            (
                head,
                b"%d,%d",
                *(b'"%b"' if choice >> bit & 1 else b"%b" for bit in range(3)),
                b"%b,%d,%b,%b,%b,%b,%.19bZ,%.19bZ\r\n",
            )
        )
        for choice in range(8)
    )


_TEMPLATES = _templates(b"%b,%b,%b")


def _plain_lines(
    claims: Sequence[Sequence[Any]],
    places: Sequence[int],
    annotator: Sequence[Any],
    prose: list[Sequence[bytes]],
    names: _Names,
) -> list[bytes]:
    """Records of claims whose cells need at most quotes; `prose` holds the batch's quotes and
    contexts, with neutralise_cell's `'` already where it belongs unless the export is exact.

    The export's hottest loop, one claim at a time while its values are still in the CPU cache:
    each prose cell is looked at once for what forces quotes (a comma, LF or CR: 44, 10, 13), and
    the template that has quotes in just those places makes the record in one copy. A batch of
    one document and one annotator (nearly every batch) has them in its templates already.
    """
    documents = names.documents_by_place()
    kinds, labels = names.source_types, names.labels
    document = [documents[place] for place in places]
    if document.count(document[0]) == len(document) and annotator.count(annotator[0]) == len(annotator):
        templates = names.templates(document[0], names.annotators[annotator[0]])
        return [
            templates[
                (44 in q or 10 in q or 13 in q)
                | (44 in b or 10 in b or 13 in b) << 1
                | (44 in a or 10 in a or 13 in a) << 2
            ]
            % (i, s, e, q, b, a, kinds[kind], c, labels[level], so, cu, co, cr, up)
            for (i, _, s, e, _, _, _, kind, c, level, so, cu, co, cr, up), q, b, a in zip(
                claims, *prose, strict=True
            )
        ]
    annotators, templates = names.annotators, _TEMPLATES
    return [
        templates[
            (44 in q or 10 in q or 13 in q)
            | (44 in b or 10 in b or 13 in b) << 1
            | (44 in a or 10 in a or 13 in a) << 2
        ]
        % (i, d, annotators[who], s, e, q, b, a, kinds[kind], c, labels[level], so, cu, co, cr, up)
        for (i, who, s, e, _, _, _, kind, c, level, so, cu, co, cr, up), d, q, b, a in zip(
            claims, document, *prose, strict=True
        )
    ]


def _neutralised(values: Sequence[bytes]) -> Sequence[bytes]:
    """A column of text with neutralise_cell's `'` before each cell that needs one (`values` itself
    when none does): only cells whose first byte could start a formula are matched, found by maps
    rather than a loop, as a few in a hundred are."""
    suspects = compress(count(), map(_SUSPECT_FIRST.__contains__, map(getitem, values, repeat(_FIRST))))
    formulae = [place for place in suspects if _FORMULA.match(values[place])]
    if not formulae:
        return values
    neutralised = list(values)
    for place in formulae:
        neutralised[place] = b"'" + neutralised[place]
    return neutralised


class _Lookup(dict[Any, bytes]):
    """Cells by key, each formatted on first use."""

    def __init__(self, names: Mapping[Any, Any], cells: _Cells) -> None:
        super().__init__()
        self.names, self.cells = names, cells

    def __missing__(self, key: Any) -> bytes:
        cell = self[key] = self.cells[self.names[key]]
        return cell


class _Names:
    """One DatasetNames' cells, each formatted once: documents by place, the rest by key."""

    def __init__(self, names: Sequence[Any], cells: _Cells) -> None:
        # Unpacked rather than read by name: the project hands over a plain tuple (db/ cannot
        # import this module).
        self.names, self.cells = names, cells
        self.known = DatasetNames(*names)
        self.documents: list[bytes] = []
        self.annotators = _Lookup(self.known.annotators, cells)
        self.source_types = _Lookup(self.known.source_types, cells)
        self.labels = _Lookup(self.known.confidence_labels, cells)
        self._templates: dict[tuple[bytes, bytes], tuple[bytes, ...]] = {}

    def templates(self, document: bytes, annotator: bytes) -> tuple[bytes, ...]:
        """_TEMPLATES with this document and annotator written in (their `%` doubled)."""
        key = (document, annotator)
        if key not in self._templates:
            cells = b",".join((document, annotator)).replace(b"%", b"%%")
            self._templates[key] = _templates(b"%b," + cells)
        return self._templates[key]

    def documents_by_place(self) -> list[bytes]:
        known = self.known.documents
        if len(self.documents) < len(known):  # the list grew since the last batch
            self.documents.extend(map(self.cells.__getitem__, known[len(self.documents) :]))
        return self.documents


class _Formatted:
    """The names of an export's batches, formatted once for as long as they are the same object."""

    def __init__(self, exact: bool) -> None:
        self.cells = _Cells(exact)
        self.last: _Names | None = None

    def of(self, names: Sequence[Any]) -> _Names:
        if self.last is None or self.last.names is not names:
            self.last = _Names(names, self.cells)
        return self.last


# --- rows from elsewhere --------------------------------------------------------------------

_BATCH = 256


class _Same(dict[Any, Any]):
    """Every key named by itself: the names of rows that carry their names."""

    def __missing__(self, key: Any) -> Any:
        return key


def _batches(rows: Iterable[DatasetRow | Sequence[Any]], trailing: int = 0) -> Iterator[DatasetBatch]:
    """Rows in COLUMNS order (then `trailing` values) as batches in the file's order, a few hundred
    rows at a time."""
    checked = map(partial(_checked, width=len(COLUMNS) + trailing), rows)
    documents: list[tuple[Any, ...]] = []
    names = DatasetNames(documents, _Same(), _Same(), _Same())
    while chunk := list(islice(checked, _BATCH)):
        columns = [_utf8(column) for column in zip(*chunk, strict=True)]
        first = len(documents)
        documents.extend(zip(*columns[1:6], strict=True))
        claims = list(zip(columns[0], *columns[6 : len(COLUMNS)], strict=True))
        extra = list(zip(*columns[len(COLUMNS) :], strict=True)) if trailing else None
        yield DatasetBatch(claims, range(first, len(documents)), names, extra)


def _checked(row: DatasetRow | Sequence[Any], width: int) -> tuple[Any, ...]:
    values = tuple(row)
    if len(values) != width:
        raise ValueError(f"a dataset row has {width} values, not {len(values)}: {values!r}")
    return values


def _utf8(values: Sequence[Any]) -> list[Any]:
    return [value.encode() if isinstance(value, str) else value for value in values]
