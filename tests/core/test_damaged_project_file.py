"""A project file whose schema is damaged into bytes that are not UTF-8 (found by fuzz/project_file.py).

SQLite's message about such a schema quotes the damaged bytes, and Python's sqlite3 module then raises
UnicodeDecodeError instead of DatabaseError: every reader of a file must still answer in its own terms.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.db.errors import NotAProjectError, ProjectFileError
from annotator.db.project_file import damage_report
from annotator.services.first_look import first_look
from annotator.services.project import Project
from tests.core.factories import add_article, open_project, sha256_of


@pytest.fixture
def damaged_schema(tmp_path: Path) -> Path:
    path = tmp_path / "p.sqlite"
    project = open_project(path)
    add_article(project, "The mayor said the bridge will reopen in May.")
    project.close()
    data = bytearray(path.read_bytes())
    # Spoil the schema's SQL just before one of its constraints (only the schema says CONSTRAINT).
    at = data.index(b"CONSTRAINT", 100)
    data[at - 6 : at] = b"\xb2\xaa\xb3\xb3\xd3\xdf"
    path.write_bytes(bytes(data))
    return path


def test_the_damage_report_quotes_sqlite(damaged_schema: Path) -> None:
    report = damage_report(damaged_schema)
    assert report is not None
    assert report.startswith("malformed database schema")
    assert "\ufffd" in report  # the bytes that are not UTF-8


def test_the_first_look_leaves_it_to_the_full_open(damaged_schema: Path) -> None:
    assert first_look(damaged_schema) is None


def test_the_full_open_refuses_it_untouched(damaged_schema: Path) -> None:
    before = sha256_of(damaged_schema)
    with pytest.raises(ProjectFileError, match=r"is damaged \(malformed database schema") as refused:
        Project.open(damaged_schema)
    # Damaged, not someone else's: the app offers to restore it from a backup (ui/project_files.py).
    assert not isinstance(refused.value, NotAProjectError)
    assert sha256_of(damaged_schema) == before
