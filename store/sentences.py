"""Sentences of the canonical text: where each begins and ends.

The reader's sentence motions (``tui.motions``) and the entity page's "first sentence that
names it" (:mod:`store.entities.page`) cut the text the same way, here.
"""

from __future__ import annotations

import re

from store.text import paragraph_spans

Span = tuple[int, int]

# A sentence ends at . ! ? or … (plus any closing quotes or brackets) before a space and a
# capital, digit or opening quote — which keeps "U.S. officials" or "p. 5" from splitting.
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+[\"'“‘(\[]?[A-Z0-9])")
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st mt gen sen rep gov col lt sgt capt jr sr inc ltd co corp vs etc no "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k e.g i.e".split()
)


def sentence_spans(text: str) -> list[Span]:
    """Every sentence of every paragraph, as (start, end) offsets without surrounding spaces."""
    spans: list[Span] = []
    for paragraph_start, paragraph_end in paragraph_spans(text):
        spans.extend(_paragraph_sentences(text, paragraph_start, paragraph_end))
    return spans


def _paragraph_sentences(text: str, paragraph_start: int, paragraph_end: int) -> list[Span]:
    spans: list[Span] = []
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


def sentence_at(text: str, offset: int) -> str:
    """The sentence of ``text`` that holds ``offset`` (the next one when it falls between
    two); "" for an offset past the text. Only the offset's paragraph is cut into sentences,
    so this is cheap on a long text."""
    if not 0 <= offset < len(text):
        return ""
    for paragraph_start, paragraph_end in paragraph_spans(text):
        if offset < paragraph_end:
            for start, end in _paragraph_sentences(text, paragraph_start, paragraph_end):
                if offset < end:
                    return text[start:end]
            return ""
    return ""


def _is_abbreviation(paragraph: str, period: int) -> bool:
    word = re.search(r"([\w.]+)$", paragraph[:period])
    if word is None:
        return False
    token = word.group(1).casefold().rstrip(".")
    # A lone capital letter with a period is an initial: "Donald J. Trump".
    return token in _ABBREVIATIONS or (len(token) == 1 and paragraph[period - 1].isupper())
