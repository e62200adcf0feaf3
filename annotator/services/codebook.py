"""The project's codebook: seeding a preset, and adding, renaming, recolouring, reordering, retiring types.

Undo and redo put a saved state back with `restore_type`, `remove_type`, `set_positions` and
`restore_codebook`; none of them ever deletes a claim.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from annotator.db import queries
from annotator.domain.codebook import (
    DEFAULT_CONFIDENCE_LABELS,
    DEFAULT_PRESET,
    Codebook,
    ConfidenceLevel,
    Preset,
    SourceType,
    first_free_colour,
)
from annotator.domain.records import Changes
from annotator.services.transactions import Transactions

CODEBOOK_CHANGED = Changes(codebook=True)
PRESET_SETTING = "codebook_preset"


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
    queries.set_setting(PRESET_SETTING, preset.name, session=session)


class CodebookService:
    def __init__(self, transactions: Transactions) -> None:
        self._tx = transactions

    def get(self) -> Codebook:
        with self._tx.read() as session:
            return queries.load_codebook(session=session)

    def preset_name(self) -> str | None:
        """The preset the project last applied (or was seeded with), if any."""
        with self._tx.read() as session:
            return queries.get_setting(PRESET_SETTING, session=session)

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
            _refuse_shared_colour(book, type_id, values)
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
            for level in book.confidence_levels:
                # Two levels with one label would make the dataset's confidence_label ambiguous.
                if level.value != value and level.label.casefold() == label.casefold():
                    raise CodebookError(f"Level {level.value} is labelled “{level.label}” already.")
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
            # A retired type's claims must not look like those of the preset's type that took its
            # colour: it gets a colour of its own from beyond the preset's.
            after = queries.load_codebook(session=session)
            taken = {t.colour.upper() for t in after.active_types}
            for source_type in after.source_types:
                if source_type.retired and source_type.colour.upper() in taken:
                    colour = first_free_colour(taken)
                    queries.update_source_type(source_type.id, {"colour": colour}, session=session)
                    taken.add(colour.upper())
            queries.set_setting(PRESET_SETTING, preset.name, session=session)
        return CODEBOOK_CHANGED

    # ---- putting a saved state back (undo and redo) ------------------------------------------------

    def restore_type(self, source_type: SourceType) -> Changes:
        """Put a type back exactly as given (name, definition, colour, position, retired), adding it if gone.

        The values are written as they are, not tidied again: they are a state the project had.
        """
        with self._tx.begin() as session:
            book = queries.load_codebook(session=session)
            _refuse_duplicate(book, source_type.name, except_id=source_type.id)
            if book.type_by_id(source_type.id) is None:
                queries.insert_source_types([source_type], session=session)
            else:
                queries.update_source_type(source_type.id, _row_values(source_type), session=session)
        return CODEBOOK_CHANGED

    def remove_type(self, type_id: str) -> Changes:
        """Take a type out of the codebook again (undoing its addition), only while no claim uses it.

        A type with claims is refused rather than retired behind the user's back: undo does what it
        says or nothing, and the message says how to keep the claims and lose the key.
        """
        with self._tx.begin() as session:
            source_type = queries.load_codebook(session=session).type_by_id(type_id)
            if source_type is None:
                raise CodebookError("That source type no longer exists.")
            claims = queries.count_claims_by_type(session=session).get(type_id, 0)
            if claims:
                raise CodebookError(
                    f"“{source_type.name}” stays in the codebook: {_claims(claims)} now "
                    f"{'uses' if claims == 1 else 'use'} it. Retire it instead: its claims are kept."
                )
            _delete_unused(source_type, session=session)
        return CODEBOOK_CHANGED

    def set_positions(self, positions: Mapping[str, int]) -> Changes:
        """Give the types these positions (the whole order a move changed); types not named keep theirs."""
        with self._tx.begin() as session:
            book = queries.load_codebook(session=session)
            missing = [type_id for type_id in positions if book.type_by_id(type_id) is None]
            if missing:
                raise CodebookError("That source type no longer exists.")
            for type_id, position in positions.items():
                queries.update_source_type(type_id, {"position": position}, session=session)
        return CODEBOOK_CHANGED

    def restore_codebook(self, book: Codebook, preset_name: str | None = None) -> Changes:
        """Make the codebook exactly `book` again (undoing or redoing a preset), in one transaction.

        Types that `book` lacks are removed, which only a type without claims may be: if one has
        claims, nothing changes and the refusal names it. Type ids are kept, so every claim keeps
        its type.
        """
        with self._tx.begin() as session:
            current = queries.load_codebook(session=session)
            wanted = {t.id for t in book.source_types}
            extra = [t for t in current.source_types if t.id not in wanted]
            counts = queries.count_claims_by_type(session=session)
            in_use = [t for t in extra if counts.get(t.id, 0)]
            if in_use:
                claims = sum(counts[t.id] for t in in_use)
                names = ", ".join(f"“{t.name}”" for t in in_use)
                it = "it" if len(in_use) == 1 else "them"
                raise CodebookError(
                    f"The codebook cannot go back: {names} {'has' if len(in_use) == 1 else 'have'} "
                    f"claims now ({_claims(claims)}). Retire {it} instead: retired types keep their claims."
                )
            for source_type in extra:
                _delete_unused(source_type, session=session)
            # Names are unique: park the renamed ones on their ids first, so that two types
            # swapping names never collide halfway.
            renamed = [
                t
                for t in book.source_types
                if (old := current.type_by_id(t.id)) is not None and old.name != t.name
            ]
            for source_type in renamed:
                queries.update_source_type(source_type.id, {"name": source_type.id}, session=session)
            for source_type in book.source_types:
                if current.type_by_id(source_type.id) is None:
                    queries.insert_source_types([source_type], session=session)
                else:
                    queries.update_source_type(source_type.id, _row_values(source_type), session=session)
            queries.set_confidence_levels(book.confidence_levels, session=session)
            if preset_name is not None:
                queries.set_setting(PRESET_SETTING, preset_name, session=session)
        return CODEBOOK_CHANGED


def _delete_unused(source_type: SourceType, *, session: Session) -> None:
    """Delete a type no claim uses. Other rows may still point at it (a reviewed claim keeps the type of
    the version it accepted): the file then refuses, and the refusal says so in the user's words."""
    try:
        queries.delete_source_type(source_type.id, session=session)
    except IntegrityError as error:  # raised on: the caller's transaction rolls back, nothing changes
        raise CodebookError(
            f"“{source_type.name}” stays in the codebook: the project still refers to it "
            "(a reviewed claim, for one). Retire it instead: nothing is lost."
        ) from error


def _row_values(source_type: SourceType) -> dict[str, object]:
    return {
        "name": source_type.name,
        "definition": source_type.definition,
        "colour": source_type.colour,
        "position": source_type.position,
        "retired": source_type.retired,
    }


def _claims(count: int) -> str:
    return f"{count} claim{'' if count == 1 else 's'}"


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
    """The first palette colour no active type uses (Okabe-Ito's, then Tol's)."""
    return first_free_colour({t.colour.upper() for t in book.active_types}, len(book.source_types))


def _clean_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise CodebookError("A source type needs a name.")
    return name


def _refuse_duplicate(book: Codebook, name: str, except_id: str | None = None) -> None:
    for source_type in book.source_types:
        if source_type.id != except_id and source_type.name.casefold() == name.casefold():
            raise CodebookError(f"There is already a source type called “{source_type.name}”.")


def _refuse_shared_colour(book: Codebook, type_id: str, values: dict[str, object]) -> None:
    """Two types in use in one colour could not be told apart in the article: refuse the colour
    (or bringing a retired type back in a colour another type now has)."""
    source_type = book.type_by_id(type_id)
    assert source_type is not None
    colour = str(values.get("colour", source_type.colour)).casefold()
    if values.get("retired", source_type.retired) or not ({"colour", "retired"} & values.keys()):
        return
    for other in book.active_types:
        if other.id != type_id and other.colour.casefold() == colour:
            raise CodebookError(
                f"“{other.name}” has that colour already: two source types in one colour could not be"
                " told apart in the article. Choose another colour."
            )
