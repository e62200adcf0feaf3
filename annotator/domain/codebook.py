"""The codebook: source types and the confidence scale, with the built-in presets.

Colours come from the Okabe-Ito palette, which stays distinguishable under the common
colour-vision deficiencies.
"""

from __future__ import annotations

from dataclasses import dataclass

# Okabe & Ito (2008), "Color Universal Design".
OKABE_ITO = (
    "#0072B2",  # blue
    "#E69F00",  # orange
    "#CC79A7",  # reddish purple
    "#009E73",  # bluish green
    "#D55E00",  # vermillion
    "#56B4E9",  # sky blue
    "#F0E442",  # yellow
    "#999999",  # grey (stands in for Okabe-Ito black, which hides text)
)
# Paul Tol's "muted" scheme, also made for colour-blind readers: for types beyond the eight above
# (a ninth type, a retired type whose colour a preset's type took), so no two types share one.
TOL_MUTED = (  # the ones least like Okabe-Ito's first
    "#332288",  # indigo
    "#882255",  # wine
    "#999933",  # olive
    "#CC6677",  # rose
    "#117733",  # green
    "#AA4499",  # purple
    "#44AA99",  # teal
    "#88CCEE",  # cyan
    "#DDCC77",  # sand
)
PALETTE = OKABE_ITO + TOL_MUTED


def first_free_colour(used: set[str], turn: int = 0) -> str:
    """The first PALETTE colour not in `used` (upper case); once all 17 are used, one in turn."""
    free = [colour for colour in PALETTE if colour.upper() not in used]
    return free[0] if free else PALETTE[turn % len(PALETTE)]


@dataclass(frozen=True, slots=True)
class SourceType:
    id: str
    name: str
    definition: str
    colour: str  # "#RRGGBB"
    position: int
    retired: bool = False


@dataclass(frozen=True, slots=True)
class ConfidenceLevel:
    value: int  # 1 = lowest
    label: str


@dataclass(frozen=True, slots=True)
class Codebook:
    source_types: tuple[SourceType, ...]  # every type, retired ones included, by position
    confidence_levels: tuple[ConfidenceLevel, ...]  # by value

    @property
    def active_types(self) -> tuple[SourceType, ...]:
        """The types a user can tag with, in key order: the first is key 1."""
        return tuple(t for t in self.source_types if not t.retired)

    def type_for_key(self, key_number: int) -> SourceType | None:
        """The type that the digit `key_number` (1-based) tags with, if any."""
        active = self.active_types
        return active[key_number - 1] if 1 <= key_number <= len(active) else None

    def key_of(self, type_id: str) -> int | None:
        for number, source_type in enumerate(self.active_types, start=1):
            if source_type.id == type_id:
                return number if number <= 9 else None
        return None

    def type_by_id(self, type_id: str) -> SourceType | None:
        return next((t for t in self.source_types if t.id == type_id), None)

    def level_label(self, value: int) -> str:
        return next((lvl.label for lvl in self.confidence_levels if lvl.value == value), str(value))

    @property
    def middle_level(self) -> int:
        values = [lvl.value for lvl in self.confidence_levels]
        return values[len(values) // 2] if values else 3


@dataclass(frozen=True, slots=True)
class PresetType:
    name: str
    definition: str


@dataclass(frozen=True, slots=True)
class Preset:
    name: str
    types: tuple[PresetType, ...]

    def colour(self, position: int) -> str:
        return OKABE_ITO[position % len(OKABE_ITO)]


DEFAULT_CONFIDENCE_LABELS = ("very low", "low", "medium", "high", "very high")

DEFAULT_PRESET = Preset(
    "Default",
    (
        PresetType("official", "A named, on-the-record official or institution says it."),
        PresetType("unnamed", "Someone speaks without being named (an official, a source, a person)."),
        PresetType("speculation", "Nobody is the source: the writer's inference, assumption or speculation."),
    ),
)

JOURNALISM_PRESET = Preset(
    "Journalism research (fine)",
    (
        PresetType("official named", "An official or institution named in the article."),
        PresetType("official unnamed", 'An official whose name is withheld ("a defense official").'),
        PresetType("anonymous", "A non-official source whose identity is withheld."),
        PresetType("named non-official", "A named person or organisation without official standing."),
        PresetType("document", "A report, filing, statement or other document."),
        PresetType("other media", "Another news outlet's reporting."),
        PresetType("unattributed", "A factual claim with no source given."),
        PresetType("speculation", "The writer's inference, assumption or speculation."),
    ),
)

PRESETS = (DEFAULT_PRESET, JOURNALISM_PRESET)
