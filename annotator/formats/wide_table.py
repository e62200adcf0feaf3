"""The wide table for statistics packages: one row per unit, one column per annotator and field.

R's irr package (kappam.fleiss, kripp.alpha after a transpose) and similar tools take ratings as a
subjects x raters matrix; this is that matrix with the unit's place in the text beside it. CSV as
the dataset is written: UTF-8 with a BOM, RFC 4180, text cells guarded against spreadsheet
formulas unless `exact`, written beside the destination and moved into place when complete.
"""

from __future__ import annotations

import csv
import os
import uuid
from collections.abc import Iterable, Sequence
from pathlib import Path

from annotator.formats.csv_dataset import neutralise_cell


def write_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], destination: Path, *, exact: bool = False
) -> int:
    """Write `rows` under `header`; returns how many rows. None is an empty cell (NA in R)."""
    temporary = destination.with_name(f".{destination.name}.{uuid.uuid4().hex[:12]}.tmp")
    count = 0
    try:
        with temporary.open("x", encoding="utf-8", newline="") as file:
            file.write("\ufeff")
            writer = csv.writer(file, lineterminator="\r\n")
            writer.writerow([_text(name, exact) for name in header])
            for row in rows:
                writer.writerow(
                    ["" if v is None else _text(v, exact) if isinstance(v, str) else v for v in row]
                )
                count += 1
            file.flush()
            os.fsync(file.fileno())
        temporary.replace(destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return count


def _cell(value: object, exact: bool) -> object:
    if value is None:
        return ""
    return _text(value, exact) if isinstance(value, str) else value


def _text(value: str, exact: bool) -> str:
    return value if exact else neutralise_cell(value)
