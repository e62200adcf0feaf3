"""Canonical article text and the code-point offsets into it.

Every offset stored anywhere is a Python code-point index into the text `canonicalize` returns.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

CONTEXT_WIDTH = 100

BOM = "\ufeff"

# U+2028 and U+2029 become "\n" too: QTextDocument treats both as block breaks and its plain text
# comes back with "\n" for them, so keeping them would make the stored text and the text on screen
# disagree about which character sits at an offset. Every other character (tabs, zero-width and
# bidi controls, combining marks, NBSP) is kept and nothing is Unicode-normalised, because any such
# change would move offsets that are already stored.
_LINE_BREAKS = str.maketrans({"\r": "\n", "\u2028": "\n", "\u2029": "\n"})


def canonicalize(text: str) -> str:
    """The text offsets point into: no leading BOM and "\\n" as the only line break.

    A run of leading BOMs is dropped, not just one, so that `canonicalize` is idempotent: a file
    saved twice by a BOM-adding editor must give the same text on every import.
    """
    return text.lstrip(BOM).replace("\r\n", "\n").translate(_LINE_BREAKS)


def text_sha256(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


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
