"""Settling disagreements: the review list of units, decisions (accept, edit, reject), the reviewed layer."""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.db.project_file import read_only_connection
from annotator.domain.decisions import ArticleProgress, Outcome, review_progress
from annotator.domain.units import Difference
from annotator.services.adjudication import AdjudicationError
from annotator.services.codebook import CodebookError
from annotator.services.project import Project
from tests.core.factories import StepClock, add_article, add_claim, open_project

TEXT = "The minister said the talks would resume. Officials said the army was ready. Nobody knows why."
FIRST, SECOND, THIRD = (0, 41), (42, 76), (77, 94)


@pytest.fixture(autouse=True)
def clock(monkeypatch: pytest.MonkeyPatch) -> StepClock:
    # One clock for claims and decisions, a second per step: "edited after the decision" is certain.
    step = StepClock()
    monkeypatch.setattr("annotator.services.claims.utc_now", step)
    monkeypatch.setattr("annotator.services.adjudication.utc_now", step)
    return step


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    opened = open_project(tmp_path / "review.sqlite")
    yield opened
    opened.close()


class Article:
    """Ana and Ben on TEXT: they agree on the first sentence, differ in type on the second, and only
    Ana tagged the third."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.id = add_article(project, TEXT, "Talks")
        self.ana, self.ben = project.annotator("Ana"), project.annotator("Ben")
        self.reviewer = project.annotator("Rita")
        self.a1 = add_claim(project, self.id, self.ana, *FIRST, type_index=0)
        self.b1 = add_claim(project, self.id, self.ben, *FIRST, type_index=0)
        self.a2 = add_claim(project, self.id, self.ana, *SECOND, type_index=1, confidence=2, cue="said")
        self.b2 = add_claim(project, self.id, self.ben, *SECOND, type_index=0, confidence=4, source="army")
        self.a3 = add_claim(project, self.id, self.ana, *THIRD, type_index=2)

    def settle(self, claim_ids, outcome, chosen=None, edits=None):  # type: ignore[no-untyped-def]
        return self.project.adjudication.settle(
            self.id, claim_ids, outcome, chosen, edits, decided_by=self.reviewer.id
        )


@pytest.fixture
def article(project: Project) -> Article:
    return Article(project)


def table(path: Path, name: str) -> list[sqlite3.Row]:
    connection = read_only_connection(path)
    connection.row_factory = sqlite3.Row
    try:
        return connection.execute(f"SELECT * FROM {name}").fetchall()
    finally:
        connection.close()


def test_the_review_list_shows_each_unit_with_what_differs(project: Project, article: Article) -> None:
    units = project.adjudication.review_units(article.id)

    assert [u.claim_ids for u in units] == [(article.a1, article.b1), (article.a2, article.b2), (article.a3,)]
    assert [u.differences for u in units] == [
        frozenset(),
        {Difference.SOURCE_TYPE, Difference.CONFIDENCE},
        {Difference.MISSING},
    ]
    assert [u.unit.annotators for u in units] == [("Ana", "Ben")] * 3
    assert not any(u.decision or u.stale or u.settled for u in units)
    assert project.adjudication.progress([article.id]) == {article.id: ArticleProgress(0, 3, 2)}


def test_accepting_a_version_copies_it_into_the_reviewed_layer_with_its_provenance(
    project: Project, article: Article
) -> None:
    changes, decision, replaced = article.settle([article.a2, article.b2], "accepted", article.b2)

    assert changes.articles == {article.id} and replaced == []
    assert decision.outcome is Outcome.ACCEPTED
    assert (decision.decided_by, decision.decided_by_name) == (article.reviewer.id, "Rita")
    assert decision.chosen_claim_id == article.b2
    assert decision.claim_ids == {article.a2, article.b2}
    ben = project.claims.get(article.b2)
    reviewed = decision.reviewed
    assert reviewed is not None
    assert (reviewed.start, reviewed.end, reviewed.quote) == (ben.start, ben.end, ben.quote)
    assert (reviewed.context_before, reviewed.context_after) == (ben.context_before, ben.context_after)
    assert (reviewed.source_type_id, reviewed.confidence, reviewed.source) == (ben.source_type_id, 4, "army")
    assert reviewed.id not in (article.a2, article.b2)  # a claim of its own layer

    # In the file: the decision, both claims with the chosen one marked, and the reviewed claim.
    path = project.path
    [row] = table(path, "review_decision")
    assert (row["outcome"], row["decided_by"], row["article_id"]) == (
        "accepted",
        article.reviewer.id,
        article.id,
    )
    settled = {(r["claim_id"], r["chosen"]) for r in table(path, "review_decision_claim")}
    assert settled == {(article.a2, 0), (article.b2, 1)}
    [stored] = table(path, "reviewed_claim")
    assert (stored["decision_id"], stored["quote"], stored["source"]) == (decision.id, ben.quote, "army")

    units = project.adjudication.review_units(article.id)
    assert units[1].decision == decision and units[1].settled
    assert project.adjudication.progress([article.id])[article.id] == ArticleProgress(1, 3, 1)


def test_editing_a_version_changes_its_fields_and_recuts_the_quote_from_the_text(
    project: Project, article: Article
) -> None:
    officials = TEXT.index("Officials")
    edits = {
        "start": officials,
        "end": SECOND[1] - 1,  # without the full stop
        "source_type_id": project.codebook.get().active_types[2].id,
        "confidence": 5,
        "cue": "  said  ",
        "comment": "Both half right",
    }
    _, decision, _ = article.settle([article.a2, article.b2], Outcome.EDITED, article.a2, edits)

    reviewed = decision.reviewed
    assert decision.outcome is Outcome.EDITED and decision.chosen_claim_id == article.a2
    assert reviewed is not None
    assert reviewed.quote == "Officials said the army was ready" == TEXT[reviewed.start : reviewed.end]
    assert reviewed.context_before.endswith("would resume. ")
    assert reviewed.context_after.startswith(". Nobody")
    assert (reviewed.confidence, reviewed.cue, reviewed.comment) == (5, "said", "Both half right")
    assert reviewed.source_type_id == edits["source_type_id"]
    assert reviewed.source == ""  # kept from Ana's version, which had none
    # The annotators' claims are untouched.
    assert project.claims.get(article.a2).confidence == 2


def test_an_edit_that_changes_nothing_is_an_acceptance(project: Project, article: Article) -> None:
    _, decision, _ = article.settle([article.a2, article.b2], "edited", article.a2, {"cue": "said "})
    assert decision.outcome is Outcome.ACCEPTED


def test_rejecting_a_unit_keeps_no_claim(project: Project, article: Article) -> None:
    _, decision, _ = article.settle([article.a3], "rejected")

    assert decision.outcome is Outcome.REJECTED and decision.reviewed is None
    assert decision.chosen_claim_id is None
    assert table(project.path, "reviewed_claim") == []
    assert project.adjudication.review_units(article.id)[2].settled
    assert project.adjudication.progress([article.id])[article.id] == ArticleProgress(1, 3, 1)


def test_deciding_a_unit_again_replaces_the_earlier_decision(project: Project, article: Article) -> None:
    _, first, _ = article.settle([article.a2, article.b2], "accepted", article.a2)
    _, second, replaced = article.settle([article.a2, article.b2], "rejected")

    assert replaced == [first]
    assert [r["id"] for r in table(project.path, "review_decision")] == [second.id]
    assert table(project.path, "reviewed_claim") == []
    assert len(table(project.path, "review_decision_claim")) == 2
    assert project.adjudication.review_units(article.id)[1].decision == second


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"claim_ids": [], "outcome": "rejected"}, "needs the claims"),
        ({"claim_ids": ["a3"], "outcome": "rejected", "chosen": "a3"}, "keeps no version"),
        ({"claim_ids": ["a2"], "outcome": "accepted", "chosen": "b2"}, "Choose the version"),
        ({"claim_ids": ["a2"], "outcome": "accepted", "chosen": "a2", "edits": {"cue": "x"}}, "edit it"),
        ({"claim_ids": ["a2"], "outcome": "edited", "chosen": "a2", "edits": {"quote": "x"}}, "quote"),
        (
            {"claim_ids": ["a2"], "outcome": "edited", "chosen": "a2", "edits": {"end": 999}},
            r"span \d+\.\.999",
        ),
        ({"claim_ids": ["a2"], "outcome": "edited", "chosen": "a2", "edits": {"confidence": 9}}, "9 is not"),
        (
            {"claim_ids": ["a2"], "outcome": "edited", "chosen": "a2", "edits": {"source_type_id": "?"}},
            "codebook",
        ),
        ({"claim_ids": ["gone"], "outcome": "rejected"}, "no longer exists"),
    ],
)
def test_a_decision_that_cannot_be_made_is_refused_and_nothing_is_saved(
    project: Project, article: Article, kwargs: dict[str, object], message: str
) -> None:
    def real(name: object) -> object:
        return getattr(article, name) if isinstance(name, str) and hasattr(article, name) else name

    ids = [real(i) for i in kwargs["claim_ids"]]  # type: ignore[attr-defined]
    with pytest.raises(AdjudicationError, match=message):
        article.settle(ids, kwargs["outcome"], real(kwargs.get("chosen")), kwargs.get("edits"))
    assert table(project.path, "review_decision") == []


def test_a_white_space_span_is_refused(project: Project, article: Article) -> None:
    gap = TEXT.index(" Officials")
    with pytest.raises(AdjudicationError, match="white space"):
        article.settle([article.a2], "edited", article.a2, {"start": gap, "end": gap + 1})


def test_a_unit_whose_claims_changed_after_the_decision_is_stale(project: Project, article: Article) -> None:
    _, on_second, _ = article.settle([article.a2, article.b2], "accepted", article.a2)
    article.settle([article.a1, article.b1], "accepted", article.a1)
    article.settle([article.a3], "rejected")
    assert project.adjudication.progress([article.id])[article.id] == ArticleProgress(3, 3, 0)

    project.claims.update(article.b2, confidence=2)  # edited after the decision
    cleo = project.annotator("Cleo")
    add_claim(project, article.id, cleo, *FIRST)  # a third claim joins the first unit
    project.claims.delete(article.a3)  # the third unit loses its only claim

    units = project.adjudication.review_units(article.id)
    assert len(units) == 2  # the third unit is gone with its claim
    assert [(u.decision is not None, u.stale, u.settled) for u in units] == [(True, True, False)] * 2
    assert units[1].decision == on_second  # still shown, for the reviewer to look again
    # The first unit, where all three now agree, is no longer settled but is no disagreement either.
    assert not units[0].disagreement and units[1].disagreement
    # Both stale; the third unit's rejection, its claim gone, keeps nothing in the reviewed layer.
    assert project.adjudication.progress([article.id])[article.id] == ArticleProgress(0, 2, 1, stale=2)

    # Deciding again settles it.
    article.settle(list(units[1].claim_ids), "accepted", article.b2)
    assert project.adjudication.progress([article.id])[article.id] == ArticleProgress(1, 2, 0, stale=1)


def test_a_colleagues_edit_merged_in_after_the_decision_makes_it_stale_even_if_older(
    tmp_path: Path, project: Project, article: Article, clock: StepClock
) -> None:
    project.close()
    theirs_path = tmp_path / "theirs.sqlite"
    shutil.copy(project.path, theirs_path)
    theirs = Project.open(theirs_path)
    theirs.claims.update(article.b2, confidence=5)  # Ben edits on his machine first...
    theirs.close()
    mine = Project.open(project.path)
    try:
        article.project = mine
        article.settle([article.a2, article.b2], "accepted", article.a2)  # ...the review comes later...
        mine.merge.merge_from(theirs_path)  # ...and his newer claim arrives after it
        assert mine.claims.get(article.b2).confidence == 5
        assert mine.adjudication.review_units(article.id)[1].stale

        # The version the merge replaced is in the claim's history, for the reviewer to see.
        [older] = mine.adjudication.claim_history([article.b2])[article.b2]
        assert (older.confidence, older.quote) == (4, TEXT[SECOND[0] : SECOND[1]])
        assert "theirs.sqlite" in older.reason
        assert mine.adjudication.claim_history([article.a2]) == {}
    finally:
        mine.close()


def test_progress_covers_every_article_and_agrees_with_the_review_list(
    project: Project, article: Article
) -> None:
    empty = add_article(project, "Nothing to see here.", "Empty")
    alone = add_article(project, "Only one annotator read this one.", "Alone")
    add_claim(project, alone, article.ana, 0, 4)
    article.settle([article.a2, article.b2], "rejected")

    progress = project.adjudication.progress()

    assert progress == {
        article.id: ArticleProgress(1, 3, 1),
        empty: ArticleProgress(0, 0, 0),
        alone: ArticleProgress(0, 1, 0),  # one annotator: nothing to disagree about
    }
    for article_id, counts in progress.items():
        units = project.adjudication.review_units(article_id)
        assert review_progress(units) == counts
        assert counts.total_units == len(units)
        assert counts.settled == sum(u.settled for u in units)
        assert counts.disagreements_left == sum(u.disagreement and not u.settled for u in units)
        assert counts.stale == sum(u.stale for u in units)


def test_unsettle_and_restore_give_back_exactly_the_same_decision(project: Project, article: Article) -> None:
    _, decision, _ = article.settle([article.a2, article.b2], "edited", article.b2, {"comment": "checked"})
    before = {
        name: table(project.path, name)
        for name in ("review_decision", "review_decision_claim", "reviewed_claim")
    }

    changes, removed = project.adjudication.unsettle(decision.id)
    assert changes.articles == {article.id} and removed == decision
    assert all(not table(project.path, name) for name in before)
    assert project.adjudication.review_units(article.id)[1].decision is None

    project.adjudication.restore(removed)
    after = {name: table(project.path, name) for name in before}
    assert {k: [tuple(r) for r in v] for k, v in after.items()} == {
        k: [tuple(r) for r in v] for k, v in before.items()
    }
    assert project.adjudication.decisions(article.id) == [decision]

    with pytest.raises(AdjudicationError, match="no longer exists"):
        project.adjudication.unsettle("no-such-decision")


def test_undo_and_redo_of_a_second_decision_swap_it_with_the_first(
    project: Project, article: Article
) -> None:
    _, first, _ = article.settle([article.a2, article.b2], "accepted", article.a2)
    _, second, replaced = article.settle([article.a2, article.b2], "accepted", article.b2)

    project.adjudication.replace([second.id], replaced)  # undo
    assert project.adjudication.decisions(article.id) == [first]
    project.adjudication.replace([d.id for d in replaced], [second])  # redo
    assert project.adjudication.decisions(article.id) == [second]


def test_a_file_from_before_the_review_tables_is_upgraded_with_a_backup(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    old = open_project(path)
    article = Article(old)
    claim = old.claims.get(article.b2)
    old.close()
    with sqlite3.connect(path) as raw:  # the file as version 0002 left it
        for name in ("reviewed_claim", "review_decision_claim", "review_decision"):
            raw.execute(f"DROP TABLE {name}")
        raw.execute("UPDATE alembic_version SET version_num = '0002'")
    raw.close()

    upgraded = Project.open(path)
    try:
        assert upgraded.claims.get(article.b2) == claim
        article.project = upgraded
        _, decision, _ = article.settle([article.a2, article.b2], "accepted", article.b2)
        assert upgraded.adjudication.review_units(article.id)[1].decision == decision
    finally:
        upgraded.close()
    [backup] = tmp_path.glob("old.before-upgrade-0002-*.sqlite")
    connection = sqlite3.connect(backup)
    try:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchone() == ("0002",)
        assert connection.execute("SELECT count(*) FROM claim").fetchone() == (5,)
    finally:
        connection.close()


def test_a_unit_cannot_mix_claims_of_two_articles(project: Project, article: Article) -> None:
    other = add_article(project, "Another text, where Ben said something else entirely.", "Other")
    elsewhere = add_claim(project, other, article.ben, 0, 12)
    with pytest.raises(AdjudicationError, match="article under review"):
        article.settle([article.a2, elsewhere], "accepted", article.a2)
    with pytest.raises(ValueError, match="'maybe' is not a valid Outcome"):
        article.settle([article.a2], "maybe", article.a2)
    assert table(project.path, "review_decision") == []


def test_reviewed_claims_on_emoji_and_right_to_left_text_quote_exactly_their_span(project: Project) -> None:
    # Emoji are one code point each (two UTF-16 units); Hebrew runs right to left.
    text = "👩🏽‍⚕️ דובר הצבא אמר 🚀 כי השיחות יימשכו. The 😀 minister said so 👍."
    article_id = add_article(project, text, "Bidi")
    ana, ben, rita = project.annotator("Ana"), project.annotator("Ben"), project.annotator("Rita")
    start, end = text.index("דובר"), text.index("יימשכו") + len("יימשכו")
    a = add_claim(project, article_id, ana, start, end)
    b = add_claim(project, article_id, ben, start, end + 1, type_index=1)
    settle = project.adjudication.settle

    _, accepted, _ = settle(article_id, [a, b], "accepted", b, decided_by=rita.id)
    claim = project.claims.get(b)
    reviewed = accepted.reviewed
    assert reviewed is not None
    assert (reviewed.start, reviewed.end, reviewed.quote) == (start, end + 1, text[start : end + 1])
    assert (reviewed.context_before, reviewed.context_after) == (claim.context_before, claim.context_after)

    new_start, new_end = text.index("😀"), text.index("👍") + 1  # from one emoji to another
    _, edited, _ = settle(
        article_id, [a, b], "edited", a, {"start": new_start, "end": new_end}, decided_by=rita.id
    )
    assert edited.reviewed is not None
    assert edited.reviewed.quote == text[new_start:new_end] == "😀 minister said so 👍"
    assert edited.reviewed.context_before.endswith("The ")
    assert edited.reviewed.context_after == "."
    assert [row["quote"] for row in table(project.path, "reviewed_claim")] == ["😀 minister said so 👍"]


def test_a_decided_unit_that_splits_or_joins_another_is_stale_in_every_part(
    project: Project, article: Article
) -> None:
    _, on_second, _ = article.settle([article.a2, article.b2], "accepted", article.a2)
    _, on_third, _ = article.settle([article.a3], "rejected")

    # Ben's claim moves to the third sentence: the second unit splits, and his joins Ana's third.
    project.claims.update(article.b2, start=THIRD[0], end=THIRD[1])
    units = project.adjudication.review_units(article.id)

    assert [u.claim_ids for u in units] == [(article.a1, article.b1), (article.a2,), (article.a3, article.b2)]
    assert units[1].decision == on_second and units[1].stale  # what is left of the decided unit
    assert units[2].stale  # two decisions reach it
    assert units[2].decision in (on_second, on_third)
    assert project.adjudication.progress([article.id])[article.id] == ArticleProgress(0, 3, 2, stale=2)

    # Settling the joined unit replaces both decisions; undo puts both back exactly.
    _, joined, replaced = article.settle([article.a3, article.b2], "accepted", article.b2)
    assert sorted(d.id for d in replaced) == sorted([on_second.id, on_third.id])
    assert project.adjudication.decisions(article.id) == [joined]
    assert project.adjudication.review_units(article.id)[1].decision is None
    project.adjudication.replace([joined.id], replaced)
    assert sorted(project.adjudication.decisions(article.id), key=lambda d: d.id) == sorted(
        [on_second, on_third], key=lambda d: d.id
    )


def test_a_type_only_a_reviewed_claim_uses_cannot_be_removed_and_the_message_says_why(
    project: Project, article: Article
) -> None:
    _, memo = project.codebook.add_type("Leaked memo")
    _, decision, _ = article.settle([article.a2, article.b2], "edited", article.a2, {"source_type_id": memo})
    assert decision.reviewed is not None and decision.reviewed.source_type_id == memo

    with pytest.raises(CodebookError, match="reviewed claim"):
        project.codebook.remove_type(memo)  # undoing the type's addition: no annotator's claim uses it
    assert project.codebook.get().type_by_id(memo) is not None
    assert project.adjudication.decisions(article.id) == [decision]


def test_a_decision_whose_claims_were_all_deleted_stays_listed_stale_until_taken_back(
    project: Project, article: Article
) -> None:
    _, kept, _ = article.settle([article.a2, article.b2], "edited", article.b2, {"confidence": 1})
    _, rejected, _ = article.settle([article.a3], "rejected")
    for claim_id in (article.a2, article.b2, article.a3):
        project.claims.delete(claim_id)
    assert len(table(project.path, "reviewed_claim")) == 1  # still exported

    units = project.adjudication.review_units(article.id)

    # The first sentence's unit, then the orphaned decision at its reviewed claim's span; the
    # rejection kept nothing, so nothing of it needs showing.
    assert [u.orphaned for u in units] == [False, True]
    orphan = units[1]
    assert orphan.decision == kept and orphan.stale and not orphan.settled and not orphan.disagreement
    assert orphan.claim_ids == () and orphan.start == SECOND[0]
    assert orphan.decision.reviewed is not None and orphan.decision.reviewed.confidence == 1
    assert rejected.id not in {u.decision.id for u in units if u.decision}
    # Progress counts units of claims, and the orphan as stale: the list and every article's count agree.
    assert review_progress(units) == ArticleProgress(0, 1, 0, stale=1)
    assert project.adjudication.progress()[article.id] == ArticleProgress(0, 1, 0, stale=1)

    project.adjudication.unsettle(kept.id)
    assert table(project.path, "reviewed_claim") == []
    assert [u.orphaned for u in project.adjudication.review_units(article.id)] == [False]


def test_a_decision_that_lost_only_some_claims_is_a_stale_unit_not_an_orphan(
    project: Project, article: Article
) -> None:
    article.settle([article.a2, article.b2], "accepted", article.a2)
    project.claims.delete(article.b2)

    units = project.adjudication.review_units(article.id)

    assert len(units) == 3 and not any(u.orphaned for u in units)
    assert units[1].stale and units[1].claim_ids == (article.a2,)


def test_accepting_many_units_at_once_is_one_transaction_that_undo_takes_back(
    project: Project, article: Article
) -> None:
    _, earlier, _ = article.settle([article.a1, article.b1], "rejected")
    units = [([article.a1, article.b1], article.b1), ([article.a3], article.a3)]

    changes, decisions, replaced = project.adjudication.accept_agreements(
        article.id, units, decided_by=article.reviewer.id
    )

    assert changes.articles == {article.id}
    assert [d.outcome for d in decisions] == [Outcome.ACCEPTED, Outcome.ACCEPTED]
    assert [d.chosen_claim_id for d in decisions] == [article.b1, article.a3]
    assert [d.id for d in replaced] == [earlier.id]  # the first unit's rejection made way
    assert project.adjudication.progress([article.id]) == {article.id: ArticleProgress(2, 3, 1)}
    assert len(table(project.path, "reviewed_claim")) == 2

    project.adjudication.replace([d.id for d in decisions], replaced)  # undo
    assert [r["outcome"] for r in table(project.path, "review_decision")] == ["rejected"]
    assert table(project.path, "reviewed_claim") == []

    # A unit whose chosen version is not one of its claims refuses the whole step.
    with pytest.raises(AdjudicationError):
        project.adjudication.accept_agreements(
            article.id,
            [([article.a3], article.a3), ([article.a2], article.b2)],
            decided_by=article.reviewer.id,
        )
    assert [r["outcome"] for r in table(project.path, "review_decision")] == ["rejected"]
