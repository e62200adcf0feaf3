"""Fuzz canonical text and the code-point offsets into it (annotator/domain/text.py): any text and any
span give the documented result or ValueError, and the results agree with each other."""

from __future__ import annotations

from pathlib import Path

import atheris
from _common import run

with atheris.instrument_imports(include=["annotator"]):
    from annotator.domain.text import (
        BOM,
        INVISIBLE_NAMES,
        anchor_for,
        canonicalize,
        check_span,
        context_around,
        invisible_characters,
        trim_span,
    )


def test_one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    start = provider.ConsumeIntInRange(-3, 400)
    end = provider.ConsumeIntInRange(-3, 400)
    width = provider.ConsumeIntInRange(-2, 150)
    raw = provider.ConsumeUnicodeNoSurrogates(provider.remaining_bytes())

    text = canonicalize(raw)
    assert canonicalize(text) == text, "canonicalize is not idempotent"
    assert not text.startswith(BOM)
    assert not any(c in text for c in "\r\u2028\u2029")
    # Only line breaks and leading BOMs change: the count of line breaks and every other character stay.
    breaks = raw.replace("\r\n", "\n")
    assert text.count("\n") == sum(breaks.count(c) for c in "\n\r\u2028\u2029")
    assert text.replace("\n", "") == "".join(c for c in breaks.lstrip(BOM) if c not in "\n\r\u2028\u2029")

    for offset, name in invisible_characters(text):
        assert INVISIBLE_NAMES[text[offset]] == name

    valid = 0 <= start < end <= len(text)
    try:
        check_span(text, start, end)
    except ValueError:
        assert not valid, (start, end, len(text))
        return
    assert valid, (start, end, len(text))

    try:
        before, after = context_around(text, start, end, width)
    except ValueError:
        assert width < 0
    else:
        assert width >= 0
        assert before == text[max(0, start - width) : start]
        assert after == text[end : end + width]
    anchor = anchor_for(text, start, end)
    assert anchor.quote == text[start:end]
    assert (
        text[start - len(anchor.prefix) : end + len(anchor.suffix)]
        == anchor.prefix + anchor.quote + anchor.suffix
    )

    trimmed_start, trimmed_end = trim_span(text, start, end)
    assert start <= trimmed_start <= trimmed_end <= end
    assert text[trimmed_start:trimmed_end] == text[start:end].strip()


def write_seeds(folder: Path) -> None:
    texts = {
        "unicode": "Minister 👩🏽‍💼 said: “We will act.”\r\nThe family 👨‍👩‍👧 agreed; café (cafe\u0301).\r\n",
        "rtl": "قال الوزير إن الاتفاق قريب.\r\nאמר השר כי ההסכם קרוב.\u2029",
        "invisible": "\ufeff\ufeffA\u200bB\u202eC\u2066D\u2069 \u00ad E\u2028F\rG\r\n",
        "spaces": "   \t said \u00a0the mayor\u3000 ",
    }
    for name, text in texts.items():
        # Two bytes for each offset, then the text (the provider reads its width from the next byte).
        (folder / name).write_bytes(b"\x02\x00\x10\x00\x08\x00\x01" + text.encode("utf-16-le"))


if __name__ == "__main__":
    run(test_one_input, write_seeds)
