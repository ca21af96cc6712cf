"""Benchmark: search at 50,000 articles: the index, queries, adding articles, a naive scan.

    python bench/search.py [--articles 50000] [--home DIR] [--repeats 15]

Builds a home from the synthetic corpus (bench/corpus.py: unique ~600-word bodies from a news
vocabulary, ~20 entities an article), dated over two years, with 100 feeds (some in folders),
an author on each article, three in five read, one in a hundred starred, and highlights (some
with notes and tags) on one article in a hundred. ``--home DIR`` keeps that home and uses it
again next time (building it takes a minute or two).

Then prints: the time to build the search index from nothing, its size on disk and what it
adds to the process's memory; median and p95 per query for a mix of word, phrase, field and
combined queries (first 50 hits, as a screen shows, and every hit); the time to add 1,000 new
articles (a writer's ``apply`` and another process's catch-up); and, in the same run, a
naive scan over the same bodies (SQLite's LIKE over ``bodies.sqlite``, and Python's ``in``
over the bodies held in memory) for the word and phrase queries.
Targets: median under 50 ms, p95 under 150 ms, adding 1,000 under 1 s.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import multiprocessing
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

from store.annotations import Highlight, HighlightStore, anchor_span  # noqa: E402
from store.entities.catalog import EntityCatalog  # noqa: E402
from store.feeds import Feed, FeedStore  # noqa: E402
from store.library import Library  # noqa: E402
from store.listing import catch_up_catalog, read_shards  # noqa: E402
from store.models import Article, EntitySummary  # noqa: E402
from store.paths import DataPaths  # noqa: E402
from store.search import (  # noqa: E402
    HomeSources,
    SearchIndex,
    catch_up_search_index,
    search,
)
from store.text import content_hash  # noqa: E402

TWO_YEARS = timedelta(days=730)
NOW = corpus.NEWEST
"""What ``newer:30d`` counts back from: the corpus's newest article is from then."""
FEEDS = corpus.SOURCES
HIGHLIGHTED_EVERY = 100
ADDED = 1_000
TARGET_MEDIAN_MS, TARGET_P95_MS, TARGET_ADD_S = 50.0, 150.0, 1.0

QUERIES: dict[str, list[str]] = {
    "word": ["tariff", "harbour", "Quinlan", "Eldmouth", "refinery"],
    "phrase": ['"harbour strike"', '"Marta Quinlan"', '"the budget"', '"wind turbine"'],
    "field": [
        "is:unread",
        "is:starred",
        'feed:"Bench Wire 7"',
        "tag:World",
        "newer:30d",
        "author:okafor",
        'entity:"Marta Quinlan"',
        "has:highlights",
    ],
    "combined": [
        "tariff is:unread newer:90d",
        '"harbour strike" OR drought -coal',
        'entity:"Marta Quinlan" budget',
        "(tariff OR tariffs) tag:World -is:read",
        "refinery -has:note older:2025-06-01",
        "drought OR is:starred",
    ],
}
NAIVE = ["tariff", "harbour", "Quinlan", "Eldmouth", "harbour strike", "Marta Quinlan"]


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def rss_mb() -> float:
    """The process's resident memory now (not its peak), in MB."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def load_average() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


# The home


def _generated(first: int, count: int) -> Iterator[corpus.CorpusArticle]:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        yield from pool.imap(corpus.article, range(first, first + count), chunksize=256)


def _article(generated: corpus.CorpusArticle, size: int) -> Article:
    published = corpus.NEWEST - TWO_YEARS * (generated.index % size) / size
    people = [key for key, label, *_ in generated.entities if label == "PERSON"]
    return Article(
        id=generated.id,
        title=generated.title,
        body_hash="",
        source=generated.source,
        url=generated.url,
        author=people[-1] if people else None,
        published=published.isoformat(timespec="seconds"),
        feed_id=f"feed-bench-{generated.index % FEEDS:03d}",
        guid=generated.url,
        origin=generated.url,
    )


def save(library: Library, first: int, count: int, size: int) -> list[Article]:
    saved = []
    for generated in _generated(first, count):
        summary = tuple(map(EntitySummary._make, generated.entities))
        article, _ = library.save(_article(generated, size), generated.body, entity_summary=summary)
        saved.append(article)
    return saved


def build_home(paths: DataPaths, size: int) -> None:
    log(f"building a home of {size:,} articles in {paths.home} …")
    started = time.perf_counter()
    with FeedStore(paths) as feeds:
        for number in range(FEEDS):
            folder = ("World", "World/Asia", "Business", "Sport")[number % 4]
            feeds.put(
                Feed(
                    id=f"feed-bench-{number:03d}",
                    url=f"https://news{number}.example/rss",
                    title=f"Bench Wire {number}",
                    tags=(folder,) if number % 3 else (),
                )
            )
    with Library(paths) as library:
        saved = save(library, 0, size, size)
        library.flush()
        # The older three in five are read, one in a hundred starred.
        library.mark_all_read([article.id for article in saved[size * 2 // 5 :]])
        for article in saved[::100]:
            library.set_starred(article.id)
        highlights = []
        for number, article in enumerate(saved[1::HIGHLIGHTED_EVERY]):
            body = library.body(article)
            end = body.find(". ") + 1
            anchor = anchor_span(body, 0, end)
            stamp = f"2026-01-01T00:00:{number % 60:02d}.000Z"
            highlights.append(Highlight(
                id=f"bench-{number:06d}", article_id=article.id, article_title=article.title,
                article_url=article.url, start=anchor.start, end=anchor.end, exact=anchor.exact,
                prefix=anchor.prefix, suffix=anchor.suffix, body_hash=content_hash(body),
                created=stamp, modified=stamp, note="see this" if number % 3 == 0 else "",
                tags=("energy",) if number % 5 == 0 else (),
            ))  # fmt: skip
    with HighlightStore(paths) as store:
        store.import_highlights(highlights)
    with EntityCatalog(paths.entity_catalog) as catalog:
        catch_up_catalog(catalog, paths)
    (paths.home / "bench-search-size").write_text(str(size))
    log(f"built in {time.perf_counter() - started:.0f} s")


# Measuring


def percentile(samples: list[float], share: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(function: Callable[[], object], repeats: int) -> list[float]:
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return samples


def file_mb(path: Path) -> float:
    return sum(Path(f"{path}{suffix}").stat().st_size for suffix in ("", "-wal")
               if Path(f"{path}{suffix}").exists()) / 1e6  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--home", type=Path, help="keep the home here and reuse it")
    parser.add_argument("--repeats", type=int, default=15)
    parser.add_argument("--probe-memory", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--probe-app", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.probe_memory:
        probe_memory(DataPaths(args.probe_memory))
        return
    if args.probe_app:
        asyncio.run(probe_app(DataPaths(args.probe_app)))
        return
    size: int = args.articles
    with tempfile.TemporaryDirectory() as scratch:
        home = args.home or Path(scratch) / "home"
        paths = DataPaths(home)
        marker = home / "bench-search-size"
        if not (marker.exists() and marker.read_text() == str(size)):
            if home.exists() and any(home.iterdir()):
                sys.exit(f"{home} holds something else: name an empty or missing folder")
            build_home(paths, size)
        # On a copy: adding articles must not change the home kept for the next run.
        copy = DataPaths(Path(scratch) / "copy")
        shutil.copytree(home, copy.home)
        # A copy has new inodes, so the entity catalog sees every shard as changed.
        log("bringing the entity catalog of the copy up to date …")
        with EntityCatalog(copy.entity_catalog) as catalog:
            catch_up_catalog(catalog, copy)
        run(copy, size, args.repeats)


def run(paths: DataPaths, size: int, repeats: int) -> None:
    rows: list[tuple[str, str]] = []
    log(f"load average {load_average()}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.search_index}{suffix}").unlink(missing_ok=True)

    started = time.perf_counter()
    shards = read_shards(paths)
    reading = time.perf_counter() - started
    with SearchIndex(paths.search_index) as index, HomeSources(paths) as home:
        catch_up_search_index(index, paths, shards)
        building = time.perf_counter() - started
        del shards
        gc.collect()
        with sqlite3.connect(paths.search_index) as checkpoint:
            checkpoint.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        rows += [
            ("index build, from nothing", f"{building:.1f} s"),
            ("  of which reading the shards", f"{reading:.1f} s"),
            ("index size on disk", f"{file_mb(paths.search_index):.0f} MB"),
            ("  bodies.sqlite, for comparison", f"{file_mb(paths.bodies_db):.0f} MB"),
        ]
        log("querying …")
        # As the app asks: its stores are open already (a command opens them once).
        started = time.perf_counter()
        sources = home.sources
        sources.read_states(), sources.highlights(), sources.feeds()
        sources.entity_articles(corpus.STAR_ENTITY)
        rows.append(("opening the stores a query may ask (once)",
                     f"{(time.perf_counter() - started) * 1e3:.0f} ms"))  # fmt: skip
        medians: dict[str, list[float]] = {}
        for limit in (50, None):
            for kind, queries in QUERIES.items():
                samples: list[float] = []
                counts = []
                for query in queries:

                    def one(query: str = query, limit: int | None = limit) -> object:
                        return search(query, index=index, sources=sources, limit=limit, now=NOW)

                    samples += timed(one, repeats)
                    counts.append(len(search(query, index=index, sources=sources, now=NOW)))
                    if limit is None:
                        log(f"  {counts[-1]:>7,} hits  {query}")
                label = f"{kind} queries, {'first 50' if limit else 'every hit'}"
                median_ms, p95_ms = (
                    statistics.median(samples) * 1e3,
                    percentile(samples, 0.95) * 1e3,
                )
                medians.setdefault(label, []).extend(samples)
                rows.append((
                    f"{label} (median / p95)",
                    f"{median_ms:.1f} / {p95_ms:.1f} ms  "
                    f"(hits {min(counts):,}–{max(counts):,})",
                ))  # fmt: skip
        every = [sample for samples in medians.values() for sample in samples]
        rows.append((
            "all queries (median / p95; targets 50 / 150 ms)",
            f"{statistics.median(every) * 1e3:.1f} / {percentile(every, 0.95) * 1e3:.1f} ms",
        ))  # fmt: skip
        probe = subprocess.run(
            [sys.executable, __file__, "--probe-memory", str(paths.home)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows.append(("memory a process's index and searches take (all queries once)",
                     f"{probe.stdout.strip()} MB resident"))  # fmt: skip
        log("the app: first results after the debounce …")
        probe = subprocess.run(
            [sys.executable, __file__, "--probe-app", str(paths.home)],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        rows.append(("app, 80x24: results on screen after the debounce (median / max; "
                     "target 100 ms)", probe.stdout.strip()))  # fmt: skip
        rows += add_articles(paths, index, size)
    rows += naive_scan(paths)
    width = max(len(label) for label, _ in rows)
    print(f"search bench: {size:,} articles (~{corpus.WORDS_PER_ARTICLE} words), "
          f"{repeats} runs a query; load average {load_average()}")  # fmt: skip
    for label, value in rows:
        print(f"{label:{width}}  {value}")


def probe_memory(paths: DataPaths) -> None:
    """In a fresh process, the resident memory that opening the index and running every
    query once (every hit) adds, beyond the stores a query asks (the app holds those
    anyway)."""
    with SearchIndex(paths.search_index) as index, HomeSources(paths) as home:
        sources = home.sources
        sources.read_states(), sources.highlights(), sources.feeds()
        sources.entity_articles(corpus.STAR_ENTITY)
        gc.collect()
        before = rss_mb()
        for queries in QUERIES.values():
            for query in queries:
                search(query, index=index, sources=sources, now=NOW)
        gc.collect()
        print(f"{rss_mb() - before:.0f}")


async def probe_app(paths: DataPaths) -> None:
    """In a fresh process, the real app headless at 80x24 on the home: for each word, phrase
    and combined query typed into the search bar, the time from the end of the debounce to
    the results being in the list and painted."""
    from store.annotations import HighlightStore
    from tui.app import BroadsheetApp
    from tui.screens.search_actions import SEARCH_DELAY_SECONDS
    from tui.widgets.list_pane import ListPane

    library = Library(paths, keep_entities=False)
    app = BroadsheetApp(library, HighlightStore(paths))
    latencies: list[float] = []
    async with app.run_test(size=(80, 24)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        pane = app.screen.query_one(ListPane)
        for query in [*QUERIES["word"], *QUERIES["phrase"], *QUERIES["combined"]]:
            await pilot.press("slash")
            await pilot.press(*[_key(character) for character in query])
            typed = time.perf_counter()
            while pane.search_results is None or pane.search_results.query != query:
                await pilot.pause(0.001)
            await pilot.pause()  # the frame that shows them
            latencies.append(time.perf_counter() - typed - SEARCH_DELAY_SECONDS)
            await pilot.press("escape")
            await app.workers.wait_for_complete()
    library.close()
    print(f"{statistics.median(latencies) * 1e3:.0f} / {max(latencies) * 1e3:.0f} ms "
          f"({len(latencies)} queries)")  # fmt: skip


def _key(character: str) -> str:
    """A character as Pilot's key name."""
    names = {" ": "space", '"': "quotation_mark", "-": "minus", ":": "colon",
             "(": "left_parenthesis", ")": "right_parenthesis"}  # fmt: skip
    return names.get(character, character)


def add_articles(paths: DataPaths, index: SearchIndex, size: int) -> list[tuple[str, str]]:
    """1,000 new articles as a writer adds them (its flush writes the shards and applies them
    to the index), then 1,000 more written by a process that does not keep the index (an
    older version) and taken in by a reader's catch-up of the shards they changed."""
    rows = []
    with Library(paths) as library:
        save(library, size, ADDED, size)
        started = time.perf_counter()
        library.flush()
        flushed = time.perf_counter() - started
    rows.append((f"add {ADDED:,} articles: the writer's flush, index included (target 1 s)",
                 f"{flushed * 1e3:.0f} ms"))  # fmt: skip
    with Library(paths) as library:
        library.search_index.close()
        library.search_index.apply = lambda *_args, **_kwargs: None  # type: ignore[method-assign]
        save(library, size + ADDED, ADDED, size)
        library.flush()
    started = time.perf_counter()
    changed = catch_up_search_index(index, paths)
    caught_up = time.perf_counter() - started
    rows.append((
        f"add {ADDED:,} articles: another process's catch-up",
        f"{caught_up * 1e3:.0f} ms ({changed:,} indexed; reads the changed shards)",
    ))  # fmt: skip
    return rows


def naive_scan(paths: DataPaths) -> list[tuple[str, str]]:
    log("scanning naively …")
    connection = sqlite3.connect(paths.bodies_db)
    like = []
    for needle in NAIVE:
        started = time.perf_counter()
        connection.execute(
            "SELECT count(*) FROM body WHERE text LIKE ?", (f"%{needle}%",)
        ).fetchone()
        like.append(time.perf_counter() - started)
    started = time.perf_counter()
    bodies = [text.casefold() for (text,) in connection.execute("SELECT text FROM body")]
    loading = time.perf_counter() - started
    connection.close()
    scans = []
    for needle in NAIVE:
        folded = needle.casefold()
        started = time.perf_counter()
        sum(1 for body in bodies if folded in body)
        scans.append(time.perf_counter() - started)
    return [
        ("naive: SQLite LIKE over bodies.sqlite (median)",
         f"{statistics.median(like) * 1e3:.0f} ms"),
        ("naive: Python `in` over bodies in memory (median)",
         f"{statistics.median(scans) * 1e3:.0f} ms (+ {loading:.1f} s to load and fold "
         f"{len(bodies):,} bodies)"),
    ]  # fmt: skip


if __name__ == "__main__":
    main()
