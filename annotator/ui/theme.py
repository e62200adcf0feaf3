"""The app's calm chrome around a high-contrast reading column, set through palettes and fonts.

Not an application style sheet: one makes Qt paint every widget through its style-sheet style, which cost
3-8 ms of each new claim's repaint here (scroll bars, the claims list, the editor's fields), and the
reading column gains nothing from it. The one style sheet left sits on the article list, a leaf widget,
for its rounded rows.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication, QLabel, QListWidget, QWidget

# Qt's classes are imported where they are used: PySide makes a class's enums the first
# time the class is named (~0.7 ms each), and this module loads before the window's first paint.

CHROME = "#F4F2EE"  # window and dialog backgrounds
BAR = "#EBE8E2"  # the menu bar and status bar
BAR_TEXT = "#55524C"
RULE = "#E2DED6"  # splitter handles and list borders
MUTED = "#6B6760"  # headings and metadata beside the text
TITLE = "#24221F"

_LIST_STYLE = f"""
QListWidget {{ background: #FAF9F6; border: 1px solid {RULE}; border-radius: 6px; padding: 4px; }}
QListWidget::item {{ padding: 6px 6px; border-radius: 4px; color: #2F2D29; }}
QListWidget::item:selected {{ background: #DBE7F3; color: #1D1C1A; }}
"""


def apply_theme(app: QApplication) -> None:
    """The window colour every window and dialog shows behind its widgets."""
    from PySide6.QtGui import QColor, QPalette

    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(CHROME))
    app.setPalette(palette)


def style_bar(widget: QWidget) -> None:
    """A menu bar or status bar: a shade darker than the window, with softer text."""
    from PySide6.QtGui import QColor, QPalette

    palette = widget.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor(BAR))
    palette.setColor(QPalette.ColorRole.WindowText, QColor(BAR_TEXT))
    widget.setPalette(palette)
    widget.setAutoFillBackground(True)


def style_list(widget: QListWidget) -> None:
    """A list of articles or names: a light card with rounded rows."""
    widget.setStyleSheet(_LIST_STYLE)


def style_heading(label: QLabel) -> None:
    """A pane's small capitals heading ("ARTICLES")."""
    from PySide6.QtGui import QFont

    font = label.font()
    font.setPixelSize(11)
    font.setWeight(QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.AbsoluteSpacing, 1)
    font.setCapitalization(QFont.Capitalization.AllUppercase)
    _set_label(label, font, MUTED)
    label.setContentsMargins(2, 2, 2, 6)


def style_title(label: QWidget) -> None:
    """The shown article's title."""
    from PySide6.QtGui import QFont

    font = label.font()
    font.setPixelSize(19)
    font.setWeight(QFont.Weight.DemiBold)
    _set_label(label, font, TITLE)


def style_meta(label: QWidget) -> None:
    """A quiet line beside a title: outlet and date, or a hint."""
    font = label.font()
    font.setPixelSize(12)
    _set_label(label, font, MUTED)


def _set_label(label: QWidget, font: QFont, colour: str) -> None:
    from PySide6.QtGui import QColor, QPalette

    label.setFont(font)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, QColor(colour))
    label.setPalette(palette)
