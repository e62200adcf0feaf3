"""Core tests must pass with Qt absent: with ANNOTATOR_HIDE_QT=1 any import of Qt fails."""

from __future__ import annotations

import importlib.abc
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from annotator.services.project import Project

_QT_MODULES = ("PySide6", "shiboken6", "qtawesome", "qtpy", "pytestqt")


class _HideQt(importlib.abc.MetaPathFinder):
    def find_spec(self, fullname, path, target=None):  # type: ignore[no-untyped-def]
        if fullname.split(".")[0] in _QT_MODULES:
            raise ImportError(f"{fullname} is hidden: core tests must not need Qt")
        return None


if os.environ.get("ANNOTATOR_HIDE_QT") == "1":
    sys.meta_path.insert(0, _HideQt())


@pytest.fixture
def mine(tmp_path: Path) -> Iterator[Project]:
    """My project, for the merge tests: "mine.sqlite", closed after the test."""
    from annotator.services.project import Project  # here: the Qt guard above is set up first

    project = Project.open(tmp_path / "mine.sqlite")
    yield project
    project.close()
