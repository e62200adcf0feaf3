"""Canonical article text and the code-point offsets into it.

Every offset stored anywhere is a Python code-point index into the text `canonicalize` returns.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

CONTEXT_WIDTH = 100

BOM = "\ufeff"

# U+2028 and U+2029 become "\n" too: QTextDocument treats both as block breaks and its plain text
# comes back with "\n" for them, so keeping them would make the stored text and the text on screen
# disagree about which character sits at an offset. Every other character (tabs, zero-width and
# bidi controls, combining marks, NBSP) is kept and nothing is Unicode-normalised, because any such
# change would move offsets that are already stored.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})


# Characters that take no visible space but change what a text says or how it is shown: bidi
# controls can reorder a sentence on screen (the "Trojan Source" trick), zero-width ones hide
# inside words and names. They stay in the stored text; the article view marks them on request.
INVISIBLE_NAMES = {
    "\u00ad": "SHY",  # soft hyphen
    "\u061c": "ALM",  # Arabic letter mark
    "\u180e": "MVS",  # Mongolian vowel separator
    "\u200b": "ZWSP",
    "\u200c": "ZWNJ",
    "\u200d": "ZWJ",
    "\u200e": "LRM",
    "\u200f": "RLM",
    "\u202a": "LRE",
    "\u202b": "RLE",
    "\u202c": "PDF",
    "\u202d": "LRO",
    "\u202e": "RLO",
    "\u2060": "WJ",
    "\u2061": "FA",  # invisible mathematical operators
    "\u2062": "IT",
    "\u2063": "IS",
    "\u2064": "IP",
    "\u2066": "LRI",
    "\u2067": "RLI",
    "\u2068": "FSI",
    "\u2069": "PDI",
    "\ufeff": "ZWNBSP",  # a BOM inside the text
}
_INVISIBLE = re.compile("[" + "".join(INVISIBLE_NAMES) + "]")


def invisible_characters(text: str) -> list[tuple[int, str]]:
    """The code-point offset and short name of every invisible formatting character in `text`."""
    return [(match.start(), INVISIBLE_NAMES[match.group()]) for match in _INVISIBLE.finditer(text)]


def canonicalize(text: str) -> str:
    """The text offsets point into: no leading BOM and "\\n" as the only line break.

    A run of leading BOMs is dropped, not just one, so that `canonicalize` is idempotent: a file
    saved twice by a BOM-adding editor must give the same text on every import.
    """
    return text.lstrip(BOM).replace("\r\n", "\n").translate(_LINE_BREAKS)


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def final_newline_variants(text: str, most: int = 4) -> dict[str, int]:
    """The SHA-256 of `text` with 0 to `most` line breaks at its very end instead of its own, each with
    that text's length: the same article as a program that adds or drops a final newline saves it."""
    core = text.rstrip("\n")
    variants = {text_sha256(core + "\n" * breaks): len(core) + breaks for breaks in range(most + 1)}
    variants.pop(text_sha256(text), None)
    return variants if core else {}


def check_span(text: str, start: int, end: int) -> None:
    """Raise ValueError unless `0 <= start < end <= len(text)`."""
    if not 0 <= start < end <= len(text):
        if start >= end:
            problem = "is empty" if start == end else "ends before it starts"
        else:
            problem = f"falls outside the text (length {len(text)})"
        raise ValueError(f"span {start}..{end} {problem}")


def context_around(text: str, start: int, end: int, width: int = CONTEXT_WIDTH) -> tuple[str, str]:
    """Up to `width` code points before `start` and after `end`, for the span `start..end`."""
    check_span(text, start, end)
    if width < 0:
        raise ValueError(f"context width must not be negative, got {width}")
    return text[max(0, start - width) : start], text[end : end + width]


def span_fields(text: str, start: int, end: int) -> dict[str, Any]:
    """A claim's span as stored: start, end, the quote and its context, cut from the article's text.

    Raises ValueError for a span outside the text, an empty one, or one that is only white space.
    """
    check_span(text, start, end)
    if not text[start:end].strip():
        raise ValueError("The span is only white space: choose the words of the claim.")
    before, after = context_around(text, start, end)
    return {
        "start": start,
        "end": end,
        "quote": text[start:end],
        "context_before": before,
        "context_after": after,
    }


@dataclass(frozen=True, slots=True)
class Anchor:
    """A span described by its own words and their surroundings (W3C TextQuoteSelector).

    It lets a claim be found again when a corrected version of its article is imported.
    """

    quote: str
    prefix: str
    suffix: str


def anchor_for(text: str, start: int, end: int) -> Anchor:
    prefix, suffix = context_around(text, start, end)
    return Anchor(text[start:end], prefix, suffix)


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """The span without the white space at its ends (selecting by word takes the space after it)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
