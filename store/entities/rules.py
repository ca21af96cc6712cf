"""The default extractor: runs of capitalised words, classified by gazetteer, rules and context.

One pass finds candidate names (capitalised runs, split at possessives, weekdays and
function words); each is classified by what it is (a listed organisation, a known place, a
nationality), by its shape ("... Bank", "... Strait", "X and Y" as two names, a known given
name first) or by a role before it ("US President"); a second pass over the article
(``context``) labels leftovers from their context ("X said it", "shares in X", "spokesman,
X", "the Amhara region", a team in a paragraph about a game) or, failing that, from whether
their words are ordinary words; names already found settle the rest (a surname after the
full name, an acronym after the full name it was defined beside).
"""

from __future__ import annotations

import re

from store.entities import vocabulary as vocab
from store.entities.aliases import PARTICLES, link_acronyms, resolve_person_keys
from store.entities.candidates import Candidate, Token
from store.entities.context import label_from_context, settle_guesses, short_company_names
from store.entities.gazetteer import BIG_CITY_POPULATION, Gazetteer, Organisation, Place, gazetteer
from store.entities.groupings import (
    ends_with_organisation,
    join_listed_fields,
    looks_like_organisation,
    one_body_of_two_fields,
    only_a_person,
    opens_with_a_place_of_words,
    organisation_after_of,
    organisation_of_a_country,
    split_at,
    split_person_of,
    strip_first,
    trim,
    two_names,
    weak_role_of_a_person,
)
from store.entities.headlines import known_names, title_case_sentences
from store.entities.shapes import (
    INITIAL,
    NAME_SUFFIXES,
    REGNAL_NUMBERS,
    could_be_a_person,
    ends_with_a_country,
    initials,
    is_acronym,
    is_brand,
    is_title,
    known_word,
    name_shaped,
    opens_like_a_person,
    words_more_than_name,
)
from store.entities.teams import is_country, sport_words
from store.entities.tokens import RUN, groups
from store.models import EntityLabel, Mention

# Connectors that join two names rather than make one: "China and Japan", "Sinner of Italy".
_SPLITTING_CONNECTORS = frozenset({"and", "&", "of", "for", "the"})
_OPENING_PUNCTUATION = " \t\"'“‘([—–-"
_LINE = re.compile(r"[^\n]+")
# A sentence-initial city must be this big to count: "Mobile", "Reading" and "Nice" start
# sentences as ordinary words.
_SENTENCE_INITIAL_CITY_POPULATION = 1_000_000
# A place at least this big that "said" something is the place (its government), not a
# company of the same name ("Washington said", but "Rio Tinto said", "Toyota said").
_SPEAKING_PLACE_POPULATION = 1_000_000


# One-word runs that are never names, checked before any other work: about half of all runs
# are a sentence's first word ("The", "She").
_NEVER_NAMES = frozenset(
    {word.capitalize() for word in vocab.FUNCTION_WORDS} | vocab.WEEKDAYS_AND_MONTHS
)


def extract_with_rules(text: str) -> list[Mention]:
    """Mentions of named entities in ``text``, in order of appearance."""
    gaz = gazetteer()
    candidates: list[Candidate] = []
    for line in _LINE.finditer(text):
        content = line.group()
        if vocab.BOILERPLATE_PARAGRAPH.match(content.strip()) or _shouting(content):
            continue
        headlines = title_case_sentences(line.start(), content)
        for run in RUN.finditer(text, line.start(), line.end()):
            if run.group() in _NEVER_NAMES:
                continue
            if headlines and any(start <= run.start() < end for start, end in headlines):
                candidates.extend(known_names(run.start(), run.group(), gaz))
                continue
            for group in groups(run.start(), run.group(), text):
                initial = _sentence_initial(text, group[0].start)
                candidates.extend(_classify(group, initial, text, gaz))
    # "NZ$10.25", "HK$18 billion": a currency, not the place.
    candidates = [c for c in candidates if text[c.end : c.end + 1] != "$"]
    _leave_the_full_stop(candidates, text)
    candidates = join_listed_fields(candidates, text, gaz)
    label_from_context(candidates, text, gaz)
    link_acronyms(candidates, text)
    return _finish(candidates, text)


_LEGAL_ABBREVIATIONS = (" Co.", " Corp.", " Inc.", " Ltd.", " Bros.")
# What follows a sentence, not an abbreviation: the paragraph's end, or a quotation opening.
_AFTER_A_SENTENCE = re.compile(r"\s*$|\s+[\"“‘']")


def _leave_the_full_stop(candidates: list[Candidate], text: str) -> None:
    """A company's legal form's dot at a sentence's end, before a quotation or the paragraph's
    end ("advised by Rothschild & Co."), ends the sentence too, and the sentence keeps it;
    "in the U.S." keeps its own."""
    for candidate in candidates:
        if candidate.text.endswith(_LEGAL_ABBREVIATIONS) and _AFTER_A_SENTENCE.match(
            text[candidate.end : candidate.end + 3]
        ):
            candidate.end -= 1
            candidate.text = candidate.text[:-1]
            if candidate.key.endswith("."):
                candidate.key = candidate.key[:-1]


def _shouting(line: str) -> bool:
    """An all-capitals line (a headline, a section label) says nothing about which words are
    names."""
    return line.isupper() and len(line.split()) >= 3


def _sentence_initial(text: str, position: int) -> bool:
    index = position - 1
    while index >= 0 and text[index] in _OPENING_PUNCTUATION:
        index -= 1
    if index < 0 or text[index] in "\n.!?:;":
        return True
    # "DHAKA, Oct 7 — Thousands of...": the story's first sentence starts after its dateline.
    if not any(dash in text[index:position] for dash in "—–-"):
        return False
    found = vocab.DATELINE.fullmatch(text, text.rfind("\n", 0, position) + 1, position)
    return found is not None and _is_dateline(found)


def _classify(tokens: list[Token], initial: bool, text: str, gaz: Gazetteer) -> list[Candidate]:
    words = [token.text for token in tokens if not token.connector]
    start, end = tokens[0].start, tokens[-1].end
    name = text[start:end]
    count = len(words)

    def make(label: EntityLabel | None, key: str | None = None) -> list[Candidate]:
        return [Candidate(start, end, name, label, key or name, count)]

    if _opens_a_dateline(name, start, end, text):
        # "NAIROBI, June 3 (Reuters) -", "Tallinn, Dec 30 –": where the story was filed.
        place = gaz.place(name) or gaz.place(name.title())
        if place is not None:
            return make("PLACE", place.key)
        return make("PLACE", name.title() if name.isupper() else name)
    if count == 1 and len(name) > 3 and name.isupper():
        # A dateline or shouted name: "WASHINGTON (Reuters)", "TRUMP".
        place = gaz.place(name.title())
        if place is not None:
            return make("PLACE", place.key)
        if gaz.is_given_name(name.title()):
            return []
    if initial and count > 1 and vocab.ORG_BEFORE.search(f"{words[0]} "):
        # "Rivals Tata Consultancy Services report": the cue that opens the sentence is not
        # part of the name that follows it.
        return _classify(strip_first(tokens), False, text, gaz)
    place = gaz.place(name)
    organisation = gaz.organisation(name)
    if organisation is not None:
        if _is_organisation(organisation, place, initial and count == 1, start, end, text):
            return [
                Candidate(
                    start, end, name, "ORG", organisation.key, count,
                    tentative=organisation.ambiguous and place is None,
                )
            ]  # fmt: skip
        if place is None:
            # A sentence's first word that is also an ordinary word ("Shell"): an
            # organisation if the article names it so elsewhere.
            return make(None, organisation.key)
    # Only an ordinary word needs a big place to be one at a sentence's start ("Mobile",
    # "Reading"); "Pennsylvania" does not.
    city_size = (
        _SENTENCE_INITIAL_CITY_POPULATION
        if initial and gaz.is_ordinary(name)
        else BIG_CITY_POPULATION
    )
    if place is not None and (
        place.is_country
        or count > 1
        or place.population >= city_size
        or vocab.LOCATIVE_BEFORE.search(text, max(0, start - 12), start) is not None
    ):
        if place.key == f"The {name}" and text[max(0, start - 4) : start] == "The ":
            # "The Hague": the "The" that groups() left out is part of this name.
            return [Candidate(start - 4, end, f"The {name}", "PLACE", place.key, count + 1)]
        return make("PLACE", place.key)
    demonym = gaz.demonyms.get(name)
    if demonym is not None:
        return make("OTHER", demonym)
    last = words[-1]
    if count > 1 and (
        ends_with_organisation(tokens, gaz) or organisation_of_a_country(tokens, gaz)
    ):
        return make("ORG")
    if count > 1 and words[0] in vocab.COMPASS_OPENERS and not tokens[1].connector:
        region_of = gaz.place(text[tokens[1].start : end])
        if region_of is not None and (region_of.is_country or count == 2):
            return make("PLACE")  # "Western Kenya": a region of a known place
    joined = [i for i, token in enumerate(tokens) if token.connector and token.text in ("and", "&")]
    if (
        joined
        and (
            not looks_like_organisation(trim(tokens[joined[-1] + 1 :]))
            or two_names(tokens, joined, text, gaz)
        )
        and not one_body_of_two_fields(tokens, joined, text, gaz)
    ):
        # "China and the United States", "University of Tokyo and Toyota": two names, unless
        # the whole is one organisation ("Marks and Spencer Group") or place (checked above).
        return [
            candidate
            for piece in split_at(tokens, joined)
            if (part := trim(piece))
            for candidate in _classify(part, initial and part[0] is tokens[0], text, gaz)
        ]
    person_of = split_person_of(tokens, gaz)
    if person_of is not None:
        person = _classify(person_of[0], initial, text, gaz)
        for part in person_of[1:]:
            for candidate in _classify(part, False, text, gaz):
                if candidate.label is None and not candidate.maybe_place:
                    # "Max Verstappen of Red Bull": where a person is from or works.
                    candidate.label = "ORG"
                person.append(candidate)
        return person
    if (count == 1 and last in vocab.SINGLE_WORD_EVENTS) or (
        count > 1
        and (last in vocab.EVENT_HEADS or words[0] in vocab.STORM_OPENERS or _a_model(last))
    ):
        return make("OTHER")
    after_of = organisation_after_of(tokens)
    if after_of is not None:
        return [
            candidate
            for part in after_of
            for candidate in _classify(part, initial and part[0] is tokens[0], text, gaz)
        ]
    if count > 2 and tuple(words[-2:]) in vocab.PLACE_ENDINGS:
        return make("PLACE")  # "Kennedy Space Center": where rockets go up
    if count > 1 and last == "City" and _a_city_not_its_club(words, start, text, gaz):
        return make("PLACE")  # "Iloilo City", "Cebu City"; not "Leicester City" in a match report
    if count > 1 and looks_like_organisation(tokens):
        if words[0] in vocab.FOREIGN_ORG_OPENERS and _IRISH_ARTICLE.search(text, 0, start):
            # "and An Bord Pleanála": Irish bodies' names keep their article.
            return [Candidate(start - 3, end, f"An {name}", "ORG", f"An {name}", count + 1)]
        return make("ORG")
    if count == 1 and "-" in name and name.partition("-")[0] in vocab.FOREIGN_ORG_OPENERS:
        return make("ORG")  # "Jamaat-e-Islami", "Lashkar-e-Taiba"
    if count > 1 and (last in vocab.PLACE_FEATURES or _opens_a_place(words, gaz)):
        return make("PLACE")
    if count > 1 and words[0] in vocab.SAINTS:
        return make("PLACE")  # "St Philip" (a parish), "St Kilda": a saint names no person here
    with_role = _split_role(tokens, initial, text, gaz)
    if with_role is not None:
        return with_role
    if count == 1 and (is_acronym(last) or is_brand(last)):
        return make("ORG")
    if count == 1 and last in vocab.INSTITUTIONS and not initial:
        return make("ORG")  # "a vote in the Senate", "the Bundestag approved"
    if count > 1 and words[0] in gaz.demonyms and not tokens[1].connector:
        rest = strip_first(tokens)
        nationality = Candidate(start, tokens[0].end, words[0], "OTHER", gaz.demonyms[words[0]], 1)
        region = gaz.place(text[rest[0].start : end])
        if region is not None:
            # "the Norwegian Arctic": the nationality, then the place.
            rest_name = text[rest[0].start : end]
            return [
                nationality,
                Candidate(rest[0].start, end, rest_name, "PLACE", region.key, count - 1),
            ]
        if only_a_person(rest, gaz):
            # "Ethiopian Tadese Takele": the nationality, then the person.
            return [nationality, *_classify(rest, False, text, gaz)]
        # A nationality that opens a name is part of it, and people's names do not start
        # with one: "Egyptian Red Crescent", "Turkish Airlines" (a role went above).
        return make("ORG")
    if count > 1 and vocab.ORG_ROLE_AFTER.match(text[end : end + 24]):
        return [Candidate(start, end, name, "ORG", name, count, tentative=True)]
    named = [word for word in words if not INITIAL.match(word) and word not in NAME_SUFFIXES]
    if (
        (
            (gaz.is_given_name(words[0]) and not words_more_than_name(words, gaz))
            # A month is a token only before a name: "Jan Simpson" (see _month_before_a_name).
            or words[0] in vocab.MONTHS_THAT_ARE_NAMES
            or (initials(words[0], gaz) and len(named) >= 1)
        )
        and words[0] not in vocab.ARTICLES
        and not opens_with_a_place_of_words(words, gaz)
        and not ends_with_a_country(words, gaz)
        and (1 <= len(named) <= 3 or (len(named) > 3 and len(tokens) > count))
        and count >= 2
        and all(map(name_shaped, words))
    ):
        # Four or more words are a name only with a particle ("Lula da Silva"); without one
        # they are more often a thing ("James Webb Space Telescope").
        return make("PERSON")
    if initial and count > 1 and not known_word(words[0], gaz):
        if _speaks_like_a_person(tokens, text, gaz):
            return make("PERSON")  # "Aliko Dangote said", though "Aliko" is no known name
        if gaz.is_frequent_given_name(words[1]) and not gaz.is_given_name(words[0]):
            # "Glaciologist Lucas Ruiz": the person's name starts at the given name.
            return _classify(strip_first(tokens), False, text, gaz)
        if name_shaped(words[0]) and not gaz.is_ordinary(words[0]):
            # "Shohei Ohtani went": a first word that is no ordinary word is part of the name.
            return _classify(tokens, False, text, gaz)
        if (
            count == len(tokens)
            and any(map(gaz.is_ordinary, words[1:]))
            and (
                count >= 3
                or (
                    words[1].endswith("s")
                    and not is_title(words[0], gaz)
                    and not vocab.NUMBER_WORD.match(words[0])
                )
            )
        ):
            # "Human Rights Watch said", "Federated Farmers said": ordinary words all through
            # make one organisation's name, of which the first is part.
            return _classify(tokens, False, text, gaz)
        return _classify(strip_first(tokens), False, text, gaz)
    connectors = [
        i
        for i, token in enumerate(tokens)
        if token.connector and token.text in _SPLITTING_CONNECTORS
    ]
    if (
        connectors
        and tokens[1].text == "of"
        and words[0].endswith("s")
        and gaz.is_ordinary(words[0])
        and not initial
    ):
        # "Friends of the Earth", "Brothers of Italy": people of a cause, an organisation.
        return make("ORG")
    if connectors:
        found: list[Candidate] = []
        for part in split_at(tokens, connectors):
            found.extend(_classify(part, initial and part[0] is tokens[0], text, gaz))
        return found
    if place is not None:
        # A small town's name outside a place context: keep it for the context pass.
        return [Candidate(start, end, name, None, place.key, count, maybe_place=True)]
    return make(None)


def _a_city_not_its_club(words: list[str], start: int, text: str, gaz: Gazetteer) -> bool:
    if gaz.place(" ".join(words[:-1])) is None:
        return False
    first = text.rfind("\n", 0, start) + 1
    last = text.find("\n", start)
    paragraph = text[first : len(text) if last < 0 else last]
    return len(sport_words(paragraph)) < vocab.SPORT_WORDS_NEEDED


def _opens_a_place(words: list[str], gaz: Gazetteer) -> bool:
    """ "Lake Victoria", "River Kennet", "Pulau Ubin"; not "River Phoenix", where a given name
    goes before a place's."""
    if words[0] not in vocab.PLACE_OPENERS:
        return False
    return not (gaz.is_given_name(words[0]) and gaz.place(" ".join(words[1:])) is not None)


# A capitalised "An" inside a sentence, right before a name.
_IRISH_ARTICLE = re.compile(r"[a-z,] An $")
_MODEL = re.compile(r"^[A-Z]{1,3}-?\d")


def _a_model(word: str) -> bool:
    """``Airbus A321neo``, ``Galaxy S25``: a last word of a few capitals then digits names a
    product's model, so the whole is a product (not "Highway 8", nor the company "Fjord1")."""
    return _MODEL.match(word) is not None


def _opens_a_dateline(name: str, start: int, end: int, text: str) -> bool:
    if start > 0 and text[start - 1] != "\n":
        return False
    found = vocab.DATELINE.match(text, start)
    return found is not None and found.group("place") == name and _is_dateline(found)


def _is_dateline(found: re.Match[str]) -> bool:
    """A date, an agency or a place in capitals: "Oslo, 12 March –", "WARSAW —", not "Shares
    — and bonds —"."""
    place = found.group("place")
    return bool(
        found.group("date") or found.group("agency") or (place.isupper() and len(place) > 3)
    )


def _is_organisation(
    organisation: Organisation, place: Place | None, initial: bool, start: int, end: int, text: str
) -> bool:
    """Whether a listed organisation's name means the organisation here. An unambiguous name
    always does; one that is also a place only where the text speaks of a company ("Rio Tinto
    shares", "Toyota said"); one that is also a word or a person's name unless it opens a
    sentence ("Shell" and "Ford" mid-sentence are the companies)."""
    if not organisation.ambiguous:
        return True
    if place is not None:
        if place.is_country or place.population >= _SPEAKING_PLACE_POPULATION:
            return False
        if vocab.ORG_BEFORE.search(text, max(0, start - 32), start) is not None:
            return True  # "shares in Rio Tinto": the "in" is no place's
        if vocab.LOCATIVE_BEFORE.search(text, max(0, start - 12), start) is not None:
            return False
        return (
            _organisation_context(start, end, text)
            or vocab.ORG_SPEECH_AFTER.match(text[end : end + 24]) is not None
        )
    return not initial or _organisation_context(start, end, text, whole_paragraph=True)


def _organisation_context(
    start: int, end: int, text: str, *, whole_paragraph: bool = False
) -> bool:
    """Company words around the name: within its sentence, or anywhere in its paragraph."""
    if whole_paragraph:
        first = text.rfind("\n", 0, start) + 1
        last = text.find("\n", end)
        before, after = text[first:start], text[end : len(text) if last < 0 else last]
    else:
        reach = vocab.ORG_CONTEXT_REACH
        before = re.split(r"[.!?]\s", text[max(0, start - reach) : start])[-1]
        after = re.split(r"[.!?]\s", text[end : end + reach])[0]
    return bool(vocab.ORG_CONTEXT.search(before) or vocab.ORG_CONTEXT.search(after))


def _speaks_like_a_person(tokens: list[Token], text: str, gaz: Gazetteer) -> bool:
    """Two name-shaped words that say, tell or warn, and name no thing or place (three are
    as often an organisation: "Médecins Sans Frontières said")."""
    words = [token.text for token in tokens if not token.connector]
    name = text[tokens[0].start : tokens[-1].end]
    return (
        len(tokens) == 2
        and vocab.PERSON_VERBS.match(text[tokens[-1].end : tokens[-1].end + 48]) is not None
        and all(map(name_shaped, words))
        and opens_like_a_person(name, gaz)
        and could_be_a_person(name, gaz)
    )


def _split_role(
    tokens: list[Token], initial: bool, text: str, gaz: Gazetteer
) -> list[Candidate] | None:
    """``US President Donald Trump`` → US (PLACE) and Donald Trump (PERSON, role "US President")."""
    index = 0
    while index < len(tokens):
        if tokens[index].connector or not is_title(tokens[index].text, gaz):
            index += 1
            continue
        chain_end = index
        while chain_end < len(tokens) and (
            tokens[chain_end].connector or is_title(tokens[chain_end].text, gaz)
        ):
            chain_end += 1
        chain = [t.text.lower().rstrip(".") for t in tokens[index:chain_end] if not t.connector]
        if all(
            word in vocab.WEAK_TITLES or word in vocab.ROLE_MODIFIERS or word in gaz.modifier_titles
            for word in chain
        ) and not weak_role_of_a_person(chain, tokens[chain_end:], gaz):
            index = chain_end
            continue
        found: list[Candidate] = []
        if index > 0:
            before = _classify(trim(tokens[:index]), initial, text, gaz)
            if any(word in vocab.TERRITORIAL_ROLES for word in chain):
                for candidate in before:
                    if candidate.label is None:
                        candidate.label = "PLACE"  # "Busia Governor Paul Otuoma"
            found.extend(before)
        # "Takaichi and Chinese President Xi": the role is "Chinese President".
        role_start = 0
        for position in range(index):
            if tokens[position].connector and tokens[position].text in ("and", "&"):
                role_start = position + 1
        person = trim(tokens[chain_end:])
        if person and all(
            name_shaped(t.text) or (t is person[-1] and t.text in REGNAL_NUMBERS)
            for t in person
            if not t.connector
        ):
            start, end = person[0].start, person[-1].end
            role = text[tokens[role_start].start : tokens[chain_end - 1].end]
            words = sum(1 for t in person if not t.connector)
            found.append(
                Candidate(start, end, text[start:end], "PERSON", text[start:end], words, role)
            )
        elif person:
            found.extend(_classify(person, False, text, gaz))
        return found
    return None


def _take_particles_back(candidates: list[Candidate], text: str) -> None:
    """``de Minaur`` after ``Alex de Minaur``: a surname takes back the lower-case particles
    that its full name has before it ("van", "von der"), which no capitalised run holds."""
    for candidate in candidates:
        if candidate.label != "PERSON" or candidate.words != 1 or candidate.key == candidate.text:
            continue
        before, found, _ = candidate.key.partition(f" {candidate.text}")
        if not found:
            continue
        particles = before.split()[1:]  # the given name is never lower case
        start = candidate.start
        for particle in reversed(particles):
            if particle.lower() not in PARTICLES or not particle.islower():
                break
            if text[start - len(particle) - 1 : start] != f"{particle} ":
                break
            start -= len(particle) + 1
        if start < candidate.start:
            candidate.text = text[start : candidate.end]
            candidate.start = start


def _finish(candidates: list[Candidate], text: str) -> list[Mention]:
    """Settle leftovers by names found elsewhere in the article; give people one key each."""
    gaz = gazetteer()
    settle_guesses(candidates)
    short_company_names(candidates, text)
    resolve_person_keys(candidates, is_country=lambda key: is_country(key, gaz))
    _take_particles_back(candidates, text)
    known: dict[str, tuple[EntityLabel, str]] = {}
    for candidate in candidates:
        if candidate.label is not None:
            known.setdefault(candidate.text, (candidate.label, candidate.key))
    mentions: list[Mention] = []
    for candidate in candidates:
        if candidate.label is None:
            if candidate.text not in known:
                continue
            candidate.label, candidate.key = known[candidate.text]
        mentions.append(
            Mention(
                candidate.start,
                candidate.end,
                candidate.text,
                candidate.label,
                candidate.key,
                candidate.role,
            )
        )
    mentions.sort(key=lambda mention: mention.start)
    return mentions
