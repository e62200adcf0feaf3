"""Merging a colleague's project into this one: the checks on their file, and one transaction for it all."""

from __future__ import annotations

from pathlib import Path

from annotator.db import merge
from annotator.db.errors import ProjectFileError
from annotator.db.merge import MergeCounts, MergeReport
from annotator.db.tables import utc_now
from annotator.services.transactions import Transactions

__all__ = ["MergeCounts", "MergeReport", "MergeService"]


class MergeService:
    def __init__(self, transactions: Transactions, project_path: Path) -> None:
        self._tx = transactions
        self._path = project_path

    def merge_from(self, other_path: Path) -> MergeReport:
        """Copy the other project's articles, annotators, codebook entries and claims into this one.

        Raises ProjectFileError (with a message for the user) when the other file cannot be merged;
        the merge is one transaction, so then nothing here has changed. The other file is only read.
        """
        other = Path(other_path).expanduser().absolute()
        merge.check_other_project(other)
        if other.resolve() == self._path.resolve() or (self._path.exists() and other.samefile(self._path)):
            raise ProjectFileError(f"“{other.name}” is this project: there is nothing to merge.")
        with merge.attached(self._tx.engine, other) as session:
            return merge.merge_attached(session, source_name=other.name, now=utc_now())
