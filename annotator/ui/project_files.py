"""The File menu's commands: new, open, recent, restore; import, paste, merge, import claims and export."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.ui.dialogs import ARTICLE_FILTER, CSV_FILTER, PROJECT_FILTER
from annotator.ui.look import plain_tooltip
from annotator.ui.window_texts import menu_text

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from PySide6.QtCore import QSettings

    from annotator.domain.records import ArticleSummary
    from annotator.ui.main_window import MainWindow

# This module loads before the window's first paint (see main_window): Qt classes and the services
# are imported inside the methods that use them.

log = logging.getLogger(__name__)

RECENT_KEY = "projects/recent"


def recent_projects(settings: QSettings) -> list[str]:
    """The projects opened last, newest first (QSettings gives one alone as a plain string)."""
    value = settings.value(RECENT_KEY, [])
    if isinstance(value, str):
        value = [value]
    return [str(v) for v in value or []]


MAX_RECENT = 8


class ProjectFiles:
    """The window's project file commands; they read the window's project and show results in it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self._said_gone: object = None  # the project whose file was found gone, and said so

    # --- opening ------------------------------------------------------------------------------

    def new_project(self) -> None:
        window = self.window
        # An existing file is refused below, so the dialog must not first offer to replace it.
        path = window.dialogs.save_file(
            "New project", PROJECT_FILTER, "Annotations.sqlite", confirm_overwrite=False
        )
        if path is None:
            return
        if path.suffix == "":
            path = path.with_suffix(".sqlite")
        if path.exists():
            window.dialogs.error(
                "New project", f"“{path.name}” already exists: use File > Open Project to open it."
            )
            return
        self.open_project(path)

    def open_project_dialog(self) -> None:
        path = self.window.dialogs.open_file("Open project", PROJECT_FILTER)
        if path is not None:
            self.open_project(path)

    def open_project(self, path: Path) -> bool:
        from annotator.services.project import Project

        window = self.window
        try:
            project = Project.open(path)
        except Exception as error:  # refused with a message, or damaged beyond opening
            return self.report_unopenable(path, error)
        if window.annotator is not None:
            name = window.annotator.name
        elif window.first_look_name is not None:  # the first project is still opening
            name = window.first_look_name
        else:  # no project opened yet this start (the first one failed, or a restored copy opens):
            # the name from the command line, else the remembered one, else asked for
            from annotator.ui.annotator_name import choose_annotator_name

            name = choose_annotator_name(window.start_name, window.settings, window.dialogs)
        return window.attach_opened(project, name)

    def change_annotator(self) -> None:
        """Edit > Annotator Name: who annotates from now on (the claims made so far keep their
        annotator), remembered for the next start as the name asked for on the first one is."""
        from annotator.ui.annotator_name import ANNOTATOR_KEY

        window = self.window
        current = window.annotator.name if window.annotator is not None else ""
        answer = window.dialogs.ask_text(
            "Who is annotating?",
            "Your name or initials, recorded with every claim you make from now on (the claims made so"
            " far keep theirs):",
            current,
        )
        name = " ".join((answer or "").split())
        if not name or name == current:
            return
        window.settings.setValue(ANNOTATOR_KEY, name)
        window.start_name = None  # a --annotator of this start no longer holds
        if window.project is not None:
            # The steps in the history are another annotator's: undone by this one, they would
            # change claims that are no longer theirs to change.
            window.undo_stack.clear()
            window.attach_opened(window.project, name)

    def check_still_there(self) -> None:
        """Say so, once, when the open project's file has been deleted, moved or replaced: the work
        would go on being saved into a file nobody can find once the window closes. The project is
        still open, so it can be saved to a new file (from its open connection)."""
        from PySide6.QtWidgets import QApplication

        window = self.window
        project = window.project
        if project is None or self._said_gone is project or project.is_at_its_path():
            return
        if QApplication.activeModalWidget() is not None:
            return  # a dialog works on the project: asked on a later tick, once it has closed
        self._said_gone = project
        log.warning("The project file %s is gone", project.path)
        window.saved_label.setText("Kept only while open: the project file is gone")
        keep = window.dialogs.confirm(
            "The project file is gone",
            f"“{project.path.name}” is no longer in {project.path.parent}: it was deleted, moved or"
            " replaced while open. Your work is still here, including what you do next, but only"
            " until this window closes. Save the project to a new file now? (File > Save Project As"
            " does it later.)",
            yes="Save As…",
            default_yes=True,
        )
        if keep:
            self.save_project_as()

    def save_project_as(self) -> bool:
        """File > Save Project As: write the open project, as it is now, to a new file and go on
        there (from the open connection: it works when the project's own file is gone)."""
        window = self.window
        project = window.project
        if project is None:
            return False
        path = window.dialogs.save_file(
            "Save the project as", PROJECT_FILTER, str(project.path), confirm_overwrite=False
        )
        if path is None:
            return False
        if not path.suffix:  # as File > New names it, so that File > Open lists it
            path = path.with_suffix(".sqlite")
        try:
            project.save_copy(path)
        except (OSError, ValueError) as error:
            window.dialogs.error("Not saved", str(error))
            return False
        return self.open_project(path)

    def may_close(self) -> bool:
        """Before the window closes: when the project's file is gone, the work lives only in this
        window, so offer to save it first; False keeps the window open."""
        window = self.window
        project = window.project
        if project is None or project.is_at_its_path():
            return True
        if window.dialogs.confirm(
            "The project file is gone",
            f"“{project.path.name}” is no longer in {project.path.parent}, so the work in this window"
            " is lost when it closes. Save the project to a new file first?",
            yes="Save As…",
            default_yes=True,
        ):
            return self.save_project_as()
        return window.dialogs.confirm(
            "Close without saving?",
            "The work since the project file went is then lost for good.",
            yes="Close Without Saving",
        )

    def report_unopenable(self, path: Path, error: Exception) -> bool:
        """Say why `path` did not open; for a damaged project, offer a copy restored from a backup."""
        from annotator.services.backups import damage_report
        from annotator.services.project import NewerProjectError, NotAProjectError
        from annotator.ui.annotation_controller import user_message

        window = self.window
        ours = not isinstance(error, NotAProjectError | NewerProjectError)
        damage = damage_report(path) if ours and path.is_file() and path.stat().st_size else None
        if damage is None:
            window.dialogs.error("Cannot open the project", user_message(error))
            if window.project is None:  # at start: the window says how to go on
                window.claim_panel.show_no_project()
            return False
        restored = window.safety.restore_copy_of_damaged(path, damage)
        return restored is not None and self.open_project(restored)

    def on_damage_found(self, path: str, damage: str) -> None:
        window = self.window
        if window.project is None or str(window.project.path) != path:
            return
        restored = window.safety.restore_copy_of_damaged(window.project.path, damage)
        if restored is not None:
            self.open_project(restored)

    def restore_backup_dialog(self) -> None:
        window = self.window
        if window.project is None:
            return
        path = window.project.path
        backup = window.safety.choose_backup(
            path, f"Replace “{path.name}” with which backup? What it holds now is backed up first."
        )
        if backup is None:
            return
        window.claim_panel.commit_pending()
        project = window.project
        # The window lets the project go before the file is replaced: should the restored file then
        # fail to open, it shows no project rather than one whose connection is closed.
        window.detach_project()
        project.close()  # the file is replaced underneath: no connection may stay open
        try:
            window.safety.restore(path, backup)
        except Exception as error:
            window.dialogs.error("Restore from backup", f"{error}\nThe project is as it was.")
            self.open_project(path)
            return
        if self.open_project(path):
            window.statusBar().showMessage(f"Restored the backup of {backup.describe()}.", 10000)

    # --- recent projects ----------------------------------------------------------------------

    def recent(self) -> list[str]:
        return recent_projects(self.window.settings)

    def remember_recent(self, path: Path) -> None:
        recent = [str(path)] + [p for p in self.recent() if p != str(path)]
        self.window.settings.setValue(RECENT_KEY, recent[:MAX_RECENT])

    def fill_recent_menu(self) -> None:
        recent_menu = self.window.recent_menu
        recent_menu.clear()
        recent = [p for p in self.recent() if Path(p).exists()]
        for path in recent:
            action = recent_menu.addAction(menu_text(Path(path).name))
            action.setToolTip(plain_tooltip(path))
            action.setStatusTip(path)
            action.triggered.connect(lambda _=False, p=path: self.window.open_project(Path(p)))
        if not recent:
            recent_menu.addAction("No recent projects").setEnabled(False)

    # --- bringing work in ---------------------------------------------------------------------

    def import_articles_dialog(self) -> None:
        paths = self.window.dialogs.open_files("Import articles", ARTICLE_FILTER)
        if paths:
            self.import_files(paths)

    def import_files(self, paths: list[Path]) -> list[str]:
        """Import files one by one; each refusal is reported and the others still come in.

        Several files are read and saved on a worker thread behind a progress dialog with Cancel;
        files whose encoding needs the user's word are asked about afterwards, one by one.
        """
        window = self.window
        if window.project is None:
            return []
        from annotator.formats.errors import ImportRejected
        from annotator.services.articles import COMMON_ENCODINGS, EncodingUnsure, ImportResult
        from annotator.ui.background import run_with_progress

        articles = window.project.articles

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
                window, "Import articles", "Importing articles…", work, total=len(paths)
            )
        else:
            outcomes = work(lambda _done: True)
        imported: list[str] = []
        created: list[str] = []
        problems: list[str] = []
        for path, outcome in outcomes:
            if isinstance(outcome, EncodingUnsure):
                encoding = window.dialogs.choose_encoding(
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
            if outcome.created:
                created.append(outcome.article_id)
            else:
                problems.append(f"“{path.name}” is already in the project as “{outcome.title}”.")
        if len(outcomes) < len(paths):
            problems.append(
                f"Import stopped: {len(paths) - len(outcomes)} of {len(paths)} files were not read."
            )
        if imported:
            # The last new article, rather than one that was there already.
            window.reload_articles(select=(created or imported)[-1])
            window._saved_now(f"Imported {len(imported)} article{'s' if len(imported) != 1 else ''}")
        if problems:
            window.dialogs.error("Some files were not imported", "\n".join(problems))
        return imported

    def paste_article(self) -> None:
        window = self.window
        if window.project is None:
            return
        from annotator.formats.errors import ImportRejected
        from annotator.ui.article_dialog import PasteArticleDialog

        dialog = PasteArticleDialog(window)
        if not window.dialogs.run_dialog(dialog):
            return
        try:
            title = dialog.title() or _numbered("Pasted article", window.project.articles.list())
            result = window.project.articles.add_text(dialog.text(), title=title)
        except ImportRejected as error:
            window.dialogs.error("Not imported", str(error))
            return
        window.reload_articles(select=result.article_id)
        if not result.created:
            window.dialogs.error("Not added", f"This text is already in the project as “{result.title}”.")
            return
        window._saved_now("Article added")

    def merge_project_dialog(self) -> None:
        path = self.window.dialogs.open_file("Merge a colleague's project", PROJECT_FILTER)
        if path is not None:
            self.merge_project(path)

    def import_claims_dialog(self) -> None:
        from annotator.ui.claim_import import import_claims_dialog

        import_claims_dialog(self.window)

    def merge_project(self, path: Path) -> bool:
        """Bring another project's work into this one, in one transaction; the other file is only read."""
        window = self.window
        if window.project is None:
            return False
        from annotator.formats.errors import ImportRejected
        from annotator.services.project import ProjectFileError
        from annotator.ui.background import run_with_progress

        window.claim_panel.commit_pending()
        merge = window.project.merge
        try:
            report = run_with_progress(
                window, "Merge", f"Merging “{path.name}”…", lambda _report: merge.merge_from(path)
            )
        except (ProjectFileError, ImportRejected) as error:
            window.dialogs.error("Not merged", str(error))
            return False
        if window.project is None:
            return False
        had_undo = window.undo_stack.count() > 0
        window.undo_stack.clear()  # undo steps refer to claims as they were before the merge
        window.controller.reload_codebook()
        window._rebuild_codebook_actions()
        window.annotator_view.set_annotators(window.project.annotators())
        shown = window.controller.article.id if window.controller.article else None
        window.reload_articles(select=shown)
        window._saved_now("Merged")
        cleared = "\n\nA merge cannot be undone: the undo history was cleared." if had_undo else ""
        window.dialogs.info("Merged", report.summary() + cleared)
        return True

    # --- export -------------------------------------------------------------------------------

    def export_dataset(self) -> None:
        window = self.window
        if window.project is None:
            return
        from annotator.ui.export_dialog import ExportDialog

        articles = window.project.articles.list()
        current = next(
            (a for a in articles if window.controller.article and a.id == window.controller.article.id), None
        )
        has_decisions = window.project.exchange.has_decisions()
        options = ExportDialog(
            window.project.annotators(), current, len(articles), window, has_decisions=has_decisions
        )
        if not window.dialogs.run_dialog(options):
            return
        layer = options.layer()
        named = {"annotations": "claims", "reviewed": "reviewed", "all": "claims-with-status"}[layer]
        suggested = f"{window.project.name}-{named}{'-exact' if options.exact() else ''}.csv"
        path = window.dialogs.save_file("Export dataset", CSV_FILTER, suggested)
        if path is None:
            return
        if path.suffix.lower() != ".csv":
            # Appended, not substituted ("claims.v2" stays itself); the file dialog asked about
            # overwriting the name it was given, not this one.
            path = path.with_name(path.name + ".csv")
            if path.exists() and not window.dialogs.confirm(
                "Export dataset", f"“{path.name}” already exists. Replace it?", yes="Replace"
            ):
                return
        from annotator.services.exchange import ExportCancelled
        from annotator.ui.background import run_with_progress

        exchange = window.project.exchange
        # Everything the worker needs is read from the dialog here: widgets belong to the GUI thread.
        annotators = None if options.all_annotators() else options.annotator_names()
        article_ids = options.article_ids()
        exact = options.exact()
        try:
            count, changed = run_with_progress(
                window,
                "Export dataset",
                f"Writing {path.name}…",
                lambda progress: (
                    exchange.export_csv(
                        path,
                        layer=layer,
                        article_ids=article_ids,
                        annotator_names=annotators,
                        exact=exact,
                        progress=progress,
                    ),
                    # The reviewed layer holds stale decisions too: counted while the dialog shows.
                    exchange.changed_since_decided(article_ids) if layer != "annotations" else None,
                ),
            )
        except ExportCancelled:
            window.statusBar().showMessage("Export cancelled: no file was written", 8000)
            return
        except OSError as error:
            window.dialogs.error("Export failed", f"Cannot write “{path}”: {error.strerror or error}")
            return
        exported = f"Exported {count} claim{'s' if count != 1 else ''} to {path}"
        window.statusBar().showMessage(exported, 8000)
        if changed is not None and changed.units:
            window.dialogs.info("Export dataset", f"{exported}.\n\nWarning: {changed.warning()}.")


def _numbered(title: str, articles: Sequence[ArticleSummary]) -> str:
    """`title`, or "title 2", "title 3"...: the first that no article has, so that pastes left
    untitled can be told apart in the list."""
    taken = {article.title for article in articles}
    return next(t for t in (title, *(f"{title} {n}" for n in range(2, len(taken) + 3))) if t not in taken)
