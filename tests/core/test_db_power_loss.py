"""Power cuts with the app's real settings: no damaged file, no lost save the user saw acknowledged.

The writer is SQLite driven through apsw on a simulated disk (tests/core/powerloss.py) that keeps
only what was synced when the power goes. It opens the project with the pragmas the app's engine
applies (`CONNECTION_PRAGMAS`, one definition) and saves claims with the very statements the
app's `ClaimService.create` sends, recorded from the real service on the real engine: BEGIN
IMMEDIATE, the article read, the INSERT, the read-back, COMMIT. After each cut the file is judged
by the app's own SQLite (the standard library's) and, every few cuts, opened with `Project.open`.

apsw brings its own SQLite (3.54 here; the app runs on the system's, 3.40 here): the WAL and sync
protocol has been the same across those versions, and the app-side checks use the app's library.
"""

from __future__ import annotations

import random
import uuid
from pathlib import Path

import pytest

from annotator.db.engine import BEGIN_WRITE, CONNECTION_PRAGMAS
from tests.core.factories import add_article, engine_of, first_type_id, open_project
from tests.core.powerloss import CutPlan, PowerCutRun, RecordedSave, record_save, run_power_cuts, settings_of

CUTS = 40
EVIDENCE_CUTS = 12  # enough for each weakened setting to show its loss or damage
SEED = 20261125


def _cut_plans(count: int, seed: int) -> list[CutPlan]:
    # About 10 changes per save and a checkpoint every ~220 saves (~50-120 changes to the database
    # file): half the cuts fall anywhere, a quarter inside a checkpoint, a quarter just after one.
    rng = random.Random(seed)
    plans = []
    for number in range(count):
        if number % 4 == 2:
            plans.append(CutPlan(on_database_change=rng.randint(1, 60)))
        elif number % 4 == 3:
            plans.append(CutPlan(after_checkpoint=rng.randint(1, 40)))
        else:
            plans.append(CutPlan(after_changes=rng.randint(1, 2_500)))
    return plans


def _replaced(setting: str, value: str) -> tuple[str, ...]:
    """The app's pragmas with one setting changed."""
    others = tuple(p for p in CONNECTION_PRAGMAS if not p.startswith(f"PRAGMA {setting} "))
    assert len(others) == len(CONNECTION_PRAGMAS) - 1, f"the app sets {setting} exactly once"
    return (*others, f"PRAGMA {setting} = {value}")


@pytest.fixture
def project(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> tuple[Path, str, RecordedSave, dict[str, object]]:
    """A project file with an article, one recorded save, and the settings of the app's connections."""
    # Ids decide where rows fall in the B-trees, and so how many pages each save writes: seeded ids
    # make every run cut at the same places.
    ids = random.Random(SEED)
    monkeypatch.setattr(uuid, "uuid4", lambda: uuid.UUID(int=ids.getrandbits(128), version=4))
    path = tmp_path / "power.sqlite"
    project = open_project(path)
    try:
        article_id = add_article(
            project, "The agency said the outage was contained, officials told reporters. " * 5
        )
        save = record_save(
            project,
            article_id=article_id,
            annotator_id=project.annotator("Ana").id,
            start=4,
            end=20,
            source_type_id=first_type_id(project),
            confidence=3,
        )
        with engine_of(project).connect() as connection:
            app_settings = settings_of(connection.connection.driver_connection)
    finally:
        project.close()
    return path, article_id, save, app_settings


def _report(label: str, run: PowerCutRun) -> str:
    lines = [f"{label}: {run.summary()}"]
    lines += [
        f"  cut {n}: {c.cut_in}, {c.acknowledged} acknowledged, {len(c.lost)} lost, damage {c.damage}"
        for n, c in enumerate(run.cuts)
        if c.lost or c.damage
    ]
    return "\n".join(lines)


def test_the_recorded_save_is_the_apps_claim_insert(project: tuple[Path, str, RecordedSave, dict]) -> None:
    _, _, save, _ = project
    statements = [sql for sql, _ in save.statements]
    assert statements[0] == BEGIN_WRITE
    assert statements[-1] == "COMMIT"
    assert [sql for sql in statements if sql.startswith("INSERT")] == [
        sql for sql in statements if sql.startswith("INSERT INTO claim ")
    ]
    assert sum(sql.startswith("INSERT") for sql in statements) == 1
    assert any(save.claim_id in values for _, values in save.statements)


@pytest.mark.parametrize("survival", [0.0, 0.5], ids=["unsynced-writes-lost", "unsynced-writes-half-landed"])
def test_power_cuts_leave_no_damage_and_lose_no_acknowledged_save(
    project: tuple[Path, str, RecordedSave, dict], survival: float
) -> None:
    path, article_id, save, app_settings = project
    run = run_power_cuts(
        path,
        save,
        _cut_plans(CUTS, SEED),
        pragmas=CONNECTION_PRAGMAS,
        article_id=article_id,
        survival=survival,
        seed=SEED,
    )
    print(_report(f"synchronous as the app sets it, survival {survival}", run))
    # The writer ran with exactly the settings of the app's own connections.
    assert run.settings == app_settings
    assert len(run.cuts) == CUTS
    assert run.damaged == 0, _report("damaged", run)
    assert run.lost == 0, _report("lost", run)
    # The harness did reach the places where saves could be lost.
    assert run.acknowledged >= 10 * CUTS
    assert sum(cut.while_checkpointing for cut in run.cuts) >= CUTS // 4


# The harness must be able to fail. Each test below weakens one setting and requires the loss or
# damage SQLite's documentation predicts for it, so a shim that kept too much would be caught.


def test_without_a_sync_per_commit_the_simulated_disk_loses_acknowledged_saves(
    project: tuple[Path, str, RecordedSave, dict],
) -> None:
    # synchronous = NORMAL syncs the WAL only at checkpoints: consistent, but not durable.
    path, article_id, save, _ = project
    run = run_power_cuts(
        path,
        save,
        _cut_plans(EVIDENCE_CUTS, SEED),
        pragmas=_replaced("synchronous", "NORMAL"),
        article_id=article_id,
        seed=SEED,
        open_with_the_app_every=None,
    )
    print(_report("synchronous = NORMAL", run))
    assert run.settings["synchronous"] == 1
    assert run.damaged == 0
    assert sum(bool(cut.lost) for cut in run.cuts) >= EVIDENCE_CUTS // 4


def test_without_any_sync_torn_writes_damage_the_file(project: tuple[Path, str, RecordedSave, dict]) -> None:
    # synchronous = OFF lets a checkpoint overwrite database pages whose WAL frames were never
    # synced: with half the unsynced sectors landing, the file is soon malformed.
    path, article_id, save, _ = project
    run = run_power_cuts(
        path,
        save,
        _cut_plans(EVIDENCE_CUTS, SEED),
        pragmas=_replaced("synchronous", "OFF"),
        article_id=article_id,
        survival=0.5,
        seed=SEED,
        open_with_the_app_every=None,
    )
    print(_report("synchronous = OFF, survival 0.5", run))
    assert run.damaged == 1  # the run stops at the first damaged file


@pytest.mark.parametrize(("level", "loses"), [("FULL", True), ("EXTRA", False)])
def test_a_deleted_journal_comes_back_unless_its_directory_was_synced(
    project: tuple[Path, str, RecordedSave, dict], level: str, loses: bool
) -> None:
    # In rollback-journal (DELETE) mode a commit ends by deleting the journal; only EXTRA syncs the
    # directory afterwards. Under FULL the journal comes back after the cut, and SQLite rolls the
    # acknowledged commit back: the shim's directory model at work (the app itself runs in WAL mode).
    path, article_id, save, _ = project
    settings = [p for p in _replaced("synchronous", level) if not p.startswith("PRAGMA journal_mode")]
    run = run_power_cuts(
        path,
        save,
        _cut_plans(EVIDENCE_CUTS, SEED),
        pragmas=(*settings, "PRAGMA journal_mode = DELETE"),
        article_id=article_id,
        seed=SEED,
        open_with_the_app_every=None,  # the app would switch the file back to WAL
    )
    print(_report(f"journal_mode = DELETE, synchronous = {level}", run))
    assert run.settings["journal_mode"] == "delete"
    assert run.damaged == 0
    assert (run.lost > 0) is loses
