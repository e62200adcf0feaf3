"""File > Import Claims…: claims from a dataset CSV or claims JSONL file, on the background worker.

The import is one transaction in the service; here it runs behind a progress dialog with Cancel,
and its report (counts, then the refused rows by line) goes through the window's DialogService.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.services.exchange import ClaimImportReport
    from annotator.ui.main_window import MainWindow

CLAIMS_FILTER = "Claims (*.csv *.jsonl);;All files (*)"
SHOWN_REFUSALS = 20  # more would not fit a message box; the rest are counted


def import_claims_dialog(window: MainWindow) -> None:
    path = window.dialogs.open_file("Import claims", CLAIMS_FILTER)
    if path is not None:
        import_claims(window, path)


def import_claims(window: MainWindow, path: Path) -> bool:
    """Import the file's claims into the window's project; True when the import ran (refusals or not)."""
    if window.project is None:
        return False
    from annotator.formats.errors import ImportRejected
    from annotator.services.exchange import ImportCancelled
    from annotator.services.project import ProjectFileError
    from annotator.ui.background import run_with_progress

    window.claim_panel.commit_pending()
    exchange = window.project.exchange
    try:
        report: ClaimImportReport = run_with_progress(
            window,
            "Import Claims",
            f"Importing claims from “{path.name}”…",
            lambda progress: exchange.import_claims(path, progress=progress),
        )
    except ImportCancelled:
        return False  # one transaction: nothing was written
    except (ImportRejected, ProjectFileError) as error:
        window.dialogs.error("Claims not imported", str(error))
        return False
    if window.project is None:
        return False
    cleared = ""
    if report.imported or report.articles_added:
        if window.undo_stack.count():
            cleared = "\n\nAn import cannot be undone: the undo history was cleared."
        window.undo_stack.clear()  # undo steps refer to claims as they were before the import
        window.annotator_view.set_annotators(window.project.annotators())
        shown = window.controller.article.id if window.controller.article else None
        window.reload_articles(select=shown)
        window.saved_label.setText(f"Claims imported · {_clock()}")
    window.dialogs.info(
        "Claims imported" if report.imported else "No claims imported", report_text(report) + cleared
    )
    return True


def report_text(report: ClaimImportReport) -> str:
    """The summary as a sentence, then the first refused rows with their line numbers."""
    summary = report.summary()
    text = f"“{report.source}”: {summary}."
    if report.refused:
        text += "\n\nRefused rows:\n" + "\n".join(report.refused_lines(SHOWN_REFUSALS))
    return text


def _clock() -> str:
    from datetime import datetime

    return datetime.now().strftime("%H:%M:%S")
