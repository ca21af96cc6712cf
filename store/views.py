"""Views of the library, as the feeds view lists them: All, Unread, Starred, saved searches,
each folder, each feed, with unread and total counts; and the orders an article list can take.

Headless and pure: given the articles and the feeds, which articles a view holds and how many
of them are unread. The app counts 50,000 articles in one pass (~20 ms). A saved search's
articles are what the search engine found (``members``), asked for by the caller.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from store.feeds import Feed
from store.models import Article


class ViewKind(StrEnum):
    ALL = "all"
    UNREAD = "unread"
    STARRED = "starred"
    FOLDER = "folder"
    FEED = "feed"
    SEARCH = "search"


@dataclass(frozen=True, slots=True)
class View:
    """A set of articles the list can show. ``key`` is a folder's name, a feed's id, or a saved
    search's query (``title`` its name)."""

    kind: ViewKind
    key: str = ""
    title: str = ""

    @property
    def label(self) -> str:
        return self.title or {
            ViewKind.ALL: "All articles",
            ViewKind.UNREAD: "Unread",
            ViewKind.STARRED: "Starred",
        }.get(self.kind, self.key)


ALL = View(ViewKind.ALL)
UNREAD = View(ViewKind.UNREAD)
STARRED = View(ViewKind.STARRED)


@dataclass(frozen=True, slots=True)
class ViewCount:
    view: View
    unread: int
    total: int
    depth: int = 0
    """How far a folder nests ("World/Asia" is 1 deep); feeds sit one deeper than folders."""


class Order(StrEnum):
    NEWEST = "newest"
    OLDEST = "oldest"
    FEED = "feed"

    def next(self) -> Order:
        members = list(Order)
        return members[(members.index(self) + 1) % len(members)]


def in_folder(feed: Feed, folder: str) -> bool:
    """A feed is in a folder if one of its tags is the folder or inside it ("World/Asia" is
    in "World")."""
    return any(tag == folder or tag.startswith(folder + "/") for tag in feed.tags)


def saved_search_view(name: str, query: str) -> View:
    return View(ViewKind.SEARCH, query, name)


def holds(
    view: View,
    article: Article,
    feeds: dict[str, Feed],
    members: Collection[str] = frozenset(),
) -> bool:
    """Whether ``view`` holds ``article``; ``members``: a saved search's articles."""
    if view.kind is ViewKind.ALL:
        return True
    if view.kind is ViewKind.UNREAD:
        return not article.read
    if view.kind is ViewKind.STARRED:
        return article.starred
    if view.kind is ViewKind.FEED:
        return article.feed_id == view.key
    if view.kind is ViewKind.SEARCH:
        return article.id in members
    feed = feeds.get(article.feed_id or "")
    return feed is not None and in_folder(feed, view.key)


def select(
    articles: Iterable[Article],
    view: View,
    feeds: dict[str, Feed],
    *,
    unread_only: bool = False,
    order: Order = Order.NEWEST,
    members: Collection[str] = frozenset(),
) -> list[Article]:
    """The view's articles (unread ones only, if asked) in ``order``. ``articles`` come newest
    first, as the library gives them; ``members`` are a saved search's (see :func:`holds`)."""
    if view.kind is ViewKind.ALL and not unread_only:
        chosen = list(articles)  # every one: no test per article (~8 ms at 50,000 a change)
    else:
        chosen = [a for a in articles
                  if holds(view, a, feeds, members) and not (unread_only and a.read)]  # fmt: skip
    if order is Order.OLDEST:
        chosen.reverse()
    elif order is Order.FEED:
        # By feed title, newest first within a feed (the sort is stable).
        chosen.sort(key=lambda article: _feed_title(article, feeds).casefold())
    return chosen


def _feed_title(article: Article, feeds: dict[str, Feed]) -> str:
    feed = feeds.get(article.feed_id or "")
    return feed.display_title if feed is not None else article.source


def folders_of(feeds: Iterable[Feed]) -> list[str]:
    """Every folder, with the folders that hold nested ones ("World" for "World/Asia")."""
    names: set[str] = set()
    for feed in feeds:
        for tag in feed.tags:
            parts = tag.split("/")
            names.update("/".join(parts[: depth + 1]) for depth in range(len(parts)))
    return sorted(names, key=str.casefold)


def counted_views(
    articles: Sequence[Article],
    feeds: Sequence[Feed],
    searches: Mapping[View, Collection[str]] | None = None,
) -> list[ViewCount]:
    """All, Unread, Starred, the saved searches (``searches``: each one's view and the ids of
    the articles it finds), then each folder with its feeds under it, then the feeds in no
    folder: each with its unread and total counts, from one pass over the articles."""
    unread_by_feed: dict[str, int] = {}
    total_by_feed: dict[str, int] = {}
    unread = starred = starred_unread = 0
    for article in articles:
        key = article.feed_id or ""
        total_by_feed[key] = total_by_feed.get(key, 0) + 1
        if not article.read:
            unread += 1
            unread_by_feed[key] = unread_by_feed.get(key, 0) + 1
        if article.starred:
            starred += 1
            starred_unread += not article.read
    rows = [
        ViewCount(ALL, unread, len(articles)),
        ViewCount(UNREAD, unread, unread),
        ViewCount(STARRED, starred_unread, starred),
    ]
    if searches:
        rows += _search_rows(articles, searches)
    by_title = sorted(feeds, key=lambda feed: (feed.display_title.casefold(), feed.id))
    for folder in folders_of(feeds):
        members = [feed for feed in by_title if in_folder(feed, folder)]
        depth = folder.count("/")
        rows.append(ViewCount(
            View(ViewKind.FOLDER, folder, folder.rsplit("/", 1)[-1]),
            sum(unread_by_feed.get(feed.id, 0) for feed in members),
            sum(total_by_feed.get(feed.id, 0) for feed in members),
            depth,
        ))  # fmt: skip
        rows += [
            _feed_row(feed, unread_by_feed, total_by_feed, depth + 1)
            for feed in members
            if folder in feed.tags
        ]
    rows += [_feed_row(f, unread_by_feed, total_by_feed, 0) for f in by_title if not f.tags]
    return rows


def _feed_row(feed: Feed, unread: dict[str, int], total: dict[str, int], depth: int) -> ViewCount:
    view = View(ViewKind.FEED, feed.id, feed.display_title)
    return ViewCount(view, unread.get(feed.id, 0), total.get(feed.id, 0), depth)


def _search_rows(
    articles: Sequence[Article], searches: Mapping[View, Collection[str]]
) -> list[ViewCount]:
    """A saved search's counts are of the articles still in the library, read as they are now
    (its ids were found a moment ago, by a worker)."""
    read = {article.id: article.read for article in articles}
    rows = []
    for view in sorted(searches, key=lambda view: (view.title.casefold(), view.title)):
        states = [read[key] for key in searches[view] if key in read]
        rows.append(ViewCount(view, states.count(False), len(states)))
    return rows
