"""Undoable review decisions: settling a unit (accept, edit, reject) and taking a decision back.

As with the claim commands, the first redo is the decision already saved ("do, then push"); undo and
redo swap decisions through the adjudication service, keeping their ids and times.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from annotator.domain.decisions import Decision, Outcome
from annotator.ui.undo import _SavedCommand

if TYPE_CHECKING:  # the service pulls in SQLAlchemy
    from annotator.services.adjudication import AdjudicationService


class ReviewSink(Protocol):
    """Where review commands report: the review panel reloads an article, or shows what went wrong."""

    def review_changed(self, article_id: str) -> None: ...

    def report(self, error: Exception) -> None: ...


def decision_text(outcome: Outcome, annotator_name: str | None) -> str:
    """What a decision did, in the Edit menu's words: "Accept Ana's version", "Reject unit"."""
    whose = f"{annotator_name}'s version" if annotator_name else "a version"
    if outcome is Outcome.ACCEPTED:
        return f"Accept {whose}"
    if outcome is Outcome.EDITED:
        return f"Edit {whose}"
    return "Reject unit"


class ReviewCommand(_SavedCommand):
    """A review decision on the undo stack. It names and changes colleagues' work, so blind mode
    (annotator_view) clears an undo history that holds one."""


class SettleCommand(ReviewCommand):
    """A unit settled; `replaced` are the decisions on its claims that this one took the place of."""

    def __init__(
        self,
        text: str,
        decision: Decision,
        replaced: list[Decision],
        service: AdjudicationService,
        sink: ReviewSink,
    ) -> None:
        super().__init__(text, sink.report)
        self.decision, self.replaced = decision, replaced
        self._service, self._sink = service, sink

    def _undo(self) -> None:
        self._service.replace([self.decision.id], self.replaced)
        self._sink.review_changed(self.decision.article_id)

    def _redo(self) -> None:
        self._service.replace([d.id for d in self.replaced], [self.decision])
        self._sink.review_changed(self.decision.article_id)


class UnsettleCommand(ReviewCommand):
    """A decision taken back: the unit is open again."""

    def __init__(self, removed: Decision, service: AdjudicationService, sink: ReviewSink) -> None:
        super().__init__("Take back decision", sink.report)
        self.removed = removed
        self._service, self._sink = service, sink

    def _undo(self) -> None:
        self._service.restore(self.removed)
        self._sink.review_changed(self.removed.article_id)

    def _redo(self) -> None:
        self._service.unsettle(self.removed.id)
        self._sink.review_changed(self.removed.article_id)


class AcceptAgreementsCommand(ReviewCommand):
    """Every agreed unit of an article accepted in one step; undo takes them all back."""

    def __init__(
        self,
        decisions: list[Decision],
        replaced: list[Decision],
        service: AdjudicationService,
        sink: ReviewSink,
    ) -> None:
        count = len(decisions)
        super().__init__(f"Accept {count} Agreement{'s' if count != 1 else ''}", sink.report)
        self.decisions, self.replaced = decisions, replaced
        self._article_id = decisions[0].article_id if decisions else ""
        self._service, self._sink = service, sink

    def _undo(self) -> None:
        self._service.replace([d.id for d in self.decisions], self.replaced)
        self._sink.review_changed(self._article_id)

    def _redo(self) -> None:
        self._service.replace([d.id for d in self.replaced], self.decisions)
        self._sink.review_changed(self._article_id)
