"""The `annotator` command line: import and export for scripts, one-line errors, never a traceback.

No test here starts the GUI: every argv names a sub-command, or exits in argparse before the app.
"""

from __future__ import annotations

import argparse
import csv
import os
import subprocess
import sys
from pathlib import Path

import pytest

import annotator
from annotator.cli import main
from annotator.services.project import Project
from tests.core.factories import CP1252_TEXT, add_claim, run_cli, sha256_of

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
REPO = Path(__file__).resolve().parents[2]


def _one_line(err: str) -> str:
    lines = err.strip("\n").split("\n")
    assert len(lines) == 1, err
    assert "Traceback" not in err
    return lines[0]


def _titles(project_path: Path) -> list[str]:
    project = Project.open(project_path, create=False)
    try:
        return [a.title for a in project.articles.list()]
    finally:
        project.close()


@pytest.fixture
def article(tmp_path: Path) -> Path:
    path = tmp_path / "Council vote.txt"
    path.write_text("The council voted 7 to 2, the clerk said.\n", encoding="utf-8")
    return path


# --- in process ------------------------------------------------------------------------------


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--version"]) == 0
    out = capsys.readouterr().out
    assert annotator.__version__ in out
    assert annotator.APP_NAME in out


def test_help_names_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["--help"]) == 0
    out = capsys.readouterr().out
    assert "import" in out
    assert "export" in out


@pytest.mark.parametrize("command", ["import", "export"])
def test_command_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli([command, "--help"]) == 0
    assert "--project" in capsys.readouterr().out


def test_import_creates_the_project_and_prints_the_title(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "new" / "project.sqlite"

    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0

    captured = capsys.readouterr()
    assert "Council vote" in captured.out
    assert captured.err == ""
    assert _titles(project_path) == ["Council vote"]


def test_import_with_a_title(tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project_path = tmp_path / "project.sqlite"
    assert (
        run_cli(["import", str(article), "--project", str(project_path), "--title", "Vote on the budget"])
        == 0
    )
    assert "Vote on the budget" in capsys.readouterr().out
    assert _titles(project_path) == ["Vote on the budget"]


def test_a_blank_title_is_no_title_the_file_s_name_is(tmp_path: Path, article: Path) -> None:
    project_path = tmp_path / "project.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path), "--title", "   "]) == 0
    assert _titles(project_path) == ["Council vote"]


@pytest.mark.parametrize("problem", ["missing", "folder", "binary"])
def test_a_refused_import_into_a_new_project_leaves_no_project_file(tmp_path: Path, problem: str) -> None:
    source = tmp_path / "article.txt"
    if problem == "folder":
        source.mkdir()
    elif problem == "binary":
        source.write_bytes(b"\x00\x01\x02PNG\x00" * 50)
    project_path = tmp_path / "new.sqlite"
    assert run_cli(["import", str(source), "--project", str(project_path)]) != 0
    assert sorted(p.name for p in tmp_path.iterdir()) == (["article.txt"] if problem != "missing" else [])


def test_a_refused_import_into_an_existing_project_leaves_it_there(tmp_path: Path, article: Path) -> None:
    project_path = tmp_path / "project.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    assert run_cli(["import", str(tmp_path / "missing.txt"), "--project", str(project_path)]) != 0
    assert _titles(project_path) == ["Council vote"]


def test_importing_the_same_file_again_says_so(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "project.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    capsys.readouterr()
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    assert "already" in capsys.readouterr().out
    assert _titles(project_path) == ["Council vote"]


def test_import_several_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = []
    for name in ("one.txt", "two.md", "three.txt"):
        path = tmp_path / name
        path.write_text(f"The text of {name}, which differs from the others.\n", encoding="utf-8")
        files.append(str(path))
    project_path = tmp_path / "project.sqlite"

    assert run_cli(["import", *files, "--project", str(project_path)]) == 0

    out = capsys.readouterr().out
    assert all(title in out for title in ("one", "two", "three"))
    assert sorted(_titles(project_path)) == ["one", "three", "two"]


def test_a_title_for_several_files_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text("Text A.", encoding="utf-8")
    b.write_text("Text B.", encoding="utf-8")
    project_path = tmp_path / "project.sqlite"

    code = run_cli(["import", str(a), str(b), "--project", str(project_path), "--title", "Both"])

    assert code == 1
    assert "--title" in _one_line(capsys.readouterr().err)
    assert not project_path.exists()


@pytest.mark.parametrize("name", ["picture.txt", "photo.png"])
def test_importing_a_binary_file_fails_in_one_line_and_leaves_the_project_alone(
    tmp_path: Path, article: Path, name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "project.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    before = sha256_of(project_path)
    binary = tmp_path / name
    binary.write_bytes(PNG_BYTES)
    capsys.readouterr()

    code = run_cli(["import", str(binary), "--project", str(project_path)])

    assert code != 0
    captured = capsys.readouterr()
    assert name in _one_line(captured.err)
    assert captured.out == ""
    assert sha256_of(project_path) == before
    assert _titles(project_path) == ["Council vote"]


def test_a_file_in_another_encoding_asks_for_it(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = CP1252_TEXT.replace("\r\n", "\n")
    legacy = tmp_path / "legacy.txt"
    legacy.write_bytes(text.encode("cp1252"))
    project_path = tmp_path / "project.sqlite"

    assert run_cli(["import", str(legacy), "--project", str(project_path)]) == 1
    line = _one_line(capsys.readouterr().err)
    assert "legacy.txt" in line
    assert "--encoding" in line
    assert not project_path.exists()  # nothing written: not even an empty project

    assert run_cli(["import", str(legacy), "--project", str(project_path), "--encoding", "cp1252"]) == 0
    project = Project.open(project_path, create=False)
    try:
        [summary] = project.articles.list()
        assert project.articles.get(summary.id).text == text
    finally:
        project.close()


def test_export_writes_the_csv(tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project_path = tmp_path / "project.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    project = Project.open(project_path)
    try:
        [summary] = project.articles.list()
        add_claim(project, summary.id, project.annotator("Ann"), 4, 11, comment="=1+1")
        add_claim(project, summary.id, project.annotator("Bea"), 12, 24)
    finally:
        project.close()
    out = tmp_path / "claims.csv"
    capsys.readouterr()

    assert run_cli(["export", "--project", str(project_path), "--out", str(out)]) == 0

    assert "2 claims" in capsys.readouterr().out
    with out.open(encoding="utf-8-sig", newline="") as file:
        rows = list(csv.DictReader(file))
    assert [(r["annotator"], r["quote"]) for r in rows] == [("Ann", "council"), ("Bea", "voted 7 to 2")]
    assert rows[0]["comment"] == "'=1+1"

    assert (
        run_cli(
            ["export", "--project", str(project_path), "--out", str(out), "--annotator", "Bea", "--exact"]
        )
        == 0
    )
    with out.open(encoding="utf-8-sig", newline="") as file:
        assert [r["annotator"] for r in csv.DictReader(file)] == ["Bea"]
    assert (
        run_cli(
            ["export", "--project", str(project_path), "--out", str(out), "--annotator", "Ann", "--exact"]
        )
        == 0
    )
    with out.open(encoding="utf-8-sig", newline="") as file:
        assert [r["comment"] for r in csv.DictReader(file)] == ["=1+1"]


def test_export_of_a_missing_project_fails_without_creating_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "missing.sqlite"
    out = tmp_path / "claims.csv"

    assert run_cli(["export", "--project", str(project_path), "--out", str(out)]) == 1

    assert "missing.sqlite" in _one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_export_of_a_file_that_is_not_a_project_fails_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("not a project", encoding="utf-8")
    before = sha256_of(notes)
    assert run_cli(["export", "--project", str(notes), "--out", str(tmp_path / "c.csv")]) == 1
    assert "notes.txt" in _one_line(capsys.readouterr().err)
    assert sha256_of(notes) == before
    assert not (tmp_path / "c.csv").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--no-such-option"],
        ["import", "a.txt", "--project", "p.sqlite", "--no-such-option"],
        ["export", "--project", "p.sqlite", "--out", "c.csv", "--no-such-option"],
        ["import", "a.txt"],  # --project is required
        ["export", "--project", "p.sqlite"],  # --out is required
        ["import", "--project", "p.sqlite"],  # no FILE
    ],
)
def test_usage_errors_exit_2_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)

    assert run_cli(argv) == 2

    captured = capsys.readouterr()
    assert _one_line(captured.err).startswith("annotator: ")
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


# --- as a real process -----------------------------------------------------------------------


def _annotator(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "annotator", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_as_a_process(tmp_path: Path, article: Path) -> None:
    version = _annotator("--version", cwd=tmp_path)
    assert version.returncode == 0
    assert annotator.__version__ in version.stdout

    imported = _annotator("import", str(article), "--project", "p.sqlite", cwd=tmp_path)
    assert imported.returncode == 0, imported.stderr
    assert "Council vote" in imported.stdout
    before = sha256_of(tmp_path / "p.sqlite")

    binary = tmp_path / "picture.txt"
    binary.write_bytes(PNG_BYTES)
    refused = _annotator("import", str(binary), "--project", "p.sqlite", cwd=tmp_path)
    assert refused.returncode == 1
    assert "picture.txt" in _one_line(refused.stderr)
    assert refused.stdout == ""
    assert sha256_of(tmp_path / "p.sqlite") == before

    usage = _annotator("export", "--project", "p.sqlite", "--out", "c.csv", "--bogus", cwd=tmp_path)
    assert usage.returncode == 2
    assert "--bogus" in _one_line(usage.stderr)

    exported = _annotator("export", "--project", "p.sqlite", "--out", "c.csv", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    assert (tmp_path / "c.csv").read_text(encoding="utf-8-sig").startswith("claim_id,document_id,")


def test_the_command_line_writes_nothing_into_a_damaged_project(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The app refuses a damaged project and offers a backup; the command line must not write into it."""
    import hashlib

    project_path = tmp_path / "project.sqlite"
    for number in range(40):  # enough pages that damage near the end leaves the schema readable
        source = tmp_path / f"report {number}.txt"
        source.write_text(
            f"Report {number}: " + "the spokesperson said the talks went on. " * 60, encoding="utf-8"
        )
        assert run_cli(["import", str(source), "--project", str(project_path)]) == 0
    data = bytearray(project_path.read_bytes())
    data[-3 * 4096 : -4096] = b"\xa5" * (2 * 4096)
    project_path.write_bytes(bytes(data))
    before = hashlib.sha256(project_path.read_bytes()).hexdigest()
    capsys.readouterr()

    assert run_cli(["import", str(article), "--project", str(project_path)]) != 0
    error = capsys.readouterr().err
    assert "damaged" in error and "nothing was written" in error
    assert len(error.strip().splitlines()) == 1
    assert hashlib.sha256(project_path.read_bytes()).hexdigest() == before


def test_a_damaged_project_is_reported_in_one_line_however_many_faults_sqlite_lists(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    project_path = tmp_path / "project.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    faults = (
        "Fragmentation of 193 bytes reported as 0 on page 12\nOn tree page 50 cell 11: invalid page number"
    )
    monkeypatch.setattr("annotator.services.project.damage_report", lambda _path: faults)
    capsys.readouterr()
    assert run_cli(["import", str(article), "--project", str(project_path)]) != 0
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert "Fragmentation of 193 bytes" in error and "and 1 more" in error


def test_qts_own_options_go_to_qt_and_a_mistyped_one_is_still_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    started: list[tuple[Path | None, str | None, list[str]]] = []

    def start_app(args: argparse.Namespace) -> int:  # what would start the app, without Qt
        started.append((args.project, args.annotator, args.qt_options))
        return 0

    monkeypatch.setattr("annotator.cli._cmd_gui", start_app)
    project = tmp_path / "p.sqlite"
    argv = ["-reverse", str(project), "-style", "fusion", "--annotator", "Ana", "-qwindowgeometry=800x600"]
    assert main(argv) == 0
    # `-name=value` reaches Qt as `-name value`, the one form Qt reads for every option.
    assert started.pop() == (project, "Ana", ["-reverse", "-style", "fusion", "-qwindowgeometry", "800x600"])
    # After `--`, and as the value of --annotator, an argument that looks like Qt's is ours.
    assert main(["--", "-reverse"]) == 0
    assert started.pop() == (Path("-reverse"), None, [])
    assert main(["--annotator", "-reverse", str(project)]) == 0
    assert started.pop() == (project, "-reverse", [])

    for wrong in (["-reversed", str(project)], ["-reverse=1"], [str(project), "-style"], ["--annotator"]):
        with pytest.raises(SystemExit) as exited:
            main(wrong)  # not one of Qt's options, a flag given a value, a value missing
        assert exited.value.code != 0
    errors = capsys.readouterr().err.splitlines()
    assert len(errors) == 4 and "-reversed" in errors[0] and "-reverse=1" in errors[1]
    assert "-style needs a value" in errors[2] and "--annotator" in errors[3]
    assert started == []


def test_a_slip_in_a_command_s_name_is_named(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["exprot", "--project", "p.sqlite", "--out", "c.csv"]) == 2
    assert "did you mean “export”" in _one_line(capsys.readouterr().err)
    assert run_cli(["--annotator", "  ", str(tmp_path / "p.sqlite")]) == 2
    assert "--annotator needs a name" in _one_line(capsys.readouterr().err)
    assert list(tmp_path.iterdir()) == []


def test_export_writes_jsonl_for_a_jsonl_file_and_refuses_a_spreadsheet_s_name(
    tmp_path: Path, article: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "p.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    out = tmp_path / "claims.jsonl"
    assert run_cli(["export", "--project", str(project_path), "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8").lstrip().startswith("{")  # JSON lines, not a CSV header
    capsys.readouterr()
    assert run_cli(["export", "--project", str(project_path), "--out", str(tmp_path / "claims.xlsx")]) == 1
    assert "name the file .csv or .jsonl" in _one_line(capsys.readouterr().err)
    assert not (tmp_path / "claims.xlsx").exists()


@pytest.mark.parametrize("command", [["export", "--out", "c.csv"], ["agreement"]])
def test_a_command_that_reads_a_project_refuses_an_empty_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty.sqlite").touch()
    assert run_cli([command[0], "--project", "empty.sqlite", *command[1:]]) == 1
    assert "is empty" in _one_line(capsys.readouterr().err)
    assert (tmp_path / "empty.sqlite").stat().st_size == 0  # not made a project
    assert not (tmp_path / "c.csv").exists()


def test_a_read_only_project_is_named_so(
    tmp_path: Path, article: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    project_path = tmp_path / "p.sqlite"
    assert run_cli(["import", str(article), "--project", str(project_path)]) == 0
    before = sha256_of(project_path)
    real_access = os.access
    # As for a user without write permission (the tests may run as root, whom permissions don't stop).
    monkeypatch.setattr(
        "annotator.services.project.os.access",
        lambda path, mode: False if Path(path) == project_path else real_access(path, mode),
    )
    capsys.readouterr()
    assert run_cli(["import", str(tmp_path / "Council vote.txt"), "--project", str(project_path)]) == 1
    assert "is read-only" in _one_line(capsys.readouterr().err)
    assert sha256_of(project_path) == before
    # Reading it is another matter: a colleague's file may come read-only.
    out = tmp_path / "claims.csv"
    assert run_cli(["export", "--project", str(project_path), "--out", str(out)]) == 0
    assert run_cli(["agreement", "--project", str(project_path)]) == 0
    assert out.exists()


def test_sqlite_s_refusals_are_said_in_one_line_without_sql(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from sqlalchemy.exc import OperationalError

    said = {
        "attempt to write a readonly database": "is read-only",
        "database is locked": "is busy",
        "unable to open database file": "could not be opened",
    }
    for sqlite_says, we_say in said.items():

        def fail(_args: argparse.Namespace, sqlite_says: str = sqlite_says) -> int:
            raise OperationalError(
                "INSERT INTO article (id) VALUES (?)", ("x",), sqlite3.OperationalError(sqlite_says)
            )

        monkeypatch.setitem(annotator.cli.COMMANDS, "export", (annotator.cli._export_parser, fail))
        assert main(["export", "--project", "p.sqlite", "--out", "c.csv"]) == 1
        line = _one_line(capsys.readouterr().err)
        assert we_say in line and "INSERT" not in line and "sqlalche" not in line


def test_ctrl_c_is_said_as_such_even_when_the_cleanup_after_it_fails(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted_then_failed(_args: argparse.Namespace) -> int:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise RuntimeError("Cannot operate on a closed database.") from None

    monkeypatch.setitem(
        annotator.cli.COMMANDS, "merge", (annotator.cli._merge_parser, interrupted_then_failed)
    )
    assert main(["merge", "other.sqlite", "--project", "p.sqlite"]) == 130
    line = _one_line(capsys.readouterr().err)
    assert "interrupted" in line and "closed database" not in line


def test_an_export_into_a_pipe_that_closes_early_ends_quietly(tmp_path: Path) -> None:
    """`annotator export --out - | head`: head has what it wanted; no "Broken pipe"."""
    project = Project.open(tmp_path / "p.sqlite")
    article_id = project.articles.add_text(
        "The council voted, the clerk said. " * 60, title="Vote"
    ).article_id
    me = project.annotator("Ana")
    for start in range(0, 2000, 5):  # some 300 kB of CSV: more than a pipe holds
        add_claim(project, article_id, me, start, start + 40)
    project.close()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run(
        [
            "bash",
            "-c",
            f"'{sys.executable}' -m annotator export --project p.sqlite --out - | head -c 100",
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert len(done.stdout) == 100
    assert done.stderr == b""


def test_a_batch_import_goes_past_a_refused_file_and_encoding_applies_to_the_others_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Found by QA: `annotator import *.txt` stopped at the first file in another encoding; run
    again with --encoding as advised, it decoded the UTF-8 files in that encoding too (cafÃ©)."""
    utf8 = tmp_path / "a café.txt"
    utf8.write_text("The café was closed, the owner said.\n", encoding="utf-8")
    legacy = tmp_path / "b legacy.txt"
    legacy.write_bytes(CP1252_TEXT.encode("cp1252"))
    other = tmp_path / "c other.txt"
    other.write_text("The mayor said the bridge will reopen.\n", encoding="utf-8")
    project_path = tmp_path / "p.sqlite"

    assert run_cli(["import", str(legacy), str(utf8), str(other), "--project", str(project_path)]) == 1
    captured = capsys.readouterr()
    assert "b legacy.txt" in _one_line(captured.err) and "--encoding" in captured.err
    assert sorted(_titles(project_path)) == ["a café", "c other"]  # the others came in

    files = [str(utf8), str(legacy), str(other)]
    assert run_cli(["import", *files, "--project", str(project_path), "--encoding", "cp1252"]) == 0
    project = Project.open(project_path)
    texts = {a.title: project.articles.get(a.id).text for a in project.articles.list()}  # type: ignore[union-attr]
    project.close()
    assert sorted(texts) == ["a café", "b legacy", "c other"]  # no duplicate, no mojibake
    assert texts["a café"] == "The café was closed, the owner said.\n"
    assert texts["b legacy"] == CP1252_TEXT.replace("\r\n", "\n")
