"""Claims as an annotator makes them: create, edit, delete, undo, on any text an article can hold."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.domain.records import Changes, Claim
from annotator.services.claims import ClaimError
from annotator.services.project import Project
from tests.core.factories import UNICODE_ARTICLE, StepClock, add_article, open_project

LONG_TEXT = "".join(f"Sentence {i:03d} of the report, in which someone says something. " for i in range(12))


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> StepClock:
    fake = StepClock()
    monkeypatch.setattr("annotator.services.claims.utc_now", fake)
    return fake


@pytest.fixture
def project(tmp_path: Path):
    opened = open_project(tmp_path / "claims.sqlite")
    yield opened
    opened.close()


@pytest.fixture
def article_id(project: Project) -> str:
    return add_article(project, LONG_TEXT, "Report")


def _create(project: Project, article_id: str, start: int, end: int, **fields) -> Claim:
    book = project.codebook.get()
    values = {"source_type_id": book.active_types[0].id, "confidence": 3, **fields}
    _, claim = project.claims.create(
        article_id=article_id, annotator_id=project.annotator("Ann").id, start=start, end=end, **values
    )
    return claim


def _stored(project: Project, article_id: str) -> list[Claim]:
    """Every claim of the article as the file holds it, contexts included."""
    listed = project.claims.for_article(article_id)
    full = [project.claims.get(claim.id) for claim in listed]
    # The listing for the article view is the same claims, minus their context and timestamps.
    assert listed == [_as_listed(c) for c in full]
    return full


def _as_listed(claim: Claim) -> Claim:
    return claim._replace(context_before="", context_after="", created_at=None, updated_at=None)


# --- create ----------------------------------------------------------------------------------


def test_create_stores_the_quote_and_its_context(project: Project, article_id: str) -> None:
    book = project.codebook.get()
    ann = project.annotator("Ann")
    start, end = 400, 430

    changes, claim = project.claims.create(
        article_id=article_id,
        annotator_id=ann.id,
        start=start,
        end=end,
        source_type_id=book.active_types[1].id,
        confidence=4,
        source="  the minister ",
        cue=" said ",
        comment="  check the date  ",
    )

    assert changes == Changes(claims=frozenset({claim.id}))
    assert claim.quote == LONG_TEXT[start:end]
    assert claim.context_before == LONG_TEXT[start - 100 : start]
    assert claim.context_after == LONG_TEXT[end : end + 100]
    assert len(claim.context_before) == len(claim.context_after) == 100
    assert (claim.annotator_id, claim.annotator_name) == (ann.id, "Ann")
    assert (claim.source_type_id, claim.confidence) == (book.active_types[1].id, 4)
    assert (claim.source, claim.cue) == ("the minister", "said")
    assert claim.comment == "  check the date  "  # a comment is kept as typed
    assert claim.created_at == claim.updated_at
    assert project.claims.get(claim.id) == claim
    assert _stored(project, article_id) == [claim]


@pytest.mark.parametrize(
    ("start", "end", "before", "after"),
    [
        (0, 5, "", LONG_TEXT[5:105]),  # at the start: no context before
        (len(LONG_TEXT) - 5, len(LONG_TEXT), LONG_TEXT[-105:-5], ""),  # at the end: none after
        (30, 40, LONG_TEXT[:30], LONG_TEXT[40:140]),  # near the start: what there is
        (0, len(LONG_TEXT), "", ""),  # the whole article
    ],
)
def test_context_is_what_the_text_has_up_to_100_code_points(
    project: Project, article_id: str, start: int, end: int, before: str, after: str
) -> None:
    claim = _create(project, article_id, start, end)
    assert (claim.quote, claim.context_before, claim.context_after) == (LONG_TEXT[start:end], before, after)


def test_a_claim_by_an_annotator_the_project_does_not_know_is_refused(
    project: Project, article_id: str
) -> None:
    book = project.codebook.get()
    with pytest.raises(ClaimError, match="annotator"):
        project.claims.create(
            article_id=article_id,
            annotator_id="no-such-annotator",
            start=1,
            end=5,
            source_type_id=book.active_types[0].id,
            confidence=3,
        )
    assert project.claims.for_article(article_id) == []


def test_a_new_claim_is_returned_as_the_file_gives_it_back(project: Project, article_id: str) -> None:
    """The record comes from what was written, not from a read: a 4.0 confidence is stored as 4."""
    claim = _create(project, article_id, 3, 9, confidence=4.0)
    assert type(claim.confidence) is int
    assert project.claims.get(claim.id) == claim
    assert repr(project.claims.get(claim.id)) == repr(claim)


def test_a_claim_can_be_given_its_id(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 1, 5, claim_id="2a4c3a0e-7f4b-4d8e-9c1e-0b1d2e3f4a5b")
    assert claim.id == "2a4c3a0e-7f4b-4d8e-9c1e-0b1d2e3f4a5b"
    assert project.claims.get(claim.id) == claim


def test_overlapping_and_identical_spans_are_separate_claims(project: Project, article_id: str) -> None:
    first = _create(project, article_id, 10, 50)
    second = _create(project, article_id, 10, 50)
    inner = _create(project, article_id, 20, 30)
    assert len({first.id, second.id, inner.id}) == 3
    assert [c.id for c in _stored(project, article_id)].count(first.id) == 1
    assert len(_stored(project, article_id)) == 3


INVALID_SPANS = [
    pytest.param(5, 5, id="empty"),
    pytest.param(10, 4, id="reversed"),
    pytest.param(-1, 3, id="negative start"),
    pytest.param(0, len(LONG_TEXT) + 1, id="past the end"),
    pytest.param(len(LONG_TEXT), len(LONG_TEXT) + 2, id="wholly after the end"),
]


@pytest.mark.parametrize(("start", "end"), INVALID_SPANS)
def test_an_invalid_span_is_refused_and_nothing_is_written(
    project: Project, article_id: str, start: int, end: int
) -> None:
    with pytest.raises(ClaimError):
        _create(project, article_id, start, end)
    assert _stored(project, article_id) == []
    assert project.codebook.claim_counts() == {}


def test_a_claim_on_a_missing_article_is_refused(project: Project) -> None:
    with pytest.raises(ClaimError, match="article"):
        _create(project, "00000000-0000-4000-8000-000000000000", 0, 1)


# --- update ----------------------------------------------------------------------------------


def test_update_changes_fields_and_moves_updated_at_only(
    project: Project, article_id: str, clock: StepClock
) -> None:
    book = project.codebook.get()
    claim = _create(project, article_id, 100, 140)

    changes, before, after = project.claims.update(
        claim.id,
        source_type_id=book.active_types[2].id,
        confidence=1,
        source=" a spokesperson ",
        comment="second look",
    )

    assert changes == Changes(claims=frozenset({claim.id}))
    assert before == claim
    assert after == project.claims.get(claim.id)
    assert (after.source_type_id, after.confidence, after.source, after.comment) == (
        book.active_types[2].id,
        1,
        "a spokesperson",
        "second look",
    )
    assert (after.id, after.start, after.end, after.quote) == (claim.id, 100, 140, claim.quote)
    assert after.created_at == claim.created_at
    assert after.updated_at > claim.updated_at
    assert after.updated_at == clock.now


def test_editing_the_span_recomputes_quote_and_context(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 100, 140)

    _, _, moved = project.claims.update(claim.id, start=300, end=333)
    assert (moved.start, moved.end) == (300, 333)
    assert moved.quote == LONG_TEXT[300:333]
    assert moved.context_before == LONG_TEXT[200:300]
    assert moved.context_after == LONG_TEXT[333:433]

    _, _, shortened = project.claims.update(claim.id, end=310)  # one end only
    assert (shortened.start, shortened.end, shortened.quote) == (300, 310, LONG_TEXT[300:310])
    assert shortened.context_after == LONG_TEXT[310:410]
    assert project.claims.get(claim.id) == shortened


@pytest.mark.parametrize(("start", "end"), INVALID_SPANS)
def test_an_invalid_span_edit_is_refused_and_the_claim_is_unchanged(
    project: Project, article_id: str, start: int, end: int
) -> None:
    claim = _create(project, article_id, 100, 140)
    with pytest.raises(ClaimError):
        project.claims.update(claim.id, start=start, end=end, comment="should not be saved")
    assert project.claims.get(claim.id) == claim


def test_moving_only_the_start_past_the_end_is_refused(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 100, 140)
    with pytest.raises(ClaimError):
        project.claims.update(claim.id, start=150)
    assert project.claims.get(claim.id) == claim


def test_fields_that_are_not_editable_are_refused(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 100, 140)
    for field in ("quote", "article_id", "annotator_id", "created_at", "id"):
        with pytest.raises(ClaimError, match=field):
            project.claims.update(claim.id, **{field: "x"})
    assert project.claims.get(claim.id) == claim


def test_updating_a_deleted_claim_is_refused(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 100, 140)
    project.claims.delete(claim.id)
    with pytest.raises(ClaimError):
        project.claims.update(claim.id, comment="too late")
    assert project.claims.get(claim.id) is None


# --- delete, restore, put back (what undo relies on) ----------------------------------------


def test_delete_then_restore_gives_back_the_same_claim(
    project: Project, article_id: str, clock: StepClock
) -> None:
    claim = _create(project, article_id, 100, 140, comment="keep me")
    other = _create(project, article_id, 10, 20)

    changes, deleted = project.claims.delete(claim.id)
    assert changes == Changes(removed_claims=frozenset({claim.id}))
    assert deleted == claim
    assert project.claims.get(claim.id) is None
    assert _stored(project, article_id) == [other]
    with pytest.raises(ClaimError):
        project.claims.delete(claim.id)

    assert project.claims.restore(deleted) == Changes(claims=frozenset({claim.id}))
    restored = project.claims.get(claim.id)
    # Same id, fields and creation time; changed now (bringing it back is newer than the deletion).
    assert restored == claim._replace(updated_at=restored.updated_at)
    assert restored.updated_at > claim.updated_at
    assert _stored(project, article_id) == [other, restored]


def test_put_back_undoes_an_edit_but_keeps_id_and_creation_time(
    project: Project, article_id: str, clock: StepClock
) -> None:
    claim = _create(project, article_id, 100, 140, source="the mayor", confidence=2)
    _, before, edited = project.claims.update(
        claim.id, start=200, end=260, source="the council", confidence=5
    )

    assert project.claims.put_back(before) == Changes(claims=frozenset({claim.id}))
    back = project.claims.get(claim.id)
    assert back is not None
    assert (back.start, back.end, back.quote, back.source, back.confidence) == (
        100,
        140,
        LONG_TEXT[100:140],
        "the mayor",
        2,
    )
    assert (back.context_before, back.context_after) == (claim.context_before, claim.context_after)
    assert back.id == claim.id
    assert back.created_at == claim.created_at
    assert back.updated_at > edited.updated_at


def test_put_back_of_a_deleted_claim_is_refused(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 100, 140)
    project.claims.delete(claim.id)
    with pytest.raises(ClaimError):
        project.claims.put_back(claim)
    assert project.claims.get(claim.id) is None


# --- text with emoji, CRLF, combining marks, ZWJ, Arabic and Hebrew --------------------------


@pytest.fixture
def unicode_article(project: Project) -> str:
    return add_article(project, UNICODE_ARTICLE, "Unicode")


def _spans_across_hard_characters(text: str) -> list[tuple[int, int]]:
    def at(sub: str) -> int:
        index = text.find(sub)
        assert index >= 0, sub
        return index

    woman = at("👩🏽‍💼")
    family = at("👨‍👩‍👧")
    accent = at("e\u0301")
    arabic = at("قال")
    hebrew = at("אמר")
    smiley = at("😀")
    return [
        (woman, woman + len("👩🏽‍💼")),  # a whole ZWJ sequence with a skin tone
        (woman + 1, woman + 3),  # inside it: the tone and the joiner
        (family - 4, family + len("👨‍👩‍👧") + 7),  # across a family emoji
        (accent + 1, accent + 2),  # a lone combining mark
        (accent - 4, accent + 3),  # a word ending in a combining mark
        (at("\n") - 3, at("\n") + 5),  # across a line break that was CRLF
        (arabic, arabic + len("قال الوزير")),  # right-to-left
        (hebrew - 2, hebrew + 6),  # across the line break into Hebrew
        (arabic + 3, hebrew + 3),  # from Arabic, over a line break, into Hebrew
        (smiley, smiley + 1),  # one astral code point is one offset
        (0, len(text)),
    ]


def test_claims_on_hard_text_keep_text_slice_equal_to_quote(
    tmp_path: Path, project: Project, unicode_article: str
) -> None:
    text = project.articles.get(unicode_article).text
    assert "\r" not in text
    assert text == UNICODE_ARTICLE.replace("\r\n", "\n")

    ids = {}
    for start, end in _spans_across_hard_characters(text):
        claim = _create(project, unicode_article, start, end)
        assert claim.quote == text[start:end]
        assert claim.context_before == text[max(0, start - 100) : start]
        assert claim.context_after == text[end : end + 100]
        ids[claim.id] = (start, end)

    project.close()
    again = open_project(tmp_path / "claims.sqlite")
    try:
        stored = again.claims.for_article(unicode_article)
        assert {c.id: (c.start, c.end) for c in stored} == ids
        for claim in stored:
            assert text[claim.start : claim.end] == claim.quote
    finally:
        again.close()


def test_span_edits_on_hard_text_recompute_the_quote(project: Project, unicode_article: str) -> None:
    text = project.articles.get(unicode_article).text
    spans = _spans_across_hard_characters(text)
    claim = _create(project, unicode_article, *spans[0])
    for start, end in spans[1:]:
        _, _, after = project.claims.update(claim.id, start=start, end=end)
        assert after.quote == text[start:end]
        assert project.claims.get(claim.id).quote == text[start:end]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_any_valid_span_on_hard_text_quotes_exactly(
    project: Project, unicode_article: str, data: st.DataObject
) -> None:
    text = project.articles.get(unicode_article).text
    start = data.draw(st.integers(0, len(text) - 1), label="start")
    end = data.draw(st.integers(start + 1, len(text)), label="end")
    if not text[start:end].strip():
        with pytest.raises(ClaimError, match="white space"):
            _create(project, unicode_article, start, end)
        return
    claim = _create(project, unicode_article, start, end)
    stored = project.claims.get(claim.id)
    assert stored.quote == text[start:end] == claim.quote
    assert (
        stored.context_before + stored.quote + stored.context_after == text[max(0, start - 100) : end + 100]
    )


def test_open_article_gives_the_article_and_its_listed_claims(project: Project, article_id: str) -> None:
    claim = _create(project, article_id, 10, 30)
    article, claims = project.claims.open_article(article_id)
    assert article == project.articles.get(article_id)
    assert claims == project.claims.for_article(article_id) == [_as_listed(claim)]
    assert project.claims.open_article("no-such-article") is None
