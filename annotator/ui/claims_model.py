"""The claims table: a thin Qt adapter over a list of `Claim` records, sorted and filtered in Python.

Sorting and filtering live here, not in a QSortFilterProxyModel: a proxy needs seconds for 100,000 rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
)

from annotator.domain.codebook import Codebook
from annotator.domain.records import Claim
from annotator.ui.look import plain_tooltip, swatch_icon

CLAIM_ID_ROLE = int(Qt.ItemDataRole.UserRole) + 1  # str: the claim's id
CLAIM_ROLE = int(Qt.ItemDataRole.UserRole) + 2  # Claim: the frozen record itself

QUOTE_COLUMN, TYPE_COLUMN, CONFIDENCE_COLUMN, ANNOTATOR_COLUMN = range(4)
ARTICLE_ORDER = -1  # the "sort column" meaning: as the claims appear in the article

_HEADERS = ("Quote", "Type", "Confidence", "Annotator")
_HEADER_TIPS = (
    "The quoted claim (sorts alphabetically)",
    "Source type (sort by codebook order)",
    "Confidence (sort by level)",
    "Who tagged the claim",
)

_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_DECORATION = int(Qt.ItemDataRole.DecorationRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
# Views ask for a dozen roles per painted cell; most get None at once (data() runs for every one of them).
_ANSWERED_ROLES = frozenset({_DISPLAY, _DECORATION, _TOOLTIP, CLAIM_ID_ROLE, CLAIM_ROLE})
# Combining flag enums is slow in PySide6, and flags() runs for every painted cell: combine them once.
_CELL_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

_LINE_BREAK = re.compile(r"\r\n|[\n\r\v\f\x85\u2028\u2029]")
# The view elides anyway; capping what it measures keeps painting fast for very long quotes.
_DISPLAY_LIMIT = 400
# Quotes often open with a quotation mark; sorting should see the first word.
_QUOTE_LEAD = " \t\r\n\"'(-[\u2013\u2014\u2018\u2019\u201a\u201c\u201d\u201e\u2026\u2039\u203a\u00ab\u00bb"
_UNKNOWN_POSITION = 1 << 30
# PySide6 only accepts the sort hint through the explicit overload of the layout signals.
_LAYOUT_SIGNATURE = ("QList<QPersistentModelIndex>", "QAbstractItemModel::LayoutChangeHint")


def single_line(text: str, limit: int = _DISPLAY_LIMIT) -> str:
    """`text` on one line, line breaks shown as " ⏎ ", cut at `limit` characters."""
    if len(text) > limit:
        text = text[:limit] + "…"
    return _LINE_BREAK.sub(" ⏎ ", text)


_start_key = attrgetter("start")
_confidence_key = attrgetter("confidence")
_id_of = attrgetter("id")
_quote_of = attrgetter("quote")
_annotator_id_of = attrgetter("annotator_id")
_annotator_name_of = attrgetter("annotator_name")


def _quote_key(claim: Claim) -> str:
    return claim.quote.lstrip(_QUOTE_LEAD).casefold()


def _annotator_key(claim: Claim) -> str:
    return claim.annotator_name.casefold()


def _encoded(key: str) -> bytes:
    # UTF-8 bytes order as their code points do, so as the str; "surrogatepass" takes any str.
    return key.encode("utf-8", "surrogatepass")


def _quote_keys_of(claims: Iterable[Claim]) -> Iterable[bytes]:
    """`_quote_key` of each claim, encoded, by C-level calls only (no Python call per claim)."""
    folded = map(str.casefold, map(str.lstrip, map(_quote_of, claims), repeat(_QUOTE_LEAD)))
    return map(str.encode, folded, repeat("utf-8"), repeat("surrogatepass"))


def _haystack(claim: Claim) -> str:
    return "\n".join((claim.quote, claim.source, claim.cue, claim.comment)).casefold()


@dataclass(frozen=True, slots=True)
class ClaimFilter:
    """Which claims the table shows; `None` means "any", an empty set means "none"."""

    text: str = ""  # casefolded
    type_ids: frozenset[str] | None = None
    annotator_ids: frozenset[str] | None = None
    min_confidence: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.text) or (
            self.type_ids is not None or self.annotator_ids is not None or self.min_confidence is not None
        )

    def narrows(self, wider: ClaimFilter) -> bool:
        """Whether all this filter passes also passes `wider`, so refiltering the shown rows suffices."""
        return (
            wider.text in self.text
            and (wider.type_ids is None or (self.type_ids is not None and self.type_ids <= wider.type_ids))
            and (
                wider.annotator_ids is None
                or (self.annotator_ids is not None and self.annotator_ids <= wider.annotator_ids)
            )
            and (
                wider.min_confidence is None
                or (self.min_confidence is not None and self.min_confidence >= wider.min_confidence)
            )
        )


class ClaimsTableModel(QAbstractTableModel):
    """Claims (usually of one article) as rows: quote, type, confidence, annotator.

    Three plain containers, never ORM objects: `_all` (every claim by id), `_article` (every claim in article
    order) and `_rows` (the claims passing the filter, in the current sort order). Both lists stay sorted at
    all times, so lookups and inserts bisect instead of scanning, and a new sort or filter is one pass over
    `_article`: a stable sort by the column keeps article order among ties in either direction.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._codebook: Codebook | None = None
        self._type_positions: dict[str, int] = {}
        self._all: dict[str, Claim] = {}
        self._article: list[Claim] = []
        self._rows: list[Claim] = []
        self._haystacks: dict[str, str] = {}  # filled on the first text filter, then kept up to date
        self._quote_keys: dict[str, bytes] = {}  # filled on the first sort by quote, then kept up to date
        # Display text of the rows painted so far, by claim id and column; dropped when a claim or the
        # codebook changes. Painting asks for the same few dozen cells over and over.
        self._shown_text: dict[tuple[str, int], str] = {}
        self._types_by_id: dict[str, Any] = {}
        self._annotator_counts: Counter[str] = Counter()
        self._annotator_names: dict[str, str] = {}
        self._filter = ClaimFilter()
        self._sort_column = ARTICLE_ORDER
        self._descending = False

    # --- Qt model interface -------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return _CELL_FLAGS

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(_HEADERS):
            return None
        if role == _DISPLAY:
            return _HEADERS[section]
        if role == _TOOLTIP:
            return _HEADER_TIPS[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED_ROLES or not index.isValid():
            return None
        row = index.row()
        if not 0 <= row < len(self._rows):
            return None
        claim = self._rows[row]
        column = index.column()
        if role == _DISPLAY:
            key = (claim.id, column)
            text = self._shown_text.get(key)
            if text is None:
                text = self._display(claim, column)
                if text is not None:
                    self._shown_text[key] = text
            return text
        if role == _DECORATION:
            if column == TYPE_COLUMN and self._codebook is not None:
                source_type = self._types_by_id.get(claim.source_type_id)
                return swatch_icon(source_type.colour) if source_type is not None else None
            return None
        if role == _TOOLTIP:
            return self._tooltip(claim, column)
        if role == CLAIM_ID_ROLE:
            return claim.id
        if role == CLAIM_ROLE:
            return claim
        return None

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by `column`; `ARTICLE_ORDER` (or any column out of range) sorts as in the article.

        Ties stay in article order in both directions, so equal confidences still read top to bottom.
        """
        column = column if 0 <= column < len(_HEADERS) else ARTICLE_ORDER
        descending = order == Qt.SortOrder.DescendingOrder and column != ARTICLE_ORDER
        hint = QAbstractItemModel.LayoutChangeHint.VerticalSortHint
        self.layoutAboutToBeChanged[_LAYOUT_SIGNATURE].emit([], hint)
        old_indexes = self.persistentIndexList()
        old_ids = [
            self._rows[index.row()].id if 0 <= index.row() < len(self._rows) else None
            for index in old_indexes
        ]
        self._sort_column, self._descending = column, descending
        self._rows = self._ordered(self._passing(self._article))
        self.changePersistentIndexList(old_indexes, self._relocate(old_indexes, old_ids))
        self.layoutChanged[_LAYOUT_SIGNATURE].emit([], hint)

    # --- data in ------------------------------------------------------------------------------------------

    def set_codebook(self, codebook: Codebook) -> None:
        self._codebook = codebook
        self._type_positions = {t.id: t.position for t in codebook.source_types}
        # type_by_id's first match for each id, without its scan per painted cell.
        self._types_by_id = {}
        for source_type in codebook.source_types:
            self._types_by_id.setdefault(source_type.id, source_type)
        self._shown_text = {}
        if self._sort_column == TYPE_COLUMN:
            self.sort(TYPE_COLUMN, self.sort_order)
        if self._rows:
            # Names, colours and level labels may all have changed: one signal for the whole table.
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(_HEADERS) - 1), [])

    def set_claims(self, claims: Iterable[Claim]) -> None:
        """Replace every claim (a model reset: views lose their selection)."""
        self.beginResetModel()
        claims = list(claims)
        self._all = dict(zip(map(_id_of, claims), claims, strict=True))
        self._haystacks = {}
        self._quote_keys = {}
        self._shown_text = {}
        if len(self._all) != len(claims):  # a repeated id: the last one counts, at its first place
            claims = list(self._all.values())
        annotator_ids = list(map(_annotator_id_of, claims))
        self._annotator_counts = Counter(annotator_ids)
        self._annotator_names = dict(zip(annotator_ids, map(_annotator_name_of, claims), strict=True))
        # Usually already in article order (the database sorts them): then this is one linear pass.
        claims.sort(key=_start_key)
        self._article = claims
        self._rows = self._ordered(self._passing(self._article))
        self.endResetModel()

    def set_filter(
        self,
        text: str = "",
        type_ids: frozenset[str] | None = None,
        annotator_ids: frozenset[str] | None = None,
        min_confidence: int | None = None,
    ) -> None:
        """Show only claims whose quote, source, cue or comment contains `text` (in any case) and that match
        the other criteria; `None` means any. A model reset: views lose their selection."""
        new = ClaimFilter(text.strip().casefold(), type_ids, annotator_ids, min_confidence)
        if new == self._filter:
            return
        narrowing = new.narrows(self._filter)
        self.beginResetModel()
        self._filter = new
        # Filtering keeps the order of what it filters, so only a wider filter has to sort again.
        self._rows = self._passing(self._rows) if narrowing else self._ordered(self._passing(self._article))
        self.endResetModel()

    def upsert(self, claim: Claim) -> None:
        """Add `claim`, or replace the claim with its id, keeping the current sort order and filter."""
        old = self._all.get(claim.id)
        old_row = (
            self._find(self._rows, old, self._sort_column, self._descending) if old is not None else None
        )
        if old is not None:
            del self._article[self._find_in_article(old)]
            self._forget_annotator(old)
        self._all[claim.id] = claim
        self._forget_shown_text(claim.id)
        self._count_annotator(claim)
        self._article.insert(self._bisect(self._article, claim, ARTICLE_ORDER, False), claim)
        if self._haystacks:
            self._haystacks[claim.id] = _haystack(claim)
        if self._quote_keys:
            self._quote_keys[claim.id] = _encoded(_quote_key(claim))

        shown = self._passes(claim)
        if old_row is None:
            if shown:
                row = self._bisect(self._rows, claim, self._sort_column, self._descending)
                self.beginInsertRows(QModelIndex(), row, row)
                self._rows.insert(row, claim)
                self.endInsertRows()
            return
        if not shown:
            self.beginRemoveRows(QModelIndex(), old_row, old_row)
            del self._rows[old_row]
            self.endRemoveRows()
            return
        del self._rows[old_row]
        new_row = self._bisect(self._rows, claim, self._sort_column, self._descending)
        if new_row == old_row:
            self._rows.insert(new_row, claim)
        else:
            assert old is not None
            self._rows.insert(old_row, old)  # the model must look unchanged until beginMoveRows
            # Qt counts the destination before the move: below the source row that is one row further on.
            destination = new_row + 1 if new_row > old_row else new_row
            self.beginMoveRows(QModelIndex(), old_row, old_row, QModelIndex(), destination)
            del self._rows[old_row]
            self._rows.insert(new_row, claim)
            self.endMoveRows()
        self.dataChanged.emit(self.index(new_row, 0), self.index(new_row, len(_HEADERS) - 1), [])

    def remove(self, claim_id: str) -> None:
        claim = self._all.get(claim_id)
        if claim is None:
            return
        row = self._find(self._rows, claim, self._sort_column, self._descending)
        del self._article[self._find_in_article(claim)]
        del self._all[claim_id]
        self._haystacks.pop(claim_id, None)
        self._quote_keys.pop(claim_id, None)
        self._forget_shown_text(claim_id)
        self._forget_annotator(claim)
        if row is not None:
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row]
            self.endRemoveRows()

    # --- data out -----------------------------------------------------------------------------------------

    def row_of(self, claim_id: str) -> int | None:
        """The row showing `claim_id`, or None when it is unknown or filtered out."""
        claim = self._all.get(claim_id)
        return None if claim is None else self._find(self._rows, claim, self._sort_column, self._descending)

    def claim_at(self, row: int) -> Claim:
        return self._rows[row]

    def claim(self, claim_id: str) -> Claim | None:
        """Any claim by id, shown or filtered out."""
        return self._all.get(claim_id)

    def all_claims(self) -> tuple[Claim, ...]:
        """Every claim, filtered out or not, in article order."""
        return tuple(self._article)

    def total_count(self) -> int:
        return len(self._all)

    def annotators(self) -> list[tuple[str, str]]:
        """(id, name) of everyone with at least one claim, by name."""
        return sorted(
            ((aid, self._annotator_names[aid]) for aid in self._annotator_counts),
            key=lambda pair: (pair[1].casefold(), pair[0]),
        )

    def confidence_text(self, value: int) -> str:
        """ "4 · high", or just the number for a value the codebook has no label for."""
        label = self._codebook.level_label(value) if self._codebook else str(value)
        return f"{value} · {label}" if label != str(value) else str(value)

    @property
    def codebook(self) -> Codebook | None:
        return self._codebook

    @property
    def claim_filter(self) -> ClaimFilter:
        return self._filter

    @property
    def sort_column(self) -> int:
        return self._sort_column

    @property
    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    # --- internals ----------------------------------------------------------------------------------------

    def _display(self, claim: Claim, column: int) -> str | None:
        if column == QUOTE_COLUMN:
            return single_line(claim.quote)
        if column == TYPE_COLUMN:
            source_type = self._types_by_id.get(claim.source_type_id) if self._codebook else None
            return source_type.name if source_type is not None else "(unknown type)"
        if column == CONFIDENCE_COLUMN:
            return self.confidence_text(claim.confidence)
        if column == ANNOTATOR_COLUMN:
            return claim.annotator_name
        return None

    def _tooltip(self, claim: Claim, column: int) -> str | None:
        if column == QUOTE_COLUMN:
            details = "\n".join(
                f"{name}: {value}"
                for name, value in (("Source", claim.source), ("Cue", claim.cue), ("Comment", claim.comment))
                if value
            )
            return plain_tooltip(f"{claim.quote}\n\n{details}" if details else claim.quote)
        if column == TYPE_COLUMN and self._codebook is not None:
            source_type = self._codebook.type_by_id(claim.source_type_id)
            if source_type is not None:
                retired = " (retired)" if source_type.retired else ""
                return plain_tooltip(f"{source_type.name}{retired}: {source_type.definition}")
        # A narrow panel elides these columns too.
        if column == CONFIDENCE_COLUMN:
            return plain_tooltip(f"Confidence {self.confidence_text(claim.confidence)}")
        if column == ANNOTATOR_COLUMN:
            return plain_tooltip(f"Tagged by {claim.annotator_name}")
        return None

    def _key(self, column: int) -> Callable[[Claim], Any] | None:
        """The primary sort key of `column`; None for article order, which is by start offset alone."""
        if column == QUOTE_COLUMN:
            return _quote_key
        if column == TYPE_COLUMN:
            positions = self._type_positions
            return lambda claim: positions.get(claim.source_type_id, _UNKNOWN_POSITION)
        if column == CONFIDENCE_COLUMN:
            return _confidence_key
        if column == ANNOTATOR_COLUMN:
            return _annotator_key
        return None

    def _ordered(self, rows: list[Claim]) -> list[Claim]:
        """`rows` (a fresh list in article order) sorted in place by the current column."""
        key = self._key(self._sort_column)
        if key is _quote_key:
            # Casefolding 100,000 quotes costs more than the sort itself: do it once per claim. The keys
            # are kept UTF-8 encoded: bytes sort in the same (code point) order, and compare faster.
            self.prepare_quote_keys()
            quote_keys = self._quote_keys
            key = lambda claim: quote_keys[claim.id]  # noqa: E731
        if key is not None:
            rows.sort(key=key, reverse=self._descending)  # stable, also when reversed
        return rows

    def prepare_quote_keys(self) -> None:
        """Compute the quote sort keys now (the panel does it while the user reads, not on the click)."""
        if len(self._quote_keys) != len(self._all):
            everything = self._all.values()
            self._quote_keys = dict(zip(map(_id_of, everything), _quote_keys_of(everything), strict=True))

    def _bisect(self, rows: list[Claim], claim: Claim, column: int, descending: bool) -> int:
        """The first row of `rows` (sorted by `column`, then start) that does not sort before `claim`."""
        key = self._key(column)
        primary = key(claim) if key is not None else None
        start = claim.start
        lo, hi = 0, len(rows)
        while lo < hi:
            mid = (lo + hi) // 2
            other = rows[mid]
            other_primary = key(other) if key is not None else None
            if other_primary == primary:
                before = other.start < start
            elif descending:
                before = other_primary > primary  # type: ignore[operator]
            else:
                before = other_primary < primary  # type: ignore[operator]
            if before:
                lo = mid + 1
            else:
                hi = mid
        return lo

    def _find(self, rows: list[Claim], claim: Claim, column: int, descending: bool) -> int | None:
        """The index of `claim` in `rows`: bisect, then scan the few rows that share its sort key."""
        key = self._key(column)
        primary = key(claim) if key is not None else None
        row = self._bisect(rows, claim, column, descending)
        while row < len(rows):
            other = rows[row]
            if other.id == claim.id:
                return row
            if other.start != claim.start or (key is not None and key(other) != primary):
                return None
            row += 1
        return None

    def _find_in_article(self, claim: Claim) -> int:
        row = self._find(self._article, claim, ARTICLE_ORDER, False)
        assert row is not None, "every known claim is in article order"
        return row

    def _relocate(
        self, old_indexes: Sequence[QModelIndex], old_ids: Sequence[str | None]
    ) -> list[QModelIndex]:
        if len(old_indexes) > 64:
            rows = {claim.id: row for row, claim in enumerate(self._rows)}
            find: Callable[[str], int | None] = rows.get
        else:
            find = self.row_of
        new_indexes = []
        for index, claim_id in zip(old_indexes, old_ids, strict=True):
            row = find(claim_id) if claim_id is not None else None
            new_indexes.append(self.index(row, index.column()) if row is not None else QModelIndex())
        return new_indexes

    def _passes(self, claim: Claim) -> bool:
        return bool(self._passing([claim]))

    def _passing(self, claims: list[Claim]) -> list[Claim]:
        """A new list of the claims in `claims` that pass the filter, in the same order."""
        f = self._filter
        # One comprehension per criterion: far faster than one Python predicate call per claim.
        if f.type_ids is not None:
            claims = [c for c in claims if c.source_type_id in f.type_ids]
        if f.annotator_ids is not None:
            claims = [c for c in claims if c.annotator_id in f.annotator_ids]
        if f.min_confidence is not None:
            claims = [c for c in claims if c.confidence >= f.min_confidence]
        if f.text:
            if len(self._haystacks) != len(self._all):
                self._haystacks = {claim.id: _haystack(claim) for claim in self._all.values()}
            haystacks, text = self._haystacks, f.text
            claims = [c for c in claims if text in haystacks[c.id]]
        return claims if claims is not self._article and claims is not self._rows else list(claims)

    def _forget_shown_text(self, claim_id: str) -> None:
        if self._shown_text:
            for column in range(len(_HEADERS)):
                self._shown_text.pop((claim_id, column), None)

    def _count_annotator(self, claim: Claim) -> None:
        self._annotator_counts[claim.annotator_id] += 1
        self._annotator_names[claim.annotator_id] = claim.annotator_name

    def _forget_annotator(self, claim: Claim) -> None:
        self._annotator_counts[claim.annotator_id] -= 1
        if self._annotator_counts[claim.annotator_id] <= 0:
            del self._annotator_counts[claim.annotator_id]
            self._annotator_names.pop(claim.annotator_id, None)
