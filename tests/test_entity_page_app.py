"""The entity page in the app (issue 16): opened from the sidebar, its articles with counts
and first sentences, moving to a co-mentioned entity and back, following (the feeds view
gains it with its count), corrections that survive a refresh, and "entities: today"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Static

from store.annotations import HighlightStore
from store.entities.correction_store import CorrectionStore
from store.entities.follow import followed_entities
from store.library import Library
from store.paths import DataPaths
from store.views import ViewKind
from tests.pilot import settle
from tests.test_entity_page import BOARD, MARTA, Named, plant
from tui.app import BroadsheetApp
from tui.screens.entity_page import EntityPageScreen
from tui.screens.main import MainScreen
from tui.screens.top_entities import TopEntitiesScreen
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.list_pane import ListPane
from tui.widgets.reader import ArticleReader

PLANTED: list[tuple[str, str, Named]] = [
    ("a01", "2026-03-01T09:00:00+00:00", {MARTA: ("PERSON", 2), BOARD: ("ORG", 1)}),
    ("a02", "2026-03-02T09:00:00+00:00",
     {MARTA: ("PERSON", 1), BOARD: ("ORG", 3), "Eldmouth": ("PLACE", 1)}),
    ("a03", "2026-03-03T10:00:00+00:00",
     {"Eldmouth": ("PLACE", 2), MARTA: ("PERSON", 4), BOARD: ("ORG", 1)}),
    ("a04", "2026-03-10T08:00:00+00:00", {"Paul Verity": ("PERSON", 5)}),
]  # fmt: skip


@pytest.fixture
def planted(paths: DataPaths) -> DataPaths:
    with Library(paths) as library:
        for article_id, when, named in PLANTED:
            plant(library, article_id, when, named)
        library.flush()
    return paths


@pytest.fixture
async def pilot(planted: DataPaths) -> AsyncIterator[Pilot[None]]:
    library = Library(planted, keep_entities=False)
    app = BroadsheetApp(library, HighlightStore(planted))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        yield pilot
    library.close()


def main_screen(pilot: Pilot[None]) -> MainScreen:
    screen = pilot.app.screen_stack[1]
    assert isinstance(screen, MainScreen)
    return screen


async def open_page(pilot: Pilot[None], key: str) -> EntityPageScreen:
    main_screen(pilot).open_entity_page(key)
    await settle(pilot)
    page = pilot.app.screen
    assert isinstance(page, EntityPageScreen) and page.page is not None
    return page


def shown(widget: OptionList | Static) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def test_enter_in_the_sidebar_opens_the_page_and_f_filters(
    seeded_library: Library,
) -> None:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        main = main_screen(pilot)
        sidebar = main.query_one(EntitySidebar)
        sidebar.focus()
        await pilot.press("down")
        entity = sidebar.current_entity
        assert entity is not None
        await pilot.press("enter")
        await settle(pilot)
        page = pilot.app.screen
        assert isinstance(page, EntityPageScreen) and page.page is not None
        assert page.page.key == entity.key
        assert entity.key in shown(page.query_one("#entity-heading", Static))
        await pilot.press("escape")
        assert pilot.app.screen is main
        # `f` keeps what Enter did before: only the articles naming it.
        sidebar.focus()
        await pilot.press("f")
        await settle(pilot)
        assert main.entity_filter is not None and main.entity_filter.key == entity.key


async def test_the_page_lists_articles_with_counts_and_sentences(pilot: Pilot[None]) -> None:
    page = await open_page(pilot, MARTA)
    articles = page.query_one("#entity-articles", OptionList)
    text = shown(articles)
    # Newest first, each with its count and the first sentence naming her.
    assert text.index("4×  Story a03") < text.index("1×  Story a02") < text.index("2×  Story a01")
    assert "On 2026-03-03 Marta Quinlan spoke at length." in text
    assert "7 mentions in 3 articles" in shown(page.query_one("#entity-heading", Static))
    assert sum(page.query_one("Sparkline").data or []) == 7  # type: ignore[attr-defined]
    company = shown(page.query_one("#entity-company", OptionList))
    assert BOARD in company and "Eldmouth" in company and "Paul Verity" not in company


async def test_enter_on_company_moves_and_esc_comes_back(pilot: Pilot[None]) -> None:
    page = await open_page(pilot, MARTA)
    company = page.query_one("#entity-company", OptionList)
    company.focus()
    company.highlighted = 0  # the Harbour Board: in all three of her articles
    await pilot.press("enter")
    await settle(pilot)
    assert page.page is not None and page.page.key == BOARD
    await pilot.press("backspace")
    await settle(pilot)
    assert page.page is not None and page.page.key == MARTA
    await pilot.press("escape")
    assert isinstance(pilot.app.screen, MainScreen)


async def test_enter_on_an_article_opens_it_in_the_reader(pilot: Pilot[None]) -> None:
    page = await open_page(pilot, MARTA)
    await pilot.press("j", "enter")  # the second: a02
    await settle(pilot)
    main = main_screen(pilot)
    assert pilot.app.screen is main
    assert main.current is not None and main.current.id == "a02"
    assert isinstance(pilot.app.focused, ArticleReader)
    del page


async def test_follow_adds_it_to_the_feeds_view_with_a_count(
    pilot: Pilot[None], planted: DataPaths
) -> None:
    await open_page(pilot, MARTA)
    await pilot.press("plus")
    await settle(pilot)
    await settle(pilot)
    assert [f.key for f in followed_entities(planted)] == [MARTA]
    pane = main_screen(pilot).query_one(ListPane)
    members = {v.title: ids for v, ids in pane.saved_search_members.items()
               if v.kind is ViewKind.SEARCH}  # fmt: skip
    assert members == {MARTA: frozenset({"a01", "a02", "a03"})}
    await pilot.press("minus")
    await settle(pilot)
    assert followed_entities(planted) == []


async def test_a_merge_from_the_page_survives_an_articles_resave_and_poll(
    pilot: Pilot[None], planted: DataPaths
) -> None:
    page = await open_page(pilot, "Eldmouth")
    await pilot.press("m")
    await pilot.pause()
    pilot.app.screen.query_one(Input).value = BOARD
    await pilot.press("enter")
    await settle(pilot)
    await settle(pilot)
    with CorrectionStore(planted) as corrections:
        assert corrections.corrections().canonical("Eldmouth") == BOARD
    assert page.page is not None and page.page.key == BOARD
    # Another process saves the article again (as a refresh does), and the app takes it in.
    with Library(planted) as other:
        plant(other, "a02", "2026-03-02T09:00:00+00:00",
              {MARTA: ("PERSON", 1), BOARD: ("ORG", 3), "Eldmouth": ("PLACE", 1)},
              body="Eldmouth again: Marta Quinlan met the Harbour Board.")  # fmt: skip
        other.flush()
    main = main_screen(pilot)
    main.poll_store(thorough=True)
    await settle(pilot)
    page._load(MARTA)
    await settle(pilot)
    company = shown(page.query_one("#entity-company", OptionList))
    assert BOARD in company and "Eldmouth" not in company


async def test_hide_from_the_page_leaves_the_company_lists(
    pilot: Pilot[None], planted: DataPaths
) -> None:
    page = await open_page(pilot, "Eldmouth")
    await pilot.press("h")
    await settle(pilot)
    assert page.page is not None and page.page.hidden
    assert "hidden" in shown(page.query_one("#entity-heading", Static))
    await open_page(pilot, MARTA)
    company = shown(pilot.app.screen.query_one("#entity-company", OptionList))
    assert "Eldmouth" not in company


async def test_entities_today_lists_the_week_and_opens_a_page(paths: DataPaths) -> None:
    now = datetime.now(UTC)
    with Library(paths) as library:
        plant(library, "n01", (now - timedelta(days=1)).isoformat(), {MARTA: ("PERSON", 1)})
        plant(library, "n02", (now - timedelta(days=2)).isoformat(), {MARTA: ("PERSON", 2)})
        plant(library, "o01", (now - timedelta(days=9)).isoformat(), {MARTA: ("PERSON", 1)})
        library.flush()
    library = Library(paths, keep_entities=False)
    app = BroadsheetApp(library, HighlightStore(paths))
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        main_screen(pilot).show_top_entities()
        await settle(pilot)
        top = pilot.app.screen
        assert isinstance(top, TopEntitiesScreen)
        listing = shown(top.query_one(OptionList))
        assert MARTA in listing and "+1" in listing  # two articles this week, one before
        await pilot.press("enter")
        await settle(pilot)
        page = pilot.app.screen
        assert isinstance(page, EntityPageScreen) and page.page is not None
        assert page.page.key == MARTA
    library.close()
