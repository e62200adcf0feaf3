"""Who is annotating: a name typed in another case is the same annotator, not a new colleague."""

from __future__ import annotations

from pathlib import Path

from annotator.services.project import Project


def test_a_name_in_another_case_finds_the_annotator_instead_of_adding_one(tmp_path: Path) -> None:
    project = Project.open(tmp_path / "p.sqlite")
    try:
        ana = project.annotator("Ana")
        assert project.annotator("ana") == ana
        assert project.annotator("  ANA ") == ana
        assert project.knows_annotator("aNa")
        assert [a.name for a in project.annotators()] == ["Ana"]
        assert not project.knows_annotator("Anna")
    finally:
        project.close()


def test_two_names_equal_but_for_case_keep_apart_and_a_third_spelling_is_new(tmp_path: Path) -> None:
    project = Project.open(tmp_path / "p.sqlite")
    try:
        first = project.annotator("Lee")
        project.annotator("lee")  # found as Lee: one annotator so far
        assert [a.name for a in project.annotators()] == ["Lee"]
        # A colleague named "LEE" merged in earlier, say: now the spelling decides.
        from annotator.db import queries
        from annotator.db.tables import utc_now
        from annotator.domain.records import Annotator

        with project._tx.begin() as session:
            queries.insert_annotator(Annotator("other-id", "LEE"), utc_now(), session=session)
        assert project.annotator("Lee") == first
        assert project.annotator("LEE").id == "other-id"
        assert not project.knows_annotator("lEe")  # ambiguous: neither is assumed
    finally:
        project.close()
