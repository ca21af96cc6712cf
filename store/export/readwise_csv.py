"""CSV in Readwise's import layout: Highlight, Title, Author, URL, Note, Location, Date.

- Location is where the highlight starts in its article's canonical text (a code-point
  offset, as the W3C export's TextPositionSelector gives it), which is what Readwise sorts
  by. A highlight keeps its Location whatever else is exported with it; a running number
  would change with every filter.
- Tags go at the start of the note in Readwise's ".tag" form, so they arrive as tags.
- Date is the highlight's creation time, "YYYY-MM-DD HH:MM:SS" in UTC.
- Excel-friendly: UTF-8 with a byte-order mark, CRLF line ends; cells a spreadsheet would run
  as a formula (starting with =, +, -, @, tab or carriage return) get a leading apostrophe;
  cells are cut at Excel's 32,767-character limit.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from store.annotations.model import Highlight, parse_timestamp
from store.export.select import group_by_article
from store.models import Article
from store.text import strip_controls

HEADER = ("Highlight", "Title", "Author", "URL", "Note", "Location", "Date")
EXCEL_CELL_LIMIT = 32_767
TRUNCATION_MARK = " […]"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """A cell that no spreadsheet will evaluate, within Excel's cell size."""
    cell = strip_controls(cell)
    if cell.startswith(_FORMULA_STARTS) or cell.lstrip().startswith(_FORMULA_STARTS):
        cell = "'" + cell
    if len(cell) > EXCEL_CELL_LIMIT:
        cell = cell[: EXCEL_CELL_LIMIT - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return cell


def rows(
    highlights: Iterable[Highlight], articles: Mapping[str, Article] | None = None
) -> list[tuple[str, ...]]:
    table: list[tuple[str, ...]] = [HEADER]
    for info, group in group_by_article(highlights, articles or {}):
        for highlight in group:
            tags = " ".join(f".{tag}" for tag in highlight.tags)
            note = " ".join(part for part in (tags, highlight.note.strip()) if part)
            table.append(
                tuple(
                    neutralise(cell)
                    for cell in (
                        highlight.exact,
                        info.title,
                        info.author or "",
                        info.url or "",
                        note,
                        str(highlight.start),
                        _readwise_date(highlight.created),
                    )
                )
            )
    return table


def render(highlights: Iterable[Highlight], articles: Mapping[str, Article] | None = None) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
    writer.writerows(rows(highlights, articles))
    return buffer.getvalue().encode("utf-8-sig")


def _readwise_date(timestamp: str) -> str:
    try:
        moment = parse_timestamp(timestamp)
    except ValueError:
        return timestamp
    return moment.strftime("%Y-%m-%d %H:%M:%S")
