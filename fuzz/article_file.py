"""Fuzz the article importer: any bytes in a file are imported as canonical text or refused with
ImportRejected; any other exception is a bug.

An input is two control bytes and the file's content. The first picks the file's suffix and whether an
encoding is given (as the user's choice in the encoding dialog, or `annotator import --encoding`, which
takes any name); the second picks that encoding.
"""

from __future__ import annotations

import codecs
import encodings.aliases
import tempfile
from pathlib import Path

import atheris
from _common import run

with atheris.instrument_imports(include=["annotator", "charset_normalizer"]):
    from annotator.domain.text import canonicalize
    from annotator.formats.errors import ImportRejected
    from annotator.formats.text_files import COMMON_ENCODINGS, decode_article_bytes, read_article_file

SUFFIXES = (".txt", ".md", "", ".Markdown", ".docx")
# Every codec Python knows, the ones the dialog offers, and names that are not text encodings at all.
ENCODINGS = (
    *COMMON_ENCODINGS,
    *sorted(set(encodings.aliases.aliases.values())),
    "utf-8-sig",
    "utf-16-le",
    "utf-32",
    "idna",
    "punycode",
    "undefined",
    "base64",
    "rot13",
    "no-such-encoding",
    "",
)

_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-article-"))


def test_one_input(data: bytes) -> None:
    first, second = (data + b"\0\0")[:2]
    content = data[2:]
    path = _FOLDER / f"article{SUFFIXES[first % len(SUFFIXES)]}"
    encoding = ENCODINGS[second % len(ENCODINGS)] if first >= 128 else None
    path.write_bytes(content)
    try:
        decoded = read_article_file(path, encoding=encoding)
    except ImportRejected:
        return
    text = decoded.text
    assert canonicalize(text) == text, "the imported text is not canonical"
    assert text.strip(), "an article of blank space was accepted"
    assert codecs.lookup(decoded.encoding).name == decoded.encoding, decoded.encoding
    if encoding is None:
        # The encoding it reports is "accepted back as `encoding=`" and reads the same text.
        again = decode_article_bytes(content, name=path.name, encoding=decoded.encoding)
        assert again.text == text, (decoded.encoding, "reads differently when chosen")
        assert again.certain


def write_seeds(folder: Path) -> None:
    prose = (
        "Le ministre a déclaré « nous agirons » – selon l’agence, 3 € par mois.\r\n"  # noqa: RUF001
        "“It’s a done deal,” a senior official said — café owners were not convinced.\r\n"  # noqa: RUF001
    )
    seeds = {
        "utf8.txt": b"\0\0" + prose.encode("utf-8"),
        "utf8-bom.txt": b"\0\0" + codecs.BOM_UTF8 + prose.encode("utf-8"),
        "cp1252.txt": b"\0\0" + prose.encode("cp1252"),
        "utf16-bom.txt": b"\0\0" + prose.encode("utf-16"),
        "utf32-bom.txt": b"\0\0" + prose.encode("utf-32"),
        "utf16-chosen.txt": bytes([128, ENCODINGS.index("utf_16")]) + prose.encode("utf-16"),
        "shift-jis.txt": b"\0\0" + "大臣は「行動する」と述べた。\n".encode("shift_jis"),
        "koi8-r.txt": b"\0\0" + "Министр заявил, что соглашение близко.\n".encode("koi8_r"),
        "emoji.txt": b"\0\0" + "Minister 👩🏽‍💼 said\u2028“We will act.”\u2029\r\n".encode(),
        "png.txt": b"\0\0\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
        "blank.txt": b"\0\0 \r\n\t ",
        "controls.txt": b"\0\0" + bytes(range(1, 32)) * 4,
    }
    for name, content in seeds.items():
        (folder / name).write_bytes(content)


if __name__ == "__main__":
    run(test_one_input, write_seeds)
