"""Where the app keeps its files on this machine (platformdirs), without importing Qt."""

from __future__ import annotations

from pathlib import Path

import platformdirs

APP_DIR_NAME = "source-annotator"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_DIR_NAME, appauthor=False))


def default_project_path() -> Path:
    return data_dir() / "My annotations.sqlite"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir(APP_DIR_NAME, appauthor=False))


def config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_DIR_NAME, appauthor=False))
