"""Full text for articles already stored: the page behind each article's link, extracted.

Used when a reader asks for the whole article (`t` in the app) and when full text is turned
on for a feed, whose stored articles then get theirs in the background. The article keeps
its id, headline, read state and place; only its text (and what is derived from it) changes,
and highlights made on the old text are placed again by the caller (``annotations.sync``).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from store.ingest.http import DEFAULT_POLICY, PAGE_ACCEPT, FetchError, FetchPolicy, HttpClient
from store.ingest.pages import PageExtractError, extract_article
from store.library import Library
from store.models import Article


@dataclass(frozen=True, slots=True)
class FullTextReport:
    updated: tuple[Article, ...]
    unchanged: int
    failures: tuple[tuple[Article, str], ...]
    """Articles whose page could not be had, and why, in one line."""


ProgressCallback = Callable[[int, int], None]


def fetch_full_text(
    library: Library,
    articles: Sequence[Article],
    *,
    policy: FetchPolicy = DEFAULT_POLICY,
    on_progress: ProgressCallback | None = None,
) -> FullTextReport:
    """Fetch and store the full text of ``articles`` (those with a link). Blocking: call it
    from a worker thread. The library is flushed before it returns."""
    return asyncio.run(_fetch_all(library, articles, policy, on_progress))


async def _fetch_all(
    library: Library,
    articles: Sequence[Article],
    policy: FetchPolicy,
    on_progress: ProgressCallback | None,
) -> FullTextReport:
    linked = [article for article in articles if article.url]
    failures: list[tuple[Article, str]] = [(a, "it has no link") for a in articles if not a.url]
    updated: list[Article] = []
    unchanged = 0
    done = 0
    async with HttpClient(policy) as client:

        async def one(article: Article) -> None:
            nonlocal done, unchanged
            assert article.url is not None
            try:
                response = await client.fetch(
                    article.url, max_bytes=policy.max_page_bytes, accept=PAGE_ACCEPT
                )
                page = await asyncio.to_thread(
                    extract_article, response.content, response.url,
                    content_type=response.content_type,
                )  # fmt: skip
                # The text only: the headline and the rest stay as the feed gave them.
                saved, _ = await asyncio.to_thread(
                    library.save, article, page.text, structure=page.structure
                )
            except (FetchError, PageExtractError) as problem:
                failures.append((article, str(getattr(problem, "reason", problem))))
            else:
                if saved.body_hash != article.body_hash:
                    updated.append(saved)
                else:
                    unchanged += 1
            done += 1
            if on_progress is not None:
                on_progress(done, len(linked))

        if on_progress is not None:
            on_progress(0, len(linked))
        await asyncio.gather(*(one(article) for article in linked))
    await asyncio.to_thread(library.flush)
    return FullTextReport(tuple(updated), unchanged, tuple(failures))
