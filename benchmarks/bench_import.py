"""Importing 100,000 claims from the dataset CSV (issue 3: ≤ 1.5 s), and from the claims JSONL.

Run: .venv/bin/python benchmarks/bench_import.py      Prints figures only; nothing here is a test.

Twenty articles of 3,000-12,000 characters and 100,000 claims (benchmarks/run.py's row builder),
exported by the app itself, then imported into a fresh copy of the same project without its
claims. Timed: `project.exchange.import_claims` alone (reading, checking, writing, committing), in wall
time and in this process's CPU time (other work on the machine slows the first, not the second),
then the floors: the csv and json parsers alone over the same files, the bare insert alone.
"""

from __future__ import annotations

import gc
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.run import claim_rows, make_article, report  # noqa: E402

CLAIMS = 100_000
ARTICLES = 20
ROUNDS = 5


def main() -> None:
    from annotator.db import queries
    from annotator.services.claim_import import ClaimImportService, read_claims_file
    from annotator.services.project import Project

    folder = Path(tempfile.mkdtemp(prefix="annotator-bench-import-"))
    rng = random.Random(5)
    empty, full = folder / "empty.sqlite", folder / "full.sqlite"
    project = Project.open(empty)
    texts = [make_article(rng.randint(3_000, 12_000), rng) + f"\nArticle {i}." for i in range(ARTICLES)]
    ids = [project.articles.add_text(text, title=f"Article {i}").article_id for i, text in enumerate(texts)]
    texts = [project.articles.get(article_id).text for article_id in ids]  # type: ignore[union-attr]
    me = project.annotator("Bench")
    types = [t.id for t in project.codebook.get().active_types]
    project.close()
    shutil.copy(empty, full)
    project = Project.open(full)
    rows = claim_rows(rng, CLAIMS, ids, texts, me.id, types)
    for row in rows[::7]:  # some claims with the text people write in them
        row["comment"] = 'Check this, = not a formula; "quoted", and a line\nbreak'
        row["source"] = "a defense spokesperson"
    with project._tx.begin() as session:  # benchmark set-up only: bulk insert through the query layer
        queries.insert_claims(rows, session=session)
    dataset, lossless = folder / "claims.csv", folder / "claims.jsonl"
    project.exchange.export_csv(dataset)
    project.exchange.export_jsonl(lossless)
    project.close()
    print(
        f"{CLAIMS:,} claims on {ARTICLES} articles; CSV {dataset.stat().st_size / 2**20:.1f} MB,"
        f" JSONL {lossless.stat().st_size / 2**20:.1f} MB"
    )

    for name, source in (("CSV", dataset), ("JSONL", lossless)):
        runs, reads, writes = [], [], []
        for round_ in range(ROUNDS):
            target = folder / f"target-{name}-{round_}.sqlite"
            shutil.copy(empty, target)
            project = Project.open(target)
            gc.collect()
            runs.append(_timed(lambda: project.exchange.import_claims(source)))  # noqa: B023
            result = runs[-1][2]
            project.close()
            assert result.imported == CLAIMS and not result.refused, result.summary()
            # The same again in its two halves: reading and checking the file's form, then the
            # transaction (the checks against the project and the writes).
            shutil.copy(empty, target)
            project = Project.open(target)
            gc.collect()
            reads.append(_timed(lambda: read_claims_file(source)))  # noqa: B023
            found = reads[-1][2]
            service = ClaimImportService(project._tx)
            writes.append(_timed(lambda: service.import_found(found, source=source.name)))  # noqa: B023
            project.close()
        target = folder / f"target-{name}-0.sqlite"
        project = Project.open(target)
        again = _timed(lambda: project.exchange.import_claims(source))  # noqa: B023
        project.close()
        assert again[2].skipped == CLAIMS, again[2].summary()
        print(f"Import of {CLAIMS:,} claims from the {name} (median of {ROUNDS}; wall and CPU ranges)")
        report(
            f"import-claims {name} into a project without them", statistics.median(r[0] for r in runs), 1.5
        )
        _ranges("  all of it", runs)
        _ranges("  of which: reading the file", reads)
        _ranges("  of which: checking and writing, one transaction", writes)
        _ranges(f"the same file again: all {CLAIMS:,} skipped", [again])
    floors(dataset, lossless, empty, folder)
    shutil.rmtree(folder, ignore_errors=True)


def _timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, the result): the machine may be busy with other
    work, so CPU time says what the import itself cost."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def _ranges(label: str, runs: list[tuple[float, float, Any]]) -> None:
    walls, cpus = [r[0] * 1000 for r in runs], [r[1] * 1000 for r in runs]
    print(
        f"  {'(' + label + ')':<58} wall {min(walls):>7.0f}-{max(walls):<7.0f} ms"
        f"  CPU {min(cpus):>7.0f}-{max(cpus):<7.0f} ms"
    )


def floors(dataset: Path, lossless: Path, empty: Path, folder: Path) -> None:
    """What the import cannot go below in Python on this machine: the parsers and the insert alone."""
    import csv
    import io
    import json
    import sqlite3

    from annotator.db.claim_exchange import CLAIM_COLUMNS
    from annotator.services.claim_import import collector_paused
    from annotator.services.project import Project

    text = dataset.read_bytes().decode("utf-8-sig")
    lines = lossless.read_bytes().decode("utf-8").split("\n")
    csv.field_size_limit(len(text) + 1)
    target = folder / "floor.sqlite"
    shutil.copy(empty, target)
    project = Project.open(target)
    project.exchange.import_claims(dataset)
    project.close()
    with sqlite3.connect(target) as connection:
        rows = connection.execute(
            f"SELECT {', '.join(f'[{c}]' for c in CLAIM_COLUMNS)} FROM claim"
        ).fetchall()
        create = connection.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'ix_claim_article_span'"
        ).fetchone()[0]
    rows.sort(key=lambda row: (row[1], row[3], row[4]))

    names = ", ".join(f"[{column}]" for column in CLAIM_COLUMNS)

    def insert() -> None:
        """As the import writes 100,000 new claims: the covering index dropped and made again."""
        shutil.copy(empty, target)
        for side in folder.glob("floor.sqlite-*"):
            side.unlink()
        connection = sqlite3.connect(target, isolation_level=None)
        for pragma in (
            "journal_mode = WAL",
            "synchronous = FULL",
            "foreign_keys = ON",
            "cache_size = -262144",
        ):
            connection.execute(f"PRAGMA {pragma}")
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("DROP INDEX ix_claim_article_span")
        connection.executemany(
            f"INSERT INTO claim ({names}) VALUES ({', '.join('?' * len(CLAIM_COLUMNS))})", rows
        )
        connection.execute(create)
        connection.execute("COMMIT")
        connection.close()

    print("Floors: the same work by the bare parts (each 3 times; wall and CPU ranges)")
    with collector_paused():
        _ranges(
            "decoding the CSV (UTF-8)",
            [_timed(lambda: dataset.read_bytes().decode("utf-8-sig")) for _ in range(3)],
        )
        _ranges(
            "csv.reader alone over the CSV",
            [_timed(lambda: list(csv.reader(io.StringIO(text, newline="")))) for _ in range(3)],
        )
        _ranges(
            "json.loads per line of the JSONL",
            [_timed(lambda: [json.loads(line) for line in lines if line]) for _ in range(3)],
        )
        _ranges("executemany + index + commit alone", [_timed(insert) for _ in range(3)])


if __name__ == "__main__":
    main()
