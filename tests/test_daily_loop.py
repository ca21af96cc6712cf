"""The daily loop from the keyboard: the feeds view and its counts, read and star, mark all
read and undo, next unread, unread-only and order, and a cursor that follows its article."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from store.annotations import HighlightStore
from store.feeds import Feed, FeedStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.views import ALL, STARRED, UNREAD, Order, View, ViewKind, counted_views, select
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.feeds_view import FeedsView
from tui.widgets.list_pane import ListPane
from tui.widgets.reader import ArticleReader

WORLD = Feed.new("https://world.example/feed", title="World Wire", tags=("News/World",))
ASIA = Feed.new("https://asia.example/feed", title="Asia Desk", tags=("News/World", "Asia"))
PLAIN = Feed.new("https://plain.example/feed", title="Plain Feed")
FEEDS = (WORLD, ASIA, PLAIN)


def story(number: int, feed: Feed) -> Article:
    return Article(
        id=f"{number:016x}",
        title=f"Story {number} from {feed.title}",
        body_hash="",
        published=f"2026-03-{10 + number:02d}T08:00:00+00:00",
        source=feed.title,
        feed_id=feed.id,
    )


def fill(paths: DataPaths) -> None:
    with FeedStore(paths) as feed_store:
        for feed in FEEDS:
            feed_store.put(feed)
    with Library(paths) as library:
        for number in range(9):
            library.save(story(number, FEEDS[number % 3]), f"Text of story {number}.")


@pytest.fixture
def paths(tmp_path: Path) -> DataPaths:
    paths = DataPaths(tmp_path / "home")
    fill(paths)
    return paths


@pytest.fixture
async def pilot(paths: DataPaths) -> AsyncIterator[Pilot[None]]:
    library = Library(paths, keep_entities=False)
    app = BroadsheetApp(library, HighlightStore(paths, load=False))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        yield pilot
    library.close()


def parts(pilot: Pilot[None]) -> tuple[MainScreen, ListPane, ArticleList]:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen, screen.query_one(ListPane), screen.query_one(ArticleList)


def stored(paths: DataPaths) -> dict[str, Article]:
    with Library(paths, writable=False) as library:
        return {article.id: article for article in library.articles()}


# The views themselves, without the app


def test_views_are_counted_in_one_pass() -> None:
    articles = [story(n, FEEDS[n % 3]) for n in range(9)]
    articles[0] = replace(articles[0], read=True, starred=True)
    rows = {row.view: row for row in counted_views(articles, list(FEEDS))}
    assert (rows[ALL].unread, rows[ALL].total) == (8, 9)
    assert (rows[UNREAD].unread, rows[STARRED].total) == (8, 1)
    news = rows[View(ViewKind.FOLDER, "News", "News")]
    assert (news.unread, news.total, news.depth) == (5, 6, 0)  # World Wire and Asia Desk
    world = rows[View(ViewKind.FOLDER, "News/World", "World")]
    assert (world.total, world.depth) == (6, 1)
    assert rows[View(ViewKind.FEED, PLAIN.id, PLAIN.title)].total == 3
    assert list(rows)[:3] == [ALL, UNREAD, STARRED]


def test_orders_and_unread_only() -> None:
    articles = [story(n, FEEDS[n % 3]) for n in reversed(range(6))]  # newest first
    articles[0] = replace(articles[0], read=True)
    feeds = {feed.id: feed for feed in FEEDS}
    newest = select(articles, ALL, feeds)
    assert [a.id for a in select(articles, ALL, feeds, order=Order.OLDEST)] == [
        a.id for a in reversed(newest)
    ]
    by_feed = select(articles, ALL, feeds, order=Order.FEED)
    assert [a.source for a in by_feed] == sorted(a.source for a in articles)
    assert len(select(articles, ALL, feeds, unread_only=True)) == 5
    assert all(a.feed_id == ASIA.id for a in select(articles, View(ViewKind.FOLDER, "Asia"), feeds))


# In the app


async def test_esc_shows_the_feeds_view_with_counts_and_enter_opens_a_feed(
    pilot: Pilot[None],
) -> None:
    screen, pane, article_list = parts(pilot)
    assert article_list.border_title == "All articles"
    await pilot.press("escape")
    views = screen.query_one(FeedsView)
    assert pane.showing_views and pilot.app.focused is views
    # All, Unread, Starred; folders Asia, News, News/World; Asia Desk under Asia and under
    # News/World (it has both tags), World Wire under News/World, Plain Feed in no folder.
    assert views.option_count == 3 + 3 + 4
    # Down to the plain feed (the last row) and open it.
    await pilot.press("G", "enter")
    await settle(pilot)
    assert not pane.showing_views and pilot.app.focused is article_list
    assert article_list.border_title == "Plain Feed"
    assert {a.feed_id for a in article_list.articles} == {PLAIN.id}
    await pilot.press("backspace")
    assert pane.showing_views and views.highlighted_view == View(
        ViewKind.FEED, PLAIN.id, PLAIN.title
    )


async def test_counts_change_live_as_articles_are_read(
    pilot: Pilot[None], paths: DataPaths
) -> None:
    _screen, pane, article_list = parts(pilot)
    await pilot.press("N")  # the newest article: read
    await settle(pilot)
    first = article_list.articles[0]
    assert first.read and stored(paths)[first.id].read
    await pilot.press("escape")
    rows = {row.view: row for row in counted_views(pane.articles, list(pane.feeds.values()))}
    assert (rows[ALL].unread, rows[ALL].total) == (8, 9)
    await pilot.press("escape")  # back to the list
    await pilot.press("N")  # and unread again
    await settle(pilot)
    assert not stored(paths)[first.id].read


async def test_mark_all_read_in_a_view_and_undo(pilot: Pilot[None], paths: DataPaths) -> None:
    _screen, pane, article_list = parts(pilot)
    pane.view = View(ViewKind.FEED, WORLD.id, WORLD.title)
    await pilot.pause()
    world = {a.id for a in article_list.articles}
    await pilot.press("A")
    await settle(pilot)
    after = stored(paths)
    assert all(after[i].read for i in world)
    assert not any(a.read for i, a in after.items() if i not in world)
    await pilot.press("u")
    await settle(pilot)
    assert not any(a.read for a in stored(paths).values())


async def test_star_from_the_list_and_from_the_reader(pilot: Pilot[None], paths: DataPaths) -> None:
    _screen, pane, article_list = parts(pilot)
    await pilot.press("j")
    target = article_list.current
    assert target is not None
    await pilot.press("asterisk")
    await settle(pilot)
    assert stored(paths)[target.id].starred
    pane.view = STARRED
    await pilot.pause()
    assert [a.id for a in article_list.articles] == [target.id]
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(pilot.app.focused, ArticleReader)
    await pilot.press("asterisk")
    await settle(pilot)
    assert not stored(paths)[target.id].starred


async def test_n_opens_the_next_unread_article(pilot: Pilot[None], paths: DataPaths) -> None:
    screen, _pane, article_list = parts(pilot)
    ids = [a.id for a in article_list.articles]
    await pilot.press("N")  # the first read, so n skips nothing it should not
    await settle(pilot)
    await pilot.press("n")
    await settle(pilot)
    assert screen.current is not None and screen.current.id == ids[1]
    assert stored(paths)[ids[1]].read
    assert isinstance(pilot.app.focused, ArticleReader)


async def test_unread_only_and_order(pilot: Pilot[None]) -> None:
    _screen, pane, article_list = parts(pilot)
    await pilot.press("N")
    await settle(pilot)
    await pilot.press("l")
    assert len(article_list.articles) == 8 and article_list.border_title == "All articles · unread"
    await pilot.press("O")
    assert pane.order is Order.OLDEST
    dates = [a.published for a in article_list.articles]
    assert dates == sorted(dates)  # type: ignore[type-var]


async def test_the_cursor_stays_on_its_article_when_newer_ones_arrive(pilot: Pilot[None]) -> None:
    screen, _pane, article_list = parts(pilot)
    await pilot.press("j", "j", "enter")
    await settle(pilot)
    reading = screen.current
    assert reading is not None
    # A refresh brings three newer articles: they sort above the one being read.
    newer = [story(20 + n, WORLD) for n in range(3)]
    screen.articles = [*newer, *screen.articles]
    await settle(pilot)
    assert article_list.current is not None and article_list.current.id == reading.id
    assert screen.current is not None and screen.current.id == reading.id
    assert article_list.cursor == 5


async def test_the_cursor_stays_on_its_article_when_a_filter_is_cleared(
    pilot: Pilot[None],
) -> None:
    _screen, pane, article_list = parts(pilot)
    pane.view = View(ViewKind.FEED, PLAIN.id, PLAIN.title)
    await pilot.pause()
    await pilot.press("j")
    chosen = article_list.current
    assert chosen is not None
    pane.view = ALL
    await pilot.pause()
    assert article_list.current is not None and article_list.current.id == chosen.id


async def test_an_article_read_in_the_unread_view_stays_until_the_view_is_left(
    pilot: Pilot[None],
) -> None:
    screen, pane, article_list = parts(pilot)
    pane.view = UNREAD
    await pilot.pause()
    await pilot.press("j", "enter")  # read the second unread article
    await settle(pilot)
    reading = screen.current
    assert reading is not None and reading.read
    # Still listed (now read), still under the cursor, still in the reader.
    assert article_list.current is not None and article_list.current.id == reading.id
    assert len(article_list.articles) == 9
    await pilot.press("escape")  # reader → list
    pane.view = ALL
    pane.view = UNREAD  # entered again: only the unread ones
    await settle(pilot)
    assert reading.id not in {a.id for a in article_list.articles}


async def test_the_reader_keeps_its_article_when_the_list_empties(pilot: Pilot[None]) -> None:
    screen, pane, article_list = parts(pilot)
    await pilot.press("enter")
    await settle(pilot)
    reading = screen.current
    assert reading is not None
    pane.view = STARRED  # nothing starred: an empty list
    await settle(pilot)
    assert article_list.articles == []
    assert screen.current is not None and screen.current.id == reading.id
