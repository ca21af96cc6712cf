"""Feed entries and extracted pages to stored articles: ids, deduplication, the canonical body.

An entry is the same article as one already stored when it has the same GUID; failing a GUID,
the same link; failing both, the same content. A match keeps its article id, so a re-fetch
never duplicates and an edited entry updates in place (read state and highlights kept).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from store.feeds import Feed, normalise_feed_url
from store.ingest.feeds import FeedEntry, ParsedFeed
from store.ingest.pages import ExtractedArticle
from store.library import Library, SaveOutcome
from store.models import Article
from store.structure import TextStructure
from store.text import clean_inline, content_hash, split_paragraphs

# Seed articles use 16 bare hex characters; these prefixes keep the id spaces apart.
FEED_ARTICLE_PREFIX = "fd-"
WEB_ARTICLE_PREFIX = "web-"
DERIVED_TITLE_WORDS = 12
STANDFIRST_CHARACTERS = 300


def _short_digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()[:16]


def feed_article_id(feed_id: str, kind: str, key: str) -> str:
    return f"{FEED_ARTICLE_PREFIX}{_short_digest(feed_id, kind, key)}"


def web_article_id(url: str) -> str:
    return f"{WEB_ARTICLE_PREFIX}{_short_digest(normalise_feed_url(url))}"


def derived_title(body: str) -> str:
    words = body.split()
    title = " ".join(words[:DERIVED_TITLE_WORDS])
    return title + ("…" if len(words) > DERIVED_TITLE_WORDS else "")


@dataclass
class FeedArticleIndex:
    """A feed's stored articles by GUID, by link and by content key, for deduplication."""

    by_guid: dict[str, Article] = field(default_factory=dict)
    by_link: dict[str, Article] = field(default_factory=dict)
    by_id: dict[str, Article] = field(default_factory=dict)

    def add(self, article: Article) -> None:
        self.by_id[article.id] = article
        if article.guid:
            self.by_guid.setdefault(article.guid, article)
        if article.url:
            self.by_link.setdefault(article.url, article)

    def match(self, entry: FeedEntry, content_id: str) -> Article | None:
        if entry.id:
            found = self.by_guid.get(entry.id)
            if found is not None:
                return found
            # A feed that starts giving GUIDs: its old guid-less entries match by link.
            by_link = self.by_link.get(entry.link) if entry.link else None
            return by_link if by_link is not None and not by_link.guid else None
        if entry.link:
            return self.by_link.get(entry.link)
        return self.by_id.get(content_id)


def index_by_feed(articles: Iterable[Article]) -> dict[str, FeedArticleIndex]:
    indexes: dict[str, FeedArticleIndex] = {}
    for article in articles:
        if article.feed_id:
            indexes.setdefault(article.feed_id, FeedArticleIndex()).add(article)
    return indexes


@dataclass(frozen=True, slots=True)
class PlannedEntry:
    """An entry ready to save: its id, whether it is stored already, and its feed text.

    It carries only what saving needs, not the entry's HTML: a command-line refresh makes it
    in a worker process, and sending the HTML back doubled what the refresh's main process
    unpickled."""

    article_id: str
    existing: Article | None
    text: str
    """The body the feed gave, as canonical text."""
    structure: TextStructure | None
    """The body's blocks and links; None when they are paragraphs only (nothing to store)."""
    title: str
    link: str | None
    guid: str | None
    author: str | None
    published: str | None
    summary_text: str
    """The feed's summary as one line, where the entry gave its content besides (a
    standfirst, unless the body says the same); otherwise empty."""


def plan_entries(feed: Feed, parsed: ParsedFeed, index: FeedArticleIndex) -> list[PlannedEntry]:
    """Match a parsed feed's entries to stored articles; duplicates within the feed collapse."""
    planned: list[PlannedEntry] = []
    seen_ids: set[str] = set()
    for entry in parsed.entries:
        body = entry.body()
        if entry.id:
            kind, key = "guid", entry.id
        elif entry.link:
            kind, key = "link", entry.link
        else:
            kind, key = "content", content_hash(entry.title + "\n" + body.text)
        content_id = feed_article_id(feed.id, kind, key)
        existing = index.match(entry, content_id)
        article_id = existing.id if existing is not None else content_id
        if article_id in seen_ids:
            continue
        seen_ids.add(article_id)
        structure = None if body.structure.is_plain else body.structure
        planned.append(
            PlannedEntry(
                article_id=article_id,
                existing=existing,
                text=body.text,
                structure=structure,
                title=entry.title,
                link=entry.link,
                guid=entry.id,
                author=entry.author,
                published=entry.published,
                summary_text=entry.summary_text() if entry.content and entry.summary else "",
            )
        )
    return planned


def save_entries(
    library: Library,
    feed: Feed,
    feed_title: str,
    planned: Sequence[PlannedEntry],
    pages: Mapping[str, tuple[ExtractedArticle, str]],
) -> list[tuple[Article, SaveOutcome]]:
    """Store a feed's planned entries, their bodies in one transaction; ``pages`` holds the
    full text extracted for an entry (and the page's URL), by article id, where one was
    fetched. Entity summaries are left to be made after the refresh
    (:mod:`store.entities.pending`)."""
    items = [
        entry_article(library, feed, feed_title, item, *pages.get(item.article_id, (None, None)))
        for item in planned
    ]
    return library.save_many(items, entities_later=True)


def entry_article(
    library: Library,
    feed: Feed,
    feed_title: str,
    planned: PlannedEntry,
    page: ExtractedArticle | None = None,
    page_url: str | None = None,
) -> tuple[Article, str, TextStructure | None]:
    """The article, body and structure to store for one planned entry; ``page`` is its
    extracted full text, when one was fetched."""
    structure = planned.structure
    kept = None
    if page is None and feed.full_text and planned.existing is not None:
        kept = library.read_body(planned.existing)
    if page is not None:
        body, structure = page.text, page.structure
    elif kept is not None:
        # The full text was extracted on an earlier refresh; the feed's summary is no better.
        # (Unless that text went missing: then the feed's own is better than none.)
        body, structure = kept, None
    else:
        body = planned.text
    title = clean_inline(planned.title or (page.headline if page else ""))
    standfirst = shown_once(planned.summary_text, body)[:STANDFIRST_CHARACTERS]
    article = Article(
        id=planned.article_id,
        title=title or derived_title(body),
        title_derived=not title,
        body_hash="",
        source=feed_title,
        url=planned.link,
        author=planned.author or (page.byline if page else None),
        published=planned.published or (page.published if page else None),
        standfirst=standfirst,
        feed_id=feed.id,
        guid=planned.guid,
        origin=page_url or feed.url,
    )
    return article, body, structure


def shown_once(standfirst: str, body: str) -> str:
    """The standfirst, unless the body's first paragraph says it already (the whole of it, or
    it cut short, as feeds cut summaries: "…", "[…]", "Continue reading")."""
    paragraphs = split_paragraphs(body)
    if not standfirst or not paragraphs:
        return standfirst
    said = _comparable(_CUT_SHORT.sub("", standfirst))
    return "" if said and _comparable(paragraphs[0]).startswith(said) else standfirst


_CUT_SHORT = re.compile(
    r"\s*(?:\[(?:…|\.\.\.)\]|…|\.\.\.)\s*$|\s*(?:continue reading|read more)\W*$", re.IGNORECASE
)


def _comparable(text: str) -> str:
    return " ".join(text.split()).rstrip(" .!?…").casefold()


def save_page(library: Library, url: str, page: ExtractedArticle) -> tuple[Article, SaveOutcome]:
    """Store a page fetched on its own (read-it-later), keyed by its URL."""
    article = Article(
        id=web_article_id(url),
        title=page.headline or derived_title(page.text),
        title_derived=not page.headline,
        body_hash="",
        source=page.site_name,
        url=url,
        author=page.byline,
        published=page.published,
        origin=url,
    )
    return library.save(article, page.text, structure=page.structure)
