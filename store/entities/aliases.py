"""Aliases: the many ways one article names one entity, brought to one key.

Places need nothing here: the gazetteer maps every spelling ("US", "U.S.", "United States")
to one canonical name. People do: an article names someone in full once ("Prime Minister
Sanae Takaichi") and by one part of the name after that ("Takaichi"); the part takes the
full name's key when exactly one person in the article has that part.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from store.models import EntityLabel

_PARTICLES = frozenset("bin bint da de del della der di do dos du la le van von al el".split())
# A country outranks a person's name part ("Jordan"); a city does not ("Hamilton").
_KEEP_LABELS: frozenset[EntityLabel] = frozenset({"ORG", "OTHER"})


class Named(Protocol):
    text: str
    label: EntityLabel | None
    key: str
    words: int


def name_parts(full_name: str) -> list[str]:
    return [part for part in full_name.split() if part.lower() not in _PARTICLES]


def person_parts(candidates: Iterable[Named]) -> dict[str, set[str]]:
    """Each part of each full personal name → the full names it belongs to."""
    parts: dict[str, set[str]] = {}
    for candidate in candidates:
        if candidate.label == "PERSON" and candidate.words > 1:
            for part in name_parts(candidate.key):
                parts.setdefault(part, set()).add(candidate.key)
    return parts


def resolve_person_keys(
    candidates: Sequence[Named], *, is_country: Callable[[str], bool] = lambda key: False
) -> None:
    """Give one-word names the key of the one full name in the article that contains them."""
    parts = person_parts(candidates)
    for candidate in candidates:
        if candidate.words != 1 or candidate.label in _KEEP_LABELS:
            continue
        owners = parts.get(candidate.text)
        if owners is None or len(owners) != 1:
            continue
        if candidate.label == "PLACE" and is_country(candidate.key):
            continue
        candidate.label = "PERSON"
        candidate.key = next(iter(owners))
