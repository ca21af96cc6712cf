"""The sidebar's view of an article's entities: one line per entity, most salient first."""

from __future__ import annotations

import re
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
    if not title:
        return False
    return any(re.search(rf"\b{re.escape(name)}\b", title) for name in names)
