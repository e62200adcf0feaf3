"""The project's codebook: seeding a preset, and adding, renaming, recolouring, reordering, retiring types."""

from __future__ import annotations

import uuid

from sqlalchemy.orm import Session

from annotator.db import queries
from annotator.domain.codebook import (
    DEFAULT_CONFIDENCE_LABELS,
    DEFAULT_PRESET,
    OKABE_ITO,
    Codebook,
    ConfidenceLevel,
    Preset,
    SourceType,
)
from annotator.domain.records import Changes
from annotator.services.transactions import Transactions

CODEBOOK_CHANGED = Changes(codebook=True)


class CodebookError(ValueError):
    """A codebook edit that cannot be made (a duplicate name, an unknown type, ...)."""


def seed_codebook(preset: Preset = DEFAULT_PRESET, *, session: Session) -> None:
    """Give a new project its source types and the five-level confidence scale."""
    queries.insert_source_types(
        (_new_type(preset, i, position=i) for i in range(len(preset.types))), session=session
    )
    queries.set_confidence_levels(
        (ConfidenceLevel(v, label) for v, label in enumerate(DEFAULT_CONFIDENCE_LABELS, start=1)),
        session=session,
    )
    queries.set_setting("codebook_preset", preset.name, session=session)


class CodebookService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions

    def get(self) -> Codebook:
        with self._tx.read() as session:
            return queries.load_codebook(session=session)

    def claim_counts(self) -> dict[str, int]:
        """How many claims each type has (a retired type keeps them)."""
        with self._tx.read() as session:
            return queries.count_claims_by_type(session=session)

    def add_type(self, name: str, definition: str = "", colour: str | None = None) -> tuple[Changes, str]:
        name = _clean_name(name)
        with self._tx.begin() as session:
            book = queries.load_codebook(session=session)
            _refuse_duplicate(book, name)
            position = max((t.position for t in book.source_types), default=-1) + 1
            new = SourceType(
                id=str(uuid.uuid4()),
                name=name,
                definition=definition.strip(),
                colour=colour or _free_colour(book),
                position=position,
            )
            queries.insert_source_types([new], session=session)
        return CODEBOOK_CHANGED, new.id

    def update_type(
        self,
        type_id: str,
        *,
        name: str | None = None,
        definition: str | None = None,
        colour: str | None = None,
        retired: bool | None = None,
    ) -> Changes:
        values: dict[str, object] = {}
        with self._tx.begin() as session:
            book = queries.load_codebook(session=session)
            if book.type_by_id(type_id) is None:
                raise CodebookError("That source type no longer exists.")
            if name is not None:
                values["name"] = _clean_name(name)
                _refuse_duplicate(book, values["name"], except_id=type_id)  # type: ignore[arg-type]
            if definition is not None:
                values["definition"] = definition.strip()
            if colour is not None:
                values["colour"] = colour
            if retired is not None:
                values["retired"] = retired
            if values:
                queries.update_source_type(type_id, values, session=session)
        return CODEBOOK_CHANGED

    def move_type(self, type_id: str, new_index: int) -> Changes:
        """Put the type at `new_index` among all types (which changes the tagging keys)."""
        with self._tx.begin() as session:
            order = [t.id for t in queries.load_codebook(session=session).source_types]
            if type_id not in order:
                raise CodebookError("That source type no longer exists.")
            order.remove(type_id)
            order.insert(max(0, min(new_index, len(order))), type_id)
            for position, tid in enumerate(order):
                queries.update_source_type(tid, {"position": position}, session=session)
        return CODEBOOK_CHANGED

    def relabel_level(self, value: int, label: str) -> Changes:
        label = label.strip()
        if not label:
            raise CodebookError("A confidence level needs a label.")
        with self._tx.begin() as session:
            book = queries.load_codebook(session=session)
            if value not in {level.value for level in book.confidence_levels}:
                raise CodebookError(f"There is no confidence level {value} to relabel.")
            queries.set_confidence_levels([ConfidenceLevel(value, label)], session=session)
        return CODEBOOK_CHANGED

    def apply_preset(self, preset: Preset) -> Changes:
        """Add the preset's types that the project lacks and retire the others (claims stay)."""
        with self._tx.begin() as session:
            book = queries.load_codebook(session=session)
            by_name = {t.name.casefold(): t for t in book.source_types}
            wanted = [t.name.casefold() for t in preset.types]
            next_position = max((t.position for t in book.source_types), default=-1) + 1
            for index, preset_type in enumerate(preset.types):
                existing = by_name.get(preset_type.name.casefold())
                if existing is None:
                    queries.insert_source_types(
                        [_new_type(preset, index, position=next_position + index)], session=session
                    )
                else:
                    # The preset's colour too: the type's old colour may be the one the preset gives
                    # another of its types, and two active types must never look the same.
                    queries.update_source_type(
                        existing.id,
                        {"retired": False, "position": next_position + index, "colour": preset.colour(index)},
                        session=session,
                    )
            for source_type in book.source_types:
                if source_type.name.casefold() not in wanted:
                    queries.update_source_type(source_type.id, {"retired": True}, session=session)
            queries.set_setting("codebook_preset", preset.name, session=session)
        return CODEBOOK_CHANGED


def _new_type(preset: Preset, index: int, *, position: int) -> SourceType:
    """The preset's `index`-th type as a new source type of the project."""
    preset_type = preset.types[index]
    return SourceType(
        id=str(uuid.uuid4()),
        name=preset_type.name,
        definition=preset_type.definition,
        colour=preset.colour(index),
        position=position,
    )


def _free_colour(book: Codebook) -> str:
    """The first palette colour no active type uses (the palette's next one when all are taken)."""
    used = {t.colour.upper() for t in book.active_types}
    free = [c for c in OKABE_ITO if c.upper() not in used]
    return free[0] if free else OKABE_ITO[len(book.source_types) % len(OKABE_ITO)]


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CodebookError("A source type needs a name.")
    return name


def _refuse_duplicate(book: Codebook, name: str, except_id: str | None = None) -> None:
    for source_type in book.source_types:
        if source_type.id != except_id and source_type.name.casefold() == name.casefold():
            raise CodebookError(f"There is already a source type called “{source_type.name}”.")
