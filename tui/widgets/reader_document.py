"""What the reader shows: an article's header and canonical body as one document.

The document is a short header (headline, standfirst, source line, link) followed by the
canonical text exactly as stored, so a position in the body maps to a canonical offset by
subtracting the header's length.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field

from store.models import Article
from tui.links import shorten_link, usable_link
from tui.widgets.article_list import display_date

LINK_COLUMNS = 45
"""The link is shortened to this many cells: the reader's text width at 80x24, so it takes
one row there (``y`` copies it whole)."""


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
        lines.append(meta)
        # Only a link that `o` would open is shown, as plain text in the document (never
        # markup), already free of controls and whitespace.
        link = usable_link(article.url)
        link_row = len(lines) if link else -1
        if link:
            lines.append(shorten_link(link, LINK_COLUMNS))
        lines += ["", ""]
        header = "\n".join(lines)
        return cls(article, header + body, len(header), 1, standfirst, meta_row, link_row)
