"""Reviewing colleagues' work: their claims grouped into units, and the agreement between them.

Who coded an article is taken to be everyone with at least one claim on it: the project does not
record who read an article and found nothing to tag, so an annotator without claims on an article
is left out of that article rather than counted as saying "no claim" throughout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.domain.records import Claim
from annotator.domain.units import DEFAULT_THRESHOLD, Unit, group_units
from annotator.formats.saving import refuse_own_files
from annotator.formats.wide_table import write_table
from annotator.services.articles import ArticleService
from annotator.services.claims import ClaimService
from annotator.services.codebook import CodebookService
from annotator.services.transactions import Transactions

if TYPE_CHECKING:  # the agreement maths load numpy (~0.2 s): only when figures are asked for
    from annotator.domain.agreement import ArticleSpans, Figure

# Called with how many articles are done; answers whether to go on (see ui.background).
Progress = Callable[[int], bool]


class ReviewCancelled(Exception):  # noqa: N818 - an outcome the caller expects, not a fault
    """The user stopped the computation."""


@dataclass(frozen=True, slots=True)
class Agreement:
    figures: list[Figure]
    units: list[Unit[Claim]]
    spans: list[ArticleSpans]  # per article, for the span figure's confusion table
    annotators: tuple[str, ...]
    articles: int  # articles coded by two or more of the annotators


class ReviewService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions
        self._articles = ArticleService(transactions)
        self._claims = ClaimService(transactions)
        self._codebook = CodebookService(transactions)

    def agreement(
        self,
        *,
        article_ids: Sequence[str] | None = None,
        annotator_names: Sequence[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        progress: Progress | None = None,
    ) -> Agreement:
        """Every agreement figure over the chosen articles and annotators (default: all of them)."""
        from annotator.domain.agreement import ArticleSpans, character_alpha, unit_figures

        wanted = set(annotator_names) if annotator_names else None
        ids = list(article_ids) if article_ids else [a.id for a in self._articles.list()]
        units: list[Unit[Claim]] = []
        spans: list[ArticleSpans] = []
        names: set[str] = set()
        counted = 0
        for done, article_id in enumerate(ids, start=1):
            article = self._articles.get(article_id)
            if article is None:
                raise ValueError(f"There is no article with the id “{article_id}” in this project.")
            claims = [
                c
                for c in self._claims.for_article(article_id)
                if wanted is None or c.annotator_name in wanted
            ]
            coders = tuple(sorted({c.annotator_name for c in claims}))
            if len(coders) >= 2:
                counted += 1
                names.update(coders)
                units.extend(group_units(claims, annotators=coders, threshold=threshold))
                spans.append(ArticleSpans(len(article.text), claims, coders, article_id))
            if progress is not None and not progress(done):
                raise ReviewCancelled
        annotators = tuple(sorted(names if wanted is None else names | wanted))
        levels = [level.value for level in self._codebook.get().confidence_levels]
        figures = unit_figures(units, annotators, confidence_domain=levels)
        figures.append(character_alpha(spans, annotators))
        return Agreement(figures, units, spans, annotators, counted)

    def export_wide(
        self,
        destination: Path,
        *,
        article_ids: Sequence[str] | None = None,
        annotator_names: Sequence[str] | None = None,
        threshold: float = DEFAULT_THRESHOLD,
        exact: bool = False,
    ) -> int:
        """One row per unit, a source type and a confidence column per annotator; returns the rows.

        Columns: unit, document_id, document_title, start, end, then `source_type.NAME` for each
        annotator and `confidence.NAME` for each. NA: that annotator made no claim there
        (or did not code the article). Types are written as the codebook names them.
        """
        refuse_own_files(destination, self._tx.own_files())
        result = self.agreement(article_ids=article_ids, annotator_names=annotator_names, threshold=threshold)
        names = result.annotators
        type_names = {t.id: t.name for t in self._codebook.get().source_types}
        titles = {a.id: a.title for a in self._articles.list()}
        header = [
            "unit",
            "document_id",
            "document_title",
            "start",
            "end",
            *(f"source_type.{name}" for name in names),
            *(f"confidence.{name}" for name in names),
        ]

        def rows() -> Iterator[list[object]]:
            for number, unit in enumerate(result.units, start=1):
                claims = [unit.claim_of(name) for name in names]
                types = [None if c is None else type_names.get(str(c.source_type_id)) for c in claims]
                article_id = unit.present[0].article_id
                yield [
                    number,
                    article_id,
                    titles.get(article_id, ""),
                    unit.start,
                    unit.end,
                    *types,
                    *(None if c is None else c.confidence for c in claims),
                ]

        return write_table(header, rows(), destination, exact=exact)
