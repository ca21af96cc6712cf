"""The selection keys in the reader (v, e, the end of a selection) and the highlights screen's
keys (x, u, a), checked against what is stored on disk."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList

from store.annotations import HighlightStore
from store.library import Library
from tests.pilot import settle
from tui import motions
from tui.app import BroadsheetApp
from tui.screens.highlights import HighlightsScreen, quoted
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.widgets.reader import ArticleReader

LEAD = "Japanese Prime Minister Sanae Takaichi held"


def stored(library: Library) -> HighlightStore:
    return HighlightStore(library.paths)


@pytest.fixture
async def pilot(seeded_library: Library) -> AsyncIterator[Pilot[None]]:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        yield pilot


def reader_of(pilot: Pilot[None]) -> ArticleReader:
    return pilot.app.screen.query_one(ArticleReader)


def test_e_goes_to_the_end_of_the_word() -> None:
    text = "Mark Carney said."
    assert motions.word_end(text, 0) == 3  # k
    assert motions.word_end(text, 3) == 10  # y: from a word's end, the next word's
    assert motions.word_end(text, 4) == 10
    assert motions.word_end(text, 10) == 15  # d
    assert motions.word_end(text, 15) == 16  # the full stop is a word of its own
    assert motions.word_end(text, 16) == 16


async def test_v_e_e_h_takes_the_name_up_to_its_last_letter(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    reader = reader_of(pilot)
    await pilot.press("w", "w", "w", "v", "e", "e")
    assert reader.body[reader.cursor_offset] == "i"  # the last letter of Takaichi
    await pilot.press("h")
    await settle(pilot)
    (highlight,) = stored(seeded_library).all()
    assert highlight.exact == "Sanae Takaichi"


async def test_selection_mode_is_said_in_the_border_title(pilot: Pilot[None]) -> None:
    reader = reader_of(pilot)
    assert "Selecting" not in str(reader.border_title or "")
    await pilot.press("v")
    assert "Selecting" in str(reader.border_title)
    await pilot.press("escape")
    assert not reader.selecting
    assert "Selecting" not in str(reader.border_title or "")


async def open_highlights(pilot: Pilot[None]) -> HighlightsScreen:
    await pilot.press("escape", "H")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HighlightsScreen)
    await pilot.press("down")  # from the filter to the list
    return screen


async def test_highlights_screen_x_deletes_and_u_undoes(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press("h", "}", "}", "h")
    await settle(pilot)
    screen = await open_highlights(pilot)
    assert len(screen.shown) == 2
    doomed = screen.shown[0]
    await pilot.press("x")
    await settle(pilot)
    assert [h.id for h in stored(seeded_library).all()] == [screen.shown[0].id]
    assert doomed.id not in {h.id for h in screen.shown}
    assert "1 of 1 highlights" in str(screen.query_one("#highlights-count").render())
    await pilot.press("u")
    await settle(pilot)
    assert len(stored(seeded_library)) == 2
    assert len(screen.shown) == 2
    await pilot.press("x", "escape")
    await settle(pilot)
    # Back in the reader, the deleted highlight is no longer painted.
    assert isinstance(pilot.app.screen, MainScreen)
    assert len(reader_of(pilot).highlights) == 1


async def test_typing_x_in_the_filter_deletes_nothing(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press("h")
    await settle(pilot)
    await pilot.press("escape", "H")
    await settle(pilot)
    await pilot.press("x", "a", "u")
    await settle(pilot)
    assert isinstance(pilot.app.screen, HighlightsScreen)
    assert len(stored(seeded_library)) == 1


async def test_highlights_screen_a_edits_the_note(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press("h")
    await settle(pilot)
    screen = await open_highlights(pilot)
    await pilot.press("a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoteEditor)
    await pilot.press(*"Ask about drills #defence", "ctrl+s")
    await settle(pilot)
    assert pilot.app.screen is screen
    (highlight,) = stored(seeded_library).all()
    assert highlight.note == "Ask about drills #defence"
    assert "defence" in highlight.tags
    assert screen.shown[0].note == highlight.note
    listing = screen.query_one("#highlights-list", OptionList)
    assert listing.highlighted == 0


async def test_highlights_of_articles_not_in_the_library_are_orphans(
    seeded_library: Library,
) -> None:
    article = seeded_library.articles()[0]
    body = seeded_library.body(article)
    with HighlightStore(seeded_library.paths) as highlights:
        highlights.add(article, body, 0, len("Japanese Prime Minister"))
        # As after import-annotations from another home: an article this library lacks.
        foreign = highlights.add(article, body, 0, len("Japanese"))
    with HighlightStore(seeded_library.paths) as highlights:
        highlights.delete(foreign.id)
        highlights.import_highlights([replace(foreign, article_id="f" * 16)])
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HighlightsScreen)
        orphans = [h for h in screen.shown if h.orphaned]
        assert [h.article_id for h in orphans] == ["f" * 16]
        count = str(screen.query_one("#highlights-count").render())
        assert "1 whose article is not in the library" in count


def test_a_quote_that_starts_with_a_quotation_mark_gets_no_second_one() -> None:
    assert quoted("“We will not be bullied,” he said.") == "“We will not be bullied,” he said."
    assert quoted('"Plain," he said') == '"Plain," he said'
    assert quoted("Plain words") == "“Plain words”"


@pytest.mark.parametrize("width", [80, 100])
async def test_wrapped_quotes_keep_their_indent(seeded_library: Library, width: int) -> None:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(width, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("h")
        await settle(pilot)
        screen = await open_highlights(pilot)
        rows = _listing_rows(screen)
    first = next(index for index, row in enumerate(rows) if "“Japanese" in row)
    text_column = rows[first].index("“")
    assert "▌" in rows[first][:text_column]
    # The quote is long enough to wrap: its next row starts under its text.
    second = rows[first + 1]
    assert second[:text_column].strip(" │") == ""
    assert second[text_column] != " "


def _listing_rows(screen: HighlightsScreen) -> list[str]:
    listing = screen.query_one("#highlights-list", OptionList)
    return [listing.render_line(y).text for y in range(listing.size.height)]
