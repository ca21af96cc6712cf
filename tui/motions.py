"""Reading-cursor motions over the canonical text: words, sentences, paragraphs.

Pure functions of (text, offset) so they can be tested without a screen. Offsets index the
canonical text, whose paragraphs are separated by a blank line.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from store.text import paragraph_spans

Span = tuple[int, int]

_WORD = re.compile(r"\w[\w'’\-]*|[^\w\s]", re.UNICODE)
# A sentence ends at . ! ? or … (plus any closing quotes or brackets) before a space and a
# capital, digit or opening quote — which keeps "U.S. officials" or "p. 5" from splitting.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st mt gen sen rep gov col lt sgt capt jr sr inc ltd co corp vs etc no "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split()
)


def word_starts(text: str) -> list[int]:
    return [match.start() for match in _WORD.finditer(text)]


def next_word(text: str, offset: int) -> int:
    starts = word_starts(text)
    index = bisect_right(starts, offset)
    return starts[index] if index < len(starts) else len(text)


def previous_word(text: str, offset: int) -> int:
    starts = word_starts(text)
    index = bisect_right(starts, offset - 1) - 1
    return starts[index] if index >= 0 else 0


def sentence_spans(text: str) -> list[Span]:
    """Every sentence of every paragraph, as (start, end) offsets without surrounding spaces."""
    spans: list[Span] = []
    for paragraph_start, paragraph_end in paragraph_spans(text):
        paragraph = text[paragraph_start:paragraph_end]
        start = 0
        for match in _SENTENCE_END.finditer(paragraph):
            if _is_abbreviation(paragraph, match.start()):
                continue
            spans.append((paragraph_start + start, paragraph_start + match.end()))
            start = match.end()
            while start < len(paragraph) and paragraph[start].isspace():
                start += 1
        if start < len(paragraph):
            spans.append((paragraph_start + start, paragraph_end))
    return spans


def _is_abbreviation(paragraph: str, period: int) -> bool:
    word = re.search(r"([\w.]+)$", paragraph[:period])
    if word is None:
        return False
    token = word.group(1).casefold().rstrip(".")
    # A lone capital letter with a period is an initial: "Donald J. Trump".
    return token in _ABBREVIATIONS or (len(token) == 1 and paragraph[period - 1].isupper())


def span_at(spans: list[Span], offset: int) -> Span | None:
    """The span containing ``offset``, or the nearest one after it."""
    for start, end in spans:
        if offset < end:
            return (start, end)
    return spans[-1] if spans else None


def next_start(spans: list[Span], offset: int) -> int | None:
    for start, _ in spans:
        if start > offset:
            return start
    return None


def previous_start(spans: list[Span], offset: int) -> int | None:
    """The start of the span before the one holding ``offset`` (or of that one, if inside)."""
    previous: int | None = None
    for start, _ in spans:
        if start >= offset:
            break
        previous = start
    return previous
