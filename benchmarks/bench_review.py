"""Timings of the review list: progress over every article, and one article's units.

Run: .venv/bin/python benchmarks/bench_review.py      Prints figures only; nothing here is a test.
100,000 claims from 4 annotators on 200 articles, bulk-inserted; then a tenth of the units decided.
"""

from __future__ import annotations

import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.run import claim_rows, make_article  # noqa: E402 - after the path is set


def main() -> None:
    from annotator.db import queries
    from annotator.services.project import Project

    rng = random.Random(5)
    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-review-"))
    project = Project.open(folder / "review.sqlite")
    try:
        ids = [
            project.articles.add_text(make_article(40_000, rng) + f"\n{n}", title=f"Article {n}").article_id
            for n in range(200)
        ]
        texts = [project.articles.get(i).text for i in ids]
        types = [t.id for t in project.codebook.get().active_types]
        people = [project.annotator(name) for name in ("Ana", "Ben", "Chen", "Dara")]
        with project._tx.begin() as session:  # set-up only: bulk insert through the query layer
            for person in people:
                queries.insert_claims(claim_rows(rng, 25_000, ids, texts, person.id, types), session=session)
        reviewer = project.annotator("Rita")
        began = time.perf_counter()
        decided = 0
        for article_id in ids[:20]:
            for unit in project.adjudication.review_units(article_id)[:50]:
                project.adjudication.settle(
                    article_id, unit.claim_ids, "accepted", unit.claim_ids[0], decided_by=reviewer.id
                )
                decided += 1
        settling = (time.perf_counter() - began) / decided

        began = time.perf_counter()
        progress = project.adjudication.progress()
        all_progress = time.perf_counter() - began
        began = time.perf_counter()
        units = project.adjudication.review_units(ids[0])
        one_article = time.perf_counter() - began
        began = time.perf_counter()
        project.articles.list()
        project.adjudication.review_units(ids[0])
        opening = time.perf_counter() - began
        counting, longest = background_count(project)
        total_units = sum(p.total_units for p in progress.values())
        settled = sum(p.settled for p in progress.values())
        print(f"100,000 claims, 4 annotators, 200 articles: {total_units} units, {settled} settled")
        print(f"  progress of every article             {1000 * all_progress:8.1f} ms")
        print(f"  review list of one article ({len(units)} units) {1000 * one_article:8.1f} ms")
        print(f"  one settle (accept), mean of {decided}      {1000 * settling:8.1f} ms")
        print(f"  opening the review on the GUI thread  {1000 * opening:8.1f} ms  (titles + one article)")
        print(f"  every article's progress on a worker  {1000 * counting:8.1f} ms")
        print(f"    longest GUI-thread wait meanwhile   {1000 * longest:8.1f} ms  (1 ms ticks; the GIL)")
    finally:
        project.close()


def background_count(project: object) -> tuple[float, float]:
    """Every article's progress on a thread, as the review counts it, while this thread ticks every
    millisecond like an idle event loop: how long the count takes, and the longest a tick waited."""
    worker = threading.Thread(target=project.adjudication.progress)  # type: ignore[attr-defined]
    began = last = time.perf_counter()
    longest = 0.0
    worker.start()
    while worker.is_alive():
        time.sleep(0.001)
        now = time.perf_counter()
        longest, last = max(longest, now - last), now
    return time.perf_counter() - began, longest


if __name__ == "__main__":
    main()
