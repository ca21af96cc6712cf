"""Following and unfollowing feeds, and saving single pages (read-it-later).

Adding a URL accepts a feed or a page that advertises one (``<link rel="alternate">``). The
response fetched to find the feed is handed to the first refresh, so nothing is fetched twice.
Lists of feeds (newsboat's urls file) are followed without fetching; the next refresh reads
them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from store.feeds import Feed, FeedStore
from store.ingest.articles import save_page
from store.ingest.feeds import (
    FeedParseError,
    ParsedFeed,
    discover_feed_urls,
    looks_like_html_page,
    parse_feed,
)
from store.ingest.http import (
    DEFAULT_POLICY,
    PAGE_ACCEPT,
    FetchError,
    FetchPolicy,
    FetchResult,
    HttpClient,
)
from store.ingest.pages import PageExtractError, extract_article
from store.ingest.refresh import RefreshReport, refresh_feeds_async
from store.ingest.urls_file import SkippedLine, UrlsFeed, parse_urls_file
from store.library import Library, SaveOutcome, utc_now_iso
from store.models import Article
from store.urls import safe_url

MAX_DISCOVERED_CANDIDATES = 4


class SubscribeError(Exception):
    """Adding a feed or a page failed; the message is one line for people."""


@dataclass(frozen=True, slots=True)
class AddedFeed:
    feed: Feed
    already_followed: bool
    report: RefreshReport


def add_feed(
    library: Library,
    feed_store: FeedStore,
    url: str,
    *,
    full_text: bool | None = None,
    tags: Sequence[str] = (),
    policy: FetchPolicy = DEFAULT_POLICY,
) -> AddedFeed:
    """Follow the feed at ``url`` (or the one the page at ``url`` advertises) and fetch it.

    ``full_text`` sets the feed's setting (None: keep a followed feed's, off for a new one)."""
    return asyncio.run(
        _add_feed(library, feed_store, url, full_text=full_text, tags=tags, policy=policy)
    )


async def _add_feed(
    library: Library,
    feed_store: FeedStore,
    url: str,
    *,
    full_text: bool | None,
    tags: Sequence[str],
    policy: FetchPolicy,
) -> AddedFeed:
    checked = safe_url(url)
    if checked is None:
        raise SubscribeError(f"not an http or https URL: {url!r}")
    existing = feed_store.by_url(checked)
    if existing is not None:
        merged_tags = tuple(dict.fromkeys((*existing.tags, *tags)))
        feed = feed_store.update(
            existing.id,
            full_text=existing.full_text if full_text is None else full_text,
            tags=merged_tags,
        )
        report = await refresh_feeds_async(library, feed_store, feeds=[feed], policy=policy)
        return AddedFeed(feed_store.get(feed.id) or feed, True, report)
    async with HttpClient(policy) as client:
        feed_url, response, parsed = await _find_feed(client, checked)
    already = feed_store.by_url(feed_url)
    if already is not None:
        report = await refresh_feeds_async(library, feed_store, feeds=[already], policy=policy)
        return AddedFeed(feed_store.get(already.id) or already, True, report)
    feed = Feed.new(
        feed_url,
        title=parsed.title,
        site_url=parsed.link,
        tags=tuple(dict.fromkeys(tags)),
        full_text=bool(full_text),
        added=utc_now_iso(),
    )
    feed_store.put(feed)
    report = await refresh_feeds_async(
        library, feed_store, feeds=[feed], policy=policy, prefetched={feed.id: response}
    )
    return AddedFeed(feed_store.get(feed.id) or feed, False, report)


async def _find_feed(client: HttpClient, url: str) -> tuple[str, FetchResult, ParsedFeed]:
    response = await _fetch(client, url)
    try:
        return url, response, _parse(response)
    except FeedParseError as problem:
        if not looks_like_html_page(response.content):
            raise SubscribeError(f"{url}: {problem}") from None
    candidates = discover_feed_urls(response.content, response.url)
    if not candidates:
        raise SubscribeError(f"{url} is a web page that advertises no feed")
    reasons = []
    for candidate in candidates[:MAX_DISCOVERED_CANDIDATES]:
        try:
            found = await _fetch(client, candidate)
            return candidate, found, _parse(found)
        except (SubscribeError, FeedParseError) as problem:
            reasons.append(f"{candidate}: {problem}")
    raise SubscribeError("the page's advertised feeds could not be read: " + "; ".join(reasons))


async def _fetch(client: HttpClient, url: str) -> FetchResult:
    try:
        return await client.fetch(url, max_bytes=client.policy.max_feed_bytes)
    except FetchError as problem:
        raise SubscribeError(f"{url}: {problem.reason}") from None


def _parse(response: FetchResult) -> ParsedFeed:
    return parse_feed(response.content, response.url, content_type=response.content_type)


def add_article(
    library: Library, url: str, *, policy: FetchPolicy = DEFAULT_POLICY
) -> tuple[Article, SaveOutcome]:
    """Fetch one page, extract its article and save it (read-it-later)."""
    checked = safe_url(url)
    if checked is None:
        raise SubscribeError(f"not an http or https URL: {url!r}")
    return asyncio.run(_add_article(library, checked, policy))


async def _add_article(
    library: Library, url: str, policy: FetchPolicy
) -> tuple[Article, SaveOutcome]:
    async with HttpClient(policy) as client:
        try:
            response = await client.fetch(url, max_bytes=policy.max_page_bytes, accept=PAGE_ACCEPT)
        except FetchError as problem:
            raise SubscribeError(f"{url}: {problem.reason}") from None
    try:
        page = extract_article(response.content, response.url, content_type=response.content_type)
    except PageExtractError as problem:
        raise SubscribeError(f"{url}: {problem}") from None
    return save_page(library, url, page)


@dataclass(frozen=True, slots=True)
class RemovedFeed:
    feed: Feed
    removed_articles: int
    kept_articles: int


def remove_feed(
    library: Library,
    feed_store: FeedStore,
    feed: Feed,
    *,
    keep: Callable[[Article], bool] = lambda article: article.starred,
) -> RemovedFeed:
    """Unfollow a feed and forget its articles, except those ``keep`` says to keep.

    Highlights and notes live in their own store and are never touched; bodies stay on disk,
    so highlights of a removed article can still show their quotes. Kept articles keep their
    feed id (derived from the URL), so re-adding the feed updates them rather than duplicating.
    """
    removed = kept = 0
    for article in library.articles():
        if article.feed_id != feed.id:
            continue
        if keep(article):
            kept += 1
        elif library.remove(article.id):
            removed += 1
    feed_store.remove(feed.id)
    library.flush()
    feed_store.flush()
    return RemovedFeed(feed, removed, kept)


def find_feed(feed_store: FeedStore, reference: str) -> Feed | None:
    """A feed by id, by URL, or by exact (case-insensitive) title."""
    found = feed_store.get(reference) or feed_store.by_url(reference)
    if found is not None:
        return found
    matches = [f for f in feed_store.all() if f.title.casefold() == reference.casefold()]
    return matches[0] if len(matches) == 1 else None


@dataclass(frozen=True, slots=True)
class UrlsImport:
    added: tuple[Feed, ...]
    already_followed: tuple[Feed, ...]
    skipped: tuple[SkippedLine, ...]
    """Lines of the file that are not http(s) feeds (query, exec, filter…), with reasons."""


def follow_urls_file(feed_store: FeedStore, data: bytes) -> UrlsImport:
    """Follow the feeds of a newsboat urls file (nothing is fetched until a refresh).

    Raises ``UrlsFileError`` for a file that cannot be read as one."""
    parsed = parse_urls_file(data)
    added: list[Feed] = []
    known: list[Feed] = []
    now = utc_now_iso()
    for listed in parsed.feeds:
        feed, is_new = _follow_listed(feed_store, listed, added=now)
        (added if is_new else known).append(feed)
    feed_store.flush()
    return UrlsImport(tuple(added), tuple(known), parsed.skipped)


def _follow_listed(feed_store: FeedStore, listed: UrlsFeed, *, added: str) -> tuple[Feed, bool]:
    """Follow one listed feed, as OPML import does; True when it was not followed before.

    A feed already followed keeps its record (title, settings, fetch state) and gains the
    listed tags it lacks, after its own; a title only when it has none."""
    existing = feed_store.by_url(listed.url)
    if existing is None:
        feed = Feed.new(listed.url, title=listed.title, tags=listed.tags, added=added)
        feed_store.put(feed)
        return feed, True
    tags = tuple(dict.fromkeys((*existing.tags, *listed.tags)))
    return feed_store.update(existing.id, tags=tags, title=existing.title or listed.title), False
