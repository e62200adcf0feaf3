"""A simulated disk for SQLite, as an apsw VFS: a power cut loses every write that was never synced.

The files on the real disk stand for the operating system's page cache: SQLite reads back what it
wrote, exactly as on a real machine. Beside them the VFS keeps, for every file, what the platter
holds: its content as of its last sync plus the writes (and truncations) made since. At the cut the
VFS refuses every further change (raising an I/O error stops the writer wherever it was, mid-
transaction or mid-checkpoint), and `reboot()` then replaces the real files with what the platter
held, which is all a machine finds after power comes back.

What it models:
- xSync makes a file's writes and truncations so far durable; nothing else does. By default a cut
  loses every unsynced write; with `survival` > 0 each 512-byte sector of an unsynced write (and
  each unsynced truncation) lands with that probability, in the order they were made, which
  stands for the kernel writing dirty pages back on its own, and for torn writes (a sector is
  the unit, as SQLite's "powersafe overwrite" assumption says).
- Directory changes are durable only when SQLite asks for a directory sync: a file it deletes
  comes back after a cut (with its durable content) unless xDelete had `syncdir`; a file it creates
  exists after a cut only once its entry was synced. SQLite's unix VFS syncs the directory on the
  first sync of a newly opened WAL or rollback journal, so the shim makes such a file's entry
  durable at its first xSync; a new main database file never gets an entry (the tests start from
  an existing project, which counts as durable when the first epoch opens it).
- Files already on disk when a `SimulatedDisk` first sees them count as durable as they are.

What it does not model: the -shm wal-index (a shared-memory file, not a VFS file; it keeps whatever
it held, and SQLite must rebuild it after the cut, which it does), torn writes inside a sector,
metadata writeback that would make an unsynced create or delete durable by luck, bit rot, and
lying disks (a sync that returns before the data is on the platter). Temporary files are passed
through untracked. The real files are never fsynced: durability is the shim's to decide.
"""

from __future__ import annotations

import random
import sqlite3
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import apsw
from sqlalchemy import event

from annotator.db.project_file import read_only_connection
from annotator.services.project import Project

SECTOR = 512
_NEW_JOURNAL = apsw.SQLITE_OPEN_WAL | apsw.SQLITE_OPEN_MAIN_JOURNAL | apsw.SQLITE_OPEN_SUPER_JOURNAL


@dataclass(frozen=True)
class CutPlan:
    """When the power goes, counting writes, truncations and syncs (changes); the first that applies.

    In WAL mode SQLite changes the main database file only while checkpointing, so
    `on_database_change` cuts a checkpoint short, and `after_checkpoint` hits what follows one (the
    WAL starting over from its beginning).
    """

    after_changes: int | None = None  # the n-th change to any file
    on_database_change: int | None = None  # the n-th change to the main database file
    after_checkpoint: int | None = None  # the n-th change to another file after a checkpoint


@dataclass(eq=False)
class _Platter:
    """One file's bytes as the disk holds them, and the changes still waiting in the page cache."""

    synced: bytearray
    pending: list[tuple[int, bytes | None]] = field(default_factory=list)  # (offset, data) | (size, None)

    def sync(self) -> None:
        for offset, data in self.pending:
            _apply(self.synced, offset, data)
        self.pending.clear()

    def after_power_loss(self, survival: float, rng: random.Random) -> bytearray:
        content = bytearray(self.synced)
        if survival <= 0:
            return content
        for offset, data in self.pending:
            if data is None:
                if rng.random() < survival:
                    _apply(content, offset, None)
                continue
            start = offset
            while start < offset + len(data):
                end = min((start // SECTOR + 1) * SECTOR, offset + len(data))
                if rng.random() < survival:
                    _apply(content, start, data[start - offset : end - offset])
                start = end
        return content


def _apply(content: bytearray, offset: int, data: bytes | None) -> None:
    if data is None:  # a truncation to `offset` bytes (ftruncate also extends with zeros)
        if offset < len(content):
            del content[offset:]
        else:
            content.extend(bytes(offset - len(content)))
        return
    if offset > len(content):
        content.extend(bytes(offset - len(content)))
    content[offset : offset + len(data)] = data


class SimulatedDisk:
    """The platter behind one epoch of the writer (from opening the database to the power cut)."""

    def __init__(self, plan: CutPlan, *, survival: float = 0.0, seed: int = 0) -> None:
        self.plan = plan
        self.survival = survival
        self._rng = random.Random(seed)
        self.entries: dict[str, _Platter] = {}  # the directory as running programs see it
        self.durable: dict[str, _Platter] = {}  # the directory as it is after a reboot
        self._seen: set[str] = set()
        self.changes = 0
        self.database_changes = 0
        self.changes_after_checkpoint: int | None = None  # None until a checkpoint has ended
        self.power_off = False
        self.cut_in: str | None = None  # "<file>: <operation>" where the power went
        self.cut_while_checkpointing = False  # the cut hit the main database file

    def opened(self, path: str, *, existed: bool) -> _Platter:
        if path not in self._seen:
            self._seen.add(path)
            if existed:
                platter = _Platter(bytearray(Path(path).read_bytes()))
                self.entries[path] = self.durable[path] = platter
                return platter
        platter = self.entries.get(path)
        if platter is None:
            platter = self.entries[path] = _Platter(bytearray())
        return platter

    def before_change(self, path: str, operation: str, *, main_database: bool) -> None:
        """Count a change to a file; cut the power when the plan says so (the change is then lost)."""
        if self.power_off:
            raise apsw.IOError("the power is off")
        self.changes += 1
        if main_database:
            self.database_changes += 1
        elif self.database_changes and self.changes_after_checkpoint is None:
            self.changes_after_checkpoint = 0  # the first change to another file after a checkpoint
        if self.changes_after_checkpoint is not None:
            self.changes_after_checkpoint += 1
        plan = self.plan
        if (
            (plan.after_changes is not None and self.changes >= plan.after_changes)
            or (
                main_database
                and plan.on_database_change is not None
                and self.database_changes >= plan.on_database_change
            )
            or (
                plan.after_checkpoint is not None
                and self.changes_after_checkpoint is not None
                and self.changes_after_checkpoint >= plan.after_checkpoint
            )
        ):
            self.power_off = True
            self.cut_in = f"{Path(path).name}: {operation}"
            self.cut_while_checkpointing = main_database
            raise apsw.IOError("power cut")

    def deleted(self, path: str, *, syncdir: bool) -> None:
        if self.power_off:
            raise apsw.IOError("the power is off")
        self._seen.add(path)
        self.entries.pop(path, None)
        if syncdir:
            self.durable.pop(path, None)

    def reboot(self) -> None:
        """Put on the real disk what a machine would find after the power came back."""
        assert self.power_off, "reboot() is for after the power cut"
        for path in sorted(self._seen):
            platter = self.durable.get(path)
            if platter is None:
                Path(path).unlink(missing_ok=True)
            else:
                Path(path).write_bytes(platter.after_power_loss(self.survival, self._rng))


class _File(apsw.VFSFile):
    def __init__(self, disk: SimulatedDisk, name: Any, flags: list[int]) -> None:
        path = name if name is None or isinstance(name, str) else name.filename()
        existed = path is not None and Path(path).exists()
        super().__init__("", name, flags)  # the default VFS opens (or creates) the real file
        self._disk = disk
        self._path: str | None = path
        self._platter = None if path is None else disk.opened(path, existed=existed)
        self._main_database = bool(flags[0] & apsw.SQLITE_OPEN_MAIN_DB)
        # The unix VFS fsyncs the directory on the first sync of a journal or WAL it opened with
        # SQLITE_OPEN_CREATE: that is when the file's directory entry becomes durable.
        self._directory_sync_due = bool(flags[0] & apsw.SQLITE_OPEN_CREATE and flags[0] & _NEW_JOURNAL)

    def xWrite(self, data: bytes, offset: int) -> None:
        if self._platter is not None and self._path is not None:
            self._disk.before_change(self._path, f"write at {offset}", main_database=self._main_database)
            self._platter.pending.append((offset, bytes(data)))
        super().xWrite(data, offset)

    def xTruncate(self, newsize: int) -> None:
        if self._platter is not None and self._path is not None:
            self._disk.before_change(self._path, f"truncate to {newsize}", main_database=self._main_database)
            self._platter.pending.append((newsize, None))
        super().xTruncate(newsize)

    def xSync(self, flags: int) -> None:
        # No real fsync: the real file only stands for the page cache.
        if self._platter is None or self._path is None:
            return
        self._disk.before_change(self._path, "sync", main_database=self._main_database)
        self._platter.sync()
        if self._directory_sync_due:
            self._directory_sync_due = False
            self._disk.durable[self._path] = self._platter


class PowerLossVFS(apsw.VFS):
    """Register under `name` for as long as the `with` block lasts."""

    def __init__(self, disk: SimulatedDisk, name: str = "power-loss") -> None:
        self.disk = disk
        self.name = name
        super().__init__(name, "")  # inherit the default (unix) VFS

    def xOpen(self, name: Any, flags: list[int]) -> apsw.VFSFile:
        return _File(self.disk, name, flags)

    def xDelete(self, filename: str, syncdir: bool) -> None:
        self.disk.deleted(filename, syncdir=syncdir)
        super().xDelete(filename, syncdir)

    def __enter__(self) -> PowerLossVFS:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.unregister()


# --- the app's claim insert, recorded once and replayed through apsw --------------------------


@dataclass(frozen=True)
class RecordedSave:
    """The SQL (and bound values) the app sent to SQLite for one `ClaimService.create`, in order.

    Recorded from the real service on the real engine, so the replay runs the app's own BEGIN,
    reads, INSERT and COMMIT, not a copy of them that could drift.
    """

    statements: tuple[tuple[str, Any], ...]
    claim_id: str
    comment: str

    def replay(self, connection: apsw.Connection, claim_id: str, comment: str) -> None:
        swap = {self.claim_id: claim_id, self.comment: comment}
        for sql, parameters in self.statements:
            values = tuple(
                swap.get(value, value) if isinstance(value, str) else value for value in parameters
            )
            connection.execute(sql, values).fetchall()


def record_save(project: Project, **create_arguments: Any) -> RecordedSave:
    """Create one claim through the app, recording what its engine sends to SQLite."""
    engine = project._tx.engine
    statements: list[tuple[str, Any]] = []

    def before_cursor_execute(*args: Any) -> None:
        _connection, _cursor, statement, parameters, _context, executemany = args
        assert not executemany, "one claim is one INSERT"
        statements.append((statement, tuple(parameters)))

    def commit(_connection: Any) -> None:
        statements.append(("COMMIT", ()))  # what pysqlite's commit() sends

    claim_id = str(uuid.uuid4())
    comment = f"recorded {claim_id}"
    event.listen(engine, "before_cursor_execute", before_cursor_execute)
    event.listen(engine, "commit", commit)
    try:
        project.claims.create(claim_id=claim_id, comment=comment, **create_arguments)
    finally:
        event.remove(engine, "before_cursor_execute", before_cursor_execute)
        event.remove(engine, "commit", commit)
    return RecordedSave(tuple(statements), claim_id, comment)


# --- power cuts, one after another, on one project file ----------------------------------------

SETTINGS = ("journal_mode", "synchronous", "foreign_keys", "busy_timeout")
MAX_SAVES_PER_CUT = 5_000


@dataclass(frozen=True)
class CutResult:
    cut_in: str  # where the power went: "<file>: <operation>"
    while_checkpointing: bool
    acknowledged: int  # saves whose COMMIT had returned since the previous cut
    lost: frozenset[str]  # acknowledged saves (of this or any earlier epoch) missing after the reboot
    damage: str | None  # None when PRAGMA integrity_check says ok


@dataclass
class PowerCutRun:
    settings: dict[str, Any] = field(default_factory=dict)  # as the writer's connection reported them
    cuts: list[CutResult] = field(default_factory=list)

    @property
    def lost(self) -> int:
        return sum(len(cut.lost) for cut in self.cuts)

    @property
    def damaged(self) -> int:
        return sum(cut.damage is not None for cut in self.cuts)

    @property
    def acknowledged(self) -> int:
        return sum(cut.acknowledged for cut in self.cuts)

    def summary(self) -> str:
        in_checkpoint = sum(cut.while_checkpointing for cut in self.cuts)
        return (
            f"{len(self.cuts)} cuts ({in_checkpoint} while checkpointing), {self.acknowledged} acknowledged "
            f"saves, {self.lost} lost in {sum(bool(c.lost) for c in self.cuts)} cuts, "
            f"{self.damaged} damaged files"
        )


def _judge(path: Path) -> sqlite3.Connection:
    """A connection for checking the rebooted file, as the app would first read it.

    A WAL file through the app's read-only connection, which neither checkpoints nor removes the
    WAL, so the next epoch recovers it. A rollback-journal file (only in the tests that try other
    journal modes) through a writable one: a hot journal must be rolled back before anyone reads.
    """
    with path.open("rb") as handle:
        in_wal_mode = handle.read(20)[18:19] == b"\x02"
    return read_only_connection(path) if in_wal_mode else sqlite3.connect(path)


def settings_of(connection: Any) -> dict[str, Any]:
    """The settings that decide durability, from an apsw or DB-API connection."""
    return {name: connection.execute(f"PRAGMA {name}").fetchone()[0] for name in SETTINGS}


def run_power_cuts(
    path: Path,
    save: RecordedSave,
    plans: list[CutPlan],
    *,
    pragmas: tuple[str, ...],
    article_id: str,
    survival: float = 0.0,
    seed: int = 0,
    open_with_the_app_every: int | None = 5,
) -> PowerCutRun:
    """Save claims through the simulated disk until each plan's power cut, rebooting after each.

    After every reboot the file is judged as the app would find it: integrity_check and the
    acknowledged claims through the app's read-only connection (which leaves the WAL in place for
    the next epoch to recover), and every few cuts through `Project.open` (which checkpoints it).
    Stops at the first damaged file: later epochs would only measure the damage again.
    """
    run = PowerCutRun()
    expected: set[str] = set()
    for number, plan in enumerate(plans):
        ids = random.Random(seed * 1_000 + number)
        disk = SimulatedDisk(plan, survival=survival, seed=seed * 1_000 + number)
        acknowledged: list[str] = []
        with PowerLossVFS(disk) as vfs:
            connection = apsw.Connection(str(path), vfs=vfs.name)
            try:
                for pragma in pragmas:
                    connection.execute(pragma).fetchall()
                if not run.settings:
                    run.settings = settings_of(connection)
                for _ in range(MAX_SAVES_PER_CUT):
                    claim_id = str(uuid.UUID(int=ids.getrandbits(128), version=4))
                    save.replay(connection, claim_id, f"saved before cut {number}")
                    acknowledged.append(claim_id)
                raise AssertionError(f"cut {number}: the power never went out ({plan})")
            except apsw.Error:
                if not disk.power_off:
                    raise
            finally:
                try:
                    connection.close(True)
                except apsw.Error:  # its checkpoint on close, refused: the power is off
                    if not disk.power_off:
                        raise
        disk.reboot()

        expected.update(acknowledged)
        damage: str | None = None
        stored: set[str] = set()
        try:
            check = _judge(path)
            try:
                verdict = check.execute("PRAGMA integrity_check").fetchone()[0]
                damage = None if verdict == "ok" else verdict
                stored = {claim_id for (claim_id,) in check.execute("SELECT id FROM claim")}
            finally:
                check.close()
        except Exception as error:  # "database disk image is malformed", "file is not a database"
            damage = repr(error)
        if damage is None and open_with_the_app_every and (number + 1) % open_with_the_app_every == 0:
            project = Project.open(path, create=False)
            try:
                seen_by_the_app = {claim.id for claim in project.claims.for_article(article_id)}
            finally:
                project.close()
            assert seen_by_the_app == stored, "the app and SQLite disagree on the claims"
        lost = frozenset(expected - stored) if damage is None else frozenset()
        expected -= lost  # count each lost save once
        assert disk.cut_in is not None
        run.cuts.append(CutResult(disk.cut_in, disk.cut_while_checkpointing, len(acknowledged), lost, damage))
        if damage is not None:
            break
    return run
