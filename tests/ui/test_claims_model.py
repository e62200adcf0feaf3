"""ClaimsTableModel: the Qt model contract, sorting and filtering in Python, and single-row updates.

Also home of the small codebook and claim factories the claim panel tests share.
"""

from __future__ import annotations

import dataclasses
import random

import pytest
from PySide6.QtCore import QPersistentModelIndex, Qt
from PySide6.QtGui import QIcon

from annotator.domain.codebook import (
    DEFAULT_CONFIDENCE_LABELS,
    DEFAULT_PRESET,
    JOURNALISM_PRESET,
    Codebook,
    ConfidenceLevel,
    Preset,
    SourceType,
)
from annotator.domain.records import Claim
from annotator.ui.claims_model import (
    ANNOTATOR_COLUMN,
    ARTICLE_ORDER,
    CLAIM_ID_ROLE,
    CLAIM_ROLE,
    CONFIDENCE_COLUMN,
    QUOTE_COLUMN,
    TYPE_COLUMN,
    ClaimsTableModel,
)

# Swatches are pixmaps, which need a QGuiApplication even when no widget is shown.
pytestmark = pytest.mark.usefixtures("qapp")

ASC, DESC = Qt.SortOrder.AscendingOrder, Qt.SortOrder.DescendingOrder
DISPLAY, TOOLTIP, DECORATION = (
    Qt.ItemDataRole.DisplayRole,
    Qt.ItemDataRole.ToolTipRole,
    Qt.ItemDataRole.DecorationRole,
)


def make_codebook(preset: Preset = DEFAULT_PRESET) -> Codebook:
    """A codebook like the one the database seeds: ids "t-<name>", Okabe-Ito colours, five levels."""
    return Codebook(
        tuple(
            SourceType(f"t-{t.name.replace(' ', '-')}", t.name, t.definition, preset.colour(i), i)
            for i, t in enumerate(preset.types)
        ),
        tuple(ConfidenceLevel(i, label) for i, label in enumerate(DEFAULT_CONFIDENCE_LABELS, start=1)),
    )


_ids = iter(range(1, 10**9))


def make_claim(
    quote: str = "the ministry confirmed the strike",
    *,
    start: int | None = None,
    type_id: str = "t-official",
    confidence: int = 3,
    annotator: str = "Ana",
    claim_id: str | None = None,
    **fields: object,
) -> Claim:
    number = next(_ids)
    start = number * 100 if start is None else start
    return Claim(
        id=claim_id or f"c-{number}",
        article_id="a-1",
        annotator_id=f"u-{annotator.lower()}",
        annotator_name=annotator,
        start=start,
        end=start + len(quote),
        quote=quote,
        context_before="",
        context_after="",
        source_type_id=type_id,
        confidence=confidence,
        **fields,  # type: ignore[arg-type]
    )


def sample_claims() -> list[Claim]:
    return [
        make_claim("“Zebras crossed”, said the mayor", start=50, type_id="t-official", confidence=4),
        make_claim(
            "apparently the talks failed", start=10, type_id="t-speculation", confidence=1, annotator="Ben"
        ),
        make_claim(
            "Officials said\nthe border is closed",
            start=30,
            type_id="t-unnamed",
            confidence=4,
            source="a defense official",
            cue="according to",
        ),
        make_claim("markets will fall", start=20, type_id="t-speculation", confidence=2, comment="hedged"),
    ]


def model_with(claims: list[Claim], codebook: Codebook | None = None) -> ClaimsTableModel:
    model = ClaimsTableModel()
    model.set_codebook(codebook or make_codebook())
    model.set_claims(claims)
    return model


def quotes(model: ClaimsTableModel) -> list[str]:
    return [model.claim_at(row).quote for row in range(model.rowCount())]


def starts(model: ClaimsTableModel) -> list[int]:
    return [model.claim_at(row).start for row in range(model.rowCount())]


# --- the Qt model contract ---------------------------------------------------------------------------------


def test_model_passes_the_qt_model_tester_through_every_change(qtmodeltester):
    model = model_with(sample_claims())
    qtmodeltester.check(model)
    # The tester stays connected, so every change below is checked too.
    for column in (QUOTE_COLUMN, TYPE_COLUMN, CONFIDENCE_COLUMN, ANNOTATOR_COLUMN, ARTICLE_ORDER):
        model.sort(column, DESC)
        model.sort(column, ASC)
    model.sort(CONFIDENCE_COLUMN, DESC)
    model.upsert(make_claim("new one", confidence=5))
    moved = model.claim_at(0)._replace(confidence=1)
    model.upsert(moved)
    model.set_filter(text="the")
    model.set_filter(text="the b")
    model.set_filter(type_ids=frozenset({"t-speculation"}))
    model.set_filter()
    model.remove(moved.id)
    model.set_codebook(make_codebook(JOURNALISM_PRESET))
    model.set_claims([])
    model.upsert(make_claim())


def test_columns_show_quote_type_confidence_and_annotator():
    claim = make_claim(
        "Officials said\nthe border\r\nis closed", type_id="t-unnamed", confidence=4, annotator="Ben"
    )
    model = model_with([claim])
    row = [model.index(0, column).data(DISPLAY) for column in range(model.columnCount())]
    assert row == ["Officials said ⏎ the border ⏎ is closed", "unnamed", "4 · high", "Ben"]
    assert [model.headerData(c, Qt.Orientation.Horizontal) for c in range(4)] == [
        "Quote",
        "Type",
        "Confidence",
        "Annotator",
    ]
    assert model.index(0, 0).data(CLAIM_ID_ROLE) == claim.id
    assert model.index(0, 2).data(CLAIM_ROLE) is claim


def test_type_column_has_a_colour_swatch():
    model = model_with([make_claim(type_id="t-unnamed")])
    icon = model.index(0, TYPE_COLUMN).data(DECORATION)
    assert isinstance(icon, QIcon)
    assert not icon.isNull()
    assert model.index(0, QUOTE_COLUMN).data(DECORATION) is None


def test_quote_tooltip_shows_full_quote_source_cue_and_comment_literally():
    claim = make_claim("<b>x</b> & more", source="a <i>spokesperson</i>", cue="according to", comment="check")
    model = model_with([claim])  # an index does not keep its model alive
    tooltip = model.index(0, QUOTE_COLUMN).data(TOOLTIP)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; more" in tooltip
    assert "a &lt;i&gt;spokesperson&lt;/i&gt;" in tooltip
    assert "according to" in tooltip
    assert "check" in tooltip
    assert "<b>" not in tooltip


def test_very_long_quotes_are_cut_for_display_but_kept_whole():
    claim = make_claim("word " * 5000)
    model = model_with([claim])
    assert len(model.index(0, QUOTE_COLUMN).data(DISPLAY)) < 500
    assert model.claim_at(0).quote == claim.quote


# --- sorting -----------------------------------------------------------------------------------------------


def test_rows_start_in_article_order():
    model = model_with(sample_claims())
    assert starts(model) == [10, 20, 30, 50]
    assert model.sort_column == ARTICLE_ORDER


def test_sort_by_quote_ignores_case_and_opening_quotation_marks():
    model = model_with(sample_claims())
    model.sort(QUOTE_COLUMN, ASC)
    assert [q[:6] for q in quotes(model)] == ["appare", "market", "Offici", "“Zebra"]
    model.sort(QUOTE_COLUMN, DESC)
    assert [q[:6] for q in quotes(model)] == ["“Zebra", "Offici", "market", "appare"]


def test_sort_by_type_follows_codebook_position():
    model = model_with(sample_claims())
    model.sort(TYPE_COLUMN, ASC)
    assert [model.claim_at(r).source_type_id for r in range(4)] == [
        "t-official",
        "t-unnamed",
        "t-speculation",
        "t-speculation",
    ]


def test_ties_keep_article_order_in_both_directions():
    model = model_with(sample_claims())
    model.sort(CONFIDENCE_COLUMN, DESC)
    assert [(c.confidence, c.start) for c in map(model.claim_at, range(4))] == [
        (4, 30),
        (4, 50),
        (2, 20),
        (1, 10),
    ]
    model.sort(CONFIDENCE_COLUMN, ASC)
    assert [(c.confidence, c.start) for c in map(model.claim_at, range(4))] == [
        (1, 10),
        (2, 20),
        (4, 30),
        (4, 50),
    ]


def test_sort_by_annotator_name():
    model = model_with(sample_claims())
    model.sort(ANNOTATOR_COLUMN, DESC)
    assert model.claim_at(0).annotator_name == "Ben"
    assert starts(model)[1:] == [20, 30, 50]


def test_sort_keeps_persistent_indexes_on_the_same_claim():
    model = model_with(sample_claims())
    persistent = QPersistentModelIndex(model.index(0, 1))  # start 10, "apparently…"
    claim_id = model.claim_at(0).id
    model.sort(QUOTE_COLUMN, DESC)
    assert persistent.isValid()
    assert persistent.row() == model.row_of(claim_id) == 3
    assert persistent.column() == 1


def _quote_sorted(claims: list[Claim], descending: bool) -> list[tuple[str, int]]:
    """(casefolded quote, start) in the order a sort by quote shows, computed the plain way."""
    in_article = sorted(claims, key=lambda c: c.start)
    rows = sorted(in_article, key=lambda c: c.quote.lstrip("“ ").casefold(), reverse=descending)
    return [(c.quote.lstrip("“ ").casefold(), c.start) for c in rows]


def _shown(model: ClaimsTableModel) -> list[tuple[str, int]]:
    return [(c.quote.lstrip("“ ").casefold(), c.start) for c in map(model.claim_at, range(model.rowCount()))]


@pytest.fixture
def small_quote_steps(monkeypatch):
    """Slices of a few claims, so that small lists go through every step: keys, runs, merge and ties."""
    from annotator.ui import claims_model

    monkeypatch.setattr(claims_model, "_QUOTE_KEYS_PER_STEP", 3)
    monkeypatch.setattr(claims_model, "_QUOTE_RUN_LENGTH", 4)
    monkeypatch.setattr(claims_model, "_QUOTE_TIES_PER_STEP", 5)


def _tied_claims(rng: random.Random, count: int) -> list[Claim]:
    """Claims with many equal quotes (in any case, some behind an opening quotation mark) and starts."""
    words = ["Alpha", "alpha", "“beta", "Beta", "gamma", "ALPHA b", "delta", "“Delta"]
    return [make_claim(rng.choice(words), start=rng.randrange(30)) for _ in range(count)]


def test_quote_order_is_worked_out_in_steps_and_then_sorts_without_comparing(small_quote_steps):
    rng = random.Random(11)
    claims = _tied_claims(rng, 40)
    model = model_with(claims)
    steps = 1
    while not model.advance_quote_order():
        steps += 1
    assert steps > 5  # keys, runs and merge each took steps of their own
    assert model.quote_order_ready and model.advance_quote_order()
    model.sort(QUOTE_COLUMN, ASC)
    assert _shown(model) == _quote_sorted(claims, descending=False)
    model.sort(QUOTE_COLUMN, DESC)
    # Equal quotes stay in article order in both directions.
    assert _shown(model) == _quote_sorted(claims, descending=True)


@pytest.mark.parametrize("steps_first", [0, 3, 16, 27, 30])
def test_a_sort_by_quote_finishes_the_quote_order_from_wherever_it_got(small_quote_steps, steps_first):
    claims = _tied_claims(random.Random(steps_first), 45)
    model = model_with(claims)
    for _ in range(steps_first):  # 15 slices of keys, 12 runs, then the merge and 9 slices of ties
        model.advance_quote_order()
    model.sort(QUOTE_COLUMN, DESC)
    assert _shown(model) == _quote_sorted(claims, descending=True)
    fresh = model_with(claims)
    fresh._finish_quote_order()
    assert model._by_quote == fresh._by_quote
    assert model._quote_ties == fresh._quote_ties


def test_quote_order_follows_added_changed_and_removed_claims(small_quote_steps):
    rng = random.Random(5)
    claims = _tied_claims(rng, 30)
    model = model_with(claims)
    model._finish_quote_order()
    model.sort(CONFIDENCE_COLUMN, ASC)  # the quote order is kept up to date while another column shows
    current = {c.id: c for c in claims}
    for step in range(120):
        action = rng.random()
        if action < 0.4 or not current:
            claim = _tied_claims(rng, 1)[0]
        elif action < 0.7:
            old = rng.choice(list(current.values()))
            claim = old._replace(quote=rng.choice(["alpha", "Beta", "zeta"]), start=rng.randrange(30))
        else:
            gone = rng.choice(list(current))
            model.remove(gone)
            del current[gone]
            continue
        model.upsert(claim)
        current[claim.id] = claim
        if step % 10 == 0:
            direction = rng.choice([ASC, DESC])
            model.sort(QUOTE_COLUMN, direction)
            expected = _quote_sorted(list(model.all_claims()), descending=direction == DESC)
            assert _shown(model) == expected
            model.sort(CONFIDENCE_COLUMN, ASC)
    # The kept order is the one a fresh model works out.
    fresh = model_with(list(model.all_claims()))
    fresh._finish_quote_order()
    assert [(c.quote, c.start) for c in model._by_quote] == [(c.quote, c.start) for c in fresh._by_quote]
    assert model._quote_ties == fresh._quote_ties


@pytest.mark.parametrize("by_sorting", [True, False])
def test_changes_while_the_quote_order_is_worked_out_are_caught_up_with(small_quote_steps, by_sorting):
    rng = random.Random(3)
    claims = _tied_claims(rng, 20)
    model = model_with(claims)
    late = make_claim("Aardvark", start=7)
    for step in range(40):
        model.advance_quote_order()
        if step == 2:
            model.upsert(late)
            model.remove(claims[0].id)
        elif step in (6, 12, 17):  # in the keys, the runs and the ties
            model.upsert(claims[step]._replace(quote="aardvark!"))
            model.upsert(_tied_claims(rng, 1)[0])
            model.remove(claims[step + 1].id)
        if by_sorting and step == 14:
            model.sort(QUOTE_COLUMN, ASC)  # finishes the work at once
    assert model.quote_order_ready
    model.sort(QUOTE_COLUMN, DESC)
    model.sort(QUOTE_COLUMN, ASC)
    assert model.claim_at(0).id == late.id
    assert _shown(model) == _quote_sorted(list(model.all_claims()), descending=False)
    assert model.row_of(claims[0].id) is None
    fresh = model_with(list(model.all_claims()))
    fresh._finish_quote_order()
    assert model._by_quote == fresh._by_quote
    assert model._quote_ties == fresh._quote_ties


def test_a_filtered_sort_by_quote_keeps_the_quote_order(small_quote_steps):
    claims = _tied_claims(random.Random(8), 30)
    model = model_with(claims)
    model.set_filter(text="alpha")
    model.sort(QUOTE_COLUMN, DESC)
    passing = [c for c in claims if "alpha" in c.quote.casefold()]
    assert _shown(model) == _quote_sorted(passing, descending=True)
    model.set_filter()
    assert _shown(model) == _quote_sorted(claims, descending=True)


def test_model_tester_with_a_prepared_quote_order(qtmodeltester, small_quote_steps):
    model = model_with(_tied_claims(random.Random(2), 12))
    model._finish_quote_order()
    qtmodeltester.check(model)
    model.sort(QUOTE_COLUMN, DESC)
    model.upsert(make_claim("beta", start=3))
    model.sort(QUOTE_COLUMN, ASC)
    model.remove(model.claim_at(0).id)
    model.set_filter(text="a")
    model.sort(QUOTE_COLUMN, DESC)


def test_sorting_a_hundred_thousand_claims_stays_consistent():
    rng = random.Random(7)
    types = ("t-official", "t-unnamed", "t-speculation")
    claims = [
        make_claim(
            f"quote {rng.randrange(1000)}",
            start=rng.randrange(50_000),
            type_id=rng.choice(types),
            confidence=rng.randint(1, 5),
            annotator=rng.choice(("Ana", "Ben")),
        )
        for _ in range(100_000)
    ]
    model = model_with(claims)
    for column in (QUOTE_COLUMN, TYPE_COLUMN, CONFIDENCE_COLUMN, ANNOTATOR_COLUMN):
        model.sort(column, DESC)
        assert model.rowCount() == 100_000
    # Spot-check that bisecting lookups agree with the order the sort produced.
    for row in (0, 1, 4_999, 50_000, 99_999):
        assert model.row_of(model.claim_at(row).id) == row


# --- single-claim updates ----------------------------------------------------------------------------------


def test_upsert_inserts_at_its_sorted_place_with_one_insert(qtbot):
    model = model_with(sample_claims())
    model.sort(CONFIDENCE_COLUMN, DESC)
    inserted: list[tuple[int, int]] = []
    model.rowsInserted.connect(lambda _parent, first, last: inserted.append((first, last)))
    claim = make_claim("fresh", start=40, confidence=4)
    model.upsert(claim)
    assert inserted == [(1, 1)]  # after the 4 at 30, before the 4 at 50
    assert model.row_of(claim.id) == 1


def test_upsert_of_an_unchanged_position_emits_data_changed_only(qtbot):
    claims = sample_claims()
    model = model_with(claims)
    structural: list[str] = []
    model.rowsMoved.connect(lambda *a: structural.append("moved"))
    model.rowsInserted.connect(lambda *a: structural.append("inserted"))
    model.rowsRemoved.connect(lambda *a: structural.append("removed"))
    with qtbot.waitSignal(model.dataChanged) as blocker:
        model.upsert(claims[2]._replace(source="a senior official"))
    assert structural == []
    top_left, bottom_right = blocker.args[0], blocker.args[1]
    assert (top_left.row(), bottom_right.row()) == (2, 2)
    assert model.claim_at(2).source == "a senior official"


def test_upsert_that_changes_the_sort_key_moves_the_row():
    claims = sample_claims()
    model = model_with(claims)
    model.sort(CONFIDENCE_COLUMN, DESC)
    persistent = QPersistentModelIndex(model.index(3, 0))  # confidence 1, start 10
    model.upsert(claims[1]._replace(confidence=5))
    assert model.row_of(claims[1].id) == 0
    assert persistent.row() == 0
    assert [c.confidence for c in map(model.claim_at, range(4))] == [5, 4, 4, 2]


def test_upsert_that_leaves_the_filter_removes_the_row():
    claims = sample_claims()
    model = model_with(claims)
    model.set_filter(type_ids=frozenset({"t-speculation"}))
    assert model.rowCount() == 2
    model.upsert(claims[1]._replace(source_type_id="t-official"))
    assert model.rowCount() == 1
    assert model.row_of(claims[1].id) is None
    assert model.claim(claims[1].id).source_type_id == "t-official"
    # ...and comes back when it matches again.
    model.upsert(claims[1])
    assert model.row_of(claims[1].id) == 0


def test_upsert_updates_the_text_filter():
    claims = sample_claims()
    model = model_with(claims)
    model.set_filter(text="official")
    assert model.rowCount() == 1  # the source "a defense official"
    model.upsert(claims[0]._replace(comment="Official statement"))
    assert model.rowCount() == 2


def test_remove_takes_out_one_row_and_forgets_the_claim():
    claims = sample_claims()
    model = model_with(claims)
    model.remove(claims[1].id)
    model.remove("no-such-claim")
    assert starts(model) == [20, 30, 50]
    assert model.claim(claims[1].id) is None
    assert model.annotators() == [("u-ana", "Ana")]


def test_claims_with_the_same_start_are_all_found():
    twins = [make_claim("same span", start=5, annotator=name) for name in ("Ana", "Ben", "Chloé")]
    model = model_with(twins)
    model.sort(QUOTE_COLUMN, ASC)
    assert sorted(model.row_of(c.id) for c in twins) == [0, 1, 2]
    model.remove(twins[1].id)
    assert [model.row_of(c.id) for c in (twins[0], twins[2])] in ([0, 1], [1, 0])


# --- filtering ---------------------------------------------------------------------------------------------


def test_text_filter_looks_at_quote_source_cue_and_comment_in_any_case():
    model = model_with(sample_claims())
    model.set_filter(text="MARKETS")
    assert quotes(model) == ["markets will fall"]
    model.set_filter(text="defense")  # source
    assert starts(model) == [30]
    model.set_filter(text="according")  # cue
    assert starts(model) == [30]
    model.set_filter(text="hedged")  # comment
    assert starts(model) == [20]
    model.set_filter(text="nothing like this")
    assert model.rowCount() == 0
    model.set_filter()
    assert model.rowCount() == 4


def test_filters_combine_and_keep_the_sort_order():
    model = model_with(sample_claims())
    model.sort(CONFIDENCE_COLUMN, DESC)
    model.set_filter(type_ids=frozenset({"t-speculation", "t-unnamed"}))
    assert [c.confidence for c in map(model.claim_at, range(model.rowCount()))] == [4, 2, 1]
    model.set_filter(type_ids=frozenset({"t-speculation", "t-unnamed"}), min_confidence=2)
    assert starts(model) == [30, 20]
    model.set_filter(annotator_ids=frozenset({"u-ben"}))
    assert starts(model) == [10]
    model.set_filter(type_ids=frozenset())
    assert model.rowCount() == 0


def test_claim_lookup_sees_filtered_out_claims():
    claims = sample_claims()
    model = model_with(claims)
    model.set_filter(text="markets")
    assert model.row_of(claims[0].id) is None
    assert model.claim(claims[0].id) == claims[0]
    assert len(model.all_claims()) == model.total_count() == 4


def test_annotators_are_listed_by_name_and_follow_changes():
    claims = sample_claims()
    model = model_with(claims)
    assert model.annotators() == [("u-ana", "Ana"), ("u-ben", "Ben")]
    model.upsert(make_claim(annotator="Aaron"))
    assert [name for _, name in model.annotators()] == ["Aaron", "Ana", "Ben"]


def test_new_codebook_renames_types_and_resorts_by_position():
    model = model_with(sample_claims())
    model.sort(TYPE_COLUMN, ASC)
    reordered = make_codebook()
    reordered = Codebook(
        tuple(
            dataclasses.replace(t, position=2 - t.position, name=t.name.upper())
            for t in reordered.source_types
        ),
        reordered.confidence_levels,
    )
    model.set_codebook(reordered)
    assert model.claim_at(0).source_type_id == "t-speculation"
    assert model.index(0, TYPE_COLUMN).data(DISPLAY) == "SPECULATION"


def test_unknown_type_and_unlabelled_level_still_display():
    model = model_with([make_claim(type_id="t-gone", confidence=9)])
    assert model.index(0, TYPE_COLUMN).data(DISPLAY) == "(unknown type)"
    assert model.index(0, CONFIDENCE_COLUMN).data(DISPLAY) == "9"


@pytest.mark.parametrize("column", [QUOTE_COLUMN, TYPE_COLUMN, CONFIDENCE_COLUMN, ANNOTATOR_COLUMN])
def test_upserts_into_a_sorted_model_match_a_full_sort(column):
    rng = random.Random(column)
    claims = [
        make_claim(
            rng.choice(["a", "B", "c", "“d"]) + str(rng.randrange(5)),
            start=rng.randrange(40),
            type_id=rng.choice(("t-official", "t-unnamed", "t-speculation")),
            confidence=rng.randint(1, 5),
            annotator=rng.choice(("Ana", "ben", "Cy")),
        )
        for _ in range(60)
    ]
    incremental = model_with(claims[:10])
    incremental.sort(column, DESC)
    for claim in claims[10:]:
        incremental.upsert(claim)
    for claim in claims[::3]:
        incremental.upsert(claim._replace(confidence=rng.randint(1, 5), quote=claim.quote + "x"))
    for claim in claims[::7]:
        incremental.remove(claim.id)
    full = model_with(list(incremental.all_claims()))
    full.sort(column, DESC)
    key = {
        QUOTE_COLUMN: lambda c: c.quote.lstrip("“").casefold(),
        TYPE_COLUMN: lambda c: c.source_type_id,
        CONFIDENCE_COLUMN: lambda c: c.confidence,
        ANNOTATOR_COLUMN: lambda c: c.annotator_name.casefold(),
    }[column]
    # Rows sharing a sort key and a start may come in either order; everything else must agree.
    as_keys = [(key(c), c.start) for c in map(incremental.claim_at, range(incremental.rowCount()))]
    assert as_keys == [(key(c), c.start) for c in map(full.claim_at, range(full.rowCount()))]
    for row in range(incremental.rowCount()):
        assert incremental.row_of(incremental.claim_at(row).id) == row
