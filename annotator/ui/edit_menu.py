"""The Edit menu's dialogs: an article's details and the codebook, each edit an undoable step."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.ui.main_window import MainWindow

# The dialogs are imported inside the functions, which run after the window's first paint (see main_window).


def edit_article_details(window: MainWindow) -> None:
    if window.project is None or window.controller.article is None:
        return
    from annotator.ui.article_dialog import ArticleMetadataDialog

    summary = next((a for a in window.project.articles.list() if a.id == window.controller.article.id), None)
    if summary is None:
        return
    dialog = ArticleMetadataDialog(summary, window)
    if not window.dialogs.run_dialog(dialog):
        return
    from annotator.ui.undo import ArticleDetailsCommand

    before = {
        "title": summary.title,
        "outlet": summary.outlet,
        "url": summary.url,
        "published": summary.published,
    }
    after = dialog.values()
    try:
        window.project.articles.update_metadata(summary.id, **after)
    except ValueError as error:
        window.dialogs.error("Details not saved", str(error))
        return
    window.undo_stack.push(
        ArticleDetailsCommand(
            summary.id,
            before,
            after,
            window.project.articles,
            window._show_article_details,
            window.controller.report,
        )
    )
    window._show_article_details(summary.id)


def delete_article(window: MainWindow) -> None:
    """Edit > Delete Article…: the shown article with all its claims, after a question that says what goes.

    Not an undoable step (its claims stay in their history); the undo history is cleared, as its
    steps may name the article's claims."""
    if window.project is None or window.controller.article is None:
        return
    article = window.controller.article
    claims, annotators, decisions = window.project.articles.contents(article.id)
    whose = "" if annotators <= 1 else f" by {annotators} annotators"
    lost = [f"{claims} claim{'s' if claims != 1 else ''}{whose}"] if claims else []
    if decisions:
        lost.append(f"{decisions} review decision{'s' if decisions != 1 else ''}")
    what = f" with its {' and '.join(lost)}" if lost else ""
    if not window.dialogs.confirm(
        "Delete article",
        f"Delete “{article.title}”{what}? This cannot be undone (deleted claims are kept in the"
        " project's claim history, and a merge will not bring them back).",
        yes="Delete Article",
    ):
        return
    from annotator.ui.annotation_controller import user_message

    try:
        me = window.annotator.id if window.annotator is not None else None
        changes = window.project.articles.delete(article.id, deleted_by=me)
    except Exception as error:
        window.dialogs.error("Article not deleted", user_message(error))
        return
    window.undo_stack.clear()
    row = window.article_list.currentRow()
    window.controller.refresh(changes, [])
    ids = [a.id for a in window.project.articles.list()]
    window.reload_articles(select=ids[min(row, len(ids) - 1)] if ids else None)
    window._saved_now("Article deleted")
    window.statusBar().showMessage(f"Deleted “{article.title}”{what}; the undo history was cleared.", 8000)


def show_article_details(window: MainWindow, article_id: str) -> None:
    """After the details of an article changed (an edit, its undo or redo)."""
    if window.project is None:
        return
    if window.controller.article is not None and window.controller.article.id == article_id:
        window.controller.article = window.project.articles.get(article_id)
        window._show_header()
    # An undo or redo of another article's details shows that article, as a claim's step does.
    window.reload_articles(select=article_id)
    window._saved_now("Article details saved")


def edit_codebook(window: MainWindow) -> None:
    if window.project is None:
        return
    from annotator.ui.codebook_commands import CodebookUndo
    from annotator.ui.codebook_dialog import CodebookDialog

    # Codebook edits go on the window's undo stack, between the claim edits, so Ctrl+Z reaches them later.
    undo = CodebookUndo(window.undo_stack, window._on_codebook_changed, window.dialogs.error)
    dialog = CodebookDialog(
        window.project.codebook,
        window,
        undo=undo,
        confirm=lambda title, question: window.dialogs.confirm(title, question, yes="Apply Preset"),
    )
    dialog.sig_codebook_changed.connect(window._on_codebook_changed)
    window.dialogs.run_dialog(dialog)
    dialog.deleteLater()
