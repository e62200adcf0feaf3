"""Fuzz opening a project file: any bytes saved as a .sqlite file are opened, or refused with a
ProjectFileError; the first look gives its rows, None or a ProjectFileError; the damage report never
raises. Any other exception is a bug.

The seeds are a real project (an article and a claim) and copies of it with damaged headers, missing
tables, a newer schema, and files that are not projects at all.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
import tempfile
from pathlib import Path

import atheris
from _common import run

with atheris.instrument_imports(include=["annotator"]):
    from annotator.db.errors import ProjectFileError
    from annotator.db.project_file import damage_report
    from annotator.services.first_look import first_look
    from annotator.services.project import Project

_FOLDER = Path(tempfile.mkdtemp(prefix="fuzz-project-"))


def test_one_input(data: bytes) -> None:
    # Start clean: a WAL, a shared-memory file or an upgrade backup left by the last input would change
    # what this one opens.
    for leftover in _FOLDER.iterdir():
        leftover.unlink()
    path = _FOLDER / "project.sqlite"
    path.write_bytes(data)

    report = damage_report(path)
    assert report is None or isinstance(report, str)
    with contextlib.suppress(ProjectFileError):
        first_look(path)
    try:
        project = Project.open(path, create=False)
    except ProjectFileError:
        return
    project.close()
    report = damage_report(path)
    assert report is None or isinstance(report, str)


def write_seeds(folder: Path) -> None:
    work = Path(tempfile.mkdtemp(prefix="fuzz-project-seeds-"))
    try:
        project_path = work / "real.sqlite"
        project = Project.open(project_path)
        article = project.articles.add_text(
            "The mayor said the bridge will reopen in May 👷.\r\nEngineers doubt it.", title="Bridge"
        ).article_id
        annotator = project.annotator("Ann")
        project.claims.create(
            article_id=article,
            annotator_id=annotator.id,
            start=4,
            end=9,
            source_type_id=project.codebook.get().active_types[0].id,
            confidence=3,
            source="The mayor",
            cue="said",
            comment="=1+1",
        )
        project.close()
        real = project_path.read_bytes()
        page_size = int.from_bytes(real[16:18], "big")

        def patched(offset: int, replacement: bytes) -> bytes:
            return real[:offset] + replacement + real[offset + len(replacement) :]

        def changed(name: str, *statements: str) -> bytes:
            copy = work / f"{name}.sqlite"
            shutil.copyfile(project_path, copy)
            connection = sqlite3.connect(copy)
            try:
                for statement in statements:
                    connection.execute(statement)
                connection.commit()
            finally:
                connection.close()
            return copy.read_bytes()

        foreign = work / "foreign.sqlite"
        connection = sqlite3.connect(foreign)
        connection.execute("CREATE TABLE song (title TEXT)")
        connection.commit()
        connection.close()

        seeds = {
            "real": real,
            "empty": b"",
            "header-only": real[:100],
            "first-page": real[:page_size],
            "half": real[: len(real) // 2],
            "other-application": patched(68, b"XYZW"),
            "no-application-id": patched(68, b"\0\0\0\0"),
            "legacy-journal": patched(18, b"\x01\x01"),
            "wal-mode": patched(18, b"\x02\x02"),
            "bad-page-size": patched(16, b"\x03\x00"),
            "bad-page-count": patched(28, b"\xff\xff\xff\xff"),
            "bad-schema-cookie": patched(40, b"\x7f\xff\xff\xff"),
            "newer-schema": changed("newer", "UPDATE alembic_version SET version_num = '9999'"),
            "no-version": changed("no-version", "DELETE FROM alembic_version"),
            "no-claim-table": changed("no-claim", "PRAGMA foreign_keys = OFF", "DROP TABLE claim"),
            "foreign": foreign.read_bytes(),
            "text": b"Not a database at all.\n",
            "sqlite-magic-only": b"SQLite format 3\0" + bytes(84),
        }
        for name, content in seeds.items():
            (folder / name).write_bytes(content)
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    run(test_one_input, write_seeds)
