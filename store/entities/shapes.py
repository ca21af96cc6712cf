"""What a word or a name looks like to the rule-based extractor: a person's name, an acronym,
a brand, a role, an ordinary word. Shared by its first pass (``rules``) and its second
(``context``)."""

from __future__ import annotations

import re

from store.entities import vocabulary as vocab
from store.entities.gazetteer import BIG_CITY_POPULATION, Gazetteer

# "F." and "C.C.": a person's initials (a place's or a body's, "U.S.", are known as such).
INITIAL = re.compile(r"^(?:[A-Z]\.){1,3}$")
NAME_SUFFIXES = frozenset({"Jr.", "Sr.", "Jr", "Sr"})
# After a role, a regnal number is part of the name: "Pope Leo XIV", "King Charles III" (but
# "Artemis II" is a mission).
REGNAL_NUMBERS = frozenset("II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI".split())
# Surname prefixes written in camel case; other camel-case words are brands ("TikTok").
CAMEL_CASE_SURNAME = re.compile(r"^(?:Mc|Mac|De|Di|Da|Du|La|Le|Van|Von|O['’])[A-Z]")
CAMEL_CASE = re.compile(r"^[A-Z][a-z]+[A-Z][a-z]")


def words_more_than_name(words: list[str], gaz: Gazetteer) -> bool:
    """``Blue Jays``, ``Seven Summit Treks``, ``Red Bull``: a given name rare as a name but
    common as a word, then only ordinary words; not ``Bill Gates`` (common as a name) or
    ``Blue Ivy Carter``. And ``Denver Nuggets``: a city's name, then a plural of an ordinary
    word, is a team's or a firm's name ("Austin Butler" is a person's)."""
    if not gaz.is_common_given_name(words[0]) and all(map(gaz.is_ordinary, words[1:])):
        return True
    city = gaz.place(words[0])
    last = words[-1]
    return (
        city is not None
        and city.population >= BIG_CITY_POPULATION
        and last.endswith("s")
        and gaz.is_ordinary(last[:-1])
    )


def is_brand(word: str) -> bool:
    return bool(CAMEL_CASE.match(word)) and not CAMEL_CASE_SURNAME.match(word)


def could_be_a_person(name: str, gaz: Gazetteer) -> bool:
    """Not "La Guajira" (an article), "Los Angeles Dodgers" (a place first), "Energy Agency",
    "Moana New Zealand" (a country last, unless it is a given name too: "Michael Jordan")."""
    words = name.split()
    if words[0] in vocab.ARTICLES or any(names_a_thing(word, gaz) for word in words):
        return False
    if ends_with_a_country(words, gaz):
        return False
    return all(gaz.place(" ".join(words[:size])) is None for size in range(1, len(words)))


def ends_with_a_country(words: list[str], gaz: Gazetteer) -> bool:
    """``Moana New Zealand``, ``Transport Infrastructure Ireland``: no person's name ends with
    a country's, unless that is a given name too ("Michael Jordan")."""
    for size in range(1, len(words)):
        tail = gaz.place(" ".join(words[size:]))
        if tail is not None and tail.is_country and not gaz.is_given_name(words[size]):
            return True
    return False


def opens_like_a_person(name: str, gaz: Gazetteer) -> bool:
    """Without a role before it, a name that opens with an ordinary word that is no given name
    is more often an organisation that speaks: "Credit Suisse said", "Human Rights Watch
    said"; "manager Pep Guardiola said" has its role."""
    first = name.split(maxsplit=1)[0]
    return gaz.is_given_name(first) or not gaz.is_ordinary(first)


def names_a_thing(word: str, gaz: Gazetteer) -> bool:
    """A word that would not be in a person's name: "United" Nations, "Energy" Agency."""
    return (
        is_title(word, gaz)
        or word in vocab.ORG_HEADS
        or word in vocab.ORG_OPENERS
        or word in vocab.EVENT_HEADS
        or word in vocab.PLACE_FEATURES
        or word in gaz.demonyms
    )


def is_title(word: str, gaz: Gazetteer) -> bool:
    lower = word.lower().rstrip(".")
    if word.isupper() and gaz.place(word) is not None:
        return False  # "US" in "US President" is the country
    prefix, _, rest = lower.partition("-")
    return lower in gaz.titles or (
        bool(rest)
        and (prefix in _TITLE_PREFIXES or prefix in gaz.titles)
        and all(part in gaz.titles for part in rest.split("-"))
    )


# What may go before a title with a hyphen: "Co-director", "Ex-president", "Vice-chair".
_TITLE_PREFIXES = frozenset({"co", "ex", "vice", "deputy", "acting"})


def name_shaped(word: str) -> bool:
    if INITIAL.match(word) or word in NAME_SUFFIXES:
        return True
    letters = word.replace("-", "").replace("'", "").replace("’", "")
    return (
        letters.isalpha()
        and not word.isupper()
        and word not in vocab.ORG_HEADS
        and (word not in vocab.PLACE_FEATURES)
    )


def is_acronym(word: str) -> bool:
    letters = word.replace(".", "").replace("&", "").removesuffix("+")
    return (
        word.isupper()
        and 2 <= len(letters) <= 6
        and letters.isalpha()
        and word not in vocab.NON_ENTITY_ACRONYMS
    )


def initials(word: str, gaz: Gazetteer) -> bool:
    return (
        INITIAL.match(word) is not None
        and gaz.place(word) is None
        and gaz.organisation(word) is None
    )


def known_word(word: str, gaz: Gazetteer) -> bool:
    return (
        gaz.is_given_name(word)
        or gaz.place(word) is not None
        or word in gaz.demonyms
        or is_title(word, gaz)
        or word in vocab.ORG_OPENERS
        or word.isupper()
    )
