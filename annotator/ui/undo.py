"""Undoable edits of claims and article details. Each command's first redo is the edit already made
("do, then push"); later redos and undos call the service and hand the result to a refresh hook."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from PySide6.QtGui import QUndoCommand

from annotator.domain.records import Changes, Claim

if TYPE_CHECKING:  # the service modules pull in SQLAlchemy, which the first paint must not wait for
    from annotator.services.articles import ArticleService
    from annotator.services.claims import ClaimService


class CommandSink(Protocol):
    """Where commands report: the window refreshes what changed, or shows what went wrong."""

    def refresh(self, changes: Changes, claims: list[Claim]) -> None: ...

    def report(self, error: Exception) -> None: ...

    def reveal(self, article_id: str, at: int) -> None:
        """Show where a step is about to change a claim (its article, at code point `at`): an undo is
        seen to happen, even on an article not shown."""
        ...

    def select_if_there(self, claim_id: str) -> None:
        """After a step: select the claim it changed, unless the step removed it."""
        ...


def short_quote(quote: str, limit: int = 32) -> str:
    one_line = " ".join(quote.split())
    return one_line if len(one_line) <= limit else one_line[: limit - 1].rstrip() + "…"


class _SavedCommand(QUndoCommand):
    """An edit already saved when pushed; undo and redo save again, and report what fails."""

    def __init__(self, text: str, report: Callable[[Exception], None]) -> None:
        super().__init__(text)
        self._report = report
        self._already_done = True

    def redo(self) -> None:
        if self._already_done:
            self._already_done = False
            return
        self._guarded(self._redo)

    def undo(self) -> None:
        self._guarded(self._undo)

    def _guarded(self, step: Callable[[], None]) -> None:
        # An exception raised inside a Qt virtual never reaches the caller of undo(): report it
        # here, and drop the command, whose state no longer matches the file.
        try:
            step()
        except Exception as error:
            self.setObsolete(True)
            self._report(error)

    def _redo(self) -> None:
        raise NotImplementedError

    def _undo(self) -> None:
        raise NotImplementedError


class _ClaimCommand(_SavedCommand):
    """An edit of one claim of `article_id`: undone or redone where the user can see it."""

    def __init__(self, text: str, claim: Claim, service: ClaimService, sink: CommandSink) -> None:
        super().__init__(text, lambda error: self._refused(error))
        self._where = claim  # the claim as it was: its article, place and id
        self._service = service
        self._sink = sink

    def _guarded(self, step: Callable[[], None]) -> None:
        self._sink.reveal(self._where.article_id, self._where.start)
        super()._guarded(step)
        self._sink.select_if_there(self._where.id)

    def _refused(self, error: Exception) -> None:
        """A step that failed (the claim was changed elsewhere since, say): the claim is shown as it
        is now before the message says so."""
        self._show_as_saved()
        self._sink.report(error)

    def _show_as_saved(self) -> None:
        try:
            current = self._service.get(self._where.id)
        except Exception:  # the refusal has been reported; what is shown stays as it was
            return
        self._sink.refresh(Changes(claims=frozenset({self._where.id})), [current] if current else [])


class ArticleDetailsCommand(_SavedCommand):
    """New title, outlet, URL or date; `shown` refreshes the window after undo and redo."""

    def __init__(
        self,
        article_id: str,
        before: dict[str, str],
        after: dict[str, str],
        service: ArticleService,
        shown: Callable[[str], None],
        report: Callable[[Exception], None],
    ) -> None:
        super().__init__(f"Edit details of “{short_quote(after.get('title', ''))}”", report)
        self._article_id, self._before, self._after = article_id, before, after
        self._service, self._shown = service, shown

    def _undo(self) -> None:
        self._service.update_metadata(self._article_id, **self._before)
        self._shown(self._article_id)

    def _redo(self) -> None:
        self._service.update_metadata(self._article_id, **self._after)
        self._shown(self._article_id)


class TagClaimCommand(_ClaimCommand):
    """A new claim: undo deletes it, redo puts the same claim (same id) back."""

    def __init__(self, claim: Claim, type_name: str, service: ClaimService, sink: CommandSink) -> None:
        super().__init__(f"Tag “{short_quote(claim.quote)}” as {type_name}", claim, service, sink)
        self.claim = claim

    def _undo(self) -> None:
        changes, _ = self._service.delete(self.claim.id, expected=self.claim)
        self._sink.refresh(changes, [])

    def _redo(self) -> None:
        self._sink.refresh(self._service.restore(self.claim), [self.claim])


class EditClaimCommand(_ClaimCommand):
    def __init__(
        self, text: str, before: Claim, after: Claim, service: ClaimService, sink: CommandSink
    ) -> None:
        super().__init__(text, before, service, sink)
        self.before = before
        self.after = after

    def _undo(self) -> None:
        self._put(self.before, expected=self.after)

    def _redo(self) -> None:
        self._put(self.after, expected=self.before)

    def _put(self, claim: Claim, expected: Claim) -> None:
        changes = self._service.put_back(claim, expected=expected)
        current = self._service.get(claim.id)
        self._sink.refresh(changes, [current] if current else [])


class DeleteClaimCommand(_ClaimCommand):
    def __init__(self, claim: Claim, service: ClaimService, sink: CommandSink) -> None:
        super().__init__(f"Delete claim “{short_quote(claim.quote)}”", claim, service, sink)
        self.claim = claim

    def _undo(self) -> None:
        self._sink.refresh(self._service.restore(self.claim), [self.claim])

    def _redo(self) -> None:
        changes, _ = self._service.delete(self.claim.id, expected=self.claim)
        self._sink.refresh(changes, [])
