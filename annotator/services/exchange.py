"""Data leaving the project: the dataset CSV."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from annotator.db import queries
from annotator.formats.csv_dataset import ExportCancelled, Progress, write_dataset
from annotator.services.transactions import Transactions

__all__ = ["ExchangeService", "ExportCancelled", "Progress"]


class ExchangeService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions

    def export_csv(
        self,
        destination: Path,
        *,
        article_ids: Sequence[str] | None = None,
        annotator_names: Sequence[str] | None = None,
        exact: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Write one row per claim; returns how many. `exact` skips the spreadsheet-formula guard."""
        # Streamed from one read transaction (which blocks no one) straight into the file.
        with self._tx.read() as session:
            rows = queries.dataset_rows(
                session=session, article_ids=article_ids, annotator_names=annotator_names
            )
            return write_dataset(rows, destination, exact=exact, progress=progress)
