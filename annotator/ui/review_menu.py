"""The Review menu's windows: agreement figures in a dialog, disagreements to settle in a dock."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.main_window import MainWindow
    from annotator.ui.review_view import ReviewDock

# Qt classes are imported inside the functions, which run after the window's first paint (see main_window).


def show_agreement(window: MainWindow) -> AgreementDialog | None:
    """Agreement figures over the whole project, computed on a worker thread (with Cancel)."""
    if window.project is None:
        return None
    from PySide6.QtCore import Qt

    from annotator.services.review import ReviewCancelled
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.background import run_with_progress

    window.claim_panel.commit_pending()
    review = window.project.review
    total = len(window.project.articles.list())
    try:
        result = run_with_progress(
            window,
            "Agreement",
            "Comparing annotators…",
            lambda report: review.agreement(progress=report),
            total=total,
        )
    except ReviewCancelled:
        return None
    dialog = AgreementDialog(result, window.project.codebook.get(), window.show_claim_at, window)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()  # not modal: a claim chosen in it shows in the article behind
    window._agreement_dialog = dialog
    return dialog


def show_review(window: MainWindow) -> ReviewDock | None:
    """Review > Review Disagreements: the article's units in a dock under the panes (not modal), or
    where the reviewer left it last time."""
    if window.project is None or window.annotator is None:
        return None
    from PySide6.QtCore import QTimer

    from annotator.ui.review_view import ReviewDock, ReviewPanel

    window.claim_panel.commit_pending()
    dock = window.review_dock
    first = False
    if dock is None or dock.project is not window.project:
        if dock is not None:
            dock.remember()
            dock.close()
            window.removeDockWidget(dock)
            dock.setObjectName("")  # the new dock takes its place and name in the window's state
            dock.deleteLater()
        panel = ReviewPanel(
            window.project, window.annotator, window.undo_stack, window.dialogs, window.show_claim_at
        )
        panel.sig_message_requested.connect(lambda text: window.statusBar().showMessage(text, 6000))
        window.controller.sig_changes_saved.connect(panel.claims_changed)
        dock = window.review_dock = ReviewDock(panel, window)
        first = not dock.place_in(window, window.settings)
        window.sig_closing.connect(dock.remember)  # disconnected when the dock is deleted
        # Blind mode or a closed project disables the action: the review must not stay in view.
        window.review_action.changed.connect(dock.follow_action)
        window.article_list.currentItemChanged.connect(dock.follow_article)
        window.article_list.model().modelReset.connect(dock.follow_article_list)
    dock.panel.load_articles(window._current_article_id())
    dock.show()
    if first:
        dock.fit_under(window)
    dock.raise_()
    dock.activateWindow()
    dock.panel.table.setFocus()
    # Once the article has made room for the dock: the chosen unit is shown again, above the dock.
    QTimer.singleShot(0, dock.panel, dock.panel.show_current_unit)
    return dock
