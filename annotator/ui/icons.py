"""Icons from qtawesome, loaded after the window's first paint (importing it costs ~0.15 s)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QIcon

_pending: list[tuple[Callable[[QIcon], Any], str, dict[str, Any]]] = []
_loaded = False


def icon(name: str, **options: Any) -> QIcon:
    """An icon now, importing qtawesome if needed (for dialogs opened after start-up)."""
    global _loaded
    import qtawesome

    _loaded = True
    return qtawesome.icon(name, **options)


def set_icon_later(setter: Callable[[QIcon], Any], name: str, **options: Any) -> None:
    """Give a widget its icon once icons are loaded; at once if they already are."""
    if _loaded:
        setter(icon(name, **options))
    else:
        _pending.append((setter, name, options))


def load_pending() -> None:
    """Load qtawesome and hand out every icon asked for so far."""
    while _pending:
        setter, name, options = _pending.pop(0)
        try:
            setter(icon(name, **options))
        except RuntimeError:  # the widget was deleted before icons loaded
            continue
