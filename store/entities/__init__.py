"""Entities: the people, places and organisations an article names.

``extract(text)`` is the contract every backend keeps: mentions with character offsets into
the text given (for articles, the canonical text). This first extractor is a placeholder for
the rules-and-gazetteer one.
"""

from __future__ import annotations

import re
from collections import Counter

from store.models import EntitySummary, Mention

EXTRACTOR_VERSION = 1

_CAPITALISED_RUN = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")
_NOT_NAMES = frozenset({"The", "She", "He", "It", "They", "We", "End", "Article", "With", "Last"})


def extract(text: str) -> list[Mention]:
    """Mentions of named entities in ``text``, in order of appearance."""
    mentions: list[Mention] = []
    for match in _CAPITALISED_RUN.finditer(text):
        words = match.group().split()
        while words and words[0] in _NOT_NAMES:
            words.pop(0)
        if not words:
            continue
        name = " ".join(words)
        start = match.end() - len(name)
        mentions.append(Mention(start, match.end(), name, "OTHER", name))
    return mentions


def summarize(mentions: list[Mention], title: str = "") -> tuple[EntitySummary, ...]:
    """One summary per entity, most salient first."""
    counts = Counter(mention.key for mention in mentions)
    first: dict[str, Mention] = {}
    for mention in mentions:
        first.setdefault(mention.key, mention)
    summaries = [
        EntitySummary(
            key=key,
            label=first[key].label,
            count=count,
            first=first[key].start,
            in_title=key in title,
        )
        for key, count in counts.items()
    ]
    summaries.sort(key=lambda s: (-s.count - (2 if s.in_title else 0), s.first))
    return tuple(summaries)
