"""Claims leaving the project (the dataset CSV, the lossless JSONL) and coming back in (`import-claims`)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any

from annotator.db import claim_exchange, queries
from annotator.formats.csv_dataset import ExportCancelled, Progress, write_dataset_batches
from annotator.formats.jsonl import JsonlExportCancelled, write_claims_jsonl
from annotator.services.claim_import import ClaimImportReport, ClaimImportService, ImportCancelled
from annotator.services.transactions import Transactions

__all__ = [
    "ALL_LAYERS",
    "ANNOTATIONS",
    "LAYERS",
    "REVIEWED",
    "ClaimImportReport",
    "ExchangeService",
    "ExportCancelled",
    "ImportCancelled",
    "Progress",
]

# What the dataset CSV can hold: the annotators' claims, the reviewed layer, or both with a status.
ANNOTATIONS, REVIEWED, ALL_LAYERS = "annotations", "reviewed", "all"
LAYERS = (ANNOTATIONS, REVIEWED, ALL_LAYERS)


class ExchangeService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions
        self._claim_import = ClaimImportService(transactions)

    def export_csv(
        self,
        destination: Path,
        *,
        layer: str = ANNOTATIONS,
        article_ids: Sequence[str] | None = None,
        annotator_names: Sequence[str] | None = None,
        exact: bool = False,
        progress: Progress | None = None,
    ) -> int:
        """Write one row per claim; returns how many. `exact` skips the spreadsheet-formula guard.

        `layer` says which claims: "annotations" (the default) every annotator's; "reviewed" the
        reviewed layer's, one row per accepted or edited unit, its `annotator` the reviewer who
        decided it; "all" both, with a trailing `status` column ("reviewed" for a reviewed claim;
        "accepted", "edited", "superseded", "rejected" or "unreviewed" for an annotator's claim:
        see queries.reviewed_dataset_batches, which also gives the order of the rows: by article,
        then position, with a reviewed claim after the annotators' claims of the same span).
        `article_ids` filters both layers; `annotator_names` only annotators' claims, so "all"
        keeps every reviewed claim, and "reviewed" ignores it.
        """
        if layer not in LAYERS:
            raise ValueError(f"There is no layer “{layer}”: choose one of {', '.join(LAYERS)}.")
        # Read in one read transaction (which blocks no one), a batch of claims at a time.
        # `closing`: a failed or cancelled export stops its query before the transaction ends,
        # rather than whenever the half-read batches are garbage-collected.
        with self._tx.read() as session:
            if layer == ANNOTATIONS:
                batches: Generator[Any, None, None] = queries.dataset_batches(
                    session=session, article_ids=article_ids, annotator_names=annotator_names
                )
            else:
                batches = queries.reviewed_dataset_batches(
                    session=session,
                    with_claims=layer == ALL_LAYERS,
                    article_ids=article_ids,
                    annotator_names=annotator_names,
                )
            with closing(batches):
                return write_dataset_batches(
                    batches,
                    destination,
                    exact=exact,
                    progress=progress,
                    trailing_columns=("status",) if layer == ALL_LAYERS else (),
                )

    def has_decisions(self) -> bool:
        """Whether any unit has been decided, so that the reviewed layer is worth exporting."""
        with self._tx.read() as session:
            return queries.any_decisions(session=session)

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
