"""Opening an article builds its claims with the cyclic garbage collector paused, then freezes them; the
collector is back on afterwards, whatever happened, and garbage from before is not frozen with them."""

from __future__ import annotations

import gc
import weakref

import pytest
from PySide6.QtCore import QSettings

from annotator.ui.bulk_build import collector_paused


@pytest.fixture(autouse=True)
def unfrozen():
    yield
    gc.unfreeze()  # the rest of the test session collects as usual
    gc.enable()


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


def cycle_garbage() -> weakref.ref[Node]:
    first, second = Node(), Node()
    first.other, second.other = second, first
    return weakref.ref(first)


def test_the_build_runs_paused_and_what_it_built_is_frozen():
    frozen_before = gc.get_freeze_count()
    with collector_paused():
        assert not gc.isenabled()
        built = [Node() for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen_before + len(built)


def test_garbage_cycles_from_before_are_collected_not_frozen():
    gc.disable()  # so that only collector_paused can collect the cycle
    dead = cycle_garbage()
    gc.enable()
    with collector_paused():
        assert dead() is None


def test_the_collector_comes_back_after_an_error():
    with pytest.raises(RuntimeError), collector_paused():
        raise RuntimeError("reading the claims failed")
    assert gc.isenabled()


def test_nested_builds_pause_once_and_a_paused_collector_stays_paused():
    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block must not switch it back on
    assert gc.isenabled()
    gc.disable()
    frozen_before = gc.get_freeze_count()
    with collector_paused():
        Node()
    assert not gc.isenabled()
    assert gc.get_freeze_count() == frozen_before  # someone else's pause: not ours to freeze


def test_thaw_gives_frozen_objects_back_to_the_collector() -> None:
    from annotator.ui.bulk_build import thaw

    gc.unfreeze()
    with collector_paused():
        built = [[n] for n in range(1000)]
    assert gc.get_freeze_count() >= len(built)
    thaw()
    assert gc.get_freeze_count() == 0


def test_opening_another_project_gives_what_the_last_one_froze_back_to_the_collector(qtbot, tmp_path) -> None:
    from tests.ui.test_main_window import make_window

    class Node:
        pass

    from annotator.services.project import Project

    project = Project.open(tmp_path / "a.sqlite")
    project.articles.add_text("The minister said so.", title="One")
    project.close()
    window = make_window(
        qtbot, QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat), tmp_path / "a.sqlite"
    )
    assert window.controller.article is not None
    cycle = Node()
    cycle.me = cycle  # type: ignore[attr-defined]
    gone = weakref.ref(cycle)
    window.controller.show_article(window.controller.article.id)  # freezes what is alive, the cycle too
    del cycle
    gc.collect()
    assert gone() is not None  # frozen: the collector does not see it
    assert window.open_project(tmp_path / "b.sqlite")
    gc.collect()
    assert gone() is None
