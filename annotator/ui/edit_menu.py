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


def show_article_details(window: MainWindow, article_id: str) -> None:
    """After the details of an article changed (an edit, its undo or redo)."""
    if window.project is None:
        return
    if window.controller.article is not None and window.controller.article.id == article_id:
        window.controller.article = window.project.articles.get(article_id)
        window._show_header()
    window.reload_articles(select=window._current_article_id())
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
