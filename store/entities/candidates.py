"""What the rule-based extractor works with: capitalised words, and the names it makes of them
before they are settled into mentions."""

from __future__ import annotations

from dataclasses import dataclass

from store.models import EntityLabel


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str
    connector: bool = False


@dataclass(slots=True)
class Candidate:
    start: int
    end: int
    text: str
    label: EntityLabel | None
    key: str
    words: int
    role: str | None = None
    maybe_place: bool = False
    """A small town's name outside a place context: a place if a list says so, never an
    organisation from the words around it ("in Zwickau and Emden, the carmaker said")."""
    tentative: bool = False
    """An organisation only because a list has the name, though it is also a person's name
    or an ordinary word ("Ford"): a person of that name in the article takes it back."""
    guessed: bool = False
    """A person only by the shape of a name no list knows: the article naming a part of it as
    an organisation ("Aramco chief executive") makes the whole one ("Saudi Aramco")."""
