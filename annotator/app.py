"""Composition root: settings, the window's first paint, then the project (database, migrations)."""

from __future__ import annotations

import itertools
import logging
import os
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from annotator import APP_NAME, __version__
from annotator.paths import resources_dir, seeds_dir
from annotator.settings import config_dir, default_project_path, log_dir
from annotator.ui.annotator_name import choose_annotator_name
from annotator.ui.main_window import MainWindow
from annotator.ui.project_files import recent_projects
from annotator.ui.theme import apply_theme

log = logging.getLogger(__name__)


def _configure_logging() -> None:
    try:
        log_dir().mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = logging.FileHandler(log_dir() / "annotator.log", encoding="utf-8")
    except OSError:
        handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.INFO, handlers=[handler])


def app_settings() -> QSettings:
    return QSettings(str(config_dir() / "settings.ini"), QSettings.Format.IniFormat)


def make_application(qt_options: Sequence[str] = ()) -> QApplication:
    """The application, with Qt's own command-line options (-reverse, -style NAME...) if given."""
    app = QApplication.instance() or QApplication([*sys.argv[:1], *qt_options])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("source-annotator")
    apply_theme(app)
    return app


def set_app_icon(app: QApplication) -> None:
    """The icon of every window of the app (after the first paint: QIcon's enums cost it ~3 ms)."""
    from PySide6.QtGui import QIcon

    icon = resources_dir() / "icons" / "source-annotator.svg"
    if icon.exists():
        app.setWindowIcon(QIcon(str(icon)))


def choose_project_path(explicit: Path | None, settings: QSettings) -> Path:
    if explicit is not None:
        return explicit
    for candidate in map(Path, recent_projects(settings)):
        if candidate.exists():
            return candidate
    return default_project_path()


def _say_if_the_last_project_is_gone(window: MainWindow, opened: Path) -> None:
    """The project open last is not where it was (moved, renamed, on a drive not plugged in): say so,
    rather than let another project appear as if the work were lost."""
    last = next(map(Path, recent_projects(window.settings)), None)
    if last is None or last.exists() or last == opened:
        return
    log.warning("The last project %s is gone; opening %s", last, opened)
    window.dialogs.info(
        "Last project not found",
        f"Your last project, “{last.name}”, is no longer in {last.parent}, so “{opened.name}” opens"
        " instead. If the file was moved or renamed, File > Open finds it where it is now.",
    )


def open_initial_project(window: MainWindow, project_path: Path | None, annotator_name: str | None) -> bool:
    """Open the project the user asked for (or the default one, with the sample article)."""
    from annotator.services.project import Project
    from annotator.ui import icons

    path = choose_project_path(project_path, window.settings)
    window.start_name = annotator_name  # also for a restored copy, should this one be damaged
    try:
        project = Project.open(path)
    except Exception as error:  # refused with a message, or damaged beyond opening
        return window.report_unopenable(path, error)
    if project.created and project_path is None:
        project.import_samples(seeds_dir())
    name = choose_annotator_name(annotator_name, window.settings, window.dialogs)
    opened = window.attach_opened(project, name)
    QTimer.singleShot(0, icons.load_pending)  # after the article is on screen
    return opened


class AfterFirstPaint(QObject):
    """Runs a callback once, just after the watched widget first paints (or after a fallback delay)."""

    FALLBACK_MS = 1000  # a window that never paints (minimised, off-screen) still gets its project

    def __init__(self, watched: QObject, callback: Callable[[], object]) -> None:
        super().__init__(watched)
        self._callback: Callable[[], object] | None = callback
        watched.installEventFilter(self)
        QTimer.singleShot(self.FALLBACK_MS, self._run)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self._callback is not None:
            QTimer.singleShot(0, self._run)  # after this paint has reached the screen
        return False

    def _run(self) -> None:
        callback, self._callback = self._callback, None
        if callback is not None:
            self.parent().removeEventFilter(self)  # later paints need no Python call
            callback()


def install_error_hook(window: MainWindow) -> None:
    """An error nobody caught is logged and shown as a message, never lost on a terminal.

    Every change is committed before the UI shows it, so such an error costs no saved work.
    """

    def hook(kind: type[BaseException], error: BaseException, trace: TracebackType | None) -> None:
        from annotator.ui.annotation_controller import user_message

        log.error("Unexpected error", exc_info=(kind, error, trace))
        if isinstance(error, Exception):
            window.dialogs.error(
                "Something went wrong",
                f"{user_message(error)}\n\nYour saved work is safe. "
                f"Details are in {log_dir() / 'annotator.log'}.",
            )

    sys.excepthook = hook


class NoDisplayError(ValueError):
    """There is no screen to show the window on (reported as one line by the command line)."""


def _platform_option(qt_options: Sequence[str]) -> str | None:
    """The platform plugin Qt's `-platform NAME` option chooses (the last one, as for Qt), if given."""
    chosen = None
    for option, value in itertools.pairwise(qt_options):
        if option == "-platform":
            chosen = value
    return chosen


def unknown_platform(chosen: str) -> str | None:
    """Why Qt would abort on the platform plugin asked for (`-platform NAME`, QT_QPA_PLATFORM),
    or None: one with no plugin of that name makes Qt print a screenful and abort."""
    from PySide6.QtCore import QLibraryInfo

    # "wayland;xcb" is a list to try in turn; "offscreen:fontengine=freetype" has options.
    names = [part.split(":", 1)[0].strip() for part in chosen.split(";")]
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    if not any(names) or not folder.is_dir():
        return None
    known = sorted(
        plugin.stem.removeprefix("lib").removeprefix("q")
        for plugin in folder.iterdir()
        if plugin.suffix in (".so", ".dll", ".dylib")
    )
    if not known or any(name in known for name in names):
        return None
    return f"Qt has no platform “{chosen}”: choose one of {', '.join(known)}"


def display_problem(
    environ: dict[str, str] | os._Environ[str] = os.environ,
    platform: str = sys.platform,
    exists: Callable[[Path], bool] = Path.exists,
    qpa: str | None = None,
) -> str | None:
    """Why the window could not be shown here, or None when Qt can try.

    Without a display, Qt's xcb plugin aborts the process with several lines about plugins and
    libraries, none of which says what is missing. A display on this machine (":1", a Wayland
    socket) is looked for where its server puts its socket; a display elsewhere (ssh -X) is left to Qt.
    `qpa` is the platform plugin the -platform option chose, which wins over QT_QPA_PLATFORM.
    """
    if not platform.startswith("linux"):
        return None
    chosen = qpa if qpa is not None else environ.get("QT_QPA_PLATFORM", "")
    if chosen and not chosen.startswith(("xcb", "wayland")):
        return None  # offscreen, vnc, eglfs...: no display needed
    x11, wayland = environ.get("DISPLAY", ""), environ.get("WAYLAND_DISPLAY", "")
    if not x11 and not wayland:
        return (
            "there is no display to show the window on (neither DISPLAY nor WAYLAND_DISPLAY is set): start"
            " it in a desktop session, over ssh -X, or with scripts/run.sh, which starts a virtual screen"
        )
    reachable = []
    if x11:
        local = re.fullmatch(r"(?:unix)?:(\d+)(?:\.\d+)?", x11)
        reachable.append(local is None or exists(Path(f"/tmp/.X11-unix/X{local.group(1)}")))
    if wayland:
        socket = Path(wayland)
        if not socket.is_absolute():
            socket = Path(environ.get("XDG_RUNTIME_DIR", "/nonexistent")) / wayland
        reachable.append(exists(socket))
    if any(reachable):
        return None
    shown = " and ".join(
        f"{name}={value}" for name, value in (("DISPLAY", x11), ("WAYLAND_DISPLAY", wayland)) if value
    )
    return f"no display server is running at {shown}: start it in a desktop session, or with scripts/run.sh"


def run_app(
    project_path: Path | None = None, annotator_name: str | None = None, qt_options: Sequence[str] = ()
) -> int:
    chosen = _platform_option(qt_options)
    problem = unknown_platform(chosen or os.environ.get("QT_QPA_PLATFORM", "")) or display_problem(qpa=chosen)
    if problem is not None:
        raise NoDisplayError(problem)
    _configure_logging()
    app = make_application(qt_options)
    # The frame paints first; then the panes are built and the database layer (~0.7 s to import)
    # opens the project.
    window = MainWindow(app_settings(), build=False)
    install_error_hook(window)
    _close_on_terminate(app)
    AfterFirstPaint(window, lambda: start_window(window, project_path, annotator_name))
    window.show()
    # The keys (1, 2, 3, Alt+digits) are the window's shortcuts, which need it active; a desktop makes a
    # new window active, a bare X server (Xvfb, as scripts/run.sh starts it) only when asked.
    window.activateWindow()
    return app.exec()


def _close_on_terminate(app: QApplication) -> None:
    """SIGTERM, SIGHUP or SIGINT (a logout, a shutdown, `kill`, a closed terminal, Ctrl+C in the
    terminal that started the app) closes the windows as Quit does.

    Every claim is saved either way, but a window closed this way closes its project, and SQLite folds
    the write-ahead log into the project file: the one .sqlite file then holds all the work, ready to be
    copied or sent. Killed outright, the file's -wal companion holds the session's work until the next open.
    """
    import signal

    def close(_signal: int, _frame: object) -> None:
        app.closeAllWindows()
        if not any(window.isVisible() for window in app.topLevelWidgets()):
            app.quit()  # else a window asked and was told to stay (its project file was gone)

    for name in ("SIGTERM", "SIGHUP", "SIGINT"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), close)
    # Python runs a signal's handler only when it runs itself: a light timer lets it while Qt waits.
    ticker = QTimer(app)
    ticker.timeout.connect(lambda: None)
    ticker.start(250)


def start_window(window: MainWindow, project_path: Path | None, annotator_name: str | None) -> bool:
    """Fill the painted frame, then show the project: at once from a first look when it has one."""
    from annotator.domain.records import known_spelling
    from annotator.services.first_look import first_look
    from annotator.ui.project_loader import ProjectLoader

    app = QApplication.instance()
    if isinstance(app, QApplication):
        set_app_icon(app)

    if not window.built:
        window.build()
    path = choose_project_path(project_path, window.settings)
    if project_path is None:
        _say_if_the_last_project_is_gone(window, path)
    look = first_look(path) if path.is_file() else None  # a folder: the full open says what it is
    if look is None:  # a new, old, foreign or damaged file: the full open deals with it
        return open_initial_project(window, project_path, annotator_name)
    name = choose_annotator_name(annotator_name, window.settings, window.dialogs)
    # As the project will spell it ("ana" is Ana): else the first look shows Ana's claims as a colleague's.
    name = known_spelling(name, (claim.annotator_name for claim in look.claims)) or name
    loader = ProjectLoader(window, lambda: open_initial_project(window, path, name))
    window.show_first_look(look, path, name, loader.finish)
    loader.start()
    return True
