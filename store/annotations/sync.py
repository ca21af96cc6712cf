"""Keeping highlights placed when a refresh changes the text of the articles they are in."""

from __future__ import annotations

from store.annotations.highlight_store import HighlightStore, ReanchorReport
from store.library import Library


def highlighted_body_hashes(library: Library, highlights: HighlightStore) -> dict[str, str]:
    """The current body hash of every article that carries a highlight (taken before a
    refresh, to see afterwards which of them changed)."""
    hashes: dict[str, str] = {}
    for highlight in highlights.all():
        article = library.get(highlight.article_id)
        if article is not None:
            hashes[article.id] = article.body_hash
    return hashes


def reanchor_changed(
    library: Library, highlights: HighlightStore, before: dict[str, str]
) -> dict[str, ReanchorReport]:
    """Place again the highlights of every article whose text changed since ``before``."""
    reports: dict[str, ReanchorReport] = {}
    for article_id, old_hash in before.items():
        article = library.get(article_id)
        if article is not None and article.body_hash != old_hash:
            body = library.body(article)
            reports[article_id] = highlights.reanchor_article(article_id, body, article.body_hash)
    return reports
