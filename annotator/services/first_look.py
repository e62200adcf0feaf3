"""The window's first look at a project, read before the database layer has loaded.

See `annotator.db.first_look`: the app shows this at once and opens the project for edits in
the background. Importing this module must stay cheap (no SQLAlchemy).
"""

from __future__ import annotations

from pathlib import Path

from annotator.db.first_look import FirstLookRows, read_first_look

__all__ = ["LAST_ARTICLE_KEY", "FirstLook", "first_look"]

LAST_ARTICLE_KEY = "last_article_id"  # the project's setting naming the article shown last

FirstLook = FirstLookRows


def first_look(path: Path) -> FirstLook | None:
    """The codebook, articles and last shown article of an up-to-date project; None otherwise."""
    return read_first_look(Path(path).expanduser().absolute(), LAST_ARTICLE_KEY)
