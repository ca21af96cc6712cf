"""The reader shows the article as written: headings, list items with their bullets and
numbers, quotes and code laid out by kind, the credit at the end, links as OSC 8 hyperlinks;
and every offset (highlights, motions, selection) stays the canonical text's."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from textual.app import App, ComposeResult
from textual.pilot import Pilot

from store.annotations import HighlightStore
from store.ingest.importer import import_seeds
from store.library import Library
from store.models import Article
from store.structure import Block, Link, TextStructure
from tests.pilot import settle
from tests.test_blocks import MARKDOWN_SEED
from tests.test_terminal_bytes import Frames, console, frames  # noqa: F401  (a fixture)
from tui.app import BroadsheetApp
from tui.widgets.reader import ArticleReader

OSC8_OPEN = re.compile(r"\x1b\]8;id=[^;]*;([^\x1b]*)\x1b\\")


@pytest.fixture
async def reading(library: Library) -> AsyncIterator[tuple[Pilot[None], ArticleReader]]:
    """The Markdown seed open in the reader at 80x24."""
    import_seeds(library, [MARKDOWN_SEED])
    app = BroadsheetApp(library, HighlightStore(library.paths))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ArticleReader)
        assert app.focused is reader
        yield pilot, reader


def row_of(reader: ArticleReader, text: str) -> int:
    return reader.location_of(reader.body.index(text))[0]


async def test_blocks_are_laid_out_by_kind_with_prefixes_only_on_screen(
    reading: tuple[Pilot[None], ArticleReader],
) -> None:
    _, reader = reading
    body = reader.body
    assert "• " not in body and "│" not in body and "**" not in body
    item = row_of(reader, "Free coffee")
    assert reader.document[item].startswith("• Free coffee")
    assert reader.location_of(body.index("Free coffee")) == (item, 2)
    assert reader.document[row_of(reader, "We heard")].startswith("│ We heard students")
    heading = row_of(reader, "What changes")
    assert reader.document[heading] == "What changes"
    assert "bold" in str(reader.get_line(heading).spans[0].style)
    # A wrapped item's next row starts under its text; the bar goes on down a quote.
    rows = [reader.render_line(y).text for y in range(reader.size.height)]
    first = next(i for i, row in enumerate(rows) if row.startswith("• Free coffee"))
    assert rows[first + 1].startswith("  ") and rows[first + 1][2] != " "
    reader.scroll_to(y=reader.wrapped_document.location_to_offset((row_of(reader, "We"), 0)).y,
                     animate=False)  # fmt: skip
    rows = [reader.render_line(y).text for y in range(reader.size.height)]
    quote = next(i for i, row in enumerate(rows) if row.startswith("│ We heard"))
    assert rows[quote + 1].startswith("│ ")
    # A cursor inside a prefix is at its block's start.
    assert reader.body_offset_at((item, 0)) == reader.body_offset_at((item, 2))


@pytest.mark.parametrize(("quote", "keys"), [("Free coffee", "vweh"), ("What", "veh")])
async def test_a_highlight_made_in_a_list_item_or_heading_is_the_canonical_span(
    reading: tuple[Pilot[None], ArticleReader], quote: str, keys: str
) -> None:
    pilot, reader = reading
    start = reader.body.index(quote)
    reader.move_to_offset(start)
    await pilot.press(*keys)
    await settle(pilot)
    app = pilot.app
    assert isinstance(app, BroadsheetApp)
    [made] = app.highlights.all()
    assert (made.start, made.end, made.exact) == (start, start + len(quote), quote)
    assert reader.body[made.start : made.end] == quote
    # Painted on exactly those cells, after the bullet.
    row, column = reader.location_of(start)
    painted = reader.get_line(row)
    backgrounds = [s for s in painted.spans if "on " in str(s.style) and s.start >= column]
    assert (backgrounds[0].start, backgrounds[-1].end) == (column, column + len(quote))
    # Motions from there move in canonical offsets too: the next word is 5 on.
    reader.move_to_offset(start)
    await pilot.press("w")
    assert reader.cursor_offset == start + len("What ")


async def test_the_credit_is_shown_at_the_end_not_in_the_text(seeded_library: Library) -> None:
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        reader = app.screen.query_one(ArticleReader)
        view = reader.document_view
        assert view.credit_row == reader.document.line_count - 1
        assert reader.document[view.credit_row] == "With inputs from agencies"
        assert "agencies" not in reader.body
        assert view.article is not None and view.article.standfirst.endswith("its own.")


class ReaderApp(App[None]):
    def compose(self) -> ComposeResult:
        yield ArticleReader(id="reader")


async def test_links_are_written_as_osc8_and_only_http_ones(frames: Frames) -> None:  # noqa: F811
    body = "See the plans, the budget and the form."
    links = (
        Link(body.index("the plans"), body.index(", the budget"), "https://harbour.example/plans"),
        Link(body.index("the budget"), body.index(" and"), "javascript:alert(1)"),
        Link(body.index("the form"), len(body) - 1, "https://evil.example/\x1b]52;c;eA==\x07"),
    )
    structure = TextStructure((Block("paragraph", 0, len(body)),), links)
    app = ReaderApp()
    async with app.run_test(size=(80, 24)) as pilot:
        reader = app.query_one(ArticleReader)
        frames.recording = True
        reader.show_article(Article(id="a", title="Plans", body_hash="h"), body, structure)
        await pilot.pause()
        await pilot.pause()
        written = "".join(update.render_segments(console("256")) for update in frames.updates)
    assert set(OSC8_OPEN.findall(written)) == {"https://harbour.example/plans"}
    opened = written.index("https://harbour.example/plans\x1b\\")
    assert written[opened:].split("\x1b]8;;\x1b\\", 1)[0].endswith("the plans\x1b[0m")
    assert "javascript" not in written and "evil.example" not in written
    assert "the budget" in written and "the form" in written  # the text just shows
