"""The core loop as a user lives it, on the real main window: open, select, tag, undo, reopen, export."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QAction

from annotator.app import open_initial_project
from annotator.paths import seeds_dir
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs

SAMPLE = (seeds_dir() / "al-asad-rocket-attack.txt").read_text(encoding="utf-8")


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def make_window(qtbot, settings: QSettings, project_path: Path, annotator: str = "Ana") -> MainWindow:
    dialogs = FakeDialogs()
    window = MainWindow(settings, dialogs)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts (digits, Alt+digits) reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    assert open_initial_project(window, project_path, annotator)
    return window


def select_with_keyboard(qtbot, window: MainWindow, words: int) -> None:
    """Select the first `words` words of the article as a user would: Ctrl+Home, Ctrl+Shift+Right."""
    view = window.article_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Home, Qt.KeyboardModifier.ControlModifier)
    for _ in range(words):
        qtbot.keyClick(
            view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )


def block_has_format_at(window: MainWindow, code_point: int) -> bool:
    view = window.article_view
    view.format_visible_blocks()
    qt = view.position_map.to_qt(code_point)
    block = view.document().findBlock(qt)
    in_block = qt - block.position()
    return any(
        r.start <= in_block < r.start + r.length and r.format.background().style() != Qt.BrushStyle.NoBrush
        for r in block.layout().formats()
    )


def test_first_start_opens_the_sample_with_focus_in_the_article(qtbot, settings, tmp_path, monkeypatch):
    default = tmp_path / "data" / "My annotations.sqlite"
    monkeypatch.setattr("annotator.app.default_project_path", lambda: default)
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.dialogs.text_answers.append("Rosa")  # the one-time name question
    window.show()
    qtbot.waitExposed(window)
    assert open_initial_project(window, None, None)
    assert default.exists()
    assert window.dialogs.asked == ["Who is annotating?"]
    assert window.article_view.text() == SAMPLE.rstrip("\n") or window.article_view.text() == SAMPLE
    assert window.article_title.text() == "al-asad-rocket-attack"
    assert "Rosa" in window.windowTitle() and "My annotations" in window.windowTitle()
    qtbot.waitUntil(lambda: window.article_view.hasFocus())
    assert window.article_view.textCursor().position() == 0
    # The name is remembered: a second start asks nothing.
    second = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(second)
    assert open_initial_project(second, None, None)
    assert second.dialogs.asked == []
    assert "Rosa" in second.windowTitle()


def test_tag_with_key_undo_redo_and_reopen(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    # The default project path is not used for an explicit path: no sample was imported.
    assert window.article_list.count() == 0
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    assert window.article_list.count() == 1
    text = window.article_view.text()

    select_with_keyboard(qtbot, window, 4)
    span = window.article_view.selected_span()
    assert span is not None
    qtbot.keyClick(window.article_view, Qt.Key.Key_1)

    claims = window.claim_panel.model.all_claims()
    assert len(claims) == 1
    claim = claims[0]
    # Word-wise selection takes the space after the last word; the claim does not.
    assert span == (0, len("A suspected rocket attack "))
    assert (claim.start, claim.end) == (0, len("A suspected rocket attack"))
    assert claim.quote == text[claim.start : claim.end] == "A suspected rocket attack"
    assert window.controller.codebook.type_by_id(claim.source_type_id).name == "official"
    assert claim.confidence == window.claim_panel.current_confidence == 3
    assert claim.annotator_name == "Ana"
    assert window.claim_panel.model.rowCount() == 1
    assert block_has_format_at(window, claim.start)
    assert window.article_view.claim_ids_at(claim.start) == [claim.id]
    assert window.saved_label.text().startswith("Saved")

    # It is in the file, committed: a separate connection sees it.
    other = Project.open(path)
    assert [c.id for c in other.claims.for_article(claim.article_id)] == [claim.id]
    other.close()

    assert window.undo_action.text().replace("&", "").startswith("Undo Tag “A suspected rocket")
    window.undo_action.trigger()
    assert window.claim_panel.model.rowCount() == 0
    assert not block_has_format_at(window, claim.start)
    assert window.project.claims.get(claim.id) is None

    window.redo_action.trigger()
    assert window.claim_panel.model.rowCount() == 1
    assert window.project.claims.get(claim.id) is not None
    assert block_has_format_at(window, claim.start)

    window.close()
    fresh = make_window(qtbot, settings, path)
    found = fresh.claim_panel.model.all_claims()
    assert [c.id for c in found] == [claim.id]
    assert found[0].quote == claim.quote
    assert block_has_format_at(fresh, claim.start)


def test_confidence_keys_retype_delete_and_undo(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    view = window.article_view
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)
    assert window.claim_panel.current_confidence == 5
    qtbot.keyClick(view, Qt.Key.Key_BracketLeft)
    assert window.claim_panel.current_confidence == 4
    view.select_span(8, 30)
    qtbot.keyClick(view, Qt.Key.Key_3)
    (claim,) = window.claim_panel.model.all_claims()
    assert claim.confidence == 4
    book = window.controller.codebook
    assert book.type_by_id(claim.source_type_id).name == "speculation"
    # With the claim selected, a digit retypes it instead of adding a second claim.
    qtbot.keyClick(view, Qt.Key.Key_2)
    (claim,) = window.claim_panel.model.all_claims()
    assert book.type_by_id(claim.source_type_id).name == "unnamed"
    assert "Retype" in window.undo_action.text()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.claim_panel.model.rowCount() == 0
    assert window.project.claims.get(claim.id) is None
    window.undo_action.trigger()
    assert window.claim_panel.model.rowCount() == 1
    window.undo_action.trigger()  # the retype
    (claim,) = window.claim_panel.model.all_claims()
    assert book.type_by_id(claim.source_type_id).name == "speculation"
    assert book.type_by_id(window.project.claims.get(claim.id).source_type_id).name == "speculation"


def test_panel_edits_are_saved_and_undoable(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    window.article_view.select_span(0, 40)
    qtbot.keyClick(window.article_view, Qt.Key.Key_1)
    (claim,) = window.claim_panel.model.all_claims()
    window.claim_panel.sig_claim_edit_requested.emit(claim.id, {"source": "a defense spokesperson"})
    window.claim_panel.sig_claim_edit_requested.emit(claim.id, {"cue": "according to"})
    saved = window.project.claims.get(claim.id)
    assert (saved.source, saved.cue) == ("a defense spokesperson", "according to")
    window.undo_action.trigger()
    assert window.project.claims.get(claim.id).cue == ""
    assert window.claim_panel.model.claim(claim.id).cue == ""


def test_clicking_a_row_marks_the_text_and_clicking_text_selects_the_row(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    view = window.article_view
    view.select_span(0, 20)
    qtbot.keyClick(view, Qt.Key.Key_1)
    view.select_span(200, 230)
    qtbot.keyClick(view, Qt.Key.Key_2)
    first, second = window.claim_panel.model.all_claims()
    window.claim_panel.select_claim(None)
    table = window.claim_panel.table_view
    table.selectRow(window.claim_panel.model.row_of(first.id))
    assert view.selected_span() == (first.start, first.end)
    view.sig_claim_clicked.emit(second.id)
    assert window.claim_panel.selected_claim_id() == second.id


def test_export_reads_back_with_quotes_matching_offsets(qtbot, settings, tmp_path):
    article = tmp_path / "emoji.txt"
    body = "Line one 👩‍👩‍👧 said “x”.\r\nمصدر رسمي قال\r\nעל פי דובר 🇺🇦 e\u0301te\r\n=SUM(A1)\r\n"
    article.write_bytes(body.encode("utf-8"))
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([article])
    text = window.article_view.text()
    assert "\r" not in text
    view = window.article_view
    spans = [
        (text.index("👩"), text.index("said") + 4),
        (text.index("مصدر"), text.index("قال") + 3),
        (text.index("🇺🇦"), len(text.rstrip("\n")) - 9),
        (text.index("=SUM"), text.index("=SUM") + 8),
    ]
    for start, end in spans:
        view.select_span(start, end)
        assert view.selected_span() == (start, end)
        assert view.textCursor().selectedText().replace("\u2029", "\n") == text[start:end]
        window.claim_panel.select_claim(None)
        view.mark_claim(None)
        view.select_span(start, end)
        qtbot.keyClick(view, Qt.Key.Key_1)
    assert window.claim_panel.model.rowCount() == 4
    out = tmp_path / "claims.csv"
    window.dialogs.save_answers.append(out)
    window.export_dataset()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 4
    exact = tmp_path / "exact.csv"
    window.project.exchange.export_csv(exact, exact=True)
    with exact.open(encoding="utf-8-sig", newline="") as handle:
        exact_rows = list(csv.DictReader(handle))
    for row in exact_rows:
        assert text[int(row["start"]) : int(row["end"])] == row["quote"]
    formula = next(r for r in rows if r["quote"].lstrip("'").startswith("=SUM"))
    assert formula["quote"].startswith("'=")


def test_a_binary_file_is_refused_with_a_message_and_nothing_imported(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert window.import_files([binary]) == []
    assert window.article_list.count() == 0
    assert window.dialogs.errors and "photo.txt" in window.dialogs.errors[0][1]


def test_a_foreign_project_is_refused_and_untouched(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    foreign = tmp_path / "notes.sqlite"
    foreign.write_text("just some notes", encoding="utf-8")
    assert not window.open_project(foreign)
    assert foreign.read_text(encoding="utf-8") == "just some notes"
    assert "not a Source Annotator project" in window.dialogs.errors[-1][1]
    assert window.project is not None and window.project.path.name == "p.sqlite"


def test_many_qt_calls_returning_none_do_not_crash(qtbot):
    """PySide6 6.12.0 decremented None's refcount on every void call (none_dealloc)."""
    import sys

    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for _ in range(20_000):
        label.setText("x")  # returns None
    assert sys.getrefcount(None) >= before - 100


def test_export_dialog_filters_by_article_and_annotator_and_writes_exact(qtbot, settings, tmp_path):
    project_path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, project_path, annotator="Ana")
    other = tmp_path / "other.txt"
    other.write_text("-5 dead, the ministry said.\nNothing else.", encoding="utf-8")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt", other])
    assert window.article_list.count() == 2
    window.article_view.select_span(0, 7)
    qtbot.keyClick(window.article_view, Qt.Key.Key_1)  # "-5 dead", in the current (second) article
    window.article_list.setCurrentRow(0)
    window.article_view.select_span(0, 20)
    qtbot.keyClick(window.article_view, Qt.Key.Key_2)  # in the sample, by Ana
    # A colleague's claim on the sample, made through the service.
    bob = window.project.annotator("Bob")
    sample_id = window.controller.article.id
    window.project.claims.create(
        article_id=sample_id,
        annotator_id=bob.id,
        start=2,
        end=30,
        source_type_id=window.controller.codebook.active_types[0].id,
        confidence=2,
    )

    def only_this_article_and_ana(dialog):
        dialog.article_choice.setCurrentIndex(1)  # only the shown article (the sample)
        for i in range(dialog.annotator_list.count()):
            item = dialog.annotator_list.item(i)
            if item.text() != "Ana":
                item.setCheckState(Qt.CheckState.Unchecked)

    out = tmp_path / "ana-sample.csv"
    window.dialogs.dialog_scripts.append(only_this_article_and_ana)
    window.dialogs.save_answers.append(out)
    window.export_dataset()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["annotator"], r["document_id"]) for r in rows] == [("Ana", sample_id)]

    def exact(dialog):
        dialog.exact_box.setChecked(True)

    everything = tmp_path / "all"
    window.dialogs.dialog_scripts.append(exact)
    window.dialogs.save_answers.append(everything)
    window.export_dataset()
    written = everything.with_suffix(".csv")
    with written.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted(r["annotator"] for r in rows) == ["Ana", "Ana", "Bob"]
    assert "-5 dead" in [r["quote"] for r in rows]  # exact: no leading '


def test_a_legacy_encoding_is_confirmed_or_corrected_before_import(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    polish = tmp_path / "polski.txt"
    text = "Rzecznik ministerstwa powiedział, że żołnierze są bezpieczni."
    polish.write_bytes(text.encode("cp1250"))
    window.dialogs.encoding_answers.append(None)  # cancel: nothing imported
    assert window.import_files([polish]) == []
    assert window.article_list.count() == 0
    window.dialogs.encoding_answers.append("cp1250")  # the user picks the encoding that reads right
    assert len(window.import_files([polish])) == 1
    assert window.dialogs.previews["cp1250"] == text
    assert window.article_view.text() == text


def test_the_encoding_dialog_previews_each_choice(qtbot, tmp_path):
    from annotator.ui.encoding_dialog import EncodingDialog

    readings = {"cp1252": "Rzecznik ¿o³nierze", "cp1250": "Rzecznik żołnierze"}

    def preview(name: str) -> str:
        if name not in readings:
            raise ValueError(f"cannot read it as {name}")
        return readings[name]

    dialog = EncodingDialog("polski.txt", "cp1252", ["cp1250", "utf_16"], preview)
    qtbot.addWidget(dialog)
    assert dialog.text_view.toPlainText() == readings["cp1252"]
    dialog.combo.setCurrentIndex(1)
    assert (dialog.encoding(), dialog.text_view.toPlainText()) == ("cp1250", readings["cp1250"])
    assert dialog.ok_button.isEnabled()
    dialog.combo.setCurrentIndex(2)
    assert "cannot read it as utf_16" in dialog.problem.text()
    assert not dialog.ok_button.isEnabled()


def test_no_two_shortcuts_are_the_same_key(qtbot, settings, tmp_path):
    """Qt does nothing on an ambiguous key: each sequence must belong to one action, once."""
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    seen: dict[str, str] = {}
    for action in window.findChildren(QAction):
        for sequence in action.shortcuts():
            key = sequence.toString()
            assert key not in seen, f"{key} is both {seen[key]!r} and {action.text()!r}"
            seen[key] = action.text()
    assert {"Ctrl+Z", "Ctrl+Shift+Z", "Ctrl+Y", "1", "2", "3", "Alt+5"} <= set(seen)


def test_delete_with_no_claim_selected_deletes_the_claim_under_the_caret(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    view = window.article_view
    view.select_span(0, 25)
    qtbot.keyClick(view, Qt.Key.Key_1)
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # let go of the claim just made
    assert window.claim_panel.selected_claim_id() is None
    cursor = view.textCursor()
    cursor.setPosition(view.position_map.to_qt(40))  # outside the claim: nothing to delete
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.claim_panel.model.rowCount() == 1
    cursor.setPosition(view.position_map.to_qt(10))  # inside it
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert window.claim_panel.model.rowCount() == 0


def test_export_runs_off_the_gui_thread_and_can_be_cancelled(qtbot, settings, tmp_path, monkeypatch):
    import threading

    from annotator.formats import csv_dataset

    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    for start in range(0, 600, 20):
        window.article_view.select_span(start, start + 10)
        window.claim_panel.select_claim(None)
        window.article_view.mark_claim(None)
        window.article_view.select_span(start, start + 10)
        qtbot.keyClick(window.article_view, Qt.Key.Key_1)
    monkeypatch.setattr(csv_dataset, "PROGRESS_EVERY", 5)
    threads: list[str] = []
    real_lines = csv_dataset._lines  # formats each batch of claims

    def spy(*args):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return real_lines(*args)

    monkeypatch.setattr(csv_dataset, "_lines", spy)
    from annotator.ui.export_dialog import ExportDialog

    dialog_read_on: list[str] = []  # the dialog's widgets belong to the GUI thread alone
    real_exact = ExportDialog.exact

    def exact(self):  # type: ignore[no-untyped-def]
        dialog_read_on.append(threading.current_thread().name)
        return real_exact(self)

    monkeypatch.setattr(ExportDialog, "exact", exact)
    out = tmp_path / "claims.csv"
    window.dialogs.save_answers.append(out)
    window.export_dataset()
    assert out.exists()
    assert threads and threading.main_thread().name not in threads  # written by the worker
    assert dialog_read_on and set(dialog_read_on) == {threading.main_thread().name}
    old = out.read_bytes()

    # Cancel: the worker is told at its next progress report; the earlier export stays as it was.
    from annotator.ui import background

    real_worker = background.Worker

    class CancelledAtOnce(real_worker):  # type: ignore[misc, valid-type]
        def report(self, count: int) -> bool:
            self.cancelled = True
            return super().report(count)

    monkeypatch.setattr(background, "Worker", CancelledAtOnce)
    window.dialogs.save_answers.append(out)
    window.export_dataset()
    assert out.read_bytes() == old
    assert "cancelled" in window.statusBar().currentMessage()
    assert not list(tmp_path.glob(".claims.csv.*.tmp"))


def test_the_frame_paints_before_the_panes_are_built(qtbot, settings, tmp_path):
    """run_app's order: an empty frame (cheap to paint), then the panes, then the project."""
    from annotator.app import AfterFirstPaint, start_window

    window = MainWindow(settings, FakeDialogs(), build=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    assert not window.built and not hasattr(window, "article_view")
    started: list[bool] = []
    AfterFirstPaint(window, lambda: started.append(start_window(window, tmp_path / "p.sqlite", "Ana")))
    window.show()
    qtbot.waitUntil(lambda: started == [True])
    assert window.built and window.project is not None
    assert "Ana" in window.windowTitle()


def project_with_a_claim(path: Path) -> tuple[str, str]:
    project = Project.open(path)
    article_id = project.articles.add_text(SAMPLE, title="Sample").article_id
    type_id = project.codebook.get().active_types[1].id
    _, claim = project.claims.create(
        article_id=article_id,
        annotator_id=project.annotator("Ana").id,
        start=2,
        end=17,
        source_type_id=type_id,
        confidence=4,
    )
    project.close()
    return article_id, claim.id


def started_frame(qtbot, settings: QSettings) -> MainWindow:
    window = MainWindow(settings, FakeDialogs(), build=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def test_an_existing_project_shows_at_once_and_opens_for_edits_in_the_background(qtbot, settings, tmp_path):
    from annotator.app import start_window

    path = tmp_path / "p.sqlite"
    article_id, claim_id = project_with_a_claim(path)
    window = started_frame(qtbot, settings)
    with qtbot.waitSignal(window.sig_project_opened, timeout=20_000):
        assert start_window(window, path, "Ana")
        # Shown from the first look, before the database layer is even needed.
        assert window.project is None
        assert window.article_view.text() == SAMPLE.rstrip("\n")
        assert window.article_title.text() == "Sample"
        assert [c.id for c in window.claim_panel.model.all_claims()] == [claim_id]
        assert block_has_format_at(window, 5)
        assert "p — Ana" in window.windowTitle()
        window.claim_panel.select_claim(claim_id)
    # The project arrived without disturbing what the user sees or where the keyboard is.
    assert window.project is not None and window.controller.article is not None
    assert window.controller.article.id == article_id
    assert window.claim_panel.selected_claim_id() == claim_id
    assert window.article_list.currentItem().text() == "Sample"
    assert window.saved_label.text() == "All changes are saved automatically"
    # Choosing the article again reads it from the project as usual.
    window.reload_articles()
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim_id]


def test_an_edit_before_the_project_has_opened_waits_for_it(qtbot, settings, tmp_path):
    from annotator.app import start_window

    path = tmp_path / "p.sqlite"
    project_with_a_claim(path)
    window = started_frame(qtbot, settings)
    assert start_window(window, path, "Ana")
    select_with_keyboard(qtbot, window, 2)
    assert window.project is None  # still opening: no event has been processed since
    qtbot.keyClick(window.article_view, Qt.Key.Key_1)
    assert window.project is not None
    quotes = sorted(c.quote for c in window.claim_panel.model.all_claims())
    assert quotes == ["A suspected", SAMPLE[2:17]]
    reopened = Project.open(path)
    article_id = reopened.articles.list()[0].id
    assert sorted(c.quote for c in reopened.claims.for_article(article_id)) == quotes
    reopened.close()
    assert window.undo_stack.canUndo()


def test_an_unbuilt_frame_closes_cleanly(qtbot, settings):
    window = MainWindow(settings, FakeDialogs(), build=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert window.close()
    assert settings.value("window/geometry") is not None


def test_article_details_edits_are_undoable(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([seeds_dir() / "al-asad-rocket-attack.txt"])
    article_id = window.controller.article.id

    def fill(dialog):  # type: ignore[no-untyped-def]
        dialog.title_edit.setText("Rocket attack injures U.S. personnel")
        dialog.outlet_edit.setText("Military Times")

    window.dialogs.dialog_scripts.append(fill)
    window.edit_article_details()
    assert window.article_title.text() == "Rocket attack injures U.S. personnel"
    assert window.undo_action.text().replace("&", "").startswith("Undo Edit details of “Rocket attack")
    window.undo_action.trigger()
    assert window.project.articles.get(article_id).title == "al-asad-rocket-attack"
    assert window.article_title.text() == "al-asad-rocket-attack"
    assert window.article_list.item(0).text() == "al-asad-rocket-attack"
    window.redo_action.trigger()
    saved = window.project.articles.get(article_id)
    assert (saved.title, saved.outlet) == ("Rocket attack injures U.S. personnel", "Military Times")
    assert "Military Times" in window.article_meta.text()
    # Undone from another article, the step shows the article it changes.
    other = window.project.articles.add_text("Another article.", title="Other").article_id
    window.reload_articles(select=other)
    assert window.controller.article.id == other
    window.undo_action.trigger()
    assert window.controller.article.id == article_id
    assert window.article_title.text() == "al-asad-rocket-attack"


def test_several_files_are_imported_off_the_gui_thread_and_questions_come_after(
    qtbot, settings, tmp_path, monkeypatch
):
    import threading

    from annotator.services.articles import ArticleService

    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    good = tmp_path / "good.txt"
    good.write_text("The spokesperson said the base was hit.", encoding="utf-8")
    polish = tmp_path / "polski.txt"
    polish.write_bytes("Rzecznik ministerstwa powiedział, że żołnierze są bezpieczni.".encode("cp1250"))
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    threads: list[str] = []
    original = ArticleService.import_file

    def spy(self, path, **kwargs):  # type: ignore[no-untyped-def]
        threads.append(threading.current_thread().name)
        return original(self, path, **kwargs)

    monkeypatch.setattr(ArticleService, "import_file", spy)
    window.dialogs.encoding_answers.append("cp1250")
    imported = window.import_files([good, polish, binary])
    assert len(imported) == 2
    assert window.article_list.count() == 2
    gui = threading.main_thread().name
    assert threads[:3] and all(name != gui for name in threads[:3])  # the batch: on the worker
    assert threads[3:] == [gui]  # the file whose encoding the user chose: afterwards, on the GUI thread
    assert len([q for q in window.dialogs.asked if q.startswith("encoding:")]) == 1  # asked once, after
    ((title, message),) = window.dialogs.errors
    assert "photo.txt" in message and "binary" in message


def test_closing_the_window_while_the_project_still_opens_opens_nothing(qtbot, settings, tmp_path):
    from annotator.app import start_window

    path = tmp_path / "p.sqlite"
    project_with_a_claim(path)
    window = started_frame(qtbot, settings)
    assert start_window(window, path, "Ana")
    assert window.project is None
    window.close()  # before the event loop delivers the loaded database layer
    qtbot.wait(200)
    assert window.project is None
    reopened = Project.open(path)  # and the file is as it was, free for the next open
    assert len(reopened.articles.list()) == 1
    reopened.close()


def test_opening_another_project_during_the_first_look_keeps_that_one(qtbot, settings, tmp_path):
    from annotator.app import start_window

    first, other = tmp_path / "p.sqlite", tmp_path / "other.sqlite"
    project_with_a_claim(first)
    project = Project.open(other)
    project.articles.add_text("Officials said the bridge will reopen on Monday.", title="Other")
    project.close()
    window = started_frame(qtbot, settings)
    assert start_window(window, first, "Ana")
    assert window.project is None
    assert window.open_project(other)  # before the first one has opened for edits
    qtbot.wait(300)  # the background open of the first project would have arrived by now
    assert window.project is not None and window.project.path == other
    assert window.controller.article is not None and window.controller.article.title == "Other"
    assert window.article_view.text() == "Officials said the bridge will reopen on Monday."
    assert list(window.claim_panel.model.all_claims()) == []


def test_a_comment_typed_during_the_first_look_is_saved_on_close(qtbot, settings, tmp_path):
    from annotator.app import start_window

    path = tmp_path / "p.sqlite"
    _, claim_id = project_with_a_claim(path)
    window = started_frame(qtbot, settings)
    assert start_window(window, path, "Ana")
    window.claim_panel.select_claim(claim_id)
    window.claim_panel.editor.comment_edit.setPlainText("check the original")
    window.close()
    reopened = Project.open(path)
    assert reopened.claims.get(claim_id).comment == "check the original"
    reopened.close()


def test_an_unexpected_failure_on_one_file_still_imports_and_reports_the_others(
    qtbot, settings, tmp_path, monkeypatch
):
    from annotator.services.articles import ArticleService

    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text("The spokesperson said the base was hit.", encoding="utf-8")
    bad.write_text("Officials said the bridge will reopen.", encoding="utf-8")
    original = ArticleService.import_file

    def flaky(self, path, **kwargs):  # type: ignore[no-untyped-def]
        if path == bad:
            raise RuntimeError("disk I/O error")
        return original(self, path, **kwargs)

    monkeypatch.setattr(ArticleService, "import_file", flaky)
    assert len(window.import_files([good, bad])) == 1
    assert window.article_list.count() == 1
    ((title, message),) = window.dialogs.errors
    assert "bad.txt" in message and "could not be saved (disk I/O error)" in message


def test_help_shows_the_shortcuts_and_the_version_as_plain_messages(qtbot, settings, tmp_path):
    from annotator import __version__

    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.show_shortcuts()
    window.show_about()
    (shortcuts_title, shortcuts), (about_title, about) = window.dialogs.infos
    assert (
        shortcuts_title == "Keyboard shortcuts"
        and "Ctrl+Shift+I" in shortcuts
        and "Ctrl+Shift+G" in shortcuts
    )
    # Every key the README's keyboard table names is in the help (and the panel's ways in and out).
    for keys in ("Ctrl+I", "Ctrl+Shift+V", "Ctrl+E", "Enter (in the list)", "Alt+S", "Escape", "Ctrl+Shift+A"):
        assert keys in shortcuts, keys
    # And every key a menu command has.
    from PySide6.QtGui import QAction, QKeySequence

    keys = {
        action.shortcut().toString(QKeySequence.SequenceFormat.PortableText)
        for action in window.findChildren(QAction)
        if not action.shortcut().isEmpty()
    }
    assert "Ctrl+K" in keys and len(keys) > 10
    in_ranges = {*"123456789", *(f"Alt+{digit}" for digit in "2345")}  # "1, 2, 3 …", "Alt+1 … Alt+5"
    named = {"Del": "Delete"}
    missing = sorted(key for key in keys - in_ranges if named.get(key, key) not in shortcuts)
    assert not missing, (missing, shortcuts)
    assert __version__ in about
