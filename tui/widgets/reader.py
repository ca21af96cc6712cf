"""The reader: an article as a read-only document with a reading cursor.

Highlights, the current sentence and entity mentions are painted in ``get_line`` from
component classes, so their colours come from the theme.

A cursor move repaints only the rows it changes (the cursor's, and the sentence it leaves and
the one it enters), not the whole pane: over SSH each repainted row is bytes on the wire.

A very long body is shown up to :data:`~tui.widgets.reader_document.SHOWN_CHARACTERS`
(``shown_body``); motions, selection and painting stay within what is shown, while ``body``
stays the whole canonical text that highlights are made on. A missing text shows a notice
instead, and the reader asks (:class:`ArticleReader.TextMissing`) for it to be fetched again.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cached_cell_len
from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.geometry import Region
from textual.message import Message
from textual.reactive import Reactive, reactive, var
from textual.strip import Strip
from textual.widgets import TextArea
from textual.widgets.text_area import Location, Selection

from store.annotations import COLOURS, Colour, Highlight
from store.models import Article
from store.structure import TextStructure
from store.text import paragraph_spans
from tui import motions
from tui.messages import CopyLinkRequested, OpenLinkRequested
from tui.screens.links import LinksScreen, link_entries
from tui.widgets.block_text_area import BlockTextArea
from tui.widgets.reader_document import ReaderDocument
from tui.widgets.terminal_cells import compact_lines, move_thumb

Span = tuple[int, int]


@dataclass(frozen=True)
class Painted:
    """What the reading cursor has painted on screen, to know which rows a move changes."""

    selection: Selection
    sentence: Span | None
    bracket: Location | None


class ArticleReader(BlockTextArea):
    """A read-only TextArea with a reading cursor, painting headline, highlights and mentions.

    Highlight commands are reported up as messages; the screen does the (durable) writing and
    hands the result back through ``highlights``.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back", id="reader.back"),
        Binding("space,pagedown", "read_on", "Read on", id="reader.page_down", show=False),
        Binding("pageup", "read_back", "Page up", id="reader.page_up", show=False),
        Binding("j", "cursor_down", "Line down", id="reader.line_down", show=False),
        Binding("k", "cursor_up", "Line up", id="reader.line_up", show=False),
        Binding("w", "word(1)", "Next word", id="reader.next_word", show=False),
        Binding("b", "word(-1)", "Previous word", id="reader.previous_word", show=False),
        Binding("e", "word_end", "End of word", id="reader.word_end", show=False),
        Binding(")", "sentence(1)", "Next sentence", id="reader.next_sentence", show=False),
        Binding(
            "(", "sentence(-1)", "Previous sentence", id="reader.previous_sentence", show=False
        ),
        Binding("}", "paragraph(1)", "Next paragraph", id="reader.next_paragraph", show=False),
        Binding(
            "{", "paragraph(-1)", "Previous paragraph", id="reader.previous_paragraph", show=False
        ),
        Binding("g", "top", "Top", id="reader.top", show=False),
        Binding("G", "bottom", "Bottom", id="reader.bottom", show=False),
        Binding("v", "toggle_selecting", "Select", id="reader.select", show=False),
        Binding("h", "highlight", "Highlight", id="reader.highlight"),
        Binding("a", "note", "Note", id="reader.note"),
        Binding("x", "delete_highlight", "Delete highlight", id="reader.delete", show=False),
        Binding("u", "undo", "Undo", id="reader.undo", show=False),
        Binding("o", "open_link", "Open link (copy over SSH)", id="links.open", show=False),
        Binding("y", "copy_link", "Copy link", id="links.copy", show=False),
        Binding("L", "links", "Links in the article", id="reader.links", show=False),
        Binding("]", "jump_highlight(1)", "Next highlight", id="reader.next_highlight", show=False),
        Binding(
            "[",
            "jump_highlight(-1)",
            "Previous highlight",
            id="reader.previous_highlight",
            show=False,
        ),
        *[
            Binding(
                str(number),
                f"colour('{colour}')",
                f"Colour: {colour}",
                id=f"reader.colour_{number}",
                show=False,
            )
            for number, colour in enumerate(COLOURS, 1)
        ],
    ]

    DEFAULT_CSS = """
    ArticleReader > .reader--notice {
        color: $text-warning;
        text-style: bold;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--notice",
        "reader--headline",
        "reader--standfirst",
        "reader--meta",
        "reader--heading",
        "reader--item",
        "reader--quote",
        "reader--preformatted",
        "reader--marker",
        "reader--link",
        "reader--mention",
        "reader--search-match",
        "reader--sentence",
        *(f"reader--highlight-{colour}" for colour in COLOURS),
    }

    selection: Reactive[Selection] = reactive(
        Selection(), init=False, always_update=True, repaint=False
    )
    """TextArea's selection, without its repaint of the whole pane on every move:
    ``watch_selection`` repaints the rows that changed."""
    highlights: var[list[Highlight]] = var(list, always_update=True)
    """The current article's placed highlights (offsets into the canonical text)."""
    colour: var[Colour] = var[Colour]("yellow")
    """The colour the next highlight gets (keys 1–5)."""
    selecting: var[bool] = var(False)
    search_marks: var[list[Span]] = var(list, always_update=True)
    """Where the words of the search shown fall in the text (canonical offsets): n/N jump
    between them while a search is shown."""

    class Back(Message):
        """The user wants to return to the article list."""

    @dataclass
    class HighlightRequested(Message):
        start: int
        end: int
        colour: Colour
        then_note: bool = False

    @dataclass
    class NoteRequested(Message):
        highlight: Highlight

    @dataclass
    class DeleteRequested(Message):
        highlight: Highlight

    @dataclass
    class RecolourRequested(Message):
        highlight: Highlight
        colour: Colour

    class UndoRequested(Message):
        """Undo the last highlight change."""

    @dataclass
    class TextMissing(Message):
        """The article on show has no text in the store: fetch it again if that can be done
        (then show it anew), else say why with :meth:`ArticleReader.say_missing_text`."""

        article: Article
        reader: ArticleReader

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            id=id,
        )
        # A read-only cursor is drawn whether or not it blinks, but blinking still repaints its
        # row twice a second: bytes on an idle screen.
        self.set_reactive(TextArea.cursor_blink, False)
        self.document_view = ReaderDocument.empty()
        self.body = ""
        """The article's whole canonical text (what highlights are made on)."""
        self.shown_body = ""
        """The part of it the reader lays out (all of it, unless it is very long)."""
        self.structure = TextStructure(())
        """The body's blocks and links."""
        self._waiting: list[Highlight] = []
        """The highlights of an article whose text is missing."""
        self.mention_spans: list[Span] = []
        """Canonical-text spans of the entity chosen in the sidebar."""
        self.sentences: list[Span] = []
        self._painted = Painted(Selection(), None, None)

    def show_article(
        self, article: Article | None, body: str, structure: TextStructure | None = None
    ) -> None:
        """Show ``article`` with its canonical ``body``, laid out by its ``structure`` (its
        blocks and links; paragraphs when None)."""
        # rich remembers the width of the last 4,096 strings it measured, and the reader's
        # wrapped lines are most of them: ~400 KB of the lines of articles read before, never
        # measured again. They are forgotten when another article is shown.
        cached_cell_len.cache_clear()
        if article is None:
            self._show(ReaderDocument.empty(), "")
        else:
            structure = structure or TextStructure.paragraphs(body)
            self._show(ReaderDocument.build(article, body, structure), body, structure)
        # The reading cursor starts on the first sentence, so `h` right away marks it; the view
        # stays at the top, headline and all.
        self.move_cursor(self.location_of(0) if article else (0, 0))
        self.scroll_home(animate=False)

    def show_missing_text(self, article: Article, waiting: list[Highlight]) -> None:
        """Say that ``article``'s text is missing, list the highlights that wait for it, and
        ask for it to be fetched again."""
        self._waiting = waiting
        self._show(ReaderDocument.missing(article, "Fetching it again…", waiting), "")
        # Posted from the reader's own turn: a message made while the screen handles another
        # counts as the screen's, and would not bubble past it to the app.
        self.call_next(self._ask_for_text, article)

    def _ask_for_text(self, article: Article) -> None:
        self.post_message(self.TextMissing(article, self))

    def say_missing_text(self, article_id: str, status: str) -> None:
        """What became of fetching a missing text again (when it is still on show)."""
        article = self.document_view.article
        if article is not None and article.id == article_id and self.document_view.notice_rows[1]:
            self._show(ReaderDocument.missing(article, status, self._waiting), "")

    def _show(
        self, document: ReaderDocument, body: str, structure: TextStructure | None = None
    ) -> None:
        self.document_view = document
        self.body = body
        self.structure = structure or TextStructure(())
        self.link_styles_for(document)
        self.shown_body = body[: document.body_length]
        self.sentences = motions.sentence_spans(self.shown_body)
        self.mention_spans = []
        self.selecting = False
        self.load_text(document.text)

    def set_mention_spans(self, spans: list[Span]) -> None:
        self.mention_spans = spans
        self.restyle()

    def restyle(self) -> None:
        """Repaint the text after a change the line cache does not key on (highlights,
        mentions, focus); the border stays as it is."""
        self._line_cache.clear()
        self._painted = self._painting()
        self.refresh(self._text_region())

    def watch_highlights(self) -> None:
        self.restyle()

    def watch_search_marks(self) -> None:
        self.restyle()

    def jump_to_search_mark(self, direction: int) -> None:
        """Move to the next (or previous) place the search's words are found."""
        self._jump_to_start([start for start, _ in self.search_marks], direction, "matches")

    def watch_selecting(self, selecting: bool) -> None:
        self.set_class(selecting, "-selecting")
        # Said in words too, not by the double border alone (nothing to see under NO_COLOR).
        self.border_title = "Selecting: h highlight · a note · Esc cancel" if selecting else ""
        if not selecting:
            self.selection = Selection.cursor(self.selection.end)
        # The sentence is not marked while selecting.
        self.restyle()

    # Offsets between the document and the canonical text

    def body_offset_at(self, location: tuple[int, int]) -> int:
        return self.document_view.body_offset(self.document_view.index_of(location))

    def location_of(self, body_offset: int) -> tuple[int, int]:
        return self.document_view.location_of(self.document_view.document_index(body_offset))

    @property
    def cursor_offset(self) -> int:
        """The reading cursor as an offset into the body (clamped to what is shown)."""
        return min(max(self._raw_cursor_offset, 0), len(self.shown_body))

    @property
    def _raw_cursor_offset(self) -> int:
        """Negative while the cursor is in the header, so "next" motions land on the body."""
        return self.body_offset_at(self.cursor_location)

    @property
    def selected_span(self) -> Span | None:
        """What is selected, in the body. After ``v`` both ends are included, as in vi: the
        character under the cursor is part of it (``v e`` takes a whole word); a mouse
        selection ends before the cell it was released on."""
        start, end = sorted(
            (self.body_offset_at(self.selection.start), self.body_offset_at(self.selection.end))
        )
        if self.selecting:
            end += 1
        start, end = max(start, 0), min(end, len(self.shown_body))
        return (start, end) if end > start else None

    @property
    def current_sentence(self) -> Span | None:
        """The sentence under the reading cursor (none while it is on the headline)."""
        if not self.shown_body or self._raw_cursor_offset < 0:
            return None
        return motions.span_at(self.sentences, self.cursor_offset)

    @property
    def highlight_under_cursor(self) -> Highlight | None:
        offset = self.cursor_offset
        for highlight in self.highlights:
            if highlight.start <= offset < highlight.end:
                return highlight
        return None

    def move_to_offset(self, offset: int) -> None:
        offset = min(max(offset, 0), len(self.shown_body))
        self.move_cursor(self.location_of(offset), select=self.selecting, center=True)

    # Painting

    def _painting(self) -> Painted:
        sentence = self.current_sentence if self.has_focus and not self.selecting else None
        return Painted(self.selection, sentence, self._matching_bracket_location)

    def watch_selection(self) -> None:
        if not self.is_mounted:
            return
        before, after = self._painted, self._painting()
        self._painted = after
        rows: set[int] = set()
        for painted in (before, after):
            # The cursor cell, any selected text, and a bracket matched to the cursor.
            start, end = sorted(painted.selection)
            rows |= self._rows_between(start, end)
            if painted.bracket is not None:
                rows |= self._rows_between(painted.bracket, painted.bracket)
            if before.sentence != after.sentence and painted.sentence is not None:
                rows |= self._rows_between(*map(self.location_of, painted.sentence))
        self._refresh_rows(rows)

    def _rows_between(self, start: Location, end: Location) -> set[int]:
        """The screen rows (in the wrapped document) from ``start`` to ``end``, inclusive."""
        wrapped = self.wrapped_document
        if not self.document_view.text:
            return set()
        first = wrapped.location_to_offset(self._clamp(start)).y
        last = wrapped.location_to_offset(self._clamp(end)).y
        return set(range(first, last + 1))

    def _clamp(self, location: Location) -> Location:
        row, column = location
        last_row = self.document.line_count - 1
        row = min(max(row, 0), last_row)
        return row, min(max(column, 0), len(self.document[row]))

    def _refresh_rows(self, rows: set[int]) -> None:
        """Repaint these rows of the wrapped document where they are on screen. Regions are
        clipped here: Textual clips them only to the widget, so a row below the view would
        repaint the bottom border."""
        top = self.scroll_offset.y
        view = self._text_region()
        for row in sorted(rows):
            if region := view.intersection(Region(0, row - top, view.width, 1)):
                self.refresh(region)

    def _text_region(self) -> Region:
        """The text area in the widget's content coordinates: no scrollbar, no border, and not
        the right padding, so that a repaint of rows ends inside the reader (see app.tcss)."""
        region = self.scrollable_content_region
        return Region(0, 0, region.width, region.height)

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        # Textual repaints the whole scrollbar when its thumb moves: only the cells it left or
        # entered need it.
        if self.show_vertical_scrollbar:
            move_thumb(self.vertical_scrollbar, new_value)
        if round(old_value) != round(new_value):
            self.refresh(self._text_region())

    def render_lines(self, crop: Region) -> list[Strip]:
        return compact_lines(self, crop, super().render_lines(crop))

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        view = self.document_view
        if line_index < view.headline_rows:
            line.stylize(self.get_component_rich_style("reader--headline"))
        elif view.standfirst_rows[0] <= line_index < view.standfirst_rows[1]:
            line.stylize(self.get_component_rich_style("reader--standfirst"))
        elif line_index in (view.meta_row, view.link_row, view.credit_row):
            line.stylize(self.get_component_rich_style("reader--meta"))
        elif view.notice_rows[0] <= line_index < view.notice_rows[1]:
            line.stylize(self.get_component_rich_style("reader--notice"))
        else:
            self.style_block_row(line, line_index)
            sentence = self._painted.sentence
            if sentence is not None:
                self._paint(line, line_index, [sentence], "reader--sentence")
            for highlight in self.highlights:
                self._paint(
                    line,
                    line_index,
                    [(highlight.start, highlight.end)],
                    f"reader--highlight-{highlight.colour}",
                )
            self._paint(line, line_index, self.mention_spans, "reader--mention")
            self._paint(line, line_index, self.search_marks, "reader--search-match")
        return line

    def _paint(self, line: Text, line_index: int, spans: list[Span], component: str) -> None:
        if not spans:
            return
        view = self.document_view
        line_start = view.index_of((line_index, 0))
        line_end = line_start + len(line.plain)
        shown = view.body_length
        style: Style = self.get_component_rich_style(component)
        for start, end in spans:
            # Never past the text shown: the line after it says how much is not.
            start = view.document_index(min(start, shown))
            end = view.document_index(min(end, shown))
            if end <= line_start or start >= line_end:
                continue
            line.stylize(style, max(start - line_start, 0), min(end, line_end) - line_start)

    def watch_has_focus(self, _has_focus: bool) -> None:
        # The sentence is marked only while the reader has focus. (A watcher, not on_focus:
        # the focus handlers can run before ``has_focus`` changes.)
        super().watch_has_focus(_has_focus)
        self.restyle()

    # Motions

    def action_back(self) -> None:
        if self.selecting:
            self.selecting = False
        else:
            self.post_message(self.Back())

    # In a selection (after `v`), the arrows and j/k extend it character- and line-wise.

    def action_cursor_left(self, select: bool = False) -> None:
        super().action_cursor_left(select or self.selecting)

    def action_cursor_right(self, select: bool = False) -> None:
        super().action_cursor_right(select or self.selecting)

    def action_cursor_up(self, select: bool = False) -> None:
        super().action_cursor_up(select or self.selecting)

    def action_cursor_down(self, select: bool = False) -> None:
        super().action_cursor_down(select or self.selecting)

    def action_read_on(self) -> None:
        self.action_cursor_page_down()

    def action_read_back(self) -> None:
        self.action_cursor_page_up()

    def action_word(self, direction: int) -> None:
        step = motions.next_word if direction > 0 else motions.previous_word
        self.move_to_offset(max(step(self.shown_body, self._raw_cursor_offset), 0))

    def action_word_end(self) -> None:
        self.move_to_offset(motions.word_end(self.shown_body, self._raw_cursor_offset))

    def action_sentence(self, direction: int) -> None:
        self._jump(self.sentences, direction)

    def action_paragraph(self, direction: int) -> None:
        self._jump(paragraph_spans(self.shown_body), direction)

    def _jump(self, spans: list[Span], direction: int) -> None:
        offset = self._raw_cursor_offset
        current = motions.span_at(spans, offset) if offset >= 0 else None
        if current is not None and current[0] > offset:
            # Between two spans (on a blank line, say) the one after counts as current, as
            # the underline shows: moving on means moving past it.
            offset = current[0]
        if direction > 0:
            target = motions.next_start(spans, offset)
            if target is None:
                target = len(self.shown_body)
        else:
            target = motions.previous_start(spans, offset)
            if target is None:
                target = 0
        self.move_to_offset(target)

    def action_top(self) -> None:
        self.move_cursor((0, 0), select=self.selecting)
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.move_cursor(self.document.end, select=self.selecting)

    def action_toggle_selecting(self) -> None:
        self.selecting = not self.selecting

    # Highlight commands, reported up

    def _target_span(self) -> Span | None:
        return self.selected_span or self.current_sentence

    def _no_target(self) -> None:
        self.notify("Move the cursor into the text first (j, w or ) )", timeout=3)

    def action_highlight(self) -> None:
        span = self._target_span()
        if span is None:
            self._no_target()
        elif self.document_view.article is not None:
            self.post_message(self.HighlightRequested(*span, self.colour))
            self.selecting = False

    def action_note(self) -> None:
        highlight = None if self.selected_span else self.highlight_under_cursor
        if highlight is not None:
            self.post_message(self.NoteRequested(highlight))
            return
        span = self._target_span()
        if span is None:
            self._no_target()
        elif self.document_view.article is not None:
            self.post_message(self.HighlightRequested(*span, self.colour, then_note=True))
            self.selecting = False

    def action_delete_highlight(self) -> None:
        highlight = self.highlight_under_cursor
        if highlight is not None:
            self.post_message(self.DeleteRequested(highlight))
        else:
            self.notify("No highlight under the cursor", severity="warning")

    def action_undo(self) -> None:
        self.post_message(self.UndoRequested())

    # Links, reported up

    @property
    def _link(self) -> str | None:
        article = self.document_view.article
        return article.url if article is not None else None

    def action_open_link(self) -> None:
        self.post_message(OpenLinkRequested(self._link))

    def action_copy_link(self) -> None:
        self.post_message(CopyLinkRequested(self._link))

    def action_links(self) -> None:
        article = self.document_view.article
        if article is None:
            return
        entries = link_entries(article, self.body, self.structure.links)
        self.app.push_screen(LinksScreen(article.title, entries))

    def action_colour(self, colour: Colour) -> None:
        self.colour = colour
        highlight = self.highlight_under_cursor
        if highlight is not None and highlight.colour != colour:
            self.post_message(self.RecolourRequested(highlight, colour))

    def jump_to_mention(self, direction: int) -> None:
        """Move to the next (or previous) mention of the entity chosen in the sidebar."""
        self._jump_to_start([start for start, _ in self.mention_spans], direction, "mentions")

    def action_jump_highlight(self, direction: int) -> None:
        self._jump_to_start([h.start for h in self.highlights], direction, "highlights")

    def _jump_to_start(self, starts: list[int], direction: int, what: str) -> None:
        offset = self._raw_cursor_offset
        starts = sorted(start for start in starts if start <= len(self.shown_body))
        if direction > 0:
            target = next((s for s in starts if s > offset), None)
        else:
            target = next((s for s in reversed(starts) if s < offset), None)
        if target is None:
            self.notify(f"No more {what} this way", timeout=2)
        else:
            self.move_to_offset(target)
