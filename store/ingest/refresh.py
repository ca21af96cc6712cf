"""Refreshing feeds: fetch them all concurrently, parse, and store what is new or changed.

:func:`refresh_feeds` is blocking and runs its own event loop (``asyncio.run``), so a front
calls it from a worker thread — in Textual, ``@work(thread=True)`` — and hears about progress
through callbacks. The callbacks run in that same thread; a TUI hands their news to the UI with
``App.call_from_thread`` (or ``post_message``), never by touching widgets from them.

A feed that fails records its error and keeps every article it had; the others carry on.
Entity summaries are not made here: new texts are stored with theirs pending
(:mod:`store.entities.pending`), made afterwards by the first reader of entities.
Parsing and saving run in a worker thread so the event loop keeps fetching meanwhile.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from functools import partial
from typing import NamedTuple, TypeVar

from store.feeds import Feed, FeedStore
from store.ingest.articles import (
    FeedArticleIndex,
    PlannedEntry,
    index_by_feed,
    plan_entries,
    save_entries,
)
from store.ingest.feeds import FeedParseError, parse_feed
from store.ingest.http import (
    DEFAULT_POLICY,
    PAGE_ACCEPT,
    FetchError,
    FetchPolicy,
    FetchResult,
    HttpClient,
)
from store.ingest.pages import ExtractedArticle, PageExtractError, extract_article
from store.ingest.worker_processes import start_worker_processes
from store.library import Library, SaveOutcome, utc_now_iso

FLUSH_EVERY_ARTICLES = 5_000
WORKER_THREADS = 1
"""Threads that parse and save beside the event loop. Parsing and saving hold the GIL nearly
throughout, so more threads only take turns on it, at a cost: with four, the bench's refresh
of 200 feeds in one process took 0.99 s and 0.92 s of CPU; with one, 0.88 s and 0.79 s."""
T = TypeVar("T")


class FeedStatus(StrEnum):
    FETCHED = "fetched"
    NOT_MODIFIED = "not-modified"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class FeedResult:
    """What refreshing one feed did."""

    feed_id: str
    url: str
    title: str
    status: FeedStatus
    new: int = 0
    updated: int = 0
    error: str | None = None
    """Why the feed failed or was skipped, in one line."""
    page_failures: int = 0
    """Full-text pages that could not be fetched or read (the feed's own text was kept)."""


@dataclass(frozen=True, slots=True)
class RefreshReport:
    results: tuple[FeedResult, ...]
    seconds: float

    @property
    def new_articles(self) -> int:
        return sum(result.new for result in self.results)

    @property
    def updated_articles(self) -> int:
        return sum(result.updated for result in self.results)

    @property
    def failures(self) -> tuple[FeedResult, ...]:
        return tuple(r for r in self.results if r.status is FeedStatus.FAILED)

    @property
    def failed(self) -> bool:
        return bool(self.failures)


ProgressCallback = Callable[[int, int], None]
"""Called as ``on_progress(feeds_done, feeds_total)``: once at the start, then per feed."""
FeedDoneCallback = Callable[[FeedResult], None]
"""Called with each feed's result as soon as that feed is finished."""


def refresh_feeds(
    library: Library,
    feed_store: FeedStore,
    *,
    feeds: Iterable[Feed] | None = None,
    policy: FetchPolicy = DEFAULT_POLICY,
    on_progress: ProgressCallback | None = None,
    on_feed_done: FeedDoneCallback | None = None,
    cancel: threading.Event | None = None,
    processes: int = 0,
) -> RefreshReport:
    """Refresh ``feeds`` (default: every feed in ``feed_store``) and store their articles.

    Blocks until done, running its own event loop; call it from a worker thread, not from a
    running event loop (use :func:`refresh_feeds_async` there). Callbacks run in the calling
    thread. Setting ``cancel`` stops starting new feeds; those under way finish. The library
    and the feed store are flushed before returning.

    ``processes`` (2 or more) parses feeds in that many forked worker processes, using more
    than one core. Only a single-threaded caller may ask for them (the command line does; an
    app running threads must not fork): 0 keeps all work in threads.
    """
    process_pool = _start_worker_processes(processes)
    try:
        return asyncio.run(
            refresh_feeds_async(
                library,
                feed_store,
                feeds=feeds,
                policy=policy,
                on_progress=on_progress,
                on_feed_done=on_feed_done,
                cancel=cancel,
                process_pool=process_pool,
            )
        )
    finally:
        if process_pool is not None:
            process_pool.shutdown(cancel_futures=True)


async def refresh_feeds_async(
    library: Library,
    feed_store: FeedStore,
    *,
    feeds: Iterable[Feed] | None = None,
    policy: FetchPolicy = DEFAULT_POLICY,
    on_progress: ProgressCallback | None = None,
    on_feed_done: FeedDoneCallback | None = None,
    cancel: threading.Event | None = None,
    prefetched: dict[str, FetchResult] | None = None,
    process_pool: ProcessPoolExecutor | None = None,
) -> RefreshReport:
    """:func:`refresh_feeds` for a caller already in an event loop.

    ``prefetched`` maps feed ids to a response already in hand (``add`` fetched it to find the
    feed), so that feed is not fetched twice.
    """
    started = time.perf_counter()
    chosen = list(feed_store.all() if feeds is None else feeds)
    total = len(chosen)
    if on_progress is not None:
        on_progress(0, total)
    with ThreadPoolExecutor(WORKER_THREADS, thread_name_prefix="broadsheet-refresh") as pool:
        async with HttpClient(policy) as client:
            session = _RefreshSession(
                library, feed_store, client, pool, prefetched or {}, process_pool
            )
            session.indexes = await session.in_pool(index_by_feed, library.articles())
            tasks = [asyncio.create_task(session.refresh_one(feed, cancel)) for feed in chosen]
            results: list[FeedResult] = []
            try:
                for finished in asyncio.as_completed(tasks):
                    result = await finished
                    results.append(result)
                    if on_feed_done is not None:
                        on_feed_done(result)
                    if on_progress is not None:
                        on_progress(len(results), total)
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                await session.in_pool(_flush_both, library, feed_store)
    order = {feed.id: position for position, feed in enumerate(chosen)}
    results.sort(key=lambda result: order.get(result.feed_id, 0))
    return RefreshReport(tuple(results), time.perf_counter() - started)


class PlannedFeed(NamedTuple):
    """What a refresh keeps of a parsed feed: its title and site, and its planned entries."""

    title: str
    link: str | None
    entries: list[PlannedEntry]


def parse_and_plan(feed: Feed, response: FetchResult, index: FeedArticleIndex) -> PlannedFeed:
    """Parse a fetched feed and match its entries to stored articles, their bodies made from
    the feed's HTML: the CPU-bound part of a refresh, a plain function so it can run in a
    worker process (which sends back only the plan, not the parsed entries' HTML)."""
    parsed = parse_feed(response.content, response.url, content_type=response.content_type)
    return PlannedFeed(parsed.title, parsed.link, plan_entries(feed, parsed, index))


def _start_worker_processes(count: int) -> ProcessPoolExecutor | None:
    """Worker processes forked now, before this process starts any thread of its own, each
    loading the HTML parser while the first requests are on the wire; they ignore Ctrl-C and
    die with this process (:mod:`store.ingest.worker_processes`). None where fork is not
    available."""
    return start_worker_processes(count, _load_html_parser)


def _load_html_parser() -> None:
    import lxml.html  # noqa: F401  (what parse_and_plan spends its first call importing)


def _flush_both(library: Library, feed_store: FeedStore) -> None:
    library.flush()
    feed_store.flush()


class _RefreshSession:
    def __init__(
        self,
        library: Library,
        feed_store: FeedStore,
        client: HttpClient,
        pool: ThreadPoolExecutor,
        prefetched: dict[str, FetchResult],
        process_pool: ProcessPoolExecutor | None = None,
    ) -> None:
        self.process_pool = process_pool
        self.library = library
        self.feed_store = feed_store
        self.client = client
        self.pool = pool
        self.prefetched = prefetched
        self.indexes: dict[str, FeedArticleIndex] = {}
        self._saved_since_flush = 0
        self._flush_lock = threading.Lock()

    async def in_pool(self, function: Callable[..., T], *arguments: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.pool, function, *arguments)

    async def refresh_one(self, feed: Feed, cancel: threading.Event | None) -> FeedResult:
        if cancel is not None and cancel.is_set():
            return _result(feed, FeedStatus.SKIPPED, error="refresh cancelled")
        if feed.retry_not_before and feed.retry_not_before > utc_now_iso():
            return _result(
                feed,
                FeedStatus.SKIPPED,
                error=f"the server asked us to wait until {feed.retry_not_before}",
            )
        try:
            return await self._refresh_one(feed)
        except FetchError as problem:
            return self._record_failure(feed, problem.reason, _retry_date(problem.retry_after))
        except FeedParseError as problem:
            return self._record_failure(feed, str(problem))
        except asyncio.CancelledError:
            raise
        except Exception as problem:  # a bug or a parser crash must not stop other feeds
            return self._record_failure(feed, f"unexpected error: {type(problem).__name__}: "
                                        f"{problem}")  # fmt: skip

    def _record_failure(
        self, feed: Feed, reason: str, retry_not_before: str | None = None
    ) -> FeedResult:
        self.feed_store.update(
            feed.id,
            last_error=reason,
            last_error_at=utc_now_iso(),
            retry_not_before=retry_not_before,
        )
        return _result(feed, FeedStatus.FAILED, error=reason)

    async def _refresh_one(self, feed: Feed) -> FeedResult:
        response = self.prefetched.get(feed.id)
        if response is None:
            response = await self.client.fetch(
                feed.url,
                max_bytes=self.client.policy.max_feed_bytes,
                etag=feed.etag,
                last_modified=feed.last_modified,
            )
        if response.not_modified:
            self.feed_store.update(
                feed.id,
                last_success=utc_now_iso(),
                last_error=None,
                retry_not_before=None,
                etag=response.etag or feed.etag,
                last_modified=response.last_modified or feed.last_modified,
            )
            return _result(feed, FeedStatus.NOT_MODIFIED)
        index = self.indexes.get(feed.id) or FeedArticleIndex()
        plan = await asyncio.get_running_loop().run_in_executor(
            self.process_pool or self.pool, parse_and_plan, feed, response, index
        )
        planned = plan.entries
        pages: dict[str, tuple[ExtractedArticle, str]] = {}
        page_failures = 0
        if feed.full_text:
            pages, page_failures = await self._fetch_pages(planned)
        title = feed.title or plan.title
        new, updated = await self.in_pool(self._save_all, feed, title, planned, pages)
        self.feed_store.update(
            feed.id,
            title=title,
            site_url=plan.link or feed.site_url,
            etag=response.etag,
            last_modified=response.last_modified,
            last_success=utc_now_iso(),
            last_error=None,
            retry_not_before=None,
        )
        return replace(
            _result(feed, FeedStatus.FETCHED, title=title),
            new=new,
            updated=updated,
            page_failures=page_failures,
        )

    async def _fetch_pages(
        self, planned: Sequence[PlannedEntry]
    ) -> tuple[dict[str, tuple[ExtractedArticle, str]], int]:
        wanted = [item for item in planned if item.existing is None and item.link]
        outcomes = await asyncio.gather(*(self._fetch_page(item) for item in wanted))
        pages = {
            item.article_id: outcome
            for item, outcome in zip(wanted, outcomes, strict=True)
            if outcome is not None
        }
        return pages, sum(1 for outcome in outcomes if outcome is None)

    async def _fetch_page(self, item: PlannedEntry) -> tuple[ExtractedArticle, str] | None:
        assert item.link is not None
        try:
            response = await self.client.fetch(
                item.link, max_bytes=self.client.policy.max_page_bytes, accept=PAGE_ACCEPT
            )
            page = await self.in_pool(
                partial(extract_article, content_type=response.content_type),
                response.content,
                response.url,
            )
        except (FetchError, PageExtractError):
            return None
        return page, response.url

    def _save_all(
        self,
        feed: Feed,
        title: str,
        planned: Sequence[PlannedEntry],
        pages: dict[str, tuple[ExtractedArticle, str]],
    ) -> tuple[int, int]:
        new = updated = 0
        for _, outcome in save_entries(self.library, feed, title, planned, pages):
            new += outcome is SaveOutcome.NEW
            updated += outcome is SaveOutcome.UPDATED
        self._count_saved(new + updated)
        return new, updated

    def _count_saved(self, count: int) -> None:
        # A long refresh (thousands of feeds) reaches disk now and then, not only at the end.
        with self._flush_lock:
            self._saved_since_flush += count
            due = self._saved_since_flush >= FLUSH_EVERY_ARTICLES
            if due:
                self._saved_since_flush = 0
        if due:
            self.library.flush()
            self.feed_store.flush()


def _result(feed: Feed, status: FeedStatus, *, error: str | None = None,
            title: str | None = None) -> FeedResult:  # fmt: skip
    return FeedResult(
        feed_id=feed.id,
        url=feed.url,
        title=title if title is not None else feed.display_title,
        status=status,
        error=error,
    )


def _retry_date(retry_after: float | None) -> str | None:
    """When a feed that asked us to wait may be fetched again (None: at once). The wait is
    bounded when parsed; a date past what datetime holds still fails only this feed."""
    if retry_after is None:
        return None
    try:
        now = datetime.now(UTC).replace(microsecond=0)
        return (now + timedelta(seconds=retry_after)).isoformat()
    except (OverflowError, ValueError):
        return None
