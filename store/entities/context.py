"""The rule-based extractor's second pass: names the first could not label, labelled from the
words around them, from the lists they stand in, and from what else the article calls them."""

from __future__ import annotations

import itertools
import re

from store.entities import vocabulary as vocab
from store.entities.candidates import Candidate
from store.entities.gazetteer import Gazetteer
from store.entities.shapes import (
    could_be_a_person,
    is_title,
    name_shaped,
    opens_like_a_person,
    words_more_than_name,
)
from store.entities.teams import label_teams
from store.models import EntityLabel

# Separators of a list whose members are of one kind: "TikTok, Instagram and Snapchat".
LIST_SEPARATORS = frozenset({", ", " and ", ", and ", " or ", ", or "})
LOWER_WORD_BEFORE = re.compile(r"([a-z][a-z-]+),?\s$")


def label_from_context(candidates: list[Candidate], text: str, gaz: Gazetteer) -> None:
    """Label what the first pass could not from the words around it."""
    for candidate in candidates:
        if candidate.label is not None or vocab.NUMBER_WORD.match(candidate.text):
            continue  # "Sixty residents were evacuated"
        after = text[candidate.end : candidate.end + 48]
        before_start = max(0, candidate.start - 32)
        if vocab.PLACE_APPOSITION.match(after) or vocab.PLACE_EXAMPLES_BEFORE.search(
            text, before_start, candidate.start
        ):
            candidate.label = "PLACE"
        elif (
            not candidate.maybe_place
            and not _a_sentences_ordinary_word(candidate, text, gaz)
            and (
                vocab.ORG_AFTER.match(after)
                or vocab.ORG_APPOSITION.match(after)
                or (vocab.ORG_POST_AFTER.match(after) and not _an_ordinary_word(candidate, gaz))
                or vocab.ORG_EXAMPLES_BEFORE.search(text, before_start, candidate.start)
                or vocab.ORG_BEFORE.search(text, before_start, candidate.start)
                or (vocab.ORG_NOUN_AFTER.match(after) and not _an_ordinary_word(candidate, gaz))
                or vocab.ORG_NOUN_BEFORE.search(text, before_start, candidate.start)
                or (
                    text[candidate.start - 1 : candidate.start] == "("
                    and vocab.AGENCY_AFTER_DATELINE.match(after)
                )
            )
        ):
            # Tentative: "Tinubu's spokesman" after "Bola Tinubu" is the person.
            candidate.label, candidate.tentative = "ORG", True
        elif _named_as_a_person(candidate, text, gaz):
            candidate.label = "PERSON"
        elif (
            vocab.PLACE_CONTEXT_AFTER.match(after)
            or vocab.PLACE_IN_AFTER.match(after)
            or (
                vocab.PLACE_CONTEXT_BEFORE.search(text, before_start, candidate.start)
                and not vocab.MODIFIED_NOUN_AFTER.match(after)
            )
        ):
            # A surname among these ("a letter from Okafor") is a person again once the
            # article's full names are known (resolve_person_keys).
            candidate.label = "PLACE"
    for candidate in candidates:
        if candidate.label == "PERSON" and candidate.role is None and _placed(candidate, text):
            candidate.label = "PLACE"
    label_teams(candidates, text, gaz)
    label_lists(candidates, text, gaz)
    # Last, a guess from the words alone, for what neither its context nor a list labelled.
    for candidate in candidates:
        if candidate.label is None and candidate.words >= 2 and not candidate.maybe_place:
            before = _NO_PERSON_BEFORE.search(text, max(0, candidate.start - 24), candidate.start)
            candidate.label = unknown_name_label(
                candidate.text, before.group(1) if before else None, gaz
            )
            candidate.guessed = candidate.label == "PERSON"


_IN_OR_NEAR_BEFORE = re.compile(r"\b(?:in|near)\s$")


def _placed(candidate: Candidate, text: str) -> bool:
    """A name read as a person's only because a given name opens it, where the words around
    it say place: "near Al Hamra", "Sharjah's Al Nahda district"."""
    after = text[candidate.end : candidate.end + 48]
    return bool(
        vocab.PLACE_CONTEXT_AFTER.match(after)
        or (
            _IN_OR_NEAR_BEFORE.search(text, max(0, candidate.start - 6), candidate.start)
            and not vocab.MODIFIED_NOUN_AFTER.match(after)
            and not after.startswith(("'", "’"))
        )
    )


def _named_as_a_person(candidate: Candidate, text: str, gaz: Gazetteer) -> bool:
    """A name with a role before it or a person's verb after it ("opposition leader Atiku
    Abubakar", "Dawa Sherpa said"), or the leader a government is named after ("the Trump
    administration")."""
    after = text[candidate.end : candidate.end + 48]
    if candidate.words == 1:
        return name_shaped(candidate.text) and (
            vocab.AGE_AFTER.match(after) is not None
            or (
                vocab.PERSON_GOVERNMENT_AFTER.match(after) is not None
                and text[max(0, candidate.start - 4) : candidate.start].lower() == "the "
            )
        )
    return (
        candidate.words <= 3
        and (
            (
                vocab.PERSON_VERBS.match(after) is not None
                and opens_like_a_person(candidate.text, gaz)
            )
            or role_before(candidate.start, text, gaz)
        )
        and all(map(name_shaped, candidate.text.split()))
        and could_be_a_person(candidate.text, gaz)
        # "for the Blue Jays, who": no person's name takes "the"
        and text[max(0, candidate.start - 4) : candidate.start].lower() != "the "
    )


def _a_sentences_ordinary_word(candidate: Candidate, text: str, gaz: Gazetteer) -> bool:
    """An ordinary word capitalised only because it opens a sentence: "Acting chief executive
    Liz Westcott said", "Officials said its..."."""
    if not _an_ordinary_word(candidate, gaz):
        return False
    before = text[: candidate.start].rstrip(" \t\"'“‘([")
    return not before or before[-1] in "\n.!?:;"


def _an_ordinary_word(candidate: Candidate, gaz: Gazetteer) -> bool:
    """A capitalised ordinary word before a company word ("State company CPK", "Mining company
    Hudbay") describes the company that follows; it does not name one."""
    return candidate.words == 1 and gaz.is_ordinary(candidate.text)


# What goes before a name only where it is no person's: "the" (with a word between, "the
# historic Rione Terra"), or a preposition of place ("at Tân Sơn Nhất"; not "to" or "from":
# "the title went to Machel Montano").
_NO_PERSON_BEFORE = re.compile(r"\b(the|[Tt]he\s(?!late\b)[a-z]+|at|in|into|near)\s$")


def unknown_name_label(name: str, before: str | None, gaz: Gazetteer) -> EntityLabel | None:
    """A name of two words or more that no list, shape or context could label. With an
    ordinary word in it, it is most often an organisation ("Human Rights Watch", "United
    Steelworkers"); made only of words that are no ordinary words, a person ("Abdourahamane
    Tiani"), unless what goes ``before`` it never goes before a person's name: "the" ("the
    Estadio Metropolitano"), or a preposition of place, which makes it a place ("a complex at
    Wa'ad Al Shamal"); opened by a place's name, an organisation ("Balfour Beatty", "San
    Diego Padres"). A given name common as a name ("Bill", not "Blue"), an article ("La
    Guajira") or a title first leaves it to the other rules."""
    words = name.split()
    if len(words) == 2 and words[0] in vocab.COMPASS_OPENERS and not gaz.is_ordinary(words[1]):
        return "PLACE"  # "South Uist", "North Waziristan": a region of a place no list knows
    opened_by_a_place = gaz.place(name) is None and any(
        gaz.place(" ".join(words[:size])) is not None for size in range(1, len(words))
    )
    if opened_by_a_place and gaz.place(" ".join(words[:2])) is not None and len(words) > 2:
        return "ORG"  # "San Diego Padres", though "San" is a given name
    if words_more_than_name(words, gaz):
        return "ORG"  # "Denver Nuggets", "Blue Jays": no person's, though a given name opens it
    if (
        gaz.is_common_given_name(words[0])
        or words[0] in vocab.ARTICLES
        or (
            is_title(words[0], gaz)
            and words[0].lower() not in gaz.modifier_titles
            and words[0].lower() not in vocab.ROLE_MODIFIERS
        )
    ):
        return None
    named = [word for word in words if word[0].isupper()]  # not "van" in "Koos van der Merwe"
    if any(map(gaz.is_ordinary, named)):
        return "ORG"
    if len(named) <= 3 and all(map(name_shaped, named)) and could_be_a_person(name, gaz):
        if before is None:
            return "PERSON"
        if not before.lower().startswith("the"):
            return "PLACE"
    if opened_by_a_place:
        return "ORG"  # "Balfour Beatty": a place's name opens it
    return None


def role_before(start: int, text: str, gaz: Gazetteer) -> bool:
    """A role in lower case right before a name: "opposition leader Atiku Abubakar",
    "Tinubu's spokesman, Bayo Onanuga"."""
    found = LOWER_WORD_BEFORE.search(text, max(0, start - 24), start)
    return found is not None and found.group(1) in gaz.titles


def label_lists(candidates: list[Candidate], text: str, gaz: Gazetteer) -> None:
    """Members of one list are of one kind: an unknown name takes its neighbour's label (a
    place's only if it could be a place's: "Marina Bay and Tanjong Rhu", "Mumbai, Thane and
    Raigad")."""
    changed = True
    while changed:
        changed = False
        for left, right in itertools.pairwise(candidates):
            if (left.label is None) == (right.label is None):
                continue
            if text[left.end : right.start] not in LIST_SEPARATORS:
                continue
            known, unknown = (left, right) if left.label is not None else (right, left)
            if (
                known.label == "ORG"
                or (known.label == "PERSON" and could_be_a_person(unknown.text, gaz))
                or (known.label == "PLACE" and _could_be_a_place(unknown, gaz))
            ) and unknown.words <= 3:
                unknown.label = known.label
                changed = True


def _could_be_a_place(candidate: Candidate, gaz: Gazetteer) -> bool:
    """A small town's name, a name of more words, or one word that is neither an ordinary word
    nor a given name: "Mumbai, Thane and Raigad", not "Zwickau and Officials"."""
    if candidate.maybe_place or candidate.words > 1:
        return True
    return not gaz.is_ordinary(candidate.text) and not gaz.is_given_name(candidate.text)


def settle_guesses(candidates: list[Candidate]) -> None:
    """A guessed person with a part the article calls an organisation is that organisation,
    and one that opens a longer name of a place or an organisation ("Perito Moreno" after
    "the Perito Moreno Glacier") is that place or organisation; a person's name that is the
    whole name of a place the article names (in its dateline, "HAI PHONG") is that place."""
    organisations = {c.text for c in candidates if c.label == "ORG" and c.words == 1}
    places = {c.key for c in candidates if c.label == "PLACE"}
    longer = [
        (f"{c.text} ", c.label)
        for c in candidates
        if c.label in ("PLACE", "ORG") and c.words > 1 and not c.guessed
    ]
    for candidate in candidates:
        if candidate.label == "PERSON" and candidate.words > 1 and candidate.text in places:
            candidate.label = "PLACE"  # "Hai Phong", named as a person from "Hai"
        elif not candidate.guessed:
            continue
        elif any(part in organisations for part in candidate.text.split()):
            candidate.label = "ORG"
        else:
            opened = f"{candidate.text} "
            for name, label in longer:
                if name.startswith(opened):
                    candidate.label = label
                    break


def short_company_names(candidates: list[Candidate], text: str) -> None:
    """A company's first word alone, after its full name, is the company: "Powerchip" after
    "Powerchip Semiconductor Manufacturing Corp", "Imabari, which is unlisted" after "Imabari
    Shipbuilding"; not where a preposition of place makes it the town ("in Imabari")."""
    companies: dict[str, str] = {}
    for candidate in candidates:
        words = candidate.text.split()
        if (
            candidate.label == "ORG"
            and len(words) > 1
            and all(word in vocab.COMPANY_TAILS or word in vocab.LEGAL_FORMS for word in words[1:])
        ):
            companies.setdefault(words[0], candidate.key)
    for candidate in candidates:
        key = companies.get(candidate.text)
        if (
            key is not None
            and candidate.label in (None, "PLACE")
            and not vocab.LOCATIVE_BEFORE.search(
                text, max(0, candidate.start - 12), candidate.start
            )
        ):
            candidate.label, candidate.key = "ORG", key
