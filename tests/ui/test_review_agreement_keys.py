"""Review > Agreement from the keyboard: Enter (or Return) on a figure opens its confusion table and
Enter on a cell lists its claims; neither closes a dialog (their buttons are no default for Enter)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication, QPushButton

from annotator.app import open_initial_project
from annotator.ui.agreement_dialog import AgreementDialog, ConfusionDialog
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs
from tests.ui.test_agreement_dialog import SPANS, two_annotators


@pytest.fixture
def dialog(qtbot, tmp_path: Path) -> AgreementDialog:  # type: ignore[no-untyped-def]
    path = tmp_path / "p.sqlite"
    two_annotators(path)
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, path, "Ana")
    dialog = window.show_agreement()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def figure_row(dialog: AgreementDialog, field: str, measure: str) -> int:
    table = dialog.table
    return next(
        r
        for r in range(table.rowCount())
        if (table.item(r, 0).text(), table.item(r, 1).text()) == (field, measure)
    )


@pytest.mark.parametrize("key", [Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_enter_on_a_figure_opens_its_table_and_enter_on_a_cell_its_claims(qtbot, dialog, key) -> None:  # type: ignore[no-untyped-def]
    row = figure_row(dialog, "Source type", "Cohen's kappa")
    dialog.table.setCurrentCell(row, 1)
    dialog.table.setFocus()
    qtbot.keyClick(dialog.table, key)

    confusions = dialog.findChildren(ConfusionDialog)
    assert len(confusions) == 1
    confusion = confusions[0]
    assert dialog.isVisible() and confusion.isVisible()  # Enter closed neither
    assert confusion.figure == dialog.result.figures[row]

    confusion.grid.setCurrentCell(1, 0)  # Ana said unnamed, Ben official
    confusion.grid.setFocus()
    qtbot.keyClick(confusion.grid, key)
    assert confusion.isVisible() and dialog.isVisible()
    assert confusion.claims.count() == 1
    assert "Ana: unnamed" in confusion.claims.item(0).text()

    confusion.claims.setCurrentRow(0)
    confusion.claims.setFocus()
    qtbot.keyClick(confusion.claims, key)  # and Enter on a claim shows it in the article
    assert confusion.isVisible() and dialog.isVisible()
    window = dialog.parentWidget()
    assert window.article_view.selected_span() == SPANS[1]


def test_no_button_of_the_agreement_dialogs_is_a_default_for_enter(qtbot, dialog) -> None:  # type: ignore[no-untyped-def]
    confusion = dialog.open_confusion(figure_row(dialog, "Source type", "Cohen's kappa"))
    assert confusion is not None
    QApplication.processEvents()
    buttons = dialog.findChildren(QPushButton)
    assert buttons  # the Close button is there, for the mouse; Escape closes too
    assert not any(b.isDefault() or b.autoDefault() for b in buttons)
    qtbot.keyClick(dialog.table, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
