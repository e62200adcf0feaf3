"""Agreement figures: published worked examples to three decimals, the undefined cases, and properties."""

from __future__ import annotations

import math
from collections.abc import Sequence

import krippendorff
import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from annotator.domain.agreement import (
    NO_COMPLETE_UNIT,
    NO_PAIRABLE_UNIT,
    NOBODY_VARIED,
    ArticleSpans,
    Figure,
    RatingMatrix,
    Segment,
    character_alpha,
    character_confusion,
    cohen_kappa,
    cohen_kappa_pairs,
    confusion_table,
    fleiss_kappa,
    krippendorff_alpha,
    percent_agreement,
    ratings,
    unit_figures,
    weighted_nominal_alpha,
)
from annotator.domain.units import SpanClaim, group_units

_ = None  # a value an observer did not give

# Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. Departmental Papers (ASC) 43,
# Annenberg School for Communication, University of Pennsylvania. https://repository.upenn.edu/asc_papers/43
# Section C's reliability data: 4 observers x 12 units, values 1..5, with missing values.
KRIPPENDORFF_C = {
    "A": [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
    "B": [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
    "C": [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
    "D": [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
}


def rows_of(columns: dict[str, list[object]]) -> list[tuple[object, ...]]:
    return list(zip(*columns.values(), strict=True))


# --------------------------------------------------------------------------- published worked examples


def test_krippendorff_2011_a_binary_data_two_observers() -> None:
    """Krippendorff (2011), section A, "Binary or dichotomous data, two observers, no missing data":
    alpha = 0.095."""
    a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]

    figure = krippendorff_alpha(["A", "B"], rows_of({"A": a, "B": b}), field="span", level="nominal")

    assert round(figure.value or 0, 3) == 0.095
    assert figure.units == 10


def test_krippendorff_2011_b_nominal_data_two_observers() -> None:
    """Krippendorff (2011), section B, "Nominal data, two observers, no missing data": alpha = 0.692."""
    a = list("aabbdcccedda")
    b = list("babbbccceddd")

    figure = krippendorff_alpha(["A", "B"], rows_of({"A": a, "B": b}), field="source_type", level="nominal")

    assert round(figure.value or 0, 3) == 0.692


@pytest.mark.parametrize(
    ("level", "published"),
    [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849)],
)
def test_krippendorff_2011_c_to_e_four_observers_with_missing_data(level: str, published: float) -> None:
    """Krippendorff (2011), sections C ("Nominal data, any number of observers, missing data": 0.743),
    D (ordinal: 0.815) and E (interval: 0.849), all on the same 4 x 12 reliability data. Unit 12, coded by
    observer B alone, is missing data: 11 units are pairable."""
    figure = krippendorff_alpha(
        list(KRIPPENDORFF_C),
        rows_of(KRIPPENDORFF_C),
        field="confidence",
        level=level,  # type: ignore[arg-type]
    )

    assert round(figure.value or 0, 3) == published
    assert figure.units == 11
    assert figure.measure == f"krippendorff_alpha_{level}"
    assert figure.annotators == ("A", "B", "C", "D")


def test_krippendorff_2011_from_claims_through_units() -> None:
    """The same published data entered as claims: each unit is a span, observer A..D an annotator, the value
    the claim's confidence (and, for the nominal alpha, its source type). Same figures, 0.743/0.815/0.849."""
    claims = []
    for name, values in KRIPPENDORFF_C.items():
        for unit, value in enumerate(values):
            if value is not None:
                start = unit * 100
                claims.append(SpanClaim(f"{name}{unit}", name, start, start + 50, f"type-{value}", value))
    units = group_units(claims)
    assert len(units) == 12

    figures = {(f.field, f.measure): f for f in unit_figures(units, confidence_domain=range(1, 6))}

    assert round(figures["source_type", "krippendorff_alpha_nominal"].value or 0, 3) == 0.743
    assert round(figures["confidence", "krippendorff_alpha_ordinal"].value or 0, 3) == 0.815
    assert round(figures["confidence", "krippendorff_alpha_interval"].value or 0, 3) == 0.849


def test_cohen_kappa_wikipedia_worked_example() -> None:
    """Wikipedia, "Cohen's kappa", section "Simple example": 50 grant proposals read by A and B; both said
    yes to 20 and no to 15, A yes and B no to 5, A no and B yes to 10. p_o = 0.7, p_e = 0.5, kappa = 0.4."""
    rows = [("yes", "yes")] * 20 + [("no", "no")] * 15 + [("yes", "no")] * 5 + [("no", "yes")] * 10

    figure = cohen_kappa(["A", "B"], rows, field="source_type")

    assert round(figure.value or 0, 3) == 0.400
    assert figure.units == 50
    assert percent_agreement(["A", "B"], rows, field="source_type").value == pytest.approx(0.7)


# Wikipedia, "Fleiss' kappa", section "Worked example": 10 subjects, 14 raters each, 5 categories; each row
# is how many raters put the subject in each category. P-bar = 0.378, P-bar-e = 0.213, kappa = 0.210.
# (The same table is statsmodels' test data for its fleiss_kappa.)
FLEISS_TABLE = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_worked_example() -> None:
    """Wikipedia, "Fleiss' kappa", "Worked example" (10 subjects, 14 raters, 5 categories): kappa = 0.210.
    Fleiss' kappa does not need the same raters on every subject, so the 14 ratings of a subject are put
    in 14 columns in any order."""
    rows = [
        tuple(category for category, n in enumerate(counts, 1) for _ in range(n)) for counts in FLEISS_TABLE
    ]
    raters = [f"r{i}" for i in range(14)]

    figure = fleiss_kappa(raters, rows, field="source_type")

    assert round(figure.value or 0, 3) == 0.210
    assert figure.units == 10


# --------------------------------------------------------------------------------- undefined figures


def all_measures(names: Sequence[str], rows: list[tuple[object, ...]]) -> list[Figure]:
    figures = [
        percent_agreement(names, rows, field="confidence"),
        fleiss_kappa(names, rows, field="confidence"),
        *(
            krippendorff_alpha(names, rows, field="confidence", level=level)
            for level in ("nominal", "ordinal", "interval")
        ),
    ]
    if len(names) >= 2:
        figures += cohen_kappa_pairs(names, rows, field="confidence")
    return figures


def test_fewer_than_two_annotators_is_undefined() -> None:
    for figure in all_measures(["A"], [(1,), (2,), (3,)]):
        assert figure.value is None
        assert figure.reason == "fewer than two annotators"


def test_no_unit_coded_by_two_annotators_is_undefined() -> None:
    rows = [(1, _), (_, 2), (3, _)]

    for figure in all_measures(["A", "B"], rows):
        assert figure.value is None, figure
        assert figure.reason in (NO_PAIRABLE_UNIT, NO_COMPLETE_UNIT)
        assert figure.units == 0


def test_nobody_varied_is_undefined_except_percent_agreement() -> None:
    rows = [(3, 3, 3), (3, 3, _), (3, 3, 3)]

    figures = all_measures(["A", "B", "C"], rows)

    for figure in figures:
        if figure.measure == "percent_agreement":
            assert figure.value == 1.0
        else:
            assert figure.value is None, figure
            assert figure.reason == NOBODY_VARIED == "nobody varied: every unit got the same value"


def test_values_only_outside_pairable_units_do_not_count_as_variation() -> None:
    # The 5 is a unit only A coded: missing data, so the pairable units all say 3.
    figure = krippendorff_alpha(["A", "B"], [(3, 3), (3, 3), (5, _)], field="confidence", level="interval")

    assert figure.value is None
    assert figure.reason == NOBODY_VARIED
    assert figure.units == 2


def test_constant_but_different_annotators_give_kappa_zero_not_undefined() -> None:
    figure = cohen_kappa(["A", "B"], [("x", "y")] * 5, field="source_type")

    assert figure.value == 0.0


def test_fleiss_kappa_uses_only_units_everyone_coded() -> None:
    rows = [(1, 1, 2), (2, 2, 2), (1, _, 1), (_, 3, 3)]

    figure = fleiss_kappa(["A", "B", "C"], rows, field="source_type")

    assert figure.units == 2
    assert figure.value == fleiss_kappa(["A", "B", "C"], rows[:2], field="source_type").value


# ---------------------------------------------------------------------------- missing data and pairs


def test_units_one_annotator_coded_are_missing_data() -> None:
    rows = rows_of(KRIPPENDORFF_C)
    padded = [*rows, (5, _, _, _), (_, _, 1, _)]

    for level in ("nominal", "ordinal", "interval"):
        before = krippendorff_alpha(list(KRIPPENDORFF_C), rows, field="confidence", level=level)  # type: ignore[arg-type]
        after = krippendorff_alpha(list(KRIPPENDORFF_C), padded, field="confidence", level=level)  # type: ignore[arg-type]
        assert after == before


def test_pairwise_cohen_with_three_annotators() -> None:
    rows = [("x", "x", "y"), ("y", "y", "y"), ("x", "y", "x"), ("y", "y", _), ("x", "x", "x")]

    figures = cohen_kappa_pairs(["A", "B", "C"], rows, field="source_type")

    assert [f.annotators for f in figures] == [("A", "B"), ("A", "C"), ("B", "C")]
    assert [f.units for f in figures] == [5, 4, 4]
    for figure, (i, j) in zip(figures, [(0, 1), (0, 2), (1, 2)], strict=True):
        alone = cohen_kappa(figure.annotators, [(r[i], r[j]) for r in rows], field="source_type")
        assert figure == alone
    # A and B: p_o = 4/5, A's marginals x 3/5, B's 2/5: p_e = 3/5*2/5 + 2/5*3/5 = 12/25.
    assert figures[0].value == pytest.approx((4 / 5 - 12 / 25) / (1 - 12 / 25))


def test_cohen_kappa_wants_exactly_two_annotators() -> None:
    with pytest.raises(ValueError, match="two annotators"):
        cohen_kappa(["A", "B", "C"], [(1, 1, 1)], field="source_type")


def test_a_rating_matrix_is_coded_once_and_checked_against_its_annotators() -> None:
    matrix = RatingMatrix.of(["A", "B"], [(1, 2), (2, 2), (1, 1)])

    assert percent_agreement(["A", "B"], matrix, field="confidence").value == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match="matrix is for"):
        fleiss_kappa(["B", "A"], matrix, field="confidence")


def test_interval_alpha_wants_numbers() -> None:
    with pytest.raises(TypeError, match="numbers"):
        krippendorff_alpha(["A", "B"], [("x", "y"), ("y", "y")], field="confidence", level="interval")
    with pytest.raises(ValueError, match="value domain"):
        krippendorff_alpha(
            ["A", "B"], [(1, 7), (2, 2)], field="confidence", level="ordinal", value_domain=[1, 2]
        )


# --------------------------------------------------------------------------------------- from units


def test_ratings_and_figures_from_units() -> None:
    claims = [
        SpanClaim("a1", "ana", 0, 10, "official", 4),
        SpanClaim("b1", "ben", 0, 10, "official", 5),
        SpanClaim("a2", "ana", 20, 30, "expert", 2),
        SpanClaim("b2", "ben", 21, 30, "witness", 2),
        SpanClaim("b3", "ben", 50, 60, "expert", 1),
    ]
    units = group_units(claims)

    assert ratings(units, "source_type", ["ana", "ben"]) == [
        ("official", "official"),
        ("expert", "witness"),
        (None, "expert"),
    ]
    assert ratings(units, "confidence", ["ben", "ana", "chen"]) == [
        (5, 4, None),
        (2, 2, None),
        (1, None, None),
    ]

    figures = unit_figures(units)
    assert [(f.field, f.measure) for f in figures] == [
        ("source_type", "percent_agreement"),
        ("source_type", "cohen_kappa"),
        ("source_type", "fleiss_kappa"),
        ("source_type", "krippendorff_alpha_nominal"),
        ("confidence", "percent_agreement"),
        ("confidence", "cohen_kappa"),
        ("confidence", "fleiss_kappa"),
        ("confidence", "krippendorff_alpha_ordinal"),
        ("confidence", "krippendorff_alpha_interval"),
    ]
    assert all(f.annotators == ("ana", "ben") for f in figures)
    assert all(f.units == 2 for f in figures)  # the unit only ben coded is missing data
    assert figures[0].value == 0.5


def test_confusion_table_lists_the_units_in_each_cell() -> None:
    claims = [
        SpanClaim("a1", "ana", 0, 10, "official", 4),
        SpanClaim("b1", "ben", 0, 10, "official", 5),
        SpanClaim("a2", "ana", 20, 30, "expert", 2),
        SpanClaim("b2", "ben", 21, 30, "witness", 2),
        SpanClaim("a3", "ana", 40, 50, "official", 2),
        SpanClaim("b3", "ben", 40, 50, "official", 2),
        SpanClaim("b4", "ben", 70, 80, "expert", 1),
    ]
    units = group_units(claims)

    table = confusion_table(units, "source_type", "ana", "ben")

    assert table.annotators == ("ana", "ben")
    assert table.values == ("expert", "official", "witness", None)
    assert table.count("official", "official") == 2
    assert table.count("expert", "witness") == 1
    assert table.count(None, "expert") == 1
    assert table.count("expert", "expert") == 0
    assert table.cell("expert", "expert") is None
    cell = table.cell("official", "official")
    assert cell is not None
    assert [unit.claim_of("ana").id for unit in cell.items] == ["a1", "a3"]  # type: ignore[union-attr]
    assert table.counts() == [[0, 0, 1, 0], [0, 2, 0, 0], [0, 0, 0, 0], [1, 0, 0, 0]]
    # Cohen's kappa reads the same table without the None row and column.
    both = [
        (a, b) for a, b in ratings(units, "source_type", ["ana", "ben"]) if a is not None and b is not None
    ]
    assert cohen_kappa(["ana", "ben"], both, field="source_type").units == 3

    levels = confusion_table(units, "confidence", "ana", "ben")
    assert levels.values == (1, 2, 4, 5, None)
    assert levels.count(4, 5) == 1


# ------------------------------------------------------------------------------------------- spans


def spans(who: str, *pairs: tuple[int, int]) -> list[SpanClaim]:
    return [SpanClaim(f"{who}{i}", who, start, end) for i, (start, end) in enumerate(pairs)]


def test_character_alpha_reproduces_krippendorff_2011_a() -> None:
    """Krippendorff (2011) section A's binary data read as 10 code points, observer A marking code points
    1 and 8, observer B 0-2 and 5: alpha = 0.095 again, and its confusion table."""
    article = ArticleSpans(10, spans("A", (1, 2), (8, 9)) + spans("B", (0, 3), (5, 6)), key="art")

    figure = character_alpha([article])

    assert figure.field == "span"
    assert figure.measure == "krippendorff_alpha_characters"
    assert figure.annotators == ("A", "B")
    assert figure.units == 10
    assert round(figure.value or 0, 3) == 0.095

    table = character_confusion([article], "A", "B")
    assert table.counts() == [[5, 3], [1, 1]]
    cell = table.cell(True, False)
    assert cell is not None
    assert cell.items == (Segment("art", 8, 9),)


def test_character_alpha_of_identical_marking_is_one_over_the_article_and_undefined_over_the_marks() -> None:
    article = ArticleSpans(100, spans("A", (10, 20), (50, 70)) + spans("B", (10, 20), (50, 60), (55, 70)))

    assert character_alpha([article]).value == 1.0
    covered = character_alpha([article], scope="covered")
    assert covered.value is None
    assert covered.reason == NOBODY_VARIED
    assert covered.units == 30


def test_character_alpha_counts_an_article_only_when_two_annotators_coded_it() -> None:
    shared = ArticleSpans(50, spans("A", (0, 10)) + spans("B", (0, 12)))
    alone = ArticleSpans(1000, spans("A", (0, 900)), annotators=("A",))
    # C coded this article and marked nothing: that is a "no claim here" on every code point.
    silent = ArticleSpans(40, spans("A", (0, 10)), annotators=("A", "C"))

    assert character_alpha([shared, alone]) == character_alpha([shared])
    both = character_alpha([shared, alone, silent], ["A", "B", "C"])
    assert both.units == 90
    assert both.value is not None
    assert character_alpha([alone]).reason == "fewer than two annotators"
    assert character_alpha([alone], ["A", "B"]).reason == NO_PAIRABLE_UNIT


def test_a_claim_outside_its_article_is_refused() -> None:
    with pytest.raises(ValueError, match="outside"):
        character_alpha([ArticleSpans(10, spans("A", (5, 11)) + spans("B", (0, 3)))])


@st.composite
def articles(draw: st.DrawFn) -> list[ArticleSpans]:
    made = []
    for key in range(draw(st.integers(1, 3))):
        length = draw(st.integers(1, 60))
        claims = []
        for number in range(draw(st.integers(0, 8))):
            start = draw(st.integers(0, length - 1))
            end = draw(st.integers(start + 1, length))
            claims.append(SpanClaim(f"{key}-{number}", draw(st.sampled_from("ABC")), start, end))
        coders = draw(st.sampled_from([None, ("A", "B"), ("A", "B", "C"), ("B",)]))
        made.append(ArticleSpans(length, claims, coders, str(key)))
    return made


def per_code_point(article_list: list[ArticleSpans], scope: str) -> list[list[float]]:
    """The reliability data written out one code point at a time: rows = A, B, C; nan = did not code."""
    columns = []
    for article in article_list:
        coders = article.annotators or ("A", "B", "C")
        for point in range(article.length):
            column = [
                float(any(c.annotator_name == name and c.start <= point < c.end for c in article.claims))
                if name in coders
                else math.nan
                for name in "ABC"
            ]
            if scope == "covered" and not any(v == 1.0 for v in column):
                continue
            columns.append(column)
    return [list(row) for row in zip(*columns, strict=True)] if columns else [[], [], []]


@settings(max_examples=300, deadline=None)
@given(articles(), st.sampled_from(["article", "covered"]))
def test_segment_weighted_alpha_equals_alpha_over_every_code_point(
    article_list: list[ArticleSpans], scope: str
) -> None:
    figure = character_alpha(article_list, ["A", "B", "C"], scope=scope)  # type: ignore[arg-type]
    data = np.array(per_code_point(article_list, scope), dtype=float)
    pairable = (~np.isnan(data)).sum(axis=0) >= 2 if data.size else np.array([], dtype=bool)
    assert figure.units == int(pairable.sum())
    values = {v for v in data[:, pairable].reshape(-1).tolist() if not math.isnan(v)} if data.size else set()
    if len(values) < 2:
        assert figure.value is None
        return
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert figure.value == pytest.approx(expected, abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 3), min_size=3, max_size=3), min_size=1, max_size=12), st.data())
def test_weighted_nominal_alpha_equals_repeating_the_units(
    counts: list[list[int]], data: st.DataObject
) -> None:
    weights = data.draw(st.lists(st.integers(1, 4), min_size=len(counts), max_size=len(counts)))
    value, units, _reason = weighted_nominal_alpha(counts, weights)
    repeated = np.array([row for row, w in zip(counts, weights, strict=True) for _ in range(w)])
    pairable = repeated[repeated.sum(axis=1) >= 2]
    assert units == len(pairable)
    if len(pairable) == 0 or int((pairable.sum(axis=0) > 0).sum()) < 2:
        assert value is None
        return
    assert value == pytest.approx(krippendorff.alpha(value_counts=repeated, level_of_measurement="nominal"))


# ---------------------------------------------------------------------------------------- properties

VALUES = st.one_of(st.none(), st.integers(1, 4))


@st.composite
def rating_rows(draw: st.DrawFn, width: int = 3) -> list[tuple[int | None, ...]]:
    return draw(st.lists(st.tuples(*[VALUES] * width), min_size=0, max_size=25))


@settings(max_examples=300, deadline=None)
@given(rating_rows(), st.permutations([0, 1, 2]))
def test_permuting_annotators_changes_no_figure(rows: list[tuple[int | None, ...]], order: list[int]) -> None:
    names = ["A", "B", "C"]
    moved_names = [names[i] for i in order]
    moved_rows = [tuple(row[i] for i in order) for row in rows]

    for level in ("nominal", "ordinal", "interval"):
        before = krippendorff_alpha(names, rows, field="confidence", level=level)  # type: ignore[arg-type]
        after = krippendorff_alpha(moved_names, moved_rows, field="confidence", level=level)  # type: ignore[arg-type]
        assert (before.value is None) == (after.value is None)
        if before.value is not None:
            assert after.value == pytest.approx(before.value, abs=1e-12)
    for measure in (fleiss_kappa, percent_agreement):
        before = measure(names, rows, field="confidence")
        after = measure(moved_names, moved_rows, field="confidence")
        assert after.value == before.value or after.value == pytest.approx(before.value)


@settings(max_examples=300, deadline=None)
@given(rating_rows())
def test_no_figure_is_ever_nan_or_infinite(rows: list[tuple[int | None, ...]]) -> None:
    for figure in all_measures(["A", "B", "C"], rows):
        if figure.value is None:
            assert figure.reason
        else:
            assert math.isfinite(figure.value)
            assert not figure.reason


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.integers(1, 4), min_size=1, max_size=20),
    st.lists(st.integers(2, 4), min_size=20, max_size=20),
)
def test_identical_codings_give_alpha_one_or_undefined(values: list[int], coders: list[int]) -> None:
    rows = [tuple(v if i < n else None for i in range(4)) for v, n in zip(values, coders, strict=False)]
    assume(rows)

    for level in ("nominal", "ordinal", "interval"):
        figure = krippendorff_alpha(["A", "B", "C", "D"], rows, field="confidence", level=level)  # type: ignore[arg-type]
        if len(set(values)) == 1:
            assert figure.value is None
            assert figure.reason == NOBODY_VARIED
        else:
            assert figure.value == pytest.approx(1.0)


@settings(max_examples=200, deadline=None)
@given(rating_rows())
def test_alpha_matches_the_krippendorff_package_on_reliability_data(
    rows: list[tuple[int | None, ...]],
) -> None:
    figure = krippendorff_alpha(["A", "B", "C"], rows, field="confidence", level="ordinal")
    if figure.value is None:
        return
    data = np.array([[math.nan if v is None else v for v in row] for row in rows], dtype=float).T
    assert figure.value == pytest.approx(
        krippendorff.alpha(reliability_data=data, level_of_measurement="ordinal")
    )
