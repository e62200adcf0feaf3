"""Where the shipped resources and seed articles are, installed or run from a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent


def _shipped_dir(name: str) -> Path:
    # A wheel maps the top-level folder into the package (see pyproject's package-dir);
    # a source checkout or an editable install finds it beside the package.
    inside = _PACKAGE_DIR / name
    return inside if inside.is_dir() else _PACKAGE_DIR.parent / name


def resources_dir() -> Path:
    return _shipped_dir("resources")


def seeds_dir() -> Path:
    return _shipped_dir("seeds")
