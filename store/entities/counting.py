"""How many articles of a set name each entity, as the user's corrections have the entities.

The entity page's co-mentions (the articles naming one entity) and the most-named entities of
a period (the articles of those days) are both this count, read from the entity catalog: the
rows grouped by key in SQL, then folded as every other answer of the catalog folds them —
names merged into one entity count as it, a part of one person's name only ("Quinlan") as
that person, hidden entities not at all. An article naming two names of one entity counts
once: such groups (few) are counted again by distinct article, in one more query.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from store.entities.catalog import EntityCatalog
from store.entities.corrections import Corrections
from store.models import ENTITY_LABELS, EntityLabel


@dataclass(frozen=True, slots=True)
class EntityCount:
    key: str
    label: EntityLabel
    articles: int
    """Articles of the set that name it."""
    mentions: int
    """Its mentions in them."""


_OWN = 1_000_000
"""An entity's label is its own rows' (the one naming most articles); a merged name's or a
part's only when it has none: their weight counts this much less."""


def count_entities(
    catalog: EntityCatalog,
    scope: str,
    parameters: Sequence[object] = (),
    *,
    leave_out: Iterable[str] = (),
) -> dict[str, EntityCount]:
    """Each entity named in the articles ``scope`` selects (SQL giving their ``num``), by
    key; the entities whose keys are in ``leave_out`` are not counted."""
    corrections = catalog.corrections()
    rows = catalog.select(
        f"SELECT entity, label, COUNT(*), SUM(count) FROM mention WHERE num IN ({scope}) "
        f"GROUP BY entity, label",
        parameters,
    )
    owners = catalog.sole_owners({key for key, *_ in rows if " " not in key})
    left_out = {corrections.canonical(key) for key in leave_out}
    # A few thousand rows for a page: plain lists, not objects, until the counts are known.
    tallies: dict[str, list[Any]] = {}  # [articles, mentions, label, weight, first key]
    several: dict[str, set[str]] = {}
    for key, label, articles, mentions in rows:
        entity = corrections.canonical(owners.get(key, key))
        if entity in left_out or corrections.is_hidden(entity):
            continue
        weight = articles * (_OWN if key == entity else 1)
        tally = tallies.get(entity)
        if tally is None:
            tallies[entity] = [articles, mentions, label, weight, key]
            continue
        tally[0] += articles
        tally[1] += mentions
        if weight > tally[3]:
            tally[2], tally[3] = label, weight
        if key != tally[4]:
            several.setdefault(entity, {tally[4]}).add(key)
    for entity, articles in _distinct_articles(catalog, several, scope, parameters).items():
        tallies[entity][0] = articles
    return {
        entity: EntityCount(entity, corrections.label(entity, _label(label)), articles, mentions)
        for entity, (articles, mentions, label, _, _) in tallies.items()
    }


def _distinct_articles(
    catalog: EntityCatalog, groups: dict[str, set[str]], scope: str, parameters: Sequence[object]
) -> dict[str, int]:
    """For entities counted under several keys: the articles naming any of them, each once
    (one query for them all)."""
    entity_of = {key: entity for entity, keys in groups.items() for key in keys}
    if not entity_of:
        return {}
    marks = ", ".join("?" * len(entity_of))
    # "+entity": walk the set's articles (the index by article), not every article naming
    # these keys, which for a merge of much-named entities is many times more (9 ms, not 19).
    rows = catalog.select(
        f"SELECT entity, num FROM mention WHERE +entity IN ({marks}) AND num IN ({scope})",
        [*entity_of, *parameters],
    )
    articles: dict[str, set[int]] = {entity: set() for entity in groups}
    for key, num in rows:
        articles[entity_of[key]].add(num)
    return {entity: len(nums) for entity, nums in articles.items()}


_LABELS: dict[str, EntityLabel] = {label: label for label in ENTITY_LABELS}


def _label(text: str) -> EntityLabel:
    return _LABELS.get(text, "OTHER")


def ranked(counts: Iterable[EntityCount], limit: int | None) -> list[EntityCount]:
    """Most articles first, then most mentions, then by name; at most ``limit``."""
    order = sorted(counts, key=lambda count: (-count.articles, -count.mentions, count.key))
    return order if limit is None else order[:limit]


def labelled(corrections: Corrections, key: str, labels: Counter[str]) -> EntityLabel:
    """The label of ``key`` now: the user's, else the one most of its rows have."""
    return corrections.label(key, _label(labels.most_common(1)[0][0]) if labels else "OTHER")
