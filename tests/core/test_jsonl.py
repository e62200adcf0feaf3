"""The claims JSONL file itself: one record a line whatever the text holds, read back by line number."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.domain.text import text_sha256
from annotator.formats.errors import ImportRejected
from annotator.formats.jsonl import (
    ARTICLE_FIELDS,
    CLAIM_FIELDS,
    JsonlExportCancelled,
    read_claims_jsonl,
    write_claims_jsonl,
)

TEXT = 'Line one\x85\x1cstill one (str.splitlines would break here)\nNext \u202eevil\u202c 👩🏽‍💼 said "x".'


def article(article_id: str = "a-1") -> dict:
    return {
        "id": article_id,
        "title": "T",
        "outlet": "",
        "url": "",
        "published": "2024-01-02",
        "sha256": text_sha256(TEXT),
        "created_at": "2026-01-01T10:00:00.123456Z",
        "updated_at": "2026-01-01T10:00:00.123456Z",
        "text": TEXT,
    }


def claim(claim_id: str, comment: str = "") -> dict:
    start = TEXT.index("👩🏽‍💼")
    return {
        "id": claim_id,
        "article_id": "a-1",
        "annotator_id": "n-1",
        "annotator": "Ana",
        "source_type_id": "t-1",
        "source_type": "official",
        "confidence": 4,
        "confidence_label": "high",
        "start": start,
        "end": start + len("👩🏽‍💼"),
        "quote": "👩🏽‍💼",
        "context_before": TEXT[:start],
        "context_after": TEXT[start + 7 :],
        "source": "",
        "cue": "said",
        "comment": comment,
        "created_at": "2026-01-01T10:00:01.000001Z",
        "updated_at": "2026-01-01T10:00:02.000002Z",
    }


def test_every_record_is_one_line_and_reads_back_the_same(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    hostile = "=1+1\r\n<b>\u2028\u0000-ish"
    assert write_claims_jsonl([(article(), [claim("c-1", "two\nlines\u2028"), claim("c-2")])], out) == 2
    lines = out.read_bytes().split(b"\n")
    assert len(lines) == 5 and lines[-1] == b""  # header, article, two claims, final LF
    found = read_claims_jsonl(out.read_text(encoding="utf-8"), out.name)
    assert found.refused == []
    (back,) = found.articles
    assert (back.line, back.id, back.text, back.created_at) == (2, "a-1", TEXT, article()["created_at"])
    assert [(c.line, c.id, c.comment) for c in found.claims] == [
        (3, "c-1", "two\nlines\u2028"),
        (4, "c-2", ""),
    ]
    assert found.claims[0].updated_at == "2026-01-01T10:00:02.000002Z"
    assert set(ARTICLE_FIELDS) <= set(article()) and set(CLAIM_FIELDS) <= set(claim("x"))
    # A NUL (written escaped, as JSON must) comes back refused, on its own line.
    write_claims_jsonl([(article(), [claim("c-3", hostile)])], out)
    found = read_claims_jsonl(out.read_text(encoding="utf-8"), out.name)
    assert [(r.line, "NUL" in r.reason) for r in found.refused] == [(3, True)]


def test_an_article_whose_text_and_hash_disagree_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    write_claims_jsonl([({**article(), "sha256": "0" * 64}, [claim("c-1")])], out)
    found = read_claims_jsonl("\n\n" + out.read_text(encoding="utf-8"), out.name)  # blank lines count
    assert [(r.line, r.reason) for r in found.refused] == [(4, "its sha256 is not that of its text")]
    assert [c.line for c in found.claims] == [5]


def test_a_cancelled_export_leaves_the_earlier_file(tmp_path: Path) -> None:
    out = tmp_path / "c.jsonl"
    out.write_text("earlier", encoding="utf-8")
    claims = [claim(f"c-{n}") for n in range(4_500)]
    with pytest.raises(JsonlExportCancelled):
        write_claims_jsonl([(article(), claims)], out, progress=lambda done: done < 4_000)
    assert out.read_text(encoding="utf-8") == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["c.jsonl"]


def test_a_file_without_the_header_is_refused_whole() -> None:
    with pytest.raises(ImportRejected, match="no header"):
        read_claims_jsonl('{"kind": "claim"}\n', "x.jsonl")
