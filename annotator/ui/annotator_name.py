"""Who is annotating: the name given for one start, the one remembered, or asked for once."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings

    from annotator.ui.dialogs import DialogService

ANNOTATOR_KEY = "annotator/name"


def _user_name() -> str:
    import getpass  # here: this module loads before the window's first paint

    return getpass.getuser()


def choose_annotator_name(explicit: str | None, settings: QSettings, dialogs: DialogService) -> str:
    """The name given on the command line, the one remembered, or asked for once and remembered.

    A name given on the command line is for that start only: on a shared machine, `--annotator Ben`
    once must not make the next plain start record Ben's name with someone else's claims."""
    if explicit and explicit.strip():
        return explicit.strip()
    name = str(settings.value(ANNOTATOR_KEY, "") or "").strip()
    if not name:
        answer = dialogs.ask_text(
            "Who is annotating?",
            "Your name or initials, recorded with every claim you make:",
            _user_name(),
        )
        name = (answer or "").strip() or _user_name()
        settings.setValue(ANNOTATOR_KEY, name)
    return name
