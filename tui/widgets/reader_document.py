"""What the reader shows: an article's header and canonical body as one document.

The document is a short header (headline, standfirst, source line, link) followed by the
canonical text as stored, its blocks laid out as they were written: a bullet or a number
before each list item, a bar before each line of a quote, an indent before each line of
preformatted text, and the article's credit after it. Those prefixes are the document's
only, never the text's: :meth:`ReaderDocument.body_offset` and
:meth:`ReaderDocument.document_index` map between positions in the document and canonical
offsets (a position inside a prefix is its block's start), so highlights, motions, selection
and mentions keep the canonical text's offsets. The rows a prefix starts also say what a
wrapped continuation of them starts with (``hanging``), and which component class styles
them (``row_styles``).

Laying text out costs time in proportion to its length (4 million characters: ~10 s before
the article shows), so at most :data:`SHOWN_CHARACTERS` of a body are shown, ending at a
paragraph or a word where one is near, and a last line says how much is not shown. The part
shown is the start of the canonical text itself, so its offsets stay those of the text.
A text that is missing shows a notice in its place, with the highlights waiting for it.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field

from store.annotations import Highlight
from store.models import Article
from store.structure import Block, Link, TextStructure
from store.text import display_line, mask_controls
from tui.links import shorten_link, usable_link
from tui.widgets.article_list import display_date

LINK_COLUMNS = 45
"""The link is shortened to this many cells: the reader's text width at 80x24, so it takes
one row there (``y`` copies it whole)."""
SHOWN_CHARACTERS = 200_000
"""The most of a body the reader lays out (~33,000 words: a short book). Opening that takes
~0.3 s here; an article is seldom a tenth of it."""
_BREAK_SEARCH = 2_000
"""How far back from the limit a paragraph or word break is looked for."""
BULLET = "• "
QUOTE_BAR = "│ "
PREFORMATTED_INDENT = "  "
LIST_INDENT = "  "
"""Per level of a nested list, before its bullet or number."""
ROW_STYLE = {
    "heading": "reader--heading",
    "quote": "reader--quote",
    "preformatted": "reader--preformatted",
    "item": "reader--item",
}
"""The component class of the rows of each kind of block (a paragraph's rows have none)."""


@dataclass(frozen=True)
class ReaderDocument:
    """What the reader shows, and where the article body starts within it."""

    article: Article | None
    text: str
    body_start: int
    headline_rows: int
    standfirst_rows: tuple[int, int]
    meta_row: int
    link_row: int = -1
    """The row showing the article's link; -1 when it has none."""
    body_length: int = 0
    """How much of the body the document shows (all of it unless it is very long)."""
    notice_rows: tuple[int, int] = (0, 0)
    """Rows saying that the text is missing (none when it is not)."""
    line_starts: tuple[int, ...] = field(default=(0,))
    """Offset of each document line, for mapping offsets to (row, column) and back."""
    prefixes: tuple[tuple[int, int], ...] = ()
    """(body offset, length) of each prefix the document shows before that offset."""
    hanging: dict[int, str] = field(default_factory=dict)
    """For a row that starts with a prefix: what its wrapped continuation rows start with."""
    row_styles: dict[int, tuple[str, int]] = field(default_factory=dict)
    """The component class of a row, and how many cells of prefix it starts with."""
    links: tuple[Link, ...] = ()
    """The links in the part of the body shown (canonical offsets)."""
    credit_row: int = -1
    """The row showing the article's credit, after the text; -1 when there is none."""
    _prefix_bodies: tuple[int, ...] = field(default=(), repr=False)
    _prefix_starts: tuple[int, ...] = field(default=(), repr=False)
    _shifts: tuple[int, ...] = field(default=(), repr=False)

    def __post_init__(self) -> None:
        starts = [0]
        for line in self.text.split("\n")[:-1]:
            starts.append(starts[-1] + len(line) + 1)
        object.__setattr__(self, "line_starts", tuple(starts))
        shifts, prefix_starts, shift = [], [], 0
        for offset, length in self.prefixes:
            prefix_starts.append(offset + shift)
            shift += length
            shifts.append(shift)
        object.__setattr__(self, "_prefix_bodies", tuple(offset for offset, _ in self.prefixes))
        object.__setattr__(self, "_prefix_starts", tuple(prefix_starts))
        object.__setattr__(self, "_shifts", tuple(shifts))

    def document_index(self, body_offset: int) -> int:
        """Where the body's ``body_offset`` is in the document (after any prefix there)."""
        before = bisect_right(self._prefix_bodies, body_offset) - 1
        return self.body_start + body_offset + (self._shifts[before] if before >= 0 else 0)

    def body_offset(self, index: int) -> int:
        """The body offset at document ``index`` (negative in the header; a prefix's block
        start inside a prefix)."""
        relative = index - self.body_start
        prefix = bisect_right(self._prefix_starts, relative) - 1
        if prefix < 0:
            return relative
        if relative < self._prefix_starts[prefix] + self.prefixes[prefix][1]:
            return self._prefix_bodies[prefix]
        return relative - self._shifts[prefix]

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
    def build(
        cls, article: Article, body: str, structure: TextStructure | None = None
    ) -> ReaderDocument:
        lines, standfirst, meta_row, link_row = _header(article)
        header = "\n".join(lines)
        shown = shown_length(body)
        # Whatever reached the store, no control character reaches the terminal; masked one
        # for one, so every offset into the body still holds.
        layout = _BodyLayout(mask_controls(body[:shown]), len(lines) - 1)
        for block in (structure or TextStructure.paragraphs(body)).blocks:
            if block.start >= shown:
                break
            layout.add(block)
        text = header + layout.text()
        if shown < len(body):
            hidden = len(body) - shown
            text += (
                f"\n\n… ({hidden:,} more characters not shown: the reader lays out at most "
                f"{SHOWN_CHARACTERS:,}; o opens the article's page)"
            )
        credit_row = -1
        if article.credit:
            text += "\n\n" + display_line(article.credit)
            credit_row = text.count("\n")
        links = tuple(link for link in (structure.links if structure else ()) if link.end <= shown)
        return cls(
            article, text, len(header), 1, standfirst, meta_row, link_row, body_length=shown,
            prefixes=tuple(layout.prefixes), hanging=layout.hanging,
            row_styles=layout.row_styles, links=links, credit_row=credit_row,
        )  # fmt: skip

    @classmethod
    def missing(cls, article: Article, status: str, waiting: Sequence[Highlight]) -> ReaderDocument:
        """The header, and a notice that the text is missing, what is being done about it
        (``status``), and the highlights that wait for it."""
        lines, standfirst, meta_row, link_row = _header(article)
        notice_start = len(lines)
        lines.append("The text of this article is missing from Broadsheet's store.")
        lines.append(display_line(status))
        if waiting:
            kept = "Its highlight is" if len(waiting) == 1 else f"Its {len(waiting)} highlights are"
            lines += ["", f"{kept} kept, and will show again with the text:"]
            lines += [f"  “{_quoted(highlight.exact)}”" for highlight in waiting]
        notice = (notice_start, len(lines))
        text = "\n".join(lines)
        return cls(article, text, len(text), 1, standfirst, meta_row, link_row, notice_rows=notice)


def shown_length(body: str) -> int:
    """How much of ``body`` the reader lays out: all of it, or up to a break near the
    limit (a paragraph's end, else a space, else the limit itself)."""
    if len(body) <= SHOWN_CHARACTERS:
        return len(body)
    window_start = SHOWN_CHARACTERS - _BREAK_SEARCH
    for separator in ("\n\n", " "):
        found = body.rfind(separator, window_start, SHOWN_CHARACTERS)
        if found > 0:
            return found
    return SHOWN_CHARACTERS


class _BodyLayout:
    """The body as the document shows it: its text with each block's prefixes put in."""

    def __init__(self, body: str, first_row: int) -> None:
        self.body = body
        self.first_row = first_row
        self.prefixes: list[tuple[int, int]] = []
        self.hanging: dict[int, str] = {}
        self.row_styles: dict[int, tuple[str, int]] = {}
        self._pieces: list[str] = []
        self._written = 0
        self._row = first_row

    def add(self, block: Block) -> None:
        end = min(block.end, len(self.body))
        style = ROW_STYLE.get(block.kind)
        if block.kind == "preformatted":
            line_start = block.start
            for line in self.body[block.start : end].split("\n"):
                self._prefixed(line_start, PREFORMATTED_INDENT, PREFORMATTED_INDENT, style)
                line_start += len(line) + 1
        elif block.kind == "item":
            marker = f"{block.number}. " if block.number else BULLET
            prefix = LIST_INDENT * (max(block.level, 1) - 1) + marker
            self._prefixed(block.start, prefix, " " * len(prefix), style)
        elif block.kind == "quote":
            bars = QUOTE_BAR * max(block.level, 1)
            self._prefixed(block.start, bars, bars, style)
        elif style is not None:
            self._prefixed(block.start, "", "", style)

    def _prefixed(self, offset: int, prefix: str, hanging: str, style: str | None) -> None:
        passed = self.body[self._written : offset]
        self._pieces.append(passed)
        self._row += passed.count("\n")
        self._written = offset
        if prefix:
            self._pieces.append(prefix)
            self.prefixes.append((offset, len(prefix)))
        if hanging:
            self.hanging[self._row] = hanging
        if style is not None:
            self.row_styles[self._row] = (style, len(prefix))

    def text(self) -> str:
        return "".join([*self._pieces, self.body[self._written :]])


def _quoted(exact: str, limit: int = 70) -> str:
    flat = display_line(" ".join(exact.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _header(article: Article) -> tuple[list[str], tuple[int, int], int, int]:
    """The header's lines (ending with the blank lines before the text), the standfirst's
    rows, and the meta and link rows."""
    meta = display_line(
        " · ".join(
            part for part in (article.source, article.author or "", display_date(article)) if part
        )
    )
    lines = [display_line(article.title), ""]
    standfirst_start = len(lines)
    if article.standfirst:
        lines += [display_line(article.standfirst), ""]
    standfirst = (standfirst_start, len(lines))
    meta_row = len(lines)
    lines.append(meta)
    # Only a link that `o` would open is shown, as plain text in the document (never
    # markup), already free of controls and whitespace.
    link = usable_link(article.url)
    link_row = len(lines) if link else -1
    if link:
        lines.append(shorten_link(link, LINK_COLUMNS))
    lines += ["", ""]
    return lines, standfirst, meta_row, link_row
