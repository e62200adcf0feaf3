"""The dataset CSV: one row per claim, in a form Excel, LibreOffice, R and pandas all open cleanly."""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

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


@dataclass(frozen=True, slots=True)
class DatasetRow:
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
    created_at: datetime | None
    updated_at: datetime | None

    def values(self) -> tuple[str | int | datetime | None, ...]:
        """The row's values in COLUMNS order."""
        return tuple(getattr(self, column) for column in COLUMNS)


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
    return "'" + value if value.startswith(_FORMULA_TRIGGERS) else value


def write_dataset(rows: Iterable[DatasetRow], destination: Path, *, exact: bool = False) -> int:
    """Write `rows` to `destination` as CSV and return how many rows were written.

    UTF-8 with a BOM (so Excel detects the encoding), CRLF between records (RFC 4180), quotes only
    where needed; newlines inside a cell are kept. Times are UTC ISO 8601 to the second with a `Z`;
    a naive datetime is taken to be UTC already. Unless `exact`, text cells go through
    `neutralise_cell`.

    The file is written beside the destination and moved over it only when complete, so a failed
    export leaves any earlier export untouched. OSError (a full disk; on Windows, a destination
    that is open in Excel) propagates.
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
                writer.writerow([_cell(value, exact) for value in row.values()])
                count += 1
            file.flush()
            # On disk before the rename, or a crash could leave an empty file in place of the old one.
            os.fsync(file.fileno())
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _cell(value: str | int | datetime | None, exact: bool) -> str | int:
    if value is None:
        return ""
    if isinstance(value, datetime):
        utc = value.astimezone(UTC) if value.tzinfo is not None else value
        return utc.replace(tzinfo=None).isoformat(timespec="seconds") + "Z"
    if isinstance(value, int):
        return value
    return value if exact else neutralise_cell(value)
