"""The in-app refresh (R) and feeds screen (F), against a real local HTTP server."""

from __future__ import annotations

from pathlib import Path

import pytest

import tui.screens.main
from store.annotations import HighlightStore
from store.entities.refresh import is_stale
from store.feeds import Feed, FeedStore
from store.library import Library
from tests.pilot import settle
from tests.web.plugin import FixtureSite
from tests.web.server import Response, WebServer
from tui.app import BroadsheetApp
from tui.screens.feeds import FeedsScreen
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import ArticleReader
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
        assert [m for m in notices if "1 feed failed" in m and "404" in m]
        assert not [n for n in pilot.app._notifications if n.title == "Feed failed"]


async def test_after_a_refresh_the_entities_of_new_articles_are_made_in_the_background(
    app_with_feeds: BroadsheetApp, seeded_library: Library
) -> None:
    async with app_with_feeds.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        await settle(pilot)  # the pass the refresh started, after its catalog catch-up
        ferry = seeded_library.find("guid", "harbour-2024-0001")
        assert ferry is not None and not is_stale(ferry)
        assert not any(is_stale(article) for article in seeded_library)
        assert not seeded_library.paths.entities_pending.exists()
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        assert "Ines Calder" in screen.library.catalog.resolve("Ines Calder")


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
        assert any("add one with F then a" in n.message for n in pilot.app._notifications)


async def test_many_failing_feeds_are_one_notification(
    seeded_library: Library, web_server: WebServer
) -> None:
    with FeedStore(seeded_library.paths) as feeds:
        for number in range(6):
            feeds.put(Feed.new(web_server.url(f"/status/404?feed={number}")))
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        before = len(pilot.app._notifications)
        await pilot.press("R")
        await settle(pilot)
        said = list(pilot.app._notifications)[before:]
        assert len(said) == 1 and "6 feeds failed" in said[0].message
        assert "and 5 more" in said[0].message


async def test_feeds_are_managed_from_the_feeds_screen(
    seeded_library: Library, web_server: WebServer
) -> None:
    url = web_server.url("/static/rss2.xml")
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("F", "a")
        await pilot.press(*url, "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, FeedsScreen)
        assert [feed.url for feed in screen.feeds] == [url]
        feed = screen.feeds[0]
        arrived = [a for a in seeded_library.articles() if a.feed_id == feed.id]
        assert arrived
        # Rename, set folders, full text on: each on disk.
        await pilot.press("r", *("ctrl+u",), *"Wire", "enter")
        await settle(pilot)
        await pilot.press("t", *"News/World, Daily", "enter")
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        with FeedStore(seeded_library.paths) as feeds:
            stored = feeds.get(feed.id)
        assert stored is not None
        assert (stored.title, stored.tags, stored.full_text) == (
            "Wire",
            ("News/World", "Daily"),
            True,
        )
        # Enter shows the feed's articles in the list.
        await pilot.press("enter")
        await settle(pilot)
        article_list = pilot.app.screen.query_one(ArticleList)
        assert {a.feed_id for a in article_list.articles} == {feed.id}
        assert article_list.border_title == "Wire"
        # Removing keeps a starred article.
        kept = arrived[0]
        seeded_library.set_starred(kept.id)
        await pilot.press("F", "d", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, FeedsScreen) and pilot.app.screen.feeds == []
        left = [a.id for a in seeded_library.articles() if a.feed_id == feed.id]
        assert left == [kept.id]


async def test_opml_import_and_export_from_the_palette(
    seeded_library: Library, tmp_path: Path
) -> None:
    source = tmp_path / "subscriptions.opml"
    source.write_text(
        '<?xml version="1.0"?><opml version="2.0"><body><outline text="News">'
        '<outline type="rss" text="Wire" xmlUrl="https://wire.example/feed.xml"/>'
        "</outline></body></opml>"
    )
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.import_opml(str(source))
        await settle(pilot)
        with FeedStore(seeded_library.paths) as feeds:
            followed = feeds.all()
        assert [(f.url, f.tags) for f in followed] == [("https://wire.example/feed.xml", ("News",))]
        screen.export_opml()
        await settle(pilot)
        written = seeded_library.paths.exports_dir / "broadsheet-feeds.opml"
        assert b"https://wire.example/feed.xml" in written.read_bytes()
        # A FIFO or a device is refused, not read for ever.
        screen.import_opml("/dev/zero")
        await settle(pilot)
        assert any("not a regular file" in n.message for n in pilot.app._notifications)


async def test_the_refresh_timer_brings_articles_without_moving_the_reader(
    seeded_library: Library, web_server: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A minute of the refresh timer lasts a twentieth of a second here.
    monkeypatch.setattr(tui.screens.main, "SECONDS_PER_MINUTE", 0.05)
    with FeedStore(seeded_library.paths) as feeds:
        feeds.put(Feed.new(web_server.url("/static/rss2.xml?timed")))
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        article_list = screen.query_one(ArticleList)
        reading = article_list.current
        assert reading is not None and len(article_list.articles) == 1
        assert not timed_hits(web_server)  # no timer without the setting
        # The setting, as settings.toml gives it when the app starts.
        seeded_library.paths.settings_file.write_text("refresh_interval = 1\n")
        screen.apply_settings()
        # Until the timer's refresh has happened: no fixed sleep.
        for _ in range(500):
            if len(article_list.articles) > 1 and not screen.query_one(RefreshBar).running:
                break
            await pilot.pause(0.01)
        await settle(pilot)
        assert len(article_list.articles) > 1 and timed_hits(web_server)
        assert article_list.current is not None and article_list.current.id == reading.id
        assert screen.current is not None and screen.current.id == reading.id
        # A timed refresh that brings nothing says nothing.
        said = [n.message for n in pilot.app._notifications if n.title == "Refreshed"]
        assert len(said) <= 1


def timed_hits(web_server: WebServer) -> list[object]:
    return [r for r in list(web_server.requests) if r.target == "/static/rss2.xml?timed"]


async def test_t_fetches_the_full_text_and_f_fetches_a_feeds_stored_articles(
    seeded_library: Library, web_server: WebServer, site: FixtureSite
) -> None:
    page = web_server.url("/static/article.html")
    document = (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Teasers</title>'
        + b"".join(
            f"<item><title>Sea wall {n}</title><guid>wall-{n}</guid><link>{page}?n={n}</link>"
            f"<pubDate>Tue, 1{n} Mar 2026 08:00:00 +0000</pubDate>"
            f"<description>A teaser {n}.</description></item>".encode()
            for n in range(3)
        )
        + b"</channel></rss>"
    )
    site.overrides["/teasers-app.xml"] = Response(
        200, document, {"Content-Type": "application/rss+xml"}
    )
    with FeedStore(seeded_library.paths) as feeds:
        feeds.put(Feed.new(web_server.url("/teasers-app.xml")))
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("R")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        article_list = screen.query_one(ArticleList)
        await pilot.press("j")  # past the seed (undated: it sorts by when it was added)
        await settle(pilot)
        assert article_list.current is not None and article_list.current.title == "Sea wall 2"
        await pilot.press("t")
        await settle(pilot)
        reader = screen.query_one(ArticleReader)
        assert "The harbour council voted on Tuesday evening" in reader.text
        # Full text on for the feed: its other stored articles get theirs too.
        await pilot.press("F", "f")
        await settle(pilot)
        teasers = [a for a in seeded_library.articles() if a.title.startswith("Sea wall")]
        assert len(teasers) == 3
        assert all("harbour council" in seeded_library.body(a) for a in teasers)
