"""Claims leaving the project (the dataset CSV, the lossless JSONL) and coming back in (`import-claims`)."""

from __future__ import annotations

from collections.abc import Generator, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, NamedTuple

from annotator.db import claim_exchange, queries
from annotator.formats.csv_dataset import ExportCancelled, Progress, write_dataset_batches
from annotator.formats.jsonl import JsonlExportCancelled, write_claims_jsonl
from annotator.formats.saving import refuse_own_files
from annotator.services.adjudication import AdjudicationService
from annotator.services.claim_import import ClaimImportReport, ClaimImportService, ImportCancelled
from annotator.services.transactions import Transactions

__all__ = [
    "ALL_LAYERS",
    "ANNOTATIONS",
    "LAYERS",
    "REVIEWED",
    "ChangedSinceDecided",
    "ClaimImportReport",
    "ExchangeService",
    "ExportCancelled",
    "ImportCancelled",
    "Progress",
]

# What the dataset CSV can hold: the annotators' claims, the reviewed layer, or both with a status.
ANNOTATIONS, REVIEWED, ALL_LAYERS = "annotations", "reviewed", "all"
LAYERS = (ANNOTATIONS, REVIEWED, ALL_LAYERS)


class ChangedSinceDecided(NamedTuple):
    """Reviewed units whose claims changed after they were decided (ArticleProgress.stale): the
    reviewed layer still holds what was decided, so an export of it says how many."""

    units: int
    articles: int

    def warning(self) -> str:
        """What to tell whoever exported the reviewed layer; empty when nothing changed."""
        if not self.units:
            return ""
        units = f"{self.units} reviewed unit{'s' if self.units != 1 else ''}"
        articles = f"{self.articles} article{'s' if self.articles != 1 else ''}"
        were = "they were" if self.units != 1 else "it was"
        shown = "shows them" if self.units != 1 else "shows it"
        return (
            f"{units} in {articles} changed after {were} decided; "
            f"Review > Review Disagreements {shown} marked ⚠"
        )


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
        refuse_own_files(destination, self._tx.own_files())
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

    def changed_since_decided(self, article_ids: Sequence[str] | None = None) -> ChangedSinceDecided:
        """How many decided units (of these articles, else all) no longer hold because their claims
        changed: what an export of the reviewed layer (`layer` "reviewed" or "all") should warn of."""
        progress = AdjudicationService(self._tx).progress(article_ids)
        stale = [counts.stale for counts in progress.values() if counts.stale]
        return ChangedSinceDecided(sum(stale), len(stale))

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
        refuse_own_files(destination, self._tx.own_files())
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
