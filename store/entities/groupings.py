"""How the words of a capitalised run group into names: one name or two ("Ford and General
Motors", "Ministry of Water and Irrigation"), a person and where they are from ("Jannik
Sinner of Italy"), an organisation's branch ("Greenpeace France"). Predicates over tokens,
used by ``rules`` to decide where to cut a run."""

from __future__ import annotations

import itertools

from store.entities import vocabulary as vocab
from store.entities.candidates import Candidate, Token
from store.entities.gazetteer import BIG_CITY_POPULATION, Gazetteer
from store.entities.shapes import (
    could_be_a_person,
    is_acronym,
    is_brand,
    is_title,
    name_shaped,
)


def ends_with_organisation(tokens: list[Token], gaz: Gazetteer) -> bool:
    """``Kenya Red Cross``: a known organisation of two words or more, after a place or a
    person that only says which branch."""
    if any(token.connector for token in tokens):
        return False  # "Members of the European People's Party": see organisation_after_of
    for index in range(1, len(tokens) - 1):
        found = gaz.organisation(" ".join(token.text for token in tokens[index:]))
        if found is not None and not found.ambiguous:
            return True
    return False


def organisation_of_a_country(tokens: list[Token], gaz: Gazetteer) -> bool:
    """``Greenpeace France``, ``Athletics Kenya``: a known organisation's branch, or a sport's
    governing body, named by the country it works in (or the world)."""
    if any(token.connector for token in tokens):
        return False
    if len(tokens) == 2 and tokens[0].text == "World" and tokens[1].text in vocab.SPORTS:
        return True  # "World Athletics", "World Rugby"
    for index in range(1, len(tokens)):
        country = gaz.place(" ".join(token.text for token in tokens[index:]))
        if country is None or not country.is_country:
            continue
        head = " ".join(token.text for token in tokens[:index])
        found = gaz.organisation(head)
        return (found is not None and not found.ambiguous) or head in vocab.SPORTS
    return False


def one_body_of_two_fields(
    tokens: list[Token], joined: list[int], text: str, gaz: Gazetteer
) -> bool:
    """``Ministry of Water and Irrigation``, ``Department of Health and Human Services``,
    ``International Association of Machinists and Aerospace Workers``: one body in charge of
    two things, not a body and a second name; but ``University of Tokyo and Toyota`` (a name
    the lists know) and ``... and the ...`` are two."""
    if len(joined) != 1 or tokens[joined[0]].text != "and":
        return False
    before, after = trim(tokens[: joined[0]]), trim(tokens[joined[0] + 1 :])
    if not (
        len(before) >= 3
        and (
            (before[0].text in vocab.ORG_OPENERS and before[1].text in ("of", "for"))
            or (_a_body_of(before) and all(gaz.is_ordinary(token.text) for token in after))
        )
        and 1 <= len(after) <= 2
        and not any(token.connector for token in after)
        # "... and Curtin University" is a second body; "... and Renewables" a second field.
        and not (len(after) > 1 and after[-1].text in vocab.ORG_HEADS)
    ):
        return False
    name = text[after[0].start : after[-1].end]
    return gaz.place(name) is None and gaz.organisation(name) is None


def _a_body_of(tokens: list[Token]) -> bool:
    """A body's word, then "of" or "for", after words that qualify it: "International
    Association of"."""
    return any(
        token.text in vocab.ORG_OPENERS and following.connector and following.text in ("of", "for")
        for token, following in itertools.pairwise(tokens[1:])
    )


def two_names(tokens: list[Token], joined: list[int], text: str, gaz: Gazetteer) -> bool:
    """``Ford and General Motors``, ``Ottawa and Mexico City``, ``Prasarana and SMRT Corp``:
    two names, though what follows "and" would end one organisation's name, when what comes
    before it is a name of its own (known, an acronym, a brand, or an organisation's whole
    name), or what follows opens with "the" or ends in a legal form."""
    if tokens[joined[-1] + 1].text == "the":
        return True  # "the University of Helsinki and the Finnish Meteorological Institute"
    before = trim(tokens[: joined[0]])
    if before:
        name = text[before[0].start : before[-1].end]
        place, organisation = gaz.place(name), gaz.organisation(name)
        if place is not None and (place.is_country or place.population >= BIG_CITY_POPULATION):
            return True
        if organisation is not None and (place is None or not organisation.ambiguous):
            return True
        if len(before) == 1 and (is_acronym(name) or is_brand(name)):
            return True
        if len(before) >= 2 and (
            before[-1].text in vocab.ORG_HEADS or looks_like_organisation(before)
        ):
            return True  # "Yeti Airlines and Tara Air", "University of Oxford and Curtin ..."
    after = trim(tokens[joined[-1] + 1 :])
    return (
        tokens[joined[-1]].text == "and" and len(after) >= 2 and after[-1].text in vocab.LEGAL_FORMS
    )


def split_person_of(tokens: list[Token], gaz: Gazetteer) -> list[list[Token]] | None:
    """``Jannik Sinner of Italy`` is a person and a place, not one organisation."""
    for index, token in enumerate(tokens):
        if token.connector and token.text == "of":
            before = [t.text for t in tokens[:index] if not t.connector]
            if (
                len(before) >= 2
                and (gaz.is_given_name(before[0]) or is_title(before[0], gaz))
                and before[0] not in vocab.ORG_OPENERS
                and before[-1] not in vocab.ORG_HEADS
            ):
                after = trim(tokens[index + 1 :])
                return [tokens[:index], after] if after else [tokens[:index]]
            return None
    return None


def organisation_after_of(tokens: list[Token]) -> list[list[Token]] | None:
    """``Members of the European People's Party``: an organisation's name after "of", and
    before it a word that heads no organisation's name (unlike "Bank of England")."""
    for index, token in enumerate(tokens):
        if token.connector and token.text == "of":
            before = trim(tokens[:index])
            after = trim(tokens[index + 1 :])
            if (
                before
                and len(after) >= 2
                and before[-1].text not in vocab.ORG_HEADS
                and before[-1].text not in vocab.ORG_OPENERS
                and looks_like_organisation(after)
            ):
                return [before, after]
            return None
    return None


def looks_like_organisation(tokens: list[Token]) -> bool:
    last = tokens[-1].text.removesuffix(".")  # "Rothschild & Co.", "Acme Corp."
    if last in vocab.ORG_HEADS or last in vocab.COMPANY_TAILS:
        return True
    if any(token.text in vocab.FOREIGN_ORG_OPENERS for token in tokens[:-1]):
        # "Partido Popular", "Médecins Sans Frontières", "Technische Universität Dresden":
        # the head opens what it names (last, it is a surname: "Marco Banco").
        return True
    for index, token in enumerate(tokens[:-1]):
        following = tokens[index + 1]
        if (
            following.connector
            and following.text in ("of", "for")
            and (token.text in vocab.ORG_HEADS or (index == 0 and token.text in vocab.ORG_OPENERS))
        ):
            return True
    return False


def opens_with_a_place_of_words(words: list[str], gaz: Gazetteer) -> bool:
    """``San Diego Padres``, ``Los Angeles Dodgers``: a place of two words or more opens the
    name, so it is no person's ("San" is a given name too); "Paris Hilton" may be."""
    return len(words) > 2 and any(
        gaz.place(" ".join(words[:size])) is not None for size in range(2, len(words))
    )


def only_a_person(tokens: list[Token], gaz: Gazetteer) -> bool:
    """One to three name-shaped words that open with a common given name, or with any given
    name before words that are no ordinary words, or hold no ordinary word at all, and could
    be a person's: "Abdourahamane Tiani", "Bill Gates", "Chuck Schumer"; not "Motors"."""
    words = [token.text for token in trim(tokens) if not token.connector]
    return (
        1 <= len(words) <= 3
        and all(map(name_shaped, words))
        and (
            gaz.is_common_given_name(words[0])
            or (gaz.is_given_name(words[0]) and not any(map(gaz.is_ordinary, words[1:])))
            or not any(map(gaz.is_ordinary, words))
        )
        and could_be_a_person(" ".join(words), gaz)
    )


def weak_role_of_a_person(chain: list[str], rest: list[Token], gaz: Gazetteer) -> bool:
    """A role of words that also open names of things ("General", "Chief") before what can
    only be a person's name: "General Abdourahamane Tiani", not "General Motors"."""
    return not all(
        word in gaz.modifier_titles or word in vocab.ROLE_MODIFIERS for word in chain
    ) and only_a_person(rest, gaz)


def trim(tokens: list[Token]) -> list[Token]:
    first, last = 0, len(tokens)
    while first < last and tokens[first].connector:
        first += 1
    while last > first and tokens[last - 1].connector:
        last -= 1
    return tokens[first:last]


def strip_first(tokens: list[Token]) -> list[Token]:
    return trim(tokens[1:])


def split_at(tokens: list[Token], cuts: list[int]) -> list[list[Token]]:
    parts: list[list[Token]] = []
    previous = 0
    for cut in [*cuts, len(tokens)]:
        part = tokens[previous:cut]
        if part:
            parts.append(part)
        previous = cut + 1
    return parts


# What separates the fields a body's name lists: "Health, Labour and Welfare".
_FIELD_SEPARATORS = frozenset({", ", " and ", ", and ", " & ", ", & "})


def join_listed_fields(candidates: list[Candidate], text: str, gaz: Gazetteer) -> list[Candidate]:
    """``Commission for Conciliation, Mediation and Arbitration``, ``Ministry of Health, Labour
    and Welfare``: a body's name that lists its fields with commas, which end the runs the
    names are made from, is one name; each field is a capitalised ordinary word or two that
    names nothing on its own ("Central Bank", "Apple"), and the list ends with "and"."""
    joined: list[Candidate] = []
    index = 0
    while index < len(candidates):
        head = candidates[index]
        last = _last_listed_field(candidates, index, text, gaz) if _lists_fields(head) else None
        if last is None:
            joined.append(head)
            index += 1
            continue
        end = candidates[last].end
        name = text[head.start : end]
        joined.append(Candidate(head.start, end, name, "ORG", name, len(name.split())))
        index = last + 1
    return joined


def _lists_fields(candidate: Candidate) -> bool:
    words = candidate.text.split()
    return (
        candidate.label == "ORG"
        and len(words) >= 3
        and words[-2] in ("of", "for")
        and words[-3] in vocab.ORG_OPENERS
    )


def _last_listed_field(
    candidates: list[Candidate], index: int, text: str, gaz: Gazetteer
) -> int | None:
    """Where the fields after ``candidates[index]`` end: the index of the field after "and".
    A comma comes first, or "Ministry of Finance and Treasury" would be decided here."""
    for following in range(index + 1, len(candidates)):
        field = candidates[following]
        separator = text[candidates[following - 1].end : field.start]
        words = field.text.replace(" and ", " ").split()
        if (
            separator not in _FIELD_SEPARATORS
            or (following == index + 1 and separator != ", ")
            or field.label is not None
            or len(words) > 3
            or not all(map(gaz.is_ordinary, words))
        ):
            return None
        if separator != ", " or " and " in field.text:
            return following
    return None
