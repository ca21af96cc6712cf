"""The search language over highlights: the highlights screen's filter.

The same words, phrases, ``-``, ``OR`` and parentheses as a search for articles, over each
highlight's quote, note, tags and headline; and the fields of :data:`~store.search.query.
HIGHLIGHTS`: ``colour:pink``, ``tag:x`` (a tag, or one inside it: ``tag:world`` finds
*world/asia*), ``has:note``, ``newer:30d`` and ``older:2026-01-01`` (when it was made).

Words must match as they do in the search index ("tariff" finds "tariffs", "zurich" finds
"Zürich"), so the highlights are put in an in-memory FTS5 table with the index's tokenizer,
and a query is planned as one for articles is (:func:`store.search.plan.plan_query`). The
table is made once for a list of highlights; each query is then a few milliseconds.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import orjson

from store.annotations.model import Highlight, normalise_tag
from store.search.index import TOKENIZER
from store.search.plan import Sql, cutoff, plan_query
from store.search.query import HIGHLIGHTS, Field, Node, parse

_SCHEMA = f"""
CREATE TABLE highlight (
    num INTEGER PRIMARY KEY,
    colour TEXT NOT NULL,
    created TEXT NOT NULL,
    noted INTEGER NOT NULL
);
CREATE VIRTUAL TABLE text USING fts5(quote, note, tags, title, content='', tokenize='{TOKENIZER}')
"""
# The plan's SQL names the FTS5 table ``text`` and the other ``a`` with a ``num``: so here too.


class HighlightFinder:
    """Highlights, ready to be filtered by queries; made once for a list of them."""

    def __init__(self, highlights: Sequence[Highlight]) -> None:
        self.highlights = list(highlights)
        self._lock = threading.Lock()
        self._connection = sqlite3.connect(":memory:", isolation_level=None,
                                           check_same_thread=False)  # fmt: skip
        self._connection.executescript(_SCHEMA)
        with self._lock:
            self._connection.execute("BEGIN")
            self._connection.executemany(
                "INSERT INTO highlight VALUES (?, ?, ?, ?)",
                ((number, h.colour, h.created, bool(h.note.strip()))
                 for number, h in enumerate(self.highlights)),
            )  # fmt: skip
            self._connection.executemany(
                "INSERT INTO text (rowid, quote, note, tags, title) VALUES (?, ?, ?, ?, ?)",
                ((number, h.exact, h.note, " ".join(h.tags), h.article_title)
                 for number, h in enumerate(self.highlights)),
            )  # fmt: skip
            self._connection.execute("COMMIT")

    def matching(self, query: str | Node, *, now: datetime | None = None) -> list[Highlight]:
        """The highlights ``query`` finds, in the order they were given. QueryError for a
        query that cannot be read (a field of articles among them)."""
        node = parse(query, HIGHLIGHTS) if isinstance(query, str) else query
        when = now or datetime.now(UTC)
        plan = plan_query(node, lambda field: self._field_sql(field, when))
        if plan.match is not None:
            sql = ("SELECT a.num FROM text JOIN highlight a ON a.num = text.rowid "
                   f"WHERE text MATCH ? AND {plan.where}")  # fmt: skip
            params: tuple[object, ...] = (plan.match, *plan.params)
        else:
            sql, params = f"SELECT a.num FROM highlight a WHERE {plan.where}", plan.params
        with self._lock:
            found = {number for (number,) in self._connection.execute(sql, params)}
        return [h for number, h in enumerate(self.highlights) if number in found]

    def _field_sql(self, field: Field, now: datetime) -> Sql:
        if field.name == "colour":
            return "a.colour = ?", (field.value,)
        if field.name == "has":  # only has:note is a highlight's (the parser sees to it)
            return "a.noted", ()
        if field.name == "tag":
            wanted = normalise_tag(field.value)
            inside = wanted + "/"
            tagged = [
                number
                for number, h in enumerate(self.highlights)
                if any(tag == wanted or tag.startswith(inside) for tag in h.tags)
            ]
            return "a.num IN (SELECT value FROM json_each(?))", (orjson.dumps(tagged).decode(),)
        if field.name in ("newer", "older"):
            operator = ">=" if field.name == "newer" else "<"
            return f"a.created {operator} ?", (cutoff(field.value, now),)
        raise ValueError(f"{field.name}: is not a field of highlights")  # refused by the parser

    def close(self) -> None:
        with self._lock:
            self._connection.close()


def filter_highlights(
    highlights: Sequence[Highlight], query: str, *, now: datetime | None = None
) -> list[Highlight]:
    """The highlights ``query`` finds, in order (for one query; the screen keeps a finder)."""
    finder = HighlightFinder(highlights)
    try:
        return finder.matching(query, now=now)
    finally:
        finder.close()
