"""Agreement between annotators: percent agreement, Cohen's and Fleiss' kappa, Krippendorff's alpha, and the
confusion tables behind them. Pure maths over units (`annotator.domain.units`) or plain rating matrices.

A figure that is undefined for its data (nobody varied, fewer than two annotators, no unit coded by two) comes
back as `value=None` with the reason, never as NaN, infinity or an exception.

Rating matrices: one row per unit, one column per annotator, `None` where that annotator gave the unit no
value. A unit only one annotator coded is missing data in Krippendorff's sense: it enters no pair and
changes no figure.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any, Generic, Literal, NamedTuple, TypeVar

import krippendorff
import numpy as np
import numpy.typing as npt

from annotator.domain.units import ClaimLike, Unit

Field = Literal["source_type", "confidence", "span"]
UnitField = Literal["source_type", "confidence"]
Measure = Literal[
    "percent_agreement",
    "cohen_kappa",
    "fleiss_kappa",
    "krippendorff_alpha_nominal",
    "krippendorff_alpha_ordinal",
    "krippendorff_alpha_interval",
    "krippendorff_alpha_characters",
]
Level = Literal["nominal", "ordinal", "interval"]
Scope = Literal["article", "covered"]
Row = Sequence[Hashable | None]

FEWER_THAN_TWO = "fewer than two annotators"
NO_PAIRABLE_UNIT = "no unit coded by two annotators"
NOBODY_VARIED = "nobody varied: every unit got the same value"
NO_COMPLETE_UNIT = "no unit coded by every annotator"

_ALPHA_MEASURES: dict[Level, Measure] = {
    "nominal": "krippendorff_alpha_nominal",
    "ordinal": "krippendorff_alpha_ordinal",
    "interval": "krippendorff_alpha_interval",
}


@dataclass(frozen=True, slots=True)
class Figure:
    """One agreement figure. `units` counts what entered it (units coded by two or more annotators, for
    Cohen's kappa by both, for Fleiss' kappa by all; code points for the span alpha). `value` is None when
    the figure is undefined for the data, and `reason` then says why."""

    field: Field
    measure: Measure
    annotators: tuple[str, ...]
    units: int
    value: float | None
    reason: str = ""


@dataclass(frozen=True, slots=True, eq=False)
class RatingMatrix:
    """Ratings coded once for many measures: `codes[u, a]` indexes `labels` (-1: annotator a gave unit u no
    value). Build it with `RatingMatrix.of(annotators, rows)` or `rating_matrix(units, ...)`; every measure
    takes it in place of rows."""

    annotators: tuple[str, ...]
    codes: npt.NDArray[np.int64]
    labels: tuple[Hashable, ...]

    @classmethod
    def of(cls, annotators: Sequence[str], rows: Iterable[Row]) -> RatingMatrix:
        names = tuple(annotators)
        codes, labels = _coded(rows, names)
        return cls(names, codes, tuple(labels))


Ratings = Iterable[Row] | RatingMatrix


# ---------------------------------------------------------------------------------------------- matrices


def percent_agreement(annotators: Sequence[str], rows: Ratings, *, field: Field) -> Figure:
    """The share (0..1) of units coded by two or more of `annotators` on which all of them gave one value.

    With two annotators this is the textbook percent agreement; with more it is the strict "all agree"
    reading (R's irr::agree), not the mean of the pairs.
    """
    names = tuple(annotators)
    if len(names) < 2:
        return Figure(field, "percent_agreement", names, 0, None, FEWER_THAN_TWO)
    codes, _ = _coded(rows, names)
    coded = codes >= 0
    pairable = coded.sum(axis=1) >= 2
    units = int(pairable.sum())
    if units == 0:
        return Figure(field, "percent_agreement", names, 0, None, NO_PAIRABLE_UNIT)
    high = np.where(coded, codes, -1).max(axis=1)
    low = np.where(coded, codes, np.iinfo(codes.dtype).max).min(axis=1)
    agreed = int((pairable & (high == low)).sum())
    return Figure(field, "percent_agreement", names, units, agreed / units)


def cohen_kappa(annotators: Sequence[str], rows: Ratings, *, field: Field) -> Figure:
    """Cohen's (1960) kappa of exactly two annotators over the units both coded (values as nominal)."""
    names = tuple(annotators)
    if len(names) != 2:
        raise ValueError(f"Cohen's kappa is for two annotators; use cohen_kappa_pairs for {len(names)}")
    codes, labels = _coded(rows, names)
    return _cohen(names, codes[:, 0], codes[:, 1], len(labels), field)


def cohen_kappa_pairs(annotators: Sequence[str], rows: Ratings, *, field: Field) -> list[Figure]:
    """Cohen's kappa for every pair of `annotators`, in the order of `itertools.combinations`."""
    names = tuple(annotators)
    codes, labels = _coded(rows, names)
    return [
        _cohen((names[a], names[b]), codes[:, a], codes[:, b], len(labels), field)
        for a, b in combinations(range(len(names)), 2)
    ]


def fleiss_kappa(annotators: Sequence[str], rows: Ratings, *, field: Field) -> Figure:
    """Fleiss' (1971) kappa over the units every one of `annotators` coded (values as nominal).

    Fleiss' kappa needs the same number of ratings per unit, so units someone left out are dropped (as R's
    irr::kappam.fleiss drops rows with NA); Krippendorff's alpha is the measure that uses them.
    """
    names = tuple(annotators)
    if len(names) < 2:
        return Figure(field, "fleiss_kappa", names, 0, None, FEWER_THAN_TWO)
    codes, labels = _coded(rows, names)
    complete = codes[(codes >= 0).all(axis=1)]
    units = len(complete)
    if units == 0:
        return Figure(field, "fleiss_kappa", names, 0, None, NO_COMPLETE_UNIT)
    raters = len(names)
    counts = _value_counts(complete, len(labels))
    # Integer arithmetic up to the last division: P-bar and P-e as exact ratios (Fleiss 1971, eqs. 2-9).
    ratings = units * raters
    squares = int((counts * counts).sum())
    marginals = counts.sum(axis=0)
    chance = int((marginals * marginals).sum())
    denominator = (raters - 1) * (ratings * ratings - chance)
    if denominator == 0:
        return Figure(field, "fleiss_kappa", names, units, None, NOBODY_VARIED)
    numerator = (squares - ratings) * ratings - chance * (raters - 1)
    return Figure(field, "fleiss_kappa", names, units, numerator / denominator)


def krippendorff_alpha(
    annotators: Sequence[str],
    rows: Ratings,
    *,
    field: Field,
    level: Level,
    value_domain: Sequence[float] | None = None,
) -> Figure:
    """Krippendorff's alpha at the given level of measurement, computed by the `krippendorff` package.

    Units coded by fewer than two annotators are missing data. For "ordinal" and "interval" the values
    must be numbers; `value_domain` (say, the confidence scale 1..5) may name values nobody used, which
    changes nothing: the ordinal distance depends on the values used, the interval one on their difference.
    """
    names = tuple(annotators)
    measure = _ALPHA_MEASURES[level]
    if len(names) < 2:
        return Figure(field, measure, names, 0, None, FEWER_THAN_TWO)
    codes, labels = _coded(rows, names)
    counts = _value_counts(codes, len(labels))
    counts = counts[counts.sum(axis=1) >= 2]
    units = len(counts)
    if units == 0:
        return Figure(field, measure, names, 0, None, NO_PAIRABLE_UNIT)
    used = counts.sum(axis=0) > 0
    if int(used.sum()) < 2:
        return Figure(field, measure, names, units, None, NOBODY_VARIED)
    if level == "nominal":
        domain: npt.NDArray[Any] = np.arange(len(labels))
    else:
        numbers = [_number(label) for label in labels]
        if value_domain is not None:
            missing = set(numbers) - {float(v) for v in value_domain}
            if missing:
                raise ValueError(f"values {sorted(missing)} are not in the value domain")
            numbers += sorted({float(v) for v in value_domain} - set(numbers))
        order = sorted(range(len(numbers)), key=numbers.__getitem__)
        padded = np.zeros((units, len(numbers)), dtype=counts.dtype)
        padded[:, : counts.shape[1]] = counts
        counts = padded[:, order]
        domain = np.array([numbers[i] for i in order], dtype=float)
    value = float(krippendorff.alpha(value_counts=counts, value_domain=domain, level_of_measurement=level))
    if not math.isfinite(value):
        return Figure(field, measure, names, units, None, NOBODY_VARIED)
    return Figure(field, measure, names, units, value)


# ------------------------------------------------------------------------------------------------ units


def ratings(
    units: Iterable[Unit[Any]], field: UnitField, annotators: Sequence[str]
) -> list[tuple[Hashable | None, ...]]:
    """The rating matrix of `units` for one field: a row per unit, a column per annotator in `annotators`
    (None where that annotator has no claim in the unit, or gave the claim no value for the field)."""
    read = _reader(field)
    names = tuple(annotators)
    table: list[tuple[Hashable | None, ...]] = []
    for unit in units:
        if unit.annotators == names:
            table.append(tuple(None if claim is None else read(claim) for claim in unit.claims))
        else:
            claims = [unit.claim_of(name) for name in names]
            table.append(tuple(None if claim is None else read(claim) for claim in claims))
    return table


def rating_matrix(units: Iterable[Unit[Any]], field: UnitField, annotators: Sequence[str]) -> RatingMatrix:
    """`ratings` coded for the measures, for computing several figures from the same units."""
    return RatingMatrix.of(annotators, ratings(units, field, annotators))


def unit_figures(
    units: Sequence[Unit[Any]],
    annotators: Sequence[str] | None = None,
    *,
    confidence_domain: Sequence[int] | None = None,
) -> list[Figure]:
    """Every figure on source type and confidence for `units` (of one article or many, concatenated).

    Source type: percent agreement, Cohen's kappa per pair, Fleiss' kappa, alpha nominal.
    Confidence: percent agreement, Cohen's kappa per pair, Fleiss' kappa (the scale taken as nominal),
    alpha ordinal and alpha interval. `annotators` defaults to everyone in the units, sorted by name.
    """
    if annotators is None:
        names = tuple(sorted({name for unit in units for name in unit.annotators}))
    else:
        names = tuple(annotators)
    figures: list[Figure] = []
    for field in ("source_type", "confidence"):
        rows = rating_matrix(units, field, names)
        figures.append(percent_agreement(names, rows, field=field))
        figures.extend(cohen_kappa_pairs(names, rows, field=field))
        figures.append(fleiss_kappa(names, rows, field=field))
        if field == "source_type":
            figures.append(krippendorff_alpha(names, rows, field=field, level="nominal"))
        else:
            for level in ("ordinal", "interval"):
                figures.append(
                    krippendorff_alpha(names, rows, field=field, level=level, value_domain=confidence_domain)
                )
    return figures


T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ConfusionCell(Generic[T]):
    """What annotator a said (`value_a`) against what b said (`value_b`); None: no value. `count` is the
    number of units (code points for the span table) and `items` are they (or the text segments)."""

    value_a: Hashable | None
    value_b: Hashable | None
    count: int
    items: tuple[T, ...]


@dataclass(frozen=True, slots=True)
class ConfusionTable(Generic[T]):
    """A square table over `values` (None last: no claim, or not coded); `cells` lists the non-empty ones."""

    field: Field
    annotators: tuple[str, str]
    values: tuple[Hashable | None, ...]
    cells: tuple[ConfusionCell[T], ...]

    def cell(self, value_a: Hashable | None, value_b: Hashable | None) -> ConfusionCell[T] | None:
        for cell in self.cells:
            if cell.value_a == value_a and cell.value_b == value_b:
                return cell
        return None

    def count(self, value_a: Hashable | None, value_b: Hashable | None) -> int:
        found = self.cell(value_a, value_b)
        return 0 if found is None else found.count

    def counts(self) -> list[list[int]]:
        """The counts as a matrix, rows by `values` for a, columns by `values` for b."""
        where = {value: i for i, value in enumerate(self.values)}
        matrix = [[0] * len(self.values) for _ in self.values]
        for cell in self.cells:
            matrix[where[cell.value_a]][where[cell.value_b]] = cell.count
        return matrix


def confusion_table(
    units: Iterable[Unit[Any]], field: UnitField, annotator_a: str, annotator_b: str
) -> ConfusionTable[Unit[Any]]:
    """Units by what `annotator_a` and `annotator_b` gave them for `field`. Units where neither has a value
    are left out; those where one has none land in the None row or column (what Cohen's kappa skips)."""
    read = _reader(field)
    grouped: dict[tuple[Hashable | None, Hashable | None], list[Unit[Any]]] = {}
    for unit in units:
        claim_a = unit.claim_of(annotator_a)
        claim_b = unit.claim_of(annotator_b)
        key = (None if claim_a is None else read(claim_a), None if claim_b is None else read(claim_b))
        if key != (None, None):
            grouped.setdefault(key, []).append(unit)
    values = _sorted_values({v for key in grouped for v in key})
    order = {value: i for i, value in enumerate(values)}
    cells = tuple(
        ConfusionCell(a, b, len(found), tuple(found))
        for (a, b), found in sorted(grouped.items(), key=lambda kv: (order[kv[0][0]], order[kv[0][1]]))
    )
    return ConfusionTable(field, (annotator_a, annotator_b), values, cells)


# ------------------------------------------------------------------------------------------------ spans


class ArticleSpans(NamedTuple):
    """One article's claims for the span measure. `annotators` are who coded it (None: everyone passed to the
    measure); an annotator listed here without a claim said "no claim anywhere in this article"."""

    length: int  # code points of the article's text
    claims: Sequence[ClaimLike]
    annotators: tuple[str, ...] | None = None
    key: str = ""  # the article's id, carried into the confusion table's segments


class Segment(NamedTuple):
    """A stretch of an article's text, code points [start, end)."""

    key: str
    start: int
    end: int


def character_alpha(
    articles: Iterable[ArticleSpans],
    annotators: Sequence[str] | None = None,
    *,
    scope: Scope = "article",
) -> Figure:
    """Agreement on which text is a claim at all: Krippendorff's alpha (nominal, two values) with every code
    point as a unit and, for each annotator, the value "inside one of my claims" or not.

    scope="article" (the default) takes every code point of every article, the text nobody marked included,
    as Krippendorff's unitized alpha takes the whole continuum: agreeing that a sentence is not a claim is
    agreement too. scope="covered" keeps only code points someone marked; it ignores agreement on the gaps
    and is undefined when the annotators marked exactly the same text (nobody varied).

    An article counts only when two or more annotators coded it. The text is cut at every claim boundary
    and each piece weighs its length, so the work grows with the claims, not with the text.
    """
    weights = _span_weights(articles, annotators, scope)
    names = tuple(weights.annotators)
    if len(names) < 2:
        return Figure("span", "krippendorff_alpha_characters", names, 0, None, FEWER_THAN_TWO)
    value, units, reason = weighted_nominal_alpha(weights.counts, weights.lengths)
    return Figure("span", "krippendorff_alpha_characters", names, units, value, reason)


def character_confusion(
    articles: Iterable[ArticleSpans], annotator_a: str, annotator_b: str, *, scope: Scope = "article"
) -> ConfusionTable[Segment]:
    """Code points by whether `annotator_a` (row) and `annotator_b` (column) marked them, values False/True;
    each cell lists its text segments. Articles either of the two did not code are left out."""
    totals: dict[tuple[bool, bool], int] = {}
    segments: dict[tuple[bool, bool], list[Segment]] = {}
    for article in articles:
        coders = article.annotators
        if coders is not None and not (annotator_a in coders and annotator_b in coders):
            continue
        bounds, covered = _coverage(article, (annotator_a, annotator_b))
        for i in range(len(bounds) - 1):
            a, b = bool(covered[0, i]), bool(covered[1, i])
            if scope == "covered" and not (a or b):
                continue
            key = (a, b)
            start, end = int(bounds[i]), int(bounds[i + 1])
            totals[key] = totals.get(key, 0) + end - start
            segments.setdefault(key, []).append(Segment(article.key, start, end))
    cells = tuple(
        ConfusionCell(a, b, totals[(a, b)], tuple(segments[(a, b)]))
        for a in (False, True)
        for b in (False, True)
        if (a, b) in totals
    )
    return ConfusionTable("span", (annotator_a, annotator_b), (False, True), cells)


def weighted_nominal_alpha(
    value_counts: npt.ArrayLike, weights: npt.ArrayLike
) -> tuple[float | None, int, str]:
    """Nominal alpha for units given as value counts (row: how many coders gave each value) where row i
    stands for `weights[i]` identical units, as if it were repeated that often (Krippendorff 2011, section C:
    coincidences o_ck = sum over units of n_uc (n_uk - [c = k]) / (m_u - 1)).

    Returns (alpha or None, the number of pairable units, the reason when None). The `krippendorff` package
    has no weights; repeating rows would cost memory proportional to the text.
    """
    counts = np.asarray(value_counts, dtype=float)
    weight = np.asarray(weights, dtype=float)
    coders = counts.sum(axis=1)
    pairable = (coders >= 2) & (weight > 0)
    units = round(float(weight[pairable].sum()))
    if units == 0:
        return None, 0, NO_PAIRABLE_UNIT
    counts = counts[pairable]
    scale = weight[pairable] / (coders[pairable] - 1)
    # o = sum_u w_u / (m_u - 1) * (n_u n_u^T - diag(n_u)); only its off-diagonal sum and margins are needed.
    # Each unit's row of o sums to n_uc (m_u - 1) / (m_u - 1), so the margins n_c are the weighted counts.
    margins = (counts * weight[pairable][:, None]).sum(axis=0)
    total = float(margins.sum())
    off_diagonal_observed = float((scale * (coders[pairable] ** 2 - (counts * counts).sum(axis=1))).sum())
    off_diagonal_expected = total * total - float((margins * margins).sum())
    if off_diagonal_expected <= 0:
        return None, units, NOBODY_VARIED
    value = 1.0 - (total - 1.0) * off_diagonal_observed / off_diagonal_expected
    if not math.isfinite(value):
        return None, units, NOBODY_VARIED
    return value, units, ""


# ------------------------------------------------------------------------------------------------ helpers


def _reader(field: UnitField) -> Any:
    if field == "source_type":
        return lambda claim: claim.source_type_id
    if field == "confidence":
        return lambda claim: claim.confidence
    raise ValueError(f"no unit field {field!r}: expected 'source_type' or 'confidence'")


def _coded(rows: Ratings, names: tuple[str, ...]) -> tuple[npt.NDArray[np.int64], list[Hashable]]:
    if isinstance(rows, RatingMatrix):
        if rows.annotators != names:
            raise ValueError(f"the matrix is for {rows.annotators}, not {names}")
        return rows.codes, list(rows.labels)
    return _encode(rows, len(names))


def _encode(rows: Iterable[Row], width: int) -> tuple[npt.NDArray[np.int64], list[Hashable]]:
    """Rows of values as an (units x width) integer matrix of codes into the returned labels, -1 = missing."""
    labels: dict[Hashable, int] = {}
    flat: list[int] = []
    count = 0
    for row in rows:
        if len(row) != width:
            raise ValueError(f"a row has {len(row)} values for {width} annotators")
        for value in row:
            if value is None:
                flat.append(-1)
            else:
                code = labels.get(value)
                if code is None:
                    code = labels[value] = len(labels)
                flat.append(code)
        count += 1
    codes = np.array(flat, dtype=np.int64).reshape(count, width)
    return codes, list(labels)


def _value_counts(codes: npt.NDArray[np.int64], values: int) -> npt.NDArray[np.int64]:
    """How many coders gave each value to each unit: (units x values)."""
    units = codes.shape[0]
    rows = np.repeat(np.arange(units), codes.shape[1])
    flat = codes.reshape(-1)
    kept = flat >= 0
    counts = np.bincount(rows[kept] * values + flat[kept], minlength=units * values)
    return counts.reshape(units, values).astype(np.int64)


def _cohen(
    names: tuple[str, str],
    a: npt.NDArray[np.int64],
    b: npt.NDArray[np.int64],
    values: int,
    field: Field,
) -> Figure:
    both = (a >= 0) & (b >= 0)
    a, b = a[both], b[both]
    units = len(a)
    if units == 0:
        return Figure(field, "cohen_kappa", names, 0, None, NO_PAIRABLE_UNIT)
    agreed = int((a == b).sum())
    chance = int((np.bincount(a, minlength=values) * np.bincount(b, minlength=values)).sum())
    # kappa = (p_o - p_e) / (1 - p_e) with p_o = agreed / N and p_e = chance / N^2, kept in integers.
    denominator = units * units - chance
    if denominator == 0:
        return Figure(field, "cohen_kappa", names, units, None, NOBODY_VARIED)
    return Figure(field, "cohen_kappa", names, units, (units * agreed - chance) / denominator)


def _number(value: Hashable) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"ordinal and interval alpha need numbers, got {value!r}")
    return float(value)


def _sorted_values(values: Iterable[Hashable | None]) -> tuple[Hashable | None, ...]:
    present = [v for v in values if v is not None]
    try:
        ordered: list[Hashable | None] = sorted(present)  # type: ignore[type-var]
    except TypeError:
        ordered = sorted(present, key=repr)
    if any(v is None for v in values):
        ordered.append(None)
    return tuple(ordered)


class _SpanWeights(NamedTuple):
    annotators: list[str]
    counts: npt.NDArray[np.float64]  # rows of (coders who left it out, coders who marked it)
    lengths: npt.NDArray[np.float64]  # code points each row stands for


def _span_weights(
    articles: Iterable[ArticleSpans], annotators: Sequence[str] | None, scope: Scope
) -> _SpanWeights:
    articles = list(articles)
    if annotators is None:
        found = {n for a in articles for n in (a.annotators or ())}
        found |= {c.annotator_name for a in articles for c in a.claims}
        names = sorted(found)
    else:
        names = list(annotators)
    # Code points by (coders of the article, how many of them marked it): a few numbers per coder count.
    totals: dict[tuple[int, int], float] = {}
    for article in articles:
        coders = tuple(n for n in names if article.annotators is None or n in article.annotators)
        if len(coders) < 2:
            continue
        bounds, covered = _coverage(article, coders)
        marked = covered.sum(axis=0)
        lengths = np.diff(bounds).astype(float)
        if scope == "covered":
            keep = marked > 0
            marked, lengths = marked[keep], lengths[keep]
        by_marked = np.bincount(marked, weights=lengths, minlength=len(coders) + 1)
        for count, length in enumerate(by_marked):
            if length > 0:
                key = (len(coders), count)
                totals[key] = totals.get(key, 0.0) + float(length)
    counts = np.array([[m - k, k] for m, k in totals], dtype=float).reshape(-1, 2)
    lengths = np.array(list(totals.values()), dtype=float)
    return _SpanWeights(names, counts, lengths)


def _coverage(
    article: ArticleSpans, coders: Sequence[str]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.bool_]]:
    """The article cut at every claim boundary: `bounds` (segment i is [bounds[i], bounds[i+1])) and, per
    coder, whether each segment lies inside one of their claims."""
    length = article.length
    spans: dict[str, list[tuple[int, int]]] = {name: [] for name in coders}
    for claim in article.claims:
        if not 0 <= claim.start < claim.end <= length:
            raise ValueError(
                f"claim {claim.id!r} ({claim.start}, {claim.end}) lies outside the article [0, {length})"
            )
        own = spans.get(claim.annotator_name)
        if own is not None:
            own.append((claim.start, claim.end))
    edges = {0, length}
    for own in spans.values():
        for start, end in own:
            edges.add(start)
            edges.add(end)
    bounds = np.array(sorted(edges), dtype=np.int64)
    covered = np.zeros((len(coders), max(len(bounds) - 1, 0)), dtype=bool)
    for row, name in enumerate(coders):
        own = spans[name]
        if not own:
            continue
        # +1 where a claim starts, -1 where one ends: a segment is covered while the running depth is > 0.
        depth = np.zeros(len(bounds), dtype=np.int64)
        starts = np.searchsorted(bounds, [s for s, _ in own])
        ends = np.searchsorted(bounds, [e for _, e in own])
        np.add.at(depth, starts, 1)
        np.add.at(depth, ends, -1)
        covered[row] = np.cumsum(depth)[:-1] > 0
    return bounds, covered
