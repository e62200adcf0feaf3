"""Merging a colleague's project: everything comes over once, edits made on both sides keep both versions."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest

from annotator.db import merge as db_merge
from annotator.db.errors import NewerProjectError, NotAProjectError, ProjectFileError
from annotator.db.project_file import read_only_connection
from annotator.services.merge import MergeCounts
from annotator.services.project import Project
from tests.core.factories import (
    BRIDGE,
    UNICODE_ARTICLE,
    StepClock,
    add_article,
    add_claim,
    open_project,
    run_cli,
    sha256_of,
    side_files,
)

TABLES = ("article", "annotator", "source_type", "confidence_level", "claim", "claim_history", "setting")


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> StepClock:
    # Every edit a second after the one before, so "newer" is never a tie.
    step = StepClock()
    monkeypatch.setattr("annotator.services.claims.utc_now", step)
    return step


def rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, read without writing (the project may be open)."""
    connection = read_only_connection(path)
    try:
        return {
            table: sorted(connection.execute(f"SELECT * FROM {table}").fetchall(), key=repr)
            for table in TABLES
        }
    finally:
        connection.close()


def counts(path: Path) -> dict[str, int]:
    return {table: len(found) for table, found in rows(path).items()}


def history(path: Path, claim_id: str) -> list[dict[str, object]]:
    connection = read_only_connection(path)
    connection.row_factory = sqlite3.Row
    try:
        found = connection.execute(
            "SELECT * FROM claim_history WHERE claim_id = ? ORDER BY replaced_at", (claim_id,)
        ).fetchall()
        return [dict(row) for row in found]
    finally:
        connection.close()


def colleague(tmp_path: Path, name: str = "theirs.sqlite") -> Project:
    return open_project(tmp_path / name)


def offsets(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


# --- what comes over ---------------------------------------------------------------------------


def test_merge_adds_everything_from_a_colleagues_file(tmp_path: Path, mine: Project) -> None:
    mine.annotator("Ana")
    theirs = colleague(tmp_path)
    article_id = add_article(theirs, UNICODE_ARTICLE, "Minister")
    text = theirs.articles.get(article_id).text
    ben = theirs.annotator("Ben")
    _, press_id = theirs.codebook.add_type("press release", "What an organisation puts out.")
    claim_ids = []
    for quote, type_index in (("👩🏽‍💼", 0), ("👨‍👩‍👧", 1), ("café (cafe\u0301)", 2), ("😀 it may slip", 3)):
        start, end = offsets(text, quote)
        claim_ids.append(
            add_claim(
                theirs,
                article_id,
                ben,
                start,
                end,
                type_index=type_index,
                confidence=4,
                source="the minister",
            )
        )
    theirs_claims = {claim_id: theirs.claims.get(claim_id) for claim_id in claim_ids}
    their_book = theirs.codebook.get()
    type_names = {c: their_book.type_by_id(claim.source_type_id).name for c, claim in theirs_claims.items()}
    theirs.close()

    report = mine.merge.merge_from(theirs.path)

    assert report.articles == MergeCounts(added=1)
    assert report.annotators == MergeCounts(added=1)
    assert report.source_types == MergeCounts(added=1, skipped=3)
    assert report.claims == MergeCounts(added=4)
    assert report.changes.articles == {article_id}
    assert report.changes.codebook and report.changes.annotators
    merged_text = mine.articles.get(article_id).text  # a new article keeps its id
    assert merged_text == text
    assert sorted(a.name for a in mine.annotators()) == ["Ana", "Ben"]
    book = mine.codebook.get()
    assert [t.name for t in book.source_types][-1] == "press release"  # at the end of the codebook
    assert book.type_by_id(press_id) is not None
    for claim_id, before in theirs_claims.items():
        after = mine.claims.get(claim_id)  # claims keep their ids
        assert after is not None
        # Every field, times included; the type is the one of that name here (the defaults have
        # other ids in every project).
        assert book.type_by_id(after.source_type_id).name == type_names[claim_id]
        assert after._replace(source_type_id=before.source_type_id) == before
        assert merged_text[after.start : after.end] == after.quote


def test_the_same_article_imported_on_both_sides_is_one_article(tmp_path: Path, mine: Project) -> None:
    my_article = add_article(mine, BRIDGE, "Bridge")
    ana = mine.annotator("Ana")
    my_claim = add_claim(mine, my_article, ana, *offsets(BRIDGE, "the bridge will reopen"))
    theirs = colleague(tmp_path)
    their_article = add_article(theirs, BRIDGE, "Bridge (their copy)")
    ben = theirs.annotator("Ben")
    their_claim = add_claim(theirs, their_article, ben, *offsets(BRIDGE, "a council statement"), type_index=1)
    theirs.close()
    assert my_article != their_article

    report = mine.merge.merge_from(theirs.path)

    assert report.articles == MergeCounts(skipped=1)
    assert [a.id for a in mine.articles.list()] == [my_article]
    assert mine.articles.list()[0].title == "Bridge"  # mine, not theirs
    on_it = mine.claims.for_article(my_article)
    assert {(c.id, c.annotator_name) for c in on_it} == {(my_claim, "Ana"), (their_claim, "Ben")}
    merged = mine.claims.get(their_claim)
    assert merged is not None
    assert merged.article_id == my_article  # re-pointed to the article here
    assert BRIDGE[merged.start : merged.end] == merged.quote == "a council statement"


def test_codebook_entries_are_matched_by_name_and_value(tmp_path: Path, mine: Project) -> None:
    official = mine.codebook.get().active_types[0]
    theirs = colleague(tmp_path)
    book = theirs.codebook.get()
    theirs.codebook.update_type(book.active_types[0].id, name=official.name.upper())  # same type, other case
    theirs.codebook.relabel_level(3, "moderate")
    _, same_colour = theirs.codebook.add_type("leak", colour=official.colour)  # a colour active here
    _, retired = theirs.codebook.add_type("rumour", colour="#123456")
    theirs.codebook.update_type(retired, retired=True)
    article_id = add_article(theirs, BRIDGE)
    claim_id = add_claim(theirs, article_id, theirs.annotator("Ben"), 4, 9, type_index=0)
    theirs.close()
    with sqlite3.connect(theirs.path) as raw:  # a sixth level, as another preset might have
        raw.execute("INSERT INTO confidence_level (value, label) VALUES (6, 'certain')")
    raw.close()

    report = mine.merge.merge_from(theirs.path)

    assert report.source_types == MergeCounts(added=2, skipped=3)
    assert report.confidence_levels_added == 1
    merged = mine.codebook.get()
    assert [t.name for t in merged.source_types] == ["official", "unnamed", "speculation", "leak", "rumour"]
    assert [t.position for t in merged.source_types] == sorted({t.position for t in merged.source_types})
    leak, rumour = merged.source_types[3], merged.source_types[4]
    assert leak.id == same_colour and not leak.retired
    active_colours = [t.colour.upper() for t in merged.active_types]
    assert len(set(active_colours)) == len(active_colours)  # two active types never look the same
    assert rumour.id == retired and rumour.retired and rumour.colour == "#123456"
    assert merged.level_label(3) == "medium"  # local labels win
    assert merged.level_label(6) == "certain"
    claim = mine.claims.get(claim_id)
    assert claim is not None and claim.source_type_id == official.id  # "OFFICIAL" there is "official" here


def test_merging_twice_adds_nothing(tmp_path: Path, mine: Project) -> None:
    add_claim(mine, add_article(mine, BRIDGE), mine.annotator("Ana"), 4, 9)
    theirs = colleague(tmp_path)
    article_id = add_article(theirs, BRIDGE)
    ben = theirs.annotator("Ben")
    for start in range(0, 40, 5):
        add_claim(theirs, article_id, ben, start, start + 4)
    add_claim(theirs, add_article(theirs, UNICODE_ARTICLE), ben, 0, 8)
    theirs.codebook.add_type("press release")
    theirs.close()

    first = mine.merge.merge_from(theirs.path)
    after_first = rows(mine.path)
    second = mine.merge.merge_from(theirs.path)

    assert first.claims.added == 9
    assert second.articles == MergeCounts(skipped=2)
    assert second.annotators == MergeCounts(skipped=1)
    assert second.source_types == MergeCounts(skipped=4)
    assert second.claims == MergeCounts(skipped=9)
    assert (second.confidence_levels_added, second.conflicts, second.history_added) == (0, 0, 0)
    assert not second.changed_anything
    assert second.summary().startswith("Nothing to merge from “theirs.sqlite”")
    assert rows(mine.path) == after_first


# --- edits on both sides -----------------------------------------------------------------------


def _shared_start(tmp_path: Path, mine: Project) -> tuple[Project, str]:
    """My project with one claim, and a colleague's copy of the file (same ids everywhere)."""
    article_id = add_article(mine, BRIDGE)
    claim_id = add_claim(mine, article_id, mine.annotator("Ana"), *offsets(BRIDGE, "the bridge"))
    mine.close()  # which checkpoints the WAL: the file alone is the whole project
    shutil.copy(tmp_path / "mine.sqlite", tmp_path / "theirs.sqlite")
    return open_project(tmp_path / "theirs.sqlite"), claim_id


@pytest.mark.parametrize("newer", ["theirs", "mine"])
def test_a_claim_edited_on_both_sides_keeps_the_newer_version(tmp_path: Path, newer: str) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    theirs, claim_id = _shared_start(tmp_path, mine)
    mine = open_project(tmp_path / "mine.sqlite")
    try:
        span = offsets(BRIDGE, "The mayor")
        edits = [
            (mine, {"comment": "mine", "confidence": 2}),
            (theirs, {"comment": "theirs", "start": span[0], "end": span[1]}),
        ]
        if newer == "mine":
            edits.reverse()
        for project, fields in edits:  # the second edit is the newer one (the clock steps)
            project.claims.update(claim_id, **fields)
        my_version, their_version = mine.claims.get(claim_id), theirs.claims.get(claim_id)
        theirs.close()
        assert my_version is not None and their_version is not None

        report = mine.merge.merge_from(theirs.path)

        winner, loser = (their_version, my_version) if newer == "theirs" else (my_version, their_version)
        assert mine.claims.get(claim_id) == winner
        assert report.conflicts == 1
        assert report.claims == (MergeCounts(updated=1) if newer == "theirs" else MergeCounts(skipped=1))
        kept = history(mine.path, claim_id)
        assert len(kept) == 1
        assert kept[0]["comment"] == loser.comment
        assert (kept[0]["start"], kept[0]["end"], kept[0]["quote"]) == (loser.start, loser.end, loser.quote)
        assert kept[0]["confidence"] == loser.confidence
        assert kept[0]["updated_at"] < winner.updated_at.isoformat().replace("+00:00", "Z")
        assert "theirs.sqlite" in str(kept[0]["reason"])
        assert report.history_added == 1

        again = mine.merge.merge_from(theirs.path)  # the older version is not kept twice
        assert (again.history_added, again.claims.added, again.claims.updated) == (0, 0, 0)
        assert len(history(mine.path, claim_id)) == 1
    finally:
        mine.close()


def test_merging_both_ways_converges(tmp_path: Path) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    theirs, claim_id = _shared_start(tmp_path, mine)
    mine = open_project(tmp_path / "mine.sqlite")
    try:
        mine.claims.update(claim_id, comment="mine")
        theirs.claims.update(claim_id, comment="theirs, later")
        mine.close()
        theirs.merge.merge_from(tmp_path / "mine.sqlite")  # theirs is newer: nothing replaced there
        theirs.close()
        mine = open_project(tmp_path / "mine.sqlite")
        mine.merge.merge_from(tmp_path / "theirs.sqlite")
        claim = mine.claims.get(claim_id)
        assert claim is not None and claim.comment == "theirs, later"
        # My version reached their history, came back with their file, and is kept once.
        assert [h["comment"] for h in history(mine.path, claim_id)] == ["mine"]
    finally:
        mine.close()
    assert rows(tmp_path / "mine.sqlite")["claim"] == rows(tmp_path / "theirs.sqlite")["claim"]
    # A third colleague gets the claim's history with it.
    third = open_project(tmp_path / "third.sqlite")
    try:
        assert third.merge.merge_from(tmp_path / "theirs.sqlite").history_added == 1
        assert [h["comment"] for h in history(third.path, claim_id)] == ["mine"]
    finally:
        third.close()


@pytest.mark.parametrize(
    ("my_edit", "their_edit"),
    [
        ({"comment": "a"}, {"comment": "b"}),
        ({"confidence": 4}, {"confidence": 2}),
        ({"source": "the mayor"}, {"cue": "said"}),
    ],
)
def test_edits_saved_at_the_same_moment_converge_when_merged_both_ways(
    tmp_path: Path, clock: StepClock, my_edit: dict[str, object], their_edit: dict[str, object]
) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    theirs, claim_id = _shared_start(tmp_path, mine)
    mine = open_project(tmp_path / "mine.sqlite")
    moment = clock.now
    for project, fields in ((mine, my_edit), (theirs, their_edit)):
        clock.now = moment  # both edits get the very same updated_at
        project.claims.update(claim_id, **fields)
    mine.close()
    theirs.close()
    # Each merges the other's file as it was sent, before either merge happened.
    shutil.copy(tmp_path / "theirs.sqlite", tmp_path / "theirs-sent.sqlite")
    shutil.copy(tmp_path / "mine.sqlite", tmp_path / "mine-sent.sqlite")

    mine = open_project(tmp_path / "mine.sqlite")
    theirs = open_project(tmp_path / "theirs.sqlite")
    try:
        assert mine.merge.merge_from(tmp_path / "theirs-sent.sqlite").conflicts == 1
        assert theirs.merge.merge_from(tmp_path / "mine-sent.sqlite").conflicts == 1
        mine_now, theirs_now = mine.claims.get(claim_id), theirs.claims.get(claim_id)
        assert mine_now is not None and mine_now == theirs_now  # one winner, the same on both sides
        # The losing version is in the history on both sides, not lost.
        assert len(history(mine.path, claim_id)) == len(history(theirs.path, claim_id)) == 1
    finally:
        mine.close()
        theirs.close()


def test_identical_claims_are_skipped(tmp_path: Path) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    theirs, claim_id = _shared_start(tmp_path, mine)
    theirs.close()
    mine = open_project(tmp_path / "mine.sqlite")
    try:
        report = mine.merge.merge_from(theirs.path)
        assert report.claims == MergeCounts(skipped=1)
        assert report.conflicts == report.history_added == 0
        assert history(mine.path, claim_id) == []
    finally:
        mine.close()


# --- the other file ------------------------------------------------------------------------------


def test_the_other_file_is_never_written(tmp_path: Path, mine: Project) -> None:
    theirs = colleague(tmp_path)
    add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 4, 9)
    theirs.close()
    before = sha256_of(theirs.path)
    assert side_files(theirs.path) == []

    mine.merge.merge_from(theirs.path)
    mine.merge.merge_from(theirs.path)

    assert sha256_of(theirs.path) == before
    assert side_files(theirs.path) == []


def test_a_file_still_open_in_the_app_is_merged_with_its_latest_work(tmp_path: Path, mine: Project) -> None:
    theirs = colleague(tmp_path)
    try:
        claim_id = add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 4, 9)
        assert (tmp_path / "theirs.sqlite-wal").exists()  # the claim is in the WAL only
        report = mine.merge.merge_from(theirs.path)
        assert report.claims == MergeCounts(added=1)
        assert mine.claims.get(claim_id) is not None
        theirs.annotator("Cleo")  # and their app can go on writing
    finally:
        theirs.close()


def test_an_older_but_compatible_file_is_merged(tmp_path: Path, mine: Project) -> None:
    theirs = colleague(tmp_path)
    claim_id = add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 4, 9)
    theirs.close()
    with sqlite3.connect(theirs.path) as raw:  # as version 0001 wrote it: no claim history
        raw.execute("DROP TABLE claim_history")
        raw.execute("UPDATE alembic_version SET version_num = '0001'")
    raw.close()

    report = mine.merge.merge_from(theirs.path)

    assert report.claims == MergeCounts(added=1)
    assert mine.claims.get(claim_id) is not None


def test_an_older_file_this_version_cannot_read_is_refused(
    tmp_path: Path, mine: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    theirs = colleague(tmp_path)
    theirs.close()
    with sqlite3.connect(theirs.path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0001'")
    raw.close()
    monkeypatch.setattr(db_merge, "MERGEABLE_REVISIONS", ("0002",))
    with pytest.raises(ProjectFileError, match="open it once in the app to upgrade it"):
        mine.merge.merge_from(theirs.path)


def _missing(path: Path) -> None:
    pass


def _text_file(path: Path) -> None:
    path.write_text("These are my notes, not a project.\n", encoding="utf-8")


def _empty_file(path: Path) -> None:
    path.touch()


def _folder(path: Path) -> None:
    path.mkdir()


def _foreign_database(path: Path) -> None:
    with sqlite3.connect(path) as raw:
        raw.execute("CREATE TABLE recipe (id INTEGER PRIMARY KEY, name TEXT)")
    raw.close()


def _newer_project(path: Path) -> None:
    Project.open(path).close()
    with sqlite3.connect(path) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '9999_future'")
    raw.close()


def _damaged_schema(path: Path) -> None:
    project = Project.open(path)
    add_article(project, BRIDGE)
    project.close()
    data = bytearray(path.read_bytes())
    at = data.index(b"CONSTRAINT", 100)  # in the schema, which may reach past the first page
    data[at - 6 : at] = b"\xb2\xaa\xb3\xb3\xd3\xdf"
    path.write_bytes(bytes(data))


def _damaged_pages(path: Path) -> None:
    project = Project.open(path)
    article_id = add_article(project, BRIDGE * 40)
    ben = project.annotator("Ben")
    for start in range(0, 2000, 10):
        add_claim(project, article_id, ben, start, start + 30, comment="x" * 200)
    project.close()
    data = bytearray(path.read_bytes())
    page = 4096
    middle = (len(data) // page // 2) * page
    data[middle : middle + 3 * page] = b"\xff\x00\x13" * page
    path.write_bytes(bytes(data))


REFUSED = {
    _missing: (ProjectFileError, "There is no project file"),
    _text_file: (NotAProjectError, "not a Source Annotator project"),
    _empty_file: (NotAProjectError, "empty"),
    _folder: (NotAProjectError, "folder"),
    _foreign_database: (NotAProjectError, "another program"),
    _newer_project: (NewerProjectError, "newer version"),
    _damaged_schema: (ProjectFileError, "is damaged \\(malformed database schema"),
    _damaged_pages: (ProjectFileError, "damaged|malformed"),
}


@pytest.mark.parametrize("make", list(REFUSED), ids=[make.__name__.strip("_") for make in REFUSED])
def test_a_file_that_cannot_be_merged_is_refused_and_nothing_changes(
    tmp_path: Path, mine: Project, make
) -> None:
    add_claim(mine, add_article(mine, BRIDGE), mine.annotator("Ana"), 4, 9)
    before = rows(mine.path)
    other = tmp_path / "other.sqlite"
    make(other)
    other_before = sha256_of(other) if other.is_file() else None

    error, message = REFUSED[make]
    with pytest.raises(error, match=message) as refused:
        mine.merge.merge_from(other)
    assert "\n" not in str(refused.value)  # the command line shows it as one line

    assert rows(mine.path) == before
    if other_before is not None:
        assert sha256_of(other) == other_before
    assert mine.merge.merge_from(_a_good_file(tmp_path)).claims.added == 1


def _a_good_file(tmp_path: Path) -> Path:
    """After a refusal the project merges as well as ever (no attached file or temp table left)."""
    theirs = colleague(tmp_path, "good.sqlite")
    add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 0, 3)
    theirs.close()
    return theirs.path


def test_without_uri_file_names_a_read_only_copy_is_merged(
    tmp_path: Path, mine: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Some SQLite builds ignore "file:...?mode=ro" in ATTACH: the merge then reads a copy.
    monkeypatch.setattr(db_merge, "_uri_filenames", lambda raw: False)
    theirs = colleague(tmp_path)
    claim_id = add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 4, 9)
    theirs.close()
    before = sha256_of(theirs.path)

    assert mine.merge.merge_from(theirs.path).claims == MergeCounts(added=1)

    assert mine.claims.get(claim_id) is not None
    assert sha256_of(theirs.path) == before
    assert side_files(theirs.path) == []


def test_the_project_itself_is_refused(mine: Project) -> None:
    with pytest.raises(ProjectFileError, match="is this project"):
        mine.merge.merge_from(mine.path)


def test_an_error_half_way_leaves_the_project_as_it_was(
    tmp_path: Path, mine: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_claim(mine, add_article(mine, BRIDGE), mine.annotator("Ana"), 4, 9)
    theirs = colleague(tmp_path)
    add_claim(theirs, add_article(theirs, UNICODE_ARTICLE), theirs.annotator("Ben"), 0, 8)
    theirs.codebook.add_type("press release")
    theirs.close()
    before = rows(mine.path)

    def fail(*args: object, **kwargs: object) -> int:
        raise RuntimeError("the disk is full")

    with monkeypatch.context() as patch:
        patch.setattr(db_merge, "_copy_other_history", fail)  # after the claims went in
        with pytest.raises(RuntimeError):
            mine.merge.merge_from(theirs.path)
    assert rows(mine.path) == before

    report = mine.merge.merge_from(theirs.path)  # nothing was left behind on the connection
    assert report.claims == MergeCounts(added=1)


# --- the schema ---------------------------------------------------------------------------------


def test_a_file_from_before_claim_history_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    project = open_project(path)
    claim_id = add_claim(project, add_article(project, BRIDGE), project.annotator("Ana"), 4, 9)
    claim = project.claims.get(claim_id)
    project.close()
    with sqlite3.connect(path) as raw:  # the file as version 0001 left it
        for table in ("reviewed_claim", "review_decision_claim", "review_decision", "claim_history"):
            raw.execute(f"DROP TABLE {table}")
        raw.execute("UPDATE alembic_version SET version_num = '0001'")
    raw.close()

    upgraded = Project.open(path)
    try:
        assert upgraded.claims.get(claim_id) == claim
        assert counts(path)["claim_history"] == 0
    finally:
        upgraded.close()
    backups = list(tmp_path.glob("old.before-upgrade-0001-*.sqlite"))
    assert len(backups) == 1
    connection = sqlite3.connect(backups[0])
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0001",)
        assert connection.execute("SELECT count(*) FROM claim").fetchone() == (1,)
    finally:
        connection.close()


# --- the command line ----------------------------------------------------------------------------


def test_the_merge_command_prints_one_paragraph(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    mine = open_project(tmp_path / "mine.sqlite")
    add_claim(mine, add_article(mine, BRIDGE), mine.annotator("Ana"), 4, 9)
    mine.close()
    theirs = colleague(tmp_path)
    add_claim(theirs, add_article(theirs, BRIDGE), theirs.annotator("Ben"), 10, 16)
    theirs.close()

    assert run_cli(["merge", str(theirs.path), "--project", str(mine.path)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert len(out.strip().split("\n")) == 1
    assert out.startswith("Merged “theirs.sqlite”")
    assert "1 claim added" in out and "1 annotator added" in out

    assert run_cli(["merge", str(theirs.path), "--project", str(mine.path)]) == 0
    assert capsys.readouterr().out.startswith("Nothing to merge")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["merge", "{tmp}/absent.sqlite", "--project", "{tmp}/mine.sqlite"], "There is no project file"),
        (["merge", "{tmp}/notes.txt", "--project", "{tmp}/mine.sqlite"], "not a Source Annotator project"),
        (["merge", "{tmp}/theirs.sqlite", "--project", "{tmp}/absent.sqlite"], "There is no project file"),
    ],
)
def test_bad_input_is_one_line_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    open_project(tmp_path / "mine.sqlite").close()
    colleague(tmp_path).close()
    _text_file(tmp_path / "notes.txt")
    before = sha256_of(tmp_path / "mine.sqlite")

    assert run_cli([arg.format(tmp=tmp_path) for arg in argv]) == 1

    err = capsys.readouterr().err
    assert len(err.strip().split("\n")) == 1 and "Traceback" not in err
    assert err.startswith("annotator: ") and message in err
    assert sha256_of(tmp_path / "mine.sqlite") == before
    assert not (tmp_path / "absent.sqlite").exists()


def test_the_merge_command_needs_a_project(capsys: pytest.CaptureFixture[str]) -> None:
    assert run_cli(["merge", "theirs.sqlite"]) == 2
    assert "--project" in capsys.readouterr().err


def test_a_file_too_large_to_be_a_project_is_refused_before_sqlite_reads_it(tmp_path):
    """A mistaken pick (a disk image, a video): refused by its size, through the same gate as articles."""
    from annotator.formats.errors import ImportRejected
    from annotator.services.merge import MAX_MERGED_PROJECT_BYTES
    from annotator.services.project import Project

    mine = Project.open(tmp_path / "mine.sqlite")
    huge = tmp_path / "disk.img"
    with huge.open("wb") as handle:
        handle.truncate(MAX_MERGED_PROJECT_BYTES + 1)  # sparse: no real disk space
    try:
        with pytest.raises(ImportRejected, match="limit for a project to merge"):
            mine.merge.merge_from(huge)
        assert mine.articles.list() == []
    finally:
        mine.close()
