"""The dataset export of the reviewed layer: reviewed claims alone, or every layer with a `status`."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.formats.csv_dataset import COLUMNS
from annotator.services.project import Project
from tests.core.factories import add_article, add_claim, open_project

TALKS = (
    "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
    " Ben disagrees."
)
SALES = "Sales: -40% this year, the chief said. Nobody else spoke."
HOSTILE_COMMENT = '=HYPERLINK("http://evil.example","x")'


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


FIRST = span(TALKS, "The minister said the talks would resume.")
SECOND = span(TALKS, "Officials said the army was ready.")
THIRD = span(TALKS, "Nobody knows why.")
FOURTH = span(TALKS, "Ben disagrees.")
FALL = span(SALES, "-40% this year")
FALL_SAID = span(SALES, "-40% this year, the chief said.")
ELSE = span(SALES, "Nobody else spoke.")


@dataclass
class Reviewed:
    project: Project
    talks: str
    sales: str
    claims: dict[str, str]  # name -> claim id
    reviewed: dict[str, str]  # unit name -> reviewed claim id


@pytest.fixture
def reviewed(tmp_path: Path) -> Iterator[Reviewed]:
    """Ana and Ben on two articles. Talks: the first unit accepted with Ben's version, the second
    edited from Ana's, the third (Ana's alone) rejected, the fourth (Ben's alone) undecided. Sales:
    Ana's fall accepted with a wider span and a hostile comment by a reviewer whose name starts
    like a formula; her last claim undecided."""
    project = open_project(tmp_path / "reviewed.sqlite")
    ana, ben, rita = project.annotator("Ana"), project.annotator("Ben"), project.annotator("=Rita")
    talks, sales = add_article(project, TALKS, "Talks"), add_article(project, SALES, "Sales")
    claims = {
        "a1": add_claim(project, talks, ana, *FIRST),
        "b1": add_claim(project, talks, ben, *FIRST),
        "a2": add_claim(project, talks, ana, *SECOND, type_index=1, confidence=2, cue="said"),
        "b2": add_claim(project, talks, ben, *SECOND, type_index=0, confidence=4, source="army"),
        "a3": add_claim(project, talks, ana, *THIRD, type_index=2),
        "b4": add_claim(project, talks, ben, *FOURTH),
        "a5": add_claim(project, sales, ana, *FALL),
        "a6": add_claim(project, sales, ana, *ELSE),
    }
    settle = project.adjudication.settle
    by = rita.id
    reviewed = {}
    _, first, _ = settle(talks, [claims["a1"], claims["b1"]], "accepted", claims["b1"], decided_by=by)
    edits = {"comment": "checked", "source": "+officials", "confidence": 5}
    _, second, _ = settle(talks, [claims["a2"], claims["b2"]], "edited", claims["a2"], edits, decided_by=by)
    settle(talks, [claims["a3"]], "rejected", decided_by=by)
    fall_edits = {"end": FALL_SAID[1], "comment": HOSTILE_COMMENT}
    _, fall, _ = settle(sales, [claims["a5"]], "edited", claims["a5"], fall_edits, decided_by=by)
    for name, decision in (("first", first), ("second", second), ("fall", fall)):
        assert decision.reviewed is not None
        reviewed[name] = decision.reviewed.id
    yield Reviewed(project, talks, sales, claims, reviewed)
    project.close()


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        reader = csv.DictReader(file)
        rows = list(reader)
    return rows


def header(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return next(csv.reader(file))


def export(data: Reviewed, tmp_path: Path, layer: str, **options) -> tuple[int, list[dict[str, str]]]:  # type: ignore[no-untyped-def]
    out = tmp_path / f"{layer}.csv"
    count = data.project.exchange.export_csv(out, layer=layer, **options)
    rows = read(out)
    assert count == len(rows)
    return count, rows


def test_the_reviewed_layer_is_one_row_per_kept_unit_in_the_dataset_columns(
    tmp_path: Path, reviewed: Reviewed
) -> None:
    _, rows = export(reviewed, tmp_path, "reviewed", exact=True)

    assert header(tmp_path / "reviewed.csv") == list(COLUMNS)
    assert [row["claim_id"] for row in rows] == [
        reviewed.reviewed["first"],
        reviewed.reviewed["second"],
        reviewed.reviewed["fall"],
    ]
    assert {row["annotator"] for row in rows} == {"=Rita"}  # who decided, not who annotated
    texts = {reviewed.talks: TALKS, reviewed.sales: SALES}
    for row in rows:
        assert row["quote"] == texts[row["document_id"]][int(row["start"]) : int(row["end"])]
    first, second, fall = rows
    assert (first["document_title"], first["start"], first["end"]) == ("Talks", *map(str, FIRST))
    assert (first["source"], first["confidence"]) == ("", "3")
    assert (second["comment"], second["source"], second["cue"], second["confidence"]) == (
        "checked",
        "+officials",
        "said",  # Ana's, the version the edit started from
        "5",
    )
    assert (fall["document_title"], fall["start"], fall["end"]) == ("Sales", *map(str, FALL_SAID))
    assert fall["comment"] == HOSTILE_COMMENT
    # The reviewed claim's own times, not those of the claim it came from.
    decisions = reviewed.project.adjudication.decisions(reviewed.sales)
    [decision] = decisions
    assert decision.reviewed is not None
    created = decision.reviewed.created_at.isoformat(timespec="seconds").replace("+00:00", "Z")
    assert (fall["created_at"], fall["updated_at"]) == (created, created)
    ana_fall = reviewed.project.claims.get(reviewed.claims["a5"])
    assert ana_fall.created_at < decision.reviewed.created_at


def test_every_claim_gets_its_status_in_the_layered_export(tmp_path: Path, reviewed: Reviewed) -> None:
    _, rows = export(reviewed, tmp_path, "all")

    assert header(tmp_path / "all.csv") == [*COLUMNS, "status"]
    status = {row["claim_id"]: row["status"] for row in rows}
    claims, kept = reviewed.claims, reviewed.reviewed
    assert status == {
        claims["a1"]: "accepted",  # identical to Ben's, the version kept
        claims["b1"]: "accepted",
        claims["a2"]: "edited",
        claims["b2"]: "superseded",
        claims["a3"]: "rejected",
        claims["b4"]: "unreviewed",
        claims["a5"]: "edited",
        claims["a6"]: "unreviewed",
        kept["first"]: "reviewed",
        kept["second"]: "reviewed",
        kept["fall"]: "reviewed",
    }
    assert len(rows) == len(status)


def test_the_layered_export_is_the_plain_one_with_reviewed_rows_placed_by_position(
    tmp_path: Path, reviewed: Reviewed
) -> None:
    _, everything = export(reviewed, tmp_path, "all")
    _, plain = export(reviewed, tmp_path, "annotations")
    _, kept = export(reviewed, tmp_path, "reviewed")

    def without_status(row: dict[str, str]) -> dict[str, str]:
        return {name: value for name, value in row.items() if name != "status"}

    assert [without_status(r) for r in everything if r["status"] != "reviewed"] == plain
    assert [without_status(r) for r in everything if r["status"] == "reviewed"] == kept
    # By article, then (start, end), annotators' claims before the reviewed claim of the same span.
    order = [
        (r["document_title"], int(r["start"]), int(r["end"]), r["status"] == "reviewed") for r in everything
    ]
    titles = [title for title, *_ in order]
    assert titles == ["Talks"] * 8 + ["Sales"] * 3
    for title in ("Talks", "Sales"):
        spans = [place[1:] for place in order if place[0] == title]
        assert spans == sorted(spans)
    first_unit = {reviewed.claims["a1"], reviewed.claims["b1"]}
    assert {everything[0]["claim_id"], everything[1]["claim_id"]} == first_unit
    assert everything[2]["claim_id"] == reviewed.reviewed["first"]  # after a1 and b1, at their span
    # The edited fall is wider than Ana's claim: it follows her claim, and precedes "Nobody else".
    assert [r["status"] for r in everything[8:]] == ["edited", "reviewed", "unreviewed"]


def test_the_article_filter_applies_to_both_layers(tmp_path: Path, reviewed: Reviewed) -> None:
    _, kept = export(reviewed, tmp_path, "reviewed", article_ids=[reviewed.sales])
    assert [row["claim_id"] for row in kept] == [reviewed.reviewed["fall"]]

    _, everything = export(reviewed, tmp_path, "all", article_ids=[reviewed.talks])
    assert {row["document_title"] for row in everything} == {"Talks"}
    assert len(everything) == 8  # six claims and two reviewed


def test_the_annotator_filter_keeps_every_reviewed_claim(tmp_path: Path, reviewed: Reviewed) -> None:
    _, everything = export(reviewed, tmp_path, "all", annotator_names=["Ben"], exact=True)

    assert [(row["annotator"], row["status"]) for row in everything] == [
        ("Ben", "accepted"),
        ("=Rita", "reviewed"),
        ("Ben", "superseded"),
        ("=Rita", "reviewed"),
        ("Ben", "unreviewed"),
        ("=Rita", "reviewed"),
    ]
    _, kept = export(reviewed, tmp_path, "reviewed", annotator_names=["Ben"])
    assert len(kept) == 3


def test_hostile_text_in_the_reviewed_layer_is_guarded_unless_exact(
    tmp_path: Path, reviewed: Reviewed
) -> None:
    for layer in ("reviewed", "all"):
        _, rows = export(reviewed, tmp_path, layer)
        fall = next(row for row in rows if row["claim_id"] == reviewed.reviewed["fall"])
        assert fall["comment"] == "'" + HOSTILE_COMMENT
        assert fall["quote"] == "'" + SALES[slice(*FALL_SAID)]
        assert fall["annotator"] == "'=Rita"
        second = next(row for row in rows if row["claim_id"] == reviewed.reviewed["second"])
        assert second["source"] == "'+officials"

        _, exact = export(reviewed, tmp_path, layer, exact=True)
        fall = next(row for row in exact if row["claim_id"] == reviewed.reviewed["fall"])
        assert (fall["comment"], fall["annotator"]) == (HOSTILE_COMMENT, "=Rita")
        assert fall["quote"] == SALES[slice(*FALL_SAID)]


def test_a_project_without_decisions_has_an_empty_reviewed_layer(tmp_path: Path) -> None:
    project = open_project(tmp_path / "fresh.sqlite")
    try:
        article = add_article(project, TALKS, "Talks")
        ana = project.annotator("Ana")
        claim = add_claim(project, article, ana, *FIRST)
        assert not project.exchange.has_decisions()

        out = tmp_path / "reviewed.csv"
        assert project.exchange.export_csv(out, layer="reviewed") == 0
        assert header(out) == list(COLUMNS) and read(out) == []
        assert project.exchange.export_csv(out, layer="all") == 1
        assert [(r["claim_id"], r["status"]) for r in read(out)] == [(claim, "unreviewed")]

        project.adjudication.settle(article, [claim], "rejected", decided_by=ana.id)
        assert project.exchange.has_decisions()
        assert project.exchange.export_csv(out, layer="reviewed") == 0
        assert project.exchange.export_csv(out, layer="all") == 1
        assert [r["status"] for r in read(out)] == ["rejected"]
    finally:
        project.close()


def test_an_unknown_layer_is_refused(tmp_path: Path, reviewed: Reviewed) -> None:
    out = tmp_path / "claims.csv"
    with pytest.raises(ValueError, match="reviewed"):
        reviewed.project.exchange.export_csv(out, layer="approved")
    assert not out.exists()


# --- the command line ------------------------------------------------------------------------------


def test_the_cli_exports_each_layer(
    tmp_path: Path, reviewed: Reviewed, capsys: pytest.CaptureFixture[str]
) -> None:
    path = str(reviewed.project.path)
    out = tmp_path / "cli.csv"
    base = ["export", "--project", path, "--out", str(out)]

    assert main([*base, "--layer", "reviewed"]) == 0
    assert "wrote 3 claims" in capsys.readouterr().out
    assert [row["claim_id"] for row in read(out)] == list(reviewed.reviewed.values())

    assert main([*base, "--layer", "all", "--annotator", "Ana", "--article", reviewed.sales]) == 0
    assert [row["status"] for row in read(out)] == ["edited", "reviewed", "unreviewed"]
    assert header(out)[-1] == "status"

    assert main(base) == 0
    assert "status" not in header(out) and len(read(out)) == 8


def test_the_cli_warns_of_reviewed_units_that_changed_after_they_were_decided(
    tmp_path: Path, reviewed: Reviewed, capsys: pytest.CaptureFixture[str]
) -> None:
    project, claims = reviewed.project, reviewed.claims
    out = tmp_path / "cli.csv"
    base = ["export", "--project", str(project.path), "--out", str(out)]
    assert main([*base, "--layer", "all"]) == 0
    assert capsys.readouterr().err == ""  # every decision still holds
    assert project.exchange.changed_since_decided() == (0, 0)

    project.claims.update(claims["b1"], confidence=1)  # the version the first unit accepted
    project.claims.update(claims["a3"], confidence=5)  # the rejected unit's only claim
    project.claims.delete(claims["a5"])  # the sales decision keeps its reviewed claim, with no claim left
    talks = project.adjudication.progress([reviewed.talks])[reviewed.talks]
    assert (talks.settled, talks.stale) == (1, 2)
    assert project.adjudication.progress([reviewed.sales])[reviewed.sales].stale == 1
    assert project.exchange.changed_since_decided() == (3, 2)

    for layer in ("reviewed", "all"):
        out.unlink()
        assert main([*base, "--layer", layer]) == 0
        captured = capsys.readouterr()
        assert captured.err.splitlines() == [
            "warning: 3 reviewed units in 2 articles changed after they were decided;"
            " Review > Review Disagreements shows them marked ⚠"
        ]
        assert "wrote" in captured.out
        assert {row["claim_id"] for row in read(out)} >= set(
            reviewed.reviewed.values()
        )  # written all the same

    assert main([*base, "--layer", "reviewed", "--article", reviewed.sales]) == 0
    assert capsys.readouterr().err == (
        "warning: 1 reviewed unit in 1 article changed after it was decided;"
        " Review > Review Disagreements shows it marked ⚠\n"
    )
    assert main(base) == 0  # the annotators' claims alone: no reviewed layer to warn of
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--layer", "all", "--format", "jsonl"], "--layer is for the CSV"),
        (["--layer", "reviewed", "--annotator", "Ana"], "--annotator"),
    ],
)
def test_the_cli_refuses_a_layer_it_cannot_write_in_one_line(
    tmp_path: Path, reviewed: Reviewed, capsys: pytest.CaptureFixture[str], extra: list[str], message: str
) -> None:
    out = tmp_path / "refused.out"
    capsys.readouterr()
    assert main(["export", "--project", str(reviewed.project.path), "--out", str(out), *extra]) != 0
    error = capsys.readouterr().err.strip()
    assert message in error and "\n" not in error
    assert not out.exists()


def test_the_cli_refuses_an_unknown_layer(tmp_path: Path, reviewed: Reviewed) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(
            [
                "export",
                "--project",
                str(reviewed.project.path),
                "--out",
                str(tmp_path / "x.csv"),
                "--layer",
                "x",
            ]
        )
    assert stopped.value.code == 2
