"""The sidebar's view of an article's entities: one line per entity, most salient first."""

from __future__ import annotations

from dataclasses import dataclass, field

from store.models import EntityLabel, EntitySummary, Mention

# Salience: every mention counts one; a name in the headline counts as much as this many
# mentions, and being named in the opening counts up to EARLY_WEIGHT more.
HEADLINE_WEIGHT = 3.0
EARLY_WEIGHT = 1.0


@dataclass(slots=True)
class _Tally:
    label: EntityLabel
    first: int
    count: int = 0
    labels: dict[EntityLabel, int] = field(default_factory=dict)
    surfaces: set[str] = field(default_factory=set)


def summarize(mentions: list[Mention], title: str = "") -> tuple[EntitySummary, ...]:
    """One summary per entity, most salient first (mentions, early position, headline)."""
    tallies: dict[str, _Tally] = {}
    for mention in mentions:
        tally = tallies.get(mention.key)
        if tally is None:
            tally = tallies[mention.key] = _Tally(mention.label, mention.start)
        tally.count += 1
        tally.labels[mention.label] = tally.labels.get(mention.label, 0) + 1
        tally.surfaces.add(mention.text)
        tally.first = min(tally.first, mention.start)
    extent = max((mention.end for mention in mentions), default=1) or 1
    summaries: list[tuple[float, EntitySummary]] = []
    for key, tally in tallies.items():
        in_title = _named_in(title, {key, *tally.surfaces})
        label = max(tally.labels, key=lambda candidate: tally.labels[candidate])
        salience = (
            tally.count
            + (HEADLINE_WEIGHT if in_title else 0.0)
            + EARLY_WEIGHT * (1.0 - tally.first / extent)
        )
        summaries.append((salience, EntitySummary(key, label, tally.count, tally.first, in_title)))
    summaries.sort(key=lambda item: (-item[0], item[1].first))
    return tuple(summary for _, summary in summaries)


def _named_in(title: str, names: set[str]) -> bool:
    """Whether any name occurs in the title as ``\\bNAME\\b`` would find it. Searched
    without a regular expression: one pattern per name and article overflowed ``re``'s cache
    and made compiling them a quarter of extraction."""
    return bool(title) and any(occurs_as_word(title, name) for name in names if name)


def _is_word(character: str) -> bool:
    return character.isalnum() or character == "_"


def occurs_as_word(text: str, name: str) -> bool:
    """Whether ``name`` occurs in ``text`` as a whole word, as ``\\bNAME\\b`` finds it."""
    # \b before the name: the character before it differs from its first in being a word
    # character (outside the text counts as not one); likewise after it.
    starts_word, ends_word = _is_word(name[0]), _is_word(name[-1])
    at = text.find(name)
    while at >= 0:
        end = at + len(name)
        before = at > 0 and _is_word(text[at - 1])
        after = end < len(text) and _is_word(text[end])
        if before != starts_word and after != ends_word:
            return True
        at = text.find(name, at + 1)
    return False
