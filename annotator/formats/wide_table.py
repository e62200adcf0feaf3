"""The wide table for statistics packages: one row per unit, one column per annotator and field.

R's irr package (kappam.fleiss, kripp.alpha after a transpose) and similar tools take ratings as a
subjects x raters matrix; this is that matrix with the unit's place in the text beside it. CSV as
the dataset is written: UTF-8 with a BOM, RFC 4180, text cells guarded against spreadsheet
formulas unless `exact`, written beside the destination and moved into place when complete.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path

from annotator.formats.csv_dataset import neutralise_cell
from annotator.formats.saving import replaced_when_complete


def write_table(
    header: Sequence[str], rows: Iterable[Sequence[object]], destination: Path, *, exact: bool = False
) -> int:
    """Write `rows` under `header`; returns how many rows. None is written `NA`: R (read.csv and
    readr) and pandas read it as missing, where an empty cell would be, to read.csv, an empty
    category that irr's kappa functions count as one more rating."""
    count = 0
    with replaced_when_complete(destination) as raw:
        file = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")  # the BOM Excel looks for
        writer = csv.writer(file, lineterminator="\r\n")
        writer.writerow([_text(name, exact) for name in header])
        for row in rows:
            writer.writerow([_cell(value, exact) for value in row])
            count += 1
        file.flush()
        file.detach()  # the raw file stays open for the sync and the rename
    return count


MISSING = "NA"


def _cell(value: object, exact: bool) -> object:
    if value is None:
        return MISSING
    return _text(value, exact) if isinstance(value, str) else value


def _text(value: str, exact: bool) -> str:
    return value if exact else neutralise_cell(value)
