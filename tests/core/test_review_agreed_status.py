"""The `status` column of `export --layer all` for claims identical to the version a unit kept: the
reviewer agreed with them too, so they get that version's status (accepted or edited), not
`superseded`, which is for versions that differ from the one kept."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.services.project import Project
from tests.core.factories import add_article, add_claim, open_project

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
FIRST, SECOND, THIRD = (0, 41), (42, 76), (77, 94)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    project = open_project(tmp_path / "p.sqlite")
    yield project
    project.close()


def statuses(project: Project, tmp_path: Path) -> dict[str, str]:
    out = tmp_path / "all.csv"
    project.exchange.export_csv(out, layer="all")
    with out.open(encoding="utf-8-sig", newline="") as handle:
        return {row["claim_id"]: row["status"] for row in csv.DictReader(handle)}


def test_accept_agreements_marks_every_identical_version_accepted(project: Project, tmp_path: Path) -> None:
    article = add_article(project, TEXT)
    names = ("Ana", "Ben", "Cy")
    people = [project.annotator(name) for name in names]
    claims = [add_claim(project, article, who, *FIRST, comment=f"{who.name}'s") for who in people]
    reviewer = project.annotator("Rita")
    _, decisions, _ = project.adjudication.accept_agreements(
        article, [(claims, claims[0])], decided_by=reviewer.id
    )

    status = statuses(project, tmp_path)
    assert [status[c] for c in claims] == ["accepted"] * 3  # a comment is no part of the version
    [decision] = decisions
    assert decision.reviewed is not None and status[decision.reviewed.id] == "reviewed"
    assert decision.chosen_claim_id == claims[0]  # the reviewed claim still came from one of them


def test_only_versions_identical_in_span_type_and_confidence_share_the_kept_status(
    project: Project, tmp_path: Path
) -> None:
    article = add_article(project, TEXT)
    ana, ben, cy, dee = (project.annotator(name) for name in ("Ana", "Ben", "Cy", "Dee"))
    rita = project.annotator("Rita")
    settle = project.adjudication.settle
    # Accepted: Ben said what Ana said; Cy's confidence differs, Dee's type.
    first = {
        "ana": add_claim(project, article, ana, *FIRST),
        "ben": add_claim(project, article, ben, *FIRST),
        "cy": add_claim(project, article, cy, *FIRST, confidence=4),
        "dee": add_claim(project, article, dee, *FIRST, type_index=1),
    }
    settle(article, list(first.values()), "accepted", first["ana"], decided_by=rita.id)
    # Edited from Ben's version: Ana's, the same, was edited as much as his; Cy's span differs.
    second = {
        "ana": add_claim(project, article, ana, *SECOND, type_index=1, confidence=2),
        "ben": add_claim(project, article, ben, *SECOND, type_index=1, confidence=2),
        "cy": add_claim(project, article, cy, SECOND[0], SECOND[1] - 1, type_index=1, confidence=2),
    }
    settle(article, list(second.values()), "edited", second["ben"], {"confidence": 5}, decided_by=rita.id)
    # Rejected: every version is.
    third = {
        "ana": add_claim(project, article, ana, *THIRD),
        "ben": add_claim(project, article, ben, *THIRD),
    }
    settle(article, list(third.values()), "rejected", decided_by=rita.id)

    status = statuses(project, tmp_path)
    assert {name: status[c] for name, c in first.items()} == {
        "ana": "accepted",
        "ben": "accepted",
        "cy": "superseded",
        "dee": "superseded",
    }
    assert {name: status[c] for name, c in second.items()} == {
        "ana": "edited",
        "ben": "edited",
        "cy": "superseded",
    }
    assert {name: status[c] for name, c in third.items()} == {"ana": "rejected", "ben": "rejected"}

    # An identical version edited after the decision no longer agrees with the one kept.
    project.claims.update(first["ben"], confidence=5)
    assert statuses(project, tmp_path)[first["ben"]] == "superseded"


def test_the_readme_says_what_the_status_of_an_identical_version_is() -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    said = " ".join(readme.split())
    assert "identical (same span, type and confidence) to the version" in said
