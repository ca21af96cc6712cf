"""The layout at 40 columns (one pane at a time), at 120 (no gap between the panes with the
sidebar hidden) and with an entity filter on (the panes' top borders stay level)."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from textual.pilot import Pilot
from textual.widget import Widget

from store.annotations import HighlightStore
from store.library import Library
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.reader import ArticleReader


async def started(seeded_library: Library, size: tuple[int, int]) -> AsyncIterator[Pilot[None]]:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot


@pytest.fixture
async def at_40(seeded_library: Library) -> AsyncIterator[Pilot[None]]:
    async for pilot in started(seeded_library, (40, 24)):
        yield pilot


@pytest.fixture
async def at_120(seeded_library: Library) -> AsyncIterator[Pilot[None]]:
    async for pilot in started(seeded_library, (120, 40)):
        yield pilot


def shown(pilot: Pilot[None], selector: str) -> Widget | None:
    """The widget, if it takes up any of the screen."""
    widget = pilot.app.screen.query_one(selector)
    return widget if widget.display and widget.region.area else None


async def test_at_40_columns_one_pane_shows_at_a_time(at_40: Pilot[None]) -> None:
    pilot = at_40
    list_pane = shown(pilot, "#list-pane")
    assert list_pane is not None and list_pane.region.width == 40
    assert shown(pilot, "#reader-pane") is None
    await pilot.press("enter")
    await settle(pilot)
    reader_pane = shown(pilot, "#reader-pane")
    assert reader_pane is not None and reader_pane.region.x == 0
    assert reader_pane.region.width == 40
    assert shown(pilot, "#list-pane") is None
    assert pilot.app.focused is pilot.app.screen.query_one(ArticleReader)
    await pilot.press("escape")
    await settle(pilot)
    assert pilot.app.focused is pilot.app.screen.query_one(ArticleList)
    assert shown(pilot, "#list-pane") is not None and shown(pilot, "#reader-pane") is None


async def test_at_40_columns_the_reader_wraps_between_words(at_40: Pilot[None]) -> None:
    pilot = at_40
    await pilot.press("enter")
    await settle(pilot)
    reader = pilot.app.screen.query_one(ArticleReader)
    assert reader.content_region.width >= 30
    wrapped = reader.wrapped_document
    breaks = 0
    for index in range(reader.document.line_count):
        line = reader.document[index]
        for offset in wrapped.get_offsets(index):
            breaks += 1
            # A row ends at a space, or the next starts after one: never inside a word.
            assert " " in (line[offset - 1], line[offset]), (line[offset - 10 : offset + 10],)
    assert breaks > 10
    # And as shown: every word on screen is a whole word of the article ("Cana" is not).
    words = set(re.findall(r"\w+", reader.text))
    rows = [reader.render_line(y).text for y in range(reader.size.height)]
    cut = [word for row in rows for word in re.findall(r"\w+", row) if word not in words]
    assert not cut


async def test_at_120_columns_without_the_sidebar_the_panes_meet(at_120: Pilot[None]) -> None:
    pilot = at_120
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    assert shown(pilot, "#entity-sidebar") is not None  # open at 120 columns
    await pilot.press("s")
    await settle(pilot)
    assert shown(pilot, "#entity-sidebar") is None
    list_pane = screen.query_one("#list-pane").region
    frame = screen.query_one("#reader-frame").region
    assert frame.x == list_pane.right  # no gap between them
    assert frame.right == 120  # nor after the reader
    assert frame.width <= 80  # the reader's line stays readable


async def test_an_entity_filter_keeps_the_top_borders_level(at_120: Pilot[None]) -> None:
    pilot = at_120
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    await pilot.press("enter")
    await settle(pilot)
    if not screen.sidebar_open:
        await pilot.press("s")
        await settle(pilot)
    sidebar = screen.query_one(EntitySidebar)
    sidebar.focus()
    await pilot.press("down")
    await settle(pilot)
    assert sidebar.current_entity is not None
    await pilot.press("f")  # the articles naming it
    await settle(pilot)
    assert screen.entity_filter is not None
    article_list = screen.query_one(ArticleList)
    assert article_list.region.y == screen.query_one("#reader-frame").region.y
    assert "Esc shows all" in str(article_list.border_subtitle)


async def test_two_panes_leave_the_screen_unmarked_while_reading(at_120: Pilot[None]) -> None:
    # The class that swaps the one pane restyles every widget on the screen when it changes:
    # with two panes it would do nothing but that, on every open.
    pilot = at_120
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.focused is pilot.app.screen.query_one(ArticleReader)
    assert not pilot.app.screen.has_class("-reading")


async def test_narrowing_while_reading_shows_the_reader(at_120: Pilot[None]) -> None:
    pilot = at_120
    await pilot.press("enter")
    await settle(pilot)
    await pilot.resize_terminal(40, 24)
    await settle(pilot)
    assert shown(pilot, "#reader-pane") is not None
    assert shown(pilot, "#list-pane") is None
