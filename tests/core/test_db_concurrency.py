"""Two app processes saving into one project file at once: every save lands, none reports an error."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from annotator.services.project import Project
from tests.core.factories import add_article, open_project

REPO = Path(__file__).resolve().parents[2]
SAVES_PER_PROCESS = 300

# Each save reads first (the codebook, as the claim panel does), then creates a claim in one of
# six articles, and reads that article's claims back as the article view does. The service keeps
# the texts of four articles, so with six in turn the save's own transaction also reads (the
# article's text) before it writes: the read-then-write transaction that fails with "database is
# locked" unless writers take the write lock up front. The processes start together on a "go"
# line so their saves interleave; any exception ends a process with a traceback and a non-zero
# exit status, which is what would have reached the user.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from annotator.services.project import Project

    project = Project.open(Path(sys.argv[1]), create=False)
    annotator = project.annotator(sys.argv[2])
    articles = project.articles.list()
    print("ready", flush=True)
    sys.stdin.readline()
    for n in range(int(sys.argv[3])):
        types = project.codebook.get().active_types
        article = articles[n % len(articles)]
        start = (n * 7) % 300  # every article is longer than 310 characters
        _, claim = project.claims.create(
            article_id=article.id, annotator_id=annotator.id, start=start, end=start + 10,
            source_type_id=types[n % len(types)].id, confidence=1 + n % 5, comment=f"save {n}",
        )
        assert claim.id in {c.id for c in project.claims.for_article(article.id)}
        print(claim.id, flush=True)
    project.close()
    """
)
ARTICLES = 6


def test_two_processes_saving_at_once_lose_nothing_and_report_no_error(tmp_path: Path) -> None:
    project_path = tmp_path / "shared.sqlite"
    project = open_project(project_path)
    article_ids = [
        add_article(
            project, f"Minister {n} said the budget would balance, aides said. " * 8, title=f"Article {n}"
        )
        for n in range(ARTICLES)
    ]
    project.close()

    children = [
        subprocess.Popen(
            [sys.executable, "-c", CHILD, str(project_path), name, str(SAVES_PER_PROCESS)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        for name in ("Ana", "Ben")
    ]
    try:
        for child in children:
            assert child.stdout is not None
            assert child.stdout.readline().strip() == "ready"
        for child in children:
            assert child.stdin is not None
            child.stdin.write("go\n")
            child.stdin.flush()
        outputs = [child.communicate(timeout=120) for child in children]
    finally:
        for child in children:
            child.kill()
            child.wait(timeout=30)

    saved: set[str] = set()
    for child, (stdout, stderr) in zip(children, outputs, strict=True):
        assert child.returncode == 0, stderr
        assert "Traceback" not in stderr, stderr
        ids = stdout.split()
        assert len(ids) == SAVES_PER_PROCESS
        saved.update(ids)
    assert len(saved) == 2 * SAVES_PER_PROCESS

    reopened = Project.open(project_path, create=False)
    try:
        stored = {claim.id for article_id in article_ids for claim in reopened.claims.for_article(article_id)}
        assert stored == saved
        with reopened._tx.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
            assert connection.exec_driver_sql("SELECT count(*) FROM claim").scalar() == 600
    finally:
        reopened.close()
