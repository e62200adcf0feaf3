"""Reading article files: encodings we trust, encodings we guess, and everything we refuse."""

from __future__ import annotations

import codecs
import os
import pickle
import random
from pathlib import Path
from typing import Any

import pytest

from annotator.formats import text_files
from annotator.formats.errors import ImportRejected
from annotator.formats.text_files import (
    DecodedText,
    decode_article_bytes,
    read_article_file,
    title_from_path,
)

ARTICLE = (
    "Le ministre a déclaré : « Nous n\u2019avons reçu aucune réponse », selon un responsable.\n"
    "L\u2019été dernier, la région a été frappée par une sécheresse — 40 % des récoltes perdues.\n"
)
WORLD = "Héllo wörld — “quotes” \U0001f600 שלום مرحبا e\u0301\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _refusal(path: Path, encoding: str | None = None) -> str:
    """The message of the ImportRejected that reading `path` must raise."""
    with pytest.raises(ImportRejected) as caught:
        read_article_file(path, encoding=encoding)
    message = str(caught.value)
    assert f"“{path.name}”" in message
    assert message.startswith("Cannot import ") and message.endswith(".") and "\n" not in message
    return message


def test_utf8_is_certain(tmp_path: Path) -> None:
    result = read_article_file(_write(tmp_path, "a.txt", WORLD.encode()))
    assert result == DecodedText(WORLD, "utf-8", certain=True)


def test_utf8_with_bom_is_certain_and_loses_the_bom(tmp_path: Path) -> None:
    result = read_article_file(_write(tmp_path, "a.txt", codecs.BOM_UTF8 + WORLD.encode()))
    assert result == DecodedText(WORLD, "utf-8-sig", certain=True)


def test_crlf_and_lone_cr_become_line_feeds(tmp_path: Path) -> None:
    result = read_article_file(_write(tmp_path, "a.md", b"# Title\r\n\r\nline one\rline two\r\n"))
    assert result.text == "# Title\n\nline one\nline two\n"


@pytest.mark.parametrize(
    "data",
    [
        ("Title\r\n" + WORLD).encode("utf-16"),
        codecs.BOM_UTF16_LE + ("Title\r\n" + WORLD).encode("utf-16-le"),
        codecs.BOM_UTF16_BE + ("Title\r\n" + WORLD).encode("utf-16-be"),
    ],
    ids=["native", "little-endian", "big-endian"],
)
def test_utf16_with_bom_is_detected_and_shown_to_be_confirmed(tmp_path: Path, data: bytes) -> None:
    """Articles are UTF-8: anything else, a BOM or not, is detected and confirmed by the user."""
    result = read_article_file(_write(tmp_path, "a.txt", data))
    assert result == DecodedText("Title\n" + WORLD, "utf-16", certain=False)


def test_utf32_with_bom_is_not_mistaken_for_utf16(tmp_path: Path) -> None:
    result = read_article_file(_write(tmp_path, "a.txt", codecs.BOM_UTF32_LE + WORLD.encode("utf-32-le")))
    assert result == DecodedText(WORLD, "utf-32", certain=False)


@pytest.mark.parametrize(
    ("text", "encoding", "codec_name"),
    [
        (ARTICLE, "cp1252", "cp1252"),
        (
            "Über die Straße gingen Größen wie Jürgen und Zoë, naïve façade, señor.\n" * 3,
            "latin-1",
            "iso8859-1",
        ),
    ],
)
def test_a_legacy_encoding_is_guessed_then_confirmed(
    tmp_path: Path, text: str, encoding: str, codec_name: str
) -> None:
    path = _write(tmp_path, "old.txt", text.encode(encoding))
    guessed = read_article_file(path)
    assert guessed.certain is False
    assert guessed.text  # a preview to show the user, right or wrong
    codecs.lookup(guessed.encoding)  # a name the caller can hand back as encoding=
    confirmed = read_article_file(path, encoding=encoding)
    assert confirmed == DecodedText(text, codec_name, certain=True)


def test_the_guess_can_be_handed_back_as_the_encoding(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.txt", ARTICLE.encode("cp1252"))
    guessed = read_article_file(path)
    assert read_article_file(path, encoding=guessed.encoding) == DecodedText(
        guessed.text, guessed.encoding, certain=True
    )


def test_a_chosen_encoding_that_does_not_fit_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "old.txt", ARTICLE.encode("cp1252"))
    assert "not valid utf-8 text" in _refusal(path, encoding="utf-8")


@pytest.mark.parametrize("encoding", ["no-such-encoding", "base64", "rot13"])
def test_an_unknown_or_non_text_encoding_is_refused(tmp_path: Path, encoding: str) -> None:
    path = _write(tmp_path, "a.txt", b"hello")
    assert encoding in _refusal(path, encoding=encoding)


@pytest.mark.parametrize(("encoding", "data"), [("undefined", b"hello"), ("punycode", b"abc-??")])
def test_a_codec_that_fails_without_a_decode_error_is_refused(
    tmp_path: Path, encoding: str, data: bytes
) -> None:
    # These raise UnicodeError itself rather than UnicodeDecodeError (found by fuzz/article_file.py);
    # `annotator import --encoding` takes any codec name.
    path = _write(tmp_path, "a.txt", data)
    assert f"cannot be read as {encoding} text" in _refusal(path, encoding=encoding)


def test_utf16_without_bom_is_refused_unless_the_user_chooses_it(tmp_path: Path) -> None:
    path = _write(tmp_path, "a.txt", WORLD.encode("utf-16-le"))
    assert "binary" in _refusal(path)
    assert read_article_file(path, encoding="utf-16-le") == DecodedText(WORLD, "utf-16-le", certain=True)


@pytest.mark.parametrize(
    ("magic", "kind"),
    [
        (b"\x89PNG\r\n\x1a\n", "PNG"),
        (b"%PDF-1.7\n", "PDF"),
        (b"PK\x03\x04", "ZIP"),
        (b"\x1f\x8b\x08", "gzip"),
        (b"\xff\xd8\xff\xe0", "JPEG"),
    ],
)
def test_known_binary_formats_are_refused(tmp_path: Path, magic: bytes, kind: str) -> None:
    data = magic + random.Random(0).randbytes(4096)
    message = _refusal(_write(tmp_path, "article.txt", data))
    assert "looks like a binary file" in message
    assert kind in message


def test_a_pdf_is_refused_even_when_its_body_is_plain_ascii(tmp_path: Path) -> None:
    data = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n" * 50
    assert "PDF" in _refusal(_write(tmp_path, "article.txt", data))


def test_nul_bytes_are_refused(tmp_path: Path) -> None:
    assert "binary" in _refusal(_write(tmp_path, "a.txt", b"hello\x00world, a perfectly fine sentence"))


def test_mostly_control_characters_are_refused(tmp_path: Path) -> None:
    data = bytes(range(1, 32)) * 40 + b"some words"  # valid UTF-8, but not prose
    assert "binary" in _refusal(_write(tmp_path, "a.txt", data))


def test_a_few_control_characters_are_tolerated(tmp_path: Path) -> None:
    text = "Page one.\x0cPage two.\x0bSame paragraph.\n" + "Plain prose. " * 20 + "\x1a"
    assert read_article_file(_write(tmp_path, "a.txt", text.encode())).text == text


@pytest.mark.parametrize("data", [b"", b" \r\n\t\n  ", codecs.BOM_UTF8, codecs.BOM_UTF8 + b"\r\n"])
def test_empty_and_blank_files_are_refused(tmp_path: Path, data: bytes) -> None:
    message = _refusal(_write(tmp_path, "empty.txt", data))
    assert "empty" in message or "blank" in message


def test_a_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "articles.txt"
    folder.mkdir()
    assert "folder" in _refusal(folder)


def test_a_missing_file_is_refused(tmp_path: Path) -> None:
    assert "does not exist" in _refusal(tmp_path / "gone.txt")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "pipe.txt"
    os.mkfifo(pipe)
    assert "not a regular file" in _refusal(pipe)


def test_an_unreadable_file_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _write(tmp_path, "secret.txt", b"hello")
    real_open = os.open

    def denied(file: Any, *args: Any, **kwargs: Any) -> Any:
        # chmod 0 does not stop root (CI runs as root), so the refusal is simulated at open().
        if Path(file) == path:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(os, "open", denied)
    assert "cannot be read" in _refusal(path)


@pytest.mark.parametrize("name", ["article.pdf", "article.docx", "article.html", "article.csv"])
def test_unsupported_extensions_are_refused_even_with_text_inside(tmp_path: Path, name: str) -> None:
    message = _refusal(_write(tmp_path, name, b"Just text."))
    assert Path(name).suffix in message


@pytest.mark.parametrize("name", ["a.txt", "a.TXT", "a.md", "a.markdown", "a.text", "README"])
def test_supported_extensions_are_read(tmp_path: Path, name: str) -> None:
    assert read_article_file(_write(tmp_path, name, b"Just text.")).text == "Just text."


def test_a_file_over_the_limit_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(text_files, "MAX_ARTICLE_BYTES", 2048)
    path = _write(tmp_path, "long.txt", b"x" * 3072)
    opened: list[Path] = []
    real_open = Path.open

    def spy_open(self: Path, *args: Any, **kwargs: Any) -> Any:
        opened.append(self)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", spy_open)
    message = _refusal(path)
    assert "3.0 KB" in message and "2.0 KB limit" in message
    assert opened == []


def test_a_file_at_the_limit_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_files, "MAX_ARTICLE_BYTES", 16)
    assert read_article_file(_write(tmp_path, "a.txt", b"x" * 16)).text == "x" * 16


def test_just_over_the_limit_shows_exact_sizes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_files, "MAX_ARTICLE_BYTES", 1024 * 1024)
    message = _refusal(_write(tmp_path, "a.txt", b"x" * (1024 * 1024 + 1)))
    assert "1,048,577 bytes" in message and "1,048,576 bytes limit" in message


def test_decoding_pasted_bytes_checks_the_size_and_names_the_input(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_files, "MAX_ARTICLE_BYTES", 10)
    with pytest.raises(ImportRejected, match=r"“pasted text”.*11 bytes.*10 bytes limit"):
        decode_article_bytes(b"x" * 11, name="pasted text")
    assert decode_article_bytes(b"x\r\ny", name="pasted text") == DecodedText("x\ny", "utf-8", certain=True)


def test_import_rejected_survives_pickling() -> None:
    error = ImportRejected("a.txt", "it is empty")
    copy = pickle.loads(pickle.dumps(error))
    assert str(copy) == str(error) == "Cannot import “a.txt”: it is empty."
    assert (copy.name, copy.reason) == ("a.txt", "it is empty")


@pytest.mark.parametrize(
    ("path", "title"),
    [
        (Path("/news/2026/Minister resigns.txt"), "Minister resigns"),
        (Path("report.final.md"), "report.final"),
        (Path("README"), "README"),
    ],
)
def test_title_from_path(path: Path, title: str) -> None:
    assert title_from_path(path) == title


@pytest.mark.parametrize(
    ("text", "encoding"),
    [
        (
            "Le ministère a déclaré que l’armée était prête. « Nous réagirons », a dit le porte-parole.",
            "cp1252",
        ),
        ("Der Sprecher sagte, die Lage sei äußerst gefährlich für Soldaten.", "cp1252"),
        ("A suspected rocket attack — “conducting a postattack damage assessment”", "cp1252"),
        ("Представитель министерства обороны заявил, что атака была отражена вчера вечером.", "cp1251"),
    ],
)
def test_a_short_legacy_article_is_guessed_right(text: str, encoding: str) -> None:
    decoded = decode_article_bytes(text.encode(encoding), name="old.txt")
    assert (decoded.text, decoded.encoding, decoded.certain) == (text, encoding, False)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_file_swapped_for_a_pipe_after_the_check_is_refused_without_blocking(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The gate judges what it opened, not only the path it checked a moment before."""
    from annotator.formats import guarded

    path = _write(tmp_path, "swapped.txt", b"hello")
    real_check = guarded.check_capped

    def check_then_swap(checked: Path, **kwargs: Any) -> int:
        size = real_check(checked, **kwargs)
        checked.unlink()
        os.mkfifo(checked)  # an attacker's (or a sync tool's) swap between check and open
        return size

    monkeypatch.setattr(guarded, "check_capped", check_then_swap)
    assert "not a regular file" in _refusal(path)


def test_reading_asks_for_what_the_file_holds_not_for_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A buffered read allocates the size it is asked for: asking for the limit costs a gigabyte."""
    from annotator.formats import guarded

    path = _write(tmp_path, "small.txt", b"hello")
    asked: list[int] = []
    real_fdopen = os.fdopen

    class Recording:
        def __init__(self, file: Any) -> None:
            self.file = file

        def __enter__(self) -> Recording:
            return self

        def __exit__(self, *exc: object) -> None:
            self.file.close()

        def fileno(self) -> int:
            return int(self.file.fileno())

        def read(self, size: int = -1) -> bytes:
            asked.append(size)
            return bytes(self.file.read(size))

    monkeypatch.setattr(guarded.os, "fdopen", lambda *a, **k: Recording(real_fdopen(*a, **k)))
    assert guarded.read_capped(path, limit=1 << 30, what="a test") == b"hello"
    assert max(asked) <= 6


def test_a_file_that_grows_after_the_check_is_read_up_to_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats import guarded

    path = _write(tmp_path, "growing.txt", b"hello")
    real_fstat = os.fstat

    def fstat_then_grow(descriptor: int) -> os.stat_result:
        info = real_fstat(descriptor)
        with path.open("ab") as file:
            file.write(b" world")  # written after the size was taken
        return info

    monkeypatch.setattr(guarded.os, "fstat", fstat_then_grow)
    assert guarded.read_capped(path, limit=100, what="a test") == b"hello world"
    with path.open("wb") as file:
        file.write(b"hello")
    with pytest.raises(ImportRejected, match="limit"):
        guarded.read_capped(path, limit=8, what="a test")
