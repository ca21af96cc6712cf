"""What the reader shows: an article's header and canonical body as one document.

The document is a short header (headline, standfirst, source line, link) followed by the
canonical text exactly as stored, so a position in the body maps to a canonical offset by
subtracting the header's length.

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
from store.text import display_line
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
        lines, standfirst, meta_row, link_row = _header(article)
        header = "\n".join(lines)
        shown = shown_length(body)
        text = header + body[:shown]
        if shown < len(body):
            hidden = len(body) - shown
            text += (
                f"\n\n… ({hidden:,} more characters not shown: the reader lays out at most "
                f"{SHOWN_CHARACTERS:,}; o opens the article's page)"
            )
        return cls(article, text, len(header), 1, standfirst, meta_row, link_row, body_length=shown)

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


def _quoted(exact: str, limit: int = 70) -> str:
    flat = display_line(" ".join(exact.split()))
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _header(article: Article) -> tuple[list[str], tuple[int, int], int, int]:
    """The header's lines (ending with the blank lines before the text), the standfirst's
    rows, and the meta and link rows."""
    meta = " · ".join(
        part for part in (article.source, article.author or "", display_date(article)) if part
    )
    lines = [article.title, ""]
    standfirst_start = len(lines)
    if article.standfirst:
        lines += [article.standfirst, ""]
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
