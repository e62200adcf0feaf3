"""The flat scroll bars: the handle is painted where the style's geometry (and so the mouse) has it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QScrollBar, QStyle, QStyleOptionSlider

from annotator.ui import scroll_bars
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


@pytest.fixture
def plain_application_style():
    """The application's plain platform style for the test, and its style as before afterwards (the
    flat style is set on the shared application by the first window any test builds)."""
    from PySide6.QtWidgets import QStyleFactory

    app = QApplication.instance()
    was_flat = isinstance(app.style(), FlatScrollBarStyle)
    palette = app.palette()
    app.setStyle(QStyleFactory.create("Fusion"))
    yield app
    app.setStyle(FlatScrollBarStyle() if was_flat else QStyleFactory.create("Fusion"))
    app.setPalette(palette)


def test_flat_scroll_bars_keep_the_application_s_palette(plain_application_style):
    app = plain_application_style
    palette = app.palette()
    palette.setColor(QPalette.ColorRole.Window, QColor("#123456"))
    app.setPalette(palette)
    scroll_bars.use_flat_scroll_bars()
    assert isinstance(app.style(), FlatScrollBarStyle)
    assert app.palette().color(QPalette.ColorRole.Window) == QColor("#123456")


def test_the_window_uses_flat_scroll_bars(qtbot, tmp_path, plain_application_style):
    from annotator.ui.main_window import MainWindow

    assert not isinstance(QApplication.style(), FlatScrollBarStyle)
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(window)
    assert isinstance(QApplication.style(), FlatScrollBarStyle)
    assert isinstance(window.article_view.verticalScrollBar().style(), FlatScrollBarStyle)


def test_a_disabled_bar_still_shows_where_it_stands(flat_bar):
    flat_bar.setValue(50)
    flat_bar.setEnabled(False)
    assert flat_bar.grab().toImage().pixelColor(_slider_centre(flat_bar)) == scroll_bars.ARROW_DISABLED


def test_the_track_s_rule_faces_the_content_in_both_directions(flat_bar):
    """A vertical bar sits right of what it scrolls, and left of it in a right-to-left layout."""
    middle = flat_bar.height() // 2
    image = flat_bar.grab().toImage()
    assert image.pixelColor(0, middle) == scroll_bars.TRACK_RULE
    assert image.pixelColor(flat_bar.width() - 1, middle) == scroll_bars.TRACK
    flat_bar.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
    image = flat_bar.grab().toImage()
    assert image.pixelColor(flat_bar.width() - 1, middle) == scroll_bars.TRACK_RULE
    assert image.pixelColor(0, middle) == scroll_bars.TRACK
