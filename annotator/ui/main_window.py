"""The main window: articles, the article text and the claim panel side by side; projects shown in it.

What it delegates, and where: the panes (`window_panes`), the actions and menus (`window_actions`), the
File menu's commands (`project_files`), the Edit and Review menus' dialogs (`edit_menu`, `review_menu`),
its words (`window_texts`).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, QSize, QTimer, Signal
from PySide6.QtGui import QCursor, QGuiApplication, QUndoStack
from PySide6.QtWidgets import QMainWindow

from annotator import APP_NAME
from annotator.ui import edit_menu, review_menu, window_actions
from annotator.ui.dialogs import DialogService
from annotator.ui.project_files import MAX_RECENT, RECENT_KEY, ProjectFiles
from annotator.ui.theme import style_bar
from annotator.ui.window_panes import build_panes
from annotator.ui.window_texts import SHORTCUTS, article_tooltip, describe_invisibles, menu_text

# This module loads before the window's first paint. Naming PySide6's `Qt` namespace builds all
# of its enums (~50 ms here), and naming a Qt class builds its and its bases' (QListWidget: 19 enums,
# ~6 ms): the methods that need them import them themselves, after the frame has painted. So do the
# modules it imports at load time (window_panes, window_actions, project_files, edit_menu, review_menu).

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent
    from PySide6.QtWidgets import QListWidgetItem

    from annotator.domain.records import Annotator, ArticleSummary, Changes
    from annotator.services.first_look import FirstLook
    from annotator.services.project import Project
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.review_view import ReviewDock

__all__ = [
    "ARTICLE_ID_ROLE",
    "MAX_RECENT",
    "RECENT_KEY",
    "MainWindow",
    "article_tooltip",
    "describe_invisibles",
    "menu_text",
]

log = logging.getLogger(__name__)

ARTICLE_ID_ROLE = 0x0100 + 1  # Qt.ItemDataRole.UserRole + 1, without naming `Qt` (see above)


class MainWindow(QMainWindow):
    sig_project_opened = Signal(str)  # the project file's path
    sig_closing = Signal()  # the window is about to close

    def __init__(
        self, settings: QSettings, dialogs: DialogService | None = None, *, build: bool = True
    ) -> None:
        """`build=False` makes only the frame, which paints at once; `build()` adds the rest.

        The app shows the frame first: importing and building the panes takes longer than Qt
        takes to paint a window.
        """
        super().__init__()
        self.settings = settings
        self.dialogs = dialogs or DialogService(self, settings)
        self.project: Project | None = None
        self.annotator: Annotator | None = None
        self.undo_stack = QUndoStack(self)
        self.built = False
        self.files = ProjectFiles(self)  # the File menu's commands
        self._first_look_path: Path | None = None  # the project a first look shows until it opens
        self.first_look_name: str | None = None  # who annotates in a first look, before the project opens
        # Who annotates for this start: `--annotator NAME` (else the name the start chose), for a
        # project opened before any other has (a copy restored from a backup at start, say).
        self.start_name: str | None = None
        self.setAcceptDrops(True)
        self.setWindowTitle(APP_NAME)
        geometry = self.settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            # The screen under the mouse, where a window manager puts a new window; not yet known
            # to the window, which says the primary screen until it is shown.
            screen = QGuiApplication.screenAt(QCursor.pos()) or self.screen()
            self.resize(default_window_size(screen.availableGeometry().size()))
        if build:
            self.build()

    def build(self) -> None:
        """The panes, the menus and the tagging controller."""
        from PySide6.QtWidgets import QLabel

        from annotator.ui.annotation_controller import AnnotationController
        from annotator.ui.project_safety import ProjectSafety
        from annotator.ui.scroll_bars import use_flat_scroll_bars

        use_flat_scroll_bars()  # here, not before the first paint: it costs ~15 ms of PySide enums
        build_panes(self)
        self.controller = AnnotationController(self.article_view, self.claim_panel, self.undo_stack)
        self.controller.sig_changes_saved.connect(self._on_changes_saved)
        self.controller.sig_message_requested.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.controller.sig_article_wanted.connect(self.choose_article)
        self.controller.sig_error_raised.connect(lambda text: self.dialogs.error("Not saved", text))
        from annotator.ui.annotator_view import AnnotatorView

        self.annotator_view = AnnotatorView(self, self.settings)
        self.review_dock: ReviewDock | None = None  # made the first time Review Disagreements is chosen
        self.annotator_view.sig_shown_changed.connect(self.controller.show_annotators)
        self.annotator_view.watch(self.article_view)
        self.annotator_view.blind_action.toggled.connect(self._on_blind_mode_toggled)
        self._centre_layout.insertWidget(1, self.annotator_view.legend)  # between the title and the text
        window_actions.build_actions(self)
        window_actions.build_menus(self)
        self.annotator_view.govern_menu(self.review_menu)
        self.annotator_view.guard_undo(self.undo_stack)
        self.safety = ProjectSafety(self.dialogs, self)
        self.safety.sig_backup_taken.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.safety.sig_damage_found.connect(self.files.on_damage_found)
        self.safety.sig_file_checked.connect(
            lambda path, sound: self.controller.file_checked(Path(path), sound)
        )
        self.saved_label = QLabel("No project open")
        self.saved_label.setContentsMargins(8, 0, 8, 0)
        style_bar(self.statusBar())
        style_bar(self.menuBar())
        self.statusBar().addPermanentWidget(self.saved_label)
        state = self.settings.value("window/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        # A project file deleted or moved while open is noticed without waiting for the next edit.
        self._file_watch = QTimer(self)
        self._file_watch.timeout.connect(self.files.check_still_there)
        self._file_watch.timeout.connect(self._say_if_changed_elsewhere)
        self._file_watch.start(3000)
        self.built = True

    # --- view -----------------------------------------------------------------------------------

    def _rebuild_codebook_actions(self) -> None:
        """Digits tag with the codebook's types; Alt+digits set the confidence (see `window_actions`)."""
        window_actions.rebuild_codebook_actions(self)

    def _show_invisibles(self, show: bool) -> None:
        self.article_view.set_show_invisibles(show)
        if show:
            self.statusBar().showMessage(describe_invisibles(self.article_view.invisibles()), 10000)

    def _apply_hidden_types(self) -> None:
        hidden = {a.data() for a in self._highlight_toggles if not a.isChecked()}
        self.article_view.set_hidden_types(hidden)

    # --- review ---------------------------------------------------------------------------------

    def show_agreement(self) -> AgreementDialog | None:
        """Agreement figures over the whole project, computed on a worker thread (with Cancel)."""
        return review_menu.show_agreement(self)

    def show_review(self) -> ReviewDock | None:
        """Review > Review Disagreements: the article's units in a dock, floating at first (not modal)."""
        return review_menu.show_review(self)

    def show_claim_at(self, article_id: str, claim_id: str | None, start: int, end: int) -> None:
        """Show an article and select one of its claims (or, without one, a stretch of its text)."""
        self.choose_article(article_id)
        if claim_id is not None:
            self.controller.select_claim(claim_id)
        else:
            self.article_view.select_span(start, end)
        self.activateWindow()

    def _on_blind_mode_toggled(self, blind: bool) -> None:
        """Blind mode hides colleagues' work: an agreement window left open would still show it, and the
        article list's tooltips count their claims."""
        if self.project is not None:
            self._fill_article_list(self.project.articles.list(), self._current_article_id())
        if blind:
            from annotator.ui.agreement_dialog import AgreementDialog

            for dialog in self.findChildren(AgreementDialog):
                dialog.close()

    # --- projects -------------------------------------------------------------------------------

    def show_first_look(
        self, look: FirstLook, path: Path, annotator_name: str, finish_opening: Callable[[], object]
    ) -> None:
        """Show a project read before the database layer loaded (see `services.first_look`).

        The project opens for edits in the background and arrives through `attach_project`; an
        edit made before then calls `finish_opening`, which waits for it.
        """
        # Before the claims are shown: blind mode holds from the first paint.
        self.annotator_view.show_first_look(path, annotator_name, look.claims)
        self.controller.show_first_look(look)
        self.controller.project_pending = finish_opening
        self._first_look_path = path
        self.first_look_name = annotator_name  # who is annotating, until the project arrives
        self._rebuild_codebook_actions()
        self._update_title(path.stem, annotator_name)
        self.saved_label.setText("Opening the project…")
        self._fill_article_list(look.articles, look.article.id if look.article else None)
        if look.article is None:
            self._show_no_article()
            return
        self._show_header()
        self.article_view.setFocus()

    def attach_project(self, project: Project, annotator: Annotator) -> None:
        """Show an opened project: its codebook, articles, and its last opened article."""
        if self.project is not None and self.project is not project:
            self.safety.project_closing()
            self.project.close()
        self.project, self.annotator = project, annotator
        first_look_path, self._first_look_path = self._first_look_path, None
        if first_look_path is not None and first_look_path != project.path:
            self.controller.forget_first_look()  # another project was opened before that one arrived
        self.controller.set_project(project, annotator)
        self.controller.hold_until_checked()  # the check starts below; nothing is written before it passes
        self._rebuild_codebook_actions()
        for action in self.project_actions:
            action.setEnabled(True)
        # After enabling them: blind mode disables the review actions again.
        self.annotator_view.set_project(project.path, annotator, project.annotators())
        self.files.remember_recent(project.path)
        self._update_title(project.name, annotator.name)
        self.saved_label.setText("All changes are saved automatically")
        kept = self.controller.article  # a first look's article stays as the user sees it
        if kept is not None:
            self._fill_article_list(project.articles.list(), kept.id)
        else:
            self.reload_articles(select=project.articles.last_opened())
        self.safety.project_opened(project.path)  # checks and backs the file up off the GUI thread
        self.sig_project_opened.emit(str(project.path))

    def _update_title(self, project_name: str | None = None, annotator_name: str | None = None) -> None:
        if project_name is None:
            self.setWindowTitle(APP_NAME)
            return
        who = f" — {annotator_name}" if annotator_name else ""
        self.setWindowTitle(f"{project_name}{who} — {APP_NAME}")

    def attach_opened(self, project: Project, annotator_name: str) -> bool:
        """Show a project just opened; one that turns out damaged when read is reported instead."""
        try:
            if not project.created and not project.knows_annotator(annotator_name):
                # Adding the name writes to the file: not before SQLite has found the file sound (the
                # check on open runs later, off the GUI thread; a new name is rare enough to wait for it).
                from annotator.services.backups import ProjectFileError, damage_report

                damage = damage_report(project.path)
                if damage is not None:
                    raise ProjectFileError(f"The project file is damaged: {damage}")
            self.attach_project(project, project.annotator(annotator_name))
        except Exception as error:
            log.exception("Could not show %s", project.path)
            project.close()
            if self.project is project:
                self.detach_project()
            return self.report_unopenable(project.path, error)
        return True

    def detach_project(self) -> None:
        """Let the project go: the window shows none (its file is closed, or about to be replaced)."""
        self.safety.project_closing()
        self.project = None
        self.controller.set_project(None, None)
        self.annotator_view.set_project(None, None, [])
        for action in self.project_actions:
            action.setEnabled(False)
        self.article_list.clear()
        self._show_no_article()
        self.claim_panel.show_no_project()  # no claim of the closed project stays listed or selectable
        self._update_title()
        self.saved_label.setText("No project open")

    # --- the File menu (see `project_files`) ----------------------------------------------------

    def new_project(self) -> None:
        self.files.new_project()

    def open_project(self, path: Path) -> bool:
        return self.files.open_project(path)

    def report_unopenable(self, path: Path, error: Exception) -> bool:
        """Say why `path` did not open; for a damaged project, offer a copy restored from a backup."""
        return self.files.report_unopenable(path, error)

    def _fill_recent_menu(self) -> None:
        self.files.fill_recent_menu()

    def import_files(self, paths: list[Path]) -> list[str]:
        """Import files one by one; each refusal is reported and the others still come in."""
        return self.files.import_files(paths)

    def paste_article(self) -> None:
        self.files.paste_article()

    def merge_project(self, path: Path) -> bool:
        """Bring another project's work into this one, in one transaction; the other file is only read."""
        return self.files.merge_project(path)

    def export_dataset(self) -> None:
        self.files.export_dataset()

    # --- articles -------------------------------------------------------------------------------

    def reload_articles(self, select: str | None = None) -> None:
        if self.project is None:
            return
        if self._fill_article_list(self.project.articles.list(), select or self._current_article_id()):
            self._on_article_chosen(self.article_list.currentItem())
        else:
            self._show_no_article()

    def _fill_article_list(self, summaries: list[ArticleSummary], select: str | None) -> str | None:
        """List the articles with `select` (else the first) current, without showing it; returns it."""
        self.article_list.blockSignals(True)
        try:
            self.article_list.clear()
            from PySide6.QtWidgets import QListWidgetItem

            for summary in summaries:
                item = QListWidgetItem(summary.title)
                item.setData(ARTICLE_ID_ROLE, summary.id)
                count = None if self.annotator_view.blind else summary.claim_count
                item.setToolTip(article_tooltip(summary.title, summary.outlet, summary.published, count))
                self.article_list.addItem(item)
            ids = [summary.id for summary in summaries]
            target = select if select in ids else (ids[0] if ids else None)
            if target is not None:
                self.article_list.setCurrentRow(ids.index(target))
        finally:
            self.article_list.blockSignals(False)
        return target

    def choose_article(self, article_id: str) -> None:
        """Show `article_id` as if chosen in the list (nothing happens for an article not listed)."""
        if self._current_article_id() != article_id:
            for row in range(self.article_list.count()):
                if self.article_list.item(row).data(ARTICLE_ID_ROLE) == article_id:
                    self.article_list.setCurrentRow(row)
                    break

    def _current_article_id(self) -> str | None:
        item = self.article_list.currentItem()
        return item.data(ARTICLE_ID_ROLE) if item else None

    def _on_article_chosen(
        self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None
    ) -> None:
        if item is None or self.project is None:
            return
        self.controller.show_article(item.data(ARTICLE_ID_ROLE))
        self._show_header()
        self.article_view.setFocus()

    def _show_header(self) -> None:
        article = self.controller.article
        if article is None:
            return
        self.article_title.setText(article.title)
        meta = [x for x in (article.outlet, article.published, article.url) if x]
        self.article_meta.setText(" · ".join(meta) if meta else "No outlet, date or URL yet: see Details…")
        self.details_button.setEnabled(True)

    def _show_no_article(self) -> None:
        self.article_title.setText("No articles yet")
        self.article_meta.setText(
            "Import a .txt or .md file (Ctrl+I), drop files here, or paste text (Ctrl+Shift+V)."
        )
        self.details_button.setEnabled(False)
        self.article_view.show_article("", [], {})

    def _step_article(self, delta: int) -> None:
        row = self.article_list.currentRow() + delta
        if 0 <= row < self.article_list.count():
            self.article_list.setCurrentRow(row)

    # --- edits --------------------------------------------------------------------------------

    def edit_article_details(self) -> None:
        edit_menu.edit_article_details(self)

    def delete_article(self) -> None:
        edit_menu.delete_article(self)

    def _show_article_details(self, article_id: str) -> None:
        """After the details of an article changed (an edit, its undo or redo)."""
        edit_menu.show_article_details(self, article_id)

    def edit_codebook(self) -> None:
        edit_menu.edit_codebook(self)

    def _on_codebook_changed(self) -> None:
        self.controller.reload_codebook()
        self._rebuild_codebook_actions()
        if self.controller.article is not None:
            self.controller.show_article(self.controller.article.id)
        if (dock := self.review_dock) is not None:
            dock.panel.codebook_changed()  # the review names the types too
        self._saved_now("Codebook saved")

    def reload_from_file(self) -> None:
        """View > Reload: the articles and the shown article's claims as the file holds them now."""
        if self.project is None:
            return
        self.project.changed_elsewhere()  # seen now
        # A merge may have brought source types and colleagues, an import articles and claims.
        self.controller.reload_codebook()
        self._rebuild_codebook_actions()
        self.annotator_view.set_annotators(self.project.annotators())
        current = self._current_article_id()
        self.reload_articles(select=current)
        if self.controller.article is not None:
            self.controller.show_article(self.controller.article.id)
        self.statusBar().showMessage("Reloaded from the project file", 4000)

    def _say_if_changed_elsewhere(self) -> None:
        if self.project is not None and self.project.changed_elsewhere():
            self.statusBar().showMessage(
                "Another program changed the project (an import or merge on the command line):"
                " View > Reload (F5) shows it.",
                30_000,
            )

    # --- status -------------------------------------------------------------------------------

    def _on_changes_saved(self, changes: Changes) -> None:
        self._saved_now("Saved")
        # Saved, but into a file that is still there? Asked after the step that saved has ended:
        # the question may open another project, which must not happen inside an undo or redo.
        QTimer.singleShot(0, self.files.check_still_there)
        if changes.claims or changes.removed_claims:
            self._update_article_count()

    def _saved_now(self, what: str) -> None:
        from datetime import datetime

        if self.project is not None and not self.project.is_at_its_path():
            what = "Kept only while open: the project file is gone"
        self.saved_label.setText(f"{what} · {datetime.now().strftime('%H:%M:%S')}")

    def _update_article_count(self) -> None:
        item = self.article_list.currentItem()
        if item is None or self.controller.article is None:
            return
        article = self.controller.article
        count = None if self.annotator_view.blind else self.claim_panel.model.total_count()
        item.setToolTip(article_tooltip(article.title, article.outlet, article.published, count))

    # --- help -----------------------------------------------------------------------------------

    def show_shortcuts(self) -> None:
        self.dialogs.key_table("Keyboard shortcuts", SHORTCUTS)

    def show_about(self) -> None:
        from annotator import __version__

        self.dialogs.info(
            f"About {APP_NAME}",
            f"{APP_NAME} {__version__}\nTag every claim in a news article by whose word it is "
            "and how far to trust it.\nEvery change is saved to the project file at once.",
        )

    # --- window state ---------------------------------------------------------------------------

    def save_layout(self) -> None:
        self.settings.setValue("window/geometry", self.saveGeometry())
        if self.built:
            self.settings.setValue("window/splitter", self.splitter.saveState())
        self.settings.sync()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.built and not self.files.may_close():
            event.ignore()
            return
        self.save_layout()
        if self.built:
            # A comment still being typed is saved before closing (during a first look this
            # finishes opening the project first).
            self.claim_panel.commit_pending()
        self.sig_closing.emit()
        if self.project is not None:
            self.safety.project_closing()
            self.project.close()
            self.project = None
        super().closeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.project is not None and event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        urls = event.mimeData().urls()
        paths = _articles_in([Path(url.toLocalFile()) for url in urls if url.isLocalFile()])
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)
        if len(paths) < len(urls):  # a web page's link, say: nothing to read here
            self.statusBar().showMessage(
                "Only files can be dropped here: save a web page's text as a .txt file, or copy"
                " it and use Paste Article as New (Ctrl+Shift+V).",
                8000,
            )


def default_window_size(available: QSize) -> QSize:
    """1360 by 860, or what the screen has room for beside its panels (a 1366 by 768 laptop)."""
    return QSize(1360, 860).boundedTo(available - QSize(24, 24))


def _articles_in(paths: list[Path]) -> list[Path]:
    """Dropped files as they are, and a dropped folder as the .txt and .md files in it (not hidden
    ones, such as macOS's "._" files), or the folder itself when it has none, for the import to say so."""
    found: list[Path] = []
    for path in paths:
        inside = []
        if path.is_dir():
            inside = sorted(p for p in path.iterdir() if p.suffix.lower() in _ARTICLES and p.name[0] != ".")
        found.extend(inside or [path])
    return found


_ARTICLES = (".txt", ".md")
