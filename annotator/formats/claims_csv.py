"""Reading claims back from the dataset CSV (csv_dataset.py writes it), for `import-claims`.

The columns are found by the header's names, in any order; extra columns are ignored. Required:
`annotator`, `start`, `end`, `quote`, `source_type`, and `document_id` or `document_title` (a row
names its article by id, or by title when its id is empty). Empty `claim_id`: a new id; empty
`confidence`: the middle of the scale; empty contexts: taken from the article; empty times: now.
A `status` column (an export `--layer all`) keeps the annotators' claims and refuses the reviewed
layer's rows: the reviewer's decisions are not annotations.

The export's spreadsheet guard put a `'` before a text cell that starts (after spaces and `'`s,
in any mix) with `= + - @`, a tab or a carriage return; exactly one is taken off again, and only
there. Text that itself began with `'=` was written `''=`, so it reads back as `'=`: the round
trip gives back every text as it was. A file exported with `--exact` has no guard, and shows it:
some cell starts (after spaces) with one of those characters bare. Then no `'` is taken off
anywhere, since a `'=` cell was then written as the user typed it. (A file of an older version
wrote text that began with `'=` unguarded; it reads back as `=`.)
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from functools import partial
from operator import itemgetter
from typing import Any

from annotator.formats.csv_dataset import COLUMNS, FORMULA_TRIGGERS, GUARDED_PREFIX, LEADING_SPACE
from annotator.formats.errors import ImportRejected
from annotator.formats.incoming_claims import (
    MAX_ID_LENGTH,
    ClaimsFile,
    IncomingClaim,
    Refused,
    RowProblem,
    checked_id,
    checked_name,
    shorten,
    stored_time,
)

_NUMBERS = frozenset({"start", "end", "confidence"})  # the guard never touches them
_REQUIRED = ("annotator", "start", "end", "quote", "source_type")


def read_claims_csv(text: str, name: str) -> ClaimsFile:
    """The claims of a dataset CSV already decoded (see `incoming_claims.decode_utf8`).

    Every bad row becomes a `Refused` with the line its record starts on (a quoted cell can span
    lines). A file whose first line is not the dataset's header is refused as a whole:
    ImportRejected, as for any file that is not a claims dataset.

    The rows are read column by column, mostly in C loops (a Python loop over 100,000 rows took
    three times as long); a row that any column check doubts goes through `_ClaimMaker` alone,
    which says why it is refused, if it is. So both ways give the same claims and reasons.
    """
    found = ClaimsFile()
    lines, rows = _csv_records(text, found.refused)
    if not rows:
        raise ImportRejected(name, "it holds no claims dataset (no header line)")
    header = [cell.strip() for cell in rows[0]]
    if problem := header_problem(header):
        raise ImportRejected(name, problem)
    del lines[0], rows[0]
    columns = {column: index for index, column in reversed(list(enumerate(header)))}
    width = len(header)
    if "status" in columns:
        lines, rows = _annotators_rows(lines, rows, columns["status"], width, found.refused, name)
    nul = "\x00" in text
    # Rows of the wrong width or with a NUL are left to `_ClaimMaker`, which refuses them.
    odd = {i for i, row in enumerate(rows) if len(row) != width or (nul and "\x00" in "".join(row))}
    kept_at = [i for i in range(len(rows)) if i not in odd] if odd else range(len(rows))
    kept = [rows[i] for i in kept_at] if odd else rows
    cells: list[Sequence[str]] = list(zip(*kept, strict=True)) if kept else [() for _ in header]
    text_columns = [i for c, i in columns.items() if c not in _NUMBERS]
    marked = _guard_marks_by_column(cells, text_columns)
    if odd and marked is not None:  # the odd rows count too: a bare `=` there marks the file exact
        more = _guard_marks([rows[i] for i in sorted(odd)], text_columns)
        marked = None if more is None else marked | more
    guarded = sorted(marked or ())
    for index in guarded:
        cells[index] = [_unguarded(cell) if cell[:1] == "'" else cell for cell in cells[index]]
    claims, doubted = _claims_by_column(cells, columns, [lines[i] for i in kept_at] if odd else lines)
    if not odd and not doubted:
        found.claims = claims
        return found
    slow = odd | {kept_at[i] for i in doubted}
    fast = iter([claim for i, claim in enumerate(claims) if i not in doubted])
    make = _ClaimMaker(columns, width, guarded, nul)
    for index, row in enumerate(rows):
        if index not in slow:
            found.claims.append(next(fast))
            continue
        try:
            found.claims.append(make(lines[index], row))
        except RowProblem as problem:
            found.refused.append(Refused(lines[index], str(problem)))
    found.refused.sort()
    return found


# An export `--layer all` marks each row: an annotator's claim by what the review made of it, a
# claim of the reviewed layer "reviewed" (with the reviewer as its `annotator`).
ANNOTATION_STATUSES = ("accepted", "edited", "superseded", "rejected", "unreviewed")
REVIEWED = "reviewed"


def _annotators_rows(
    lines: list[int], rows: list[list[str]], status_at: int, width: int, refused: list[Refused], name: str
) -> tuple[list[int], list[list[str]]]:
    """The rows of a file with a `status` column that are annotators' claims; the others refused.

    A reviewed claim brought in as an annotation would make its reviewer one more annotator, and
    agreement would count the reviewer's decisions as a coder's. A file with no annotator's claim
    at all (an export `--layer reviewed`) is refused as a whole: ImportRejected.
    """
    kept_lines: list[int] = []
    kept: list[list[str]] = []
    reviewed = 0
    for line, row in zip(lines, rows, strict=True):
        status = row[status_at].strip().casefold() if len(row) == width else ANNOTATION_STATUSES[0]
        if status in ANNOTATION_STATUSES:  # (a row of the wrong width is refused for that later)
            kept_lines.append(line)
            kept.append(row)
        elif status == REVIEWED:
            reviewed += 1
            refused.append(
                Refused(
                    line,
                    "its status is “reviewed”: a claim of the reviewed layer is not brought in as an"
                    " annotator's (export with --layer annotations to exchange annotators' claims)",
                )
            )
        else:
            refused.append(
                Refused(
                    line,
                    f"its status “{shorten(row[status_at])}” is not an annotator's claim's"
                    f" ({', '.join(ANNOTATION_STATUSES)})",
                )
            )
    if reviewed and not kept:
        raise ImportRejected(
            name,
            "it holds the reviewed layer (status “reviewed”), whose claims are the reviewer's decisions,"
            " not annotations: export the annotators' claims with --layer annotations and import that file",
        )
    return kept_lines, kept


def _csv_records(text: str, refused: list[Refused]) -> tuple[list[int], list[list[str]]]:
    """Every non-blank record and the line it starts on, by the csv module (any CSV it can read)."""
    lines: list[int] = []
    rows: list[list[str]] = []
    line, keep_line, keep = 1, lines.append, rows.append
    with _no_field_limit(len(text)):
        reader = csv.reader(io.StringIO(text, newline=""))
        while True:
            try:
                for row in reader:
                    if row and (len(row) > 1 or row[0].strip()):  # else a blank line
                        keep_line(line)
                        keep(row)
                    line = reader.line_num + 1
            except csv.Error as error:  # the reader starts afresh on the next line
                refused.append(Refused(line, f"it is not valid CSV ({error})"))
                line = reader.line_num + 1
                continue
            return lines, rows


def header_problem(header: Sequence[str]) -> str | None:
    """Why a first row is not a dataset header (None: it is one)."""
    names = set(header)
    missing = [column for column in _REQUIRED if column not in names]
    if not {"document_id", "document_title"} & names:
        missing.insert(0, "document_id or document_title")
    if missing:
        return f"its first line is not the dataset's header (no {', '.join(missing)} column)"
    return None


@contextmanager
def _no_field_limit(size: int) -> Iterator[None]:
    # The csv module refuses cells over 128 KB, and a quote may be a long article's whole text.
    # The file is already capped in size, so a cell can be as long as the file. (Process-wide:
    # restored at once, and readers do not run side by side.)
    limit = csv.field_size_limit()
    csv.field_size_limit(max(limit, size + 1))
    try:
        yield
    finally:
        csv.field_size_limit(limit)


def _guard_marks(rows: Sequence[list[str]], text_columns: Sequence[int]) -> set[int] | None:
    """The text columns with cells that start with `'` (the guard's mark, perhaps), or None when
    some text cell starts with a formula character bare: the file was exported `--exact`."""
    suspect = _SUSPECT
    marked: set[int] = set()
    for index in text_columns:
        for row in rows:
            if index < len(row) and row[index][:1] in suspect:
                cell = row[index]
                if cell[:1] == "'":
                    marked.add(index)
                elif cell.lstrip(LEADING_SPACE).startswith(FORMULA_TRIGGERS):
                    return None
    return marked


def _guard_marks_by_column(cells: Sequence[Sequence[str]], text_columns: Sequence[int]) -> set[int] | None:
    """`_guard_marks` for rows of the header's width, a column at a time and in C loops: the
    cells' first characters, then, where one may start a formula, each cell by a regex."""
    marked: set[int] = set()
    for index in text_columns:
        starts = set(map(_FIRST, cells[index]))
        if "'" in starts:
            marked.add(index)
        if not starts.isdisjoint(_BARE_STARTS) and any(map(_BARE_TRIGGER.match, cells[index])):
            return None
    return marked


# A cell that begins, after spaces, with a formula character: the guard would have put a `'`
# before it. (Spaces then `'`s then a trigger are guarded too, but older versions did not: such a
# cell does not mark a file as exact.)
_BARE_TRIGGER = re.compile(f"[{re.escape(LEADING_SPACE)}]*[{re.escape(''.join(FORMULA_TRIGGERS))}]")
_FIRST = itemgetter(slice(None, 1))  # a cell's first character ("" for an empty cell)


# A cell can only carry the guard's mark, or need the guard, if it starts with one of these.
_SUSPECT = frozenset("'" + "".join(FORMULA_TRIGGERS) + LEADING_SPACE)
_BARE_STARTS = _SUSPECT - {"'"}


def _unguarded(cell: str) -> str:
    """The cell with the guard's `'` taken off: one, from a cell csv_dataset.neutralise_cell changed."""
    if cell[:1] == "'" and cell[1:].lstrip(GUARDED_PREFIX).startswith(FORMULA_TRIGGERS):
        return cell[1:]
    return cell


class _ClaimMaker:
    """Rows of one file as IncomingClaims: the columns' places looked up once, not per row."""

    def __init__(self, columns: dict[str, int], width: int, guarded: Sequence[int], nul: bool) -> None:
        self.width = width
        self.guarded = guarded  # the columns whose cells may carry the guard's `'`
        self.nul = nul  # whether the file has a NUL anywhere (else no row is searched for one)
        # A column the file lacks reads as an empty cell added at the end of each row.
        at = [columns.get(column, width) for column in _ALL]
        self.pad = width in at
        self.pick = itemgetter(*at)
        self.has_before = "context_before" in columns
        self.has_after = "context_after" in columns

    def __call__(self, line: int, row: list[str]) -> IncomingClaim:
        if len(row) != self.width:
            raise RowProblem(f"it has {len(row)} cells where the header names {self.width}")
        if self.nul and any("\x00" in value for value in row):
            raise RowProblem("it contains a NUL character")
        if self.pad:
            row = [*row, ""]
        for index in self.guarded:
            if row[index][:1] == "'":
                row = row.copy()  # the reader's row stays as read
                row[index] = _unguarded(row[index])
        (
            claim_id,
            article_id,
            title,
            annotator,
            start,
            end,
            quote,
            before,
            after,
            source_type,
            confidence,
            source,
            cue,
            comment,
            created,
            updated,
        ) = self.pick(row)
        claim_id = claim_id.strip()
        article_id = article_id.strip()
        if not article_id and not title.strip():
            raise RowProblem("it names no article (no document_id, no document_title)")
        confidence = confidence.strip()
        created = created.strip()
        created_at = stored_time(created, "created_at")
        updated = updated.strip()
        return IncomingClaim(
            line,
            checked_id(claim_id, "claim_id") if claim_id else "",
            checked_id(article_id, "document_id") if article_id else "",
            title,
            checked_name(annotator, "annotator"),
            int(start) if start.isdigit() and start.isascii() and len(start) < 13 else _whole(start, "start"),
            int(end) if end.isdigit() and end.isascii() and len(end) < 13 else _whole(end, "end"),
            quote,
            before if self.has_before else None,
            after if self.has_after else None,
            source_type,
            _whole(confidence, "confidence") if confidence else None,
            source,
            cue,
            comment,
            created_at,
            created_at if updated == created else stored_time(updated, "updated_at"),
        )


# The columns an import reads: the export's, but for what it takes from the project instead.
_ALL = tuple(
    column
    for column in COLUMNS
    if column not in ("document_outlet", "document_url", "document_date", "confidence_label")
)


def _whole(value: str, column: str) -> int:
    value = value.strip()
    if value.startswith("-") and value[1:].isascii() and value[1:].isdigit():
        raise RowProblem(f"its {column} {value} is negative")
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        raise RowProblem(f"its {column} “{shorten(value)}” is not a whole number")
    return int(value)


# --- the same, column by column -----------------------------------------------------------------

_BAD: Any = object()  # what a column check makes of a cell it refuses: the row goes to _ClaimMaker


def _claims_by_column(
    cells: Sequence[Sequence[str]], columns: dict[str, int], lines: Sequence[int]
) -> tuple[list[IncomingClaim], set[int]]:
    """The claims of rows of the header's width (`cells`: a column each), and the rows (by index)
    that some check doubts: their claims here are not to be used; `_ClaimMaker` reads them."""
    count = len(lines)
    blank = ("",) * count

    def column(name: str) -> Sequence[str]:
        index = columns.get(name)
        return blank if index is None else cells[index]

    doubted: set[int] = set()
    ids = _ids(column("claim_id"), doubted)
    article_ids = _ids(column("document_id"), doubted)
    titles = column("document_title")
    if not all(article_ids):
        doubted.update(
            i for i, (a, t) in enumerate(zip(article_ids, titles, strict=True)) if not (a or t.strip())
        )
    annotators = _by_value(column("annotator"), _annotator, doubted)
    starts = _numbers(column("start"), doubted)
    ends = _numbers(column("end"), doubted)
    confidences = _by_value(column("confidence"), _confidence, doubted)
    created = _by_value(column("created_at"), _time, doubted)
    updated = _by_value(column("updated_at"), _time, doubted)
    nothing = (None,) * count
    before = cells[columns["context_before"]] if "context_before" in columns else nothing
    after = cells[columns["context_after"]] if "context_after" in columns else nothing
    make = partial(tuple.__new__, IncomingClaim)  # what IncomingClaim._make does, without a Python call
    claims: list[IncomingClaim] = list(
        map(
            make,
            zip(
                lines,
                ids,
                article_ids,
                titles,
                annotators,
                starts,
                ends,
                column("quote"),
                before,
                after,
                column("source_type"),
                confidences,
                column("source"),
                column("cue"),
                column("comment"),
                created,
                updated,
                blank,  # annotator_id, source_type_id: the CSV has none
                blank,
                strict=True,
            ),
        )
    )
    return claims, doubted


def _ids(cells: Sequence[str], doubted: set[int]) -> list[str]:
    values = list(map(str.strip, cells))
    if max(map(len, values), default=0) > MAX_ID_LENGTH or not "".join(values).isprintable():
        doubted.update(i for i, v in enumerate(values) if len(v) > MAX_ID_LENGTH or not v.isprintable())
    return values


def _numbers(cells: Sequence[str], doubted: set[int]) -> list[int]:
    joined = "".join(cells)
    if joined.isascii() and joined.isdigit() and min(map(len, cells)) > 0 and max(map(len, cells)) < 13:
        return list(map(int, cells))
    values = [int(v) if v.isdigit() and v.isascii() and len(v) < 13 else -1 for v in cells]
    doubted.update(i for i, v in enumerate(values) if v < 0)
    return values


def _by_value(cells: Sequence[str], convert: Callable[[str], Any], doubted: set[int]) -> list[Any]:
    """Each cell converted, each distinct value once (names, levels and times repeat a lot)."""
    known: dict[str, Any] = {}
    for value in set(cells):
        try:
            known[value] = convert(value)
        except RowProblem:
            known[value] = _BAD
    bad = {value for value, converted in known.items() if converted is _BAD}
    if bad:
        doubted.update(i for i, value in enumerate(cells) if value in bad)
    return list(map(known.__getitem__, cells))


def _annotator(value: str) -> str:
    return checked_name(value, "annotator")


def _confidence(value: str) -> int | None:
    value = value.strip()
    return _whole(value, "confidence") if value else None


def _time(value: str) -> str | None:
    return stored_time(value.strip(), "created_at")
