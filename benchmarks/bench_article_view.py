"""Timings of the article view: opening big articles, editing one claim, scrolling. Prints figures only.

Run: .venv/bin/python benchmarks/bench_article_view.py   (offscreen unless QT_QPA_PLATFORM says otherwise)
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from PySide6.QtWidgets import QApplication

from annotator.domain.codebook import OKABE_ITO
from annotator.domain.records import Claim
from annotator.ui.article_view import ArticleView

SEED = Path(__file__).resolve().parents[1] / "seeds" / "al-asad-rocket-attack.txt"
TYPES = [f"type-{i}" for i in range(6)]
COLOURS = {type_id: OKABE_ITO[i] for i, type_id in enumerate(TYPES)}
# A few astral characters and a right-to-left paragraph, so the position map and bidi layout do real work.
EXTRA_PARAGRAPHS = [
    "Breaking 🚨: the spokesperson said 👍🏽 the strike hit the base, according to a statement.",
    "قال المتحدث باسم وزارة الدفاع إن الهجوم وقع يوم الاثنين في غرب العراق، وفق بيان رسمي.",
]


def article(size: int, rng: random.Random) -> str:
    paragraphs = SEED.read_text(encoding="utf-8").split("\n") + EXTRA_PARAGRAPHS
    parts: list[str] = []
    total = 0
    while total < size:
        paragraph = rng.choice(paragraphs)
        parts.append(paragraph)
        total += len(paragraph) + 1
    return "\n".join(parts)[:size]


def claims(text: str, count: int, rng: random.Random) -> list[Claim]:
    made = []
    for number in range(count):
        length = rng.randint(20, 400)
        start = rng.randrange(0, len(text) - length)
        made.append(
            Claim(
                id=f"claim-{number:06d}",
                article_id="bench",
                annotator_id="me",
                annotator_name="Me",
                start=start,
                end=start + length,
                quote=text[start : start + length],
                context_before="",
                context_after="",
                source_type_id=rng.choice(TYPES),
                confidence=3,
            )
        )
    return made


def percentiles(samples: list[float]) -> str:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"p50 {p50 * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms   max {ordered[-1] * 1000:6.2f} ms"


def bench_open(app: QApplication, view: ArticleView, size: int, count: int, rng: random.Random) -> None:
    text = article(size, rng)
    made = claims(text, count, rng)
    app.processEvents()
    started = time.perf_counter()
    view.show_article(text, made, COLOURS)
    shown = time.perf_counter()
    view.viewport().grab()
    painted = time.perf_counter()
    show_ms, paint_ms = 1000 * (shown - started), 1000 * (painted - shown)
    print(
        f"show_article {len(text) / 1e6:4.1f} MB, {count:>7,} claims: "
        f"show_article {show_ms:6.1f} ms + first full paint {paint_ms:6.1f} ms = {show_ms + paint_ms:6.1f} ms"
        f"   ({view.document().blockCount():,} blocks, {len(view.highlights.format_count)} formatted)"
    )


def bench_upsert(app: QApplication, view: ArticleView, rng: random.Random, runs: int = 200) -> None:
    """Move one claim inside the visible text and repaint: the partial repaint, and a full viewport grab."""
    text = view.text()
    first = view.firstVisibleBlock()
    visible_start = view.position_map.to_code_point(first.position())
    partial: list[float] = []
    full: list[float] = []
    claim = Claim(
        "bench-claim", "bench", "me", "Me", visible_start, visible_start + 50, "", "", "", TYPES[0], 3
    )
    view.upsert_claim(claim)
    app.processEvents()
    for run in range(runs):
        start = visible_start + rng.randrange(0, 600)
        claim = claim._replace(
            start=start,
            end=min(len(text), start + rng.randint(20, 300)),
            source_type_id=TYPES[run % len(TYPES)],
        )
        began = time.perf_counter()
        view.upsert_claim(claim)
        app.processEvents()  # delivers the update request: repaints only the touched blocks
        partial.append(time.perf_counter() - began)
        began = time.perf_counter()
        view.upsert_claim(claim._replace(source_type_id=TYPES[(run + 1) % len(TYPES)]))
        view.viewport().grab()
        full.append(time.perf_counter() - began)
    print(f"  upsert_claim + partial repaint (processEvents): {percentiles(partial)}")
    print(f"  upsert_claim + full viewport grab:              {percentiles(full)}")


def bench_scroll(app: QApplication, view: ArticleView, steps: int = 200) -> None:
    """Scroll down by a wheel step (3 lines) at a time into text never shown before, repainting each time."""
    bar = view.verticalScrollBar()
    bar.setValue(bar.maximum() // 3)
    app.processEvents()
    partial: list[float] = []
    full: list[float] = []
    for _ in range(steps):
        began = time.perf_counter()
        bar.setValue(bar.value() + 3)
        app.processEvents()  # the scroll blits and paints only the newly exposed strip
        partial.append(time.perf_counter() - began)
        began = time.perf_counter()
        bar.setValue(bar.value() + 3)
        view.viewport().grab()
        full.append(time.perf_counter() - began)
    print(f"  scroll step (3 lines) + repaint (processEvents): {percentiles(partial)}")
    print(f"  scroll step (3 lines) + full viewport grab:      {percentiles(full)}")


def main() -> None:
    app = QApplication.instance() or QApplication(sys.argv)
    print(f"Qt platform: {app.platformName()}, CPUs: {os.cpu_count()}, Python {sys.version.split()[0]}")
    view = ArticleView()
    view.resize(1100, 800)
    view.show()
    app.processEvents()
    rng = random.Random(20240805)
    for size, count in ((1_000_000, 10_000), (5_000_000, 100_000)):
        bench_open(app, view, size, count, rng)
        bench_open(app, view, size, count, rng)  # again: a warm run, as when switching articles
        bench_upsert(app, view, rng)
        bench_scroll(app, view)


if __name__ == "__main__":
    main()
