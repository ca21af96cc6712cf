"""Reading-cursor motions over the canonical text: words, sentences, paragraphs.

Pure functions of (text, offset) so they can be tested without a screen. Offsets index the
canonical text, whose paragraphs are separated by a blank line.
"""

from __future__ import annotations

import re
from bisect import bisect_right

# Sentences are cut as the entity page cuts them (its first sentence naming an entity).
from store.sentences import sentence_spans as sentence_spans

Span = tuple[int, int]

_WORD = re.compile(r"\w[\w'’\-]*|[^\w\s]", re.UNICODE)


def word_starts(text: str) -> list[int]:
    return [match.start() for match in _WORD.finditer(text)]


def next_word(text: str, offset: int) -> int:
    starts = word_starts(text)
    index = bisect_right(starts, offset)
    return starts[index] if index < len(starts) else len(text)


def word_end(text: str, offset: int) -> int:
    """The last character of the word after ``offset`` (vi's ``e``): of this word when
    ``offset`` is inside it before its last character, else of the next one."""
    for match in _WORD.finditer(text, max(offset, 0)):
        if match.end() - 1 > offset:
            return match.end() - 1
    return max(len(text) - 1, 0)


def previous_word(text: str, offset: int) -> int:
    starts = word_starts(text)
    index = bisect_right(starts, offset - 1) - 1
    return starts[index] if index >= 0 else 0


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
