"""The export dialog's choice of layer: annotators' claims, the reviewed layer, or both with a status."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QStandardItemModel

from annotator.domain.records import Annotator
from annotator.ui.export_dialog import NO_DECISIONS_TIP, ExportDialog
from tests.ui.test_main_window import make_window

PEOPLE = [Annotator("a", "Ana"), Annotator("b", "Ben")]
TEXT = "The minister said the talks would resume. Officials said the army was ready."


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


def layer_items(dialog: ExportDialog) -> list[tuple[str, bool, str]]:
    model = dialog.layer_choice.model()
    assert isinstance(model, QStandardItemModel)
    return [
        (model.item(row).text(), model.item(row).isEnabled(), model.item(row).toolTip())
        for row in range(model.rowCount())
    ]


def test_without_decisions_only_the_annotators_claims_can_be_chosen(qtbot) -> None:
    dialog = ExportDialog(PEOPLE, None, 3, has_decisions=False)
    qtbot.addWidget(dialog)
    dialog.show()

    items = layer_items(dialog)
    assert [(text, enabled) for text, enabled, _ in items] == [
        ("Annotators' claims", True),
        ("Reviewed claims only", False),
        ("Everything, with a status column", False),
    ]
    assert [tip for _, _, tip in items[1:]] == [NO_DECISIONS_TIP, NO_DECISIONS_TIP]
    assert dialog.layer() == "annotations"
    # The keyboard skips the disabled choices.
    dialog.layer_choice.setFocus()
    qtbot.keyClick(dialog.layer_choice, Qt.Key.Key_Down)
    assert dialog.layer() == "annotations"


def test_with_decisions_each_layer_can_be_chosen(qtbot) -> None:
    dialog = ExportDialog(PEOPLE, None, 3, has_decisions=True)
    qtbot.addWidget(dialog)
    dialog.show()

    assert all(enabled for _, enabled, _ in layer_items(dialog))
    dialog.layer_choice.setFocus()
    qtbot.keyClick(dialog.layer_choice, Qt.Key.Key_Down)
    assert dialog.layer() == "reviewed"
    # The reviewed layer has no annotators to pick: the list is off, and no ticks are needed.
    assert not dialog.annotator_list.isEnabled()
    for row in range(dialog.annotator_list.count()):
        dialog.annotator_list.item(row).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.layer_choice, Qt.Key.Key_Down)
    assert dialog.layer() == "all"
    assert dialog.annotator_list.isEnabled() and not dialog.ok_button.isEnabled()
    qtbot.keyClick(dialog.layer_choice, Qt.Key.Key_Up)
    qtbot.keyClick(dialog.layer_choice, Qt.Key.Key_Up)
    assert dialog.layer() == "annotations"


def window_with_two_claims(qtbot, settings, tmp_path: Path, end: int):  # type: ignore[no-untyped-def]
    """A window on a project whose one article has Ana's and Ben's claim on text[0:end]."""
    window = make_window(qtbot, settings, tmp_path / "p.sqlite", annotator="Ana")
    article = tmp_path / "talks.txt"
    article.write_text(TEXT, encoding="utf-8")
    window.import_files([article])
    project = window.project
    assert project is not None
    article_id = window.controller.article.id
    type_id = window.controller.codebook.active_types[0].id
    ana, ben = project.annotator("Ana"), project.annotator("Ben")
    claims = [
        project.claims.create(
            article_id=article_id, annotator_id=who.id, start=0, end=end, source_type_id=type_id, confidence=3
        )[1].id
        for who in (ana, ben)
    ]
    return window, project, article_id, ana, claims


def test_the_window_exports_the_chosen_layer(qtbot, settings, tmp_path: Path) -> None:
    window, project, article_id, ana, claims = window_with_two_claims(
        qtbot, settings, tmp_path, end=TEXT.index(".") + 1
    )

    # No decision yet: the dialog offers the annotators' claims only.
    first = tmp_path / "plain.csv"
    window.dialogs.save_answers.append(first)
    window.export_dataset()
    shown = window.dialogs.dialogs_shown[-1]
    assert [enabled for _, enabled, _ in layer_items(shown)] == [True, False, False]
    with first.open(encoding="utf-8-sig", newline="") as handle:
        assert sorted(row["annotator"] for row in csv.DictReader(handle)) == ["Ana", "Ben"]

    project.adjudication.settle(article_id, claims, "accepted", claims[1], decided_by=ana.id)

    def everything(dialog: ExportDialog) -> None:
        assert [enabled for _, enabled, _ in layer_items(dialog)] == [True, True, True]
        dialog.layer_choice.setCurrentIndex(2)

    out = tmp_path / "everything.csv"
    window.dialogs.dialog_scripts.append(everything)
    window.dialogs.save_answers.append(out)
    window.export_dataset()
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert sorted((row["annotator"], row["status"]) for row in rows) == [
        ("Ana", "accepted"),  # her claim is identical to Ben's, the version kept
        ("Ana", "reviewed"),
        ("Ben", "accepted"),
    ]
    assert "Exported 3 claims" in window.statusBar().currentMessage()


def test_exporting_the_reviewed_layer_warns_of_units_that_changed_after_they_were_decided(
    qtbot, settings, tmp_path: Path
) -> None:
    window, project, article_id, ana, claims = window_with_two_claims(qtbot, settings, tmp_path, end=8)
    project.adjudication.settle(article_id, claims, "accepted", claims[1], decided_by=ana.id)

    def reviewed_only(dialog: ExportDialog) -> None:
        dialog.layer_choice.setCurrentIndex(1)

    first = tmp_path / "holds.csv"
    window.dialogs.dialog_scripts.append(reviewed_only)
    window.dialogs.save_answers.append(first)
    window.export_dataset()
    assert first.exists() and window.dialogs.infos == []  # the decision still holds: nothing to say

    project.claims.update(claims[1], confidence=5)  # the accepted version, changed since
    out = tmp_path / "reviewed.csv"
    window.dialogs.dialog_scripts.append(reviewed_only)
    window.dialogs.save_answers.append(out)
    window.export_dataset()

    with out.open(encoding="utf-8-sig", newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 1  # written all the same
    assert "Exported 1 claim" in window.statusBar().currentMessage()
    ((title, message),) = window.dialogs.infos
    assert title == "Export dataset"
    assert (
        "1 reviewed unit in 1 article changed after it was decided;"
        " Review > Review Disagreements shows it marked ⚠"
    ) in message
