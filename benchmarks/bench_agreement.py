"""Timings of the agreement maths: 100,000 claims from 4 annotators, grouped into units and measured.

Run: .venv/bin/python benchmarks/bench_agreement.py      Prints figures only; nothing here is a test.
Target (issue 3): agreement over 100,000 claims from 4 annotators <= 2 s overall. Pure domain code: no
database, no Qt; what the services add on top (loading the claims) is not in these figures.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from annotator.domain.agreement import ArticleSpans, character_alpha, unit_figures
from annotator.domain.units import SpanClaim, Unit, group_units

ANNOTATORS = ("ana", "ben", "chen", "dara")
TYPES = [f"type-{i}" for i in range(8)]
TARGET = 2.0


def make_corpus(claims_wanted: int, articles: int, rng: random.Random) -> list[tuple[int, list[SpanClaim]]]:
    """Articles of about 3 claims' worth of text per true claim, each true claim seen by each annotator with
    probability 0.9, its boundaries moved a little, its type and confidence sometimes changed."""
    # True claims per article so that about `claims_wanted` annotated claims come out (each is seen 0.9 of
    # the time by each annotator), with a little to spare: the last ones are cut at `claims_wanted`.
    per_article = int(claims_wanted / len(ANNOTATORS) / 0.9 / articles * 1.05) + 1
    corpus: list[tuple[int, list[SpanClaim]]] = []
    made = 0
    for article in range(articles):
        length = per_article * 700 + 1000
        claims: list[SpanClaim] = []
        position = 0
        for _ in range(per_article):
            position += rng.randint(20, 400)
            start, end = position, position + rng.randint(30, 250)
            position = end
            kind = rng.choice(TYPES)
            level = rng.randint(1, 5)
            for name in ANNOTATORS:
                if rng.random() > 0.9 or made >= claims_wanted:
                    continue
                jitter_start = max(0, start + rng.choice((0, 0, 0, -3, 5)))
                jitter_end = end + rng.choice((0, 0, 0, 4, -6))
                claims.append(
                    SpanClaim(
                        f"{article}-{made}",
                        name,
                        jitter_start,
                        jitter_end,
                        kind if rng.random() > 0.1 else rng.choice(TYPES),
                        level if rng.random() > 0.2 else max(1, min(5, level + rng.choice((-1, 1)))),
                    )
                )
                made += 1
        corpus.append((length, claims))
    return corpus


def run(articles: int, rng: random.Random) -> None:
    corpus = make_corpus(100_000, articles, rng)
    claim_count = sum(len(claims) for _, claims in corpus)
    began = time.perf_counter()
    units: list[Unit[SpanClaim]] = []
    for _, claims in corpus:
        units.extend(group_units(claims, annotators=ANNOTATORS))
    grouped = time.perf_counter()
    figures = unit_figures(units, ANNOTATORS, confidence_domain=range(1, 6))
    measured = time.perf_counter()
    span = character_alpha([ArticleSpans(length, claims) for length, claims in corpus], ANNOTATORS)
    done = time.perf_counter()
    total = done - began
    print(f"{claim_count} claims, {len(ANNOTATORS)} annotators, {articles} article(s): {len(units)} units")
    print(f"  group into units                      {1000 * (grouped - began):8.1f} ms")
    print(f"  {len(figures)} figures on type and confidence    {1000 * (measured - grouped):8.1f} ms")
    print(f"  character-level alpha on spans        {1000 * (done - measured):8.1f} ms")
    verdict = "ok" if total <= TARGET else "OVER"
    print(f"  overall{1000 * total:39.1f} ms   (target {TARGET:.0f} s: {verdict})")
    alpha = next(f for f in figures if f.measure == "krippendorff_alpha_nominal")
    print(f"  (alpha nominal on type {alpha.value}, character alpha {span.value})")


def main() -> None:
    rng = random.Random(3)
    for articles in (200, 1):
        run(articles, rng)


if __name__ == "__main__":
    main()
