"""The lazy migration: bring articles whose entities an older extractor made up to date.

Nothing runs at startup. A front calls :func:`refresh_stale` from a worker (a batch at a time,
newest articles first, so what the user sees first is right first) or :func:`refresh_article`
when an article is opened; each recomputes the mentions sidecar and the sidebar summary.
Summaries are made from the mentions with the user's splits applied
(:meth:`~store.entities.corrections.Corrections.split_mentions`), as ``Library.save`` makes
them; :func:`resplit_articles` makes them again when a split is added.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import replace

from store import entities
from store.entities.correction_store import read_corrections
from store.library import Library
from store.models import ENTITIES_NOT_LOADED, Article, EntitySummary, Mention


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
        return replace(article, entities=summarized(library, mentions, article.title)), mentions
    if is_stale(article):
        article = replace(
            article,
            entities=summarized(library, mentions, article.title),
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


def summarized(library: Library, mentions: list[Mention], title: str) -> tuple[EntitySummary, ...]:
    """The summaries stored for these mentions: made after the user's splits."""
    split = read_corrections(library.paths).split_mentions(mentions)
    return entities.summarize(split, title)


def resplit_articles(library: Library, article_ids: Iterable[str]) -> int:
    """Make again, with the splits now in force, the stored summaries of these articles (the
    ones naming an entity a split was just made from); how many changed. The library is
    flushed."""
    changed = 0
    for article_id in article_ids:
        article = library.get(article_id)
        if article is None or is_stale(article):
            continue  # a stale one is made again when it is next opened, split then
        body = library.read_body(article)
        if body is None:
            continue
        mentions = library.mentions.mentions(article.body_hash, body)
        summaries = summarized(library, mentions, article.title)
        if article.entities is ENTITIES_NOT_LOADED or tuple(article.entities) != summaries:
            library.update(replace(article, entities=summaries))
            changed += 1
    library.flush()
    return changed
