"""The dataset CSV: one row per claim, in a form Excel, LibreOffice, R and pandas all open cleanly."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

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


def write_dataset(
    rows: Iterable[DatasetRow | tuple[Any, ...]],
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
    # A name of our own rather than tempfile's: mkstemp creates files readable by the owner only,
    # and the export should get the same permissions as any other file the user saves.
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:12]}.tmp")
    count = 0
    file = temporary.open("x", encoding="utf-8-sig", newline="")
    try:
        with file:
            writer = csv.writer(file, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
            writer.writerow(COLUMNS)
            for row in rows:
                writer.writerow(_cells(row, exact))
                count += 1
                if progress is not None and count % PROGRESS_EVERY == 0 and not progress(count):
                    raise ExportCancelled(destination.name)
            file.flush()
            # On disk before the rename, or a crash could leave an empty file in place of the old one.
            os.fsync(file.fileno())
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


_TEXT_INDEXES = tuple(i for i, name in enumerate(COLUMNS) if name not in ("start", "end", "confidence"))
_TIME_INDEXES = (COLUMNS.index("created_at"), COLUMNS.index("updated_at"))
# A cell can only need the guard when it starts with one of these: a one-character test spares
# nearly every cell the full rule.
_SUSPECT_FIRST = frozenset(_FORMULA_TRIGGERS) | frozenset(_LEADING_SPACE)


def _cells(row: DatasetRow | tuple[Any, ...], exact: bool) -> list[str | int]:
    # The per-row hot path of a 100,000-claim export: index loops, few function calls.
    cells: list = list(row)
    for index in _TIME_INDEXES:
        cells[index] = _timestamp(cells[index])
    suspect = _SUSPECT_FIRST
    for index in _TEXT_INDEXES:
        value = cells[index]
        if value is None:
            cells[index] = ""
        elif not exact and value[:1] in suspect:
            cells[index] = neutralise_cell(value)
    return cells


def _timestamp(value: datetime | str | None) -> str:
    """UTC ISO 8601 to the second with a Z."""
    if value is None:
        return ""
    if isinstance(value, str):  # as stored: "2026-11-25T14:03:09.123456Z"
        return value[:19] + "Z"
    utc = value.astimezone(UTC) if value.tzinfo is not None else value
    return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
