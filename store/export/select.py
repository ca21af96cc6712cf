"""Choosing which highlights to export, and gathering what each article's export says about it.

Filters: an article (id or URL), a tag, an entity (an ``EntitySummary.key`` of the article,
matched ignoring case), a date range on when the highlight was made (``since``/``until``,
inclusive, UTC days), and a text query (every word in the quote, note, tags or headline).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from store.annotations.highlight_store import matches_query
from store.annotations.model import (
    Highlight,
    InvalidHighlightError,
    highlight_from_record,
    merge_tags,
    parse_timestamp,
)
from store.models import Article
from store.text import clean_inline
from store.urls import safe_url


@dataclass(frozen=True, slots=True)
class HighlightFilter:
    article: str | None = None
    tag: str | None = None
    entity: str | None = None
    since: date | None = None
    until: date | None = None
    query: str | None = None


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What an export says about an article: the library's record if it still has one, else
    the copies kept on the highlights. Every field is cleaned for use in a document, and the
    URL is kept only if it is http(s)."""

    id: str
    title: str
    url: str | None
    source: str
    author: str | None
    published: str | None
    in_library: bool = True
    """False when the library has no such article (it was deleted, or the highlights were
    imported from another home): what is said of it comes from the highlights' copies."""


@dataclass(frozen=True, slots=True)
class SkippedHighlight:
    """A highlight an export leaves out, because it is not sound, and why."""

    id: str
    reason: str

    def __str__(self) -> str:
        return f"highlight {self.id} is left out of the export: {self.reason}"


def parse_day(text: str) -> date:
    """A day from "2025-01-31" or a full ISO 8601 timestamp (its UTC day)."""
    cleaned = text.strip()
    try:
        return date.fromisoformat(cleaned)
    except ValueError:
        return parse_timestamp(cleaned).date()


def split_exportable(
    highlights: Iterable[Highlight],
) -> tuple[list[Highlight], list[SkippedHighlight]]:
    """The highlights every export format can write, and the others with the reason: one
    unsound highlight (a date that is not one, an offset out of range) costs only itself.
    The store sets aside records it cannot read; this is for highlights that came another
    way, checked by the same rules."""
    sound: list[Highlight] = []
    skipped: list[SkippedHighlight] = []
    for highlight in highlights:
        try:
            highlight_from_record(highlight.to_dict())
        except InvalidHighlightError as problem:
            skipped.append(SkippedHighlight(clean_inline(str(highlight.id)), str(problem)))
        else:
            sound.append(highlight)
    return sound, skipped


def select_highlights(
    highlights: Iterable[Highlight],
    articles: Mapping[str, Article],
    chosen: HighlightFilter,
) -> list[Highlight]:
    wanted_tags = set(merge_tags([chosen.tag])) if chosen.tag else set()
    entity = chosen.entity.casefold() if chosen.entity else None
    selected: list[Highlight] = []
    for highlight in highlights:
        article = articles.get(highlight.article_id)
        if chosen.article and chosen.article not in (highlight.article_id, highlight.article_url):
            continue
        if wanted_tags and not wanted_tags <= set(highlight.tags):
            continue
        if entity is not None and (
            article is None or all(summary.key.casefold() != entity for summary in article.entities)
        ):
            continue
        day = parse_day(highlight.created)
        if chosen.since and day < chosen.since:
            continue
        if chosen.until and day > chosen.until:
            continue
        if chosen.query and not matches_query(highlight, chosen.query):
            continue
        selected.append(highlight)
    return selected


def article_info(highlight: Highlight, articles: Mapping[str, Article]) -> ArticleInfo:
    article = articles.get(highlight.article_id)
    if article is None:
        return ArticleInfo(
            id=highlight.article_id,
            title=clean_inline(highlight.article_title),
            url=safe_url(highlight.article_url),
            source="",
            author=None,
            published=None,
            in_library=False,
        )
    return ArticleInfo(
        id=article.id,
        title=clean_inline(article.title),
        url=safe_url(article.url),
        source=clean_inline(article.source),
        author=clean_inline(article.author) if article.author else None,
        published=clean_inline(article.published) if article.published else None,
    )


def group_by_article(
    highlights: Iterable[Highlight], articles: Mapping[str, Article]
) -> list[tuple[ArticleInfo, list[Highlight]]]:
    """Highlights grouped by article, articles by headline, highlights in reading order.

    The order depends only on the highlights and articles given, so exports are reproducible.
    """
    groups: dict[str, list[Highlight]] = {}
    for highlight in highlights:
        groups.setdefault(highlight.article_id, []).append(highlight)
    result = [
        (article_info(group[0], articles), sorted(group, key=lambda h: h.reading_order))
        for group in groups.values()
    ]
    result.sort(key=lambda item: (item[0].title.casefold(), item[0].title, item[0].id))
    return result


def in_export_order(
    highlights: Iterable[Highlight], articles: Mapping[str, Article]
) -> list[tuple[ArticleInfo, Highlight]]:
    return [
        (info, highlight)
        for info, group in group_by_article(highlights, articles)
        for highlight in group
    ]


def is_orphan(highlight: Highlight, articles: Mapping[str, Article]) -> bool:
    """Whether ``highlight`` is an orphan here: not placed in its article's text, or of an
    article the library does not hold."""
    return highlight.orphaned or highlight.article_id not in articles


def exported_time(highlights: Iterable[Highlight]) -> str | None:
    """The "exported" stamp: the latest modification among the highlights, not the clock, so
    exporting the same highlights twice gives byte-identical files."""
    return max((highlight.modified for highlight in highlights), default=None)
