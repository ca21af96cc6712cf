"""The article rows ``broadsheet list`` prints for people: columns that line up.

A column's width is counted in terminal cells, not characters: a Japanese or Chinese
character takes two, a combining accent none, so padding by ``len`` pushed every column after
a wide source name out of line.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from rich.cells import cell_len, set_cell_size

from store.text import display_line

SOURCE_CELLS = 20
DATE_CELLS = 10
UNDATED = "undated"


def dated_first(records: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The records in the order given, except that those without a publication date come
    after all the dated ones: their order is by when they were added, which says nothing of
    where they belong among the dates shown."""
    listed = list(records)
    return [r for r in listed if r.get("published")] + [r for r in listed if not r.get("published")]


def article_rows(records: Iterable[Mapping[str, Any]]) -> list[str]:
    """One line per article: unread mark, id, date, source, headline."""
    ordered = dated_first(records)
    id_cells = max((cell_len(display_line(str(r["id"]))) for r in ordered), default=0)
    rows = []
    for record in ordered:
        mark = " " if record.get("read") else "•"
        date = (record.get("published") or "")[:DATE_CELLS] or UNDATED
        source = set_cell_size(display_line(record.get("source") or ""), SOURCE_CELLS)
        article_id = set_cell_size(display_line(str(record["id"])), id_cells)
        title = display_line(record.get("title") or "")
        rows.append(f"{mark} {article_id}  {date:{DATE_CELLS}}  {source}  {title}")
    return rows
