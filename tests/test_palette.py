"""The highlight colours as a 256-colour terminal shows them (COLORTERM unset, as over SSH).

Textual writes every colour through ``rich.color.Color.downgrade`` to the terminal's colour
system (``textual.strip.Strip.render_ansi``), so this runs the same downsampling over the
styles the app really computes, for each theme the command palette offers: the five colours
must land on five chromatic cells (a grey one reads as no colour at all), none of them the
list's cursor, the footer, the borders or the reader's own background.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from rich.color import Color, ColorSystem
from textual.pilot import Pilot
from textual.widgets import Footer

from store.annotations import COLOURS, HighlightStore
from store.library import Library
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import ArticleReader

THEMES = ["textual-dark", "textual-light"]


def cell(colour: Color | None) -> int:
    """The 256-colour palette number a colour is written as."""
    assert colour is not None
    downgraded = colour.downgrade(ColorSystem.EIGHT_BIT)
    if downgraded.number is None:
        raise AssertionError(f"{colour} has no palette number")
    return downgraded.number


def is_chromatic(number: int) -> bool:
    """A cell of the 6x6x6 cube whose three levels are not all equal (not grey)."""
    if not 16 <= number <= 231:
        return False
    red, green, blue = (number - 16) // 36, (number - 16) // 6 % 6, (number - 16) % 6
    return len({red, green, blue}) > 1


@pytest.fixture
async def pilot(seeded_library: Library) -> AsyncIterator[Pilot[None]]:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        yield pilot


def furniture(pilot: Pilot[None]) -> dict[str, int]:
    """The cells the highlights must not be mistaken for."""
    screen = pilot.app.screen
    article_list = screen.query_one(ArticleList)
    reader = screen.query_one(ArticleReader)
    footer = screen.query_one(Footer)
    focused_cursor = article_list.get_component_rich_style("article-list--cursor")
    cells = {
        "focused list cursor": cell(focused_cursor.bgcolor),
        "footer": cell(footer.rich_style.bgcolor),
        "focused list border": cell(article_list.styles.border_top[1].rich_color),
        "reader background": cell(reader.rich_style.bgcolor),
    }
    return cells


@pytest.mark.parametrize("theme", THEMES)
async def test_highlight_colours_are_distinct_in_256_colours(
    pilot: Pilot[None], theme: str
) -> None:
    pilot.app.theme = theme
    await settle(pilot)
    screen = pilot.app.screen
    article_list = screen.query_one(ArticleList)
    article_list.focus()
    await settle(pilot)
    others = furniture(pilot)
    await pilot.press("enter")
    await settle(pilot)
    reader = screen.query_one(ArticleReader)
    others["unfocused list cursor"] = cell(
        article_list.get_component_rich_style("article-list--cursor").bgcolor
    )
    others["unfocused list border"] = cell(article_list.styles.border_top[1].rich_color)
    highlights = {
        colour: cell(reader.get_component_rich_style(f"reader--highlight-{colour}").bgcolor)
        for colour in COLOURS
    }
    assert len(set(highlights.values())) == len(COLOURS), highlights
    greys = [colour for colour, number in highlights.items() if not is_chromatic(number)]
    assert not greys, f"shown as grey: {greys} ({highlights})"
    clashes = {
        colour: [name for name, number in others.items() if number == highlights[colour]]
        for colour in COLOURS
    }
    assert not any(clashes.values()), (clashes, highlights, others)
