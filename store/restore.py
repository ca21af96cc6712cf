"""Bringing back what damage took: an article's missing text, the articles of highlights.

- A text can go missing from ``bodies.sqlite`` (a database set aside as damaged, a row that
  no longer matches its hash). :func:`fetch_missing_text` fetches it again where it came
  from: the article's feed (fetched whole, without the conditional GET that would answer
  "not modified"), else the page at its link. Meanwhile its highlights are left as they are,
  never placed on an empty text (:func:`text_is_missing` tells the fronts).
- A damaged metadata shard is rebuilt from the copy in ``bodies.sqlite``; an article that
  copy did not hold but that a highlight names is rebuilt from the highlight
  (:func:`restore_highlighted_articles`): its headline, link and text are in the highlight
  and the body store.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from store.annotations import HighlightStore
from store.annotations.model import ORPHAN_ARTICLE_DELETED
from store.feeds import FeedStore
from store.library import Library
from store.models import Article


def text_is_missing(library: Library, article: Article) -> bool:
    return library.read_body(article) is None


def missing_text_advice(article: Article) -> str:
    """What a user can do about a missing text, for a front that will not fetch it itself."""
    if article.feed_id:
        return "run `broadsheet refresh` to fetch it again from its feed"
    if article.url:
        return f"run `broadsheet add --article {article.url}` to fetch it again"
    if article.origin:
        return f"import {article.origin} again"
    return "there is nowhere to fetch it from"


@dataclass(frozen=True, slots=True)
class TextFetched:
    """What :func:`fetch_missing_text` did: the article as now stored (None when it is
    gone), and, when its text is still missing, why."""

    article: Article | None
    problem: str | None = None


def fetch_missing_text(library: Library, article: Article) -> TextFetched:
    """Fetch an article's missing text again (blocking: call it from a worker thread, never
    from a running event loop). Its feed first, where the same text is most likely to be;
    then the page at its link."""
    # Imported here: the fetchers bring httpx and the feed parsers, which a front that
    # only reads never needs.
    from store.ingest.full_text import fetch_full_text
    from store.ingest.refresh import refresh_feeds

    problems: list[str] = []
    if article.feed_id:
        with FeedStore(library.paths) as feed_store:
            feed = feed_store.get(article.feed_id)
            if feed is not None:
                # Without the validators: "not modified" would bring nothing back.
                report = refresh_feeds(
                    library, feed_store, feeds=[replace(feed, etag=None, last_modified=None)]
                )
                problems += [result.error for result in report.failures if result.error]
        current = library.get(article.id)
        if current is None or library.read_body(current) is not None:
            return TextFetched(current)
        if not problems:
            problems.append("its feed no longer carries it")
        article = current
    if article.url:
        full_text = fetch_full_text(library, [article])
        problems += [why for _, why in full_text.failures]
        current = library.get(article.id)
        if current is None or library.read_body(current) is not None:
            return TextFetched(current)
    elif not article.feed_id:
        problems.append("it has no link to fetch it from")
    return TextFetched(library.get(article.id), "; ".join(problems) or "it could not be had")


def restore_highlighted_articles(library: Library, highlights: HighlightStore) -> list[Article]:
    """Put back the articles highlights name that the library lost (with a damaged shard),
    rebuilt from the highlights themselves, where their text is still stored. An article the
    user deleted stays deleted. The articles put back (flushed)."""
    restored: dict[str, Article] = {}
    for highlight in highlights.all():
        if highlight.article_id in restored or library.get(highlight.article_id) is not None:
            continue
        if highlight.orphan_reason == ORPHAN_ARTICLE_DELETED:
            continue
        body = library.bodies.read(highlight.body_hash)
        if body is None:
            continue
        article = Article(
            id=highlight.article_id,
            title=highlight.article_title,
            body_hash="",
            url=highlight.article_url,
            origin=highlight.article_url,
        )
        restored[article.id], _ = library.save(article, body)
    if restored:
        library.flush()
    return list(restored.values())
