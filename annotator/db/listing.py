"""Claims listed for showing an article, built from the driver's raw rows.

Shared by `queries.claims_for_article` and the first look (`db.first_look`), which must give the
same records; no SQLAlchemy here, so the first look can import it before SQLAlchemy has loaded.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any, cast

from annotator.domain.records import Claim

# What a listed claim is read from, in this order: the columns of the covering index
# `ix_claim_article_span`, so listing an article's claims never reads the claim rows themselves.
LISTED_CLAIM_COLUMNS = (
    "id",
    "annotator_id",
    "start",
    "end",
    "source_type_id",
    "confidence",
    "source",
    "cue",
    "comment",
)
ANNOTATOR_ID_COLUMN, TYPE_ID_COLUMN = 1, 4

# The driver makes a new str for every id it returns. A small int instead (a CASE expression in the
# query) spares that for the annotator and type ids: ~15% of the time listing 100,000 claims takes.
# But each row's id is compared with every coded one: with more than this many, the ids come as they are.
CODED_IDS_AT_MOST = 32

# `Claim(...)` without NamedTuple's Python-level __new__: the tuple constructor itself, called
# from C. Building 100,000 claims this way takes a quarter less time.
_new_claim = cast("Callable[[tuple[Any, ...]], Claim]", partial(tuple.__new__, Claim))

Lookup = Sequence[str] | Mapping[str, str]  # a str by what a row holds: a code, or the id itself


def _codes(ids: Sequence[str]) -> dict[str, int] | None:
    return {id_: code for code, id_ in enumerate(ids)} if 0 < len(ids) <= CODED_IDS_AT_MOST else None


@dataclass(frozen=True, slots=True)
class ClaimListing:
    """How to read one article's claims in a project: which id columns the query returns as codes
    (`coded_columns`: column index and the code of each id), and how to make claims of the rows."""

    coded_columns: tuple[tuple[int, dict[str, int]], ...]
    annotator_ids: Lookup
    annotator_names: Lookup
    type_ids: Lookup

    @classmethod
    def of(cls, names: Mapping[str, str], type_ids: Iterable[str]) -> ClaimListing:
        """For a project with these annotators (name by id) and source types."""
        type_ids = list(type_ids)
        annotator_codes, type_codes = _codes(list(names)), _codes(type_ids)
        coded: list[tuple[int, dict[str, int]]] = []
        annotators: Lookup
        by_annotator: Lookup
        if annotator_codes is not None:
            coded.append((ANNOTATOR_ID_COLUMN, annotator_codes))
            annotators, by_annotator = list(annotator_codes), [names[id_] for id_ in annotator_codes]
        else:  # read back through a dict, which keeps one str per id rather than one per claim
            annotators, by_annotator = {id_: id_ for id_ in names}, names
        types: Lookup
        if type_codes is not None:
            coded.append((TYPE_ID_COLUMN, type_codes))
            types = list(type_codes)
        else:
            types = {id_: id_ for id_ in type_ids}
        return cls(tuple(coded), annotators, by_annotator, types)

    def sql_columns(self) -> tuple[str, list[str]]:
        """The select list for a DB-API query with qmark parameters, and its parameters."""
        columns = [f'"{name}"' for name in LISTED_CLAIM_COLUMNS]
        parameters: list[str] = []
        for index, codes in self.coded_columns:
            whens = " ".join(f"WHEN ? THEN {code}" for code in codes.values())
            columns[index] = f"CASE {columns[index]} {whens} END"
            parameters.extend(codes)
        return ", ".join(columns), parameters

    def claims(self, rows: Iterable[tuple[Any, ...]], article_id: str, text: str) -> list[Claim]:
        """Claims from rows of `LISTED_CLAIM_COLUMNS` (coded as `coded_columns` says): quotes cut
        from the article's `text`, no context and no timestamps.

        Nothing that shows an article reads the context or the timestamps; reading and parsing the
        timestamps was a sixth of the time listing 100,000 claims took (~0.1 s).
        """
        annotators, names, types = self.annotator_ids, self.annotator_names, self.type_ids
        return [
            _new_claim(
                (
                    claim_id,
                    article_id,
                    annotators[annotator],
                    names[annotator],
                    start,
                    end,
                    text[start:end],
                    "",
                    "",
                    types[source_type],
                    confidence,
                    source,
                    cue,
                    comment,
                    None,
                    None,
                )
            )
            for (claim_id, annotator, start, end, source_type, confidence, source, cue, comment) in rows
        ]
