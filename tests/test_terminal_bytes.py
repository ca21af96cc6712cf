"""What a keypress costs on the wire at 80x24: the screen rows Textual repaints for it.

Over SSH every repainted row is bytes, so a cursor move must repaint the rows it changes and
not the pane. The tests record the spans of each frame the screen's compositor renders
(``bench/keys.py`` measures the bytes in a real terminal).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from store.annotations import HighlightStore
from store.library import Library
from store.models import Article
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.widgets.article_list import ROW_HEIGHT, ArticleList
from tui.widgets.reader import ArticleReader
from tui.widgets.terminal_cells import compact

ARTICLES = 40


class Frames:
    """Every frame rendered while recording: the screen rows each one repaints, by column."""

    def __init__(self) -> None:
        self.recording = False
        self.spans: list[list[tuple[int, int, int]]] = []

    def rows(self, region: Region) -> set[int]:
        """Rows repainted in any recorded frame within ``region``'s columns."""
        return {
            y
            for frame in self.spans
            for y, x1, x2 in frame
            if x1 < region.right and x2 > region.x and region.y <= y < region.bottom
        }

    def clear(self) -> None:
        self.spans.clear()


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[Frames]:
    recorded = Frames()
    render_update = Compositor.render_update

    def recording(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        update = render_update(self, *args, **kwargs)
        if recorded.recording:
            if isinstance(update, ChopsUpdate):
                recorded.spans.append(update.spans)
            elif isinstance(update, LayoutUpdate):
                region = update.region
                recorded.spans.append([(y, region.x, region.right) for y in range(region.height)])
        return update

    monkeypatch.setattr(Compositor, "render_update", recording)
    yield recorded


@pytest.fixture
def app(library: Library) -> BroadsheetApp:
    for index in range(ARTICLES):
        sentences = " ".join(f"Sentence {n} of article {index} runs on a while." for n in range(40))
        article = Article(
            id=f"bytes{index:04d}",
            title=f"Headline number {index}",
            body_hash="",
            source="Test",
            published=f"2024-01-{1 + index % 28:02d}T08:00:00+00:00",
        )
        library.save(article, f"{sentences}\n\n{sentences}")
    library.flush()
    return BroadsheetApp(library, HighlightStore(library.paths))


@pytest.fixture
async def pilot(app: BroadsheetApp, frames: Frames) -> AsyncIterator[Pilot[None]]:
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        frames.recording = True
        yield pilot


def content_rows(widget: ArticleList | ArticleReader) -> range:
    region = widget.content_region
    return range(region.y, region.bottom)


async def test_list_cursor_move_repaints_only_the_two_rows(
    pilot: Pilot[None], frames: Frames
) -> None:
    article_list = pilot.app.screen.query_one(ArticleList)
    top = article_list.content_region.y
    frames.clear()
    await pilot.press("j")
    await pilot.pause()
    assert article_list.cursor == 1
    # The old cursor row and the new one, two lines each; no border, no other row.
    assert frames.rows(article_list.region) == set(range(top, top + 2 * ROW_HEIGHT))


async def test_holding_j_scrolls_the_list_half_a_page_at_a_time(
    pilot: Pilot[None], frames: Frames
) -> None:
    article_list = pilot.app.screen.query_one(ArticleList)
    visible = article_list.scrollable_content_region.height // ROW_HEIGHT
    frames.clear()
    whole_pane = 0
    for _ in range(2 * visible):
        await pilot.press("j")
        await pilot.pause()
        if set(content_rows(article_list)) <= frames.rows(article_list.region):
            whole_pane += 1
        frames.clear()
    # Scrolling a row at a time would repaint the pane on every key once the cursor reaches
    # the bottom; half a page at a time, every few keys.
    assert article_list.cursor == 2 * visible
    assert 1 <= whole_pane <= 3


async def test_reader_line_down_repaints_rows_not_the_pane(
    pilot: Pilot[None], frames: Frames
) -> None:
    await pilot.press("enter")
    await settle(pilot)
    reader = pilot.app.screen.query_one(ArticleReader)
    assert pilot.app.focused is reader
    frames.clear()
    await pilot.press("j")
    await pilot.pause()
    rows = frames.rows(reader.region)
    assert rows
    assert rows <= set(content_rows(reader))  # never the border
    assert len(rows) < len(content_rows(reader)) // 2


async def test_reader_page_down_leaves_the_border_alone(pilot: Pilot[None], frames: Frames) -> None:
    await pilot.press("enter")
    await settle(pilot)
    reader = pilot.app.screen.query_one(ArticleReader)
    frames.clear()
    await pilot.press("space")
    await pilot.pause()
    assert reader.scroll_offset.y > 0
    assert frames.rows(reader.region) == set(content_rows(reader))


def cells(strip: Strip) -> list[tuple[str, tuple[object, ...]]]:
    """Each cell as a terminal shows it: the character and, for a space, only the look."""
    shown: list[tuple[str, tuple[object, ...]]] = []
    for text, style, _ in strip:
        style = style or Style()
        for char in text:
            if char == " " and not (style.reverse or style.underline or style.strike):
                shown.append((char, (style.bgcolor,)))
            else:
                shown.append((char, (style.color, style.bgcolor, style.bold, style.reverse)))
    return shown


@pytest.mark.parametrize(
    "segments",
    [
        # Border, padding, text, trailing padding, border: as the reader draws a row.
        [
            Segment("│", Style.parse("blue on black")),
            Segment(" ", Style.parse("on black")),
            Segment("some text ", Style.parse("white on black")),
            Segment("   ", Style.parse("on black")),
            Segment("│", Style.parse("blue on black")),
        ],
        # A reversed cursor row: its spaces show the text colour, so they keep their style.
        [
            Segment("• Headline", Style.parse("bold reverse white on black")),
            Segment("  ", Style.parse("on black")),
        ],
        # An underlined sentence: the underline shows under spaces too.
        [
            Segment("word", Style.parse("underline white on black")),
            Segment(" ", Style.parse("white on black")),
            Segment("next", Style.parse("underline white on black")),
        ],
    ],
)
def test_compact_keeps_every_cell(segments: list[Segment]) -> None:
    strip = Strip(segments)
    compacted = compact(strip)
    assert cells(compacted) == cells(strip)
    assert compacted.cell_length == strip.cell_length
    assert len(list(compacted)) <= len(segments)


def test_compact_joins_padding_to_its_neighbours() -> None:
    black = Style.parse("on black")
    strip = Strip(
        [
            Segment("│", Style.parse("blue on black")),
            Segment(" ", black),
            Segment("text ", Style.parse("white on black")),
            Segment("  ", black),
        ]
    )
    assert [segment.text for segment in compact(strip)] == ["│ ", "text   "]
