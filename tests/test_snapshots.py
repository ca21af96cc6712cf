"""SVG snapshots of what a person sees, at 80x24 (SSH) and 160x48.

Only dated articles and the bundled seed are used, so the order of the list is fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from textual.pilot import Pilot

from store.annotations import COLOURS, HighlightStore
from store.ingest.importer import import_seeds
from store.library import Library
from store.paths import DataPaths
from tests.conftest import SEED_DATA
from tests.pilot import settle
from tests.test_blocks import MARKDOWN_SEED
from tests.test_daily_loop import fill as fill_with_feeds
from tui.app import BroadsheetApp
from tui.screens.main import MainScreen

SnapCompare = Callable[..., bool]


@pytest.fixture
def app(seeded_library: Library) -> BroadsheetApp:
    import_seeds(seeded_library, [SEED_DATA / "front_matter.md"])
    return BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))


def test_80x24_first_start(app: BroadsheetApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_80x24_reading_with_sidebar(app: BroadsheetApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle, press=["enter", "s"])


def test_80x24_help(app: BroadsheetApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle, press=["question_mark"])


def test_160x48_three_panes(app: BroadsheetApp, snap_compare: SnapCompare) -> None:
    assert snap_compare(app, terminal_size=(160, 48), run_before=settle)


def test_80x24_no_color(
    seeded_library: Library, snap_compare: SnapCompare, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle)


def test_80x24_highlights_screen(seeded_library: Library, snap_compare: SnapCompare) -> None:
    article = seeded_library.articles()[0]
    body = seeded_library.body(article)
    start = body.index("Taiwan Strait")
    with HighlightStore(seeded_library.paths) as highlights:
        lead = highlights.add(article, body, 0, body.index(".") + 1, note="The lead #japan")
        strait = highlights.add(article, body, start, start + len("Taiwan Strait"), "green")
        for made in (lead, strait):
            highlights.delete(made.id)
        # Fixed ids and times, so that "newest first" gives the same order on every run.
        highlights.import_highlights(
            [
                replace(lead, id="lead", created="2026-01-01T09:00:00.000Z",
                        modified="2026-01-01T09:00:00.000Z"),
                replace(strait, id="strait", created="2026-01-02T09:00:00.000Z",
                        modified="2026-01-02T09:00:00.000Z"),
            ]
        )  # fmt: skip
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle, press=["H", "down"])


def test_80x24_markdown_seed_as_written(library: Library, snap_compare: SnapCompare) -> None:
    # Headings, list items, a quote and links as the Markdown wrote them (issue 15).
    import_seeds(library, [MARKDOWN_SEED])
    app = BroadsheetApp(library, HighlightStore(library.paths))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle, press=["enter", "space"])


@pytest.fixture
def app_with_feeds(tmp_path: Path) -> BroadsheetApp:
    paths = DataPaths(tmp_path / "feeds-home")
    fill_with_feeds(paths)
    return BroadsheetApp(Library(paths, keep_entities=False), HighlightStore(paths, load=False))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_feeds_view(
    app_with_feeds: BroadsheetApp, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    # Esc from the list: All, Unread, Starred, the folders and their feeds, with counts.
    assert snap_compare(app_with_feeds, terminal_size=size, run_before=settle, press=["escape"])


def test_80x24_search_results(app: BroadsheetApp, snap_compare: SnapCompare) -> None:
    # `/`, a query, Enter: the results replace the list, their words marked there and in the
    # reader. (Enter leaves the bar, whose cursor would blink.)
    async def search(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("slash", *"japanese taiwan", "enter")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=search)


def test_80x24_painted_highlights(seeded_library: Library, snap_compare: SnapCompare) -> None:
    """A highlight of each colour in the reader (ids and times do not show, so order is moot)."""
    article = seeded_library.articles()[0]
    body = seeded_library.body(article)
    words = ["Sanae Takaichi", "extremely meaningful", "Donald Trump", "tensions", "coordinate"]
    with HighlightStore(seeded_library.paths) as highlights:
        for word, colour in zip(words, COLOURS, strict=True):
            start = body.index(word)
            highlights.add(article, body, start, start + len(word), colour)
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    assert snap_compare(app, terminal_size=(80, 24), run_before=settle, press=["enter"])


@pytest.fixture
def entity_app(paths: DataPaths) -> BroadsheetApp:
    # Fixed dates and planted counts: the page, its timeline and its company never move.
    from tests.test_entity_page_app import PLANTED, plant

    with Library(paths) as library:
        for article_id, when, named in PLANTED:
            plant(library, article_id, when, named)
        library.flush()
    return BroadsheetApp(Library(paths, keep_entities=False), HighlightStore(paths))


@pytest.mark.parametrize("size", [(80, 24), (160, 48)])
def test_entity_page(
    entity_app: BroadsheetApp, snap_compare: SnapCompare, size: tuple[int, int]
) -> None:
    async def open_page(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        screen.open_entity_page("Marta Quinlan")
        await settle(pilot)
        await settle(pilot)

    assert snap_compare(entity_app, terminal_size=size, run_before=open_page)
