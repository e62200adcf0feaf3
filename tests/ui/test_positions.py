"""Code points and Qt positions agree on the text a real QPlainTextEdit shows, whatever the script."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QPlainTextEdit

from annotator.ui.positions import PositionMap, code_point_at, cursor_for_span, selected_span

PIECES = [
    "The minister said ",
    "rockets",
    " ",
    "\t",
    "\r\n",  # CRLF input, canonicalised below as the importer does
    "\n",
    "\u00a0",  # no-break space
    "😀",
    "👍🏽",  # emoji + skin-tone modifier: two astral characters
    "👨\u200d👩\u200d👧",  # ZWJ family sequence
    "🇩🇪",  # flag: two regional indicators
    "\u200d",  # a lone zero-width joiner
    "e\u0301",  # e + combining acute
    "a\u0308\u0323",  # stacked combining marks
    "\U0001d538\U0001d553",  # mathematical double-struck A and b (astral, not emoji)
    "𠀀",  # CJK extension B
    "مرحبا بالعالم",
    "قال المتحدث: «",
    "שָׁלוֹם",
    "1234",
    "“quoted”",
]


def canonical(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


texts = st.lists(st.sampled_from(PIECES), max_size=30).map("".join).map(canonical)


@st.composite
def text_and_span(draw: st.DrawFn) -> tuple[str, int, int]:
    text = draw(texts)
    a = draw(st.integers(0, len(text)))
    b = draw(st.integers(0, len(text)))
    return text, min(a, b), max(a, b)


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


@pytest.fixture
def editor(qtbot) -> QPlainTextEdit:  # type: ignore[no-untyped-def]
    widget = QPlainTextEdit()
    qtbot.addWidget(widget)
    return widget


@given(texts)
def test_conversions_match_utf16_arithmetic_and_round_trip(text: str) -> None:
    positions = PositionMap(text)
    assert positions.qt_length == utf16_len(text)
    for cp in range(len(text) + 1):
        qt = positions.to_qt(cp)
        assert qt == utf16_len(text[:cp])
        assert positions.to_code_point(qt) == cp
    for qt in range(positions.qt_length + 1):
        cp = positions.to_code_point(qt)
        # Inside a surrogate pair the Qt position maps back one unit short, to the character's start.
        assert positions.to_qt(cp) in (qt, qt - 1)
        if positions.to_qt(cp) == qt - 1:
            assert ord(text[cp]) > 0xFFFF


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(case=text_and_span())
def test_selecting_converted_positions_selects_the_same_text(editor: QPlainTextEdit, case) -> None:  # type: ignore[no-untyped-def]
    text, start, end = case
    editor.setPlainText(text)
    document = editor.document()
    positions = PositionMap(text)
    assert document.characterCount() - 1 == positions.qt_length  # the final block separator is extra

    cursor = cursor_for_span(document, positions, start, end)
    assert cursor.selectedText().replace("\u2029", "\n") == text[start:end]
    expected = (start, end) if start < end else None
    assert selected_span(cursor, positions) == expected
    assert code_point_at(cursor, positions) == end

    # Qt's own idea of the block boundaries agrees with the "\n" positions of the stored text.
    block = document.findBlock(positions.to_qt(start))
    block_start, block_end = positions.block_span(block)
    assert text[block_start:block_end] == block.text()
    assert "\n" not in text[block_start:block_end]
    assert block_start <= start <= block_end


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(texts, st.data())
def test_any_qt_selection_maps_to_code_points_that_cover_it(editor: QPlainTextEdit, text: str, data) -> None:  # type: ignore[no-untyped-def]
    editor.setPlainText(text)
    positions = PositionMap(text)
    qt_a = data.draw(st.integers(0, positions.qt_length))
    qt_b = data.draw(st.integers(0, positions.qt_length))
    cursor = QTextCursor(editor.document())
    cursor.setPosition(qt_a)
    cursor.setPosition(qt_b, QTextCursor.MoveMode.KeepAnchor)
    span = selected_span(cursor, positions)
    if qt_a == qt_b:
        assert span is None
        return
    assert span is not None
    start, end = span
    # Never splits a character, and never takes in more than the characters the Qt range touches.
    assert positions.to_qt(start) <= min(qt_a, qt_b) < positions.to_qt(start) + 2
    assert positions.to_qt(end) >= max(qt_a, qt_b) > positions.to_qt(end) - 2


def test_keyboard_movement_lands_on_character_boundaries(editor: QPlainTextEdit) -> None:
    text = "a😀b\n👨\u200d👩\u200d👧 x"
    editor.setPlainText(text)
    positions = PositionMap(text)
    cursor = editor.textCursor()
    cursor.movePosition(QTextCursor.MoveOperation.Start)
    seen = []
    while not cursor.atEnd():
        cursor.movePosition(QTextCursor.MoveOperation.NextCharacter)
        seen.append(code_point_at(cursor, positions))
    # Qt steps over whole grapheme clusters; every stop must be a real code-point boundary.
    assert seen == [1, 2, 3, 4, 9, 10, 11]


def test_text_without_astral_characters_is_the_identity() -> None:
    positions = PositionMap("plain text\nwith é and مرحبا")
    assert positions.is_identity
    assert positions.to_qt(7) == 7
    assert positions.to_code_point(7) == 7
    assert positions.to_qt(10_000) == positions.length  # clamped
