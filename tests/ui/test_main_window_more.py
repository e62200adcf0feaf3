"""More of the main window as a user lives it: start-up, drops, recent projects, new projects, the codebook's
keys, highlight toggles, article details, pasting, clicking highlights, layout memory, focus, failed saves."""

from __future__ import annotations

import csv
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QTextCursor
from PySide6.QtWidgets import QApplication, QWidget

from annotator.app import AfterFirstPaint, open_initial_project
from annotator.paths import seeds_dir
from annotator.ui.main_window import MainWindow
from tests.core.factories import add_claim
from tests.ui import test_main_window
from tests.ui.fakes import FakeDialogs
from tests.ui.test_main_window import make_window

settings = test_main_window.settings  # the same QSettings fixture, shared with test_main_window

SAMPLE_PATH = seeds_dir() / "al-asad-rocket-attack.txt"


def write_article(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def titles_in_list(window: MainWindow) -> list[str]:
    return [window.article_list.item(i).text() for i in range(window.article_list.count())]


def tag(qtbot, window: MainWindow, start: int, end: int, key: Qt.Key = Qt.Key.Key_1) -> str:
    """Select [start, end) in the article and press a type's key; returns the new claim's id."""
    view = window.article_view
    window.claim_panel.select_claim(None)
    view.mark_claim(None)
    view.setFocus()
    view.select_span(start, end)
    before = {c.id for c in window.claim_panel.model.all_claims()}
    qtbot.keyClick(view, key)
    (new,) = [c.id for c in window.claim_panel.model.all_claims() if c.id not in before]
    return new


def type_name(window: MainWindow, claim_id: str) -> str:
    claim = window.claim_panel.model.claim(claim_id)
    return window.controller.codebook.type_by_id(claim.source_type_id).name


# --- 1. AfterFirstPaint ------------------------------------------------------------------------------


class PaintCounter(QWidget):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event) -> None:  # type: ignore[no-untyped-def]
        self.paints += 1
        super().paintEvent(event)


def test_after_first_paint_runs_once_and_only_after_the_first_paint(qtbot):
    widget = PaintCounter()
    qtbot.addWidget(widget)
    widget.resize(240, 120)
    paints_seen_by_callback: list[int] = []
    AfterFirstPaint(widget, lambda: paints_seen_by_callback.append(widget.paints))
    widget.show()
    assert paints_seen_by_callback == []  # nothing runs inside show(), before the event loop paints
    qtbot.waitUntil(lambda: paints_seen_by_callback != [])
    assert paints_seen_by_callback[0] >= 1  # the widget had painted when the callback ran
    # More paints, and the fallback timer's moment passing, never run it again.
    widget.update()
    widget.repaint()
    qtbot.wait(AfterFirstPaint.FALLBACK_MS + 300)
    assert len(paints_seen_by_callback) == 1


def test_after_first_paint_falls_back_to_a_timer_when_the_widget_never_paints(qtbot, monkeypatch):
    monkeypatch.setattr(AfterFirstPaint, "FALLBACK_MS", 50)
    widget = PaintCounter()  # never shown: it never paints
    qtbot.addWidget(widget)
    calls: list[int] = []
    AfterFirstPaint(widget, lambda: calls.append(widget.paints))
    assert calls == []
    qtbot.waitUntil(lambda: calls != [])
    assert calls == [0]
    qtbot.wait(150)
    assert calls == [0]


def test_the_window_paints_first_and_then_opens_the_project(qtbot, settings, tmp_path):
    """run_app's wiring: the project is opened after the article view's first paint, not before."""
    path = tmp_path / "p.sqlite"
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    AfterFirstPaint(window.article_view.viewport(), lambda: open_initial_project(window, path, "Ana"))
    window.show()
    assert window.project is None
    qtbot.waitUntil(lambda: window.project is not None)
    assert window.project.path == path.absolute()
    assert "Ana" in window.windowTitle()


# --- 2. Drag and drop ---------------------------------------------------------------------------------


def drop_files(target: QWidget, paths: list[Path]) -> tuple[bool, bool]:
    """Drag files over `target` and drop them, as the window system would; (enter accepted, drop accepted)."""
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    centre = target.rect().center()
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(centre, copy, mime, left, none)
    QApplication.sendEvent(target, enter)
    drop = QDropEvent(QPointF(centre), copy, mime, left, none)
    if enter.isAccepted():
        QApplication.sendEvent(target, drop)
    return enter.isAccepted(), drop.isAccepted()


def test_dropping_two_text_files_imports_both_and_shows_the_last(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    first = write_article(tmp_path, "first.txt", "The minister said the first thing.")
    second = write_article(tmp_path, "second.txt", "An unnamed official said the second thing.")
    assert drop_files(window, [first, second]) == (True, True)
    assert sorted(titles_in_list(window)) == ["first", "second"]
    assert window.article_view.text() == "An unnamed official said the second thing."
    assert window.article_title.text() == "second"
    assert window.dialogs.errors == []


def test_a_drop_shows_the_last_new_article_and_a_dropped_link_is_answered(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    old = write_article(tmp_path, "old.txt", "Imported before.")
    window.import_files([old])
    new = write_article(tmp_path, "new.txt", "Dropped now.")
    assert drop_files(window, [new, old]) == (True, True)  # the one already there comes last
    assert window.article_title.text() == "new"

    mime = QMimeData()
    mime.setUrls([QUrl("https://www.example.com/news/story")])  # a link dragged from a browser
    centre = window.rect().center()
    copy, left, none = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QApplication.sendEvent(window, QDragEnterEvent(centre, copy, mime, left, none))
    QApplication.sendEvent(window, QDropEvent(QPointF(centre), copy, mime, left, none))
    assert "Only files can be dropped" in window.statusBar().currentMessage()
    assert len(titles_in_list(window)) == 2


def test_a_dropped_folder_brings_its_articles(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    folder = tmp_path / "articles"
    folder.mkdir()
    write_article(folder, "b.txt", "The second text.")
    write_article(folder, "a.md", "The first text.")
    (folder / "notes.docx").write_bytes(b"PK\x03\x04")  # not an article: left alone
    (folder / "._a.md").write_bytes(b"\x00\x05\x16\x07")  # macOS's hidden twin of a.md: left alone
    assert drop_files(window, [folder]) == (True, True)
    assert sorted(titles_in_list(window)) == ["a", "b"]
    assert window.dialogs.errors == []


def test_files_dropped_on_the_article_text_reach_the_window(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    text_before = window.article_view.text()
    dropped = write_article(tmp_path, "dropped.txt", "Dropped on the text, not into it.")
    assert drop_files(window.article_view.viewport(), [dropped]) == (True, True)
    assert window.article_view.text() == "Dropped on the text, not into it."  # imported, not inserted
    assert len(titles_in_list(window)) == 2
    window.article_list.setCurrentRow(titles_in_list(window).index("al-asad-rocket-attack"))
    assert window.article_view.text() == text_before  # the article under the drop is unchanged


def test_a_dropped_binary_file_is_reported_and_the_others_still_come_in(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    window.article_view.select_span(0, 20)
    qtbot.keyClick(window.article_view, Qt.Key.Key_1)
    good = write_article(tmp_path, "good.txt", "A spokesperson confirmed it.")
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert drop_files(window, [binary, good]) == (True, True)
    assert sorted(titles_in_list(window)) == ["al-asad-rocket-attack", "good"]
    assert window.article_view.text() == "A spokesperson confirmed it."
    assert len(window.dialogs.errors) == 1
    assert "photo.txt" in window.dialogs.errors[0][1]
    # The earlier article and its claim are still there.
    window.article_list.setCurrentRow(titles_in_list(window).index("al-asad-rocket-attack"))
    assert len(window.claim_panel.model.all_claims()) == 1


def test_a_drop_without_an_open_project_is_refused(qtbot, settings, tmp_path):
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    file = write_article(tmp_path, "a.txt", "Text.")
    assert drop_files(window, [file]) == (False, False)
    assert window.dialogs.errors == []


# --- 3. File > Open Recent --------------------------------------------------------------------------


def recent_entries(window: MainWindow) -> list[tuple[str, str]]:
    window._fill_recent_menu()  # what aboutToShow does
    return [(a.text(), a.statusTip()) for a in window.recent_menu.actions() if a.isEnabled()]


def test_open_recent_lists_projects_newest_first_and_reopens_one(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "start.sqlite")
    older, newer = (tmp_path / "older.sqlite").absolute(), (tmp_path / "newer.sqlite").absolute()
    assert window.open_project(older)
    assert window.open_project(newer)
    assert window.project.path == newer
    entries = recent_entries(window)
    assert [name for name, _ in entries] == ["newer.sqlite", "older.sqlite", "start.sqlite"]
    assert entries[0][1] == str(newer)

    older_action = next(a for a in window.recent_menu.actions() if a.text() == "older.sqlite")
    older_action.trigger()
    assert window.project.path == older
    assert "older" in window.windowTitle()
    assert [name for name, _ in recent_entries(window)][:2] == ["older.sqlite", "newer.sqlite"]


def test_a_deleted_recent_project_is_not_listed(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "start.sqlite")
    gone = tmp_path / "gone.sqlite"
    assert window.open_project(gone)
    assert window.open_project(tmp_path / "kept.sqlite")
    gone.unlink()
    for leftover in tmp_path.glob("gone.sqlite-*"):  # WAL and shared-memory files
        leftover.unlink()
    assert [name for name, _ in recent_entries(window)] == ["kept.sqlite", "start.sqlite"]


# --- 4. New Project ---------------------------------------------------------------------------------


def test_new_project_shows_the_new_empty_project(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    window.dialogs.save_answers.append(tmp_path / "Fresh study")  # no suffix: .sqlite is added
    window.new_project()
    assert window.project is not None
    assert window.project.path == (tmp_path / "Fresh study.sqlite").absolute()
    assert (tmp_path / "Fresh study.sqlite").exists()
    assert window.article_list.count() == 0
    assert window.article_view.text() == ""
    assert window.article_title.text() == "No articles yet"
    assert window.claim_panel.model.rowCount() == 0
    assert window.windowTitle().startswith("Fresh study")
    assert "Ana" in window.windowTitle()  # still the same annotator
    assert window.undo_stack.count() == 0
    assert [b.text().split()[-1] for b in window.claim_panel.type_buttons] == [
        "official",
        "unnamed",
        "speculation",
    ]


def test_new_project_refuses_an_existing_file(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    taken = tmp_path / "taken.sqlite"
    taken.write_bytes(b"someone's file")
    window.dialogs.save_answers.append(taken)
    window.new_project()
    assert window.dialogs.errors and window.dialogs.errors[-1][0] == "New project"
    assert "taken.sqlite" in window.dialogs.errors[-1][1]
    assert taken.read_bytes() == b"someone's file"
    assert window.project.path.name == "p.sqlite"
    assert window.article_list.count() == 1


def test_cancelling_new_project_changes_nothing(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.dialogs.save_answers.append(None)
    window.new_project()
    assert window.project.path.name == "p.sqlite"
    assert window.dialogs.errors == []


# --- 5. Codebook changes reach the keys ---------------------------------------------------------------


def test_a_new_type_gets_the_next_key_and_moving_a_type_changes_the_keys(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    _, new_id = window.project.codebook.add_type("document", "A report or filing")
    window._on_codebook_changed()
    assert [a.shortcut().toString() for a in window.tag_actions] == ["1", "2", "3", "4"]
    first = tag(qtbot, window, 0, 20, Qt.Key.Key_4)
    assert window.claim_panel.model.claim(first).source_type_id == new_id
    assert type_name(window, first) == "document"

    speculation = window.controller.codebook.active_types[2]
    window.project.codebook.move_type(speculation.id, 0)
    window._on_codebook_changed()
    second = tag(qtbot, window, 30, 60, Qt.Key.Key_1)
    assert type_name(window, second) == "speculation"
    third = tag(qtbot, window, 70, 90, Qt.Key.Key_2)
    assert type_name(window, third) == "official"
    assert window.claim_panel.type_buttons[0].text().endswith("speculation")
    # The claims made before the change keep their type.
    assert type_name(window, first) == "document"


def test_article_shortcuts_still_work_after_a_codebook_change(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    first = write_article(tmp_path, "a.txt", "First article.")
    second = write_article(tmp_path, "b.txt", "Second article.")
    window.import_files([first, second])
    window.article_list.setCurrentRow(0)
    window.project.codebook.add_type("document")
    window._on_codebook_changed()
    window._on_codebook_changed()
    window.article_view.setFocus()
    qtbot.keyClick(window.article_view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.article_list.currentRow() == 1
    qtbot.keyClick(window.article_view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.article_list.currentRow() == 0


# --- 6. View > Highlight Source Types -----------------------------------------------------------------


def highlight_toggle(window: MainWindow, name: str):  # type: ignore[no-untyped-def]
    return next(a for a in window._highlight_toggles if a.text() == name)


def test_unchecking_a_type_hides_its_highlights_and_checking_shows_them(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    official = tag(qtbot, window, 0, 20, Qt.Key.Key_1)
    unnamed = tag(qtbot, window, 10, 40, Qt.Key.Key_2)
    view = window.article_view
    assert set(view.claim_ids_at(15)) == {official, unnamed}

    toggle = highlight_toggle(window, "official")
    assert toggle.isChecked()
    toggle.trigger()  # what a click on the menu entry does
    assert not toggle.isChecked()
    assert view.claim_ids_at(15) == [unnamed]
    assert view.claim_ids_at(5) == []
    assert len(window.claim_panel.model.all_claims()) == 2  # hidden, not deleted

    toggle.trigger()
    assert set(view.claim_ids_at(15)) == {official, unnamed}
    assert view.claim_ids_at(5) == [official]


def test_a_hidden_type_stays_as_its_toggle_says_after_a_codebook_change(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    official = tag(qtbot, window, 0, 20, Qt.Key.Key_1)
    highlight_toggle(window, "official").trigger()
    assert window.article_view.claim_ids_at(5) == []
    window.project.codebook.add_type("document")
    window._on_codebook_changed()
    toggle = highlight_toggle(window, "official")
    # The menu and the text agree: what the menu shows as hidden is hidden, and only that.
    assert toggle.isChecked() == (window.article_view.claim_ids_at(5) == [official])
    assert not toggle.isChecked()  # the user's choice outlives the rebuilt menu
    assert highlight_toggle(window, "document").isChecked()
    toggle.setChecked(True)
    assert window.article_view.claim_ids_at(5) == [official]


# --- 7. Article details -----------------------------------------------------------------------------


def test_article_details_are_shown_and_survive_a_restart(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window.import_files([SAMPLE_PATH])

    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        assert dialog.title_edit.text() == "al-asad-rocket-attack"
        dialog.title_edit.setText("  Rocket   attack on Al-Asad ")
        dialog.outlet_edit.setText("Military Times")
        dialog.date_edit.setText("2021-03-03")
        assert dialog.ok_button.isEnabled()

    window.dialogs.dialog_scripts.append(fill)
    window.edit_article_details()
    assert window.dialogs.errors == []
    assert window.article_title.text() == "Rocket attack on Al-Asad"
    assert window.article_meta.text() == "Military Times · 2021-03-03"
    assert titles_in_list(window) == ["Rocket attack on Al-Asad"]
    assert "Military Times" in window.article_list.item(0).toolTip()

    window.close()
    again = make_window(qtbot, settings, path)
    assert titles_in_list(again) == ["Rocket attack on Al-Asad"]
    assert again.article_title.text() == "Rocket attack on Al-Asad"
    assert again.article_meta.text() == "Military Times · 2021-03-03"


def test_a_bad_date_is_reported_and_nothing_is_saved(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    article_id = window.controller.article.id

    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.title_edit.setText("A new title")
        dialog.outlet_edit.setText("Some outlet")
        dialog.date_edit.setText("2021-02-30")
        assert not dialog.ok_button.isEnabled()  # the real dialog will not accept it
        assert "2021-02-30" in dialog.problem()

    window.dialogs.dialog_scripts.append(fill)
    window.edit_article_details()  # the fake accepts anyway: the window must still refuse
    assert [title for title, _ in window.dialogs.errors] == ["Details not saved"]
    assert "2021-02-30" in window.dialogs.errors[0][1]
    stored = window.project.articles.get(article_id)
    assert (stored.title, stored.outlet, stored.published) == ("al-asad-rocket-attack", "", "")
    assert window.article_title.text() == "al-asad-rocket-attack"
    assert titles_in_list(window) == ["al-asad-rocket-attack"]


def test_the_selected_claim_stays_marked_after_editing_details_or_the_codebook(qtbot, settings, tmp_path):
    """The panel and the text agree on the selected claim, so Delete or a digit acts on what is seen."""
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    claim_id = tag(qtbot, window, 300, 330, Qt.Key.Key_1)
    view = window.article_view
    assert (window.claim_panel.selected_claim_id(), view.marked_claim()) == (claim_id, claim_id)

    window.dialogs.dialog_scripts.append(lambda dialog: dialog.outlet_edit.setText("Military Times"))
    window.edit_article_details()
    assert window.article_meta.text() == "Military Times"
    assert window.claim_panel.selected_claim_id() == claim_id
    assert view.marked_claim() == claim_id
    assert view.selected_span() == (300, 330)

    window.project.codebook.add_type("document")
    window._on_codebook_changed()
    assert window.claim_panel.selected_claim_id() == claim_id
    assert view.marked_claim() == claim_id
    assert view.selected_span() == (300, 330)
    qtbot.keyClick(view, Qt.Key.Key_3)  # retypes the claim the user sees selected
    assert type_name(window, claim_id) == "speculation"
    assert window.claim_panel.model.rowCount() == 1


# --- 8. Paste Article -------------------------------------------------------------------------------


def test_a_pasted_article_with_crlf_and_emoji_is_shown_and_exports_exact_quotes(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    pasted = "Officials 👩‍⚕️ said the clinic was hit.\r\nAn unnamed source 🚀 blamed militias.\r\n"
    clipboard = QApplication.clipboard()

    def paste(dialog) -> None:  # type: ignore[no-untyped-def]
        qtbot.keyClicks(dialog.title_edit, "Clinic strike")
        clipboard.setText(pasted)
        dialog.text_edit.setFocus()
        qtbot.keyClick(dialog.text_edit, Qt.Key.Key_V, Qt.KeyboardModifier.ControlModifier)
        assert dialog.ok_button.isEnabled()

    window.dialogs.dialog_scripts.append(paste)
    try:
        window.paste_article()
    finally:
        clipboard.clear()
    text = window.article_view.text()
    assert text == pasted.replace("\r\n", "\n")
    assert "\r" not in text
    assert window.article_title.text() == "Clinic strike"
    assert titles_in_list(window) == ["Clinic strike"]

    start = text.index("An unnamed")
    end = text.index("militias.") + len("militias.")
    view = window.article_view
    view.select_span(start, end)
    qtbot.keyClick(view, Qt.Key.Key_2)
    first = tag(qtbot, window, text.index("👩"), text.index("said") + 4, Qt.Key.Key_1)
    assert window.claim_panel.model.claim(first).quote.startswith("👩")

    out = tmp_path / "exact.csv"
    window.project.exchange.export_csv(out, exact=True)
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 2
    for row in rows:
        assert text[int(row["start"]) : int(row["end"])] == row["quote"]
    assert {row["quote"] for row in rows} == {
        "An unnamed source 🚀 blamed militias.",
        "👩‍⚕️ said",
    }
    assert {row["document_title"] for row in rows} == {"Clinic strike"}


def test_a_pasted_article_without_a_title_gets_one(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")

    def fill(dialog) -> None:  # type: ignore[no-untyped-def]
        dialog.text_edit.setPlainText("Just the text.")

    window.dialogs.dialog_scripts.append(fill)
    window.paste_article()
    assert titles_in_list(window) == ["Pasted article"]
    assert window.article_view.text() == "Just the text."
    # A second one left untitled can be told from the first in the list.
    window.dialogs.dialog_scripts.append(lambda dialog: dialog.text_edit.setPlainText("Other text."))
    window.paste_article()
    assert sorted(titles_in_list(window)) == ["Pasted article", "Pasted article 2"]


def test_pasting_text_already_in_the_project_says_so(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    for title in ("First", "Second"):

        def fill(dialog, title=title) -> None:  # type: ignore[no-untyped-def]
            dialog.title_edit.setText(title)
            dialog.text_edit.setPlainText("The same text, pasted twice.")

        window.dialogs.dialog_scripts.append(fill)
        window.paste_article()
    assert titles_in_list(window) == ["First"]
    assert window.article_title.text() == "First"  # the article it already is, shown
    assert len(window.dialogs.errors) == 1
    assert "First" in window.dialogs.errors[0][1]
    assert window.dialogs.errors[0][0] == "Not added"


# --- 9. Clicking highlights with the mouse ------------------------------------------------------------


def point_of(window: MainWindow, code_point: int) -> QPoint:
    """The viewport point in the middle of the character at `code_point`."""
    view = window.article_view
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.position_map.to_qt(code_point))
    left = view.cursorRect(cursor)
    cursor.setPosition(view.position_map.to_qt(code_point + 1))
    right = view.cursorRect(cursor)
    assert right.top() == left.top() and right.left() > left.left(), "pick a character inside a line"
    return QPoint((left.left() + right.left()) // 2, left.center().y())


def selected_row_claim(window: MainWindow) -> str | None:
    rows = window.claim_panel.table_view.selectionModel().selectedRows()
    if len(rows) != 1:
        return None
    return window.claim_panel.model.claim_at(rows[0].row()).id


def test_clicking_a_highlight_selects_its_row_and_clicking_again_cycles(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    text = window.article_view.text()
    outer = tag(qtbot, window, 0, text.index("Iraq") + 4, Qt.Key.Key_1)  # "A suspected ... in Iraq"
    inner = tag(qtbot, window, text.index("rocket"), text.index("attack") + 6, Qt.Key.Key_3)
    alone = tag(qtbot, window, text.index("defense"), text.index("spokesperson"), Qt.Key.Key_2)
    window.claim_panel.select_claim(None)
    window.article_view.mark_claim(None)
    viewport = window.article_view.viewport()

    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=point_of(window, text.index("defense") + 2))
    assert window.claim_panel.selected_claim_id() == alone
    assert selected_row_claim(window) == alone

    overlap = point_of(window, text.index("rocket") + 2)
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=overlap)
    assert window.claim_panel.selected_claim_id() == inner  # innermost first
    assert selected_row_claim(window) == inner
    assert window.article_view.marked_claim() == inner
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=overlap)
    assert window.claim_panel.selected_claim_id() == outer
    assert selected_row_claim(window) == outer
    assert window.article_view.marked_claim() == outer
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton, pos=overlap)
    assert window.claim_panel.selected_claim_id() == inner  # and round again


# --- 10. Layout memory ------------------------------------------------------------------------------


def test_splitter_sizes_and_window_size_are_remembered(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    # Smaller than the offscreen platform's 800x800 screen, which restoreGeometry clamps a window to.
    window.resize(760, 700)
    qtbot.waitUntil(lambda: window.size().toTuple() == (760, 700))
    total = sum(window.splitter.sizes())
    window.splitter.setSizes([150, total - 150 - 330, 330])
    wanted = window.splitter.sizes()
    assert (wanted[0], wanted[2]) == (150, 330)  # not what a new window would choose by itself
    window.close()

    again = make_window(qtbot, settings, path)
    qtbot.waitUntil(lambda: again.size().toTuple() == (760, 700))
    restored = again.splitter.sizes()
    for got, expected in zip(restored, wanted, strict=True):
        assert abs(got - expected) <= 4, (restored, wanted)


def test_a_new_window_fits_the_screen_and_a_narrow_one_leaves_the_article_a_readable_line(qtbot, settings):
    from PySide6.QtCore import QSize

    from annotator.ui.main_window import default_window_size
    from annotator.ui.window_panes import default_pane_widths

    assert default_window_size(QSize(2560, 1400)) == QSize(1360, 860)
    assert default_window_size(QSize(1366, 740)) == QSize(1342, 716)  # a laptop, beside its panel
    window = MainWindow(settings, FakeDialogs(), build=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    screen = window.screen().availableGeometry().size()
    assert window.width() <= screen.width() and window.height() <= screen.height()

    assert default_pane_widths(1360) == [230, 720, 410]  # the default window's, as ever
    assert default_pane_widths(1920) == [230, 1280, 410]
    for width in (1024, 1100, 1280):
        articles, article, panel = default_pane_widths(width)
        assert articles + article + panel == width
        # The article keeps nearly half of a narrow window; the panel keeps room for the list's
        # Annotator column.
        assert article >= 0.45 * width and panel >= 390
    for width in (640, 776, 900):  # narrower still: the article's line comes first
        articles, article, panel = default_pane_widths(width)
        assert articles + article + panel == width and articles >= 120 and panel >= 330
        assert article >= min(300, width - 450)
    window.resize(1024, 700)
    window.show()
    qtbot.waitExposed(window)
    window.build()  # as run_app does: after the first paint, at the window's size
    qtbot.waitUntil(lambda: sum(window.splitter.sizes()) > 1000)
    sizes = window.splitter.sizes()
    assert sizes[1] >= 440 and sizes[2] >= 390, sizes


# --- 11. Keyboard focus -----------------------------------------------------------------------------


def test_focus_stays_in_the_article_while_tagging(qtbot, settings, tmp_path):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.claim_panel.filter_edit.setFocus()  # the user was somewhere else
    assert window.open_project(tmp_path / "other.sqlite")
    window.import_files([SAMPLE_PATH])
    view = window.article_view
    qtbot.waitUntil(view.hasFocus)
    assert view.textCursor().position() == 0
    assert not view.textCursor().hasSelection()

    for _ in range(3):
        qtbot.keyClick(
            view, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
        )
    qtbot.keyClick(view, Qt.Key.Key_1)
    assert window.claim_panel.model.rowCount() == 1
    assert view.hasFocus()

    # Pick the claim in the list (focus moves there), then retype it with a type button.
    (claim,) = window.claim_panel.model.all_claims()
    table = window.claim_panel.table_view
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    rect = table.visualRect(window.claim_panel.model.index(0, 0))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.claim_panel.selected_claim_id() == claim.id
    assert view.selected_span() == (claim.start, claim.end)
    button = window.claim_panel.type_buttons[2]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert type_name(window, claim.id) == "speculation"
    qtbot.waitUntil(view.hasFocus)

    # A new selection tagged with a button: a new claim, and the article keeps the keyboard.
    window.claim_panel.select_claim(None)
    view.select_span(40, 60)
    table.setFocus()
    qtbot.waitUntil(table.hasFocus)
    qtbot.mouseClick(window.claim_panel.type_buttons[1], Qt.MouseButton.LeftButton)
    assert window.claim_panel.model.rowCount() == 2
    qtbot.waitUntil(view.hasFocus)


# --- 12. A failed save -----------------------------------------------------------------------------------


def test_a_failed_delete_is_reported_and_changes_nothing(qtbot, settings, tmp_path, monkeypatch):
    window = make_window(qtbot, settings, tmp_path / "p.sqlite")
    window.import_files([SAMPLE_PATH])
    claim_id = tag(qtbot, window, 0, 25, Qt.Key.Key_1)
    assert window.claim_panel.selected_claim_id() == claim_id
    depth, undo_text = window.undo_stack.count(), window.undo_action.text()

    def disk_full(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(window.project.claims, "delete", disk_full)
    qtbot.keyClick(window.article_view, Qt.Key.Key_Delete)
    assert window.dialogs.errors == [("Not saved", "disk full")]
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim_id]
    assert window.article_view.claim_ids_at(5) == [claim_id]
    assert window.undo_stack.count() == depth
    assert window.undo_action.text() == undo_text
    assert window.project.claims.get(claim_id) is not None

    # Once the disk has room again, Delete works and undo brings the claim back.
    monkeypatch.undo()
    window.claim_panel.select_claim(claim_id)
    qtbot.keyClick(window.article_view, Qt.Key.Key_Delete)
    assert window.claim_panel.model.rowCount() == 0
    window.undo_action.trigger()
    assert [c.id for c in window.claim_panel.model.all_claims()] == [claim_id]


def test_the_app_looks_calm_without_an_application_style_sheet(qtbot):
    """A style sheet on the application makes Qt paint every widget through its slow style-sheet style."""
    from PySide6.QtGui import QColor, QPalette

    from annotator.app import make_application
    from annotator.ui import theme

    app = make_application()
    assert app.styleSheet() == ""
    assert app.palette().color(QPalette.ColorRole.Window) == QColor(theme.CHROME)


FIRST_PAINT_PROBE = r"""
import enum
from PySide6.QtWidgets import QApplication  # first: spying on PySide's own start crashes it
made = []
original = enum.EnumType._create_
def spy(cls, class_name, *args, **kwargs):
    made.append(class_name)
    return original(cls, class_name, *args, **kwargs)
enum.EnumType._create_ = spy
from annotator.app import make_application
from annotator.ui.main_window import MainWindow
make_application()
print(" ".join(made))
"""


def test_what_loads_before_the_first_paint_builds_no_widget_classes_it_does_not_paint():
    """PySide builds a class's enums the first time a module names it (~0.7 ms each): the modules loaded
    before the window's first paint must leave the panes' classes (lists, fonts, key sequences, menus) to
    the methods that build the panes."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    made = subprocess.run(
        [sys.executable, "-c", FIRST_PAINT_PROBE], capture_output=True, text=True, check=True, env=env
    ).stdout.split()
    assert made, "the probe saw no enum being made: it no longer measures anything"
    # QAbstractItemView's, QListView's, QFont's, QKeySequence's, QAction's, QThread's and QIcon's enums.
    for name in (
        "SelectionMode",
        "EditTrigger",
        "ViewMode",
        "Capitalization",
        "StandardKey",
        "MenuRole",
        "QualityOfService",
        "ThemeIcon",
    ):
        assert name not in made
    assert len(made) <= 10


def test_a_layout_saved_before_the_handles_were_rules_keeps_them_thin(qtbot):
    """A splitter's saved state holds its handle width: an older layout (the style's 4 px) must not
    bring back a thick bar for good."""
    from PySide6.QtWidgets import QLabel, QSplitter

    from annotator.ui.ruled_splitter import RuledSplitter

    plain = QSplitter()
    qtbot.addWidget(plain)
    for text in ("a", "b"):
        plain.addWidget(QLabel(text))
    old_layout = plain.saveState()
    ruled = RuledSplitter()
    qtbot.addWidget(ruled)
    for text in ("a", "b"):
        ruled.addWidget(QLabel(text))
    assert ruled.restoreState(old_layout)
    assert ruled.handleWidth() == 1


def test_an_undo_never_overwrites_what_the_command_line_changed_since(qtbot, settings, tmp_path):
    """Found by QA: `annotator import-claims` changed a claim while the app was open; Ctrl+Z in the
    app then put the whole old claim back, and the script's change was gone from claim and history."""
    from annotator.services.project import Project

    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window.import_files([SAMPLE_PATH])
    claim_id = tag(qtbot, window, 0, 20)
    qtbot.keyClick(window.article_view, Qt.Key.Key_5, Qt.KeyboardModifier.AltModifier)  # re-rate it
    assert window.claim_panel.model.claim(claim_id).confidence == 5

    script = Project.open(path)  # another program's changes, made while the window is open
    script.claims.update(claim_id, comment="checked against the ministry's statement")
    script.close()
    shown_while_said: list[str] = []  # what the panel shows while the message is up
    report = window.dialogs.error

    def error(title: str, message: str) -> None:
        shown_while_said.append(window.claim_panel.model.claim(claim_id).comment)
        report(title, message)

    window.dialogs.error = error  # type: ignore[method-assign]
    window.undo_action.trigger()  # would take the confidence back, with the comment
    assert shown_while_said == ["checked against the ministry's statement"]

    [(_title, message)] = window.dialogs.errors
    assert "changed outside this window" in message
    # The claim is shown as it is now, as the message says it is left.
    shown = window.claim_panel.model.claim(claim_id)
    assert (shown.comment, shown.confidence) == ("checked against the ministry's statement", 5)
    check = Project.open(path)
    kept = check.claims.get(claim_id)
    check.close()
    assert kept is not None
    assert (kept.comment, kept.confidence) == ("checked against the ministry's statement", 5)
    # Nor does undoing the tagging delete the claim the script has changed.
    window.undo_action.trigger()
    check = Project.open(path)
    assert check.claims.get(claim_id) is not None
    check.close()


def test_a_project_file_deleted_while_open_is_said_and_its_work_saved_elsewhere(qtbot, settings, tmp_path):
    """Found by QA: with the file deleted, every later claim went into a file nobody could find,
    and the status bar still said "Saved"."""
    import sqlite3

    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window.import_files([SAMPLE_PATH])
    before = tag(qtbot, window, 0, 20)
    path.unlink()  # a file manager, a sync client, `rm`
    window.dialogs.confirm_answers.append(True)  # "Save the project to a new file now?"
    rescued = tmp_path / "rescued.sqlite"
    window.dialogs.save_answers.append(rescued)
    window._file_watch.stop()  # noticed by the save itself, not by the timer
    after = tag(qtbot, window, 30, 60)  # saved, into the deleted file: now noticed

    qtbot.waitUntil(lambda: window.project is not None and window.project.path == rescued)
    assert window.dialogs.asked.count("The project file is gone") == 1
    with sqlite3.connect(rescued) as copy:
        ids = {row[0] for row in copy.execute("SELECT id FROM claim")}
    copy.close()
    assert ids == {before, after}
    assert "gone" not in window.saved_label.text()  # saved in a file again


def test_a_project_file_gone_is_noticed_without_an_edit_and_said_once(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window.import_files([SAMPLE_PATH])
    moved = tmp_path / "moved.sqlite"
    path.rename(moved)
    window.dialogs.confirm_answers.append(False)  # not now
    qtbot.waitUntil(lambda: "The project file is gone" in window.dialogs.asked, timeout=10_000)
    tag(qtbot, window, 0, 20)
    assert window.dialogs.asked.count("The project file is gone") == 1
    assert "the project file is gone" in window.saved_label.text()
    window.dialogs.confirm_answers.extend([False, True])  # at the test's end: close without saving


def test_the_annotator_s_name_can_be_changed_for_the_claims_to_come(qtbot, settings, tmp_path):
    """Found by QA: a name question cancelled on the first start kept the login name for good."""
    from annotator.ui.annotator_name import ANNOTATOR_KEY

    window = make_window(qtbot, settings, tmp_path / "p.sqlite", annotator="root")
    window.import_files([SAMPLE_PATH])
    before = tag(qtbot, window, 0, 20)
    window.dialogs.text_answers.append("  Ana  Lopez ")
    window.annotator_action.trigger()

    assert "Ana Lopez" in window.windowTitle() and window.annotator.name == "Ana Lopez"
    assert settings.value(ANNOTATOR_KEY) == "Ana Lopez"  # and at the next start
    assert not window.undo_stack.canUndo()  # root's steps are not Ana's to undo
    after = tag(qtbot, window, 30, 60)
    names = {c.id: c.annotator_name for c in window.claim_panel.model.all_claims()}
    assert names == {before: "root", after: "Ana Lopez"}  # the claims made so far keep theirs


def test_what_the_command_line_changes_is_announced_and_f5_shows_it(qtbot, settings, tmp_path):
    """Found by QA: after a merge or import on the command line the open window still showed the
    project as it was, with no hint."""
    from annotator.services.project import Project

    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window.import_files([SAMPLE_PATH])
    tag(qtbot, window, 0, 20)
    window.statusBar().clearMessage()
    window._say_if_changed_elsewhere()  # the window's own changes are not another program's
    assert window.statusBar().currentMessage() == ""

    script = Project.open(path)  # `annotator import` and `merge` while the window is open
    script.articles.add_text("Imported on the command line.", title="From the script")
    script.codebook.add_type("document", "A report or filing")  # the fourth type
    add_claim(script, window.controller.article.id, script.annotator("Ben"), 30, 60, type_index=3)
    script.close()
    qtbot.waitUntil(lambda: "Another program changed" in window.statusBar().currentMessage(), timeout=10_000)
    assert "From the script" not in titles_in_list(window)
    window.reload_action.trigger()
    assert "From the script" in titles_in_list(window)
    # Ben's claim, of a type the window had not known, with its colleague's name to choose.
    assert {c.annotator_name for c in window.claim_panel.model.all_claims()} == {"Ana", "Ben"}
    assert [t.name for t in window.controller.codebook.active_types][-1] == "document"
    assert [a.shortcut().toString() for a in window.tag_actions][-1] == "4"
    assert "Ben" in {a.name for a in window.annotator_view._annotators}


def test_a_project_file_gone_noticed_by_an_undo_is_asked_about_after_the_undo(qtbot, settings, tmp_path):
    """From a review: the question came from inside the undo, and Save As then opened the copy
    and cleared the undo stack while Qt was still in the step: a crash (SIGSEGV)."""
    import sqlite3

    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window._file_watch.stop()
    window.import_files([SAMPLE_PATH])
    kept = tag(qtbot, window, 0, 20)
    undone = tag(qtbot, window, 30, 60)
    path.unlink()
    window.dialogs.confirm_answers.append(True)
    rescued = tmp_path / "rescued.sqlite"
    window.dialogs.save_answers.append(rescued)
    window.undo_action.trigger()  # saves (deletes the second claim), into the deleted file

    qtbot.waitUntil(lambda: window.project is not None and window.project.path == rescued)
    with sqlite3.connect(rescued) as copy:
        ids = {row[0] for row in copy.execute("SELECT id FROM claim")}
    copy.close()
    assert ids == {kept} and undone not in ids


def test_closing_a_window_whose_project_file_is_gone_offers_to_save_it_first(qtbot, settings, tmp_path):
    """Found by QA: with the question about the gone file dismissed, Quit closed at once and the
    work was lost; File > Save Project As is there too."""
    import sqlite3

    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window._file_watch.stop()
    window.import_files([SAMPLE_PATH])
    path.unlink()
    window.dialogs.confirm_answers.append(False)  # not now
    claim = tag(qtbot, window, 0, 20)
    qtbot.waitUntil(lambda: "The project file is gone" in window.dialogs.asked)

    window.dialogs.confirm_answers.extend([False, False])  # no Save As; and do not close after all
    assert not window.close()
    assert window.isVisible() and window.project is not None

    # A place SQLite cannot write to (a read-only folder, an unplugged stick): said, and nothing is lost.
    window.dialogs.confirm_answers.append(True)  # Save As…, which fails: the window stays
    window.dialogs.save_answers.append(tmp_path / "no such folder" / "x.sqlite")
    assert not window.close()
    assert "could not be written" in window.dialogs.errors[-1][1]
    assert window.isVisible() and window.project is not None

    rescued = tmp_path / "rescued"  # without a suffix: given the project's
    window.dialogs.confirm_answers.append(True)  # Save As…
    window.dialogs.save_answers.append(rescued)
    assert window.close()
    rescued = rescued.with_suffix(".sqlite")
    with sqlite3.connect(rescued) as copy:
        assert [row[0] for row in copy.execute("SELECT id FROM claim")] == [claim]
    copy.close()


def test_save_project_as_goes_on_in_the_new_file(qtbot, settings, tmp_path):
    path = tmp_path / "p.sqlite"
    window = make_window(qtbot, settings, path)
    window.import_files([SAMPLE_PATH])
    first = tag(qtbot, window, 0, 20)
    copy = tmp_path / "copy.sqlite"
    window.dialogs.save_answers.append(copy)
    window.save_as_action.trigger()
    assert window.project is not None and window.project.path == copy
    second = tag(qtbot, window, 30, 60)
    window.dialogs.save_answers.append(path)  # an existing file is never overwritten
    window.save_as_action.trigger()
    [(_title, message)] = window.dialogs.errors
    assert "exists already" in message and window.project.path == copy
    window.close()
    from annotator.services.project import Project

    for file, expected in ((path, {first}), (copy, {first, second})):
        project = Project.open(file)
        assert {c.id for c in project.claims.for_article(project.articles.list()[0].id)} == expected
        project.close()

