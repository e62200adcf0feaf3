"""A claim the app reported as saved is still there after the process is killed mid-work."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from annotator.db.project_file import read_only_connection
from annotator.services.project import Project
from tests.core.factories import add_article, open_project

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 30
MAX_DELAY_S = 0.1  # how long after its first reported save a child may live on
APP_CHECK_EVERY = 10  # rounds between checks through the app (which checkpoints the WAL on close)

# The zygote imports the app once and forks one child per round (a fresh interpreter per round
# would spend ~1 s importing SQLAlchemy). Each child opens the project through the app's real
# code path and tags claims until it is killed, printing each id only once create() has returned;
# one os.write() per line, so a line is in the pipe whole or not at all when the kill lands.
ZYGOTE = textwrap.dedent(
    """
    import os, sys, traceback
    from pathlib import Path
    from annotator.services.project import Project

    def save_claims_until_killed(path, annotator_name):
        project = Project.open(path, create=False)
        article_id = project.articles.list()[0].id
        text = project.articles.get(article_id).text
        annotator = project.annotator(annotator_name)
        type_id = project.codebook.get().active_types[0].id
        n = 0
        while True:
            start = n % (len(text) - 10)
            _, claim = project.claims.create(
                article_id=article_id, annotator_id=annotator.id, start=start, end=start + 10,
                source_type_id=type_id, confidence=1 + n % 5, comment=f"claim {n}",
            )
            os.write(1, f"{claim.id}\\n".encode())
            n += 1

    path = Path(sys.argv[1])
    while line := sys.stdin.readline():
        pid = os.fork()
        if pid == 0:
            try:
                os.write(1, f"pid {os.getpid()}\\n".encode())
                save_claims_until_killed(path, line.strip())
            except BaseException:
                traceback.print_exc()
                sys.stderr.flush()
            os._exit(1)
        _, status = os.waitpid(pid, 0)
        os.write(1, f"exit {status}\\n".encode())
    """
)


def _kill_while_writing(zygote: subprocess.Popen[str], annotator: str, delay: float) -> list[str]:
    """One round: a child saves claims; SIGKILL lands `delay` seconds after its first reported save."""
    assert zygote.stdin is not None and zygote.stdout is not None
    zygote.stdin.write(annotator + "\n")
    zygote.stdin.flush()
    pid_line = zygote.stdout.readline()
    assert pid_line.startswith("pid "), f"the zygote said {pid_line!r}"
    pid = int(pid_line.split()[1])

    def next_line() -> str:
        line = zygote.stdout.readline()
        assert line, "the zygote died"
        return line.strip()

    reported: list[str] = []
    line = next_line()
    if not line.startswith("exit "):
        reported.append(line)
        time.sleep(delay)
        os.kill(pid, signal.SIGKILL)  # no atexit, no engine.dispose(), no checkpoint
        line = next_line()
        while not line.startswith("exit "):  # saves acknowledged before the kill landed
            reported.append(line)
            line = next_line()
    status = int(line.split()[1])
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"the child ended by itself (status {status}) after {len(reported)} claims; see its traceback above"
    )
    assert reported, "the child was killed before it reported a save"
    return reported


def _check_read_only(project_path: Path, reported: set[str]) -> None:
    # Read-only, so the check neither checkpoints nor removes the WAL the children left: the next
    # child recovers it, and damage from one kill would carry into the following rounds.
    check = read_only_connection(project_path)
    try:
        assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        stored = {claim_id for (claim_id,) in check.execute("SELECT id FROM claim")}
    finally:
        check.close()
    assert not reported - stored, f"{len(reported - stored)} reported saves are missing"


def _check_through_the_app(project_path: Path, article_id: str, reported: set[str]) -> None:
    reopened = Project.open(project_path, create=False)
    try:
        text = reopened.articles.get(article_id).text
        stored = {c.id: c for c in reopened.claims.for_article(article_id)}
        assert not reported - stored.keys()
        with reopened._tx.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
        for claim_id in reported:
            claim = stored[claim_id]
            assert text[claim.start : claim.end] == claim.quote
    finally:
        reopened.close()


@pytest.mark.skipif(not hasattr(os, "fork"), reason="the zygote forks one child per round")
def test_claims_reported_saved_survive_a_kill(tmp_path: Path) -> None:
    # One project file for all rounds: whatever a kill leaves behind (a WAL to recover, a
    # checkpoint cut short) is what the next child starts from.
    project_path = tmp_path / "durable.sqlite"
    project = open_project(project_path)
    article_id = add_article(
        project, "The agency said the outage was contained, officials told reporters. " * 5
    )
    project.close()

    rng = random.Random(4)
    reported: set[str] = set()
    with (tmp_path / "zygote-stderr.txt").open("w+") as errors:
        zygote = subprocess.Popen(
            [sys.executable, "-c", ZYGOTE, str(project_path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        try:
            for round_number in range(ROUNDS):
                try:
                    saved = _kill_while_writing(
                        zygote, f"Annotator {round_number}", rng.uniform(0, MAX_DELAY_S)
                    )
                except AssertionError:
                    errors.seek(0)
                    print(errors.read(), file=sys.stderr)
                    raise
                assert not reported & set(saved)
                reported.update(saved)
                _check_read_only(project_path, reported)
                if (round_number + 1) % APP_CHECK_EVERY == 0:
                    _check_through_the_app(project_path, article_id, reported)
        finally:
            zygote.kill()
            zygote.communicate(timeout=30)
    assert len(reported) >= ROUNDS


def test_a_project_killed_right_after_it_was_created_opens_again(tmp_path: Path) -> None:
    # The child creates the project itself, so everything may still sit in the WAL when it dies.
    project_path = tmp_path / "fresh.sqlite"
    code = textwrap.dedent(
        """
        import sys, time
        from pathlib import Path
        from annotator.services.project import Project
        project = Project.open(Path(sys.argv[1]))
        result = project.articles.add_text("A claim in a brand new project.", title="Fresh")
        print(result.article_id, flush=True)
        time.sleep(60)
        """
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code, str(project_path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    try:
        assert child.stdout is not None
        article_id = child.stdout.readline().strip()
    finally:
        child.kill()
        child.communicate(timeout=30)
    assert article_id

    reopened = Project.open(project_path, create=False)
    try:
        assert [a.id for a in reopened.articles.list()] == [article_id]
        assert [t.name for t in reopened.codebook.get().active_types] == [
            "official",
            "unnamed",
            "speculation",
        ]
    finally:
        reopened.close()
