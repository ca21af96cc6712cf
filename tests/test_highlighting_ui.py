"""Highlighting and notes from the keyboard, checked against what is stored on disk."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from textual.pilot import Pilot

from store.annotations import HighlightStore
from store.library import Library
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.screens.highlights import HighlightsScreen
from tui.screens.main import MainScreen
from tui.screens.note_editor import ConfirmDiscard, NoteEditor
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import ArticleReader


def stored(library: Library) -> HighlightStore:
    """A second, independent view of the annotations file: what is really on disk."""
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


async def test_h_highlights_the_current_sentence(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    reader = reader_of(pilot)
    sentence = reader.current_sentence  # the cursor starts on the first sentence
    assert sentence is not None
    await pilot.press("h")
    await settle(pilot)
    saved = stored(seeded_library).all()
    assert len(saved) == 1
    assert saved[0].exact == reader.body[sentence[0] : sentence[1]]
    assert saved[0].exact.startswith("Japanese Prime Minister Sanae Takaichi held")
    assert saved[0].colour == "yellow"
    assert [h.id for h in reader.highlights] == [saved[0].id]
    article_list = pilot.app.screen.query_one(ArticleList)
    assert article_list.highlight_counts == {saved[0].article_id: 1}


async def test_v_selects_by_word_and_colour_key_applies(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    # `e` lands on a word's last letter, which the selection includes (as vi's does).
    await pilot.press("2", "v", "e", "e", "e", "h")
    await settle(pilot)
    (highlight,) = stored(seeded_library).all()
    assert highlight.exact == "Japanese Prime Minister"
    assert highlight.colour == "green"


async def test_note_with_tags_is_saved(pilot: Pilot[None], seeded_library: Library) -> None:
    await pilot.press("h")
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()
    assert isinstance(pilot.app.screen, NoteEditor)
    await pilot.press(*"Key quote", "enter", *"#japan #diplomacy")
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MainScreen)
    (highlight,) = stored(seeded_library).all()
    assert highlight.note == "Key quote\n#japan #diplomacy"
    assert highlight.tags == ("japan", "diplomacy")


async def test_a_without_a_highlight_highlights_then_asks_for_the_note(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press(")", "a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoteEditor)
    assert len(stored(seeded_library)) == 0  # written with its note, not before
    await pilot.press(*"Why #taiwan", "ctrl+s")
    await settle(pilot)
    (highlight,) = stored(seeded_library).all()
    assert highlight.note == "Why #taiwan" and highlight.tags == ("taiwan",)
    assert [h.id for h in reader_of(pilot).highlights] == [highlight.id]


async def test_a_then_cancel_leaves_no_highlight(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press(")", "a")
    await settle(pilot)
    assert isinstance(pilot.app.screen, NoteEditor)
    await pilot.press("escape")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MainScreen)
    assert len(stored(seeded_library)) == 0
    assert reader_of(pilot).highlights == []
    await pilot.press("u")  # nothing was made, so nothing to undo
    await settle(pilot)
    assert len(stored(seeded_library)) == 0


async def test_escape_with_typed_text_asks_before_discarding(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press("h")
    await settle(pilot)
    await pilot.press("a", *"draft", "escape")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmDiscard)
    await pilot.press("n")
    assert isinstance(pilot.app.screen, NoteEditor)
    await pilot.press("escape", "y")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MainScreen)
    (highlight,) = stored(seeded_library).all()
    assert highlight.note == ""


async def test_x_deletes_and_u_undoes(pilot: Pilot[None], seeded_library: Library) -> None:
    await pilot.press("h")
    await settle(pilot)
    (made,) = stored(seeded_library).all()
    await pilot.press("x")
    await settle(pilot)
    assert len(stored(seeded_library)) == 0
    assert reader_of(pilot).highlights == []
    await pilot.press("u")
    await settle(pilot)
    (restored,) = stored(seeded_library).all()
    assert restored == made


async def test_brackets_jump_between_highlights(pilot: Pilot[None]) -> None:
    reader = reader_of(pilot)
    await pilot.press("h", ")", ")", "h")
    await settle(pilot)
    starts = sorted(h.start for h in reader.highlights)
    assert len(starts) == 2
    await pilot.press("g", "]")
    assert reader.cursor_offset == starts[0]
    await pilot.press("]")
    assert reader.cursor_offset == starts[1]
    await pilot.press("[")
    assert reader.cursor_offset == starts[0]


async def test_highlights_screen_filters_and_opens_the_article(pilot: Pilot[None]) -> None:
    reader = reader_of(pilot)
    await pilot.press("h", "}", "}", "h")
    await settle(pilot)
    await pilot.press("escape", "H")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, HighlightsScreen)
    assert len(screen.shown) == 2
    await pilot.press(*"Strait")
    await pilot.pause()
    assert len(screen.shown) == 1
    target = screen.shown[0]
    assert "Taiwan Strait" in target.exact
    await pilot.press("enter", "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, MainScreen)
    assert pilot.app.focused is reader
    assert reader.cursor_offset == target.start


async def test_export_from_the_highlights_screen_writes_markdown(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press("h")
    await settle(pilot)
    await pilot.press("a", *"Worth keeping #japan", "ctrl+s")
    await settle(pilot)
    await pilot.press("escape", "H")
    await settle(pilot)
    await pilot.press("ctrl+e")
    await settle(pilot)
    exported = list((seeded_library.paths.exports_dir).glob("*.md"))
    assert len(exported) == 1
    text = exported[0].read_text(encoding="utf-8")
    assert "> Japanese Prime Minister Sanae Takaichi held" in text
    assert "Worth keeping #japan" in text
    messages = [n.message for n in pilot.app._notifications]
    assert any(exported[0].name in message for message in messages)


async def test_h_on_the_headline_asks_to_move_into_the_text(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    reader = reader_of(pilot)
    await pilot.press("g")
    assert reader.current_sentence is None
    await pilot.press("h")
    await settle(pilot)
    assert len(stored(seeded_library)) == 0
    assert any("Move the cursor into the text" in n.message for n in pilot.app._notifications)


async def test_close_paren_between_paragraphs_moves_past_the_underlined_sentence(
    pilot: Pilot[None],
) -> None:
    reader = reader_of(pilot)
    first = reader.current_sentence
    assert first is not None
    paragraph_end = reader.body.index("\n\n")
    reader.move_to_offset(paragraph_end + 1)  # the blank line between paragraphs
    underlined = reader.current_sentence
    assert underlined is not None and underlined[0] == paragraph_end + 2
    await pilot.press(")")
    after = reader.current_sentence
    assert after is not None and after[0] > underlined[0]


async def test_v_then_arrows_extend_the_selection_by_character(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    await pilot.press("v", "right", "right", "right", "right", "right", "right", "right", "h")
    await settle(pilot)
    (highlight,) = stored(seeded_library).all()
    assert highlight.exact == "Japanese"  # the letter under the cursor is selected too


async def test_mouse_selection_then_h_highlights_it(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    reader = reader_of(pilot)
    x, y = reader.wrapped_document.location_to_offset(reader.location_of(0))
    # Drag across "Japanese Prime" as a person would. The reader's border and padding are
    # its frame's: its content starts at its own top-left corner.
    start = (x, y - reader.scroll_offset.y)
    end = (start[0] + len("Japanese Prime"), start[1])
    await pilot.mouse_down(reader, offset=start)
    await pilot.hover(reader, offset=end)
    await pilot.mouse_up(reader, offset=end)
    await pilot.pause()
    assert reader.selected_span == (0, len("Japanese Prime"))
    await pilot.press("h")
    await settle(pilot)
    (highlight,) = stored(seeded_library).all()
    assert highlight.exact == "Japanese Prime"


async def test_highlights_whose_text_is_gone_show_as_orphans(seeded_library: Library) -> None:
    article = seeded_library.articles()[0]
    body = seeded_library.body(article)
    with HighlightStore(seeded_library.paths) as highlights:
        start = body.index("Taiwan Strait")
        highlights.add(article, body, start, start + len("Taiwan Strait, one of the world"))
    # A re-fetch brings a text that no longer has the passage.
    passage = "into the Taiwan Strait, one of the world’s busiest shipping lanes,"
    new_body = body.replace(passage, "")
    seeded_library.save(article, new_body)
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("enter")  # opening the article places its highlights again
        await settle(pilot)
        assert reader_of(pilot).highlights == []
        await pilot.press("escape", "H")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HighlightsScreen)
        (orphan,) = screen.shown
        assert orphan.orphaned and orphan.exact.startswith("Taiwan Strait")
        count = str(screen.query_one("#highlights-count").render())
        assert "1 not found in their article's text" in count


async def test_an_export_folder_that_cannot_be_written_is_named(
    pilot: Pilot[None], seeded_library: Library
) -> None:
    blocker = seeded_library.paths.home / "not-a-folder"
    blocker.write_text("a file", encoding="utf-8")
    seeded_library.paths.settings_file.write_text(
        f'export_dir = "{blocker / "exports"}"\n', encoding="utf-8"
    )
    await pilot.press("h")
    await settle(pilot)
    await pilot.press("escape", "H")
    await settle(pilot)
    await pilot.press("ctrl+e")
    await settle(pilot)
    failures = [n.message for n in pilot.app._notifications if n.title == "Export failed"]
    assert failures and f"cannot write to {blocker / 'exports'}" in failures[0]
    assert ".tmp" not in failures[0]
