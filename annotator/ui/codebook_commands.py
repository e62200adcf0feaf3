"""Undoable codebook edits, on the same undo stack as claim edits.

Each command holds the codebook's saved state before and after its edit (frozen records, never
rows). Its first redo is the edit the dialog already saved; later undos and redos put a state back
through `CodebookService` and call the window's refresh hook, or report why the file refused, under
a title that says which step it was ("Not undone", "Not redone"): nothing was left unsaved.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from PySide6.QtGui import QUndoStack

from annotator.domain.codebook import Codebook, SourceType
from annotator.ui.annotation_controller import user_message
from annotator.ui.undo import _SavedCommand, short_quote

if TYPE_CHECKING:  # the service module pulls in SQLAlchemy, which the first paint must not wait for
    from annotator.services.codebook import CodebookService


@dataclass(frozen=True)
class CodebookUndo:
    """Where codebook commands go: the undo stack, the refresh after an undo or redo, the error report."""

    stack: QUndoStack
    changed: Callable[[], None]  # everything that shows the codebook, except the dialog: it follows the stack
    # (title, message) of a refused undo or redo: `DialogService.error` fits.
    report: Callable[[str, str], None]


def _named(text: str) -> str:
    """Command text: the plain one, then the Edit menu's (QUndoCommand splits them at the newline).

    In the menu a "&" in a user's name must not become a keyboard mnemonic ("R&D" -> Alt+D).
    """
    return f"{text}\n{text.replace('&', '&&')}"


def _q(name: str) -> str:
    return f"“{short_quote(name)}”"


def describe_type_edit(before: SourceType, after: SourceType) -> str:
    """What the user did to one type, for the Edit menu: the first of the fields that changed."""
    if before.name != after.name:
        return f"Rename {_q(before.name)} to {_q(after.name)}"
    if before.retired != after.retired:
        return f"{'Retire' if after.retired else 'Restore'} {_q(after.name)}"
    if before.colour.casefold() != after.colour.casefold():
        return f"Recolour {_q(after.name)}"
    return f"Change Definition of {_q(after.name)}"


class _CodebookCommand(_SavedCommand):
    def __init__(self, text: str, service: CodebookService, undo: CodebookUndo) -> None:
        super().__init__(_named(text), self._refused)
        self._service = service
        self._changed = undo.changed
        self._report_refusal = undo.report
        self._undoing = False

    def undo(self) -> None:
        self._undoing = True
        super().undo()

    def redo(self) -> None:
        self._undoing = False
        super().redo()

    def _refused(self, error: Exception) -> None:
        self._report_refusal("Not undone" if self._undoing else "Not redone", user_message(error))

    def _undo(self) -> None:
        self._put_before()
        self._changed()

    def _redo(self) -> None:
        self._put_after()
        self._changed()

    def _put_before(self) -> None:
        raise NotImplementedError

    def _put_after(self) -> None:
        raise NotImplementedError


class AddTypeCommand(_CodebookCommand):
    """A new type: undo takes it out again (refused once claims use it), redo puts it back, same id."""

    def __init__(self, added: SourceType, service: CodebookService, undo: CodebookUndo) -> None:
        super().__init__(f"Add Source Type {_q(added.name)}", service, undo)
        self.added = added

    def _put_before(self) -> None:
        self._service.remove_type(self.added.id)

    def _put_after(self) -> None:
        self._service.restore_type(self.added)


class EditTypeCommand(_CodebookCommand):
    """A rename, recolour, new definition, retirement or restoration of one type."""

    def __init__(
        self, before: SourceType, after: SourceType, service: CodebookService, undo: CodebookUndo
    ) -> None:
        super().__init__(describe_type_edit(before, after), service, undo)
        self.before, self.after = before, after

    def _put_before(self) -> None:
        self._service.restore_type(self.before)

    def _put_after(self) -> None:
        self._service.restore_type(self.after)


class MoveTypeCommand(_CodebookCommand):
    """A type moved up or down, which changes its key: undo puts every type's position back."""

    def __init__(
        self,
        moved: SourceType,
        step: int,
        before: Mapping[str, int],
        after: Mapping[str, int],
        service: CodebookService,
        undo: CodebookUndo,
    ) -> None:
        super().__init__(f"Move {_q(moved.name)} {'Up' if step < 0 else 'Down'}", service, undo)
        self.before, self.after = dict(before), dict(after)

    def _put_before(self) -> None:
        self._service.set_positions(self.before)

    def _put_after(self) -> None:
        self._service.set_positions(self.after)


class RelabelLevelCommand(_CodebookCommand):
    def __init__(
        self, value: int, before: str, after: str, service: CodebookService, undo: CodebookUndo
    ) -> None:
        super().__init__(f"Relabel Confidence Level {value} to {_q(after)}", service, undo)
        self.value, self.before, self.after = value, before, after

    def _put_before(self) -> None:
        self._service.relabel_level(self.value, self.before)

    def _put_after(self) -> None:
        self._service.relabel_level(self.value, self.after)


class ApplyPresetCommand(_CodebookCommand):
    """A preset applied: undo brings the whole previous codebook back (type ids kept, so claims keep
    their types); it is refused while a type the preset added has claims."""

    def __init__(
        self,
        preset_name: str,
        before: Codebook,
        before_preset: str | None,
        after: Codebook,
        service: CodebookService,
        undo: CodebookUndo,
    ) -> None:
        super().__init__(f"Apply Preset {_q(preset_name)}", service, undo)
        self.preset_name = preset_name
        self.before, self.before_preset, self.after = before, before_preset, after

    def _put_before(self) -> None:
        self._service.restore_codebook(self.before, self.before_preset)

    def _put_after(self) -> None:
        self._service.restore_codebook(self.after, self.preset_name)
