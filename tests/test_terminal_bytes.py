"""What a keypress costs on the wire at 80x24: the screen rows Textual repaints for it.

Over SSH every repainted row is bytes, so a cursor move must repaint the rows it changes and
not the pane. The tests record each frame the screen's compositor renders: the spans it
repaints, and the bytes it comes to written as the driver writes it, in 256 colours
(``bench/keys.py`` measures the same bytes in a real terminal).
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any, Literal

import pytest
from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual._compositor import ChopsUpdate, Compositor, CompositorUpdate, LayoutUpdate
from textual.app import App
from textual.geometry import Region
from textual.pilot import Pilot
from textual.strip import Strip

from bench.keys import synthetic_articles
from store.annotations import HighlightStore
from store.library import Library
from store.models import Article
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.widgets.article_list import ROW_HEIGHT, ArticleList
from tui.widgets.reader import ArticleReader
from tui.widgets.terminal_cells import DeltaStrip, compact

ARTICLES = 40
BENCH_ARTICLES = 3
PAGE_DOWN_TARGET = 2_000
"""Bytes per reader Space at 80x24, the target ``bench/keys.py`` measures against."""


ColourSystem = Literal["standard", "256", "truecolor"]


def console(color_system: ColourSystem) -> Console:
    """A console writing as Textual's driver does to a terminal of this many colours."""
    return Console(color_system=color_system, force_terminal=True, width=80, height=24)


class Frames:
    """Every frame rendered while recording: the screen rows each one repaints, by column."""

    def __init__(self) -> None:
        self.recording = False
        self.spans: list[list[tuple[int, int, int]]] = []
        self.updates: list[CompositorUpdate] = []

    def rows(self, region: Region) -> set[int]:
        """Rows repainted in any recorded frame within ``region``'s columns."""
        return {
            y
            for frame in self.spans
            for y, x1, x2 in frame
            if x1 < region.right and x2 > region.x and region.y <= y < region.bottom
        }

    def wire_bytes(self, app: App[Any]) -> int:
        """The bytes the recorded frames come to on the wire: as ``App._display`` writes them
        to an xterm-256color terminal (no COLORTERM), then the cursor moved to its place, and
        each newline sent as CR LF by the terminal's line discipline."""
        cursor = Control.move_to(*app.cursor_position).segment.text
        written = "".join(
            update.render_segments(console("256")) + cursor for update in self.updates
        )
        return len(written.replace("\n", "\r\n").encode())

    def clear(self) -> None:
        self.spans.clear()
        self.updates.clear()


@pytest.fixture
def frames(monkeypatch: pytest.MonkeyPatch) -> Iterator[Frames]:
    recorded = Frames()
    render_update = Compositor.render_update

    def recording(self: Compositor, *args: Any, **kwargs: Any) -> Any:
        update = render_update(self, *args, **kwargs)
        if recorded.recording and update is not None:
            recorded.updates.append(update)
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


@pytest.fixture
async def reading_bench(library: Library, frames: Frames) -> AsyncIterator[Pilot[None]]:
    """The benchmark's articles, read as it reads them: an article opened, a few lines down."""
    for article, body in synthetic_articles(BENCH_ARTICLES):
        library.save(article, body)
    library.flush()
    app = BroadsheetApp(library, HighlightStore(library.paths))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press(*"jjjjj")
        await pilot.pause()
        frames.recording = True
        yield pilot


async def test_reader_page_down_costs_less_than_the_target(
    reading_bench: Pilot[None], frames: Frames
) -> None:
    pages = []
    for _ in range(2):
        frames.clear()
        await reading_bench.press("space")
        await reading_bench.pause()
        pages.append(frames.wire_bytes(reading_bench.app))
    # A page is 21 rows of text, half of them underlined as the sentence under the cursor:
    # ~2,160 bytes with every segment written in full and a stray cursor move on every row.
    assert sum(pages) / len(pages) <= PAGE_DOWN_TARGET


async def test_reader_page_down_shows_what_textual_would_write(
    reading_bench: Pilot[None], frames: Frames
) -> None:
    frames.clear()
    await reading_bench.press("space")
    await reading_bench.pause()
    [update] = frames.updates
    assert isinstance(update, ChopsUpdate)
    plain = ChopsUpdate(
        [
            {
                x: None if strip is None else Strip(list(strip), strip.cell_length)
                for x, strip in line.items()
            }
            for line in update.chops
        ],
        update.spans,
        update.chop_ends,
    )
    ours, textuals = (screen_of(each.render_segments(console("256"))) for each in (update, plain))
    assert ours == textuals
    assert len(ours) > 20 * 40  # the page, not an empty frame


async def test_reader_rows_end_without_a_stray_cursor_move(
    reading_bench: Pilot[None], frames: Frames
) -> None:
    frames.clear()
    await reading_bench.press("space")
    await reading_bench.pause()
    written = frames.updates[0].render_segments(console("256"))
    # Textual moves the cursor to where the next widget's cells start, with nothing to write
    # there, when a repaint ends where they start: the reader holds its right padding so that
    # a repaint of its text ends inside it.
    assert not re.search(r"\x1b\[\d+;\d+H(\n|\x1b\[\d+;\d+H)", written)


async def test_the_terminal_ends_up_showing_the_screen(
    reading_bench: Pilot[None], frames: Frames
) -> None:
    app = reading_bench.app

    def full_repaint() -> dict[tuple[int, int], tuple[str, Pen]]:
        # Textual's own rendering of every cell, as after a resize.
        strips = app.screen._compositor.render_strips()
        update = LayoutUpdate([[strip] for strip in strips], app.screen.size.region)
        return screen_of(update.render_segments(console("256")))

    screen = full_repaint()
    for key in ["space", "j", "v", "j", "j", "space", "escape", "j", "space"]:
        frames.clear()
        await reading_bench.press(key)
        await reading_bench.pause()
        for update in frames.updates:
            screen.update(screen_of(update.render_segments(console("256"))))
    assert screen == full_repaint()


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


# What a terminal shows for what is written to it


Pen = tuple[frozenset[int], tuple[str, ...], tuple[str, ...]]
"""The attributes a terminal draws with: the attributes on, the text and background colours."""
PLAIN: Pen = (frozenset(), (), ())
ATTRIBUTES_ON = {1, 2, 3, 4, 5, 6, 7, 8, 9, 21, 51, 52, 53}
ATTRIBUTES_OFF = {22: {1, 2}, 23: {3}, 24: {4, 21}, 25: {5, 6}, 27: {7}, 28: {8}, 29: {9}}
ATTRIBUTES_OFF |= {54: {51, 52}, 55: {53}}
INK_ON_A_SPACE = {4, 7, 9, 21, 51, 52, 53}
"""Underlines, reverse, strike, frames, overline: the text colour shows on a space."""
SEQUENCE = re.compile(r"\x1b\[(\d+);(\d+)H|\x1b\[([\d;]*)m|\n|[^\x1b\n]")


def pen_after(pen: Pen, parameters: str) -> Pen:
    """The pen after an SGR sequence, as ECMA-48 and xterm define the codes Rich writes."""
    attributes, colour, background = set(pen[0]), pen[1], pen[2]
    codes = parameters.split(";") if parameters else ["0"]
    index = 0
    while index < len(codes):
        code = int(codes[index])
        if code == 0:
            attributes, colour, background = set(), (), ()
        elif code in ATTRIBUTES_ON:
            attributes.add(code)
        elif code in ATTRIBUTES_OFF:
            attributes -= ATTRIBUTES_OFF[code]
        elif code in (38, 48):
            length = 3 if codes[index + 1] == "5" else 5
            chosen = tuple(codes[index : index + length])
            index += length - 1
            if code == 38:
                colour = chosen
            else:
                background = chosen
        elif code == 39:
            colour = ()
        elif code == 49:
            background = ()
        elif 30 <= code <= 37 or 90 <= code <= 97:
            colour = (str(code),)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            background = (str(code),)
        else:
            raise AssertionError(f"unexpected SGR code {code}")
        index += 1
    return frozenset(attributes), colour, background


def shown(char: str, pen: Pen) -> Pen:
    """What a terminal shows of the pen a character is drawn with: of a space, only the
    background, unless the text colour shows on it."""
    if char == " " and not pen[0] & INK_ON_A_SPACE:
        return frozenset(), (), pen[2]
    return pen


def screen_of(written: str) -> dict[tuple[int, int], tuple[str, Pen]]:
    """Each cell written to a screen (from the top left, in plain attributes), as a terminal
    shows it: the character and what shows of the pen it was drawn with."""
    cells: dict[tuple[int, int], tuple[str, Pen]] = {}
    x = y = 0
    pen = PLAIN
    for match in SEQUENCE.finditer(written):
        row, column, parameters = match.groups()
        if row is not None:
            x, y = int(column) - 1, int(row) - 1
        elif parameters is not None:
            pen = pen_after(pen, parameters)
        elif match.group() == "\n":
            x, y = 0, y + 1
        else:
            cells[x, y] = (match.group(), shown(match.group(), pen))
            x += 1
    cells[-1, -1] = ("end", pen)  # the attributes left for whatever is written next
    return cells


colour_names = st.sampled_from(
    [None, "default", "red", "bright_cyan", "color(253)", "#1e1e1e", "#e0e0e0"]
)
flags = st.sampled_from([None, False, True])
styles = st.builds(
    Style,
    color=colour_names,
    bgcolor=colour_names,
    bold=flags,
    dim=flags,
    italic=flags,
    underline=flags,
    blink=flags,
    blink2=flags,
    reverse=flags,
    conceal=flags,
    strike=flags,
    underline2=flags,
    frame=flags,
    encircle=flags,
    overline=flags,
)
rows = st.lists(
    st.builds(Segment, st.text(alphabet="ab ", max_size=3), st.none() | styles), max_size=8
)


@given(rows, st.sampled_from(["standard", "256", "truecolor"]))
def test_delta_strip_shows_what_textual_writes(
    segments: list[Segment], system: ColourSystem
) -> None:
    ours = DeltaStrip(segments).render(console(system))
    textuals = Strip(segments).render(console(system))
    assert screen_of(ours) == screen_of(textuals)
    assert screen_of(ours)[-1, -1] == ("end", PLAIN)
    assert len(ours) <= len(textuals)


def test_delta_strip_ends_an_underline_without_a_reset() -> None:
    # A row of the sentence under the reading cursor: underlined text, then plain padding.
    text = Style.parse("color(253) on color(234)")
    strip = DeltaStrip([Segment("a sentence ", text + Style(underline=True)), Segment("   ", text)])
    assert strip.render(console("256")) == (
        "\x1b[4;38;5;253;48;5;234ma sentence \x1b[24m   \x1b[0m"
    )


def test_delta_strip_stays_one_when_the_compositor_cuts_it() -> None:
    strip = DeltaStrip([Segment("abc ", Style(underline=True)), Segment("def", Style(bold=True))])
    assert isinstance(strip.crop(1, 5), DeltaStrip)
    assert all(isinstance(part, DeltaStrip) for part in strip.divide([2, 7]))
    assert isinstance(DeltaStrip.of(strip), DeltaStrip)
