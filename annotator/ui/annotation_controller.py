"""The tagging loop: turns key presses and panel edits into saved, undoable claim changes.

Every edit is made through the claim service first and then pushed as a command ("do, then
push"), so a failed save never leaves a command on the stack; `refresh` updates only the claims
a change names.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QUndoStack

from annotator.domain.codebook import Codebook
from annotator.domain.records import Annotator, Article, Changes, Claim
from annotator.domain.text import trim_span
from annotator.ui.bulk_build import collector_paused, thaw
from annotator.ui.positions import code_point_at
from annotator.ui.undo import DeleteClaimCommand, EditClaimCommand, TagClaimCommand, short_quote

if TYPE_CHECKING:
    from pathlib import Path

    from annotator.services.first_look import FirstLook
    from annotator.services.project import Project
    from annotator.ui.article_view import ArticleView
    from annotator.ui.claim_panel import ClaimPanel


def user_message(error: Exception) -> str:
    """One sentence for the user: ours as they are, the database's without its SQL."""
    text = str(error) or type(error).__name__
    if type(error).__module__.startswith("sqlalchemy"):
        original = getattr(error, "orig", None)
        text = f"The project file refused the change ({original or type(error).__name__})."
    return text


FIELD_NAMES = {
    "source_type_id": "type",
    "confidence": "confidence",
    "source": "source",
    "cue": "attribution cue",
    "comment": "comment",
    "start": "span",
    "end": "span",
}


class AnnotationController(QObject):
    sig_changes_saved = Signal(object)  # Changes, after the project file committed them
    sig_message_requested = Signal(str)  # a short status-bar hint
    sig_error_raised = Signal(str)
    sig_article_wanted = Signal(str)  # an undo or redo changes this article, which is not shown: show it

    def __init__(self, view: ArticleView, panel: ClaimPanel, undo_stack: QUndoStack) -> None:
        super().__init__(panel)
        self.view = view
        self.panel = panel
        self.undo_stack = undo_stack
        self.project: Project | None = None
        self.annotator: Annotator | None = None
        self.article: Article | None = None
        self.codebook: Codebook | None = None
        self._claims: dict[str, Claim] = {}
        # The claim picked in the list or by a click (not by tagging or the caret): moving the caret
        # leaves it selected, for Ctrl+Shift+A to move it to text selected next.
        self._picked: str | None = None
        self._shown_annotators: frozenset[str] | None = None  # whose claims are shown; None: everyone's
        # While a first look is on screen the project is still opening; an edit calls this to
        # finish opening it (waiting for the database layer), then goes ahead.
        self.project_pending: Callable[[], object] | None = None
        self._first_look_article: str | None = None  # the article a first look put on screen
        # Until the file's check on open has passed, the app writes nothing of its own accord: the last
        # article shown is remembered afterwards (a damaged file is left exactly as it was found).
        self._unchecked: Path | None = None
        self._remember_when_checked: str | None = None
        panel.sig_tag_requested.connect(self.tag_selection)
        panel.sig_claim_selected.connect(self._on_row_selected)
        panel.sig_claim_edit_requested.connect(self.edit_claim)
        panel.sig_claim_delete_requested.connect(self.delete_claim)
        panel.sig_span_adjust_requested.connect(self.adjust_span)
        panel.sig_confidence_changed.connect(self.set_confidence)
        panel.sig_leave_requested.connect(lambda: self.view.setFocus(Qt.FocusReason.ShortcutFocusReason))
        view.sig_claim_clicked.connect(self._on_highlight_clicked)
        view.sig_caret_moved.connect(self._on_caret_moved)
        view.claim_order = self._mine_first  # a click picks my own claim before a colleague's
        view.sig_escape_pressed.connect(self._let_go)

    # --- what is shown ------------------------------------------------------------------

    def show_first_look(self, look: FirstLook) -> None:
        """Show what a project's first look read; edits wait for `set_project` (see project_pending)."""
        self.codebook = look.codebook
        self.panel.set_codebook(look.codebook)
        self.view.set_type_colours({t.id: t.colour for t in look.codebook.source_types})
        if look.article is not None:
            # Only module-level objects and the first look's own are alive yet: nothing worth a collection.
            with collector_paused(collect_first=False):
                self._show(look.article, look.claims)
            self._first_look_article = look.article.id

    def forget_first_look(self) -> None:
        """The first look's article is not the project about to be set: do not keep it."""
        self._first_look_article = None
        self.project_pending = None

    def set_project(self, project: Project | None, annotator: Annotator | None) -> None:
        """Work on `project` from now on; an article its first look showed stays on screen as it is."""
        self.panel.commit_pending()
        self.project, self.annotator = project, annotator
        self.panel.editor.set_owner(annotator.id if annotator is not None else None)
        self.project_pending = None
        if self._first_look_article is None or project is None:
            self.article = None
            self._claims = {}
            thaw()  # what the last project's articles froze is the collector's again (bulk_build)
        self._first_look_article = None
        self.undo_stack.clear()
        self.reload_codebook()

    def _ready(self) -> bool:
        """Whether edits can be saved, after finishing a project that is still opening."""
        if self.project is None and self.project_pending is not None:
            finish, self.project_pending = self.project_pending, None
            finish()
        return self.project is not None

    def reload_codebook(self) -> None:
        if self.project is None:
            return
        self.codebook = self.project.codebook.get()
        self.panel.set_codebook(self.codebook)
        self.view.set_type_colours({t.id: t.colour for t in self.codebook.source_types})

    def show_article(self, article_id: str) -> None:
        assert self.project is not None and self.codebook is not None
        self.panel.commit_pending()
        with collector_paused():  # read and index the claims in one go (bulk_build says why)
            opened = self.project.claims.open_article(article_id)
            if opened is None:
                return
            self._show(*opened)
        if self._unchecked is not None and self._unchecked == self.project.path:
            self._remember_when_checked = article_id
        else:
            self.project.articles.remember_opened(article_id)

    def hold_until_checked(self) -> None:
        """The project's file is being checked: keep the app's own writes until `file_checked` says so."""
        assert self.project is not None
        self._unchecked, self._remember_when_checked = self.project.path, None

    def file_checked(self, path: Path, sound: bool) -> None:
        """The check of the file at `path` has finished: a sound file gets the writes held for it."""
        if self._unchecked is None or path != self._unchecked:
            return
        held, self._unchecked, self._remember_when_checked = self._remember_when_checked, None, None
        if sound and held is not None and self.project is not None and self.project.path == path:
            self.project.articles.remember_opened(held)

    def _show(self, article: Article, claims: list[Claim]) -> None:
        assert self.codebook is not None
        self.article = article
        self.view.show_article(article.text, claims, {t.id: t.colour for t in self.codebook.source_types})
        self.panel.set_claims(claims)
        self._claims = self.panel.model.claims_by_id()  # the list's own index, copied: cheaper than anew
        # The same article shown again (new details, a codebook change) keeps its selected claim in the
        # panel: mark it in the text too, or a key press would act on a claim the user cannot see selected.
        selected = self.panel.selected_claim_id()
        if selected is not None:
            self.view.mark_claim(selected)

    def show_annotators(self, shown: frozenset[str] | None, lines: Mapping[str, Any]) -> None:
        """Show only these annotators' claims (None: everyone's), in the text and the list; colleagues in
        `lines` are drawn with that underline style. A selected claim that is no longer shown is let go,
        so that no key acts on a claim the user cannot see."""
        self._shown_annotators = shown
        if self.view.highlights.set_shown_annotators(shown, lines):
            self.view.viewport().update()
        self.panel.set_shown_annotators(shown)
        selected = self.selected_claim()
        if selected is not None and not self.is_shown(selected):
            self.panel.select_claim(None)
            self.view.mark_claim(None)
            cursor = self.view.textCursor()
            cursor.clearSelection()  # the text selected with it would still show the hidden claim's extent
            self.view.setTextCursor(cursor)

    def is_shown(self, claim: Claim) -> bool:
        return self._shown_annotators is None or claim.annotator_id in self._shown_annotators

    def selected_claim(self) -> Claim | None:
        claim_id = self.panel.selected_claim_id()
        return self._claims.get(claim_id) if claim_id else None

    # --- edits ------------------------------------------------------------------------------

    def tag_selection(self, type_id: str) -> None:
        """Tag the selected text, or retype the selected claim when no new text is selected."""
        if not self._ready() or self.article is None or self.annotator is None or self.codebook is None:
            return
        source_type = self.codebook.type_by_id(type_id)
        if source_type is None:
            return
        span = self._selected_words()
        selected = self.selected_claim()
        if selected is not None and (span is None or span == (selected.start, selected.end)):
            if selected.source_type_id != type_id:
                self.edit_claim(selected.id, {"source_type_id": type_id})
            self.view.setFocus()
            return
        if span is None:
            self.sig_message_requested.emit("Select some text in the article first, then press a type's key.")
            return
        start, end = span
        if start == end:
            self.sig_message_requested.emit(
                "The selection is only white space: select the words of the claim."
            )
            return
        self._save(
            lambda: self._do_tag(start, end, type_id, source_type.name),
        )
        self.view.setFocus()

    def _claim_at_caret(self) -> str | None:
        span = self._selected_words()
        position = (
            span[0] if span is not None else code_point_at(self.view.textCursor(), self.view.position_map)
        )
        under = self._mine_first(self.view.claim_ids_at(position))
        return under[0] if under else None

    def _mine_first(self, claim_ids: list[str]) -> list[str]:
        """`claim_ids` (innermost first) with my own claims before colleagues' (which I may not change)."""
        claims = self._claims
        return sorted(
            claim_ids, key=lambda claim_id: claim_id not in claims or self._is_colleagues(claims[claim_id])
        )

    def _is_colleagues(self, claim: Claim) -> bool:
        """Whether `claim` is another annotator's: annotators change only their own claims."""
        return self.annotator is not None and claim.annotator_id != self.annotator.id

    def _selected_words(self) -> tuple[int, int] | None:
        """The selection without white space at its ends (word-wise selection takes the space after)."""
        span = self.view.selected_span()
        return trim_span(self.view.text(), *span) if span is not None else None

    def _do_tag(self, start: int, end: int, type_id: str, type_name: str) -> None:
        assert self.project and self.article and self.annotator
        changes, claim = self.project.claims.create(
            article_id=self.article.id,
            annotator_id=self.annotator.id,
            start=start,
            end=end,
            source_type_id=type_id,
            confidence=self.panel.current_confidence,
        )
        self.undo_stack.push(TagClaimCommand(claim, type_name, self.project.claims, self))
        self.refresh(changes, [claim])
        self._picked = None  # made, not picked: the caret moving into another claim selects that one
        self._select(claim.id)
        if not self.is_shown(claim):  # else the claim seems not to have been made, and gets made twice
            self.sig_message_requested.emit(
                f"Tagged as {type_name}, but your claims are not shown: View > Show Claims Of > Mine."
            )

    def set_confidence(self, value: int) -> None:
        """Set the confidence for new claims; a selected claim takes it too."""
        self.panel.set_current_confidence(value)
        selected = self.selected_claim()
        span = self._selected_words()
        if (
            selected is not None
            and selected.confidence != value
            and (span is None or span == (selected.start, selected.end))
        ):
            if self._is_colleagues(selected):
                name = selected.annotator_name
                label = self.codebook.level_label(value) if self.codebook is not None else str(value)
                self.sig_message_requested.emit(
                    f"New claims get confidence {label}; {name}'s claim stays as it is"
                    f" (only {name} changes it)."
                )
                return
            self.edit_claim(selected.id, {"confidence": value})

    def step_confidence(self, delta: int) -> None:
        if self.codebook is None:
            return
        values = [level.value for level in self.codebook.confidence_levels]
        current = self.panel.current_confidence
        index = values.index(current) if current in values else len(values) // 2
        self.set_confidence(values[max(0, min(len(values) - 1, index + delta))])

    def edit_claim(self, claim_id: str, fields: dict[str, Any]) -> None:
        if claim_id not in self._claims or not self._ready():
            return
        before = self._claims[claim_id]
        if self._refused_as_colleagues(before):
            return
        fields = {k: v for k, v in fields.items() if getattr(before, k) != v}
        if not fields:
            return
        self._save(lambda: self._do_edit(claim_id, fields))

    def _do_edit(self, claim_id: str, fields: dict[str, Any]) -> None:
        assert self.project is not None
        changes, before, after = self.project.claims.update(claim_id, **fields)
        self.undo_stack.push(
            EditClaimCommand(self._describe_edit(after, fields), before, after, self.project.claims, self)
        )
        self.refresh(changes, [after])

    def _describe_edit(self, claim: Claim, fields: dict[str, Any]) -> str:
        if "source_type_id" in fields and self.codebook is not None:
            source_type = self.codebook.type_by_id(fields["source_type_id"])
            return f"Retype “{short_quote(claim.quote)}” as {source_type.name if source_type else '?'}"
        if "confidence" in fields and self.codebook is not None:
            return f"Rate “{short_quote(claim.quote)}” {self.codebook.level_label(fields['confidence'])}"
        names = sorted({FIELD_NAMES.get(k, k) for k in fields})
        return f"Edit {' and '.join(names)} of “{short_quote(claim.quote)}”"

    def adjust_span(self, claim_id: str | None = None) -> None:
        claim_id = claim_id or self.panel.selected_claim_id()
        span = self._selected_words()
        if claim_id is None:
            return
        if span is None:
            self.sig_message_requested.emit("Select the new extent of the claim in the article first.")
            return
        self.edit_claim(claim_id, {"start": span[0], "end": span[1]})

    def delete_claim(self, claim_id: str | None = None) -> None:
        """Delete the given claim, else the selected one, else the innermost claim at the caret."""
        claim_id = claim_id or self.panel.selected_claim_id() or self._claim_at_caret()
        if claim_id is None or claim_id not in self._claims or not self._ready():
            return
        if self._refused_as_colleagues(self._claims[claim_id]):
            return
        self._save(lambda: self._do_delete(claim_id))

    def _refused_as_colleagues(self, claim: Claim) -> bool:
        """Whether `claim` is a colleague's, which this annotator may not change (and say so).

        Annotators change only their own claims: coding stays independent, and each claim stays the
        word of the annotator it names. Differences are settled in the review, into its own layer.
        """
        if not self._is_colleagues(claim):
            return False
        self.sig_message_requested.emit(
            f"That is {claim.annotator_name}'s claim, which only {claim.annotator_name} changes."
            " To settle a difference, use Review > Review Disagreements."
        )
        return True

    def _do_delete(self, claim_id: str) -> None:
        assert self.project is not None
        changes, claim = self.project.claims.delete(claim_id)
        self.undo_stack.push(DeleteClaimCommand(claim, self.project.claims, self))
        self.refresh(changes, [])
        self.view.setFocus()

    def _save(self, action: Callable[[], None]) -> None:
        # Text still being typed in the panel is saved first, as its own undoable edit: a key
        # press elsewhere must not refresh the editor over it.
        self.panel.commit_pending()
        try:
            action()
        except Exception as error:
            self.report(error)

    # --- the one refresh hook (CommandSink) ------------------------------------------------

    def reveal(self, article_id: str, at: int) -> None:
        if self.article is None or self.article.id != article_id:
            self.sig_article_wanted.emit(article_id)
        if self.article is not None and self.article.id == article_id:
            self.view.select_span(at, at)  # the caret where the claim is (or was), in view

    def select_if_there(self, claim_id: str) -> None:
        if claim_id in self._claims and self.is_shown(self._claims[claim_id]):
            self._picked = None
            self._select(claim_id)

    def refresh(self, changes: Changes, claims: list[Claim]) -> None:
        for claim_id in changes.removed_claims:
            if self._claims.pop(claim_id, None) is not None:
                self.view.remove_claim(claim_id)
                self.panel.remove_claim(claim_id)
        selected = self.panel.selected_claim_id()
        for claim in claims:
            if self.article is None or claim.article_id != self.article.id:
                continue
            old = self._claims.get(claim.id)
            self._claims[claim.id] = claim
            self.view.upsert_claim(claim)
            self.panel.upsert_claim(claim)
            if claim.id == selected and old is not None and (old.start, old.end) != (claim.start, claim.end):
                # Undo or redo moved the selected claim: select its new text, so that the next
                # digit retypes it rather than tagging the old extent anew.
                self.view.mark_claim(claim.id)
        if selected not in self._claims:
            self.view.mark_claim(None)
        self.sig_changes_saved.emit(changes)

    def report(self, error: Exception) -> None:
        # The panel may show a value that was not saved: show the stored claim again.
        selected = self.selected_claim()
        if selected is not None:
            self.panel.upsert_claim(selected)
        self.sig_error_raised.emit(user_message(error))

    # --- selection in both directions -------------------------------------------------------

    def _on_row_selected(self, claim_id: str) -> None:
        self._picked = claim_id or None
        self.view.mark_claim(claim_id or None)  # "" means the selection was cleared

    def _on_highlight_clicked(self, claim_id: str) -> None:
        self._picked = claim_id
        self._select(claim_id)

    def _on_caret_moved(self, position: int) -> None:
        """The keys moved the caret into a claim: it becomes the selected claim, as a click on it would
        make it (its text is not selected: the caret stays where the keys put it), my own first where
        claims overlap. So Delete and the type keys act on the claim the caret is in. A claim picked in
        the list or by a click stays selected (Ctrl+Shift+A moves it to the text selected next) until
        Escape; so does any claim while the caret is in plain text."""
        under = self.view.claim_ids_at(position)
        selected = self.panel.selected_claim_id()
        if not under or selected in under or (selected is not None and selected == self._picked):
            return
        chosen = self._mine_first(under)[0]
        self.panel.select_claim(chosen)
        self.view.mark_claim(chosen, select_text=False)

    def _let_go(self) -> None:
        """Escape in the article: no claim is selected any more (keys then tag, or act at the caret)."""
        self._picked = None
        if self.panel.selected_claim_id() is not None:
            self.panel.select_claim(None)
            self.view.mark_claim(None)

    def select_claim(self, claim_id: str) -> None:
        """Select a claim of the shown article in the list and mark its text, if its annotator is shown
        (the user picked it: the review, an agreement table, a test standing in for a click)."""
        claim = self._claims.get(claim_id)
        if claim is not None and not self.is_shown(claim):
            self.sig_message_requested.emit("That claim's annotator is not shown (View > Show Claims Of).")
            return
        self._picked = claim_id
        self._select(claim_id)

    def _select(self, claim_id: str) -> None:
        self.panel.select_claim(claim_id)
        self.view.mark_claim(claim_id)
