"""Where a search's words fall in a text: spans to mark in a headline or in the reader.

The index finds "tariffs" for "tariff", "Zürich" for "zurich" and "U.S." for "u.s."; marking
must agree with it, so the text is split into words by the same tokenizer, in an in-memory
FTS5 table (one per thread), and FTS5's ``highlight()`` says where the matches are.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence

from store.search.index import TOKENIZER
from store.search.plan import fts_expression
from store.search.query import Term

_OPEN, _CLOSE = "\x02", "\x03"
"""Marks put around each match: control characters, which no canonical text holds (and
which are turned into spaces in any text that does, so offsets stay right)."""
_MARKERS_AS_SPACES = str.maketrans({_OPEN: " ", _CLOSE: " "})
_local = threading.local()

Span = tuple[int, int]


def _connection() -> sqlite3.Connection:
    connection: sqlite3.Connection | None = getattr(_local, "connection", None)
    if connection is None:
        connection = sqlite3.connect(":memory:", isolation_level=None)
        connection.execute(f"CREATE VIRTUAL TABLE marked USING fts5(text, tokenize='{TOKENIZER}')")
        _local.connection = connection
    return connection


def match_spans(text: str, terms: Sequence[Term]) -> list[Span]:
    """The (start, end) offsets of each match of ``terms`` in ``text``, in order; a phrase
    is one span from its first word to its last."""
    return match_spans_each([text], terms)[0]


def match_spans_each(texts: Sequence[str], terms: Sequence[Term]) -> list[list[Span]]:
    """:func:`match_spans` for many texts at once (the headlines on screen)."""
    found: list[list[Span]] = [[] for _ in texts]
    expressions = [fts_expression(term) for term in terms]
    if not texts or not expressions:
        return found
    connection = _connection()
    connection.execute("BEGIN")
    try:
        connection.executemany(
            "INSERT INTO marked (rowid, text) VALUES (?, ?)",
            ((number, text.translate(_MARKERS_AS_SPACES)) for number, text in enumerate(texts)),
        )
        rows = connection.execute(
            f"SELECT rowid, highlight(marked, 0, '{_OPEN}', '{_CLOSE}') FROM marked "
            "WHERE marked MATCH ?",
            (" OR ".join(str(expression) for expression in expressions),),
        ).fetchall()
    finally:
        connection.execute("ROLLBACK")  # the table is only ever a scratch pad
    for number, marked in rows:
        found[number] = _spans(marked)
    return found


def _spans(marked: str) -> list[Span]:
    spans: list[Span] = []
    removed = 0
    start = 0
    for position, character in enumerate(marked):
        if character == _OPEN:
            start = position - removed
            removed += 1
        elif character == _CLOSE:
            spans.append((start, position - removed))
            removed += 1
    return spans
