"""Benchmark: the article cache and the article list at scale.

    python bench/library.py [--articles 50000] [--baseline-rows 5000]

Builds a library of N synthetic articles in a temporary home, then times: saving and flushing
them, reopening the cache, sorting newest first, and showing the first screen of the app's
article list. As a baseline measured in the same run, Textual's ``OptionList`` is loaded with
``--baseline-rows`` rows (it grows linearly, so the per-row ratio is what compares).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import tempfile
import time
from pathlib import Path

from textual.app import App, ComposeResult
from textual.widgets import OptionList

from store.annotations import HighlightStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tui.app import BroadsheetApp
from tui.widgets.article_list import ArticleList

WORDS = (
    "council minister harbour strike budget election summit market storm court ferry rail "
    "union report inquiry talks trade vote bridge drought"
).split()


def synthetic_article(index: int, rng: random.Random) -> tuple[Article, str]:
    title = " ".join(rng.choice(WORDS).capitalize() for _ in range(7))
    body = "\n\n".join(" ".join(rng.choice(WORDS) for _ in range(60)) + "." for _ in range(5))
    published = f"20{10 + index % 16:02d}-{1 + index % 12:02d}-{1 + index % 28:02d}T08:00:00+00:00"
    article = Article(
        id=f"bench{index:08d}", title=title, body_hash="", source="Bench", published=published
    )
    return article, body


def timed(label: str, results: list[tuple[str, float]], started: float) -> float:
    elapsed = time.perf_counter() - started
    results.append((label, elapsed))
    return elapsed


class OptionListBaseline(App[None]):
    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield OptionList(*self.rows)


async def first_screen(app: App[None]) -> float:
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        if isinstance(app, BroadsheetApp):
            assert app.screen.query_one(ArticleList).articles
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--baseline-rows", type=int, default=5_000)
    args = parser.parse_args()
    rng = random.Random(7)
    results: list[tuple[str, float]] = []

    with tempfile.TemporaryDirectory() as directory:
        paths = DataPaths(Path(directory))
        library = Library(paths)
        # The entity extractor is benchmarked on its own (bench/entities.py); here the
        # synthetic text has no names, so it costs little.
        started = time.perf_counter()
        for index in range(args.articles):
            library.save(*synthetic_article(index, rng))
        timed(f"save {args.articles:,} articles (in memory + body files)", results, started)
        started = time.perf_counter()
        library.flush()
        timed("flush metadata to disk", results, started)
        library.close()
        size_mb = sum(f.stat().st_size for f in paths.articles_dir.iterdir()) / 1_048_576

        started = time.perf_counter()
        library = Library(paths)
        timed(f"reopen the cache ({size_mb:.0f} MB metadata)", results, started)
        started = time.perf_counter()
        titles = [article.title for article in library.articles()]
        timed("sort newest first", results, started)
        highlights = HighlightStore(paths)
        ours = asyncio.run(first_screen(BroadsheetApp(library, highlights)))
        results.append((f"app first screen, {args.articles:,} articles", ours))
        highlights.close()
        library.close()

    baseline_rows = titles[: args.baseline_rows]
    theirs = asyncio.run(first_screen(OptionListBaseline(baseline_rows)))
    results.append((f"baseline: OptionList first screen, {len(baseline_rows):,} rows", theirs))

    width = max(len(label) for label, _ in results)
    print(f"{'measure':<{width}}  {'seconds':>8}")
    for label, seconds in results:
        print(f"{label:<{width}}  {seconds:>8.3f}")
    ours_per_row = ours / args.articles
    theirs_per_row = theirs / len(baseline_rows)
    print(
        f"\nper row: ArticleList {ours_per_row * 1e6:.1f} µs, OptionList "
        f"{theirs_per_row * 1e6:.1f} µs; ratio {theirs_per_row / ours_per_row:.0f}x"
    )


if __name__ == "__main__":
    main()
