"""Claims leaving the project (the dataset CSV, the lossless JSONL) and coming back in (`import-claims`)."""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import closing
from pathlib import Path

from annotator.db import claim_exchange, queries
from annotator.formats.csv_dataset import ExportCancelled, Progress, write_dataset_batches
from annotator.formats.jsonl import JsonlExportCancelled, write_claims_jsonl
from annotator.services.claim_import import ClaimImportReport, ClaimImportService, ImportCancelled
from annotator.services.transactions import Transactions

__all__ = ["ClaimImportReport", "ExchangeService", "ExportCancelled", "ImportCancelled", "Progress"]


class ExchangeService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions
        self._claim_import = ClaimImportService(transactions)

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

    def export_jsonl(
        self,
        destination: Path,
        *,
        article_ids: Sequence[str] | None = None,
        annotator_names: Sequence[str] | None = None,
        progress: Progress | None = None,
    ) -> int:
        """Write the lossless claims file (formats/jsonl.py); returns how many claims.

        A cancel (`progress` returned False) raises ExportCancelled and leaves no file.
        """
        with (
            self._tx.read() as session,
            closing(
                claim_exchange.export_articles(
                    session=session, article_ids=article_ids, annotator_names=annotator_names
                )
            ) as articles,
        ):
            try:
                return write_claims_jsonl(articles, destination, progress=progress)
            except JsonlExportCancelled:
                raise ExportCancelled(destination.name) from None

    def import_claims(self, source: Path, *, progress: Progress | None = None) -> ClaimImportReport:
        """Claims from a dataset CSV or claims JSONL file (services/claim_import.py), in one transaction.

        Raises ImportRejected for a file that is not one (nothing written), ImportCancelled on cancel.
        """
        return self._claim_import.import_file(source, progress=progress)
