"""Aliases: the many ways one article names one entity, brought to one key.

Places need nothing here: the gazetteer maps every spelling ("US", "U.S.", "United States")
to one canonical name. People do: an article names someone in full once ("Prime Minister
Sanae Takaichi") and by one part of the name after that ("Takaichi"); the part takes the
full name's key when exactly one person in the article has that part. So do organisations
an article names in full with an acronym beside it ("Japan Aerospace Exploration Agency
(JAXA)", or "NDMA (National Disaster Management Authority)"): every "JAXA" in the article
takes the full name's key.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterable, Sequence
from typing import Protocol

from store.models import EntityLabel

PARTICLES = frozenset("bin bint da de del della der di do dos du la le van von al el".split())
# A country outranks a person's name part ("Jordan"); a city does not ("Hamilton").
_KEEP_LABELS: frozenset[EntityLabel] = frozenset({"ORG", "OTHER"})


class Named(Protocol):
    text: str
    label: EntityLabel | None
    key: str
    words: int
    tentative: bool


class Spanned(Named, Protocol):
    start: int
    end: int


# An acronym: capitals (and digits, "&", "+", dots, hyphens) with at least two letters.
_ACRONYM = re.compile(r"^[A-Z][A-Z0-9&.+-]*[A-Z0-9+]$")


def name_parts(full_name: str) -> list[str]:
    return [part for part in full_name.split() if part.lower() not in PARTICLES]


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
    """Give one-word names the key of the one full name in the article that contains them,
    and a shorter name that ends a longer one ("De Minaur" after "Alex de Minaur") its key."""
    _join_name_tails(candidates)
    parts = person_parts(candidates)
    for candidate in candidates:
        if candidate.words != 1 or (candidate.label in _KEEP_LABELS and not candidate.tentative):
            continue
        owners = parts.get(candidate.text)
        if owners is None or len(owners) != 1:
            continue
        if candidate.label == "PLACE" and is_country(candidate.key):
            continue
        candidate.label = "PERSON"
        candidate.key = next(iter(owners))


def _join_name_tails(candidates: Sequence[Named]) -> None:
    """A name of two words or more that ends the one full name of a person in the article is
    that person, whatever the words alone suggested: "De Minaur" after "Alex de Minaur",
    "Lujan Grisham" after "Michelle Lujan Grisham"."""
    full_names = {c.key for c in candidates if c.label == "PERSON" and c.words > 1}
    for candidate in candidates:
        if candidate.label not in ("PERSON", "ORG", None) or candidate.words < 2:
            continue
        tail = f" {candidate.text.lower()}"
        longer = [name for name in full_names if name.lower().endswith(tail)]
        if len(longer) == 1:
            candidate.label, candidate.key = "PERSON", longer[0]


def link_acronyms(candidates: Sequence[Spanned], text: str) -> None:
    """Give an acronym defined beside a full name ("Full Name (FN)" or "FN (Full Name)") the
    full name's key and label, there and wherever else the article uses it. A full name no
    rule could label is an organisation: what else is introduced with an acronym."""
    defined: dict[str, tuple[EntityLabel, str]] = {}
    for left, right in itertools.pairwise(candidates):
        if (
            text[left.end : right.start] not in (" (", "(")
            or text[right.end : right.end + 1] != ")"
        ):
            continue
        if left.words >= 2 and _abbreviates(right.text, left.text):
            full, short = left, right
        elif right.words >= 2 and _abbreviates(left.text, right.text):
            full, short = right, left
        else:
            continue
        full.label = full.label or "ORG"
        defined[short.text] = (full.label, full.key)
    for candidate in candidates:
        found = defined.get(candidate.text)
        if found is not None:
            candidate.label, candidate.key = found
            candidate.tentative = False


def _abbreviates(short: str, full: str) -> bool:
    """Whether ``short`` reads as an acronym of ``full``: its letters in order among the full
    name's, starting with its first ("JAXA", Japan Aerospace eXploration Agency)."""
    if not _ACRONYM.match(short):
        return False
    letters = [char.lower() for char in short if char.isalpha()]
    name = full.lower()
    if len(letters) < 2 or not name.startswith(letters[0]):
        return False
    position = 0
    for letter in letters:
        position = name.find(letter, position)
        if position < 0:
            return False
        position += 1
    return True
