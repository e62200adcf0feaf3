"""File > Import Claims: the file's claims appear on the article shown, refused rows are named by line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume. Officials said the army was ready."
HEADER = "claim_id,document_id,document_title,annotator,start,end,quote,source_type,confidence\n"


def test_importing_claims_shows_them_and_reports_the_refused_rows(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "mine.sqlite"
    project = Project.open(path)
    project.articles.add_text(TEXT, title="Talks")
    project.close()
    rows = [f"c-{n},,Talks,Ben,0,12,The minister,official,4\n" for n in range(3)]
    # Lines 5-26, each refused for a reason of its own (rows refused alike are told together).
    rows += [f"bad-{n},,Talks,Ben,{n},{n + 12},The ministry,official,4\n" for n in range(22)]
    source = tmp_path / "claims.csv"
    source.write_text(HEADER + "".join(rows), encoding="utf-8")

    dialogs = FakeDialogs()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, path, "Ana")
    assert len(window.claim_panel.model.all_claims()) == 0
    dialogs.open_answers.append(source)
    window.import_claims_action.trigger()

    assert dialogs.errors == []
    assert {c.id for c in window.claim_panel.model.all_claims()} == {"c-0", "c-1", "c-2"}
    ((title, message),) = dialogs.infos
    assert title == "Claims imported"
    assert "imported 3 claims, skipped 0 already present, 22 rows refused" in message
    assert "line 5: its quote is not the article's text" in message
    assert "line 24:" in message and "line 25:" not in message  # the first 20, then a count
    assert message.rstrip().endswith("and 2 more rows")

    # A file that is no claims file: one error, nothing changes.
    junk = tmp_path / "junk.csv"
    junk.write_bytes(b"\x00\x01\x02 not text \xff")
    dialogs.open_answers.append(junk)
    window.import_claims_action.trigger()
    ((title, message),) = dialogs.errors
    assert title == "Claims not imported" and "junk.csv" in message
    assert len(window.claim_panel.model.all_claims()) == 3
