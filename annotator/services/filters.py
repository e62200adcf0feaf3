"""The `--annotator` and `--article` filters as a user types them, turned into what the project
holds: an unknown name is an error that names the known ones, never an empty result.

Annotators are named as the project spells them, or in another case when only one name fits;
articles by id, or by their exact title when only one article has it.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from annotator.domain.records import Annotator, ArticleSummary

LISTED = 8  # how many known values an error names when there is no close one


class UnknownFilterError(ValueError):
    """A filter names no annotator or article of the project (the message says which there are)."""


def annotator_names(requested: Sequence[str] | None, known: Sequence[Annotator]) -> list[str] | None:
    """The project's spelling of each requested name (None: no filter), or UnknownFilterError."""
    if not requested:
        return None
    names = sorted({annotator.name for annotator in known}, key=str.casefold)
    found: list[str] = []
    for wanted in requested:
        if wanted in names:
            found.append(wanted)
            continue
        same = [name for name in names if name.casefold() == wanted.strip().casefold()]
        if len(same) == 1:
            found.append(same[0])
            continue
        if same:
            raise UnknownFilterError(
                f"“{wanted}” could be any of the annotators {_listed(same)}: give it as spelt."
            )
        raise UnknownFilterError(
            f"There is no annotator “{wanted}” in the project; {_suggested(wanted, names)}."
        )
    return list(dict.fromkeys(found))


def article_ids(requested: Sequence[str] | None, known: Sequence[ArticleSummary]) -> list[str] | None:
    """The id of each requested article, given by id or by exact title (None: no filter), or
    UnknownFilterError."""
    if not requested:
        return None
    ids = {article.id for article in known}
    found: list[str] = []
    for wanted in requested:
        key = wanted.strip()
        if key in ids:
            found.append(key)
            continue
        titled = [article for article in known if article.title == wanted or article.title.strip() == key]
        if len(titled) == 1:
            found.append(titled[0].id)
            continue
        if titled:
            raise UnknownFilterError(
                f"{len(titled)} articles have the title “{wanted}”: give one of their ids, "
                + _listed([article.id for article in titled])
                + "."
            )
        hint = _suggested_article(key, known)
        end = "" if hint.endswith("?") else "."
        raise UnknownFilterError(
            f"There is no article with the id or title “{wanted}” in the project; {hint}{end}"
        )
    return list(dict.fromkeys(found))


def _listed(values: Sequence[str]) -> str:
    return ", ".join(values[:LISTED]) + (f" and {len(values) - LISTED} more" if len(values) > LISTED else "")


def _suggested(wanted: str, names: Sequence[str]) -> str:
    if not names:
        return "it has no annotators yet"
    close = _close(wanted, names)
    if close:
        return f"did you mean {' or '.join(close)}? Its annotators are {_listed(names)}"
    return f"its annotators are {_listed(names)}"


def _suggested_article(wanted: str, known: Sequence[ArticleSummary]) -> str:
    if not known:
        return "it has no articles yet"
    by_title = {article.title: article for article in known}
    close = [by_title[title] for title in _close(wanted, list(by_title))]
    close += [article for article in known if article.id in _close(wanted, [a.id for a in known])]
    shown = close or list(known)
    described = [f"“{article.title}” ({article.id})" for article in dict.fromkeys(shown)]
    lead = "did you mean " if close else f"its {len(known)} article{'s' if len(known) != 1 else ''}: "
    return lead + (" or ".join(described[:3]) + "?" if close else _listed(described))


def _close(wanted: str, values: Sequence[str]) -> list[str]:
    """The values nearest `wanted`, compared regardless of case: a value that contains it first."""
    folded = {value.casefold(): value for value in values}
    needle = wanted.casefold()
    containing = [value for key, value in folded.items() if needle and needle in key]
    near = difflib.get_close_matches(needle, list(folded), n=3, cutoff=0.6)
    return list(dict.fromkeys([*containing, *(folded[key] for key in near)]))[:3]
