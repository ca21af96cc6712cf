"""Measurements that run inside Broadsheet's own process: one probe per child process.

    python bench/probes.py PROBE '{"home": "...", ...}'

bench/run.py starts each probe with ``PYTHONPATH`` set to the code tree under test (so the
same probe measures the tree before a change and after it), reads the last line, ``RESULT
{json}``, and keeps the process out of its own memory and CPU figures. A name the tree under
test does not have yet (``Library.set_starred``, say) is looked up with ``getattr``: the probe
then measures the older way, or reports nothing, and says which in its result.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import json
import multiprocessing
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any, cast

import corpus
import feed_farm

Result = dict[str, Any]
NEWSBOAT_FEED_SIZE = 500
HIGHLIGHTS_PER_ARTICLE = 3
BUDGET_SECONDS = 15.0
"""How long one kind of store call may take in all before a probe stops repeating it."""


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


# Building a home


def _sentence_spans(body: str, count: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    start = 0
    while len(spans) < count:
        end = body.find(". ", start)
        if end < 0:
            break
        spans.append((start, end + 1))
        start = end + 2
    return spans


def _generated(size: int) -> Iterator[corpus.CorpusArticle]:
    """The corpus, made on every core while this process stores it."""
    with multiprocessing.get_context("fork").Pool(2) as pool:
        yield from pool.imap(corpus.article, range(size), chunksize=256)


def build(home: str, size: int, highlights: int, newsboat_dir: str | None) -> Result:
    """A home of ``size`` corpus articles and ``highlights`` highlights (three to an article,
    spread over the library), and newsboat feeds of the same articles."""
    from store.annotations import HighlightStore
    from store.library import Library
    from store.models import Article, EntitySummary
    from store.paths import DataPaths

    paths = DataPaths(Path(home))
    highlighted = max(1, highlights // HIGHLIGHTS_PER_ARTICLE)
    stride = max(1, size // highlighted)
    chosen_for_highlights = {1 + k * stride for k in range(highlighted)}
    to_highlight: list[tuple[Article, str]] = []
    feeds_dir = Path(newsboat_dir) if newsboat_dir else None
    items: list[str] = []
    started = time.perf_counter()
    with Library(paths) as library:
        for generated in _generated(size):
            article = Article(
                id=generated.id,
                title=generated.title,
                body_hash="",
                source=generated.source,
                url=generated.url,
                published=generated.published,
                guid=generated.url,
                origin=generated.url,
            )
            summary = tuple(map(EntitySummary._make, generated.entities))
            saved, _ = library.save(article, generated.body, entity_summary=summary)
            if generated.index in chosen_for_highlights:
                to_highlight.append((saved, generated.body))
            if feeds_dir is not None:
                items.append(feed_farm.item_xml(generated))
                if len(items) == NEWSBOAT_FEED_SIZE or generated.index == size - 1:
                    number = generated.index // NEWSBOAT_FEED_SIZE
                    document = feed_farm.rss_document(f"Bench Wire feed {number}", items)
                    (feeds_dir / f"feed{number:04d}.xml").write_bytes(document)
                    items = []
        library.flush()
    articles_seconds = time.perf_counter() - started

    started = time.perf_counter()
    made = _add_highlights(paths, to_highlight, highlights, HighlightStore)
    return {
        "articles": size,
        "articles_seconds": articles_seconds,
        "highlights": made,
        "highlights_seconds": time.perf_counter() - started,
    }


def _add_highlights(
    paths: Any, articles: list[tuple[Any, str]], wanted: int, store_class: Any
) -> int:
    from store.annotations import Highlight, anchor_span
    from store.text import content_hash

    made: list[Any] = []
    for article, body in articles:
        for start, end in _sentence_spans(body, HIGHLIGHTS_PER_ARTICLE):
            if len(made) == wanted:
                break
            anchor = anchor_span(body, start, end)
            stamp = f"2026-01-01T00:00:{len(made) % 60:02d}.{len(made) % 1000:03d}Z"
            made.append(
                Highlight(
                    id=f"bench-{len(made):08d}",
                    article_id=article.id,
                    article_title=article.title,
                    article_url=article.url,
                    start=anchor.start,
                    end=anchor.end,
                    exact=anchor.exact,
                    prefix=anchor.prefix,
                    suffix=anchor.suffix,
                    body_hash=content_hash(body),
                    created=stamp,
                    modified=stamp,
                )
            )
    with store_class(paths) as store:
        bulk = getattr(store, "import_highlights", None)
        if bulk is not None:
            bulk(made)
        else:
            by_id = {article.id: (article, body) for article, body in articles}
            for highlight in made:
                article, body = by_id[highlight.article_id]
                store.add(article, body, highlight.start, highlight.end)
    return len(made)


# Durable writes and reads of user data


def durable(home: str, repeats: int) -> Result:
    """Mark read, star, unread and highlight saves, each durable when timed; highlight reads."""
    from store.annotations import HighlightStore
    from store.library import Library
    from store.paths import DataPaths

    paths = DataPaths(Path(home))
    result: Result = {}
    with ExitStack() as stack:
        started = time.perf_counter()
        library = stack.enter_context(Library(paths))
        result["open_library_s"] = time.perf_counter() - started
        articles = library.articles()
        result["read_before"] = sum(article.read for article in articles)
        middle = len(articles) // 2
        chosen = [a for a in articles[middle:] if not a.read and not a.starred][: repeats * 2]
        set_starred = getattr(library, "set_starred", None)
        durable_on_return = set_starred is not None

        def after_change() -> None:
            if not durable_on_return:
                library.flush()

        def mark(article_id: str, read: bool) -> None:
            library.set_read(article_id, read)
            after_change()

        def star(article_id: str) -> None:
            if set_starred is not None:
                set_starred(article_id, True)
            else:
                current = library.get(article_id)
                assert current is not None
                library.update(replace(current, starred=True))
                after_change()

        def timed(action: Callable[[str], None], ids: list[str]) -> list[float]:
            samples: list[float] = []
            for article_id in ids:
                if len(samples) >= 3 and sum(samples) > BUDGET_SECONDS:
                    break  # a tree that takes seconds a call: three calls say enough
                started = time.perf_counter()
                action(article_id)
                samples.append(time.perf_counter() - started)
            counts.append(len(samples))
            return samples

        counts: list[int] = []

        read_ids = [a.id for a in chosen[:repeats]]
        star_ids = [a.id for a in chosen[repeats:]]
        result["api"] = "set_read/set_starred" if durable_on_return else "set_read+flush"
        result["mark_read_ms"] = median_ms(timed(lambda i: mark(i, True), read_ids))
        result["star_ms"] = median_ms(timed(star, star_ids))
        result["unread_ms"] = median_ms(timed(lambda i: mark(i, False), read_ids))
        result["samples"] = min(counts)

        highlights = stack.enter_context(HighlightStore(paths))
        existing = highlights.all()
        result["highlights_before"] = len(existing)
        samples = []
        for article in articles[middle + 3 * repeats : middle + 4 * repeats]:
            body = library.body(article)
            end = body.find(". ") + 1
            started = time.perf_counter()
            highlights.add(article, body, 0, end)
            samples.append(time.perf_counter() - started)
        result["highlight_add_ms"] = median_ms(samples)

        with_highlights = list(dict.fromkeys(h.article_id for h in existing))[:repeats]
        highlights.for_article(with_highlights[0])  # a first read may load; then memory
        samples = []
        for article_id in with_highlights:
            started = time.perf_counter()
            found = highlights.for_article(article_id)
            samples.append(time.perf_counter() - started)
            assert found, article_id
        result["highlight_read_us"] = statistics.median(samples) * 1e6 if samples else None
    return result


# The reader, driven in process


def next_article(home: str, repeats: int) -> Result:
    """From the list: ``j`` then Enter, until the reader holds the article's text."""
    return asyncio.run(_next_article(home, repeats))


def _make_app(paths: Any, stack: ExitStack) -> Any:
    from store.annotations import HighlightStore
    from store.library import Library
    from tui.app import BroadsheetApp

    parameters = inspect.signature(BroadsheetApp).parameters
    if "library" in parameters:
        library = stack.enter_context(Library(paths))
        highlights = stack.enter_context(HighlightStore(paths))
        return BroadsheetApp(library, highlights)
    return cast(Any, BroadsheetApp)(paths)


async def _next_article(home: str, repeats: int) -> Result:
    from textual import events
    from textual.widgets import TextArea

    from store.paths import DataPaths

    bodies = [corpus.article(index).body[:80] for index in range(repeats + 1)]
    samples: list[float] = []
    with ExitStack() as stack:
        app = _make_app(DataPaths(Path(home)), stack)
        async with app.run_test(size=(80, 24)) as pilot:

            def showing(index: int) -> bool:
                readers = app.screen.query(TextArea)
                return any(bodies[index] in reader.text for reader in readers)

            async def until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
                deadline = time.perf_counter() + timeout
                while not condition():
                    if time.perf_counter() > deadline:
                        raise TimeoutError("the reader never showed the article")
                    await asyncio.sleep(0.0005)

            def listed() -> bool:
                lists = app.screen.query("ArticleList")
                return bool(lists) and bool(getattr(lists.first(), "articles", None))

            def press_now(key: str) -> None:
                # Straight into the app's queue, as the terminal driver does: Pilot.press
                # would also wait for the process to go idle, timing the app's background
                # writes along with the key.
                event = events.Key(key, key if len(key) == 1 else None)
                event.set_sender(app)
                app.post_message(event)

            await until(listed)
            await pilot.press("enter")  # the first open loads what later ones reuse
            await until(lambda: showing(0))
            await app.workers.wait_for_complete()
            for index in range(1, repeats + 1):
                await pilot.press("escape")
                await app.workers.wait_for_complete()
                await pilot.pause()
                started = time.perf_counter()
                press_now("j")
                press_now("enter")
                await until(partial(showing, index))
                samples.append(time.perf_counter() - started)
                # A reader takes seconds over an article: let its writes land first.
                await app.workers.wait_for_complete()
            await pilot.press("q")
    return {
        "next_article_ms": median_ms(samples),
        "next_article_max_ms": max(samples) * 1000,
    }


# Refresh as the app runs it: threads only, in a process that is already running


def refresh_threads(home: str) -> Result:
    from store.ingest.refresh import refresh_feeds
    from store.library import Library
    from store.paths import DataPaths

    feed_store_class: Any = None
    for module in ("store.feeds", "store.feed_store"):  # the name it has, or will have
        with contextlib.suppress(ImportError):
            feed_store_class = importlib.import_module(module).FeedStore
            break
    if feed_store_class is None:
        raise ImportError("no FeedStore in store.feeds or store.feed_store")

    paths = DataPaths(Path(home))
    with Library(paths) as library, feed_store_class(paths) as feed_store:
        before = resource.getrusage(resource.RUSAGE_SELF)
        started = time.perf_counter()
        report = refresh_feeds(library, feed_store, processes=0)
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "new": report.new_articles,
        "failed": len(report.failures),
    }


# Bytes per key, from bench/keys.py when it is there


def key_bytes(articles: int) -> Result:
    try:
        import keys  # type: ignore[import-not-found, unused-ignore]
    except ImportError as problem:
        return {"error": f"bench/keys.py: {problem}"}
    measure = getattr(keys, "measure_key_bytes", None)
    if measure is None:
        return {"error": "bench/keys.py has no measure_key_bytes"}
    figures = measure(articles, newsboat=True)
    targets = getattr(keys, "TARGETS", {})
    return {"figures": dict(figures), "targets": dict(targets)}


def entity_page(home: str, repeats: int) -> Result:
    """An entity's page (issue 16) from the entity catalog, for the entity named in the
    number of articles nearest 2,000 at 50,000 (the same share at other sizes)."""
    from store.entities.catalog import EntityCatalog
    from store.entities.page import entity_page as page_of
    from store.listing import catch_up_catalog
    from store.paths import DataPaths

    paths = DataPaths(Path(home))
    with EntityCatalog(paths.entity_catalog) as catalog:
        catch_up_catalog(catalog, paths)
        articles = catalog.select("SELECT COUNT(*) FROM article", [])[0][0]
        wanted = max(1, round(articles * 2_000 / 50_000))
        ((key, named),) = catalog.select(
            "SELECT entity, COUNT(*) AS n FROM mention GROUP BY entity "
            "ORDER BY ABS(n - ?), entity LIMIT 1",
            [wanted],
        )
        page_of(catalog, key)  # the first reads the catalog's pages from disk
        samples = []
        for _ in range(repeats):
            started = time.perf_counter()
            page_of(catalog, key)
            samples.append(time.perf_counter() - started)
    return {"entity_page_ms": median_ms(samples), "named_in": named}


PROBES: dict[str, Callable[..., Result]] = {
    "build": build,
    "durable": durable,
    "next_article": next_article,
    "refresh_threads": refresh_threads,
    "key_bytes": key_bytes,
    "entity_page": entity_page,
}


def main() -> None:
    name, arguments = sys.argv[1], json.loads(sys.argv[2])
    result = PROBES[name](**arguments)
    print("RESULT " + json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
