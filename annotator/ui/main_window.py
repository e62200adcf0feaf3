"""The main window: articles, the article text and the claim panel side by side; menus; projects."""

from __future__ import annotations

import logging
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Signal
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QMainWindow

from annotator import APP_NAME
from annotator.ui.dialogs import ARTICLE_FILTER, CSV_FILTER, PROJECT_FILTER, DialogService
from annotator.ui.look import plain_tooltip
from annotator.ui.theme import style_bar, style_heading, style_list, style_meta, style_title

# This module loads before the window's first paint. Naming PySide6's `Qt` namespace builds all
# of its enums (~50 ms here), and naming a Qt class builds its and its bases' (QListWidget: 19 enums,
# ~6 ms): the methods that need them import them themselves, after the frame has painted.

if TYPE_CHECKING:
    from collections.abc import Callable

    from PySide6.QtGui import QAction, QCloseEvent, QDragEnterEvent, QDropEvent, QKeySequence
    from PySide6.QtWidgets import QListWidgetItem

    from annotator.domain.records import Annotator, ArticleSummary, Changes
    from annotator.services.first_look import FirstLook
    from annotator.services.project import Project
    from annotator.ui.agreement_dialog import AgreementDialog
    from annotator.ui.review_view import ReviewDock

log = logging.getLogger(__name__)

RECENT_KEY = "projects/recent"
MAX_RECENT = 8
ARTICLE_ID_ROLE = 0x0100 + 1  # Qt.ItemDataRole.UserRole + 1, without naming `Qt` (see above)


def menu_text(text: str) -> str:
    """User text in a menu: a lone "&" would become a keyboard mnemonic ("R&D" -> Alt+D)."""
    return text.replace("&", "&&")


def describe_invisibles(found: list[tuple[int, str]]) -> str:
    if not found:
        return "This article has no invisible characters."
    counts = Counter(name for _, name in found)
    listed = ", ".join(f"{count} {name}" for name, count in counts.most_common())
    return f"This article has {len(found)} invisible character{'s' if len(found) != 1 else ''}: {listed}."


def article_tooltip(title: str, outlet: str, published: str, claim_count: int | None) -> str:
    """None leaves the count out (blind mode: it counts colleagues' claims too)."""
    count = f"{claim_count} claim{'s' if claim_count != 1 else ''}" if claim_count is not None else ""
    return plain_tooltip(" · ".join(x for x in (title, outlet, published, count) if x))


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
        self.dialogs = dialogs or DialogService(self)
        self.project: Project | None = None
        self.annotator: Annotator | None = None
        self.undo_stack = QUndoStack(self)
        self.built = False
        self._first_look_path: Path | None = None  # the project a first look shows until it opens
        self.setAcceptDrops(True)
        self.setWindowTitle(APP_NAME)
        self.resize(1360, 860)
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if build:
            self.build()

    def build(self) -> None:
        """The panes, the menus and the tagging controller."""
        from PySide6.QtWidgets import QLabel

        from annotator.ui.annotation_controller import AnnotationController
        from annotator.ui.project_safety import ProjectSafety

        self._build_panes()
        self.controller = AnnotationController(self.article_view, self.claim_panel, self.undo_stack)
        self.controller.sig_changes_saved.connect(self._on_changes_saved)
        self.controller.sig_message_requested.connect(lambda text: self.statusBar().showMessage(text, 6000))
        self.controller.sig_error_raised.connect(lambda text: self.dialogs.error("Not saved", text))
        from annotator.ui.annotator_view import AnnotatorView

        self.annotator_view = AnnotatorView(self, self.settings)
        self.review_dock: ReviewDock | None = None  # made the first time Review Disagreements is chosen
        self.annotator_view.sig_shown_changed.connect(self.controller.show_annotators)
        self.annotator_view.watch(self.article_view)
        self.annotator_view.blind_action.toggled.connect(self._on_blind_mode_toggled)
        self._centre_layout.insertWidget(1, self.annotator_view.legend)  # between the title and the text
        self._build_actions()
        self._build_menus()
        self.annotator_view.govern_menu(self.review_menu)
        self.annotator_view.guard_undo(self.undo_stack)
        self.safety = ProjectSafety(self.dialogs, self)
        self.safety.sig_backup_taken.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.safety.sig_damage_found.connect(self._on_damage_found)
        self.saved_label = QLabel("No project open")
        self.saved_label.setContentsMargins(8, 0, 8, 0)
        style_bar(self.statusBar())
        style_bar(self.menuBar())
        self.statusBar().addPermanentWidget(self.saved_label)
        state = self.settings.value("window/splitter")
        if state is not None:
            self.splitter.restoreState(state)
        self.built = True

    # --- layout -----------------------------------------------------------------------------

    def _build_panes(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtWidgets import QHBoxLayout, QLabel, QListWidget, QPushButton, QVBoxLayout, QWidget

        from annotator.ui.article_view import ArticleView
        from annotator.ui.claim_panel import ClaimPanel
        from annotator.ui.ruled_splitter import RuledSplitter

        self.article_list = QListWidget()
        self.article_list.setAccessibleName("Articles")
        self.article_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.article_list.currentItemChanged.connect(self._on_article_chosen)
        articles_heading = QLabel("Articles")
        style_heading(articles_heading)
        style_list(self.article_list)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(8, 8, 0, 8)
        left_layout.addWidget(articles_heading)
        left_layout.addWidget(self.article_list)

        self.article_title = QLabel()
        style_title(self.article_title)
        self.article_title.setTextFormat(Qt.TextFormat.PlainText)
        self.article_title.setWordWrap(True)
        self.article_meta = QLabel()
        style_meta(self.article_meta)
        self.article_meta.setTextFormat(Qt.TextFormat.PlainText)
        self.article_meta.setWordWrap(True)
        self.details_button = QPushButton("Details…")
        self.details_button.setToolTip("Edit the article's title, outlet, URL and publication date")
        self.details_button.clicked.connect(self.edit_article_details)
        self.details_button.setEnabled(False)  # until an article is shown
        header = QWidget()
        header_layout = QHBoxLayout(header)
        header_layout.setContentsMargins(16, 10, 16, 6)
        titles = QVBoxLayout()
        titles.addWidget(self.article_title)
        titles.addWidget(self.article_meta)
        header_layout.addLayout(titles, 1)
        header_layout.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignTop)

        self.article_view = ArticleView()
        self.article_view.setAccessibleName("Article text")
        centre = QWidget()
        centre_layout = QVBoxLayout(centre)
        centre_layout.setContentsMargins(0, 0, 0, 0)
        centre_layout.setSpacing(0)
        centre_layout.addWidget(header)
        centre_layout.addWidget(self.article_view, 1)
        self._centre_layout = centre_layout

        self.claim_panel = ClaimPanel()
        self.splitter = RuledSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(centre)
        self.splitter.addWidget(self.claim_panel)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([230, 720, 410])
        self.setCentralWidget(self.splitter)

    def _action(
        self, text: str, slot: object, shortcut: QKeySequence | str | None = None, tip: str = ""
    ) -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        from PySide6.QtCore import Qt
        from PySide6.QtGui import QKeySequence

        key = QKeySequence.StandardKey
        self.new_action = self._action("&New Project…", self.new_project, key.New)
        self.open_action = self._action("&Open Project…", self.open_project_dialog, key.Open)
        self.import_action = self._action("&Import Articles…", self.import_articles_dialog, "Ctrl+I")
        self.paste_action = self._action("&Paste Article as New…", self.paste_article, "Ctrl+Shift+V")
        self.export_action = self._action("&Export Dataset…", self.export_dataset, "Ctrl+E")
        self.merge_action = self._action(
            "&Merge Colleague's Project…",
            self.merge_project_dialog,
            tip="Bring another project's articles, codebook and claims into this one",
        )
        self.import_claims_action = self._action(
            "Import C&laims…",
            self.import_claims_dialog,
            tip="Bring claims in from a dataset CSV or a claims JSONL file",
        )
        self.restore_action = self._action(
            "&Restore from Backup…",
            self.restore_backup_dialog,
            tip="Replace the project with one of its automatic backups",
        )
        self.quit_action = self._action("&Quit", self.close, key.Quit)
        self.undo_action = self.undo_stack.createUndoAction(self, "&Undo")
        self.undo_action.setShortcut(QKeySequence(key.Undo))
        self.redo_action = self.undo_stack.createRedoAction(self, "&Redo")
        # The platform's Redo is Ctrl+Shift+Z on Linux desktops and Ctrl+Y elsewhere; the same
        # sequence twice on one action makes Qt call it ambiguous and do nothing.
        redo_keys = [
            QKeySequence("Ctrl+Shift+Z"),
            QKeySequence("Ctrl+Y"),
            *QKeySequence.keyBindings(key.Redo),
        ]
        self.redo_action.setShortcuts(list({k.toString(): k for k in redo_keys}.values()))
        self.addActions([self.undo_action, self.redo_action])
        self.details_action = self._action("Article &Details…", self.edit_article_details)
        self.codebook_action = self._action("&Codebook…", self.edit_codebook, "Ctrl+K")
        self.delete_action = self._action(
            "&Delete Claim", lambda: self.controller.delete_claim(), QKeySequence(Qt.Key.Key_Delete)
        )
        self.adjust_action = self._action(
            "&Adjust Span to Selection", lambda: self.controller.adjust_span(), "Ctrl+Shift+A"
        )
        self.raise_action = self._action(
            "&Raise Confidence",
            lambda: self.controller.step_confidence(+1),
            "]",
            "Confidence for new claims up",
        )
        self.lower_action = self._action(
            "&Lower Confidence",
            lambda: self.controller.step_confidence(-1),
            "[",
            "Confidence for new claims down",
        )
        self.agreement_action = self._action(
            "&Agreement…",
            self.show_agreement,
            "Ctrl+Shift+G",
            "How far the annotators agree: kappa and alpha, and the tables behind them",
        )
        self.review_action = self._action(
            "Review &Disagreements…",
            self.show_review,
            "Ctrl+Shift+R",
            "Settle each unit where the annotators differ: accept a version, edit it, or reject it",
        )
        self.invisibles_action = self._action(
            "Show &Invisible Characters",
            self._show_invisibles,
            "Ctrl+Shift+I",
            "Mark bidi controls and zero-width characters in the article",
        )
        self.invisibles_action.setCheckable(True)
        self.tag_actions: list[QAction] = []
        self.confidence_actions: list[QAction] = []
        self.project_actions = [
            self.import_action,
            self.paste_action,
            self.export_action,
            self.restore_action,
            self.merge_action,
            self.import_claims_action,
            self.agreement_action,
            self.review_action,
            self.details_action,
            self.codebook_action,
            self.delete_action,
            self.adjust_action,
            self.raise_action,
            self.lower_action,
        ]
        for action in self.project_actions:
            action.setEnabled(False)

    def _build_menus(self) -> None:
        from PySide6.QtWidgets import QMenu

        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        file_menu.addActions([self.new_action, self.open_action])
        self.recent_menu = QMenu("Open &Recent", self)
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        file_menu.addMenu(self.recent_menu)
        file_menu.addSeparator()
        file_menu.addActions(
            [self.import_action, self.paste_action, self.merge_action, self.import_claims_action]
        )
        file_menu.addSeparator()
        file_menu.addAction(self.export_action)
        file_menu.addAction(self.restore_action)
        file_menu.addSeparator()
        file_menu.addAction(self.quit_action)
        edit_menu = bar.addMenu("&Edit")
        edit_menu.addActions([self.undo_action, self.redo_action])
        edit_menu.addSeparator()
        edit_menu.addActions([self.details_action, self.codebook_action])
        self.claim_menu = bar.addMenu("&Claim")
        self.view_menu = bar.addMenu("&View")
        review_menu = bar.addMenu("&Review")
        self.review_menu = review_menu  # blind mode disables what it holds
        review_menu.addAction(self.agreement_action)
        review_menu.addAction(self.review_action)
        help_menu = bar.addMenu("&Help")
        help_menu.addAction(self._action("&Keyboard Shortcuts", self.show_shortcuts, "F1"))
        help_menu.addAction(self._action(f"&About {APP_NAME}", self.show_about))

    def _rebuild_codebook_actions(self) -> None:
        """Digits tag with the codebook's types; Alt+digits set the confidence."""
        for action in self.tag_actions + self.confidence_actions:
            self.removeAction(action)
            action.deleteLater()
        self.tag_actions, self.confidence_actions = [], []
        self.claim_menu.clear()
        self.view_menu.clear()
        codebook = self.controller.codebook
        if codebook is None:
            return
        for number, source_type in enumerate(codebook.active_types, start=1):
            action = self._action(
                f"Tag as {menu_text(source_type.name)}",
                lambda _=False, type_id=source_type.id: self.controller.tag_selection(type_id),
                str(number) if number <= 9 else None,
                source_type.definition,
            )
            action.setToolTip(plain_tooltip(source_type.definition))
            self.tag_actions.append(action)
        self.claim_menu.addActions(self.tag_actions)
        self.claim_menu.addSeparator()
        confidence_menu = self.claim_menu.addMenu("Con&fidence")
        for level in codebook.confidence_levels:
            action = self._action(
                f"{level.value} · {menu_text(level.label)}",
                lambda _=False, value=level.value: self.controller.set_confidence(value),
                f"Alt+{level.value}" if level.value <= 9 else None,
            )
            self.confidence_actions.append(action)
        confidence_menu.addActions(self.confidence_actions)
        confidence_menu.addSeparator()
        confidence_menu.addActions([self.raise_action, self.lower_action])
        self.claim_menu.addSeparator()
        self.claim_menu.addActions([self.adjust_action, self.delete_action])
        from PySide6.QtGui import QAction

        highlight_menu = self.view_menu.addMenu("&Highlight Source Types")
        # Rebuilt toggles keep the user's choice, so the menu and the article agree on what is hidden.
        hidden = self.article_view.highlights.hidden_types
        for source_type in codebook.active_types:
            toggle = QAction(menu_text(source_type.name), highlight_menu)
            toggle.setCheckable(True)
            toggle.setChecked(source_type.id not in hidden)
            toggle.setData(source_type.id)
            toggle.toggled.connect(self._apply_hidden_types)
            highlight_menu.addAction(toggle)
        self._highlight_toggles = highlight_menu.actions()
        self._apply_hidden_types()  # forgets types no longer in the menu (another project, a retired type)
        self.view_menu.addAction(self.invisibles_action)
        self.annotator_view.add_to(self.view_menu)
        self.view_menu.addSeparator()
        self.view_menu.addAction(self._action("Next Article", lambda: self._step_article(+1), "Ctrl+PgDown"))
        self.view_menu.addAction(
            self._action("Previous Article", lambda: self._step_article(-1), "Ctrl+PgUp")
        )

    def merge_project_dialog(self) -> None:
        path = self.dialogs.open_file("Merge a colleague's project", PROJECT_FILTER)
        if path is not None:
            self.merge_project(path)

    def import_claims_dialog(self) -> None:
        from annotator.ui.claim_import import import_claims_dialog

        import_claims_dialog(self)

    def merge_project(self, path: Path) -> bool:
        """Bring another project's work into this one, in one transaction; the other file is only read."""
        if self.project is None:
            return False
        from annotator.formats.errors import ImportRejected
        from annotator.services.project import ProjectFileError
        from annotator.ui.background import run_with_progress

        self.claim_panel.commit_pending()
        merge = self.project.merge
        try:
            report = run_with_progress(
                self, "Merge", f"Merging “{path.name}”…", lambda _report: merge.merge_from(path)
            )
        except (ProjectFileError, ImportRejected) as error:
            self.dialogs.error("Not merged", str(error))
            return False
        if self.project is None:
            return False
        self.undo_stack.clear()  # undo steps refer to claims as they were before the merge
        self.controller.reload_codebook()
        self._rebuild_codebook_actions()
        self.annotator_view.set_annotators(self.project.annotators())
        shown = self.controller.article.id if self.controller.article else None
        self.reload_articles(select=shown)
        self._saved_now("Merged")
        self.dialogs.info("Merged", report.summary())
        return True

    def show_agreement(self) -> AgreementDialog | None:
        """Agreement figures over the whole project, computed on a worker thread (with Cancel)."""
        if self.project is None:
            return None
        from PySide6.QtCore import Qt

        from annotator.services.review import ReviewCancelled
        from annotator.ui.agreement_dialog import AgreementDialog
        from annotator.ui.background import run_with_progress

        self.claim_panel.commit_pending()
        review = self.project.review
        total = len(self.project.articles.list())
        try:
            result = run_with_progress(
                self,
                "Agreement",
                "Comparing annotators…",
                lambda report: review.agreement(progress=report),
                total=total,
            )
        except ReviewCancelled:
            return None
        dialog = AgreementDialog(result, self.project.codebook.get(), self.show_claim_at, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()  # not modal: a claim chosen in it shows in the article behind
        self._agreement_dialog = dialog
        return dialog

    def show_review(self) -> ReviewDock | None:
        """Review > Review Disagreements: the article's units in a dock, floating at first (not modal)."""
        if self.project is None or self.annotator is None:
            return None
        from PySide6.QtCore import Qt

        from annotator.ui.review_view import ReviewDock, ReviewPanel

        self.claim_panel.commit_pending()
        dock = self.review_dock
        if dock is None or dock.project is not self.project:
            if dock is not None:
                dock.close()
                dock.deleteLater()
            panel = ReviewPanel(
                self.project, self.annotator, self.undo_stack, self.dialogs, self.show_claim_at
            )
            panel.sig_message_requested.connect(lambda text: self.statusBar().showMessage(text, 6000))
            self.controller.sig_changes_saved.connect(panel.claims_changed)
            dock = self.review_dock = ReviewDock(panel, self)
            self.addDockWidget(Qt.DockWidgetArea.BottomDockWidgetArea, dock)
            dock.float_near(self)  # docked under the panes it would get three rows; the user may dock it
            # Blind mode or a closed project disables the action: the review must not stay in view.
            self.review_action.changed.connect(dock.follow_action)
            self.article_list.currentItemChanged.connect(dock.follow_article)
            self.article_list.model().modelReset.connect(dock.follow_article_list)
        dock.panel.load_articles(self._current_article_id())
        dock.show()
        dock.raise_()
        dock.activateWindow()
        dock.panel.table.setFocus()
        return dock

    def show_claim_at(self, article_id: str, claim_id: str | None, start: int, end: int) -> None:
        """Show an article and select one of its claims (or, without one, a stretch of its text)."""
        if self._current_article_id() != article_id:
            for row in range(self.article_list.count()):
                if self.article_list.item(row).data(ARTICLE_ID_ROLE) == article_id:
                    self.article_list.setCurrentRow(row)
                    break
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

    def _show_invisibles(self, show: bool) -> None:
        self.article_view.set_show_invisibles(show)
        if show:
            self.statusBar().showMessage(describe_invisibles(self.article_view.invisibles()), 10000)

    def _apply_hidden_types(self) -> None:
        hidden = {a.data() for a in self._highlight_toggles if not a.isChecked()}
        self.article_view.set_hidden_types(hidden)

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
        self._rebuild_codebook_actions()
        for action in self.project_actions:
            action.setEnabled(True)
        # After enabling them: blind mode disables the review actions again.
        self.annotator_view.set_project(project.path, annotator, project.annotators())
        self._remember_recent(project.path)
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

    def open_project(self, path: Path) -> bool:
        from annotator.services.project import Project

        try:
            project = Project.open(path)
        except Exception as error:  # refused with a message, or damaged beyond opening
            return self.report_unopenable(path, error)
        return self.attach_opened(project, self.annotator.name if self.annotator else "Annotator")

    def attach_opened(self, project: Project, annotator_name: str) -> bool:
        """Show a project just opened; one that turns out damaged when read is reported instead."""
        try:
            self.attach_project(project, project.annotator(annotator_name))
        except Exception as error:
            log.exception("Could not show %s", project.path)
            project.close()
            if self.project is project:
                self._detach_project()
            return self.report_unopenable(project.path, error)
        return True

    def _detach_project(self) -> None:
        self.safety.project_closing()
        self.project = None
        self.controller.set_project(None, None)
        self.annotator_view.set_project(None, None, [])
        for action in self.project_actions:
            action.setEnabled(False)
        self.article_list.clear()
        self._show_no_article()
        self._update_title()
        self.saved_label.setText("No project open")

    def report_unopenable(self, path: Path, error: Exception) -> bool:
        """Say why `path` did not open; for a damaged project, offer a copy restored from a backup."""
        from annotator.services.backups import damage_report
        from annotator.services.project import NewerProjectError, NotAProjectError
        from annotator.ui.annotation_controller import user_message

        ours = not isinstance(error, NotAProjectError | NewerProjectError)
        damage = damage_report(path) if ours and path.is_file() and path.stat().st_size else None
        if damage is None:
            self.dialogs.error("Cannot open the project", user_message(error))
            return False
        restored = self.safety.restore_copy_of_damaged(path, damage)
        return restored is not None and self.open_project(restored)

    def _on_damage_found(self, path: str, damage: str) -> None:
        if self.project is None or str(self.project.path) != path:
            return
        restored = self.safety.restore_copy_of_damaged(self.project.path, damage)
        if restored is not None:
            self.open_project(restored)

    def restore_backup_dialog(self) -> None:
        if self.project is None:
            return
        path = self.project.path
        backup = self.safety.choose_backup(
            path, f"Replace “{path.name}” with which backup? What it holds now is backed up first."
        )
        if backup is None:
            return
        self.claim_panel.commit_pending()
        self.safety.project_closing()
        project, self.project = self.project, None
        project.close()  # the file is replaced underneath: no connection may stay open
        try:
            self.safety.restore(path, backup)
        except Exception as error:
            self.dialogs.error("Restore from backup", f"{error}\nThe project is as it was.")
            self.open_project(path)
            return
        if self.open_project(path):
            self.statusBar().showMessage(f"Restored the backup of {backup.describe()}.", 10000)

    def new_project(self) -> None:
        path = self.dialogs.save_file("New project", PROJECT_FILTER, "Annotations.sqlite")
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".sqlite")
        if path.exists():
            self.dialogs.error(
                "New project", f"“{path.name}” already exists: use File > Open Project to open it."
            )
            return
        self.open_project(path)

    def open_project_dialog(self) -> None:
        path = self.dialogs.open_file("Open project", PROJECT_FILTER)
        if path is not None:
            self.open_project(path)

    def _recent(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in value or []]

    def _remember_recent(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self._recent() if p != str(path)]
        self.settings.setValue(RECENT_KEY, recent[:MAX_RECENT])

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        recent = [p for p in self._recent() if Path(p).exists()]
        for path in recent:
            action = self.recent_menu.addAction(menu_text(Path(path).name))
            action.setToolTip(plain_tooltip(path))
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_project(Path(p)))
        if not recent:
            self.recent_menu.addAction("No recent projects").setEnabled(False)

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

    def import_articles_dialog(self) -> None:
        paths = self.dialogs.open_files("Import articles", ARTICLE_FILTER)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[Path]) -> list[str]:
        """Import files one by one; each refusal is reported and the others still come in.

        Several files are read and saved on a worker thread behind a progress dialog with Cancel;
        files whose encoding needs the user's word are asked about afterwards, one by one.
        """
        if self.project is None:
            return []
        from annotator.formats.errors import ImportRejected
        from annotator.services.articles import COMMON_ENCODINGS, EncodingUnsure, ImportResult
        from annotator.ui.background import run_with_progress

        articles = self.project.articles

        def work(report: Callable[[int], bool]) -> list[tuple[Path, ImportResult | Exception]]:
            outcomes: list[tuple[Path, ImportResult | Exception]] = []
            for done, path in enumerate(paths, start=1):
                try:
                    outcomes.append((path, articles.import_file(path)))
                except (EncodingUnsure, ImportRejected) as error:
                    outcomes.append((path, error))
                except Exception as error:  # not saved; the others are still reported as they went
                    log.exception("Importing %s failed", path)
                    outcomes.append((path, ImportRejected(path.name, f"it could not be saved ({error})")))
                if not report(done):
                    break
            return outcomes

        if len(paths) > 1:
            outcomes = run_with_progress(
                self, "Import articles", "Importing articles…", work, total=len(paths)
            )
        else:
            outcomes = work(lambda _done: True)
        imported: list[str] = []
        problems: list[str] = []
        for path, outcome in outcomes:
            if isinstance(outcome, EncodingUnsure):
                encoding = self.dialogs.choose_encoding(
                    path.name,
                    outcome.decoded.encoding,
                    COMMON_ENCODINGS,
                    lambda name, p=path: articles.preview_file(p, name),
                )
                if encoding is None:
                    continue
                try:
                    outcome = articles.import_file(path, encoding=encoding)
                except ImportRejected as error:
                    outcome = error
            if not isinstance(outcome, ImportResult):  # refused: the error says why
                problems.append(str(outcome))
                continue
            imported.append(outcome.article_id)
            if not outcome.created:
                problems.append(f"“{path.name}” is already in the project as “{outcome.title}”.")
        if len(outcomes) < len(paths):
            problems.append(
                f"Import stopped: {len(paths) - len(outcomes)} of {len(paths)} files were not read."
            )
        if imported:
            self.reload_articles(select=imported[-1])
            self._saved_now(f"Imported {len(imported)} article{'s' if len(imported) != 1 else ''}")
        if problems:
            self.dialogs.error("Some files were not imported", "\n".join(problems))
        return imported

    def paste_article(self) -> None:
        if self.project is None:
            return
        from annotator.formats.errors import ImportRejected
        from annotator.ui.article_dialog import PasteArticleDialog

        dialog = PasteArticleDialog(self)
        if not self.dialogs.run_dialog(dialog):
            return
        try:
            result = self.project.articles.add_text(dialog.text(), title=dialog.title() or "Pasted article")
        except ImportRejected as error:
            self.dialogs.error("Not imported", str(error))
            return
        self.reload_articles(select=result.article_id)
        if not result.created:
            self.dialogs.error("Not added", f"This text is already in the project as “{result.title}”.")
            return
        self._saved_now("Article added")

    def edit_article_details(self) -> None:
        if self.project is None or self.controller.article is None:
            return
        from annotator.ui.article_dialog import ArticleMetadataDialog

        summary = next((a for a in self.project.articles.list() if a.id == self.controller.article.id), None)
        if summary is None:
            return
        dialog = ArticleMetadataDialog(summary, self)
        if not self.dialogs.run_dialog(dialog):
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
            self.project.articles.update_metadata(summary.id, **after)
        except ValueError as error:
            self.dialogs.error("Details not saved", str(error))
            return
        self.undo_stack.push(
            ArticleDetailsCommand(
                summary.id,
                before,
                after,
                self.project.articles,
                self._show_article_details,
                self.controller.report,
            )
        )
        self._show_article_details(summary.id)

    def _show_article_details(self, article_id: str) -> None:
        """After the details of an article changed (an edit, its undo or redo)."""
        if self.project is None:
            return
        if self.controller.article is not None and self.controller.article.id == article_id:
            self.controller.article = self.project.articles.get(article_id)
            self._show_header()
        self.reload_articles(select=self._current_article_id())
        self._saved_now("Article details saved")

    def edit_codebook(self) -> None:
        if self.project is None:
            return
        from annotator.ui.codebook_commands import CodebookUndo
        from annotator.ui.codebook_dialog import CodebookDialog

        # Codebook edits go on the window's undo stack, between the claim edits, so Ctrl+Z reaches them later.
        undo = CodebookUndo(self.undo_stack, self._on_codebook_changed, self.dialogs.error)
        dialog = CodebookDialog(
            self.project.codebook,
            self,
            undo=undo,
            confirm=lambda title, question: self.dialogs.confirm(title, question, yes="Apply Preset"),
        )
        dialog.sig_codebook_changed.connect(self._on_codebook_changed)
        self.dialogs.run_dialog(dialog)
        dialog.deleteLater()

    def _on_codebook_changed(self) -> None:
        self.controller.reload_codebook()
        self._rebuild_codebook_actions()
        if self.controller.article is not None:
            self.controller.show_article(self.controller.article.id)
        if (dock := self.review_dock) is not None:
            dock.panel.codebook_changed()  # the review names the types too
        self._saved_now("Codebook saved")

    def export_dataset(self) -> None:
        if self.project is None:
            return
        from annotator.ui.export_dialog import ExportDialog

        articles = self.project.articles.list()
        current = next(
            (a for a in articles if self.controller.article and a.id == self.controller.article.id), None
        )
        has_decisions = self.project.exchange.has_decisions()
        options = ExportDialog(
            self.project.annotators(), current, len(articles), self, has_decisions=has_decisions
        )
        if not self.dialogs.run_dialog(options):
            return
        layer = options.layer()
        named = {"annotations": "claims", "reviewed": "reviewed", "all": "claims-with-status"}[layer]
        suggested = f"{self.project.name}-{named}{'-exact' if options.exact() else ''}.csv"
        path = self.dialogs.save_file("Export dataset", CSV_FILTER, suggested)
        if path is None:
            return
        if path.suffix.lower() != ".csv":
            # Appended, not substituted ("claims.v2" stays itself); the file dialog asked about
            # overwriting the name it was given, not this one.
            path = path.with_name(path.name + ".csv")
            if path.exists() and not self.dialogs.confirm(
                "Export dataset", f"“{path.name}” already exists. Replace it?", yes="Replace"
            ):
                return
        from annotator.services.exchange import ExportCancelled
        from annotator.ui.background import run_with_progress

        exchange = self.project.exchange
        annotators = None if options.all_annotators() else options.annotator_names()
        article_ids = options.article_ids()
        try:
            count, changed = run_with_progress(
                self,
                "Export dataset",
                f"Writing {path.name}…",
                lambda progress: (
                    exchange.export_csv(
                        path,
                        layer=layer,
                        article_ids=article_ids,
                        annotator_names=annotators,
                        exact=options.exact(),
                        progress=progress,
                    ),
                    # The reviewed layer holds stale decisions too: counted while the dialog shows.
                    exchange.changed_since_decided(article_ids) if layer != "annotations" else None,
                ),
            )
        except ExportCancelled:
            self.statusBar().showMessage("Export cancelled: no file was written", 8000)
            return
        except OSError as error:
            self.dialogs.error("Export failed", f"Cannot write “{path}”: {error.strerror or error}")
            return
        exported = f"Exported {count} claim{'s' if count != 1 else ''} to {path}"
        self.statusBar().showMessage(exported, 8000)
        if changed is not None and changed.units:
            self.dialogs.info("Export dataset", f"{exported}.\n\nWarning: {changed.warning()}.")

    # --- status -------------------------------------------------------------------------------

    def _on_changes_saved(self, changes: Changes) -> None:
        self._saved_now("Saved")
        if changes.claims or changes.removed_claims:
            self._update_article_count()

    def _saved_now(self, what: str) -> None:
        from datetime import datetime

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
        lines = [
            "Select text with the mouse or Shift+arrows (Ctrl+Shift+arrows by word), then:",
            "  1, 2, 3 …   tag the selection with the first, second, third source type",
            "  Alt+1 … Alt+5   set the confidence (and re-rate the selected claim)",
            "  [ and ]   lower or raise the confidence",
            "  Delete   delete the selected claim",
            "  Ctrl+Shift+A   move the selected claim to the selected text",
            "  Ctrl+Z / Ctrl+Shift+Z   undo / redo",
            "  Ctrl+PgUp / Ctrl+PgDown   previous / next article",
            "  Ctrl+Shift+I   show invisible characters (bidi controls, zero-width characters)",
            "  Ctrl+Shift+G   agreement between annotators",
            "  Ctrl+Shift+R   review disagreements; in its list: N / Shift+N next / previous disagreement,",
            "      1 … 9 accept that annotator's version, E edit, R or Delete reject, U take back,",
            "      A accept every unit all annotators agree on",
            "  Ctrl+Shift+B   blind mode: show only my claims (View > Show Claims Of chooses whose)",
            "Click a highlight to select its claim; click again to reach claims beneath it.",
        ]
        self.dialogs.info("Keyboard shortcuts", "\n".join(lines))

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
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)
