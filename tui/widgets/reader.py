"""The reader: an article as a read-only document with a reading cursor.

The document is a short header (headline, standfirst, source line) followed by the canonical
text exactly as stored, so that a position in the body maps to a canonical offset by
subtracting the header's length. Highlights and entity mentions are painted in ``get_line``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import TextArea
from textual.widgets.text_area import Selection

from store.models import Article
from tui.widgets.article_list import display_date

Span = tuple[int, int]


@dataclass(frozen=True)
class ReaderDocument:
    """What the reader shows, and where the article body starts within it."""

    article: Article | None
    text: str
    body_start: int
    headline_rows: int
    standfirst_rows: tuple[int, int]
    meta_row: int
    line_starts: tuple[int, ...] = field(default=(0,))
    """Offset of each document line, for mapping offsets to (row, column) and back."""

    def __post_init__(self) -> None:
        starts = [0]
        for line in self.text.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        object.__setattr__(self, "line_starts", tuple(starts))

    def index_of(self, location: tuple[int, int]) -> int:
        row, column = location
        row = min(max(row, 0), len(self.line_starts) - 1)
        return self.line_starts[row] + column

    def location_of(self, index: int) -> tuple[int, int]:
        row = bisect_right(self.line_starts, index) - 1
        return row, index - self.line_starts[row]

    @classmethod
    def empty(cls) -> ReaderDocument:
        return cls(None, "", 0, 0, (0, 0), -1)

    @classmethod
    def build(cls, article: Article, body: str) -> ReaderDocument:
        meta = " · ".join(
            part for part in (article.source, article.author or "", display_date(article)) if part
        )
        lines = [article.title, ""]
        standfirst_start = len(lines)
        if article.standfirst:
            lines += [article.standfirst, ""]
        standfirst = (standfirst_start, len(lines))
        meta_row = len(lines)
        lines += [meta, "", ""]
        header = "\n".join(lines)
        return cls(article, header + body, len(header), 1, standfirst, meta_row)


class ArticleReader(TextArea):
    """A read-only TextArea that paints headline, highlights and mentions from the theme."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back to list", id="reader.back"),
        Binding("j", "cursor_down", "Line down", id="reader.line_down", show=False),
        Binding("k", "cursor_up", "Line up", id="reader.line_up", show=False),
        Binding("space,pagedown", "read_on", "Read on", id="reader.page_down"),
        Binding("b,pageup", "read_back", "Page up", id="reader.page_up", show=False),
        Binding("g", "top", "Top", id="reader.top", show=False),
        Binding("G", "bottom", "Bottom", id="reader.bottom", show=False),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "reader--headline",
        "reader--standfirst",
        "reader--meta",
        "reader--mention",
    }

    class Back(Message):
        """The user wants to return to the article list."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            "",
            read_only=True,
            soft_wrap=True,
            show_line_numbers=False,
            highlight_cursor_line=False,
            id=id,
        )
        self.document_view = ReaderDocument.empty()
        self.mention_spans: list[Span] = []
        """Canonical-text spans of the entity chosen in the sidebar."""

    def show_article(self, article: Article | None, body: str) -> None:
        self.document_view = (
            ReaderDocument.build(article, body) if article else ReaderDocument.empty()
        )
        self.mention_spans = []
        self.load_text(self.document_view.text)
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def set_mention_spans(self, spans: list[Span]) -> None:
        self.mention_spans = spans
        self.restyle()

    def restyle(self) -> None:
        self._line_cache.clear()
        self.refresh()

    # Offsets between the document and the canonical text

    def body_offset_at(self, location: tuple[int, int]) -> int:
        return self.document_view.index_of(location) - self.document_view.body_start

    def location_of(self, body_offset: int) -> tuple[int, int]:
        return self.document_view.location_of(self.document_view.body_start + body_offset)

    def select_body_span(self, start: int, end: int) -> None:
        self.selection = Selection(self.location_of(start), self.location_of(end))

    # Painting

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        view = self.document_view
        if line_index < view.headline_rows:
            line.stylize(self.get_component_rich_style("reader--headline"))
        elif view.standfirst_rows[0] <= line_index < view.standfirst_rows[1]:
            line.stylize(self.get_component_rich_style("reader--standfirst"))
        elif line_index == view.meta_row:
            line.stylize(self.get_component_rich_style("reader--meta"))
        else:
            self._paint_spans(line, line_index, self.mention_spans, "reader--mention")
        return line

    def _paint_spans(self, line: Text, line_index: int, spans: list[Span], component: str) -> None:
        if not spans:
            return
        line_start = self.document_view.index_of((line_index, 0))
        line_end = line_start + len(line.plain)
        body_start = self.document_view.body_start
        style: Style = self.get_component_rich_style(component)
        for start, end in spans:
            start, end = start + body_start, end + body_start
            if end <= line_start or start >= line_end:
                continue
            line.stylize(
                style, max(start, line_start) - line_start, min(end, line_end) - line_start
            )

    # Actions

    def action_back(self) -> None:
        self.post_message(self.Back())

    def action_read_on(self) -> None:
        self.action_cursor_page_down()

    def action_read_back(self) -> None:
        self.action_cursor_page_up()

    def action_top(self) -> None:
        self.move_cursor((0, 0))
        self.scroll_home(animate=False)

    def action_bottom(self) -> None:
        self.move_cursor(self.document.end)
