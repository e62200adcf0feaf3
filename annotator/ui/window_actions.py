"""The main window's actions and menus, and the Claim and View menus rebuilt from each codebook."""

from __future__ import annotations

from typing import TYPE_CHECKING

from annotator import APP_NAME
from annotator.ui.look import plain_tooltip
from annotator.ui.window_texts import menu_text

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction, QKeySequence

    from annotator.ui.main_window import MainWindow

# Qt classes are imported inside the functions, which run after the window's first paint (see main_window).


def add_action(
    window: MainWindow,
    text: str,
    slot: object,
    shortcut: QKeySequence | str | None = None,
    tip: str = "",
) -> QAction:
    """An action of the window's, so its shortcut works wherever the focus is in the window."""
    from PySide6.QtGui import QAction, QKeySequence

    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setStatusTip(tip)
    action.triggered.connect(slot)
    window.addAction(action)
    return action


def build_actions(window: MainWindow) -> None:
    """The fixed actions, as `window.new_action`, `window.undo_action`, …; off until a project opens."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QKeySequence

    key = QKeySequence.StandardKey
    window.new_action = add_action(window, "&New Project…", window.new_project, key.New)
    files = window.files  # the File menu's commands
    window.open_action = add_action(window, "&Open Project…", files.open_project_dialog, key.Open)
    window.import_action = add_action(window, "&Import Articles…", files.import_articles_dialog, "Ctrl+I")
    window.paste_action = add_action(window, "&Paste Article as New…", window.paste_article, "Ctrl+Shift+V")
    window.export_action = add_action(window, "&Export Dataset…", window.export_dataset, "Ctrl+E")
    window.merge_action = add_action(
        window,
        "&Merge Colleague's Project…",
        files.merge_project_dialog,
        tip="Bring another project's articles, codebook and claims into this one",
    )
    window.import_claims_action = add_action(
        window,
        "Import C&laims…",
        files.import_claims_dialog,
        tip="Bring claims in from a dataset CSV or a claims JSONL file",
    )
    window.save_as_action = add_action(
        window,
        "Save Project &As…",
        files.save_project_as,
        "Ctrl+Shift+S",
        "Write the project as it is now to a new file, and go on there",
    )
    window.restore_action = add_action(
        window,
        "&Restore from Backup…",
        files.restore_backup_dialog,
        tip="Replace the project with one of its automatic backups",
    )
    window.quit_action = add_action(window, "&Quit", window.close, key.Quit)
    window.undo_action = window.undo_stack.createUndoAction(window, "&Undo")
    window.undo_action.setShortcut(QKeySequence(key.Undo))
    window.redo_action = window.undo_stack.createRedoAction(window, "&Redo")
    # The platform's Redo is Ctrl+Shift+Z on Linux desktops and Ctrl+Y elsewhere; the same
    # sequence twice on one action makes Qt call it ambiguous and do nothing.
    redo_keys = [
        QKeySequence("Ctrl+Shift+Z"),
        QKeySequence("Ctrl+Y"),
        *QKeySequence.keyBindings(key.Redo),
    ]
    window.redo_action.setShortcuts(list({k.toString(): k for k in redo_keys}.values()))
    # Text still being typed in a claim's field is saved, as its own step, before an undo or redo
    # starts: saved during one (when the step shows another article) it would land mid-history.
    for action, step in (
        (window.undo_action, window.undo_stack.undo),
        (window.redo_action, window.undo_stack.redo),
    ):
        action.triggered.disconnect()
        action.triggered.connect(lambda _checked=False, step=step: _after_pending_typing(window, step))
    window.addActions([window.undo_action, window.redo_action])
    window.details_action = add_action(window, "Article &Details…", window.edit_article_details)
    window.delete_article_action = add_action(
        window,
        "Delete &Article…",
        window.delete_article,
        tip="Delete the shown article with its claims (asks first)",
    )
    window.codebook_action = add_action(window, "&Codebook…", window.edit_codebook, "Ctrl+K")
    window.annotator_action = add_action(
        window,
        "Annotator &Name…",
        files.change_annotator,
        tip="Who is annotating: the claims you make from now on are recorded under this name",
    )
    window.delete_action = add_action(
        window, "&Delete Claim", lambda: window.controller.delete_claim(), QKeySequence(Qt.Key.Key_Delete)
    )
    window.adjust_action = add_action(
        window, "&Adjust Span to Selection", lambda: window.controller.adjust_span(), "Ctrl+Shift+A"
    )
    window.raise_action = add_action(
        window,
        "&Raise Confidence",
        lambda: window.controller.step_confidence(+1),
        "]",
        "Confidence for new claims up",
    )
    window.lower_action = add_action(
        window,
        "&Lower Confidence",
        lambda: window.controller.step_confidence(-1),
        "[",
        "Confidence for new claims down",
    )
    window.agreement_action = add_action(
        window,
        "&Agreement…",
        window.show_agreement,
        "Ctrl+Shift+G",
        "How far the annotators agree: kappa and alpha, and the tables behind them",
    )
    window.review_action = add_action(
        window,
        "Review &Disagreements…",
        window.show_review,
        "Ctrl+Shift+R",
        "Settle each unit where the annotators differ: accept a version, edit it, or reject it",
    )
    window.reload_action = add_action(
        window,
        "&Reload",
        lambda: _after_pending_typing(window, window.reload_from_file),
        "F5",
        "Show what another program (an import or merge on the command line) changed in the project",
    )
    window.invisibles_action = add_action(
        window,
        "Show &Invisible Characters",
        window._show_invisibles,
        "Ctrl+Shift+I",
        "Mark bidi controls and zero-width characters in the article",
    )
    window.invisibles_action.setCheckable(True)
    window.tag_actions = []
    window.confidence_actions = []
    window.project_actions = [
        window.import_action,
        window.paste_action,
        window.export_action,
        window.save_as_action,
        window.restore_action,
        window.merge_action,
        window.import_claims_action,
        window.agreement_action,
        window.review_action,
        window.details_action,
        window.delete_article_action,
        window.codebook_action,
        window.delete_action,
        window.adjust_action,
        window.raise_action,
        window.lower_action,
    ]
    for action in window.project_actions:
        action.setEnabled(False)


def _after_pending_typing(window: MainWindow, step: Callable[[], None]) -> None:
    if window.built:
        window.claim_panel.commit_pending()
    step()


def build_menus(window: MainWindow) -> None:
    """File, Edit, Claim, View, Review and Help; the Claim and View menus fill in with each codebook."""
    from PySide6.QtWidgets import QMenu

    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([window.new_action, window.open_action])
    window.recent_menu = QMenu("Open &Recent", window)
    window.recent_menu.aboutToShow.connect(window._fill_recent_menu)
    file_menu.addMenu(window.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions(
        [window.import_action, window.paste_action, window.merge_action, window.import_claims_action]
    )
    file_menu.addSeparator()
    file_menu.addAction(window.export_action)
    file_menu.addAction(window.save_as_action)
    file_menu.addAction(window.restore_action)
    file_menu.addSeparator()
    file_menu.addAction(window.quit_action)
    edit_menu = bar.addMenu("&Edit")
    edit_menu.addActions([window.undo_action, window.redo_action])
    edit_menu.addSeparator()
    edit_menu.addActions([window.details_action, window.delete_article_action, window.codebook_action])
    edit_menu.addSeparator()
    edit_menu.addAction(window.annotator_action)
    window.claim_menu = bar.addMenu("&Claim")
    window.view_menu = bar.addMenu("&View")
    review_menu = bar.addMenu("&Review")
    window.review_menu = review_menu  # blind mode disables what it holds
    review_menu.addAction(window.agreement_action)
    review_menu.addAction(window.review_action)
    help_menu = bar.addMenu("&Help")
    help_menu.addAction(add_action(window, "&Keyboard Shortcuts", window.show_shortcuts, "F1"))
    help_menu.addAction(add_action(window, f"&About {APP_NAME}", window.show_about))


def rebuild_codebook_actions(window: MainWindow) -> None:
    """Digits tag with the codebook's types; Alt+digits set the confidence."""
    for action in window.tag_actions + window.confidence_actions:
        window.removeAction(action)
        action.deleteLater()
    window.tag_actions, window.confidence_actions = [], []
    window.claim_menu.clear()
    window.view_menu.clear()
    codebook = window.controller.codebook
    if codebook is None:
        return
    for number, source_type in enumerate(codebook.active_types, start=1):
        action = add_action(
            window,
            f"Tag as {menu_text(source_type.name)}",
            lambda _=False, type_id=source_type.id: window.controller.tag_selection(type_id),
            str(number) if number <= 9 else None,
            source_type.definition,
        )
        action.setToolTip(plain_tooltip(source_type.definition))
        window.tag_actions.append(action)
    window.claim_menu.addActions(window.tag_actions)
    window.claim_menu.addSeparator()
    confidence_menu = window.claim_menu.addMenu("Con&fidence")
    for level in codebook.confidence_levels:
        action = add_action(
            window,
            f"{level.value} · {menu_text(level.label)}",
            lambda _=False, value=level.value: window.controller.set_confidence(value),
            f"Alt+{level.value}" if level.value <= 9 else None,
        )
        window.confidence_actions.append(action)
    confidence_menu.addActions(window.confidence_actions)
    confidence_menu.addSeparator()
    confidence_menu.addActions([window.raise_action, window.lower_action])
    window.claim_menu.addSeparator()
    window.claim_menu.addActions([window.adjust_action, window.delete_action])
    from PySide6.QtGui import QAction

    highlight_menu = window.view_menu.addMenu("&Highlight Source Types")
    # Rebuilt toggles keep the user's choice, so the menu and the article agree on what is hidden.
    hidden = window.article_view.highlights.hidden_types
    for source_type in codebook.active_types:
        toggle = QAction(menu_text(source_type.name), highlight_menu)
        toggle.setCheckable(True)
        toggle.setChecked(source_type.id not in hidden)
        toggle.setData(source_type.id)
        toggle.toggled.connect(window._apply_hidden_types)
        highlight_menu.addAction(toggle)
    window._highlight_toggles = highlight_menu.actions()
    window._apply_hidden_types()  # forgets types no longer in the menu (another project, a retired type)
    window.view_menu.addAction(window.invisibles_action)
    window.view_menu.addAction(window.reload_action)
    window.annotator_view.add_to(window.view_menu)
    window.view_menu.addSeparator()
    window.view_menu.addAction(
        add_action(window, "Next Article", lambda: window._step_article(+1), "Ctrl+PgDown")
    )
    window.view_menu.addAction(
        add_action(window, "Previous Article", lambda: window._step_article(-1), "Ctrl+PgUp")
    )
