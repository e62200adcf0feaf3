"""A colleague's claim in the editor: nothing can be changed, and everything can be read."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette

from annotator.ui.claim_editor import ClaimEditor
from tests.ui.test_claims_model import make_claim, make_codebook

LONG_COMMENT = "\n".join(f"Rosa's note line {n}: check the Pentagon statement" for n in range(1, 10))


def _editor(qtbot) -> ClaimEditor:
    editor = ClaimEditor()
    qtbot.addWidget(editor)
    editor.set_codebook(make_codebook())
    editor.set_owner("u-ben")
    editor.resize(380, 300)
    editor.show()
    qtbot.waitExposed(editor)
    return editor


def test_a_colleague_s_long_comment_can_be_read_whole_but_not_changed(qtbot):
    editor = _editor(qtbot)
    edits = []
    editor.sig_claim_edit_requested.connect(lambda claim_id, fields: edits.append(fields))
    editor.show_claim(make_claim(annotator="Rosa", comment=LONG_COMMENT, source="the official"))
    comment = editor.comment_edit
    assert comment.isEnabled() and comment.isReadOnly()
    window = editor.palette().color(QPalette.ColorRole.Window)
    assert (
        comment.palette().color(QPalette.ColorRole.Base) == window
    )  # it does not look like a field to type in
    bar = comment.verticalScrollBar()
    assert bar.maximum() > 0 and bar.isEnabled()
    comment.setFocus()
    qtbot.keyClick(comment, Qt.Key.Key_End, Qt.KeyboardModifier.ControlModifier)
    assert bar.value() == bar.maximum()  # the last line comes into view
    qtbot.keyClicks(comment, "mine now")
    qtbot.keyClicks(editor.source_edit, "x")
    assert comment.toPlainText() == LONG_COMMENT and editor.source_edit.text() == "the official"
    assert not editor.type_combo.isEnabled() and not editor.delete_button.isEnabled()
    editor.commit_pending()
    assert edits == []


def test_my_own_claim_after_a_colleague_s_is_editable_again(qtbot):
    editor = _editor(qtbot)
    editor.show_claim(make_claim(annotator="Rosa", comment=LONG_COMMENT))
    editor.show_claim(make_claim(annotator="Ben"))
    assert not editor.comment_edit.isReadOnly() and not editor.source_edit.isReadOnly()
    base = editor.palette().color(QPalette.ColorRole.Base)
    assert editor.source_edit.palette().color(QPalette.ColorRole.Base) == base
    assert editor.type_combo.isEnabled()
    editor.show_claim(None)
    assert not editor.comment_edit.isEnabled()
