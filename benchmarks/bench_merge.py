"""Merging two projects of 100,000 claims each (issue 3: ≤ 5 s), and merging the same file again.

Run: .venv/bin/python benchmarks/bench_merge.py      Prints figures only; nothing here is a test.

Two annotators code the same 80 articles (each project also has 20 of its own). The colleague's
file holds 100,000 claims: 90,000 of their own, and 10,000 of mine that reached them (a shared
starting file), half of which they edited later. Timed: `project.merge.merge_from` alone, on a
fresh copy of my project each round.
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import claim_rows, make_article, report  # noqa: E402

CLAIMS = 100_000
SHARED_ARTICLES, OWN_ARTICLES = 80, 20
SHARED_CLAIMS = 10_000
ROUNDS = 3


def build(
    path: Path, names: list[str], texts: list[str], rows_for: Any
) -> tuple[list[str], list[dict[str, Any]]]:
    """A project with these articles and annotators, and the claims `rows_for` makes, bulk-inserted."""
    from annotator.db import queries
    from annotator.services.project import Project

    project = Project.open(path)
    article_ids = [
        project.articles.add_text(text, title=f"Article {i}").article_id for i, text in enumerate(texts)
    ]
    who = {name: project.annotator(name).id for name in names}
    types = [t.id for t in project.codebook.get().active_types]
    rows: list[dict[str, Any]] = rows_for(article_ids, texts, who, types)
    with project._tx.begin() as session:  # benchmark set-up only: bulk insert through the query layer
        queries.insert_claims(rows, session=session)
    project.close()
    return article_ids, rows


def main() -> None:
    from annotator.services.project import Project

    rng = random.Random(11)
    shared = [make_article(rng.randint(3_000, 12_000), rng) for _ in range(SHARED_ARTICLES)]
    mine_only = [make_article(rng.randint(3_000, 12_000), rng) + f"\nMine {i}." for i in range(OWN_ARTICLES)]
    theirs_only = [
        make_article(rng.randint(3_000, 12_000), rng) + f"\nTheirs {i}." for i in range(OWN_ARTICLES)
    ]

    with tempfile.TemporaryDirectory() as folder_name:
        folder = Path(folder_name)
        t0 = time.perf_counter()
        my_ids, mine = build(
            folder / "mine.sqlite",
            ["Ana"],
            shared + mine_only,
            lambda ids, texts, who, types: claim_rows(rng, CLAIMS, ids, texts, who["Ana"], types),
        )
        my_texts = dict(zip(my_ids, shared + mine_only, strict=True))

        def theirs_rows(
            ids: list[str], texts: list[str], who: dict[str, str], types: list[str]
        ) -> list[dict[str, Any]]:
            # My first claims on shared articles, as the colleague received them: their article,
            # annotator and type ids differ from mine (they imported the articles themselves).
            by_text = dict(zip(texts, ids, strict=True))
            copied = []
            for row in mine:
                if len(copied) == SHARED_CLAIMS:
                    break
                if my_texts[row["article_id"]] not in by_text:
                    continue
                copy = dict(row, article_id=by_text[my_texts[row["article_id"]]], annotator_id=who["Ana"])
                copy["source_type_id"] = types[[*_my_types].index(row["source_type_id"])]
                if len(copied) % 2:  # edited later by the colleague
                    copy.update(comment="checked", updated_at=row["updated_at"] + timedelta(hours=1))
                copied.append(copy)
            return copied + claim_rows(rng, CLAIMS - len(copied), ids, texts, who["Ben"], types)

        _my_types = _type_ids(folder / "mine.sqlite")
        build(folder / "theirs.sqlite", ["Ben", "Ana"], shared + theirs_only, theirs_rows)
        print(f"(built two projects of {CLAIMS:,} claims in {time.perf_counter() - t0:.1f} s)")

        firsts, seconds = [], []
        for round_ in range(ROUNDS):
            target = folder / f"merged-{round_}.sqlite"
            shutil.copy(folder / "mine.sqlite", target)
            project = Project.open(target)
            try:
                start = time.perf_counter()
                first = project.merge.merge_from(folder / "theirs.sqlite")
                firsts.append(time.perf_counter() - start)
                start = time.perf_counter()
                second = project.merge.merge_from(folder / "theirs.sqlite")
                seconds.append(time.perf_counter() - start)
            finally:
                project.close()
        print(first.summary())
        print(second.summary())
        print(f"Merge (median of {ROUNDS}, 2 x {CLAIMS:,} claims)")
        report("merge a colleague's project", statistics.median(firsts), 5.0)
        report("merge the same file again (nothing to add)", statistics.median(seconds), 5.0)


def _type_ids(path: Path) -> list[str]:
    from annotator.services.project import Project

    project = Project.open(path)
    try:
        return [t.id for t in project.codebook.get().active_types]
    finally:
        project.close()


if __name__ == "__main__":
    main()
