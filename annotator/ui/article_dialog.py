"""Dialogs for one article: editing its metadata, and pasting a new article's text as plain text.

They only collect values; the caller hands them to `ArticleService`.
"""

from __future__ import annotations

import datetime as dt
import re

import qtawesome as qta
from PySide6.QtCore import QDate, QMimeData, Qt
from PySide6.QtGui import QPalette, QTextDocumentFragment
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from annotator.domain.records import ArticleSummary
from annotator.domain.text import canonicalize
from annotator.ui.look import ERROR_COLOUR

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
DATE_HINT = "YYYY-MM-DD, or leave empty if unknown"


def parse_published(text: str) -> str | None:
    """The ISO date in `text`, "" for no date, or None when it is not a YYYY-MM-DD date."""
    text = text.strip()
    if not text:
        return ""
    # fromisoformat alone also takes "20240105" and week dates; the service stores YYYY-MM-DD only.
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def _or_typed(parsed: str | None, typed: str) -> str:
    return typed.strip() if parsed is None else parsed


def _muted(widget: QWidget) -> str:
    # The placeholder colour is often the text colour made translucent: keep its alpha.
    colour = widget.palette().color(QPalette.ColorRole.PlaceholderText)
    return f"rgba({colour.red()}, {colour.green()}, {colour.blue()}, {colour.alpha()})"


class ArticleMetadataDialog(QDialog):
    """Edit an article's title, outlet, URL and publication date; read the result with `values()`."""

    def __init__(self, summary: ArticleSummary, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._summary = summary
        self.setWindowTitle("Article details")
        self.setObjectName("articleMetadataDialog")
        self.setMinimumWidth(520)

        self.title_edit = QLineEdit(summary.title)
        self.title_edit.setObjectName("articleTitle")
        self.title_edit.setPlaceholderText("Required")
        self.outlet_edit = QLineEdit(summary.outlet)
        self.outlet_edit.setObjectName("articleOutlet")
        self.outlet_edit.setPlaceholderText("e.g. The Guardian")
        self.url_edit = QLineEdit(summary.url)
        self.url_edit.setObjectName("articleUrl")
        self.url_edit.setPlaceholderText("https://…")
        self.date_edit = QLineEdit(summary.published)
        self.date_edit.setObjectName("articlePublished")
        self.date_edit.setPlaceholderText("YYYY-MM-DD")
        self.date_edit.setClearButtonEnabled(True)
        self.date_edit.setAccessibleName("Publication date")
        self.date_edit.setAccessibleDescription(DATE_HINT)
        # Wide enough for the date, the clear button and a little air; a date needs no more.
        self.date_edit.setMinimumWidth(self.date_edit.fontMetrics().horizontalAdvance("0000-00-00") + 48)

        self.calendar_button = QToolButton()
        self.calendar_button.setIcon(qta.icon("mdi6.calendar-month-outline"))
        self.calendar_button.setToolTip("Pick the date from a calendar")
        self.calendar_button.setAccessibleName("Pick the publication date from a calendar")
        self.calendar_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.calendar = QCalendarWidget()
        self.calendar.setGridVisible(False)
        self.calendar.clicked.connect(self._take_calendar_date)
        self.calendar.activated.connect(self._take_calendar_date)
        menu = QMenu(self.calendar_button)
        action = QWidgetAction(menu)
        action.setDefaultWidget(self.calendar)
        menu.addAction(action)
        menu.aboutToShow.connect(self._prepare_calendar)
        self.calendar_button.setMenu(menu)

        self.date_message = QLabel(DATE_HINT)
        self.date_message.setObjectName("dateMessage")
        self.date_message.setTextFormat(Qt.TextFormat.PlainText)  # it quotes what the user typed
        self.date_message.setWordWrap(True)

        date_row = QHBoxLayout()
        date_row.addWidget(self.date_edit)
        date_row.addWidget(self.calendar_button)
        date_row.addStretch(1)

        form = QFormLayout()
        form.addRow(self._buddy("&Title:", self.title_edit), self.title_edit)
        form.addRow(self._buddy("&Outlet:", self.outlet_edit), self.outlet_edit)
        form.addRow(self._buddy("&URL:", self.url_edit), self.url_edit)
        form.addRow(self._buddy("&Published:", self.date_edit), date_row)
        form.addRow("", self.date_message)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(self.buttons)

        self.title_edit.textChanged.connect(self._check)
        self.date_edit.textChanged.connect(self._check)
        self.date_edit.editingFinished.connect(lambda: self._check(finished=True))
        self._check(finished=True)
        self.title_edit.setFocus()
        self.title_edit.selectAll()

    @staticmethod
    def _buddy(text: str, widget: QWidget) -> QLabel:
        label = QLabel(text)
        label.setBuddy(widget)
        return label

    @property
    def article_id(self) -> str:
        return self._summary.id

    def values(self) -> dict[str, str]:
        """title/outlet/url/published, ready for `ArticleService.update_metadata(article_id, **values)`."""
        return {
            "title": " ".join(self.title_edit.text().split()),
            "outlet": self.outlet_edit.text().strip(),
            "url": self.url_edit.text().strip(),
            # An unparsable date is passed on as typed (OK is disabled then), never silently dropped.
            "published": _or_typed(parse_published(self.date_edit.text()), self.date_edit.text()),
        }

    def problem(self) -> str:
        """Why OK is disabled, or "" when the values can be saved."""
        if not self.title_edit.text().strip():
            return "An article needs a title."
        text = self.date_edit.text().strip()
        if parse_published(text) is None:
            return f"“{text}” is not a date: write it as YYYY-MM-DD (e.g. 2024-03-15), or leave it empty."
        return ""

    def _check(self, *_: object, finished: bool = False) -> None:
        problem = self.problem()
        self.ok_button.setEnabled(not problem)
        text = self.date_edit.text().strip()
        date_bad = parse_published(text) is None
        # Half-typed dates are not errors yet: complain once the date is complete or left.
        if date_bad and (finished or len(text) >= 10 or not self.date_edit.hasFocus()):
            self.date_message.setText(problem)
            self.date_message.setStyleSheet(f"color: {ERROR_COLOUR};")
        else:
            self.date_message.setText(DATE_HINT)
            self.date_message.setStyleSheet(f"color: {_muted(self)};")

    def _prepare_calendar(self) -> None:
        published = parse_published(self.date_edit.text())
        date = QDate.fromString(published, "yyyy-MM-dd") if published else QDate.currentDate()
        self.calendar.setSelectedDate(date)

    def _take_calendar_date(self, date: QDate) -> None:
        self.date_edit.setText(date.toString("yyyy-MM-dd"))
        self.calendar_button.menu().close()
        self._check(finished=True)


class PlainTextPasteEdit(QPlainTextEdit):
    """A text box that takes only the words of whatever is pasted or dropped into it."""

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasText() or source.hasHtml()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasText():
            text = source.text()
        elif source.hasHtml():
            # Some browsers and word processors offer only HTML: keep its text, drop its markup.
            text = QTextDocumentFragment.fromHtml(source.html()).toPlainText()
        else:
            return
        self.textCursor().insertText(text)
        self.ensureCursorVisible()


class PasteArticleDialog(QDialog):
    """Ask for a new article's title and its text, pasted as plain text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Paste an article")
        self.setObjectName("pasteArticleDialog")
        self.resize(640, 480)

        self.title_edit = QLineEdit()
        self.title_edit.setObjectName("pasteTitle")
        self.title_edit.setPlaceholderText("Pasted article")  # the title it gets when left empty
        self.text_edit = PlainTextPasteEdit()
        self.text_edit.setObjectName("pasteText")
        self.text_edit.setPlaceholderText("Paste the article's text here (Ctrl+V). Formatting is dropped.")
        self.text_edit.setTabChangesFocus(True)
        self.text_edit.setAccessibleName("Article text")
        self.count_label = QLabel()
        self.count_label.setObjectName("pasteCount")

        form = QFormLayout()
        title_label = QLabel("&Title:")
        title_label.setBuddy(self.title_edit)
        form.addRow(title_label, self.title_edit)
        text_label = QLabel("Te&xt:")
        text_label.setBuddy(self.text_edit)

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Add article")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(text_label)
        layout.addWidget(self.text_edit, 1)
        layout.addLayout(bottom)

        self.text_edit.textChanged.connect(self._check)
        self._check()
        self.text_edit.setFocus()

    def title(self) -> str:
        """The title typed, with spaces tidied; "" when none was given."""
        return " ".join(self.title_edit.text().split())

    def text(self) -> str:
        # toRawText keeps no-break spaces, which toPlainText turns into spaces; canonicalize turns
        # its U+2029 paragraph separators back into "\n".
        return canonicalize(self.text_edit.document().toRawText())

    def _check(self) -> None:
        text = self.text()
        self.ok_button.setEnabled(bool(text.strip()))
        words = len(text.split())
        self.count_label.setText(f"{words:,} word{'s' if words != 1 else ''}" if words else "")
        self.count_label.setStyleSheet(f"color: {_muted(self)};")
