"""Merging a colleague's project into this one: the checks on their file, and one transaction for it all."""

from __future__ import annotations

from pathlib import Path

from annotator.db import merge
from annotator.db.errors import ProjectFileError
from annotator.db.merge import MergeCounts, MergeReport
from annotator.db.tables import utc_now
from annotator.formats.guarded import check_capped
from annotator.services.transactions import Transactions

__all__ = ["MergeCounts", "MergeReport", "MergeService"]


# Larger than any project this app makes (100,000 claims take about 100 MB) and small enough that a
# mistaken pick (a disk image, a video) is refused before SQLite reads a page of it.
MAX_MERGED_PROJECT_BYTES = 4 * 1024**3


class MergeService:
    def __init__(self, transactions: Transactions, project_path: Path) -> None:
        self._tx = transactions
        self._path = project_path

    def merge_from(self, other_path: Path) -> MergeReport:
        """Copy the other project's articles, annotators, codebook entries and claims into this one.

        Raises ProjectFileError or ImportRejected (each with a message for the user) when the other
        file cannot be merged;
        the merge is one transaction, so then nothing here has changed. The other file is only read.
        """
        other = Path(other_path).expanduser().absolute()
        if other.exists() and not other.is_dir():  # those two get a project's own messages below
            check_capped(other, limit=MAX_MERGED_PROJECT_BYTES, what="a project to merge")
        merge.check_other_project(other)
        if other.resolve() == self._path.resolve() or (self._path.exists() and other.samefile(self._path)):
            raise ProjectFileError(f"“{other.name}” is this project: there is nothing to merge.")
        with merge.attached(self._tx.engine, other) as session:
            return merge.merge_attached(session, source_name=other.name, now=utc_now())
