"""Data leaving the project: the dataset CSV."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from annotator.db import queries
from annotator.formats.csv_dataset import ExportCancelled, Progress, write_dataset_batches
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
        # Read in one read transaction (which blocks no one), a batch of claims at a time.
        # `closing`: a failed or cancelled export stops its query before the transaction ends,
        # rather than whenever the half-read batches are garbage-collected.
        with (
            self._tx.read() as session,
            closing(
                queries.dataset_batches(
                    session=session, article_ids=article_ids, annotator_names=annotator_names
                )
            ) as batches,
        ):
            return write_dataset_batches(batches, destination, exact=exact, progress=progress)
