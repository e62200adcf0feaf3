"""The main window's words: menu text, article tooltips, the invisibles report, the shortcuts list."""

from __future__ import annotations

from collections import Counter

from annotator.ui.look import plain_tooltip

SHORTCUT_LINES = (
    "Select text with the mouse or Shift+arrows (Ctrl+Shift+arrows by word), then:",
    "  1, 2, 3 …   tag the selection with the first, second, third source type",
    "  Alt+1 … Alt+5   set the confidence (and re-rate the selected claim)",
    "  [ and ]   lower or raise the confidence",
    "  Delete   delete the selected claim",
    "  Ctrl+Shift+A   move the selected claim to the selected text",
    "  Ctrl+Z / Ctrl+Shift+Z   undo / redo",
    "  Ctrl+PgUp / Ctrl+PgDown   previous / next article",
    "  Ctrl+Shift+I   show invisible characters (bidi controls, zero-width characters)",
    "  Ctrl+Shift+G   agreement between annotators",
    "  Ctrl+Shift+R   review disagreements; in its list: N / Shift+N next / previous disagreement,",
    "      1 … 9 accept that annotator's version, E edit, R or Delete reject, U take back,",
    "      A accept every unit all annotators agree on",
    "  Ctrl+Shift+B   blind mode: show only my claims (View > Show Claims Of chooses whose)",
    "Click a highlight to select its claim; click again to reach claims beneath it.",
)


def menu_text(text: str) -> str:
    """User text in a menu: a lone "&" would become a keyboard mnemonic ("R&D" -> Alt+D)."""
    return text.replace("&", "&&")


def describe_invisibles(found: list[tuple[int, str]]) -> str:
    if not found:
        return "This article has no invisible characters."
    counts = Counter(name for _, name in found)
    listed = ", ".join(f"{count} {name}" for name, count in counts.most_common())
    return f"This article has {len(found)} invisible character{'s' if len(found) != 1 else ''}: {listed}."


def article_tooltip(title: str, outlet: str, published: str, claim_count: int | None) -> str:
    """None leaves the count out (blind mode: it counts colleagues' claims too)."""
    count = f"{claim_count} claim{'s' if claim_count != 1 else ''}" if claim_count is not None else ""
    return plain_tooltip(" · ".join(x for x in (title, outlet, published, count) if x))
