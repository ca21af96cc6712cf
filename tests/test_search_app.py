"""Search in the app: the bar over the list, marks in the list and the reader, n/N, saved
searches in the feeds view, the index rebuilt in the background, a read-only home, and the
highlights screen's filter language."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

import store.db
from store.annotations import HighlightStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.saved_searches import SavedSearchStore
from store.search import SearchIndex
from tests.pilot import settle, wait_until
from tests.test_read_only_home import home_tree
from tui.app import BroadsheetApp
from tui.screens.ask import AskLine, AskYesNo
from tui.screens.help import bindings_table
from tui.screens.highlights import HighlightsScreen
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.feeds_view import FeedsView
from tui.widgets.list_pane import ListPane
from tui.widgets.reader import ArticleReader
from tui.widgets.search_bar import SearchBar

HARBOUR_TEXT = (
    "Dockers return to the harbour after the strike.\n\n"
    "The harbour master said ships wait outside the harbours."
)
STORIES = [
    ("harbour", "Harbour strike ends", HARBOUR_TEXT, "2026-02-01"),
    ("tariffs", "Tariffs on steel", "The tariffs rise; the harbour waits.", "2026-02-03"),
    ("bakery", "A bakery in Zürich", "Rye bread and coffee.", "2026-02-02"),
    ("rain", "Rain again", "Rain, and more rain.", "2026-02-05"),
    ("wind", "Gales close the bridge", "Wind all day.", "2026-02-04"),
]


def fill(paths: DataPaths) -> None:
    with Library(paths) as library:
        for key, title, body, published in STORIES:
            story = Article(id=key, title=title, body_hash="", source="Coast Daily",
                            published=f"{published}T08:00:00+00:00")  # fmt: skip
            library.save(story, body, entity_summary=())


@pytest.fixture
def home(paths: DataPaths) -> DataPaths:
    fill(paths)
    return paths


async def start(paths: DataPaths, library: Library | None = None) -> Any:
    library = library or Library(paths, keep_entities=False)
    app = BroadsheetApp(library, HighlightStore(paths, load=False))
    return app, library


@pytest.fixture
async def pilot(home: DataPaths) -> AsyncIterator[Pilot[None]]:
    app, library = await start(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        yield pilot
    library.close()


def parts(pilot: Pilot[None]) -> tuple[MainScreen, ListPane, ArticleList, ArticleReader]:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    return screen, screen.query_one(ListPane), screen.query_one(ArticleList), \
        screen.query_one(ArticleReader)  # fmt: skip


async def search_for(pilot: Pilot[None], text: str) -> None:
    """Open the bar (or go back to it), put ``text`` in it and wait for its search to land:
    the search waits for typing to rest, in a worker, and settling waits for workers."""
    await pilot.press("slash")
    bar = pilot.app.screen.query_one(SearchBar)
    bar.input.value = ""
    await pilot.press(*text)
    await settle(pilot)
    await settle(pilot)


def focused(pilot: Pilot[None]) -> object:
    return pilot.app.focused


def status(pilot: Pilot[None]) -> Static:
    return pilot.app.screen.query_one("#search-status", Static)


def ids(article_list: ArticleList) -> list[str]:
    return [article.id for article in article_list.articles]


# The bar


async def test_typing_replaces_the_list_with_ranked_results(pilot: Pilot[None]) -> None:
    _screen, pane, article_list, _reader = parts(pilot)
    assert isinstance(pilot.app, BroadsheetApp)
    help_text = bindings_table(pilot.app.help_sections()).plain
    assert "Search" in help_text and "Save the search" in help_text
    await pilot.press("slash")
    assert pilot.app.focused is pane.search_bar.input
    await pilot.press(*"harbour")
    await settle(pilot)
    # A word in the headline first, then one in the text; "harbours" is the same word.
    assert ids(article_list) == ["harbour", "tariffs"]
    assert article_list.border_title == "Search · 2 found"
    assert str(status(pilot).render()) == "2 articles"
    assert pilot.app.focused is pane.search_bar.input  # still typing
    await pilot.press(" ", *"-strike")
    await settle(pilot)
    assert ids(article_list) == ["tariffs"]


async def test_matches_are_marked_in_the_list_and_the_reader(pilot: Pilot[None]) -> None:
    _screen, _pane, article_list, reader = parts(pilot)
    await search_for(pilot, "harbour")
    match = article_list.get_component_rich_style("article-list--match")
    row = article_list.render_line(0)
    marked = [segment.text for segment in row if segment.style and segment.style.underline]
    assert marked == ["Harbour"] and match.underline
    await pilot.press("enter")  # to the results
    assert pilot.app.focused is article_list
    await pilot.press("enter")  # open the best hit
    await settle(pilot)
    assert reader.document_view.article is not None
    assert reader.document_view.article.id == "harbour"
    expected = [m.span() for m in re.finditer(r"harbours?", HARBOUR_TEXT)]
    assert reader.search_marks == expected
    line = reader.get_line(reader.location_of(expected[0][0])[0])
    style = reader.get_component_rich_style("reader--search-match")
    assert any(span.style == style for span in line.spans)


async def test_n_and_n_jump_between_matches_while_a_search_is_shown(pilot: Pilot[None]) -> None:
    _screen, _pane, _article_list, reader = parts(pilot)
    await search_for(pilot, "harbour")
    await pilot.press("enter", "enter")
    await settle(pilot)
    assert pilot.app.focused is reader
    starts = [start for start, _ in reader.search_marks]
    assert len(starts) == 3
    await pilot.press("n")
    assert reader.cursor_offset == starts[0]
    await pilot.press("n", "n")
    assert reader.cursor_offset == starts[2]
    await pilot.press("N")
    assert reader.cursor_offset == starts[1]
    await pilot.press("escape", "escape")  # reader → results → the search closes
    await settle(pilot)
    assert reader.search_marks == []
    reader.focus()
    await pilot.pause()
    at = reader.cursor_offset
    await pilot.press("n")  # an entity's mentions again: none chosen, so nowhere to go
    assert reader.cursor_offset == at


async def test_a_malformed_query_says_where_under_the_bar(pilot: Pilot[None]) -> None:
    _screen, _pane, article_list, _reader = parts(pilot)
    await search_for(pilot, "harbour")
    pilot.app.screen.query_one(SearchBar).input.value = "(harbour OR"
    await settle(pilot)
    shown = status(pilot)
    assert str(shown.render()) == "column 12: expected a word, phrase or field after OR"
    assert shown.has_class("-problem")
    assert ids(article_list) == ["harbour", "tariffs"]  # the last results stay
    await search_for(pilot, "colour:pink")
    assert str(shown.render()).startswith("column 1: unknown field colour:")
    assert not [n for n in pilot.app._notifications if n.severity == "error"]


async def test_esc_returns_to_the_view_and_the_article_it_came_from(pilot: Pilot[None]) -> None:
    screen, pane, article_list, reader = parts(pilot)
    await pilot.press("j", "j")
    before = article_list.current
    assert before is not None and before.id == "tariffs"
    await search_for(pilot, "rain OR bakery")
    await pilot.press("enter", "j")  # to the results, and down them
    await settle(pilot)
    assert article_list.current is not None and article_list.current.id != before.id
    await pilot.press("escape")
    await settle(pilot)
    assert pane.search_results is None and not pane.search_bar.display
    assert article_list.border_title == "All articles" and len(article_list.articles) == 5
    assert article_list.current is not None and article_list.current.id == before.id
    assert pilot.app.focused is article_list
    # From the reader, Esc in the bar goes back to the reader and its article.
    await pilot.press("enter")
    await settle(pilot)
    await search_for(pilot, "bakery")
    await pilot.press("escape")
    await settle(pilot)
    assert focused(pilot) is reader
    assert screen.current is not None and screen.current.id == before.id


async def test_ctrl_s_saves_the_search_and_the_feeds_view_lists_it(
    home: DataPaths, pilot: Pilot[None]
) -> None:
    _screen, pane, _article_list, _reader = parts(pilot)
    await search_for(pilot, "harbour  -rain")
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, AskLine)
    await pilot.press(*"Docks", "enter")  # in place of the query, offered as the name
    await settle(pilot)
    assert [(s.name, s.query) for s in SavedSearchStore(home).all()] == [("Docks", "harbour -rain")]
    assert any("Saved search “Docks”" in n.message for n in pilot.app._notifications)
    await pilot.press("escape")  # the bar closes
    await pilot.press("escape")  # the list gives way to the feeds view
    await settle(pilot)
    assert "/ Docks" in prompts(pane.query_one(FeedsView))[3]


def prompts(views: FeedsView) -> list[str]:
    texts = [views.get_option_at_index(i).prompt for i in range(views.option_count)]
    return [text.plain if isinstance(text, Text) else str(text) for text in texts]


async def test_saved_searches_outlive_the_app_and_count_as_articles_are_read(
    home: DataPaths,
) -> None:
    with SavedSearchStore(home) as saved:
        saved.save("Docks", "harbour")
    app, library = await start(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await settle(pilot)
        _screen, pane, article_list, _reader = parts(pilot)
        await pilot.press("escape")
        views = pane.query_one(FeedsView)
        row = next(i for i, text in enumerate(prompts(views)) if "/ Docks" in text)
        assert prompts(views)[row].endswith("2/2")
        views.highlighted = row
        await pilot.press("enter")
        await settle(pilot)
        assert article_list.border_title == "Docks"
        assert ids(article_list) == ["tariffs", "harbour"]  # newest first, as a feed
        await pilot.press("enter")  # read the first
        await settle(pilot)
        await settle(pilot)
        await pilot.press("escape", "escape")  # reader → list → feeds view
        await settle(pilot)
        assert prompts(views)[row].endswith("1/2")
        # d deletes it, once confirmed; its articles stay.
        views.highlighted = row
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(pilot.app.screen, AskYesNo)
        await pilot.press("y")
        await settle(pilot)
        assert SavedSearchStore(home).all() == []
        assert not [text for text in prompts(views) if "Docks" in text]
        assert len(library.articles()) == 5
    library.close()


# The index


@pytest.mark.parametrize("damage", ["missing", "garbage"])
async def test_search_works_once_the_index_is_rebuilt_in_the_background(
    home: DataPaths, damage: str
) -> None:
    with SearchIndex(home.search_index) as index:
        from store.search import catch_up_search_index

        catch_up_search_index(index, home)
    for leftover in home.derived_dir.glob("search.sqlite*"):
        leftover.unlink()
    if damage == "garbage":
        home.search_index.write_bytes(b"not a database at all" * 100)
    app, library = await start(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        _screen, _pane, article_list, _reader = parts(pilot)
        await search_for(pilot, "harbour")
        assert ids(article_list) == ["harbour", "tariffs"]
    library.close()
    with SearchIndex(home.search_index) as index:
        assert len(index) == 5


async def test_other_processes_articles_and_saved_searches_arrive(
    home: DataPaths, pilot: Pilot[None]
) -> None:
    _screen, pane, article_list, _reader = parts(pilot)
    # A writer that could not keep the index (it was busy, or an older version): the app
    # catches it up when it takes in the new article.
    with Library(home) as other:
        other._keep_search_index = lambda writes: None  # type: ignore[method-assign]
        late = Article(id="ferry", title="Ferries stop", body_hash="", source="Coast Daily",
                       published="2026-02-06T08:00:00+00:00")  # fmt: skip
        other.save(late, "Gales in the strait; the harbour is shut.", entity_summary=())
    with SavedSearchStore(home) as saved:
        saved.save("Gales", "gale")
    await wait_until(pilot, lambda: len(pane.saved_search_members) == 1 and bool(
        next(iter(pane.saved_search_members.values()))))  # fmt: skip
    await search_for(pilot, "harbour")
    assert set(ids(article_list)) == {"harbour", "ferry", "tariffs"}


async def test_a_read_only_home_is_searched(
    home: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = home_tree(home.home)
    monkeypatch.setattr(store.db, "_writable", lambda directory: False)
    from tui.launch import open_home

    opened = open_home(home)
    app = BroadsheetApp(opened.library, opened.highlights)
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            _screen, _pane, article_list, _reader = parts(pilot)
            await search_for(pilot, "harbour")
            assert ids(article_list) == ["harbour", "tariffs"]
            await pilot.press("ctrl+s")
            await pilot.pause()
            await pilot.press("enter")
            await settle(pilot)
            said = [n.message for n in app._notifications if n.title == "Not saved"]
            assert said and "read-only" in said[0]
    finally:
        opened.highlights.close()
        opened.library.close()
    # As in tests/test_read_only_home.py: SQLite's shared-memory files and the cache of an
    # opened article's mentions appear here (as root), which a read-only home does without.
    after = {name: at for name, at in home_tree(home.home).items()
             if not name.endswith(("-wal", "-shm", ".mentions.json"))
             and name.split("/")[0] != "bodies"}  # fmt: skip
    assert after == before


# The highlights screen


async def test_the_highlights_filter_takes_the_search_language(
    home: DataPaths, pilot: Pilot[None]
) -> None:
    library = pilot.app.screen.library  # type: ignore[attr-defined]
    harbour = library.get("harbour")
    with HighlightStore(home) as highlights:
        highlights.add(harbour, HARBOUR_TEXT, 0, 7, "pink", note="dock #labour")
        highlights.add(harbour, HARBOUR_TEXT, 49, 67, "green")
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    screen.highlight_store.catch_up()
    await pilot.press("H")
    await settle(pilot)
    shown = pilot.app.screen
    assert isinstance(shown, HighlightsScreen) and len(shown.shown) == 2
    await pilot.press(*"colour:pink")
    await pilot.pause()
    assert [h.exact for h in shown.shown] == ["Dockers"]
    await pilot.press("ctrl+u", *"master -tag:labour")
    await pilot.pause()
    assert [h.exact for h in shown.shown] == ["The harbour master"]
    shown.query_one("#highlights-filter", Input).value = "master feed:coast"
    await pilot.pause()
    count = str(shown.query_one("#highlights-count").render())
    assert "feed: does not apply to highlights" in count
    assert [h.exact for h in shown.shown] == ["The harbour master"]  # the last ones stay
    assert isinstance(shown.query_one("#highlights-list"), OptionList)


def test_the_palette_offers_search_and_each_saved_search(tmp_path: Path) -> None:
    from tui.app import _search_commands

    class Screen:
        search_open = True
        saved_searches = (SavedSearchStore(DataPaths(tmp_path)).save("[b]x", "a")[0],)

        def action_search(self) -> None: ...
        def save_search(self) -> None: ...
        def ask_delete_saved_search(self, name: str) -> None: ...

    titles = [command.title for command in _search_commands(Screen())]  # type: ignore[arg-type]
    assert titles == ["search: find articles", "search: save this search",
                      "search: delete saved search \\[b]x"]  # fmt: skip


async def test_the_hidden_search_bar_is_not_what_the_screen_focuses_by_itself(
    seeded_library: Library,
) -> None:
    from store.annotations import HighlightStore
    from tui.app import BroadsheetApp
    from tui.widgets.article_list import ArticleList

    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        # What the screen focuses by itself once composed (Textual's auto focus), racing
        # the focus the screen gives the list on mount: it must be the list too, never the
        # hidden search bar's input (its keys took the footer, Enter typed into it).
        screen = app.screen
        screen.set_focus(None)
        screen._update_auto_focus()
        assert isinstance(screen.focused, ArticleList)
