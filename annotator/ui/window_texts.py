"""The main window's words: menu text, article tooltips, the invisibles report, the shortcuts list."""

from __future__ import annotations

from collections import Counter

from annotator.ui.look import plain_tooltip

# Help > Keyboard Shortcuts: (section, ((keys, what they do), ...)); the README's table says the same.
SHORTCUTS: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = (
    (
        "Tagging in the article",
        (
            (
                "Shift+arrows, Ctrl+Shift+arrows",
                "select text, by character or by word (Home/End to line ends)",
            ),
            ("1, 2, 3 …", "tag the selection with the first, second, third type (or retype the claim)"),
            ("Alt+1 … Alt+5, [ and ]", "set the confidence for new claims, and re-rate the selected claim"),
            (
                "arrows into a claim",
                "select it (mine first), unless one was picked by a click or in the list",
            ),
            ("Delete", "delete the selected claim (or the one at the caret)"),
            ("Ctrl+Shift+A", "move the selected claim to the selected text"),
            ("Escape", "let go of the selected (or picked) claim"),
            ("click a highlight", "select its claim; click again to reach claims beneath it"),
        ),
    ),
    (
        "The claim panel",
        (
            (
                "Tab, Shift+Tab",
                "move between the article, the panel's controls, the list and the claim's fields",
            ),
            ("Enter (in the list)", "edit the selected claim, starting with its type"),
            ("Alt+T, Alt+O", "the claim's type, its confidence"),
            ("Alt+S, Alt+U, Alt+M", "the source as named, the attribution cue, the comment"),
            ("Escape", "take back what was typed; again: back to the article"),
        ),
    ),
    (
        "Editing and articles",
        (
            ("Ctrl+Z, Ctrl+Shift+Z", "undo, redo (the Edit menu names the step; its article is shown)"),
            ("Ctrl+N, Ctrl+O", "new project, open a project"),
            ("Ctrl+Shift+S", "save the project to a new file, and go on there"),
            ("Ctrl+K", "the codebook: source types, their colours and keys, confidence labels"),
            ("Ctrl+PgUp, Ctrl+PgDown", "previous, next article"),
            ("Ctrl+I", "import articles (.txt, .md)"),
            ("Ctrl+Shift+V", "paste an article"),
            ("Ctrl+E", "export the dataset"),
            ("Ctrl+Shift+I", "show invisible characters (bidi controls, zero-width characters)"),
            ("F5", "reload: show what another program (the command line) changed in the project"),
        ),
    ),
    (
        "Colleagues and the review",
        (
            ("Ctrl+Shift+B", "blind mode: show only my claims (View > Show Claims Of chooses whose)"),
            ("Ctrl+Shift+G", "agreement between annotators"),
            ("Ctrl+Shift+R", "review disagreements"),
            ("N, Shift+N (review list)", "next, previous disagreement"),
            ("1 … 9 (review list)", "accept that annotator's version"),
            ("E; R or Delete; U (review list)", "edit; reject; take back the decision"),
            ("A (review list)", "accept every unit all annotators agree on"),
        ),
    ),
    ("Help", (("F1", "this list"),)),
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
