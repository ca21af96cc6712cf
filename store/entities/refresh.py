"""The lazy migration: bring articles whose entities an older extractor made up to date.

Nothing runs at startup. A front calls :func:`refresh_stale` from a worker (a batch at a time,
newest articles first, so what the user sees first is right first) or :func:`refresh_article`
when an article is opened; each recomputes the mentions sidecar and the sidebar summary.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

from store import entities
from store.library import Library
from store.models import ENTITIES_NOT_LOADED, Article, Mention


def is_stale(article: Article) -> bool:
    """Made by another extractor version, or by another backend."""
    return article.entities_version != entities.stored_version()


def refresh_article(library: Library, article: Article) -> tuple[Article, list[Mention]]:
    """The article's current mentions, and the article with a current summary (saved if it
    changed and the library is writable). An article read without its summary
    (``ENTITIES_NOT_LOADED``) gets it made from the mentions: the same as the stored one."""
    body = library.body(article)
    mentions = library.mentions.mentions(article.body_hash, body)
    if not is_stale(article) and article.entities is ENTITIES_NOT_LOADED:
        return replace(article, entities=entities.summarize(mentions, article.title)), mentions
    if is_stale(article):
        article = replace(
            article,
            entities=entities.summarize(mentions, article.title),
            entities_version=entities.stored_version(),
        )
        if library.writable:
            library.update(article)
    return article, mentions


def refresh_stale(library: Library, batch: int = 200) -> Iterator[list[Article]]:
    """Refresh stale articles a batch at a time, yielding each batch once it is done, so a
    worker can flush, report progress, or stop between batches."""
    done: list[Article] = []
    for article in library.articles():
        if is_stale(article):
            done.append(refresh_article(library, article)[0])
            if len(done) >= batch:
                yield done
                done = []
    if done:
        yield done
