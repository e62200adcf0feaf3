"""Reading plain-text articles (.txt, .md files and pasted bytes) into canonical text.

Owns the decisions about which bytes are text, which encoding they are in, and what is refused.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from charset_normalizer import from_bytes

from annotator.domain.text import canonicalize
from annotator.formats.errors import ImportRejected
from annotator.formats.guarded import read_capped, too_large

MAX_ARTICLE_BYTES = 50 * 1024 * 1024

# "" lets extension-less files in (README, exports from some news archives).
ARTICLE_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".text", ""})

_MAGIC_NUMBERS = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive, or a Word, OpenDocument or EPUB file"),
    (b"PK\x05\x06", "a ZIP archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Microsoft Office file"),
)

# UTF-32 comes first because its little-endian BOM starts with the UTF-16 one.
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (codecs.BOM_UTF8, "utf-8-sig"),
)

# Control characters that real prose does not contain (tab, line feed, VT and FF are allowed:
# Word puts VT in copied text for manual line breaks).
_STRAY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.05
# Binary content is binary throughout, so a sample is enough and keeps a 50 MB import quick.
_CONTROL_SAMPLE = 1 << 20


@dataclass(frozen=True)
class DecodedText:
    """Article text read from bytes.

    `text` is already canonical. `certain` is False when the encoding was guessed: the caller
    should show a preview, let the user confirm or pick another encoding, and decode again with
    `encoding=` (which gives `certain=True`).
    """

    text: str
    encoding: str  # a Python codec name, accepted back as `encoding=`
    certain: bool


def decode_article_bytes(data: bytes, *, name: str, encoding: str | None = None) -> DecodedText:
    """Decode an article's bytes, refusing binary, empty and oversized input with ImportRejected.

    Without `encoding`, valid UTF-8 (with or without its BOM) is trusted (certain); a UTF-16 or
    UTF-32 BOM decides the encoding, and anything else is guessed by charset-normalizer, but neither
    is certain: the user confirms it. With `encoding` (the user's choice) the bytes are decoded
    strictly with it. `name` is what messages call the input, e.g. the file name.
    """
    if len(data) > MAX_ARTICLE_BYTES:
        raise _too_large(name, len(data))
    if not data:
        raise ImportRejected(name, "it is empty")
    for magic, kind in _MAGIC_NUMBERS:
        if data.startswith(magic):
            raise ImportRejected(name, f"it looks like a binary file ({kind}), not text")
    decoded = _decode_chosen(data, encoding, name) if encoding is not None else _decode_detected(data, name)
    if not decoded.text.strip():
        raise ImportRejected(name, "it contains no text, only blank space")
    sample = decoded.text[:_CONTROL_SAMPLE]
    if len(_STRAY_CONTROLS.findall(sample)) > _MAX_CONTROL_SHARE * len(sample):
        raise ImportRejected(name, "it looks like a binary file, not text")
    return decoded


def read_article_file(
    path: Path, *, encoding: str | None = None, forbidden: Sequence[Path] = ()
) -> DecodedText:
    """Read and decode an article file; see `decode_article_bytes` for `encoding` and `certain`;
    `forbidden` files are refused unopened (guarded.check_capped)."""
    name = path.name or str(path)
    if path.suffix.lower() not in ARTICLE_SUFFIXES and not path.is_dir():
        raise ImportRejected(
            name, f"only plain-text articles (.txt or .md) can be imported, not {path.suffix or 'this file'}"
        )
    data = read_capped(path, limit=MAX_ARTICLE_BYTES, what="an article", forbidden=forbidden)
    return decode_article_bytes(data, name=name, encoding=encoding)


def title_from_path(path: Path) -> str:
    """The file name without its extension."""
    return path.stem


def _decode_detected(data: bytes, name: str) -> DecodedText:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                # UTF-8 is the articles' encoding; any other, BOM or not, is shown to be confirmed.
                return DecodedText(canonicalize(data.decode(codec)), codec, certain=codec == "utf-8-sig")
            except UnicodeDecodeError:
                break  # a BOM is no proof: let the checks below judge the bytes
    # Without a BOM, NUL bytes mean binary. BOM-less UTF-16 also has them, but it is rare; the
    # user can still import it by choosing the encoding, which skips this check.
    if b"\x00" in data:
        raise ImportRejected(name, "it looks like a binary file, not text")
    try:
        return DecodedText(canonicalize(data.decode("utf-8")), "utf-8", certain=True)
    except UnicodeDecodeError:
        pass
    match = from_bytes(data).best()
    if match is not None:
        codec = _prefer_windows_latin(data, codecs.lookup(match.encoding).name)
        try:
            return DecodedText(canonicalize(data.decode(codec)), codec, certain=False)
        except UnicodeDecodeError:
            pass  # the guess was made on chunks; a strict decode of the whole can still fail
    raise ImportRejected(name, "its text encoding cannot be recognised")


# Single-byte Latin-script code pages that charset-normalizer cannot tell apart on a short article
# (it called French cp1252 text cp775 or cp1250). Windows-1252 is by far the most common of them.
_LATIN_CODE_PAGES = frozenset(
    codecs.lookup(name).name
    for name in (
        "cp1250",
        "cp1252",
        "cp1257",
        "cp775",
        "cp850",
        "cp852",
        "cp858",
        "latin_1",
        "iso8859_2",
        "iso8859_4",
        "iso8859_9",
        "iso8859_13",
        "iso8859_15",
        "mac_roman",
        "mac_latin2",
        "hp_roman8",
    )
)
# Encodings a user can pick from when the guess reads wrong.
COMMON_ENCODINGS = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1250",
    "cp1251",
    "koi8_r",
    "cp1256",
    "cp1255",
    "utf_16",
    "mac_roman",
    "shift_jis",
    "gb18030",
    "big5",
    "euc_kr",
)


def _prefer_windows_latin(data: bytes, guess: str) -> str:
    """Windows-1252 when the guess is some Latin code page and cp1252 reads the bytes cleanly."""
    if guess not in _LATIN_CODE_PAGES or guess == "cp1252":
        return guess
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return guess
    return guess if _STRAY_CONTROLS.search(text) else "cp1252"


def _decode_chosen(data: bytes, encoding: str, name: str) -> DecodedText:
    try:
        codec = codecs.lookup(encoding).name
        text = data.decode(codec)
    except LookupError:  # unknown, or not a text encoding (e.g. "base64")
        raise ImportRejected(name, f"“{encoding}” is not a known text encoding") from None
    except UnicodeDecodeError as error:
        raise ImportRejected(
            name, f"it is not valid {codec} text (the byte at position {error.start} does not fit)"
        ) from error
    except UnicodeError as error:  # "undefined", "idna" and "punycode" raise the base class instead
        raise ImportRejected(name, f"it cannot be read as {codec} text") from error
    return DecodedText(canonicalize(text), codec, certain=True)


def _too_large(name: str, size: int) -> ImportRejected:
    return too_large(name, size, MAX_ARTICLE_BYTES, "an article")
