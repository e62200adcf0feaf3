"""Whose claims are shown: View > Show Claims Of and View > Blind Mode, their legend, remembered per project.

This module owns the choice and its menu; `highlights` draws it and the claim panel filters by it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QPoint, QPointF, QSettings, QSize, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QFont,
    QFontMetricsF,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPalette,
    QTextCharFormat,
    QTextLayout,
)
from PySide6.QtWidgets import QLabel, QMainWindow, QMenu, QSizePolicy, QToolTip, QWidget

from annotator.domain.records import Annotator, Claim
from annotator.ui.article_view import INK, PAPER, ArticleView, reading_font
from annotator.ui.highlights import (
    COLLEAGUE_LINES,
    SINGLE_STRENGTH,
    UnderlineStyle,
    parse_colour,
    to_qcolor,
    wash_colour,
)
from annotator.ui.theme import BAR_TEXT

if TYPE_CHECKING:
    from PySide6.QtGui import QHelpEvent, QUndoCommand, QUndoStack

BLIND_REASON = "Blind mode is on"
BLIND_SHORTCUT = "Ctrl+Shift+B"
BLIND_UNDO_CLEARED = "Blind mode: the undo history was cleared so that it reveals no colleague's work"
EVERYONE = "everyone"  # the stored choice meaning every annotator, including ones a later merge brings
_SETTINGS_GROUP = "annotatorView"

LINE_NAMES = {
    UnderlineStyle.DotLine: "dotted line",
    UnderlineStyle.WaveUnderline: "wavy line",
    UnderlineStyle.DashDotLine: "dash-dot line",
    UnderlineStyle.DashDotDotLine: "dash-dot-dot line",
}


def settings_key(path: Path) -> str:
    """The settings group of one project file: its resolved path, hashed (a path's slashes would nest)."""
    resolved = str(Path(path).expanduser().resolve())
    return f"{_SETTINGS_GROUP}/{hashlib.sha256(resolved.encode('utf-8')).hexdigest()[:20]}"


def colleague_lines(colleagues: Sequence[Annotator]) -> dict[str, UnderlineStyle]:
    """Each colleague's underline style, in name order over the whole project: a colleague keeps their
    style whoever else is shown, and up to four colleagues never share one."""
    ordered = sorted(colleagues, key=lambda a: (a.name.casefold(), a.id))
    return {a.id: COLLEAGUE_LINES[number % len(COLLEAGUE_LINES)] for number, a in enumerate(ordered)}


def reveals_colleagues(command: QUndoCommand, me_id: str | None) -> bool:
    """Whether an undo step names or would change colleagues' work: a review decision, or an edit of
    a colleague's claim. My own claims' tagging, edits and deletions do not."""
    # Imported here: this module loads before the first paint, and the commands only once there is a stack.
    from annotator.ui.review_commands import ReviewCommand
    from annotator.ui.undo import DeleteClaimCommand, EditClaimCommand, TagClaimCommand

    if isinstance(command, ReviewCommand):
        return True
    claims: tuple[Claim, ...] = ()
    if isinstance(command, TagClaimCommand | DeleteClaimCommand):
        claims = (command.claim,)
    elif isinstance(command, EditClaimCommand):
        claims = (command.before, command.after)
    if any(claim.annotator_id != me_id for claim in claims):
        return True
    return any(reveals_colleagues(command.child(i), me_id) for i in range(command.childCount()))


class AnnotatorView(QObject):
    """The user's choice of whose claims are shown, and blind mode, for the open project.

    `shown()` is what the article and the claims list show: None for everyone's claims, else a set of
    annotator ids; in blind mode only mine, whatever was chosen (which comes back when blind mode ends).
    """

    sig_shown_changed = Signal(object, object)  # shown annotator ids or None, {colleague id: line style}

    def __init__(self, window: QMainWindow, settings: QSettings) -> None:
        super().__init__(window)
        self._window = window
        self._settings = settings
        self._key: str | None = None  # the open project's settings group
        self._me: Annotator | None = None
        self._annotators: list[Annotator] = []  # every annotator of the project, me first
        self._chosen: frozenset[str] | None = None  # None: everyone
        self._blind = False
        self._governed: list[QMenu] = []  # menus (Review) whose actions blind mode disables
        self._tips: dict[QAction, tuple[str, str]] = {}  # their own status tip and tooltip
        self._view: ArticleView | None = None  # the article, for tooltips naming who
        self._undo_stack: QUndoStack | None = None  # the window's, which blind mode keeps clear of colleagues

        self.menu = QMenu("Show Claims &Of", window)
        self.menu.setToolTipsVisible(True)
        self.menu.menuAction().setStatusTip("Choose whose claims the article and the claims list show")
        self.blind_action = QAction("&Blind Mode", window)
        self.blind_action.setCheckable(True)
        self.blind_action.setShortcut(QKeySequence(BLIND_SHORTCUT))
        self.blind_action.setStatusTip("Show only my claims, so that my coding stays independent")
        self.blind_action.toggled.connect(self.set_blind)
        self.blind_action.setEnabled(False)  # until a project is open
        window.addAction(self.blind_action)
        self.blind_label = QLabel("Blind mode")
        self.blind_label.setObjectName("blindMode")
        # Set apart from the saved-state text beside it: it changes what the whole window shows.
        # Its own style sheet keeps it from the status bar's palette: the bar's text colour is named here.
        self.blind_label.setStyleSheet(f"font-weight: 600; padding: 0 10px; color: {BAR_TEXT};")
        self.blind_label.setToolTip("Only your claims are shown. View > Blind Mode (Ctrl+Shift+B) ends it.")
        window.statusBar().addPermanentWidget(self.blind_label)
        self.blind_label.hide()
        # The window puts it above the article; hidden while one annotator is shown.
        self.legend = AnnotatorLegend(window)
        self.legend.hide()
        self._annotator_actions: dict[str, QAction] = {}
        self._everyone_action = QAction("&Everyone", self.menu)
        self._everyone_action.setCheckable(True)
        self._everyone_action.triggered.connect(lambda: self.choose(None))
        self._only_mine_action = QAction("&Only Mine", self.menu)
        self._only_mine_action.setCheckable(True)
        self._only_mine_action.triggered.connect(self.choose_only_mine)
        self._rebuild_menu()

    # --- the open project ----------------------------------------------------------------------------

    def set_project(self, path: Path | None, me: Annotator | None, annotators: Iterable[Annotator]) -> None:
        """Work for the project at `path` (None: no project): its annotators, and the choice remembered
        for it."""
        self._key = settings_key(path) if path is not None else None
        self._me = me
        self._set_annotators(annotators)
        self._chosen, self._blind = self._remembered()
        self._forget_strangers()
        self.blind_action.setEnabled(path is not None)
        self._rebuild_menu()
        self._apply()

    def set_annotators(self, annotators: Iterable[Annotator]) -> None:
        """The project's annotators changed (a merge brought colleagues)."""
        self._set_annotators(annotators)
        self._forget_strangers()
        self._rebuild_menu()
        self._apply()

    def show_first_look(self, path: Path, my_name: str, claims: Iterable[Claim]) -> None:
        """The choice for a project shown before it has opened, known only by its shown claims."""
        my_name = " ".join(my_name.split())
        names = {claim.annotator_id: claim.annotator_name for claim in claims}
        mine = next((a_id for a_id, name in names.items() if name == my_name), None)
        self._key = settings_key(path)
        self._me = Annotator(mine, my_name) if mine is not None else None
        self._set_annotators(Annotator(a_id, name) for a_id, name in names.items())
        self._chosen, self._blind = self._remembered()
        self._rebuild_menu()
        self._apply()

    def govern_menu(self, menu: QMenu) -> None:
        """Disable the actions of `menu` (Review) while blind mode is on, saying why; actions added to it
        later are governed too."""
        if menu not in self._governed:
            self._governed.append(menu)
        self._apply_blind_to_actions()

    def guard_undo(self, stack: QUndoStack) -> None:
        """Keep `stack` from reaching colleagues' work in blind mode: once it is on, Undo must neither
        take back a review decision made before nor name one (or a colleague's claim) in the Edit
        menu. A history holding such a step is cleared, and the status bar says so; a history of my
        own edits alone is kept."""
        self._undo_stack = stack

    def watch(self, view: ArticleView) -> None:
        """Name whose claims lie under the mouse in `view`, while several annotators are shown."""
        self._view = view
        view.viewport().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            event.type() == QEvent.Type.ToolTip
            and self._view is not None
            and watched is self._view.viewport()
        ):
            help_event: QHelpEvent = event  # type: ignore[assignment]
            text = self.tooltip_at(help_event.pos())
            if text:
                QToolTip.showText(help_event.globalPos(), text, self._view.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().eventFilter(watched, event)

    def tooltip_at(self, pos: QPoint) -> str:
        """Who made the claims under a viewport point, innermost first; empty over plain text, and while
        one annotator is shown (the article then looks as it always did)."""
        view = self._view
        if view is None or not self.lines() or not view.text():
            return ""
        code_point = view.code_point_under(pos)  # as a click finds it, right to left too
        if code_point is None:
            return ""  # beside the text, not on it
        by_id = {a.id: a for a in self._annotators}
        lines = self.lines()
        who: list[str] = []
        for claim_id in view.claim_ids_at(code_point):
            annotator = by_id.get(view.highlights.annotator_of(claim_id) or "")
            if annotator is None:
                continue
            line = lines.get(annotator.id)
            label = self._label(annotator) + (f" ({LINE_NAMES[line]})" if line is not None else "")
            if label not in who:
                who.append(label)
        return f"Claimed here by {', '.join(who)}" if who else ""

    def _label(self, annotator: Annotator) -> str:
        """An annotator as the legend and the tooltips name them."""
        return (
            f"Mine ({annotator.name})"
            if self._me is not None and annotator.id == self._me.id
            else annotator.name
        )

    def add_to(self, view_menu: QMenu) -> None:
        """Put the submenu and blind mode into the View menu (which is rebuilt with the codebook)."""
        view_menu.addMenu(self.menu)
        view_menu.addAction(self.blind_action)

    # --- the choice -----------------------------------------------------------------------------------

    def shown(self) -> frozenset[str] | None:
        """The annotators whose claims are shown now (None: everyone's)."""
        if self._blind:
            return frozenset({self._me.id}) if self._me is not None else frozenset()
        return self._chosen

    def lines(self) -> dict[str, UnderlineStyle]:
        """Colleagues' underline styles, while more than one annotator is shown; else none."""
        shown = self.shown()
        present = [a for a in self._annotators if shown is None or a.id in shown]
        if len(present) < 2:
            return {}
        colleagues = [a for a in self._annotators if self._me is None or a.id != self._me.id]
        return {
            a_id: line for a_id, line in colleague_lines(colleagues).items() if shown is None or a_id in shown
        }

    @property
    def blind(self) -> bool:
        return self._blind

    def choose(self, annotator_ids: Iterable[str] | None) -> None:
        """Show these annotators' claims (None: everyone's); the choice is remembered for the project."""
        chosen = frozenset(annotator_ids) if annotator_ids is not None else None
        if chosen is not None and not chosen:
            chosen = self._chosen  # never nobody: unticking the last one keeps it ticked
        self._chosen = chosen
        self._remember()
        self._apply()

    def choose_only_mine(self) -> None:
        if self._me is not None:
            self.choose({self._me.id})

    def toggle(self, annotator_id: str, on: bool) -> None:
        """Tick or untick one annotator in the submenu."""
        everyone = frozenset(a.id for a in self._annotators)
        current = self._chosen if self._chosen is not None else everyone
        chosen = current | {annotator_id} if on else current - {annotator_id}
        # All of them ticked is Everyone, which also takes in the colleagues a later merge brings.
        self.choose(None if everyone <= chosen else chosen)

    def set_blind(self, on: bool) -> None:
        if on == self._blind:
            return
        self._blind = on
        self._remember()
        self._apply()

    # --- inside -------------------------------------------------------------------------------------

    def _set_annotators(self, annotators: Iterable[Annotator]) -> None:
        me = self._me
        others = sorted(
            (a for a in annotators if me is None or a.id != me.id), key=lambda a: (a.name.casefold(), a.id)
        )
        self._annotators = ([me] if me is not None else []) + others

    def _forget_strangers(self) -> None:
        """Drop chosen ids the project does not know. The choice is remembered by the file's path, and a new
        project made at that path has new annotators: choosing none of them would show nobody at all, with
        nothing ticked in the menu. What is left of the choice stands; with nothing left, everyone."""
        if self._chosen is None:
            return
        known = self._chosen & {a.id for a in self._annotators}
        self._chosen = known or None

    def _remembered(self) -> tuple[frozenset[str] | None, bool]:
        if self._key is None:
            return None, False
        blind = self._settings.value(f"{self._key}/blind", False, type=bool)
        stored = self._settings.value(f"{self._key}/shown", EVERYONE)
        try:
            ids = json.loads(stored) if stored != EVERYONE else None
        except (TypeError, ValueError):
            ids = None  # a hand-edited setting: show everyone rather than fail
        chosen = frozenset(str(i) for i in ids) if isinstance(ids, list) and ids else None
        return chosen, bool(blind)

    def _remember(self) -> None:
        if self._key is None:
            return
        shown = EVERYONE if self._chosen is None else json.dumps(sorted(self._chosen))
        self._settings.setValue(f"{self._key}/shown", shown)
        self._settings.setValue(f"{self._key}/blind", self._blind)

    def _apply(self) -> None:
        # Not silenced: blind mode that a project brings along (remembered for it) must reach whoever
        # listens to the action (the window closes an agreement window) like a toggle by hand; the
        # action's own `toggled` comes back to `set_blind`, which has nothing left to do.
        self.blind_action.setChecked(self._blind)
        self._sync_menu()
        self._apply_blind_to_actions()
        self.blind_label.setVisible(self._blind)
        lines = self.lines()
        self.legend.set_entries(self._legend_entries(lines))
        self.sig_shown_changed.emit(self.shown(), lines)
        if self._blind:
            self._clear_revealing_undo()

    def _clear_revealing_undo(self) -> None:
        stack = self._undo_stack
        if stack is None:
            return
        me_id = self._me.id if self._me is not None else None
        # Redo steps too: a redo would settle a decision again, and its text names whose version.
        if any(reveals_colleagues(stack.command(i), me_id) for i in range(stack.count())):
            stack.clear()
            self._window.statusBar().showMessage(BLIND_UNDO_CLEARED, 15000)

    def _apply_blind_to_actions(self) -> None:
        actions = [a for menu in self._governed for a in menu.actions() if not a.isSeparator()]
        for action in actions:
            if self._blind:
                self._tips.setdefault(action, (action.statusTip(), action.toolTip()))
                action.setEnabled(False)
                action.setStatusTip(f"{BLIND_REASON}: turn it off in the View menu (Ctrl+Shift+B)")
                action.setToolTip(BLIND_REASON)
            elif action in self._tips:
                status_tip, tooltip = self._tips.pop(action)
                action.setStatusTip(status_tip)
                action.setToolTip(tooltip)
                action.setEnabled(self._key is not None)

    def _rebuild_menu(self) -> None:
        """One entry per annotator (only when they change: never from inside an entry's own signal)."""
        kept = (self._everyone_action, self._only_mine_action)
        for action in self.menu.actions():  # not clear(): it would delete the kept ones too
            self.menu.removeAction(action)
            if action not in kept:
                action.deleteLater()
        self._annotator_actions = {}
        me_id = self._me.id if self._me is not None else None
        lines = colleague_lines([a for a in self._annotators if a.id != me_id])
        for annotator in self._annotators:
            name = annotator.name.replace("&", "&&")
            action = QAction(f"&Mine ({name})" if annotator.id == me_id else name, self.menu)
            action.setCheckable(True)
            line = lines.get(annotator.id)
            if line is not None:
                action.setStatusTip(f"{annotator.name}'s claims: an underline, a {LINE_NAMES[line]}")
            # `triggered` is the user's click only; setChecked from `_sync_menu` does not send it.
            action.triggered.connect(lambda on, a_id=annotator.id: self.toggle(a_id, on))
            self.menu.addAction(action)
            self._annotator_actions[annotator.id] = action
        self.menu.addSeparator()
        self.menu.addActions([self._everyone_action, self._only_mine_action])
        self._sync_menu()

    def _sync_menu(self) -> None:
        """Ticks and enabled states as the choice stands."""
        shown = self._chosen
        me_id = self._me.id if self._me is not None else None
        for annotator_id, action in self._annotator_actions.items():
            action.setChecked(shown is None or annotator_id in shown)
        self._everyone_action.setChecked(shown is None)
        self._only_mine_action.setChecked(me_id is not None and shown == frozenset({me_id}))
        self._only_mine_action.setEnabled(me_id is not None)
        menu_action = self.menu.menuAction()
        menu_action.setEnabled(not self._blind and bool(self._annotators))
        menu_action.setToolTip(BLIND_REASON if self._blind else "")
        self.menu.setToolTip(BLIND_REASON if self._blind else "")

    def _legend_entries(self, lines: dict[str, UnderlineStyle]) -> list[tuple[str, UnderlineStyle | None]]:
        if not lines:
            return []  # one annotator shown: the article looks as it always did, nothing to explain
        shown = self.shown()
        return [(self._label(a), lines.get(a.id)) for a in self._annotators if shown is None or a.id in shown]


class AnnotatorLegend(QWidget):
    """Who is who in the article: each shown annotator's name drawn in their look (a wash for mine and
    for anyone without a line of their own, the colleague's underline style otherwise), in neutral grey:
    in the article the colour says the type."""

    SAMPLE = "#6B6B6B"  # a neutral type colour for the samples
    CAPTION = "Claims by"
    GAP = 18

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("annotatorLegend")
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._entries: list[tuple[str, UnderlineStyle | None]] = []
        self.setAccessibleName("Whose claims are shown")

    def set_entries(self, entries: list[tuple[str, UnderlineStyle | None]]) -> None:
        self._entries = entries
        described = [
            f"{name}: {LINE_NAMES.get(line, 'a line') if line else 'a wash'}" for name, line in entries
        ]
        self.setToolTip("\n".join(["In the article, claims by", *described]) if entries else "")
        self.setAccessibleDescription("; ".join(described))
        self.setVisible(bool(entries) and self.parentWidget() is not None)
        self.updateGeometry()
        self.update()

    def entries(self) -> list[tuple[str, UnderlineStyle | None]]:
        return list(self._entries)

    def sizeHint(self) -> QSize:
        sample = QFontMetricsF(self._sample_font())
        width = self.fontMetrics().horizontalAdvance(self.CAPTION) + self.GAP
        width += sum(sample.horizontalAdvance(f" {name} ") + self.GAP for name, _ in self._entries)
        return QSize(int(width) + 32, int(sample.height()) + 10)

    def _sample_font(self) -> QFont:
        """The article's font, a little smaller: a line style reads the same as in the text."""
        font = reading_font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        return font

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        # The article's paper and ink: the samples look as they do there.
        paper, ink, sample = parse_colour(PAPER), parse_colour(INK), parse_colour(self.SAMPLE)
        metrics = self.fontMetrics()
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(
            QPointF(16, (self.height() + metrics.ascent() - metrics.descent()) / 2), self.CAPTION
        )
        x = 16.0 + metrics.horizontalAdvance(self.CAPTION) + self.GAP / 2
        font = self._sample_font()
        for name, line in self._entries:
            text = f" {name} "
            layout = QTextLayout(text, font)
            char_format = QTextCharFormat()
            if line is None:
                wash = wash_colour(sample, SINGLE_STRENGTH, paper=paper, ink=ink)
                char_format.setBackground(to_qcolor(wash))
            else:
                char_format.setUnderlineStyle(line)
                char_format.setUnderlineColor(QColor(self.SAMPLE))
            format_range = QTextLayout.FormatRange()
            format_range.start, format_range.length, format_range.format = 0, len(text), char_format
            layout.setFormats([format_range])
            layout.beginLayout()
            text_line = layout.createLine()
            layout.endLayout()
            painter.setPen(QColor(INK))
            layout.draw(painter, QPointF(x, (self.height() - text_line.height()) / 2))
            x += text_line.naturalTextWidth() + self.GAP
        painter.end()
