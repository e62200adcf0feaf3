"""While the app has its project open, nothing the app does to that file may cancel SQLite's locks on it.

POSIX locks belong to a process: closing any descriptor of a file cancels all of the process's locks on
it. The app's daily backup and its integrity check once opened the live project with Python's open() to
read its header; from then on, another program that closed the file (`annotator export`, a second
window quitting, any sqlite3 client) believed itself the last one and deleted the WAL, and the claims
the window went on saving, and showed as saved, went into the deleted file.
"""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.db.project_file import backup_to, check_sqlite_file, damage_report, read_only_connection
from tests.core.factories import add_article, add_claim, open_project

TEXT = "The ministry said the talks will go on, an official said on Tuesday. " * 5

# Another program on the same file: it opens it read-write, reads, and closes, as `annotator export`
# or a second app window does.
ANOTHER_PROGRAM = (
    "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]);"
    " c.execute('SELECT count(*) FROM article').fetchall(); c.close()"
)


def _claims_on_disk(path: Path) -> int:
    """How many claims a fresh process finds in the file."""
    script = (
        "import sqlite3, sys;"
        " print(sqlite3.connect(sys.argv[1]).execute('SELECT count(*) FROM claim').fetchone()[0])"
    )
    return int(
        subprocess.run(
            [sys.executable, "-c", script, str(path)], capture_output=True, text=True, check=True
        ).stdout
    )


@pytest.mark.parametrize(
    "what_the_app_does",
    [
        lambda path, tmp: damage_report(path),  # the check on open
        lambda path, tmp: backup_to(path, tmp / "backup.sqlite"),  # the daily backup
        lambda path, tmp: read_only_connection(path).close(),  # a first look
        lambda path, tmp: check_sqlite_file(path),  # opening it again
    ],
    ids=["integrity check", "daily backup", "first look", "open again"],
)
@pytest.mark.parametrize("through_a_link", [False, True], ids=["by its name", "through a link"])
def test_what_the_app_does_to_its_open_project_leaves_its_locks_alone(
    tmp_path: Path, what_the_app_does, through_a_link: bool
) -> None:
    real = tmp_path / "real" / "project.sqlite"
    real.parent.mkdir()
    open_project(real).close()
    path = real
    if through_a_link:  # SQLite keeps the -wal beside the file the link leads to, not beside the link
        path = tmp_path / "link.sqlite"
        path.symlink_to(real)
    project = open_project(path)
    try:
        article_id = add_article(project, TEXT)
        me = project.annotator("Ana")
        add_claim(project, article_id, me, 0, 12)
        what_the_app_does(path, tmp_path)
        subprocess.run([sys.executable, "-c", ANOTHER_PROGRAM, str(path)], check=True)
        add_claim(project, article_id, me, 20, 32)  # saved, and shown as saved
        assert real.with_name(real.name + "-wal").exists()
        assert _claims_on_disk(path) == 2
    finally:
        project.close()
    assert sqlite3.connect(path).execute("SELECT count(*) FROM claim").fetchone()[0] == 2


def test_importing_the_open_project_itself_is_refused_without_opening_it(tmp_path: Path) -> None:
    """Given the project's own file as claims or as an article (a slip in a file dialog), the import
    says so, and the file is not even opened (which would cancel the project's locks)."""
    from annotator.formats.errors import ImportRejected

    path = tmp_path / "project.txt"  # named like an article, so that only its identity gives it away
    project = open_project(path)
    try:
        article_id = add_article(project, TEXT)
        me = project.annotator("Ana")
        add_claim(project, article_id, me, 0, 12)
        with pytest.raises(ImportRejected, match="open project's own file"):
            project.exchange.import_claims(path)
        with pytest.raises(ImportRejected, match="open project's own file"):
            project.articles.import_file(path)
        subprocess.run([sys.executable, "-c", ANOTHER_PROGRAM, str(path)], check=True)
        add_claim(project, article_id, me, 20, 32)
        assert _claims_on_disk(path) == 2
    finally:
        project.close()
