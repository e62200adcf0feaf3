"""What `pip install .` ships: every package, the migrations, the resources and the sample article."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _config() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]


def test_every_package_in_the_source_tree_is_listed():
    on_disk = {
        ".".join(init.parent.relative_to(ROOT).parts)
        for init in (ROOT / "annotator").rglob("__init__.py")
        if "__pycache__" not in init.parts
    }
    listed = set(_config()["packages"])
    assert on_disk <= listed, f"add to [tool.setuptools] packages: {sorted(on_disk - listed)}"


def test_resources_and_seeds_ship_inside_the_package():
    config = _config()
    assert config["package-dir"] == {"annotator.resources": "resources", "annotator.seeds": "seeds"}
    assert (ROOT / "seeds" / "al-asad-rocket-attack.txt").is_file()
    assert (ROOT / "resources" / "icons" / "source-annotator.svg").is_file()
    assert "*.txt" in config["package-data"]["annotator.seeds"]


def test_the_annotator_command_is_a_gui_script():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["gui-scripts"] == {"annotator": "annotator.cli:main"}
    assert any(dep.startswith("PySide6-Essentials>=6.11,<6.12") for dep in project["dependencies"])
