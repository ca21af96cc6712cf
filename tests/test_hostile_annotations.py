"""Text that reached the store unclean never reaches the terminal (issue 13, bug 1), and a
damaged highlight record does not stop the app (bug 7).

Imports and typed notes are cleaned on the way in (tests/test_cli_annotations.py,
tests/test_highlight_store.py); these tests put escape sequences straight into the files, as
an older version or a hand edit could, and read what each widget would send to the terminal.
"""

from __future__ import annotations

import re
import sys
from typing import Any

import orjson
import pytest
from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import OptionList, Static, TextArea

from store.annotations import HighlightStore
from store.library import Library
from store.models import Article, EntitySummary
from store.paths import DataPaths
from store.text import display_line, escape_json_controls, mask_controls, strip_controls
from store.views import View, ViewCount, ViewKind
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.cli.common import control_free_stdout
from tui.screens.highlights import HighlightsScreen
from tui.screens.note_editor import NoteEditor
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.feeds_view import FeedsView
from tui.widgets.reader import ArticleReader

# An OSC 52 clipboard write, a retitle, a screen clear, an 8-bit CSI, a bidi override and
# a right-to-left isolate: what the probe of issue 13 sent, and its 8-bit and bidi cousins.
PAYLOAD = "\x1b]52;c;cHduZWQ=\x07\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e\u2067"
# Anything a terminal acts on, or that reorders what it shows; tab and newline are text.
CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")


def shown(widget: Widget) -> str:
    """What the widget sends to the terminal, line by line, as text."""
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def plant(paths: DataPaths, **fields: Any) -> dict[str, Any]:
    """Write a highlight record into the journal as it is, past every check on the way in."""
    record: dict[str, Any] = {
        "id": "planted",
        "article_id": "a",
        "article_title": "Headline",
        "article_url": None,
        "start": 0,
        "end": 5,
        "exact": "Quote",
        "prefix": "",
        "suffix": "",
        "body_hash": "",
        "created": "2025-01-31T09:00:00.000Z",
        "modified": "2025-01-31T09:00:00.000Z",
        "note": "",
        "tags": [],
        "colour": "yellow",
        "orphaned": True,
        "orphan_reason": "article not in library",
    }
    record.update(fields)
    journal = paths.annotations_db.with_suffix(".journal")
    if not journal.exists():
        journal.parent.mkdir(parents=True, exist_ok=True)
        journal.write_bytes(b'{"journal":1,"generation":0}\n')
    with journal.open("ab") as stream:
        stream.write(orjson.dumps({"batch": [{"put": record}]}) + b"\n")
    return record


HOSTILE = {
    "exact": f"The quote{PAYLOAD} itself",
    "note": f"a note{PAYLOAD}\nsecond line",
    "tags": [f"tag{PAYLOAD}"],
    "article_title": f"Title{PAYLOAD}",
    "orphan_reason": f"reason{PAYLOAD}",
}


async def test_the_highlights_screen_shows_stored_escapes_as_plain_text(
    seeded_library: Library,
) -> None:
    plant(seeded_library.paths, **HOSTILE)
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("H")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HighlightsScreen)
        listed = shown(screen.query_one("#highlights-list", OptionList))
    assert "The quote itself" in listed and "a note" in listed and "#tag" in listed
    assert "Title" in listed and "PWNED" not in listed
    assert not CONTROLS.search(listed)


async def test_the_note_editor_shows_and_saves_a_note_without_escapes(
    seeded_library: Library,
) -> None:
    plant(seeded_library.paths, **HOSTILE)
    with HighlightStore(seeded_library.paths) as store:
        [highlight] = store.all()
    results: list[str | None] = []
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        app.push_screen(NoteEditor(highlight), results.append)
        await pilot.pause()
        editor = pilot.app.screen
        assert isinstance(editor, NoteEditor)
        text = shown(editor.query_one("#note-text", TextArea))
        quote = shown(editor.query_one("#note-quote", Static))
        assert "a note" in text and "The quote" in quote
        assert not CONTROLS.search(text + quote)
        # Nothing typed: Esc closes without asking, as for any unchanged note.
        await pilot.press("escape")
        await pilot.pause()
        assert results == [None]
        app.push_screen(NoteEditor(highlight), results.append)
        await pilot.pause()
        await pilot.press("end", *"!", "ctrl+s")
        await pilot.pause()
    assert results[-1] == "a note\nsecond line!"


async def test_a_damaged_record_does_not_stop_the_app(seeded_library: Library) -> None:
    plant(seeded_library.paths, id="good", note="still here")
    plant(seeded_library.paths, id="bad", colour="orange")
    app = BroadsheetApp(seeded_library, HighlightStore(seeded_library.paths))
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        assert app.stopped_for is None and app.is_running
        await pilot.press("H")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, HighlightsScreen)
        assert [h.id for h in screen.shown] == ["good"]


async def test_the_article_list_shows_stored_escapes_as_plain_text(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(
            Article(
                id="hostile",
                title=f"Headline{PAYLOAD}",
                body_hash="",
                source=f"Source{PAYLOAD}",
                published=f"2025{PAYLOAD}-01-31",
            ),
            "Body.",
        )
    library = Library(paths)
    app = BroadsheetApp(library, HighlightStore(paths))
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            listed = shown(pilot.app.screen.query_one(ArticleList))
    finally:
        library.close()
    assert "Headline" in listed and "Source" in listed and not CONTROLS.search(listed)


class Sidebars(App[None]):
    def compose(self) -> ComposeResult:
        yield EntitySidebar(id="entities")
        yield FeedsView(id="views")


async def test_the_entity_sidebar_and_feeds_view_show_stored_escapes_as_plain_text() -> None:
    app = Sidebars()
    async with app.run_test(size=(60, 20)) as pilot:
        sidebar = app.query_one(EntitySidebar)
        sidebar.entities = (EntitySummary(f"Name{PAYLOAD}", "PERSON", 2, 0),)
        views = app.query_one(FeedsView)
        feed = View(ViewKind.FEED, key="f", title=f"Feed{PAYLOAD}")
        views.show_counts([ViewCount(feed, unread=1, total=2)], feed)
        await pilot.pause()
        text = shown(sidebar) + shown(views)
    assert "Name" in text and "Feed" in text and not CONTROLS.search(text)


# The helpers in store/text.py that the widgets, the CLI and the exports use.


def test_display_line_passes_printable_text_and_cleans_the_rest() -> None:
    headline = "Café “quoted” — 東京 🙂"
    assert display_line(headline) is headline
    assert display_line(f"a{PAYLOAD}b\nc\td") == "ab c d"


def test_mask_controls_keeps_every_offset() -> None:
    text = f"a{PAYLOAD}b\nc"
    masked = mask_controls(text)
    assert len(masked) == len(text) and masked.index("b") == text.index("b")
    assert not CONTROLS.search(masked) and masked.endswith("b\nc")


def test_json_escapes_are_the_same_value_but_inert() -> None:
    value = {"note": f"x{PAYLOAD}\u2028\x7fy"}
    document = orjson.dumps(value)
    escaped = escape_json_controls(document)
    assert orjson.loads(escaped) == value
    assert not CONTROLS.search(escaped.decode())
    assert b"\\u009b" in escaped and b"\\u202e" in escaped and b"\\u007f" in escaped
    assert strip_controls(value["note"]) == "x\u2028y"


def test_the_output_guard_cleans_a_plain_print(capsys: pytest.CaptureFixture[str]) -> None:
    with control_free_stdout():
        print(f"Headline{PAYLOAD}", "\tnext")
        sys.stdout.flush()
        assert sys.stdout.isatty() is False  # the rest is the wrapped stream's own
    print("\x1b[0m after")  # the guard is gone with the block
    assert capsys.readouterr().out == "Headline \tnext\n\x1b[0m after\n"


async def test_the_reader_and_notifications_show_stored_escapes_as_plain_text(
    paths: DataPaths,
) -> None:
    with Library(paths) as library:
        library.save(
            Article(
                id="hostile",
                title=f"Headline{PAYLOAD}",
                body_hash="",
                source="Wire",
                standfirst=f"Standfirst{PAYLOAD}",
            ),
            "Body.",
        )
    library = Library(paths)
    app = BroadsheetApp(library, HighlightStore(paths))
    try:
        async with app.run_test(size=(100, 40)) as pilot:
            await settle(pilot)
            reader = pilot.app.screen.query_one(ArticleReader)
            document = reader.text
            pilot.app.notify(f"Saved{PAYLOAD}", title=f"Title{PAYLOAD}")
            await pilot.pause()
            notice = pilot.app._notifications
            said = [(n.message, n.title) for n in notice]
    finally:
        library.close()
    assert "Headline" in document and "Standfirst" in document
    assert not CONTROLS.search(document)
    assert ("Saved", "Title") in said
