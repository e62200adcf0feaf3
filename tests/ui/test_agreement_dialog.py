"""Review > Agreement: the figures, the confusion table behind one, and a cell's claims shown in the article."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.app import open_initial_project
from annotator.services.project import Project
from annotator.ui.main_window import MainWindow
from tests.ui.fakes import FakeDialogs

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
SPANS = [(0, 41), (42, 76), (77, 94)]


def two_annotators(path: Path) -> dict[str, list[str]]:
    """Ana and Ben tag the same three sentences; Ben calls the second one official, Ana unnamed."""
    project = Project.open(path)
    article = project.articles.add_text(TEXT, title="Talks").article_id
    types = [t.id for t in project.codebook.get().active_types]
    ids: dict[str, list[str]] = {"Ana": [], "Ben": []}
    for name in ids:
        me = project.annotator(name)
        for number, (start, end) in enumerate(SPANS):
            type_id = types[0] if (name == "Ben" and number == 1) else types[number]
            _, claim = project.claims.create(
                article_id=article,
                annotator_id=me.id,
                start=start,
                end=end,
                source_type_id=type_id,
                confidence=3,
            )
            ids[name].append(claim.id)
    project.close()
    return ids


def test_a_figure_opens_its_table_and_a_cell_shows_its_claim(qtbot, tmp_path):
    path = tmp_path / "p.sqlite"
    ids = two_annotators(path)
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    window.show()
    assert open_initial_project(window, path, "Ana")
    dialog = window.show_agreement()
    assert dialog is not None
    qtbot.addWidget(dialog)
    rows = {
        (dialog.table.item(r, 0).text(), dialog.table.item(r, 1).text()): r
        for r in range(dialog.table.rowCount())
    }
    kappa_row = rows[("Source type", "Cohen's kappa")]
    assert dialog.table.item(kappa_row, 2).text() == "Ana & Ben"
    assert dialog.table.item(kappa_row, 4).text() == "0.500"
    undefined = dialog.table.item(rows[("Confidence", "Krippendorff's alpha (ordinal)")], 4)
    assert undefined.text().startswith("— (nobody varied")

    confusion = dialog.open_confusion(kappa_row)
    assert confusion is not None
    qtbot.addWidget(confusion)
    names = [confusion.value_name(v) for v in confusion.values]
    assert names == ["official", "unnamed", "speculation"]  # the codebook's order
    grid = [[confusion.grid.item(r, c).text() for c in range(3)] for r in range(3)]
    assert grid == [["1", "0", "0"], ["1", "0", "0"], ["0", "0", "1"]]  # rows: Ana, columns: Ben
    assert confusion.grid.verticalHeaderItem(1).text() == "Ana: unnamed"
    confusion.open_cell(1, 0)  # Ana said unnamed, Ben official
    assert confusion.claims.count() == 1
    assert (
        "Ana: unnamed" in confusion.claims.item(0).text()
        and "Ben: official" in confusion.claims.item(0).text()
    )
    confusion.claims.itemActivated.emit(confusion.claims.item(0))
    assert window.claim_panel.selected_claim_id() in {ids["Ana"][1], ids["Ben"][1]}
    assert window.article_view.selected_span() == SPANS[1]

    span_row = rows[("Span", "Krippendorff's alpha (characters)")]
    spans = dialog.open_confusion(span_row)
    assert spans is not None
    qtbot.addWidget(spans)
    assert [spans.value_name(v) for v in spans.values] == ["outside every claim", "inside a claim"]
    assert spans.grid.item(1, 1).text() == str(41 + 34 + 17)  # the code points both marked
    spans.open_cell(0, 0)
    spans.claims.itemActivated.emit(spans.claims.item(0))
    assert window.article_view.selected_span() == (41, 42)  # the first stretch neither marked
