"""Starting the app: without a display it says so in one line; a name given for one start is not kept."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from annotator.app import display_problem
from annotator.ui.annotator_name import ANNOTATOR_KEY, choose_annotator_name
from tests.ui.fakes import FakeDialogs


def test_without_a_display_the_app_says_so_in_one_line_and_writes_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    project = tmp_path / "p.sqlite"
    done = subprocess.run(
        [sys.executable, "-m", "annotator", str(project)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("annotator: ") and "DISPLAY" in lines[0]
    assert not project.exists()


def test_a_display_or_a_platform_that_needs_none_lets_qt_try() -> None:
    assert display_problem({}, "linux") is not None
    assert display_problem({"QT_QPA_PLATFORM": "xcb"}, "linux") is not None
    present = lambda _path: True  # noqa: E731 - a display server's socket is there
    assert display_problem({"DISPLAY": ":0"}, "linux", present) is None
    assert display_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", present) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux") is None
    assert display_problem({}, "darwin") is None

    no_socket, socket = (lambda _path: False), (lambda _path: True)
    assert display_problem({"DISPLAY": ":77"}, "linux", no_socket) is not None  # no X server there
    assert "DISPLAY=:77" in (display_problem({"DISPLAY": ":77"}, "linux", no_socket) or "")
    assert display_problem({"DISPLAY": ":77"}, "linux", socket) is None
    assert display_problem({"DISPLAY": "host:10.0"}, "linux", no_socket) is None  # ssh -X: Qt tries
    wayland = {"WAYLAND_DISPLAY": "wayland-0", "XDG_RUNTIME_DIR": "/run/user/1000"}
    assert display_problem(wayland, "linux", no_socket) is not None
    assert display_problem(wayland, "linux", socket) is None


def test_a_name_given_for_one_start_is_not_remembered_one_asked_for_is(tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialogs = FakeDialogs()
    assert choose_annotator_name("Ben", settings, dialogs) == "Ben"
    assert not settings.value(ANNOTATOR_KEY) and dialogs.asked == []
    dialogs.text_answers.append("Ana")
    assert choose_annotator_name(None, settings, dialogs) == "Ana"
    assert dialogs.asked == ["Who is annotating?"]
    assert choose_annotator_name(None, settings, FakeDialogs()) == "Ana"  # asked once, then remembered
    assert choose_annotator_name(" Ben ", settings, dialogs) == "Ben"
    assert settings.value(ANNOTATOR_KEY) == "Ana"


def test_a_window_without_a_project_says_how_to_get_one(qtbot, tmp_path: Path) -> None:
    from annotator.app import open_initial_project
    from annotator.ui.claim_panel import NO_PROJECT_HINT
    from annotator.ui.main_window import MainWindow

    foreign = tmp_path / "notes.sqlite"
    foreign.write_bytes(b"not a database at all" * 100)
    window = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)
    assert window.claim_panel.editor.quote_view.accessibleDescription() == ""  # not "add a source type"
    assert not open_initial_project(window, foreign, "Ana")
    assert window.claim_panel.editor.quote_view.accessibleDescription() == NO_PROJECT_HINT


def test_file_dialogs_start_in_the_last_folder_used_else_the_documents_folder(
    tmp_path: Path, monkeypatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    from annotator.ui.dialogs import DialogService

    started: list[str] = []
    chosen = tmp_path / "articles" / "one.txt"
    chosen.parent.mkdir()

    def fake_open(_parent, _title, folder, _filter):  # type: ignore[no-untyped-def]
        started.append(folder)
        return str(chosen), ""

    def fake_save(_parent, _title, start, _filter, _selected, options):  # type: ignore[no-untyped-def]
        started.append(start)
        assert bool(options & QFileDialog.Option.DontConfirmOverwrite) is (start.endswith("new.sqlite"))
        return "", ""

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_open))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake_save))
    monkeypatch.setattr("platformdirs.user_documents_dir", lambda: str(tmp_path))
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    dialogs = DialogService(None, settings)
    assert dialogs.open_file("Import", "*") == chosen
    assert started == [str(tmp_path)]  # not the folder the app was started from
    DialogService(None, settings).save_file("Export", "*", "claims.csv")
    DialogService(None, settings).save_file("New", "*", "new.sqlite", confirm_overwrite=False)
    assert started[1:] == [str(chosen.parent / "claims.csv"), str(chosen.parent / "new.sqlite")]


def test_opening_a_project_after_a_failed_start_works_under_the_remembered_name(
    qtbot, tmp_path: Path
) -> None:
    from annotator.services.project import Project
    from annotator.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue(ANNOTATOR_KEY, "Ana")
    project = Project.open(tmp_path / "ana.sqlite")
    article = project.articles.add_text("The mayor said the bridge will reopen.", title="Bridge").article_id
    ana = project.annotator("Ana")
    kind = project.codebook.get().active_types[0].id
    _, claim = project.claims.create(
        article_id=article, annotator_id=ana.id, start=4, end=9, source_type_id=kind, confidence=3
    )
    project.close()
    window = MainWindow(settings, FakeDialogs())  # type: ignore[arg-type]
    qtbot.addWidget(window)  # no project: the one asked for at start did not open
    assert window.open_project(tmp_path / "ana.sqlite")
    assert window.annotator.name == "Ana"
    window.controller.select_claim(claim.id)
    window.controller.edit_claim(claim.id, {"confidence": 5})  # her own claim: not refused
    assert window.project.claims.get(claim.id).confidence == 5


def test_after_a_dialog_the_window_is_active_again_even_without_a_window_manager(qtbot, monkeypatch) -> None:
    """On a bare X server (no window manager) nothing is active once a dialog closes: it asks to be."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QMessageBox, QWidget

    from annotator.ui.dialogs import DialogService

    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    asked: list[str] = []
    window.activateWindow = lambda: asked.append("activate")  # type: ignore[method-assign]
    monkeypatch.setattr(QMessageBox, "exec", lambda _box: 0)
    DialogService(window).info("Saved", "It is saved.")
    assert asked == []  # a window is active (this platform's own doing): nothing to ask
    monkeypatch.setattr(QGuiApplication, "focusWindow", staticmethod(lambda: None))
    DialogService(window).info("Saved", "It is saved.")
    assert asked == ["activate"]


def test_enter_in_a_question_answers_cancel(qtbot) -> None:
    """Edit > Delete Article asks first; Enter, pressed out of habit, must not delete."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    from annotator.ui.dialogs import DialogService

    def press_enter() -> None:
        box = QApplication.activeModalWidget()
        assert box is not None
        qtbot.keyClick(box, Qt.Key.Key_Return)

    QTimer.singleShot(200, press_enter)
    assert DialogService(None).confirm("Delete article", "Delete “Talks”?", yes="Delete Article") is False


def test_a_folder_given_as_the_project_is_named_a_folder_not_a_raw_error(qtbot, tmp_path: Path) -> None:
    from annotator.app import start_window
    from annotator.ui.main_window import MainWindow

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue(ANNOTATOR_KEY, "Ana")
    dialogs = FakeDialogs()
    window = MainWindow(settings, dialogs, build=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    folder = tmp_path / "a folder"
    folder.mkdir()
    start_window(window, folder, None)
    messages = " ".join(message for _title, message in dialogs.errors)
    assert "is a folder" in messages and "Errno" not in messages


def test_a_last_project_that_is_gone_is_named_not_silently_replaced(qtbot, tmp_path: Path) -> None:
    from annotator.app import start_window
    from annotator.services.project import Project
    from annotator.ui.main_window import RECENT_KEY, MainWindow

    other = tmp_path / "other.sqlite"
    Project.open(other).close()
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    settings.setValue(ANNOTATOR_KEY, "Ana")
    settings.setValue(RECENT_KEY, [str(tmp_path / "moved away.sqlite"), str(other)])
    dialogs = FakeDialogs()
    window = MainWindow(settings, dialogs, build=False)  # type: ignore[arg-type]
    qtbot.addWidget(window)
    start_window(window, None, None)
    [(_title, message)] = dialogs.infos
    assert "moved away.sqlite" in message and "other.sqlite" in message


@pytest.mark.parametrize("signal_name", ["SIGTERM", "SIGINT"])
def test_sigterm_closes_the_project_so_that_its_one_file_holds_all_the_work(
    tmp_path: Path, signal_name: str
) -> None:
    """A logout or `kill` sends SIGTERM, Ctrl+C in the terminal that started the app SIGINT: the
    window closes as Quit does, and the -wal is folded in."""
    import os
    import signal
    import subprocess
    import sys
    import time

    from annotator.services.project import Project

    project_path = tmp_path / "p.sqlite"
    Project.open(project_path).close()
    wal = project_path.with_name(project_path.name + "-wal")
    home = tmp_path / "home"
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        **{name: str(home / name.lower()) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME")},
    }
    script = (
        "import sys, pathlib; from annotator.app import run_app;"
        " sys.exit(run_app(pathlib.Path(sys.argv[1]), 'Ana'))"
    )
    app = subprocess.Popen([sys.executable, "-c", script, str(project_path)], env=env)
    try:
        deadline = time.monotonic() + 60
        while not wal.exists() and time.monotonic() < deadline:  # open for edits
            time.sleep(0.1)
        assert wal.exists()
        time.sleep(1)  # past the check and backup on open
        app.send_signal(getattr(signal, signal_name))
        assert app.wait(timeout=30) == 0
    finally:
        if app.poll() is None:
            app.kill()
    assert not wal.exists()


QT_OPTIONS_PROBE = r"""
import sys
from PySide6.QtCore import QTimer
import annotator.app
made = annotator.app.make_application
def spy(qt_options=()):
    app = made(qt_options)
    print(app.platformName(), app.layoutDirection().name, app.style().name(), flush=True)
    QTimer.singleShot(300, app.quit)
    return app
annotator.app.make_application = spy
from annotator.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_qts_own_options_reach_qt(tmp_path: Path) -> None:
    """`annotator -reverse -platform=offscreen -style fusion PROJECT`: a right-to-left layout on a
    platform that needs no display, although neither DISPLAY nor QT_QPA_PLATFORM is set (Qt itself
    would take `-platform=offscreen` for no option at all, and abort on the missing display)."""
    import os
    import subprocess
    import sys

    env = {
        name: value
        for name, value in os.environ.items()
        if name not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env.update({name: str(tmp_path / name.lower()) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")})
    project = str(tmp_path / "p.sqlite")
    argv = ["-reverse", "-platform=offscreen", "-style", "fusion", project, "--annotator", "Ana"]
    done = subprocess.run(
        [sys.executable, "-c", QT_OPTIONS_PROBE, *argv], capture_output=True, text=True, timeout=60, env=env
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["offscreen", "RightToLeft", "fusion"]


def test_a_platform_qt_does_not_have_is_one_line_not_an_abort(tmp_path: Path) -> None:
    """Found by QA: `annotator -platform nosuchplatform` aborted with Qt's screenful (exit 134)."""
    import os
    import subprocess
    import sys

    env = {
        **os.environ,
        **{name: str(tmp_path / name.lower()) for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME")},
    }
    done = subprocess.run(
        [sys.executable, "-m", "annotator", "-platform", "nosuchplatform", str(tmp_path / "p.sqlite")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode not in (0, 134)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "nosuchplatform" in lines[0] and "offscreen" in lines[0], done.stderr
    assert not (tmp_path / "p.sqlite").exists()


def test_a_list_of_platforms_or_one_with_options_is_qts_to_try() -> None:
    from annotator.app import unknown_platform

    assert unknown_platform("wayland;xcb") is None  # some desktops set QT_QPA_PLATFORM so
    assert unknown_platform("offscreen:fontengine=freetype") is None
    assert unknown_platform("") is None
    assert "nosuch" in (unknown_platform("nosuch;alsonot") or "")

