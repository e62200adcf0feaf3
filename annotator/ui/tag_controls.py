"""The panel's controls: the type buttons' grid layout, the confidence picker, labels and combo boxes."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QFont, QIcon, QPalette
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
    QStylePainter,
    QToolButton,
    QWidget,
)

from annotator.domain.codebook import DEFAULT_CONFIDENCE_LABELS, ConfidenceLevel
from annotator.ui.clamped_text import ClampedText
from annotator.ui.look import plain_tooltip

DEFAULT_LEVELS = tuple(
    ConfidenceLevel(v, label) for v, label in enumerate(DEFAULT_CONFIDENCE_LABELS, start=1)
)


def heading(text: str) -> QLabel:
    """A section title: small capitals, a little bolder, in the muted placeholder colour."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    font = QFont(label.font())
    font.setCapitalization(QFont.Capitalization.SmallCaps)
    font.setWeight(QFont.Weight.DemiBold)
    font.setLetterSpacing(QFont.SpacingType.PercentageSpacing, 106)
    label.setFont(font)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def muted_label(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def fit_combos(characters: int, *combos: QComboBox) -> None:
    """Combo boxes that share the panel's width, each wide enough for `characters` and a swatch."""
    for combo in combos:
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(characters)
        combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)


def key_hint(count: int) -> str:
    keys = min(count, 9)
    if keys == 0:
        return "Add a source type to the codebook to tag claims"
    keys_text = "1" if keys == 1 else "1\u2013" + str(keys)  # an en dash
    return f"Select text in the article and press {keys_text} to tag a claim"


class GridFlowLayout(QLayout):
    """Equal-width cells, as many columns as fit: long type names wrap to more rows instead of being cut."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 6) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self.setContentsMargins(0, 0, 0, 0)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:  # type: ignore[override]
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        cell = self._cell()
        columns = min(len(self._items), 2) or 1
        return QSize(
            columns * cell.width() + (columns - 1) * self._gap, self.heightForWidth(columns * cell.width())
        )

    def minimumSize(self) -> QSize:
        # One column is always possible, of the narrowest width every item can take (a button
        # with a long name cuts it short: see ElidingButton).
        width = max((item.minimumSize().width() for item in self._items), default=0)
        return QSize(width, self._cell().height())

    def _cell(self) -> QSize:
        width = max((item.sizeHint().width() for item in self._items), default=0)
        height = max((item.sizeHint().height() for item in self._items), default=0)
        return QSize(width, height)

    def _arrange(self, rect: QRect, *, move: bool) -> int:
        if not self._items:
            return 0
        cell = self._cell()
        columns = max(1, min(len(self._items), (rect.width() + self._gap) // (cell.width() + self._gap)))
        width = (rect.width() - (columns - 1) * self._gap) / columns
        rows = math.ceil(len(self._items) / columns)
        if move:
            for number, item in enumerate(self._items):
                row, column = divmod(number, columns)
                left = rect.x() + round(column * (width + self._gap))
                right = rect.x() + round(column * (width + self._gap) + width)
                item.setGeometry(
                    QRect(left, rect.y() + row * (cell.height() + self._gap), right - left, cell.height())
                )
        return rows * cell.height() + (rows - 1) * self._gap


class ElidingButton(QPushButton):
    """A push button that shows its text ending in "…" when it is narrower than the text (the whole
    text then leads its tooltip). Its text() and size hint stay the whole text's, so layouts that
    have the room give it; only the painting is cut."""

    _NARROWEST = 120

    def __init__(self, icon: QIcon, text: str, parent: QWidget | None = None) -> None:
        super().__init__(icon, text, parent)
        self._tooltip = ""

    def shown_text(self) -> str:
        """The text as painted at the button's width."""
        whole, metrics = self.sizeHint().width(), self.fontMetrics()
        if self.width() >= whole:  # (at the whole width Qt's rounding might still cut a pixel)
            return self.text()
        room = self.width() - (whole - metrics.horizontalAdvance(self.text()))  # less icon, padding
        return metrics.elidedText(self.text(), Qt.TextElideMode.ElideRight, max(0, room))

    def setToolTip(self, text: str) -> None:
        self._tooltip = text
        self._fit_tooltip()

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(min(hint.width(), self._NARROWEST), hint.height())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self._fit_tooltip()

    def paintEvent(self, event: Any) -> None:
        painter = QStylePainter(self)
        option = QStyleOptionButton()
        self.initStyleOption(option)
        option.text = self.shown_text()
        painter.drawControl(QStyle.ControlElement.CE_PushButton, option)

    def _fit_tooltip(self) -> None:
        cut = self.shown_text() != self.text()
        super().setToolTip(plain_tooltip(self.text()) + self._tooltip if cut else self._tooltip)


class ConfidencePicker(QWidget):
    """Five checkable level buttons in a row and the selected level's label beside them."""

    sig_confidence_changed = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._levels: tuple[ConfidenceLevel, ...] = ()
        self._value = 3
        self._group = QButtonGroup(self)
        self._group.setExclusive(True)
        self._group.idClicked.connect(self._on_clicked)
        self._buttons_row = QHBoxLayout()
        self._buttons_row.setSpacing(4)
        # Cut short with "…" (the whole label in its tooltip): a long label must not widen the panel.
        self._label = ClampedText(max_lines=1)
        self._label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addLayout(self._buttons_row)
        row.addSpacing(8)
        row.addWidget(self._label, 1)
        self.buttons: list[QToolButton] = []
        self.set_levels(DEFAULT_LEVELS)

    @property
    def value(self) -> int:
        return self._value

    def set_levels(self, levels: Sequence[ConfidenceLevel]) -> None:
        levels = tuple(levels) or DEFAULT_LEVELS
        if levels == self._levels:
            return
        self._levels = levels
        for button in self.buttons:
            self._group.removeButton(button)
            self._buttons_row.removeWidget(button)
            button.hide()
            button.deleteLater()
        self.buttons = []
        for level in self._levels:
            button = QToolButton(self)
            button.setText(str(level.value))
            button.setCheckable(True)
            # Clicking must not take the focus (and the visible selection) away from the article.
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)
            button.setMinimumSize(QSize(30, 26))
            button.setToolTip(plain_tooltip(f"{level.value} · {level.label}"))
            button.setAccessibleName(f"Confidence {level.value}, {level.label}")
            self._group.addButton(button, level.value)
            self._buttons_row.addWidget(button)
            self.buttons.append(button)
        values = [level.value for level in self._levels]
        self.set_value(self._value if self._value in values else values[len(values) // 2])

    def set_value(self, value: int) -> None:
        button = self._group.button(value)
        if button is None:
            return
        self._value = value
        button.setChecked(True)
        self._label.setText(next(level.label for level in self._levels if level.value == value))

    def _on_clicked(self, value: int) -> None:
        if value != self._value:
            self.set_value(value)
            self.sig_confidence_changed.emit(value)
