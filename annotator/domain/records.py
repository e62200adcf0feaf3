"""Frozen read models handed from the services to the UI and the writers.

They carry no database state, so Qt models and paint code can keep them as long as they like.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import NamedTuple


@dataclass(frozen=True, slots=True)
class ArticleSummary:
    """An article without its text: what the article list shows."""

    id: str
    title: str
    outlet: str = ""
    url: str = ""
    published: str = ""  # ISO date (YYYY-MM-DD) or empty
    claim_count: int = 0


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    text: str  # canonical text: offsets are code points into this string
    outlet: str = ""
    url: str = ""
    published: str = ""
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Annotator:
    id: str
    name: str


def known_spelling(name: str, known: Iterable[str]) -> str | None:
    """The known annotator name that `name` means: itself, else the only one that differs from it just in
    case ("ana" for "Ana"); None when there is no such name, or several (then only the exact one counts)."""
    names = set(known)
    if name in names:
        return name
    alike = [other for other in names if other.casefold() == name.casefold()]
    return alike[0] if len(alike) == 1 else None


class Claim(NamedTuple):
    """One tagged span: `text[start:end] == quote` for its article's canonical text.

    A NamedTuple rather than a frozen dataclass: an article with 100,000 claims builds them
    ten times faster, which is most of the time it takes to open. Claims listed for showing an
    article (`ClaimService.for_article`) carry empty contexts and no timestamps (None);
    `ClaimService.get` has them all.
    """

    id: str
    article_id: str
    annotator_id: str
    annotator_name: str
    start: int
    end: int
    quote: str
    context_before: str
    context_after: str
    source_type_id: str
    confidence: int
    source: str = ""
    cue: str = ""
    comment: str = ""
    created_at: datetime | None = None
    updated_at: datetime | None = None


# The fields of a claim a user may edit after creating it, by name.
EDITABLE_CLAIM_FIELDS = frozenset(
    {"start", "end", "source_type_id", "confidence", "source", "cue", "comment"}
)


@dataclass(frozen=True, slots=True)
class Changes:
    """What one mutation changed; windows refresh only what it names."""

    articles: frozenset[str] = field(default_factory=frozenset)
    claims: frozenset[str] = field(default_factory=frozenset)  # added or modified
    removed_claims: frozenset[str] = field(default_factory=frozenset)
    removed_articles: frozenset[str] = field(default_factory=frozenset)
    codebook: bool = False
    annotators: bool = False

    def __or__(self, other: Changes) -> Changes:
        return Changes(
            articles=self.articles | other.articles,
            claims=(self.claims | other.claims) - other.removed_claims,
            removed_claims=self.removed_claims | other.removed_claims,
            removed_articles=self.removed_articles | other.removed_articles,
            codebook=self.codebook or other.codebook,
            annotators=self.annotators or other.annotators,
        )
