"""A claim the app reported as saved is still there after the process is killed mid-work."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.services.project import Project
from tests.core.factories import add_article, open_project

REPO = Path(__file__).resolve().parents[2]
ROUNDS = 3
LINES_BEFORE_KILL = 25

# The child tags claims as fast as it can and prints each id only once create() has returned.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from annotator.services.project import Project

    project = Project.open(Path(sys.argv[1]), create=False)
    article_id = project.articles.list()[0].id
    text = project.articles.get(article_id).text
    annotator = project.annotator(sys.argv[2])
    type_id = project.codebook.get().active_types[0].id
    n = 0
    while True:
        start = n % (len(text) - 10)
        _, claim = project.claims.create(
            article_id=article_id, annotator_id=annotator.id, start=start, end=start + 10,
            source_type_id=type_id, confidence=1 + n % 5, comment=f"claim {n}",
        )
        print(claim.id, flush=True)
        n += 1
    """
)


def _kill_while_writing(project_path: Path, annotator: str) -> list[str]:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(project_path), annotator],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )
    reported: list[str] = []
    try:
        assert child.stdout is not None
        for line in child.stdout:
            reported.append(line.strip())
            if len(reported) >= LINES_BEFORE_KILL:
                break
    finally:
        child.kill()  # SIGKILL on POSIX: no atexit, no engine.dispose(), no checkpoint
        _, errors = child.communicate(timeout=30)
    assert len(reported) == LINES_BEFORE_KILL, f"the child stopped early: {errors}"
    return reported


def test_claims_reported_saved_survive_a_kill(tmp_path: Path) -> None:
    project_path = tmp_path / "durable.sqlite"
    project = open_project(project_path)
    article_id = add_article(
        project, "The agency said the outage was contained, officials told reporters. " * 5
    )
    project.close()

    all_reported: list[str] = []
    for round_number in range(ROUNDS):
        reported = _kill_while_writing(project_path, f"Annotator {round_number}")
        all_reported.extend(reported)

        check = sqlite3.connect(project_path)
        try:
            assert check.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            check.close()

        reopened = Project.open(project_path, create=False)
        try:
            stored = {c.id for c in reopened.claims.for_article(article_id)}
            assert set(all_reported) <= stored
            assert len(stored) >= len(all_reported)
            with reopened._tx.engine.connect() as connection:
                assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
                assert connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall() == []
            for claim_id in reported:
                claim = reopened.claims.get(claim_id)
                text = reopened.articles.get(article_id).text
                assert text[claim.start : claim.end] == claim.quote
        finally:
            reopened.close()

    assert len(set(all_reported)) == ROUNDS * LINES_BEFORE_KILL


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
