"""The app driven from the keyboard with Pilot: panes, focus, sidebar, help, palette."""

from __future__ import annotations

import gc
import weakref
from collections.abc import AsyncIterator

import pytest
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets._footer import FooterKey
from textual.worker import WorkerFailed

import tui.screens.main
from store.annotations import HighlightStore
from store.ingest.importer import import_seeds
from store.library import Library
from tests.conftest import SEED_DATA
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.messages import ArticleLoaded
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.footer import LeanFooter
from tui.widgets.reader import ArticleReader


@pytest.fixture
def app(seeded_library: Library) -> BroadsheetApp:
    import_seeds(seeded_library, [SEED_DATA])
    return BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))


@pytest.fixture
async def pilot(app: BroadsheetApp) -> AsyncIterator[Pilot[None]]:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        yield pilot


def widgets(pilot: Pilot[None]) -> tuple[ArticleList, ArticleReader, EntitySidebar]:
    screen = pilot.app.screen
    return (
        screen.query_one(ArticleList),
        screen.query_one(ArticleReader),
        screen.query_one(EntitySidebar),
    )


async def test_three_panes_show_the_newest_article(pilot: Pilot[None]) -> None:
    article_list, reader, sidebar = widgets(pilot)
    assert isinstance(pilot.app.screen, MainScreen)
    assert pilot.app.focused is article_list
    assert len(article_list.articles) == pilot.app.library.__len__()  # type: ignore[attr-defined]
    current = article_list.current
    assert current is not None
    assert reader.text.startswith(current.title)
    assert sidebar.display
    assert sidebar.option_count > 0


async def test_j_k_move_and_enter_opens_and_marks_read(pilot: Pilot[None]) -> None:
    article_list, reader, _ = widgets(pilot)
    await pilot.press("j", "j")
    await settle(pilot)
    assert article_list.cursor == 2
    chosen = article_list.current
    assert chosen is not None and not chosen.read
    await pilot.press("k")
    await pilot.press("down")
    await pilot.press("enter")
    await settle(pilot)
    assert pilot.app.focused is reader
    assert reader.document_view.article is not None
    assert reader.document_view.article.id == chosen.id
    stored = pilot.app.library.get(chosen.id)  # type: ignore[attr-defined]
    assert stored is not None and stored.read
    assert article_list.articles[2].read
    await pilot.press("escape")
    assert pilot.app.focused is article_list


async def test_g_and_G_jump_to_the_ends(pilot: Pilot[None]) -> None:
    article_list, _, _ = widgets(pilot)
    await pilot.press("G")
    assert article_list.cursor == len(article_list.articles) - 1
    await pilot.press("g")
    assert article_list.cursor == 0


async def test_tab_moves_between_panes(pilot: Pilot[None]) -> None:
    article_list, reader, sidebar = widgets(pilot)
    await pilot.press("tab")
    assert pilot.app.focused is reader
    await pilot.press("tab")
    assert pilot.app.focused is sidebar
    await pilot.press("shift+tab", "shift+tab")
    assert pilot.app.focused is article_list


async def test_space_reads_on_in_the_reader(pilot: Pilot[None]) -> None:
    article_list, reader, _ = widgets(pilot)
    article_list.select_article(next(a.id for a in article_list.articles if a.word_count > 200))
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    before = reader.cursor_location[0]
    await pilot.press("space")
    assert reader.cursor_location[0] > before


async def test_s_toggles_the_sidebar(pilot: Pilot[None]) -> None:
    _, _, sidebar = widgets(pilot)
    assert sidebar.display
    await pilot.press("s")
    assert not sidebar.display
    await pilot.press("s")
    assert sidebar.display


async def test_question_mark_lists_every_key(pilot: Pilot[None]) -> None:
    await pilot.press("question_mark")
    assert isinstance(pilot.app.screen, HelpScreen)
    text = str(pilot.app.screen.query_one("#help-text").render())
    app = pilot.app
    assert isinstance(app, BroadsheetApp)
    for _, bindings in app.help_sections():
        for binding in bindings:
            assert binding.description in text  # type: ignore[union-attr]
    await pilot.press("escape")
    assert isinstance(pilot.app.screen, MainScreen)


async def test_every_binding_has_a_description_and_an_id(app: BroadsheetApp) -> None:
    for _, bindings in app.help_sections():
        for binding in bindings:
            assert binding.description  # type: ignore[union-attr]
    for widget_class in (
        BroadsheetApp,
        MainScreen,
        ArticleList,
        ArticleReader,
        EntitySidebar,
        HelpScreen,
    ):
        for binding in widget_class.BINDINGS:
            assert binding.id, f"{widget_class.__name__} {binding.key} has no id"  # type: ignore[union-attr]


async def test_ctrl_p_opens_the_palette(pilot: Pilot[None]) -> None:
    await pilot.press("ctrl+p")
    await pilot.pause()
    assert isinstance(pilot.app.screen, CommandPalette)


async def test_q_quits(pilot: Pilot[None]) -> None:
    await pilot.press("q")
    await pilot.pause()
    assert not pilot.app.is_running


async def test_narrow_terminal_folds_the_sidebar_and_s_brings_it_back(app: BroadsheetApp) -> None:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _, reader, sidebar = widgets(pilot)
        assert not sidebar.display
        await pilot.press("s")
        assert sidebar.display
        # The sidebar lies over the reader rather than squeezing it to nothing.
        assert reader.size.width >= 30


async def test_markup_in_articles_is_shown_literally(app: BroadsheetApp) -> None:
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        article_list, reader, _ = widgets(pilot)
        article_list.select_article(
            next(a.id for a in article_list.articles if a.title.startswith("Markup test"))
        )
        await settle(pilot)
        assert "[bold red]x[/]" in reader.text
        row = article_list.render_line(article_list.cursor * 2 - article_list.scroll_offset.y)
        assert "[bold red]x[/]" in row.text
        rendered = "".join(reader.render_line(y).text for y in range(reader.size.height))
        assert "[link=https://evil.example]y[/link]" in rendered


async def test_entity_sidebar_focus_highlights_mentions_and_enter_filters(
    pilot: Pilot[None],
) -> None:
    article_list, reader, sidebar = widgets(pilot)
    article_list.select_article(next(a.id for a in article_list.articles if "Takaichi" in a.title))
    await settle(pilot)
    sidebar.focus()
    await pilot.press("down")
    await pilot.pause()
    entity = sidebar.current_entity
    assert entity is not None
    assert reader.mention_spans
    body = reader.text[reader.document_view.body_start :]
    assert all(body[a:b] for a, b in reader.mention_spans)
    first, second = sorted(reader.mention_spans)[:2]
    await pilot.press("n")
    assert reader.cursor_offset == first[0]
    await pilot.press("n")
    assert reader.cursor_offset == second[0]
    await pilot.press("N")
    assert reader.cursor_offset == first[0]
    await pilot.press("f")  # Enter opens its page; f filters the list
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    assert screen.entity_filter == entity
    # The app reads articles without their entities; the stored ones say who names whom.
    with Library(screen.library.paths, writable=False) as stored:
        naming = {a.id for a in stored.articles() if any(e.key == entity.key for e in a.entities)}
    assert naming and {a.id for a in article_list.articles} == naming
    assert pilot.app.focused is article_list
    await pilot.press("escape")
    assert screen.entity_filter is None
    assert len(article_list.articles) == len(screen.articles)


async def test_a_failing_worker_is_reported_not_silent(pilot: Pilot[None]) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, MainScreen)
    # The annotations damaged under us (a disk problem, another program) must be said when
    # the app next looks for other processes' changes.
    screen.library.paths.annotations_db.with_suffix(".journal").write_bytes(b"{not json\n")
    screen.poll_store()
    with pytest.raises(WorkerFailed):
        await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    titles = [n.title for n in pilot.app._notifications]
    assert "Something went wrong" in titles


async def test_holding_j_moves_the_list_and_previews_once_the_cursor_rests(
    app: BroadsheetApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    # However slow the machine, the keys below come faster than this: key repeat.
    monkeypatch.setattr(tui.screens.main, "PREVIEW_DELAY_SECONDS", 60.0)
    messages: list[object] = []
    async with app.run_test(size=(80, 24), message_hook=messages.append) as pilot:
        await settle(pilot)
        article_list, reader, _ = widgets(pilot)
        first = reader.document_view.article
        assert first is not None
        messages.clear()
        for _ in range(5):
            await pilot.press("j")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert article_list.cursor == 5
        assert not [m for m in messages if isinstance(m, ArticleLoaded)]
        assert reader.document_view.article == first  # the reader was not repainted per key
        await settle(pilot)  # the user pauses
        loaded = [m for m in messages if isinstance(m, ArticleLoaded)]
        assert [m.article.id for m in loaded] == [article_list.articles[5].id]
        assert reader.document_view.article is not None
        assert reader.document_view.article.id == article_list.articles[5].id


async def test_moving_focus_back_and_forth_leaves_no_footer_keys_behind(app: BroadsheetApp) -> None:
    """Textual's Footer rebinds a new set of keys on every focus move and kept the old ones
    alive (~0.5 MB per open-and-back); LeanFooter lets them go."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for _ in range(5):
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("escape")
            await settle(pilot)
        footer = pilot.app.screen.query_one(LeanFooter)
        watchers = getattr(footer, "__watchers", {})
        bound = [node for pairs in watchers.values() for node, _ in pairs]
        assert bound and all(node.is_attached for node in bound)
        assert len(bound) <= len(footer.query(FooterKey))


async def test_widgets_that_painted_and_went_are_not_kept(app: BroadsheetApp) -> None:
    """Textual's StylesCache.get_inner_outer is an lru_cache on a method (textual#6665): its
    1,024 entries kept the styles cache of every widget that painted, with its lines, until
    newer ones pushed them out (megabytes over the first hundred opens)."""
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        footer = pilot.app.screen.query_one(LeanFooter)
        shown = list(footer.query(FooterKey))
        assert shown and any(key._styles_cache._cache for key in shown)  # they painted
        refs = [(weakref.ref(key), weakref.ref(key._styles_cache)) for key in shown]
        del shown
        await pilot.press("enter")
        await settle(pilot)
        gc.collect()
        gone = [cache for key, cache in refs if key() is None]
        assert gone  # the footer dropped keys, and nothing keeps them
        assert all(cache() is None for cache in gone)  # nor the lines they painted


async def test_opening_articles_keeps_neither_their_names_nor_their_lines(
    app: BroadsheetApp,
) -> None:
    """Two caches filled as article after article was opened, ~750 KB over the first hundred:
    the gazetteer's remembered lookups and rich's widths of the reader's wrapped lines. An
    open extracts one article, and its lines are not measured again once another shows."""
    from rich.cells import cached_cell_len

    from store import entities
    from store.entities.gazetteer import gazetteer

    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        _, reader, _ = widgets(pilot)
        lookups = (gazetteer()._cached_lookup, gazetteer()._cached_organisation)
        entities.extract("Ministers met in Lisbon with Siemens and the Red Cross.")
        assert all(cached.cache_info().currsize > 0 for cached in lookups)
        await pilot.press("j", "enter")  # the first article already shows, as a preview
        await settle(pilot)
        first = reader.document_view.article
        assert first is not None
        assert all(cached.cache_info().currsize == 0 for cached in lookups)
        # A line of the first article, as far as rich's cache knows.
        cached_cell_len("a line of the article read before")
        await pilot.press("escape", "j", "enter")
        await settle(pilot)
        assert reader.document_view.article is not None
        assert reader.document_view.article.id != first.id
        assert all(cached.cache_info().currsize == 0 for cached in lookups)
        misses = cached_cell_len.cache_info().misses
        cached_cell_len("a line of the article read before")
        assert cached_cell_len.cache_info().misses == misses + 1  # forgotten


async def test_an_open_gives_back_what_it_read(
    app: BroadsheetApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Opening an article reads its text and the catalog's answers and drops most of it; the
    app's resident size crept up ~2 MB over a hundred opens at 50,000 articles until SQLite's
    page caches and glibc's free pages were let go after each open."""
    calls: list[str] = []
    library = app.library  # type: ignore[attr-defined]
    monkeypatch.setattr(library, "release_page_caches", lambda: calls.append("page caches"))
    monkeypatch.setattr(tui.screens.main, "release_freed_memory", lambda: calls.append("heap"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        calls.clear()
        _, reader, _ = widgets(pilot)
        await pilot.press("j", "enter")
        await settle(pilot)
        assert reader.document_view.article is not None
        assert calls[-2:] == ["page caches", "heap"]
