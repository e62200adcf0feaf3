"""Canonical text, its hash, and spans and context measured in code points."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import FrozenInstanceError
from itertools import takewhile

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from annotator.domain.text import (
    CONTEXT_WIDTH,
    Anchor,
    anchor_for,
    canonicalize,
    check_span,
    context_around,
    text_sha256,
    trim_span,
)

BOM = "\ufeff"
BREAKS = ("\r", "\n", "\u2028", "\u2029")
# Characters a news article really contains and that must survive untouched: zero-width space,
# joiner and non-joiner, bidi marks, embeddings and isolates, combining accents, emoji parts,
# Hebrew and Arabic letters (with a vowel point), NBSP and tab.
KEPT = (
    "\u200b\u200c\u200d\u2060\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    "\u0301\u0308\u05b8\u064e\U0001f600\U0001f469\U0001f3fd\ufe0f\u05e9\u05dc\u05d5\u05dd"
    "\u0645\u0631\u062d\u0628\u0627\u00a0\t"
)

kept_chars = st.sampled_from(KEPT)
special_chars = st.sampled_from((*BREAKS, BOM, *KEPT))
article_text = st.text(alphabet=st.one_of(st.characters(), special_chars, special_chars))
clean_text = st.text(
    alphabet=st.one_of(st.characters(blacklist_characters="".join(BREAKS)), kept_chars)
).filter(lambda text: not text.startswith(BOM))


def _without_breaks(text: str) -> str:
    return "".join(ch for ch in text if ch not in BREAKS)


def _leading_boms(text: str) -> int:
    return len(list(takewhile(lambda ch: ch == BOM, text)))


@given(article_text)
@example("\ufeff\ufeff\r\r\n\n")
def test_canonicalize_is_idempotent(text: str) -> None:
    once = canonicalize(text)
    assert canonicalize(once) == once


@given(article_text)
def test_canonical_text_has_only_line_feeds_and_no_leading_bom(text: str) -> None:
    result = canonicalize(text)
    assert "\r" not in result
    assert "\u2028" not in result
    assert "\u2029" not in result
    assert not result.startswith(BOM)


@given(article_text)
@example("\r\n\r\r\n\n\u2028\u2029")
def test_canonicalize_keeps_every_line_break_and_changes_nothing_else(text: str) -> None:
    result = canonicalize(text)
    breaks = (
        text.count("\n") + text.count("\r") - text.count("\r\n") + text.count("\u2028") + text.count("\u2029")
    )
    assert result.count("\n") == breaks
    assert _without_breaks(result) == _without_breaks(text[_leading_boms(text) :])


@given(article_text)
def test_canonicalize_shortens_only_by_leading_boms_and_crlf_pairs(text: str) -> None:
    assert len(canonicalize(text)) == len(text) - _leading_boms(text) - text.count("\r\n")


@given(clean_text)
def test_text_without_line_breaks_or_leading_bom_is_already_canonical(text: str) -> None:
    assert canonicalize(text) == text


@given(st.text(alphabet=kept_chars, min_size=1))
def test_zero_width_bidi_emoji_and_rtl_characters_are_kept(text: str) -> None:
    assert canonicalize(text) == text


@pytest.mark.parametrize(
    ("raw", "canonical"),
    [
        ("a\r\nb\rc\nd", "a\nb\nc\nd"),
        ("\r\r\n", "\n\n"),
        ("\n\r", "\n\n"),
        ("one\u2028two\u2029three", "one\ntwo\nthree"),
        ("\ufeffabc", "abc"),
        ("\ufeff\ufeffabc", "abc"),
        ("ab\ufeffc", "ab\ufeffc"),  # only a leading BOM is one
        ("abc\ufeff", "abc\ufeff"),
        ("\u200b\ufeffabc", "\u200b\ufeffabc"),
    ],
)
def test_canonicalize_examples(raw: str, canonical: str) -> None:
    assert canonicalize(raw) == canonical


@pytest.mark.parametrize(
    "text",
    [
        "cafe\u0301",  # decomposed: NFC would make it one code point shorter
        "\ufb01nance",  # the "fi" ligature: NFKC would expand it
        "\u1100\u1161",  # Hangul jamo: NFC would compose them
        "\u2126 ohm",  # OHM SIGN: NFC would turn it into GREEK CAPITAL OMEGA
    ],
)
def test_canonicalize_does_not_unicode_normalise(text: str) -> None:
    assert unicodedata.normalize("NFKC", text) != text
    assert canonicalize(text) == text


def test_text_sha256_hashes_the_utf8_bytes() -> None:
    assert text_sha256("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    assert text_sha256("caf\u00e9 \U0001f600") == hashlib.sha256(b"caf\xc3\xa9 \xf0\x9f\x98\x80").hexdigest()
    assert text_sha256("caf\u00e9") != text_sha256("cafe\u0301")


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(article_text.filter(lambda t: len(t) >= 1))
    start = draw(st.integers(0, len(text) - 1))
    end = draw(st.integers(start + 1, len(text)))
    return text, start, end


@given(text_and_span(), st.integers(0, 20))
def test_context_around_takes_up_to_width_code_points_each_side(
    case: tuple[str, int, int], width: int
) -> None:
    text, start, end = case
    before, after = context_around(text, start, end, width)
    assert len(before) == min(width, start)
    assert len(after) == min(width, len(text) - end)
    assert text[start - len(before) : start] == before
    assert text[end : end + len(after)] == after


def test_context_around_uses_context_width_by_default() -> None:
    text = "a" * 150 + "QUOTE" + "b" * 150
    before, after = context_around(text, 150, 155)
    assert CONTEXT_WIDTH == 100
    assert before == "a" * 100
    assert after == "b" * 100


def test_context_around_stops_at_the_ends_of_the_text() -> None:
    assert context_around("QUOTE", 0, 5) == ("", "")
    assert context_around("xQUOTEy", 1, 6, width=0) == ("", "")
    assert context_around("xQUOTEy", 1, 6, width=1) == ("x", "y")


def test_context_around_counts_code_points_not_utf16_units() -> None:
    text = "\U0001f600\U0001f600 said: claim"
    assert context_around(text, 9, 14, width=8) == ("\U0001f600 said: ", "")


@pytest.mark.parametrize(("start", "end"), [(-1, 2), (2, 2), (3, 2), (0, 6), (6, 7)])
def test_context_around_refuses_an_invalid_span(start: int, end: int) -> None:
    with pytest.raises(ValueError, match="span"):
        context_around("hello", start, end)


def test_context_around_refuses_a_negative_width() -> None:
    with pytest.raises(ValueError, match="width"):
        context_around("hello", 1, 2, width=-1)


@given(st.text(max_size=8), st.integers(-3, 12), st.integers(-3, 12))
def test_check_span_accepts_exactly_the_non_empty_spans_inside_the_text(
    text: str, start: int, end: int
) -> None:
    valid = 0 <= start < end <= len(text)
    if valid:
        check_span(text, start, end)
    else:
        with pytest.raises(ValueError):
            check_span(text, start, end)


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        (2, 2, "span 2..2 is empty"),
        (3, 1, "span 3..1 ends before it starts"),
        (-1, 2, r"span -1..2 falls outside the text \(length 5\)"),
        (1, 9, r"span 1..9 falls outside the text \(length 5\)"),
    ],
)
def test_check_span_says_what_is_wrong(start: int, end: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_span("hello", start, end)


@given(text_and_span())
def test_anchor_is_the_quote_with_its_context(case: tuple[str, int, int]) -> None:
    text, start, end = case
    anchor = anchor_for(text, start, end)
    assert anchor.quote == text[start:end]
    assert (anchor.prefix, anchor.suffix) == context_around(text, start, end)
    begin = start - len(anchor.prefix)
    assert text[begin : begin + len(anchor.prefix + anchor.quote + anchor.suffix)] == (
        anchor.prefix + anchor.quote + anchor.suffix
    )


def test_anchor_is_frozen_and_refuses_an_invalid_span() -> None:
    anchor = anchor_for("The minister said so.", 4, 12)
    assert anchor == Anchor(quote="minister", prefix="The ", suffix=" said so.")
    with pytest.raises(FrozenInstanceError):
        anchor.quote = "x"  # type: ignore[misc]
    with pytest.raises(ValueError):
        anchor_for("short", 3, 3)


@pytest.mark.parametrize(
    ("text", "span", "trimmed"),
    [
        ("A suspected rocket ", (0, 19), (0, 18)),
        ("  word\n", (0, 7), (2, 6)),
        ("\u00a0x\u2003", (0, 3), (1, 2)),
        ("   ", (0, 3), (3, 3)),
        ("exact", (1, 4), (1, 4)),
    ],
)
def test_trim_span_drops_white_space_at_the_ends(
    text: str, span: tuple[int, int], trimmed: tuple[int, int]
) -> None:
    assert trim_span(text, *span) == trimmed
