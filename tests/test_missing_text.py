"""A text missing from the store is said, fetched again where it came from, and its
highlights wait for it untouched (issue 13, bug 8)."""

from __future__ import annotations

import sqlite3

import pytest

from store.annotations import HighlightStore
from store.feeds import FeedStore
from store.ingest.subscriptions import add_feed
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.restore import fetch_missing_text
from tests.pilot import settle, wait_until
from tests.web.server import WebServer
from tui.app import BroadsheetApp
from tui.cli import main
from tui.screens.main import MainScreen
from tui.widgets.reader import ArticleReader

FERRY = "Ferry timetable changes from Monday"


def lose_text(paths: DataPaths, article: Article) -> None:
    with sqlite3.connect(paths.bodies_db) as connection:
        connection.execute("DELETE FROM body WHERE hash = ?", (article.body_hash,))


@pytest.fixture
def ferry(paths: DataPaths, web_server: WebServer) -> tuple[Article, str]:
    """The fixture site's RSS feed followed, a highlight made in its ferry story, and then
    that story's text lost. The story and its text as they were."""
    with Library(paths) as library, FeedStore(paths) as feeds:
        add_feed(library, feeds, web_server.url("/static/rss2.xml"))
        [ferry] = [article for article in library.articles() if article.title == FERRY]
        text = library.body(ferry)
    with HighlightStore(paths) as highlights:
        highlights.add(ferry, text, 0, 40, note="early boat")
    lose_text(paths, ferry)
    return ferry, text


def test_show_says_a_text_is_missing_and_what_to_do(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    with Library(paths) as library:
        saved, _ = library.save(
            Article(id="page-1", title="A saved page", body_hash="", url="https://e.org/p"),
            "The text of a page the user saved.",
        )
    lose_text(paths, saved)
    for command in (["show", "page-1"], ["show", "page-1", "--json"], ["entities", "page-1"]):
        assert main(command) == 1, command
        captured = capsys.readouterr()
        assert captured.out == ""
        assert "text of 'A saved page' (page-1) is missing" in captured.err
        assert "broadsheet add --article https://e.org/p" in captured.err


def test_a_missing_text_is_fetched_again_from_its_feed(
    paths: DataPaths, ferry: tuple[Article, str]
) -> None:
    ferry, text = ferry
    with Library(paths) as library:
        # The feed answers "not modified" to a conditional request: it must not be one.
        fetched = fetch_missing_text(library, ferry)
        assert fetched.problem is None and fetched.article is not None
        assert library.read_body(fetched.article) == text


async def test_the_app_says_a_text_is_missing_keeps_its_highlights_and_fetches_it(
    paths: DataPaths, ferry: tuple[Article, str]
) -> None:
    ferry, text = ferry
    with Library(paths, keep_entities=False) as library, HighlightStore(paths) as highlights:
        [before] = highlights.for_article(ferry.id)
        app = BroadsheetApp(library, highlights)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            reader = screen.query_one(ArticleReader)
            screen.show_article(ferry)
            await wait_until(pilot, lambda: reader.body == text)
            assert reader.highlights and reader.highlights[0].id == before.id
        [after] = highlights.for_article(ferry.id)
        assert after == before  # never placed on an empty text, never orphaned


async def test_the_reader_lists_the_highlights_waiting_for_a_text_it_cannot_fetch(
    paths: DataPaths,
) -> None:
    with Library(paths) as library:
        saved, _ = library.save(
            Article(id="file-1", title="An imported file", body_hash="", origin="/notes/a.md"),
            "Notes the user imported from a file of theirs.",
        )
    with HighlightStore(paths) as highlights:
        highlights.add(saved, "Notes the user imported from a file of theirs.", 10, 25)
    lose_text(paths, saved)
    with Library(paths, keep_entities=False) as library, HighlightStore(paths) as highlights:
        app = BroadsheetApp(library, highlights)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            screen.show_article(saved)
            await settle(pilot)
            reader = screen.query_one(ArticleReader)
            assert "text of this article is missing" in reader.text
            assert "import /notes/a.md again" in reader.text
            assert "Its highlight is kept" in reader.text and "“user imported f”" in reader.text
            reader.focus()
            await pilot.press("h")  # there is no text to highlight: nothing is written
            await settle(pilot)
        assert len(highlights.for_article(saved.id)) == 1
        assert not highlights.for_article(saved.id)[0].orphaned
