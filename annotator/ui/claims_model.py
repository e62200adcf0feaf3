"""The claims table: a thin Qt adapter over a list of `Claim` records, sorted and filtered in Python.

Sorting and filtering live here, not in a QSortFilterProxyModel: a proxy needs seconds for 100,000 rows.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice, repeat
from operator import attrgetter, eq
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from PySide6.QtGui import QIcon

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
# Ahead of a click, the quote order is worked out in slices of about 10 ms, so that the list stays
# responsive meanwhile: this many claims' keys, or sorted, or compared with their neighbours, per slice.
_QUOTE_KEYS_PER_STEP = 8_000
_QUOTE_RUN_LENGTH = 16_000
_QUOTE_TIES_PER_STEP = 25_000
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


def _quote_keys_of(claims: Iterable[Claim]) -> Iterable[bytes]:
    """`_quote_key` of each claim, UTF-8 encoded, by C-level calls only (no Python call per claim).

    UTF-8 bytes order as their code points do, so as the str, and compare faster; "surrogatepass"
    takes any str.
    """
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

    Plain containers, never ORM objects: `_all` (every claim by id), `_article` (every claim in article
    order) and `_rows` (the claims passing the filter, in the current sort order). Both lists stay sorted at
    all times, so lookups and inserts bisect instead of scanning, and a new sort or filter is one pass over
    `_article`: a stable sort by the column keeps article order among ties in either direction.

    Sorting by quote is the exception: comparing 100,000 quotes takes longer than a click may. So every
    claim's place in quote order is worked out once, ahead of the click (`advance_quote_order`), and kept
    up to date claim by claim; a sort by quote then filters `_by_quote` in one pass.
    """

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._codebook: Codebook | None = None
        self._type_positions: dict[str, int] = {}
        self._all: dict[str, Claim] = {}
        self._article: list[Claim] = []
        self._rows: list[Claim] = []
        self._haystacks: dict[str, str] = {}  # filled on the first text filter, then kept up to date
        # Every claim by quote (`_quote_key`), equal quotes in article order; None until worked out. Beside
        # it, per claim, whether its quote equals the one before (a descending sort keeps those in order).
        self._by_quote: list[Claim] | None = None
        self._quote_ties = bytearray()
        self._quote_work: Iterator[None] | None = None  # working out `_by_quote`, a slice per step
        self._quote_hurry = False  # a sort by quote waits for the work: no more slices, no merging
        # Claims added (True) and removed (False) since that work began, for it to catch up with at the end.
        self._quote_changes: list[tuple[bool, Claim]] = []
        # Display text of the rows painted so far, by claim id and column; dropped when a claim or the
        # codebook changes. Painting asks for the same few dozen cells over and over.
        self._shown_text: dict[tuple[str, int], str] = {}
        self._types_by_id: dict[str, Any] = {}
        # Who has claims here: names by annotator id, and (made when first needed) their claim counts.
        self._annotator_names: dict[str, str] = {}
        self._annotator_counts: Counter[str] | None = None
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
            return self.cell(row, column)[0]
        if role == _DECORATION:
            return self.cell(row, column)[1]
        if role == _TOOLTIP:
            return self._tooltip(claim, column)
        if role == CLAIM_ID_ROLE:
            return claim.id
        if role == CLAIM_ROLE:
            return claim
        return None

    def cell(self, row: int, column: int) -> tuple[str | None, QIcon | None]:
        """What a cell shows, its text and its swatch: `data`'s two painted roles, in one direct call."""
        if not 0 <= row < len(self._rows):
            return None, None
        claim = self._rows[row]
        key = (claim.id, column)
        text = self._shown_text.get(key)
        if text is None:
            text = self._display(claim, column)
            if text is not None:
                self._shown_text[key] = text
        icon = None
        if column == TYPE_COLUMN and self._codebook is not None:
            source_type = self._types_by_id.get(claim.source_type_id)
            icon = swatch_icon(source_type.colour) if source_type is not None else None
        return text, icon

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
        self._rows = self._ordered_rows()
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
        self._by_quote, self._quote_ties, self._quote_work = None, bytearray(), None
        self._quote_changes = []
        self._shown_text = {}
        if len(self._all) != len(claims):  # a repeated id: the last one counts, at its first place
            claims = list(self._all.values())
        self._annotator_names = dict(
            zip(map(_annotator_id_of, claims), map(_annotator_name_of, claims), strict=True)
        )
        self._annotator_counts = None
        # Usually already in article order (the database sorts them): then this is one linear pass.
        claims.sort(key=_start_key)
        self._article = claims
        self._rows = self._ordered_rows()
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
        self._rows = self._passing(self._rows) if narrowing else self._ordered_rows()
        self.endResetModel()

    def upsert(self, claim: Claim) -> None:
        """Add `claim`, or replace the claim with its id, keeping the current sort order and filter."""
        self._counted_annotators()  # before any list changes: it counts what they hold
        old = self._all.get(claim.id)
        old_row = (
            self._find(self._rows, old, self._sort_column, self._descending) if old is not None else None
        )
        if old is not None:
            del self._article[self._find_in_article(old)]
            self._forget_in_quote_order(old)
            self._forget_annotator(old)
        self._all[claim.id] = claim
        self._forget_shown_text(claim.id)
        self._count_annotator(claim)
        self._article.insert(self._bisect(self._article, claim, ARTICLE_ORDER, False), claim)
        self._add_to_quote_order(claim)
        if self._haystacks:
            self._haystacks[claim.id] = _haystack(claim)

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
        self._counted_annotators()  # before any list changes: it counts what they hold
        row = self._find(self._rows, claim, self._sort_column, self._descending)
        del self._article[self._find_in_article(claim)]
        self._forget_in_quote_order(claim)
        del self._all[claim_id]
        self._haystacks.pop(claim_id, None)
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

    def claims_by_id(self) -> dict[str, Claim]:
        """Every claim by id, filtered out or not, in a new dict (a copy of 100,000 entries is a
        fraction of the time building it afresh takes)."""
        return dict(self._all)

    def all_claims(self) -> tuple[Claim, ...]:
        """Every claim, filtered out or not, in article order."""
        return tuple(self._article)

    def total_count(self) -> int:
        return len(self._all)

    def count_by(self, annotator_ids: frozenset[str]) -> int:
        """How many claims these annotators made (kept counted claim by claim, so no pass over the list)."""
        counts = self._counted_annotators()
        return sum(counts[annotator_id] for annotator_id in annotator_ids)

    def annotators(self) -> list[tuple[str, str]]:
        """(id, name) of everyone with at least one claim, by name."""
        return sorted(self._annotator_names.items(), key=lambda pair: (pair[1].casefold(), pair[0]))

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

    def _ordered_rows(self) -> list[Claim]:
        """A new list of the claims passing the filter, in the current sort order."""
        if self._sort_column == QUOTE_COLUMN:
            self._finish_quote_order()
            assert self._by_quote is not None
            # Filtering keeps the order of what it filters.
            return self._passing(self._quote_descending() if self._descending else self._by_quote)
        rows = self._passing(self._article)
        key = self._key(self._sort_column)
        if key is not None:
            rows.sort(key=key, reverse=self._descending)  # stable, also when reversed
        return rows

    # --- quote order --------------------------------------------------------------------------------------

    def advance_quote_order(self) -> bool:
        """Do a slice (~10 ms) of working out the quote order ahead of a sort by quote; True once it is
        done. The panel calls this while the user reads, so that the click does not wait."""
        if self._by_quote is not None:
            return True
        if self._quote_work is None:
            self._quote_work = self._quote_order_steps()
        if next(self._quote_work, True) is True:  # the last step is done
            self._quote_work = None
        return self._by_quote is not None

    @property
    def quote_order_ready(self) -> bool:
        return self._by_quote is not None

    def _finish_quote_order(self) -> None:
        self._quote_hurry = True
        try:
            while not self.advance_quote_order():
                pass
        finally:
            self._quote_hurry = False

    def _quote_order_steps(self) -> Iterator[None]:
        """Work out `_by_quote` and `_quote_ties` from `_article`, yielding after each slice of work.

        Casefolding 100,000 quotes costs more than sorting them, so each claim's key is made once. The
        claims' positions are sorted by key as runs, a slice at a time, which one more (stable) sort then
        merges; in a hurry, the rest is done at once. Claims added or removed meanwhile are put in or
        taken out at the end, one by one.
        """
        claims = list(self._article)
        count = len(claims)
        keys: list[bytes] = []
        while len(keys) < count:
            end = count if self._quote_hurry else len(keys) + _QUOTE_KEYS_PER_STEP
            keys.extend(_quote_keys_of(claims[len(keys) : end]))
            yield
        key_of = keys.__getitem__
        order: list[int] = []
        runs = 0
        while len(order) < count:
            end = count if self._quote_hurry else min(count, len(order) + _QUOTE_RUN_LENGTH)
            order.extend(sorted(range(len(order), end), key=key_of))
            runs += 1
            yield
        if runs > 1:
            order.sort(key=key_of)  # merges the runs; stable, so equal quotes stay in article order
        # Whether each claim's quote equals the one before it, in that order.
        ties = bytearray([0] if count else [])
        while len(ties) < count:
            end = count if self._quote_hurry else min(count, len(ties) + _QUOTE_TIES_PER_STEP)
            neighbours = list(map(key_of, order[len(ties) - 1 : end]))
            ties.extend(map(eq, islice(neighbours, 1, None), neighbours))
            yield
        self._quote_ties = ties
        self._by_quote = list(map(claims.__getitem__, order))
        changes, self._quote_changes = self._quote_changes, []
        for added, claim in changes:
            (self._add_to_quote_order if added else self._forget_in_quote_order)(claim)

    def _quote_descending(self) -> list[Claim]:
        """Every claim by quote from the last, equal quotes still in article order."""
        ascending, ties = self._by_quote, self._quote_ties
        assert ascending is not None
        descending = ascending[::-1]
        count = len(ascending)
        # Reversing the list reversed each run of equal quotes too: put the runs back in article order.
        tie = ties.find(1)
        while tie != -1:
            first, end = tie - 1, tie + 1
            while end < count and ties[end]:
                end += 1
            descending[count - end : count - first] = ascending[first:end]
            tie = ties.find(1, end)
        return descending

    def _add_to_quote_order(self, claim: Claim) -> None:
        """Put a new or changed claim at its place in the quote order, if that has been worked out."""
        if self._by_quote is None:
            if self._quote_work is not None:
                self._quote_changes.append((True, claim))
            return
        by_quote, ties = self._by_quote, self._quote_ties
        row = self._bisect(by_quote, claim, QUOTE_COLUMN, False)
        key = _quote_key(claim)
        if row < len(by_quote) and _quote_key(by_quote[row]) == key:
            ties[row] = 1  # it led its run of equal quotes; the new claim leads now
        by_quote.insert(row, claim)
        ties.insert(row, 1 if row > 0 and _quote_key(by_quote[row - 1]) == key else 0)

    def _forget_in_quote_order(self, claim: Claim) -> None:
        if self._by_quote is None:
            if self._quote_work is not None:
                self._quote_changes.append((False, claim))
            return
        row = self._find(self._by_quote, claim, QUOTE_COLUMN, False)
        assert row is not None, "every known claim has its place in quote order"
        ties = self._quote_ties
        if not ties[row] and row + 1 < len(ties) and ties[row + 1]:
            ties[row + 1] = 0  # it led its run of equal quotes: the next one leads now
        del self._by_quote[row]
        del ties[row]

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
        if not f.active:
            return list(claims)
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
        return claims

    def _forget_shown_text(self, claim_id: str) -> None:
        if self._shown_text:
            for column in range(len(_HEADERS)):
                self._shown_text.pop((claim_id, column), None)

    def _counted_annotators(self) -> Counter[str]:
        if self._annotator_counts is None:  # counted on the first single-claim change, not on each open
            self._annotator_counts = Counter(map(_annotator_id_of, self._article))
        return self._annotator_counts

    def _count_annotator(self, claim: Claim) -> None:
        self._counted_annotators()[claim.annotator_id] += 1
        self._annotator_names[claim.annotator_id] = claim.annotator_name

    def _forget_annotator(self, claim: Claim) -> None:
        counts = self._counted_annotators()
        counts[claim.annotator_id] -= 1
        if counts[claim.annotator_id] <= 0:
            del counts[claim.annotator_id]
            self._annotator_names.pop(claim.annotator_id, None)
