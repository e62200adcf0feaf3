"""The codebook a team tags with: types added, renamed, recoloured, reordered, retired; annotators."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.codebook import JOURNALISM_PRESET, OKABE_ITO
from annotator.domain.records import Changes
from annotator.services.codebook import CodebookError
from annotator.services.project import Project
from tests.core.factories import DEFAULT_TYPE_NAMES, add_article, add_claim, open_project


@pytest.fixture
def project(tmp_path: Path):
    opened = open_project(tmp_path / "codebook.sqlite")
    yield opened
    opened.close()


def _active_names(project: Project) -> list[str]:
    return [t.name for t in project.codebook.get().active_types]


def _type_id(project: Project, name: str) -> str:
    return next(t.id for t in project.codebook.get().source_types if t.name == name)


def test_add_a_type(project: Project) -> None:
    changes, type_id = project.codebook.add_type(
        "  press   release ", " A statement put out by an organisation. "
    )

    assert changes == Changes(codebook=True)
    book = project.codebook.get()
    added = book.type_by_id(type_id)
    assert (added.name, added.definition, added.retired) == (
        "press release",
        "A statement put out by an organisation.",
        False,
    )
    assert _active_names(project) == [*DEFAULT_TYPE_NAMES, "press release"]
    assert book.key_of(type_id) == 4
    assert book.type_for_key(4) == added
    assert added.colour not in {t.colour for t in book.source_types if t.id != type_id}


def test_add_a_type_with_a_colour(project: Project) -> None:
    _, type_id = project.codebook.add_type("document", colour="#123456")
    assert project.codebook.get().type_by_id(type_id).colour == "#123456"


@pytest.mark.parametrize("name", ["official", "Official", "  OFFICIAL  ", "oFFicial"])
def test_a_duplicate_name_is_refused_whatever_its_case(project: Project, name: str) -> None:
    before = project.codebook.get()
    with pytest.raises(CodebookError, match="official"):
        project.codebook.add_type(name)
    assert project.codebook.get() == before


def test_a_blank_name_is_refused(project: Project) -> None:
    before = project.codebook.get()
    with pytest.raises(CodebookError):
        project.codebook.add_type("   ")
    with pytest.raises(CodebookError):
        project.codebook.update_type(_type_id(project, "official"), name=" ")
    assert project.codebook.get() == before


def test_rename(project: Project) -> None:
    type_id = _type_id(project, "unnamed")
    project.codebook.update_type(type_id, name="anonymous  source")
    assert _active_names(project) == ["official", "anonymous source", "speculation"]
    assert project.codebook.get().type_by_id(type_id).name == "anonymous source"


def test_a_rename_onto_another_name_is_refused_whatever_its_case(project: Project) -> None:
    before = project.codebook.get()
    with pytest.raises(CodebookError):
        project.codebook.update_type(_type_id(project, "unnamed"), name="SPECULATION")
    assert project.codebook.get() == before


def test_a_rename_to_the_same_name_in_another_case_is_allowed(project: Project) -> None:
    type_id = _type_id(project, "official")
    project.codebook.update_type(type_id, name="Official")
    assert _active_names(project) == ["Official", "unnamed", "speculation"]


def test_a_retired_name_is_still_taken(project: Project) -> None:
    project.codebook.update_type(_type_id(project, "speculation"), retired=True)
    with pytest.raises(CodebookError):
        project.codebook.add_type("Speculation")


def test_recolour_and_redefine(project: Project) -> None:
    type_id = _type_id(project, "official")
    project.codebook.update_type(type_id, colour="#AA0000", definition="  On the record.  ")
    changed = project.codebook.get().type_by_id(type_id)
    assert (changed.colour, changed.definition, changed.name) == ("#AA0000", "On the record.", "official")


def test_types_past_the_palette_s_eight_still_get_colours_of_their_own(project: Project) -> None:
    """Found by QA: a ninth type got official's blue, a tenth unnamed's orange."""
    for number in range(9):
        project.codebook.add_type(f"type {number}")
    colours = [t.colour.upper() for t in project.codebook.get().active_types]
    assert len(colours) == 12 and len(set(colours)) == 12


def test_two_types_in_use_never_share_a_colour(project: Project) -> None:
    """Found by QA: official could be given unnamed's orange, and then the two looked the same."""
    official, unnamed = _type_id(project, "official"), _type_id(project, "unnamed")
    orange = project.codebook.get().type_by_id(unnamed).colour
    with pytest.raises(CodebookError, match="“unnamed” has that colour already"):
        project.codebook.update_type(official, colour=orange.lower())
    assert project.codebook.get().type_by_id(official).colour != orange
    # A retired type may keep any colour, but comes back only in one of its own.
    project.codebook.update_type(unnamed, retired=True)
    project.codebook.update_type(official, colour=orange)
    with pytest.raises(CodebookError, match="“official” has that colour already"):
        project.codebook.update_type(unnamed, retired=False)
    project.codebook.update_type(unnamed, retired=False, colour="#123456")
    assert {t.name for t in project.codebook.get().active_types} >= {"official", "unnamed"}


def test_reorder_changes_the_keys(project: Project) -> None:
    speculation = _type_id(project, "speculation")
    official = _type_id(project, "official")

    assert project.codebook.move_type(speculation, 0) == Changes(codebook=True)

    book = project.codebook.get()
    assert [t.name for t in book.active_types] == ["speculation", "official", "unnamed"]
    assert book.type_for_key(1).id == speculation
    assert book.key_of(official) == 2

    project.codebook.move_type(speculation, 99)  # past the end: the last place
    assert _active_names(project) == DEFAULT_TYPE_NAMES
    project.codebook.move_type(official, -5)  # before the start: the first place
    assert _active_names(project) == DEFAULT_TYPE_NAMES


def test_retire_keeps_claims_and_shifts_the_keys(project: Project) -> None:
    article_id = add_article(project, "The police said the road would close. Others disagree.")
    ann = project.annotator("Ann")
    claim_id = add_claim(project, article_id, ann, 4, 10, type_index=1)  # unnamed
    unnamed = _type_id(project, "unnamed")
    speculation = _type_id(project, "speculation")

    project.codebook.update_type(unnamed, retired=True)

    book = project.codebook.get()
    assert [t.name for t in book.active_types] == ["official", "speculation"]
    assert [t.name for t in book.source_types] == DEFAULT_TYPE_NAMES  # still there, for its claims
    assert book.type_by_id(unnamed).retired
    assert book.key_of(unnamed) is None
    assert book.key_of(speculation) == 2
    assert project.claims.get(claim_id).source_type_id == unnamed
    assert project.codebook.claim_counts() == {unnamed: 1}

    project.codebook.update_type(unnamed, retired=False)
    assert _active_names(project) == DEFAULT_TYPE_NAMES


def test_editing_a_missing_type_is_refused(project: Project) -> None:
    ghost = "00000000-0000-4000-8000-000000000000"
    with pytest.raises(CodebookError):
        project.codebook.update_type(ghost, name="ghost")
    with pytest.raises(CodebookError):
        project.codebook.move_type(ghost, 0)
    assert _active_names(project) == DEFAULT_TYPE_NAMES


def test_relabel_a_confidence_level(tmp_path: Path, project: Project) -> None:
    assert project.codebook.relabel_level(3, "  moderate ") == Changes(codebook=True)
    with pytest.raises(CodebookError):
        project.codebook.relabel_level(4, "  ")
    project.close()

    again = open_project(tmp_path / "codebook.sqlite")
    try:
        assert [(lvl.value, lvl.label) for lvl in again.codebook.get().confidence_levels] == [
            (1, "very low"),
            (2, "low"),
            (3, "moderate"),
            (4, "high"),
            (5, "very high"),
        ]
    finally:
        again.close()


def test_two_levels_cannot_share_a_label(project: Project) -> None:
    """Else the dataset's confidence_label could not tell them apart."""
    with pytest.raises(CodebookError, match="Level 2"):
        project.codebook.relabel_level(4, "Low")
    assert project.codebook.relabel_level(4, "high") == Changes(codebook=True)  # its own label again
    assert [lvl.label for lvl in project.codebook.get().confidence_levels][3] == "high"


def test_apply_the_journalism_preset(tmp_path: Path, project: Project) -> None:
    article_id = add_article(project, "The minister said taxes will rise. Insiders doubt it. It may fail.")
    ann = project.annotator("Ann")
    official_claim = add_claim(project, article_id, ann, 4, 12, type_index=0)
    unnamed_claim = add_claim(project, article_id, ann, 35, 43, type_index=1)
    speculation_claim = add_claim(project, article_id, ann, 54, 66, type_index=2)
    old = {t.name: t.id for t in project.codebook.get().source_types}
    counts_before = project.codebook.claim_counts()

    assert project.codebook.apply_preset(JOURNALISM_PRESET) == Changes(codebook=True)

    book = project.codebook.get()
    preset_names = [t.name for t in JOURNALISM_PRESET.types]
    assert len(preset_names) == 8
    assert [t.name for t in book.active_types] == preset_names
    assert [book.type_for_key(n).name for n in range(1, 9)] == preset_names
    assert book.type_by_id(old["official"]).retired
    assert book.type_by_id(old["unnamed"]).retired
    assert book.type_by_id(old["speculation"]).id == book.active_types[-1].id  # reused, not duplicated
    assert len(book.source_types) == 2 + 8
    assert all(t.definition for t in book.active_types)
    assert [t.colour for t in book.active_types] == list(OKABE_ITO)
    # The retired types' claims do not look like those of the preset's types (found by QA: the
    # retired official and the new official named were the same blue).
    retired = [t for t in book.source_types if t.retired]
    colours = [t.colour for t in book.source_types]
    assert retired and len(set(colours)) == len(colours)  # every type, retired or not, its own
    # Every claim keeps its type.
    assert project.codebook.claim_counts() == counts_before
    assert project.claims.get(official_claim).source_type_id == old["official"]
    assert project.claims.get(unnamed_claim).source_type_id == old["unnamed"]
    assert project.claims.get(speculation_claim).source_type_id == old["speculation"]
    assert project.setting("codebook_preset") == JOURNALISM_PRESET.name

    project.close()
    again = open_project(tmp_path / "codebook.sqlite")
    try:
        assert again.codebook.get() == book
    finally:
        again.close()


def test_applying_the_same_preset_twice_changes_nothing_more(project: Project) -> None:
    project.codebook.apply_preset(JOURNALISM_PRESET)
    once = project.codebook.get()
    project.codebook.apply_preset(JOURNALISM_PRESET)
    twice = project.codebook.get()
    assert [(t.id, t.name, t.retired) for t in twice.active_types] == [
        (t.id, t.name, t.retired) for t in once.active_types
    ]
    assert len(twice.source_types) == len(once.source_types)


# --- putting a saved state back (what undo and redo call) ----------------------------------------


def test_restore_type_puts_every_field_back_exactly(project: Project) -> None:
    type_id = _type_id(project, "unnamed")
    before = project.codebook.get().type_by_id(type_id)
    project.codebook.update_type(type_id, name="anonymous", definition="Changed.", colour="#123456")
    project.codebook.update_type(type_id, retired=True)
    after = project.codebook.get().type_by_id(type_id)

    assert project.codebook.restore_type(before) == Changes(codebook=True)
    assert project.codebook.get().type_by_id(type_id) == before
    assert _active_names(project) == DEFAULT_TYPE_NAMES

    project.codebook.restore_type(after)
    assert project.codebook.get().type_by_id(type_id) == after
    assert _active_names(project) == ["official", "speculation"]


def test_restore_type_adds_a_removed_type_back_with_its_id_and_key(project: Project) -> None:
    _, type_id = project.codebook.add_type("document", "A report.")
    added = project.codebook.get().type_by_id(type_id)
    assert project.codebook.remove_type(type_id) == Changes(codebook=True)
    assert project.codebook.get().type_by_id(type_id) is None
    assert _active_names(project) == DEFAULT_TYPE_NAMES

    project.codebook.restore_type(added)
    book = project.codebook.get()
    assert book.type_by_id(type_id) == added
    assert book.key_of(type_id) == 4


def test_restore_type_refuses_a_name_another_type_took_meanwhile(project: Project) -> None:
    unnamed = project.codebook.get().type_by_id(_type_id(project, "unnamed"))
    project.codebook.update_type(unnamed.id, name="anonymous")
    project.codebook.update_type(_type_id(project, "official"), name="Unnamed")
    before = project.codebook.get()
    with pytest.raises(CodebookError, match="Unnamed"):
        project.codebook.restore_type(unnamed)
    assert project.codebook.get() == before


def test_remove_type_refuses_a_type_with_claims_and_keeps_them(project: Project) -> None:
    _, type_id = project.codebook.add_type("document")
    article_id = add_article(project, "The report says the dam leaks.")
    claim_id = add_claim(project, article_id, project.annotator("Ann"), 4, 10, type_index=3)
    before = project.codebook.get()

    with pytest.raises(
        CodebookError, match=r"“document” stays in the codebook: 1 claim now uses it\. Retire"
    ):
        project.codebook.remove_type(type_id)

    assert project.codebook.get() == before
    assert project.claims.get(claim_id).source_type_id == type_id
    with pytest.raises(CodebookError, match="no longer exists"):
        project.codebook.remove_type("00000000-0000-4000-8000-000000000000")


def test_set_positions_puts_the_order_back_exactly(project: Project) -> None:
    project.codebook.apply_preset(JOURNALISM_PRESET)  # positions with gaps: 0..2 retired, then 3..10
    book = project.codebook.get()
    before = {t.id: t.position for t in book.source_types}
    moved = book.active_types[-1]

    project.codebook.move_type(moved.id, 0)
    assert project.codebook.get().active_types[0].id == moved.id
    after = {t.id: t.position for t in project.codebook.get().source_types}
    assert after != before

    assert project.codebook.set_positions(before) == Changes(codebook=True)
    assert project.codebook.get() == book
    project.codebook.set_positions(after)
    assert project.codebook.get().active_types[0].id == moved.id
    with pytest.raises(CodebookError):
        project.codebook.set_positions({"00000000-0000-4000-8000-000000000000": 0})


def test_restore_codebook_undoes_a_preset_exactly_and_redoes_it_with_the_same_ids(
    tmp_path: Path, project: Project
) -> None:
    article_id = add_article(project, "The minister said taxes will rise. Insiders doubt it.")
    ann = project.annotator("Ann")
    official_claim = add_claim(project, article_id, ann, 4, 12, type_index=0)
    unnamed_claim = add_claim(project, article_id, ann, 35, 43, type_index=1)
    project.codebook.relabel_level(3, "moderate")
    before, before_preset = project.codebook.get(), project.codebook.preset_name()
    counts = project.codebook.claim_counts()

    project.codebook.apply_preset(JOURNALISM_PRESET)
    after = project.codebook.get()
    assert project.codebook.preset_name() == JOURNALISM_PRESET.name

    assert project.codebook.restore_codebook(before, before_preset) == Changes(codebook=True)
    assert project.codebook.get() == before  # ids, names, colours, positions, retired, labels
    assert project.codebook.preset_name() == before_preset == "Default"
    assert project.codebook.claim_counts() == counts
    assert project.claims.get(official_claim).source_type_id == before.active_types[0].id
    assert project.claims.get(unnamed_claim).source_type_id == before.active_types[1].id

    project.codebook.restore_codebook(after, JOURNALISM_PRESET.name)
    assert project.codebook.get() == after
    assert project.codebook.preset_name() == JOURNALISM_PRESET.name
    project.close()
    again = open_project(tmp_path / "codebook.sqlite")
    try:
        assert again.codebook.get() == after
    finally:
        again.close()


def test_restore_codebook_refuses_to_drop_a_type_that_has_claims_now(project: Project) -> None:
    before = project.codebook.get()
    project.codebook.apply_preset(JOURNALISM_PRESET)
    after = project.codebook.get()
    article_id = add_article(project, "The report says the dam leaks.")
    claim_id = add_claim(project, article_id, project.annotator("Ann"), 4, 10, type_index=4)  # document

    with pytest.raises(CodebookError, match=r"“document” has claims now \(1 claim\)\. Retire it instead"):
        project.codebook.restore_codebook(before, "Default")

    assert project.codebook.get() == after  # nothing changed, not even half
    assert project.codebook.preset_name() == JOURNALISM_PRESET.name
    assert project.claims.get(claim_id) is not None


def test_restore_codebook_handles_two_types_swapping_names(project: Project) -> None:
    before = project.codebook.get()
    official, unnamed = _type_id(project, "official"), _type_id(project, "unnamed")
    project.codebook.update_type(official, name="tmp")
    project.codebook.update_type(unnamed, name="official")
    project.codebook.update_type(official, name="unnamed")
    assert _active_names(project) == ["unnamed", "official", "speculation"]

    project.codebook.restore_codebook(before)
    assert project.codebook.get() == before


def test_a_type_the_file_still_refers_to_is_kept_with_a_message_in_words(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Rows other than claims may point at a type (a reviewed claim does): the file's refusal reads like
    the other refusals, not like SQL, and nothing changes."""
    from annotator.db import queries

    before = project.codebook.get()
    project.codebook.apply_preset(JOURNALISM_PRESET)
    after = project.codebook.get()
    article_id = add_article(project, "The report says the dam leaks.")
    claim_id = add_claim(project, article_id, project.annotator("Ann"), 4, 10, type_index=4)  # document
    document = project.codebook.get().active_types[4]
    # Counting only claims, the service would think the type unused; the foreign key still knows.
    monkeypatch.setattr(queries, "count_claims_by_type", lambda *, session: {})

    with pytest.raises(CodebookError, match=r"^“document” stays in the codebook: the project still refers"):
        project.codebook.remove_type(document.id)
    with pytest.raises(CodebookError, match="Retire it instead"):
        project.codebook.restore_codebook(before, "Default")

    assert project.codebook.get() == after  # not even half of the old codebook came back
    assert project.codebook.preset_name() == JOURNALISM_PRESET.name
    assert project.claims.get(claim_id).source_type_id == document.id


# --- annotators ------------------------------------------------------------------------------


def test_annotator_is_added_once(tmp_path: Path, project: Project) -> None:
    ann = project.annotator("Ann Lee")
    assert project.annotator("Ann Lee") == ann
    assert project.annotator("  Ann   Lee ") == ann
    bea = project.annotator("Bea")
    assert bea.id != ann.id
    assert project.annotators() == [ann, bea]
    project.close()

    again = open_project(tmp_path / "codebook.sqlite")
    try:
        assert again.annotator("Ann Lee") == ann
        assert again.annotators() == [ann, bea]
    finally:
        again.close()


def test_an_annotator_needs_a_name(project: Project) -> None:
    with pytest.raises(ValueError):
        project.annotator("   ")
    assert project.annotators() == []


def test_a_new_type_gets_a_colour_no_active_type_has(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from annotator.services.codebook import CodebookError
    from annotator.services.project import Project

    project = Project.open(tmp_path / "p.sqlite")
    try:
        unnamed = next(t for t in project.codebook.get().active_types if t.name == "unnamed")
        project.codebook.update_type(unnamed.id, retired=True)  # its orange is free again
        for name in ("wire service", "document", "other media"):
            project.codebook.add_type(name)
        colours = [t.colour for t in project.codebook.get().active_types]
        assert len(set(colours)) == len(colours) == 5
        assert unnamed.colour in colours  # reused, as no active type has it
        with pytest.raises(CodebookError, match="no confidence level 9"):
            project.codebook.relabel_level(9, "certain")
        assert [level.value for level in project.codebook.get().confidence_levels] == [1, 2, 3, 4, 5]
    finally:
        project.close()
