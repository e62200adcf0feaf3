"""Merging a colleague's project file into this one: set-based SQL over the other file, attached read-only.

SQLite only, by nature: the other project is an SQLite file, read through `ATTACH ... mode=ro` on the
project's one writer connection, inside one BEGIN IMMEDIATE transaction (on any error nothing changes).
Rows are never loaded as objects: ids are mapped in small temporary tables and the claims move with
INSERT ... SELECT (two projects of 100,000 claims: ~3 s, benchmarks/bench_merge.py).
"""

from __future__ import annotations

import logging
import re
import sqlite3
import tempfile
import uuid
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from annotator.db import deletions
from annotator.db.errors import NewerProjectError, NotAProjectError, ProjectFileError
from annotator.db.project_file import (
    APPLICATION_ID,
    KNOWN_REVISIONS,
    FileState,
    backup_to,
    check_sqlite_file,
    read_file_state,
    read_only_uri,
)
from annotator.db.tables import CLAIM_COLUMNS, CLAIM_CONTENT, UTCDateTime
from annotator.domain.codebook import first_free_colour
from annotator.domain.records import Changes
from annotator.domain.text import final_newline_variants

log = logging.getLogger(__name__)

ALIAS = "merge_source"

# The revisions whose article, annotator, codebook and claim tables this module reads as they are.
# A migration that changes one of those tables must decide whether older files can still be merged
# (a file at a revision left out here is refused with "open it once in the app to upgrade it").
MERGEABLE_REVISIONS = ("0001", "0002", "0003")
MERGE_CACHE_KIB = -65536  # 64 MB of page cache while a merge runs (negative: in KiB, as SQLite takes it)
NEEDED_TABLES = frozenset({"article", "annotator", "source_type", "confidence_level", "claim"})

# What makes two versions of a claim the same claim: everything but its timestamps.
_SNAPSHOT = (*CLAIM_CONTENT, "created_at", "updated_at")


def _q(column: str) -> str:
    return f'"{column}"'  # "end" is a keyword


def _columns(alias: str, columns: Sequence[str] = _SNAPSHOT) -> str:
    return ", ".join(f"{alias}.{_q(c)}" for c in columns)


def _same_content(left: str, right: str) -> str:
    return " AND ".join(f"{left}.{_q(c)} = {right}.{_q(c)}" for c in CLAIM_CONTENT)


def _tie_key(alias: str) -> str:
    # Values both files agree on (type ids differ between files, type names match ignoring case).
    type_name = f"(SELECT lower(t.name) FROM main.source_type AS t WHERE t.id = {alias}.source_type_id)"
    columns = ("start", "end", type_name, "confidence", "source", "cue", "comment")
    return "(" + ", ".join(c if c is type_name else f"{alias}.{_q(c)}" for c in columns) + ")"


# Which version of a claim edited in both files wins: the newer one; on a tie of updated_at, the
# one with the larger content, so that two colleagues merging each other's files end up with the
# same claim instead of each keeping their own.
_INCOMING_WINS = (
    f"(i.updated_at > l.updated_at OR (i.updated_at = l.updated_at AND {_tie_key('i')} > {_tie_key('l')}))"
)


# --- the report ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class MergeCounts:
    added: int = 0
    updated: int = 0
    skipped: int = 0  # already here (or, for claims, identical or older than the version here)

    @property
    def total(self) -> int:
        return self.added + self.updated + self.skipped


@dataclass(frozen=True, slots=True)
class MergeReport:
    """What one merge did, by kind of record."""

    source: str  # the other file's name
    articles: MergeCounts
    annotators: MergeCounts
    source_types: MergeCounts
    claims: MergeCounts
    confidence_levels_added: int = 0
    conflicts: int = 0  # claims that differed between the files (the newer version won)
    history_added: int = 0  # older versions put in the claims' history
    touched_articles: frozenset[str] = frozenset()  # articles added, or whose claims changed
    # The codebook: what agreement would now compare across two schemes.
    source_type_names_added: tuple[str, ...] = ()
    levels_added: tuple[tuple[int, str], ...] = ()  # (value, label)
    levels_relabelled: tuple[tuple[int, str, str], ...] = ()  # (value, label here, label there)
    # Deletions (db/deletions.py).
    deleted_kept_out: int = 0  # deleted here, unchanged there since: not brought back
    deleted_brought_back: int = 0  # deleted here, changed there after the deletion: back (in `claims.added`)
    deletions_carried: int = 0  # deleted there, not changed here since: deleted here too
    deletions_refused: int = 0  # deleted there, but changed here after that: kept
    removed_claims: frozenset[str] = frozenset()

    @property
    def changed_anything(self) -> bool:
        parts = (self.articles, self.annotators, self.source_types, self.claims)
        return any(p.added or p.updated for p in parts) or bool(
            self.confidence_levels_added or self.history_added or self.deletions_carried
        )

    @property
    def changes(self) -> Changes:
        return Changes(
            articles=self.touched_articles,
            removed_claims=self.removed_claims,
            codebook=bool(self.source_types.added or self.confidence_levels_added),
            annotators=bool(self.annotators.added),
        )

    def summary(self) -> str:
        """One paragraph for a user."""
        if not self.changed_anything:
            already = "are already in this project"
            if self.deleted_kept_out:
                already += " or were deleted here"
            text = (
                f"Nothing to merge from “{self.source}”: its {_count(self.claims.total, 'claim')} and"
                f" {_count(self.articles.total, 'article')} {already}."
            )
            return " ".join([text, *self._deletions(), *self._codebook()])
        parts = [
            _line(self.articles, "article"),
            _line(self.annotators, "annotator"),
            _line(self.source_types, "source type"),
        ]
        claims = f"{_count(self.claims.added, 'claim')} added"
        if self.claims.updated:
            claims += f", {self.claims.updated} replaced by a newer version"
        if identical := self.claims.skipped - self.deleted_kept_out:  # those are named below
            claims += f", {identical} already here (identical or older)"
        parts.append(claims)
        if self.confidence_levels_added:
            parts.append(f"{_count(self.confidence_levels_added, 'confidence level')} added")
        sentences = [f"Merged “{self.source}”: " + "; ".join(parts) + "."]
        if self.conflicts:
            # Which side changed a claim is not known (an edit keeps no earlier version), only
            # which version is newer: say that much.
            theirs, here = self.claims.updated, self.conflicts - self.claims.updated
            sides = [
                f"{theirs} from “{self.source}”" if theirs else "",
                f"{here} from this project" if here else "",
            ]
            sentences.append(
                f"{_count(self.conflicts, 'claim')} differed between the two projects: the newer version"
                f" was kept ({', '.join(s for s in sides if s)}) and the older one is in the claim's history."
            )
        if self.history_added:
            sentences.append(f"{_count(self.history_added, 'older version')} added to the claims' history.")
        return " ".join([*sentences, *self._deletions(), *self._codebook()])

    def _deletions(self) -> list[str]:
        sentences = []
        if self.deleted_kept_out:
            sentences.append(
                f"{_count(self.deleted_kept_out, 'claim')} deleted in this project"
                f" {_was(self.deleted_kept_out)} not brought back."
            )
        if self.deleted_brought_back:
            sentences.append(
                f"{_count(self.deleted_brought_back, 'claim')} deleted in this project came back:"
                f" {'it was' if self.deleted_brought_back == 1 else 'they were'} changed in"
                f" “{self.source}” after the deletion."
            )
        if self.deletions_carried:
            sentences.append(
                f"{_count(self.deletions_carried, 'claim')} deleted in “{self.source}”"
                f" {_was(self.deletions_carried)} deleted here too"
                " (the version here is in the claim's history)."
            )
        if self.deletions_refused:
            sentences.append(
                f"{_count(self.deletions_refused, 'claim')} deleted in “{self.source}”"
                f" {_was(self.deletions_refused)} kept here: changed here after that deletion."
            )
        return sentences

    def _codebook(self) -> list[str]:
        parts = []
        if self.source_type_names_added:
            names = ", ".join(f"“{name}”" for name in self.source_type_names_added)
            noun = "source type" if len(self.source_type_names_added) == 1 else "source types"
            parts.append(f"it brought the {noun} {names}")
        if self.levels_added:
            levels = ", ".join(f"{value} “{label}”" for value, label in self.levels_added)
            noun = "confidence level" if len(self.levels_added) == 1 else "confidence levels"
            parts.append(f"the {noun} {levels}")
        for value, here, there in self.levels_relabelled:
            parts.append(
                f"its confidence level {value} is “{there}”, here “{here}” (this project's label kept)"
            )
        if not parts:
            return []
        return [
            f"“{self.source}” was coded with another codebook: {'; '.join(parts)}."
            " Agreement between claims from both projects would now compare two coding schemes."
        ]


def _was(number: int) -> str:
    return "was" if number == 1 else "were"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _line(counts: MergeCounts, noun: str) -> str:
    text = f"{_count(counts.added, noun)} added"
    return text + (f" ({counts.skipped} already here)" if counts.skipped else "")


# --- the other file --------------------------------------------------------------------------


def check_other_project(path: Path) -> FileState:
    """Refuse, without writing to it, a file that is not a project this version can merge."""
    if not path.exists():
        raise ProjectFileError(f"There is no project file at “{path}”.")
    check_sqlite_file(path)
    state = read_file_state(path)
    name = path.name
    if state is None:
        raise NotAProjectError(f"“{name}” is empty, not a Source Annotator project.")
    if state.revision is None:
        raise NotAProjectError(f"“{name}” is a database of another program, not a Source Annotator project.")
    if state.application_id != APPLICATION_ID:
        raise NotAProjectError(f"“{name}” is not a Source Annotator project.")
    if state.revision not in KNOWN_REVISIONS:
        raise NewerProjectError(
            f"“{name}” was saved by a newer version of Source Annotator; update the app to merge it."
        )
    if state.revision not in MERGEABLE_REVISIONS:
        raise ProjectFileError(
            f"“{name}” was saved by an older version of Source Annotator: open it once in the app to"
            " upgrade it, then merge it."
        )
    if missing := NEEDED_TABLES - state.tables:
        raise NotAProjectError(f"“{name}” is damaged: it has no {', '.join(sorted(missing))} table.")
    return state


def _uri_filenames(raw: sqlite3.Connection) -> bool:
    """Whether this SQLite reads `file:` names in ATTACH (the engine opens the project without uri=True)."""
    options = {str(row[0]) for row in raw.execute("PRAGMA compile_options")}
    return "USE_URI" in options or "USE_URI=1" in options


@contextmanager
def attached(engine: Engine, path: Path) -> Iterator[Session]:
    """A write transaction on the project with `path` attached read-only as `merge_source`.

    Commits when the block ends without an error; any error rolls everything back and comes out
    as a ProjectFileError. ATTACH cannot run inside a transaction, so it runs on the writer's
    connection before BEGIN IMMEDIATE.
    """
    with ExitStack() as stack, engine.connect() as connection:
        raw = connection.connection.driver_connection
        assert isinstance(raw, sqlite3.Connection)
        if _uri_filenames(raw):
            target = read_only_uri(path)
        else:
            # Without URI names, ATTACH would open the file read-write (and checkpoint its WAL on
            # DETACH): merge from a copy taken through a read-only connection instead.
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="annotator-merge-"))
            copy = Path(scratch) / "other.sqlite"
            backup_to(path, copy)
            target = str(copy)
        _detach(raw)  # left attached by a merge whose clean-up failed: the connection is pooled
        try:
            raw.execute(f"ATTACH DATABASE ? AS {ALIAS}", (target,))
        except sqlite3.Error as error:
            raise ProjectFileError(f"“{path.name}” cannot be read: {error}.") from error
        raw.create_function("merge_uuid", 0, _new_uuid)
        cache_size = raw.execute("PRAGMA main.cache_size").fetchone()[0]
        # Room for the pages a large merge touches: with SQLite's default 2 MB they spill to the WAL
        # mid-transaction, and are written again when touched again (a 100,000-claim merge ~1.5x slower).
        raw.execute(f"PRAGMA main.cache_size = {MERGE_CACHE_KIB}")
        try:
            with Session(bind=connection) as session, session.begin():
                yield session
        except DBAPIError as error:
            raise ProjectFileError(
                f"“{path.name}” could not be merged ({_one_line(str(error.orig))}); nothing was changed."
            ) from error
        except UnicodeDecodeError as error:  # a damaged schema, see project_file._sqlite_message
            raise ProjectFileError(f"“{path.name}” could not be merged: it is damaged.") from error
        finally:
            raw.execute(f"PRAGMA main.cache_size = {int(cache_size)}")
            _drop_temporaries(raw)
            _detach(raw)


def _detach(raw: sqlite3.Connection) -> None:
    names = {row[1] for row in raw.execute("PRAGMA database_list")}
    if ALIAS in names:
        try:
            raw.execute(f"DETACH DATABASE {ALIAS}")
        except sqlite3.Error:
            # Still in use: the next merge detaches it first, and the error that got us here matters more.
            log.warning("Could not detach the merged file", exc_info=True)


def _one_line(message: str) -> str:
    return " ".join(message.split())


def _new_uuid() -> str:
    return str(uuid.uuid4())


_TEMPORARIES = (
    "merge_article_map",
    "merge_new_article",
    "merge_annotator_map",
    "merge_type_map",
    "merge_common",
    "merge_clash",
    "merge_deleted",
    "merge_their_deletions",
)


def _drop_temporaries(raw: sqlite3.Connection) -> None:
    # Temporary tables live as long as the connection, and the writer's connection is pooled.
    if raw.in_transaction:
        return  # rolled back with the transaction
    raw.execute("DROP VIEW IF EXISTS temp.merge_incoming")
    for table in _TEMPORARIES:
        raw.execute(f"DROP TABLE IF EXISTS temp.{table}")


# --- the merge -------------------------------------------------------------------------------


class _Run:
    """Plain SQL on the transaction's connection, with qmark parameters."""

    def __init__(self, connection: Connection) -> None:
        self._connection = connection

    def __call__(self, sql: str, parameters: Sequence[Any] = ()) -> Any:
        return self._connection.exec_driver_sql(sql, tuple(parameters))

    def many(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if rows:
            self._connection.exec_driver_sql(sql, [tuple(row) for row in rows])

    def scalar(self, sql: str, parameters: Sequence[Any] = ()) -> int:
        return int(self(sql, parameters).scalar() or 0)


def merge_attached(session: Session, *, source_name: str, now: datetime) -> MergeReport:
    """Copy what `merge_source` holds into the project; the caller owns the transaction (see `attached`).

    Articles are matched by their text's SHA-256, annotators by name, source types by name
    (ignoring case), confidence levels by value (local labels win). Claims keep their ids; a claim
    in both files that differs keeps the newer version (by updated_at; on a tie, the same one on
    both sides), and the other version goes to claim_history.

    Deletions (db/deletions.py): a claim deleted here is not brought back unless the other file
    changed it after the deletion; a claim the other file deleted is deleted here too unless it
    changed here after their deletion (its version here goes to the history). The report names
    both, and every codebook difference (types added, levels labelled otherwise).
    """
    run = _Run(session.connection())
    # Rows are copied as stored, never decoded on the way: a damaged page would go in as claims.
    # A tenth of a second for 100 MB.
    verdict = str(run(f"PRAGMA {ALIAS}.quick_check(1)").scalar())
    if verdict != "ok":
        found = _one_line(verdict.replace(f"*** in database {ALIAS} ***", ""))
        raise ProjectFileError(f"“{source_name}” is damaged ({found}). Nothing was merged.")
    other_tables = {
        row[0] for row in run(f"SELECT name FROM {ALIAS}.sqlite_master WHERE type = 'table'").fetchall()
    }
    _drop_temporaries_in_transaction(run)
    levels_added, levels_relabelled = _merge_confidence_levels(run)
    annotators = _merge_annotators(run)
    source_types, type_names_added = _merge_source_types(run)
    articles, new_article_ids = _merge_articles(run)

    run(
        "CREATE TEMP VIEW merge_incoming AS SELECT c.id AS id, a.local_id AS article_id,"
        ' n.local_id AS annotator_id, c.start AS start, c."end" AS "end", c.quote AS quote,'
        " c.context_before AS context_before, c.context_after AS context_after,"
        " t.local_id AS source_type_id, c.confidence AS confidence, c.source AS source, c.cue AS cue,"
        " c.comment AS comment, c.created_at AS created_at, c.updated_at AS updated_at"
        f" FROM {ALIAS}.claim AS c"
        " JOIN temp.merge_article_map AS a ON a.other_id = c.article_id"
        " JOIN temp.merge_annotator_map AS n ON n.other_id = c.annotator_id"
        " JOIN temp.merge_type_map AS t ON t.other_id = c.source_type_id"
    )
    total = run.scalar(f"SELECT count(*) FROM {ALIAS}.claim")
    if (mapped := run.scalar("SELECT count(*) FROM temp.merge_incoming")) != total:
        raise ProjectFileError(
            f"“{source_name}” is damaged: {total - mapped} of its claims belong to an article, annotator"
            " or source type it does not have. Nothing was merged."
        )

    conflicts, updated = find_clashes(session.connection(), f"{ALIAS}.claim", "temp.merge_incoming")
    kept_out, brought_back = _keep_deleted_out(run)
    touched = {
        row[0]
        for row in run(
            "SELECT a.local_id FROM temp.merge_article_map AS a"
            f" WHERE EXISTS (SELECT 1 FROM {ALIAS}.claim AS c WHERE c.article_id = a.other_id"
            " AND c.id NOT IN (SELECT id FROM temp.merge_common))"
            " UNION SELECT i.article_id FROM temp.merge_incoming AS i"
            " JOIN temp.merge_clash AS k ON k.id = i.id WHERE k.incoming_newer"
            " UNION SELECT l.article_id FROM main.claim AS l"
            " JOIN temp.merge_clash AS k ON k.id = l.id WHERE k.incoming_newer"
        ).fetchall()
    }

    replaced_at = UTCDateTime().process_bind_param(now, session.get_bind().dialect)
    history, added = apply_clashes(
        session.connection(), "temp.merge_incoming", replaced_at, f"merged from {source_name}"
    )
    carried: dict[str, str] = {}
    refused = 0
    if "claim_history" in other_tables:
        history += _copy_other_history(run)
        carried, refused = _carry_their_deletions(run, deletions.deleted_in(source_name))
        touched |= set(carried.values())

    if stayed_out := _articles_deleted_here(run, new_article_ids):
        run.many("DELETE FROM main.article WHERE id = ?", [(article_id,) for article_id in stayed_out])
        new_article_ids -= stayed_out
        touched -= stayed_out
        articles = MergeCounts(
            added=articles.added - len(stayed_out), skipped=articles.skipped + len(stayed_out)
        )

    # Never lose a claim: every claim of the other file is here now, in one version or another,
    # unless it was deleted here (and is in the history as such).
    if missing := run.scalar(
        f"SELECT count(*) FROM {ALIAS}.claim AS c"
        " WHERE NOT EXISTS (SELECT 1 FROM main.claim AS l WHERE l.id = c.id)"
        " AND NOT EXISTS (SELECT 1 FROM temp.merge_deleted AS d WHERE d.id = c.id AND NOT d.comes_back)"
    ):
        raise ProjectFileError(
            f"{missing} claims of “{source_name}” could not be merged. Nothing was merged."
        )
    _drop_temporaries_in_transaction(run)
    return MergeReport(
        source=source_name,
        articles=articles,
        annotators=annotators,
        source_types=source_types,
        claims=MergeCounts(added=added, updated=updated, skipped=total - added - updated),
        confidence_levels_added=len(levels_added),
        conflicts=conflicts,
        history_added=history,
        touched_articles=frozenset(touched) | new_article_ids,
        source_type_names_added=type_names_added,
        levels_added=levels_added,
        levels_relabelled=levels_relabelled,
        deleted_kept_out=kept_out,
        deleted_brought_back=brought_back,
        deletions_carried=len(carried),
        deletions_refused=refused,
        removed_claims=frozenset(carried),
    )


def _merge_confidence_levels(
    run: _Run,
) -> tuple[tuple[tuple[int, str], ...], tuple[tuple[int, str, str], ...]]:
    """Levels unknown here are added; a level both have keeps this project's label.

    An added level whose label another level has here gets its number after the label ("high (6)"
    beside a level 4 "high"), as two levels with one label would make the dataset's
    confidence_label ambiguous (services.codebook refuses them too).

    Returns the levels added (value, label as added) and those labelled otherwise there (value,
    here, there), which the report names: the same number may no longer mean the same thing.
    """
    here = dict(run("SELECT value, label FROM main.confidence_level").fetchall())
    there = run(f"SELECT value, label FROM {ALIAS}.confidence_level ORDER BY value").fetchall()
    taken = {str(label).strip().casefold() for label in here.values()}
    added = []
    for value, label in there:
        if value not in here:
            added.append((int(value), _unique_label(str(label), int(value), taken)))
            taken.add(added[-1][1].strip().casefold())
    relabelled = tuple(
        (int(value), str(here[value]), str(label))
        for value, label in there
        if value in here and not _same_label(str(here[value]), str(label), int(value))
    )
    run.many("INSERT INTO main.confidence_level (value, label) VALUES (?, ?)", added)
    return tuple(added), relabelled


def _unique_label(label: str, value: int, taken: set[str]) -> str:
    """`label`, or with the level's number after it (then a count) while another level has it."""
    label = label.strip()
    numbered = (f"{label} ({value}, {n})" for n in range(2, len(taken) + 3))  # one of them is free
    candidates = (label, f"{label} ({value})", *numbered)
    return next(name for name in candidates if name.casefold() not in taken)


def _same_label(here: str, there: str, value: int) -> bool:
    """Whether level `value`'s label here is `there`'s, or what _unique_label made of it on an
    earlier merge ("high (6)" for "high"): then the next merge has no new codebook to report."""
    here, there = here.strip().casefold(), there.strip().casefold()
    return here == there or re.fullmatch(rf"{re.escape(there)} \({value}(?:, \d+)?\)", here) is not None


def _articles_deleted_here(run: _Run, new_article_ids: frozenset[str]) -> frozenset[str]:
    """Articles this merge added back although they were deleted here (Edit > Delete Article): each
    came with claims, every one of them deleted here and kept out. They stay out too."""
    if not new_article_ids:
        return frozenset()
    found = set()
    for article_id in new_article_ids:
        if run.scalar(
            "SELECT EXISTS (SELECT 1 FROM temp.merge_incoming AS i WHERE i.article_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM main.claim AS l WHERE l.article_id = ?)"
            " AND NOT EXISTS (SELECT 1 FROM temp.merge_incoming AS i WHERE i.article_id = ?"
            " AND NOT EXISTS (SELECT 1 FROM temp.merge_deleted AS d WHERE d.id = i.id AND NOT d.comes_back))",
            (article_id, article_id, article_id),
        ):
            found.add(article_id)
    return frozenset(found)


def _keep_deleted_out(run: _Run) -> tuple[int, int]:
    """Incoming claims deleted here (temp.merge_deleted) stay deleted, unless the incoming version
    was changed after the deletion: then it comes back. Returns (kept out, coming back).

    Kept-out claims join temp.merge_common, so that `apply_clashes` counts them as here and does
    not add them. Run after `find_clashes`, before `apply_clashes`.
    """
    run(
        "CREATE TEMP TABLE merge_deleted AS"
        " SELECT d.id AS id, d.deleted_at AS deleted_at, c.updated_at > d.deleted_at AS comes_back FROM"
        " (SELECT h.claim_id AS id, max(h.replaced_at) AS deleted_at FROM main.claim_history AS h"
        f" WHERE {deletions.is_deletion_sql('h')}"
        " AND NOT EXISTS (SELECT 1 FROM main.claim AS l WHERE l.id = h.claim_id)"
        " GROUP BY h.claim_id) AS d"
        f" JOIN {ALIAS}.claim AS c ON c.id = d.id"
    )
    run("INSERT INTO temp.merge_common (id) SELECT id FROM temp.merge_deleted WHERE NOT comes_back")
    kept_out = run.scalar("SELECT count(*) FROM temp.merge_deleted WHERE NOT comes_back")
    return kept_out, run.scalar("SELECT count(*) FROM temp.merge_deleted WHERE comes_back")


def _carry_their_deletions(run: _Run, reason: str) -> tuple[dict[str, str], int]:
    """Claims the other file deleted (a tombstone in its history, no claim) go here too, unless the
    claim here changed after their deletion: work done here is never lost to their deletion. Only
    deletions by the claim's own annotator travel (`deletions.is_carried_deletion_sql`): a colleague's
    Delete Article does not delete my claims on it here.

    The version deleted here goes to the history as a tombstone "deleted in <file>", dated when
    they deleted it. Returns the claims deleted here (id -> article id) and how many were kept.
    Run after `_copy_other_history`.
    """
    run(
        "CREATE TEMP TABLE merge_their_deletions AS"
        " SELECT h.claim_id AS id, max(h.replaced_at) AS deleted_at"
        f" FROM {ALIAS}.claim_history AS h WHERE {deletions.is_carried_deletion_sql('h')}"
        f" AND NOT EXISTS (SELECT 1 FROM {ALIAS}.claim AS c WHERE c.id = h.claim_id)"
        " AND EXISTS (SELECT 1 FROM main.claim AS l WHERE l.id = h.claim_id)"
        " GROUP BY h.claim_id"
    )
    gone = "JOIN temp.merge_their_deletions AS d ON d.id = l.id WHERE l.updated_at <= d.deleted_at"
    carried = {str(i): str(a) for i, a in run(f"SELECT l.id, l.article_id FROM main.claim AS l {gone}")}
    refused = run.scalar("SELECT count(*) FROM temp.merge_their_deletions") - len(carried)
    if carried:
        columns = ("id", "claim_id", *_SNAPSHOT, "replaced_at", "reason")
        run(
            f"INSERT INTO main.claim_history ({', '.join(map(_q, columns))})"
            f" SELECT merge_uuid(), l.id, {_columns('l')}, d.deleted_at, ? FROM main.claim AS l {gone}"
            " AND NOT EXISTS (SELECT 1 FROM main.claim_history AS h WHERE h.claim_id = l.id"
            f" AND {deletions.is_deletion_sql('h')} AND h.updated_at = l.updated_at"
            f" AND {_same_content('h', 'l')})",
            (reason,),
        )
        run.many("DELETE FROM main.claim WHERE id = ?", [(claim_id,) for claim_id in carried])
    return carried, refused


def find_clashes(connection: Connection, incoming_ids: str, incoming: str) -> tuple[int, int]:
    """Find the incoming claims already here (temp.merge_common) and those that differ
    (temp.merge_clash); returns how many differ and how many of those the incoming version wins.

    `incoming_ids` is a table with the incoming claims' `id`s (read on its id index alone, without
    the rows); `incoming` a table or view of them in `claim`'s columns, with this project's ids.
    Shared with the claims import (db/claim_exchange.py). Call `apply_clashes` next.
    """
    run = _Run(connection)
    run("CREATE TEMP TABLE merge_common (id TEXT PRIMARY KEY) WITHOUT ROWID")
    run(
        f"INSERT INTO temp.merge_common (id) SELECT c.id FROM {incoming_ids} AS c"
        " WHERE EXISTS (SELECT 1 FROM main.claim AS l WHERE l.id = c.id)"
    )
    run(
        f"CREATE TEMP TABLE merge_clash AS SELECT i.id AS id, {_INCOMING_WINS} AS incoming_newer"
        f" FROM temp.merge_common AS m JOIN {incoming} AS i ON i.id = m.id"
        " JOIN main.claim AS l ON l.id = m.id"
        f" WHERE NOT ({_same_content('l', 'i')})"
    )
    conflicts = run.scalar("SELECT count(*) FROM temp.merge_clash")
    return conflicts, run.scalar("SELECT count(*) FROM temp.merge_clash WHERE incoming_newer")


def apply_clashes(
    connection: Connection, incoming: str, replaced_at: str | None, origin: str
) -> tuple[int, int]:
    """After `find_clashes`: the newer version of each clashing claim wins, the other goes to the
    claim's history ("... merged from X"), and the claims not here yet are added.

    Returns (versions put in the history, claims added). Needs the `merge_uuid()` SQL function.
    """
    run = _Run(connection)
    history = _insert_history(
        run,
        "(SELECT l.id AS claim_id, l.* FROM main.claim AS l JOIN temp.merge_clash AS k ON k.id = l.id"
        " WHERE k.incoming_newer) AS s",
        replaced_at,
        f"replaced by a newer version {origin}",
    )
    run(
        f"UPDATE main.claim AS l SET {', '.join(f'{_q(c)} = i.{_q(c)}' for c in _SNAPSHOT)}"
        f" FROM (SELECT i.* FROM temp.merge_clash AS k JOIN {incoming} AS i ON i.id = k.id"
        " WHERE k.incoming_newer) AS i WHERE l.id = i.id"
    )
    history += _insert_history(
        run,
        f"(SELECT i.id AS claim_id, i.* FROM {incoming} AS i JOIN temp.merge_clash AS k"
        " ON k.id = i.id WHERE NOT k.incoming_newer) AS s",
        replaced_at,
        f"older version {origin}",
    )
    added = run(
        f"INSERT INTO main.claim ({', '.join(map(_q, CLAIM_COLUMNS))})"
        f" SELECT {_columns('i', CLAIM_COLUMNS)} FROM {incoming} AS i"
        " WHERE i.id NOT IN (SELECT id FROM temp.merge_common)"
    ).rowcount
    return history, added


def _drop_temporaries_in_transaction(run: _Run) -> None:
    run("DROP VIEW IF EXISTS temp.merge_incoming")
    for table in _TEMPORARIES:
        run(f"DROP TABLE IF EXISTS temp.{table}")


def _map_table(run: _Run, name: str, pairs: Sequence[tuple[str, str]]) -> None:
    run(f"CREATE TEMP TABLE {name} (other_id TEXT PRIMARY KEY, local_id TEXT NOT NULL) WITHOUT ROWID")
    run.many(f"INSERT INTO temp.{name} (other_id, local_id) VALUES (?, ?)", pairs)


def _merge_annotators(run: _Run) -> MergeCounts:
    local: dict[str, str] = dict(run("SELECT name, id FROM main.annotator").fetchall())
    taken = set(local.values())
    pairs: list[tuple[str, str]] = []
    new: list[tuple[Any, ...]] = []
    for other_id, name, created_at in run(
        f"SELECT id, name, created_at FROM {ALIAS}.annotator ORDER BY created_at, id"
    ).fetchall():
        if name not in local:
            local[name] = other_id if other_id not in taken else _new_uuid()
            taken.add(local[name])
            new.append((local[name], name, created_at))
        pairs.append((other_id, local[name]))
    run.many("INSERT INTO main.annotator (id, name, created_at) VALUES (?, ?, ?)", new)
    _map_table(run, "merge_annotator_map", pairs)
    return MergeCounts(added=len(new), skipped=len(pairs) - len(new))


def _merge_source_types(run: _Run) -> tuple[MergeCounts, tuple[str, ...]]:
    """A type unknown here is added at the end of the codebook, retired or not as it was there.

    It keeps its colour unless an active type here has it already: two active types must never look
    the same, so it then gets the first palette colour no active type uses.
    """
    rows = run("SELECT id, name, colour, position, retired FROM main.source_type").fetchall()
    local = {name.casefold(): type_id for type_id, name, _, _, _ in rows}
    taken = {type_id for type_id, *_ in rows}
    used = {colour.upper() for _, _, colour, _, retired in rows if not retired}
    position = max((row[3] for row in rows), default=-1) + 1
    pairs: list[tuple[str, str]] = []
    new: list[tuple[Any, ...]] = []
    for other_id, name, definition, colour, retired in run(
        f"SELECT id, name, definition, colour, retired FROM {ALIAS}.source_type ORDER BY position, id"
    ).fetchall():
        key = name.casefold()
        if key not in local:
            local[key] = other_id if other_id not in taken else _new_uuid()
            taken.add(local[key])
            if not retired:
                if colour.upper() in used:
                    colour = first_free_colour(used, len(rows) + len(new))
                used.add(colour.upper())
            new.append((local[key], name, definition, colour, position, retired))
            position += 1
        pairs.append((other_id, local[key]))
    run.many(
        "INSERT INTO main.source_type (id, name, definition, colour, position, retired)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        new,
    )
    _map_table(run, "merge_type_map", pairs)
    return MergeCounts(added=len(new), skipped=len(pairs) - len(new)), tuple(row[1] for row in new)


def _merge_articles(run: _Run) -> tuple[MergeCounts, frozenset[str]]:
    """Articles are one article when their texts hash the same; a new one keeps its id if it is free."""
    local: dict[str, str] = {}
    taken: set[str] = set()
    for article_id, sha256 in run("SELECT id, sha256 FROM main.article ORDER BY created_at, id").fetchall():
        local.setdefault(sha256, article_id)
        taken.add(article_id)
    pairs: list[tuple[str, str]] = []
    new: list[tuple[Any, ...]] = []
    others = run(f"SELECT id, sha256 FROM {ALIAS}.article ORDER BY created_at, id").fetchall()
    unmatched = [other_id for other_id, sha256 in others if sha256 not in local]
    for other_id, local_id in _same_but_final_newlines(run, unmatched).items():
        sha256 = next(digest for o, digest in others if o == other_id)
        local[sha256] = local_id
    for other_id, sha256 in others:
        if sha256 not in local:
            local[sha256] = other_id if other_id not in taken else _new_uuid()
            taken.add(local[sha256])
            new.append((other_id, local[sha256]))
        pairs.append((other_id, local[sha256]))
    _map_table(run, "merge_article_map", pairs)
    columns = ("title", "outlet", "url", "published", "text", "sha256", "created_at", "updated_at")
    if new:
        run("CREATE TEMP TABLE merge_new_article (other_id TEXT PRIMARY KEY) WITHOUT ROWID")
        run.many("INSERT INTO temp.merge_new_article (other_id) VALUES (?)", [(o,) for o, _ in new])
        run(
            f"INSERT INTO main.article (id, {', '.join(columns)})"
            f" SELECT m.local_id, {_columns('a', columns)} FROM {ALIAS}.article AS a"
            " JOIN temp.merge_new_article AS n ON n.other_id = a.id"
            " JOIN temp.merge_article_map AS m ON m.other_id = a.id"
        )
        run("DROP TABLE temp.merge_new_article")
    return MergeCounts(added=len(new), skipped=len(pairs) - len(new)), frozenset(i for _, i in new)


def _same_but_final_newlines(run: _Run, other_ids: Sequence[str]) -> dict[str, str]:
    """Their articles (by id) that are an article here but for line breaks at the very end (an editor
    that adds a final newline, a paste that drops it), mapped to it, found by hash. Offsets are the same
    in both texts up to there; an article with a claim past the shorter text stays apart (a new one)."""
    found: dict[str, str] = {}
    for other_id in other_ids:
        text = run(f"SELECT text FROM {ALIAS}.article WHERE id = ?", (other_id,)).scalar()
        variants = final_newline_variants(text or "")
        if not variants:
            continue
        marks = ", ".join("?" * len(variants))
        here = run(
            f"SELECT id, sha256 FROM main.article WHERE sha256 IN ({marks}) ORDER BY created_at, id",
            tuple(variants),
        ).first()
        if here is None:
            continue
        reach = run.scalar(f'SELECT max("end") FROM {ALIAS}.claim WHERE article_id = ?', (other_id,))
        if reach <= variants[here[1]]:
            found[other_id] = str(here[0])
    return found


def _insert_history(run: _Run, source: str, replaced_at: str | None, reason: str) -> int:
    """Put the versions that `source` (as `s`) holds in claim_history, unless the same version is there."""
    return int(
        run(
            f"INSERT INTO main.claim_history (id, claim_id, {', '.join(map(_q, _SNAPSHOT))},"
            " replaced_at, reason)"
            f" SELECT merge_uuid(), s.claim_id, {_columns('s')}, ?, ? FROM {source}"
            f" WHERE NOT EXISTS ({_SAME_VERSION_IN_HISTORY})",
            (replaced_at, reason),
        ).rowcount
    )


_SAME_VERSION_IN_HISTORY = (
    "SELECT 1 FROM main.claim_history AS h WHERE h.claim_id = s.claim_id"
    f" AND h.updated_at = s.updated_at AND {_same_content('h', 's')}"
)


def _copy_other_history(run: _Run) -> int:
    """The other file's own claim history, with its ids mapped to this project's (each version once)."""
    mapped = {
        "article_id": "coalesce(a.local_id, o.article_id)",
        "annotator_id": "coalesce(n.local_id, o.annotator_id)",
        "source_type_id": "coalesce(t.local_id, o.source_type_id)",
    }
    values = ", ".join(f"{mapped.get(c, f'o.{_q(c)}')} AS {_q(c)}" for c in _SNAPSHOT)
    columns = ("id", "claim_id", *_SNAPSHOT, "replaced_at", "reason")
    return int(
        run(
            f"INSERT INTO main.claim_history ({', '.join(map(_q, columns))})"
            f" SELECT {_columns('s', columns)} FROM ("
            f"SELECT o.id AS id, o.claim_id AS claim_id, {values},"
            " o.replaced_at AS replaced_at, o.reason AS reason"
            f" FROM {ALIAS}.claim_history AS o"
            " LEFT JOIN temp.merge_article_map AS a ON a.other_id = o.article_id"
            " LEFT JOIN temp.merge_annotator_map AS n ON n.other_id = o.annotator_id"
            " LEFT JOIN temp.merge_type_map AS t ON t.other_id = o.source_type_id"
            ") AS s WHERE NOT EXISTS (SELECT 1 FROM main.claim_history AS x WHERE x.id = s.id)"
            # A tombstone is kept even when its version is here already: it says the claim was deleted.
            f" AND ({deletions.is_deletion_sql('s')} OR NOT EXISTS ({_SAME_VERSION_IN_HISTORY}))"
        ).rowcount
    )
