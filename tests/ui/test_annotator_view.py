"""Seeing each other: whose claims are shown (View > Show Claims Of), how each annotator looks, blind mode."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QAction, QTextCharFormat, QTextCursor

from annotator.app import open_initial_project
from annotator.paths import seeds_dir
from annotator.services.project import Project
from annotator.ui.article_view import ArticleView
from annotator.ui.claims_model import ANNOTATOR_COLUMN
from annotator.ui.highlights import COLLEAGUE_LINES
from annotator.ui.main_window import MainWindow
from tests.core.factories import add_claim
from tests.ui.fakes import FakeDialogs

SAMPLE = (seeds_dir() / "al-asad-rocket-attack.txt").read_text(encoding="utf-8").rstrip("\n")
NoUnderline = QTextCharFormat.UnderlineStyle.NoUnderline

# Where each annotator's claims lie in SAMPLE (code points): Ana's and Ben's overlap, Cleo's stands alone.
ANA = (2, 17)
BEN = (10, 40)
CLEO = (60, 90)
ONLY_BEN = 30  # inside Ben's claim, outside Ana's
BOTH = 12  # inside Ana's and Ben's


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """A project where Ana (the user), Ben and Cleo each tagged the same article."""
    path = tmp_path / "team.sqlite"
    project = Project.open(path)
    article_id = project.articles.add_text(SAMPLE, title="Sample").article_id
    project.articles.add_text("A second article. Nobody has tagged it yet.", title="Second")
    for name, (start, end), type_index in (("Ana", ANA, 0), ("Ben", BEN, 1), ("Cleo", CLEO, 2)):
        add_claim(project, article_id, project.annotator(name), start, end, type_index=type_index)
    project.close()
    return path


def make_window(qtbot, settings: QSettings, path: Path, annotator: str = "Ana") -> MainWindow:
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()  # shortcuts reach the active window only
    qtbot.waitUntil(window.isActiveWindow)
    assert open_initial_project(window, path, annotator)
    window.article_list.setCurrentRow(
        next(
            row
            for row in range(window.article_list.count())
            if window.article_list.item(row).text() == "Sample"
        )
    )
    return window


def format_at(view: ArticleView, code_point: int) -> QTextCharFormat | None:
    """The format painted over one character, or None when it is plain text."""
    view.format_visible_blocks()
    qt = view.position_map.to_qt(code_point)
    block = view.document().findBlock(qt)
    in_block = qt - block.position()
    for format_range in block.layout().formats():
        if format_range.start <= in_block < format_range.start + format_range.length:
            return QTextCharFormat(format_range.format)
    return None


def has_wash(view: ArticleView, code_point: int) -> bool:
    found = format_at(view, code_point)
    return found is not None and found.background().style() != Qt.BrushStyle.NoBrush


def line_at(view: ArticleView, code_point: int) -> QTextCharFormat.UnderlineStyle:
    found = format_at(view, code_point)
    return found.underlineStyle() if found is not None else NoUnderline


def names_listed(window: MainWindow) -> list[str]:
    model = window.claim_panel.model
    return sorted(model.claim_at(row).annotator_name for row in range(model.rowCount()))


def entry(window: MainWindow, text: str) -> QAction:
    return next(a for a in window.annotator_view.menu.actions() if a.text() == text)


def test_the_submenu_lists_me_first_then_colleagues_everyone_and_only_mine(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    texts = [a.text() for a in window.annotator_view.menu.actions() if not a.isSeparator()]
    assert texts == ["&Mine (Ana)", "Ben", "Cleo", "&Everyone", "&Only Mine"]
    assert all(a.isCheckable() for a in window.annotator_view.menu.actions() if not a.isSeparator())
    # Everyone is the start: every entry ticked but Only Mine.
    assert [a.isChecked() for a in window.annotator_view.menu.actions() if not a.isSeparator()] == [
        True,
        True,
        True,
        True,
        False,
    ]
    # Reachable from the keyboard: the View menu names it with a mnemonic, and so is Blind Mode.
    view_texts = [a.text() for a in window.view_menu.actions()]
    assert "Show Claims &Of" in view_texts and "&Blind Mode" in view_texts


def test_choosing_whose_claims_hides_the_others_highlights_and_rows(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view
    window.splitter.setSizes([150, 600, 700])  # room for the optional annotator column
    assert names_listed(window) == ["Ana", "Ben", "Cleo"]
    assert not window.claim_panel.table_view.isColumnHidden(ANNOTATOR_COLUMN)
    assert (
        has_wash(view, ANA[0])
        and line_at(view, ONLY_BEN) != NoUnderline
        and line_at(view, CLEO[0]) != NoUnderline
    )

    entry(window, "&Only Mine").trigger()
    assert names_listed(window) == ["Ana"]
    assert has_wash(view, ANA[0])
    assert format_at(view, ONLY_BEN) is None and format_at(view, CLEO[0]) is None
    assert view.claim_ids_at(ONLY_BEN) == []  # no click target either
    assert window.claim_panel.table_view.isColumnHidden(ANNOTATOR_COLUMN)  # one annotator shown
    assert window.claim_panel.annotator_filter.count() == 2  # "All annotators" and Ana

    # Ticking Ben adds him: both are listed, his claim is back, drawn as his line.
    entry(window, "Ben").trigger()
    assert names_listed(window) == ["Ana", "Ben"]
    assert line_at(view, ONLY_BEN) == COLLEAGUE_LINES[0]
    assert format_at(view, CLEO[0]) is None
    assert not window.claim_panel.table_view.isColumnHidden(ANNOTATOR_COLUMN)

    # The choice holds when another article is shown and when it comes back.
    window.article_list.setCurrentRow(1 - window.article_list.currentRow())
    window.article_list.setCurrentRow(1 - window.article_list.currentRow())
    assert window.controller.article.title == "Sample"
    assert names_listed(window) == ["Ana", "Ben"]
    assert format_at(view, CLEO[0]) is None and line_at(view, ONLY_BEN) == COLLEAGUE_LINES[0]

    entry(window, "&Everyone").trigger()
    assert names_listed(window) == ["Ana", "Ben", "Cleo"]


def test_one_colleague_alone_looks_exactly_as_claims_always_did(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view
    entry(window, "&Mine (Ana)").trigger()  # unticked: Ben and Cleo
    entry(window, "Cleo").trigger()  # unticked: Ben alone
    assert names_listed(window) == ["Ben"]
    ben = format_at(view, ONLY_BEN)
    assert ben is not None and ben.underlineStyle() == NoUnderline
    assert ben.background().color() == view.highlights.wash_for(window.controller.codebook.active_types[1].id)
    assert not window.annotator_view.legend.isVisible()
    # The last one ticked cannot be unticked: someone's claims are always shown.
    entry(window, "Ben").trigger()
    assert names_listed(window) == ["Ben"] and entry(window, "Ben").isChecked()


def test_each_colleague_has_a_line_of_their_own_and_the_legend_names_them(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view
    ben, cleo = line_at(view, ONLY_BEN), line_at(view, CLEO[0])
    assert {ben, cleo} <= set(COLLEAGUE_LINES) and ben != cleo
    assert not has_wash(view, ONLY_BEN) and not has_wash(view, CLEO[0])  # colleagues: a line, no wash
    # Where my claim and Ben's overlap: my wash and his line together.
    both = format_at(view, BOTH)
    assert both is not None and both.background().style() != Qt.BrushStyle.NoBrush
    assert both.underlineStyle() == ben
    # The colour still says the type: Cleo's line is her claim's type colour, darkened to stand out.
    cleo_type = window.controller.codebook.active_types[2].id
    assert format_at(view, CLEO[0]).underlineColor() == view.highlights.line_for(
        cleo_type, on=view.palette().base().color()
    )
    legend = window.annotator_view.legend
    assert legend.isVisible()
    assert legend.entries() == [("Mine (Ana)", None), ("Ben", ben), ("Cleo", cleo)]
    assert "Ben: dotted line" in legend.toolTip()


def test_clicking_a_colleagues_highlight_selects_their_claim(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view
    (ben_claim,) = view.claim_ids_at(ONLY_BEN)
    view.sig_claim_clicked.emit(ben_claim)
    assert window.claim_panel.selected_claim_id() == ben_claim
    # Marked, a colleague's claim gets the marked wash too, still with the colleague's line.
    marked = format_at(view, ONLY_BEN)
    assert (
        marked.background().style() != Qt.BrushStyle.NoBrush and marked.underlineStyle() == COLLEAGUE_LINES[0]
    )


def test_changing_whose_claims_are_shown_never_formats_blocks_off_screen(qtbot, settings, tmp_path):
    path = tmp_path / "long.sqlite"
    project = Project.open(path)
    text = "\n".join(f"Paragraph {n}: the minister said the talks would go on." for n in range(400))
    article_id = project.articles.add_text(text, title="Sample").article_id
    type_id = project.codebook.get().active_types[0].id
    far = text.index("Paragraph 390")
    for name, start in (("Ana", 0), ("Ben", 5), ("Ana", far), ("Ben", far + 5)):
        project.claims.create(
            article_id=article_id,
            annotator_id=project.annotator(name).id,
            start=start,
            end=start + 20,
            source_type_id=type_id,
            confidence=3,
        )
    project.close()
    window = make_window(qtbot, settings, path)
    view = window.article_view
    highlights = view.highlights
    view.format_visible_blocks()
    far_block = view.document().findBlock(view.position_map.to_qt(far)).blockNumber()
    before = highlights.format_count[0]
    entry(window, "&Only Mine").trigger()
    assert far_block not in highlights.format_count  # never scrolled to: never formatted
    assert view.format_visible_blocks() > 0 and highlights.format_count[0] == before + 1
    assert view.format_visible_blocks() == 0


def test_blind_mode_shows_only_mine_and_disables_review(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view
    entry(window, "Cleo").trigger()  # the choice before blind mode: Ana and Ben
    assert window.agreement_action.isEnabled()
    (ben_claim,) = view.claim_ids_at(ONLY_BEN)
    window.controller.select_claim(ben_claim)

    qtbot.keyClick(
        window, Qt.Key.Key_B, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert window.annotator_view.blind and window.annotator_view.blind_action.isChecked()
    assert names_listed(window) == ["Ana"]
    assert format_at(view, ONLY_BEN) is None and view.claim_ids_at(ONLY_BEN) == []
    assert line_at(view, BOTH) == NoUnderline  # my claim alone, as it always looked
    assert window.claim_panel.selected_claim_id() is None  # Ben's claim was let go
    assert not window.agreement_action.isEnabled()
    assert "Blind mode is on" in window.agreement_action.statusTip()
    review_actions = [a for a in window.review_menu.actions() if not a.isSeparator()]
    assert review_actions and not any(a.isEnabled() for a in review_actions)
    assert not window.annotator_view.menu.menuAction().isEnabled()
    assert window.annotator_view.menu.menuAction().toolTip() == "Blind mode is on"
    assert (
        window.annotator_view.blind_label.isVisible()
        and window.annotator_view.blind_label.text() == "Blind mode"
    )
    assert not window.annotator_view.legend.isVisible()
    assert window.claim_panel._count_label.text() == "1"  # colleagues' claims are not even counted

    # Delete with the caret in Ben's claim: nothing of his is reachable.
    cursor = view.textCursor()
    cursor.setPosition(view.position_map.to_qt(ONLY_BEN))
    view.setTextCursor(cursor)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    reopened = Project.open(project_path)
    article_id = window.controller.article.id
    assert sorted(c.annotator_name for c in reopened.claims.for_article(article_id)) == ["Ana", "Ben", "Cleo"]
    reopened.close()

    # A new claim made in blind mode is mine, and shown.
    view.select_span(100, 120)
    qtbot.keyClick(view, Qt.Key.Key_2)
    assert names_listed(window) == ["Ana", "Ana"]
    new = next(c for c in window.claim_panel.model.all_claims() if c.start == 100)
    assert new.annotator_name == "Ana" and has_wash(view, 105)

    # Off again: the choice from before comes back (Ana and Ben, not Cleo), and so does review.
    window.annotator_view.blind_action.trigger()
    assert names_listed(window) == ["Ana", "Ana", "Ben"]
    assert window.agreement_action.isEnabled() and "Blind mode" not in window.agreement_action.statusTip()
    assert all(a.isEnabled() for a in review_actions)
    assert not window.annotator_view.blind_label.isVisible()


def test_in_blind_mode_the_article_list_does_not_count_colleagues_claims(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    item = window.article_list.currentItem

    assert item().toolTip().endswith("Sample · 3 claims</p>")
    window.annotator_view.blind_action.trigger()
    assert "claim" not in item().toolTip() and "Sample" in item().toolTip()
    view = window.article_view
    view.select_span(100, 120)
    qtbot.keyClick(view, Qt.Key.Key_2)  # a save recounts the shown article
    assert "claim" not in item().toolTip()
    window.annotator_view.blind_action.trigger()
    assert item().toolTip().endswith("Sample · 4 claims</p>")
    assert window.controller.article.title == "Sample"  # the list was refilled, the article stayed


def test_blind_mode_and_the_choice_are_remembered_per_project(qtbot, settings, project_path, tmp_path):
    window = make_window(qtbot, settings, project_path)
    entry(window, "Cleo").trigger()
    window.annotator_view.blind_action.trigger()
    window.close()

    again = make_window(qtbot, settings, project_path)
    assert again.annotator_view.blind and names_listed(again) == ["Ana"]
    assert not again.agreement_action.isEnabled()
    assert format_at(again.article_view, ONLY_BEN) is None
    again.annotator_view.blind_action.trigger()
    assert names_listed(again) == ["Ana", "Ben"]  # Cleo stays unticked, as chosen before the restart

    # Another project has choices of its own.
    other = tmp_path / "other.sqlite"
    Project.open(other).close()
    again.annotator_view.blind_action.trigger()
    assert again.open_project(other)
    assert not again.annotator_view.blind and again.agreement_action.isEnabled()
    assert again.open_project(project_path)
    assert again.annotator_view.blind


def test_blind_mode_holds_from_the_first_look(qtbot, settings, project_path):
    from annotator.app import start_window

    window = make_window(qtbot, settings, project_path)
    window.annotator_view.blind_action.trigger()
    window.close()

    frame = MainWindow(settings, FakeDialogs(), build=False)  # type: ignore[arg-type]
    qtbot.addWidget(frame)
    frame.show()
    qtbot.waitExposed(frame)
    with qtbot.waitSignal(frame.sig_project_opened, timeout=20_000):
        assert start_window(frame, project_path, "Ana")
        assert frame.project is None  # still the first look
        assert frame.article_view.text() == SAMPLE
        assert names_listed(frame) == ["Ana"]
        assert format_at(frame.article_view, ONLY_BEN) is None
        assert "claim" not in frame.article_list.currentItem().toolTip()  # not even counted
    assert frame.annotator_view.blind and names_listed(frame) == ["Ana"]


def test_hovering_names_whose_claims_lie_under_the_mouse(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view

    def point_at(code_point: int) -> QPoint:
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.position_map.to_qt(code_point))
        rect = view.cursorRect(cursor)
        return rect.center() + QPoint(3, 0)  # just right of the caret: over the character itself

    assert window.annotator_view.tooltip_at(point_at(BOTH)) == "Claimed here by Mine (Ana), Ben (dotted line)"
    assert window.annotator_view.tooltip_at(point_at(ONLY_BEN)) == "Claimed here by Ben (dotted line)"
    assert window.annotator_view.tooltip_at(point_at(CLEO[1] + 20)) == ""  # plain text
    entry(window, "&Only Mine").trigger()
    assert window.annotator_view.tooltip_at(point_at(BOTH)) == ""  # one annotator: no names needed


def test_claims_changed_before_anyone_asked_whose_they_are_keep_their_annotator(qtbot):
    """The annotator of each claim is looked up only once a choice needs it; edits made before count."""
    from annotator.domain.records import Claim

    view = ArticleView()
    qtbot.addWidget(view)
    text = "One two three four five six seven eight nine ten."

    def claim(claim_id: str, annotator_id: str, start: int, end: int) -> Claim:
        quote = text[start:end]
        return Claim(claim_id, "a", annotator_id, annotator_id.title(), start, end, quote, "", "", "t", 3)

    view.show_article(text, [claim("a1", "ana", 0, 3), claim("b1", "ben", 4, 7)], {"t": "#0072B2"})
    view.upsert_claim(claim("b2", "ben", 8, 13))
    view.upsert_claim(claim("a2", "ana", 14, 18))
    view.remove_claim("a2")
    assert view.highlights.set_shown_annotators(frozenset({"ben"}))
    assert [view.claim_ids_at(n) for n in (1, 5, 10, 15)] == [[], ["b1"], ["b2"], []]
    assert view.highlights.annotator_of("b2") == "ben" and view.highlights.span("a1") is None
    assert not view.highlights.set_shown_annotators(frozenset({"ben"}))  # no change: blocks stay fresh


def test_turning_blind_mode_on_closes_an_open_agreement_window(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    dialog = window.show_agreement()
    assert dialog is not None and dialog.isVisible()
    window.annotator_view.blind_action.trigger()
    assert not dialog.isVisible()


def test_a_colleague_merged_in_joins_everyone_but_not_a_narrower_choice(
    qtbot, settings, project_path, tmp_path
):
    theirs = tmp_path / "dora.sqlite"
    dora_project = Project.open(theirs)
    article_id = dora_project.articles.add_text(SAMPLE, title="Sample").article_id
    dora_project.claims.create(
        article_id=article_id,
        annotator_id=dora_project.annotator("Dora").id,
        start=200,
        end=240,
        source_type_id=dora_project.codebook.get().active_types[0].id,
        confidence=3,
    )
    dora_project.close()
    window = make_window(qtbot, settings, project_path)
    entry(window, "Cleo").trigger()  # Ana and Ben only
    assert window.merge_project(theirs)
    assert "Dora" in [a.text() for a in window.annotator_view.menu.actions()]
    assert not entry(window, "Dora").isChecked() and names_listed(window) == ["Ana", "Ben"]
    assert format_at(window.article_view, 210) is None
    entry(window, "&Everyone").trigger()
    assert names_listed(window) == ["Ana", "Ben", "Cleo", "Dora"]
    styles = {line_at(window.article_view, n) for n in (ONLY_BEN, CLEO[0], 210)}
    assert styles == set(COLLEAGUE_LINES[:3])  # three colleagues, three styles


def test_a_new_project_made_at_a_remembered_path_shows_everyone_not_nobody(qtbot, settings, project_path):
    """The choice is remembered by the file's path; a new project there has annotators of its own, and
    a choice of ids it does not know must not hide every claim with nothing ticked in the menu."""
    window = make_window(qtbot, settings, project_path)
    entry(window, "Cleo").trigger()  # Ana and Ben, remembered for this path
    window.close()
    project_path.unlink()
    project = Project.open(project_path)
    article_id = project.articles.add_text(SAMPLE, title="Sample").article_id
    type_id = project.codebook.get().active_types[0].id
    for name, (start, end) in (("Ana", ANA), ("Zoe", CLEO)):
        project.claims.create(
            article_id=article_id,
            annotator_id=project.annotator(name).id,  # a new Ana: a new id
            start=start,
            end=end,
            source_type_id=type_id,
            confidence=3,
        )
    project.close()

    again = make_window(qtbot, settings, project_path)
    assert names_listed(again) == ["Ana", "Zoe"]
    assert entry(again, "&Everyone").isChecked() and entry(again, "&Mine (Ana)").isChecked()
    assert again.annotator_view.shown() is None


def test_tagging_while_my_claims_are_hidden_says_where_the_claim_went(qtbot, settings, project_path):
    window = make_window(qtbot, settings, project_path)
    entry(window, "&Mine (Ana)").trigger()
    entry(window, "Cleo").trigger()  # Ben's claims only
    view = window.article_view
    view.select_span(100, 120)
    qtbot.keyClick(view, Qt.Key.Key_2)

    new = next(c for c in window.claim_panel.model.all_claims() if c.start == 100)
    assert new.annotator_name == "Ana" and names_listed(window) == ["Ben"]  # saved, and not shown
    unnamed = window.controller.codebook.active_types[1].name
    assert window.statusBar().currentMessage() == (
        f"Tagged as {unnamed}, but your claims are not shown: View > Show Claims Of > Mine."
    )
    entry(window, "&Mine (Ana)").trigger()
    assert names_listed(window) == ["Ana", "Ana", "Ben"]


def test_a_project_that_opens_in_blind_mode_closes_an_agreement_window_left_open(
    qtbot, settings, project_path, tmp_path
):
    """Blind mode remembered for a project takes hold like a toggle by hand: the agreement window of the
    project before (colleagues' claims, a click away from the article) does not stay open over it."""
    blind = tmp_path / "blind.sqlite"
    other = Project.open(blind)
    other.articles.add_text(SAMPLE, title="Sample")
    other.close()
    window = make_window(qtbot, settings, blind)
    window.annotator_view.blind_action.trigger()
    assert window.open_project(project_path)
    assert not window.annotator_view.blind
    dialog = window.show_agreement()
    assert dialog is not None and dialog.isVisible()

    assert window.open_project(blind)
    assert window.annotator_view.blind and window.annotator_view.blind_action.isChecked()
    assert not dialog.isVisible()


def test_at_the_windows_first_size_the_list_says_whose_each_claim_is(qtbot, settings, project_path):
    """Two rows with the same quote must not look identical: the annotator column fits the default panel."""
    window = make_window(qtbot, settings, project_path)
    window.resize(1360, 860)
    window.splitter.setSizes([230, 720, 410])  # the window's first layout
    qtbot.wait(10)
    table = window.claim_panel.table_view
    assert not table.isColumnHidden(ANNOTATOR_COLUMN)
    header = table.horizontalHeader()
    assert header.sectionSize(ANNOTATOR_COLUMN) >= header.fontMetrics().horizontalAdvance("Annotator")


def test_blind_mode_keeps_my_own_edits_undoable_and_a_colleagues_claim_cannot_be_edited(
    qtbot, settings, project_path
):
    window = make_window(qtbot, settings, project_path)
    view = window.article_view
    view.select_span(100, 120)
    qtbot.keyClick(view, Qt.Key.Key_2)  # a claim of mine
    mine = window.undo_stack.undoText()
    assert mine.startswith("Tag")

    window.annotator_view.blind_action.setChecked(True)
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == mine
    assert "undo history" not in window.statusBar().currentMessage()
    window.annotator_view.blind_action.setChecked(False)

    (ben_claim,) = view.claim_ids_at(ONLY_BEN)
    window.controller.edit_claim(ben_claim, {"confidence": 5})  # everyone's claims are shown
    assert "Ben's claim" in window.statusBar().currentMessage()
    window.controller.delete_claim(ben_claim)
    assert window.undo_stack.count() == 1 and window.undo_stack.undoText() == mine
    reopened = Project.open(project_path)
    article_id = window.controller.article.id
    assert {c.annotator_name: c.confidence for c in reopened.claims.for_article(article_id)}["Ben"] != 5
    reopened.close()


def test_the_first_look_takes_a_name_in_another_case_as_the_project_does(qtbot, settings, project_path):
    """`annotator PROJECT --annotator ana` on Ana's project with blind mode on: the first look (shown
    before the project has opened) must know "ana" is Ana, or it hides her own claims until it opens."""
    from annotator.app import start_window

    window = make_window(qtbot, settings, project_path)
    window.annotator_view.blind_action.trigger()
    window.close()
    frame = MainWindow(settings, FakeDialogs(), build=False)  # type: ignore[arg-type]
    qtbot.addWidget(frame)
    frame.show()
    qtbot.waitExposed(frame)
    with qtbot.waitSignal(frame.sig_project_opened, timeout=20_000):
        assert start_window(frame, project_path, "ana")
        assert frame.project is None  # still the first look
        assert format_at(frame.article_view, BOTH) is not None  # Ana's own claim, shown in blind mode
        assert "Ana" in frame.windowTitle()
    assert format_at(frame.article_view, BOTH) is not None and frame.annotator.name == "Ana"


def test_hovering_right_to_left_text_names_whose_claim_is_under_the_mouse(qtbot, settings, tmp_path):
    """Found by QA: over Arabic, the tooltip named the claim one character off (nobody over Ana's
    last letter, Ben over the space after her word)."""
    text = "قال المتحدث باسم الوزارة إن المحادثات ستستأنف.\n"
    path = tmp_path / "rtl.sqlite"
    project = Project.open(path)
    article_id = project.articles.add_text(text, title="Sample").article_id
    add_claim(project, article_id, project.annotator("Ana"), 0, 3)  # قال
    add_claim(project, article_id, project.annotator("Ben"), 4, 11)  # المتحدث
    project.close()
    window = make_window(qtbot, settings, path)
    view = window.article_view

    def middle_of(code_point: int) -> QPoint:
        """The middle of a character: halfway between the carets before and after it."""
        cursor = QTextCursor(view.document())
        cursor.setPosition(view.position_map.to_qt(code_point))
        before = view.cursorRect(cursor).center()
        cursor.setPosition(view.position_map.to_qt(code_point + 1))
        after = view.cursorRect(cursor).center()
        assert after.x() < before.x()  # right to left
        return QPoint((before.x() + after.x()) // 2, before.y())

    said = {at: window.annotator_view.tooltip_at(middle_of(at)) for at in range(0, 12)}
    assert all("Ana" in said[at] and "Ben" not in said[at] for at in (0, 1, 2)), said
    assert said[3] == "", said  # the space between the two claims
    assert all("Ben" in said[at] and "Ana" not in said[at] for at in range(4, 11)), said
    assert said[11] == "", said
