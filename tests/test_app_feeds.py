"""The in-app refresh (R) and feeds screen (F), against a real local HTTP server."""

from __future__ import annotations

import pytest

from store.annotations import HighlightStore
from store.feeds import Feed, FeedStore
from store.library import Library
from tests.pilot import settle
from tests.web.server import WebServer
from tui.app import BroadsheetApp
from tui.screens.feeds import FeedsScreen
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.refresh_bar import RefreshBar


@pytest.fixture
def app_with_feeds(seeded_library: Library, web_server: WebServer) -> BroadsheetApp:
    with FeedStore(seeded_library.paths) as feeds:
        feeds.put(Feed.new(web_server.url("/static/rss2.xml")))
        feeds.put(Feed.new(web_server.url("/status/404")))
    return BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))


async def test_r_refreshes_in_a_worker_and_the_list_grows(
    app_with_feeds: BroadsheetApp, seeded_library: Library
) -> None:
    messages: list[object] = []
    async with app_with_feeds.run_test(size=(120, 40), message_hook=messages.append) as pilot:
        await settle(pilot)
        article_list = pilot.app.screen.query_one(ArticleList)
        before = len(article_list.articles)
        await pilot.press("R")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        assert not screen.query_one(RefreshBar).running
        assert len(article_list.articles) > before
        assert len(seeded_library) == len(article_list.articles)
        notices = [n.message for n in pilot.app._notifications]
        assert any(n.title == "Feed failed" for n in pilot.app._notifications)
        assert any("1 feed failed" in message for message in notices)


async def test_f_shows_feeds_with_their_last_error(app_with_feeds: BroadsheetApp) -> None:
    async with app_with_feeds.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await pilot.press("F")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FeedsScreen)
        failed = [feed for feed in screen.feeds if feed.last_error]
        assert len(failed) == 1 and "404" in (failed[0].last_error or "")
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, MainScreen)


async def test_r_without_feeds_says_how_to_add_one(seeded_library: Library) -> None:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        assert any("broadsheet add URL" in n.message for n in pilot.app._notifications)
