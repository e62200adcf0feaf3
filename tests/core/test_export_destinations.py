"""Where an export may be written: through a symbolic link, into a pipe or FIFO, and the errors
that name the user's path (formats/saving.py, through the CLI)."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from annotator.formats.saving import replaced_when_complete
from annotator.services.project import Project
from tests.core.factories import add_claim, run_cli

TEXT = "The council voted 7 to 2, the clerk said.\n"


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    path = tmp_path / "project.sqlite"
    project = Project.open(path)
    try:
        article = project.articles.add_text(TEXT, title="Council vote").article_id
        add_claim(project, article, project.annotator("Ana"), 4, 11)
    finally:
        project.close()
    return path


def _quotes(data: bytes) -> list[str]:
    return [row["quote"] for row in csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))]


def _export(project_path: Path, out: str, *more: str) -> int:
    return run_cli(["export", "--project", str(project_path), "--out", out, *more])


def test_a_symbolic_link_is_written_through_to_its_target(project_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "data" / "claims.csv"
    target.parent.mkdir()
    target.write_text("stale\n", encoding="utf-8")
    link = tmp_path / "latest.csv"
    link.symlink_to(Path("data") / "claims.csv")  # relative, as `ln -s` usually makes them

    assert _export(project_path, str(link)) == 0

    assert link.is_symlink()
    assert str(link.readlink()) == str(Path("data") / "claims.csv")
    assert _quotes(target.read_bytes()) == ["council"]
    assert sorted(p.name for p in target.parent.iterdir()) == ["claims.csv"]  # no temporary left
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "latest.csv", "project.sqlite"]


def test_a_dangling_link_creates_its_target(project_path: Path, tmp_path: Path) -> None:
    link = tmp_path / "latest.csv"
    link.symlink_to(tmp_path / "new.csv")

    assert _export(project_path, str(link), "--format", "jsonl") == 0

    assert link.is_symlink()
    assert (tmp_path / "new.csv").read_text(encoding="utf-8").startswith("{")


def test_a_fifo_is_written_into_not_replaced(project_path: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "claims.fifo"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()

    assert _export(project_path, str(fifo)) == 0

    reader.join(10)
    assert fifo.is_fifo()  # still the FIFO, not a regular file put in its place
    assert _quotes(received[0]) == ["council"]


def test_a_link_to_a_fifo_is_written_into(tmp_path: Path) -> None:
    fifo = tmp_path / "claims.fifo"
    os.mkfifo(fifo)
    link = tmp_path / "out"
    link.symlink_to(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()), daemon=True)
    reader.start()

    with replaced_when_complete(link) as file:
        file.write(b"hello")

    reader.join(10)
    assert received == [b"hello"]
    assert link.is_symlink()
    assert fifo.is_fifo()


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_a_pipe_named_by_dev_fd_gets_the_csv(project_path: Path) -> None:
    # What `--out /dev/stdout` is when stdout is a pipe; a descriptor of our own is tested rather than
    # stdout itself, which an old bug replaced with a regular file when run as root.
    read_end, write_end = os.pipe()
    received: list[bytes] = []

    def drain() -> None:
        with os.fdopen(read_end, "rb") as pipe:
            received.append(pipe.read())

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        assert _export(project_path, f"/dev/fd/{write_end}") == 0
    finally:
        os.close(write_end)
    reader.join(10)
    assert _quotes(received[0]) == ["council"]


def test_a_missing_folder_is_named_as_the_user_gave_it(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "nonexistent" / "x.csv"
    capsys.readouterr()

    assert _export(project_path, str(out)) == 1

    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert f"No such file or directory: {out}" in err
    assert ".tmp" not in err


def test_a_folder_as_the_destination_is_named(
    project_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    capsys.readouterr()

    assert _export(project_path, str(folder)) == 1

    err = capsys.readouterr().err
    assert str(folder) in err
    assert ".tmp" not in err
    assert list(folder.iterdir()) == []


def test_a_regular_file_is_still_replaced_whole(tmp_path: Path) -> None:
    out = tmp_path / "claims.csv"
    out.write_bytes(b"old")
    with pytest.raises(RuntimeError), replaced_when_complete(out) as file:
        file.write(b"half")
        raise RuntimeError("stop")
    assert out.read_bytes() == b"old"
    with replaced_when_complete(out) as file:
        file.write(b"new")
    assert out.read_bytes() == b"new"
    assert [p.name for p in tmp_path.iterdir()] == ["claims.csv"]


@pytest.mark.skipif(not Path("/dev/fd").is_dir(), reason="needs /dev/fd")
def test_the_csv_on_stdout_has_the_summary_on_stderr(project_path: Path, tmp_path: Path) -> None:
    # /dev/fd/1 is stdout as /dev/stdout is; a mistake with it cannot replace the system's /dev/stdout.
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
    with (tmp_path / "out.csv").open("wb") as out:
        out.write(b"kept\n")
        out.flush()
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "annotator",
                "export",
                "--project",
                str(project_path),
                "--out",
                "/dev/fd/1",
            ],
            stdout=out,
            stderr=subprocess.PIPE,
            env=env,
            timeout=60,
            check=False,
        )
    assert done.returncode == 0, done.stderr
    assert b"wrote 1 claim to /dev/fd/1" in done.stderr
    data = (tmp_path / "out.csv").read_bytes()
    assert data.startswith(b"kept\n\xef\xbb\xbfclaim_id,")  # written where stdout was, nothing cut
    assert _quotes(data[len(b"kept\n") :]) == ["council"]
    assert b"wrote" not in data


def _descriptor_of(path: Path) -> int | None:
    """One of this process's open descriptors on `path` (Linux: /proc/self/fd)."""
    for entry in Path("/proc/self/fd").iterdir():
        try:
            if entry.resolve() == path.resolve():
                return int(entry.name)
        except OSError:
            continue
    return None


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="reads /proc/self/fd")
def test_an_export_never_writes_into_the_project_s_own_files(tmp_path: Path) -> None:
    """`--out /dev/fd/N` may be this program's own descriptor on the project file (SQLite's): an
    export there, or to the project's file by name, or its journal, is refused and the file stays."""
    project = Project.open(tmp_path / "p.sqlite")
    article = project.articles.add_text(TEXT, title="Council vote").article_id
    add_claim(project, article, project.annotator("Ana"), 4, 11)
    before = project.path.read_bytes()
    with project._tx.read():
        number = _descriptor_of(project.path)
        assert number is not None
        for destination in (Path(f"/dev/fd/{number}"), project.path, Path(f"{project.path}-wal")):
            with pytest.raises(ValueError, match="would destroy it"):
                project.exchange.export_csv(destination)
        with pytest.raises(ValueError, match="would destroy it"):
            project.review.export_wide(Path(f"/proc/self/fd/{number}"))
    # Nor to the rollback journal's name, which a WAL project has no file under: SQLite would take
    # a file there for the project's own on the next open, and call the project damaged.
    journal = Path(f"{project.path}-journal")
    for export in (project.exchange.export_csv, project.review.export_wide):
        with pytest.raises(ValueError, match="would destroy it"):
            export(journal)
    assert not journal.exists()
    assert project.path.read_bytes() == before
    assert len(project.claims.for_article(article)) == 1
    project.close()


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_full_device_is_an_error_that_names_it(
    project_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert run_cli(["export", "--project", str(project_path), "--out", "/dev/full"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.startswith("annotator: ") and "/dev/full" in err and len(err.splitlines()) == 1
