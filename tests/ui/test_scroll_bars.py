"""The flat scroll bars: the handle is painted where the style's geometry (and so the mouse) has it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QScrollBar, QStyle, QStyleOptionSlider

from annotator.ui import scroll_bars, theme
from annotator.ui.scroll_bars import FlatScrollBarStyle


@pytest.fixture
def flat_bar(qtbot):
    bar = QScrollBar(Qt.Orientation.Vertical)
    qtbot.addWidget(bar)
    bar.setStyle(flat_style := FlatScrollBarStyle())
    bar.flat_style = flat_style  # kept alive as long as the bar: a widget does not own its style
    bar.setRange(0, 100)
    bar.setPageStep(20)
    bar.resize(14, 300)
    bar.show()
    qtbot.waitExposed(bar)
    return bar


def _slider_centre(bar: QScrollBar):
    option = QStyleOptionSlider()
    bar.initStyleOption(option)
    return (
        bar.style()
        .subControlRect(QStyle.ComplexControl.CC_ScrollBar, option, QStyle.SubControl.SC_ScrollBarSlider, bar)
        .center()
    )


def test_the_handle_is_painted_where_the_style_puts_the_slider(flat_bar):
    for value in (0, 50, 100):
        flat_bar.setValue(value)
        image = flat_bar.grab().toImage()
        centre = _slider_centre(flat_bar)
        assert image.pixelColor(centre) == scroll_bars.HANDLE
        # Well away from the handle, along the same line: the track.
        away = centre.y() + 120 if centre.y() < 150 else centre.y() - 120
        assert image.pixelColor(centre.x(), away) == scroll_bars.TRACK


def test_a_bar_with_nothing_to_scroll_shows_no_handle(flat_bar):
    flat_bar.setRange(0, 0)
    image = flat_bar.grab().toImage()
    colours = {image.pixelColor(x, y).name() for x in range(image.width()) for y in range(20, 280)}
    assert scroll_bars.HANDLE.name() not in colours


def test_the_window_uses_flat_scroll_bars_and_keeps_its_palette(qtbot, tmp_path):
    from annotator.app import make_application
    from annotator.ui.main_window import MainWindow

    make_application()
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert isinstance(QApplication.style(), FlatScrollBarStyle)
    assert QApplication.palette().color(QPalette.ColorRole.Window) == QColor(theme.CHROME)
    bar = window.article_view.verticalScrollBar()
    assert isinstance(bar.style(), FlatScrollBarStyle)
