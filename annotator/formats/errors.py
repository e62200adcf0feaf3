"""The one error the readers raise for input the app refuses."""

from __future__ import annotations


class ImportRejected(Exception):  # noqa: N818 - it names an outcome, not a fault
    """Input the app refuses; `str()` is one sentence, naming the file, fit to show a user.

    `reason` is a lower-case clause without a final full stop, e.g. "the file is empty".
    """

    def __init__(self, name: str, reason: str) -> None:
        # Both go to Exception so the error pickles (and so crosses to a worker process) intact.
        super().__init__(name, reason)
        self.name = name
        self.reason = reason

    def __str__(self) -> str:
        return f"Cannot import “{self.name}”: {self.reason}."
