"""Teams in a paragraph about a game: a place, or a name no list knows, that beats, plays or
draws with another ("Leinster beat Toulouse", "a loss to the Pumas", "India beat Sri Lanka"),
or a place with a plural nickname ("Kansas City Chiefs"), is a team, an organisation. A
country that plays is its national side, keyed apart from the country ("India national
team"), as the evaluation sets written blind to the rules read it."""

from __future__ import annotations

import re

from store.entities import vocabulary as vocab
from store.entities.candidates import Candidate
from store.entities.gazetteer import Gazetteer

_HYPHENATED_WORD = re.compile(r"\w+(?:-\w+)*")


def sport_words(paragraph: str) -> set[str]:
    """The different sport words in a paragraph. A set lookup per word: a regex alternation
    tried at every character took a quarter of all extraction time."""
    hits: set[str] = set()
    for word in _HYPHENATED_WORD.findall(paragraph.lower()):
        if word in vocab.SPORT_WORDS:
            hits.add(word)
        elif "-" in word:  # "pre-season", "cup-tie"
            hits.update(part for part in word.split("-") if part in vocab.SPORT_WORDS)
    return hits


def label_teams(candidates: list[Candidate], text: str, gaz: Gazetteer) -> None:
    """In a paragraph about a game, a place (or an unknown name) that beats, plays or draws
    with another is a team, and so is every other mention of it in the paragraph."""
    teams: set[tuple[int, str]] = set()  # (paragraph start, name)
    sporting: dict[int, bool] = {}
    for candidate in candidates:
        if candidate.label not in ("PLACE", "PERSON", None) or _where_someone_is_from(
            candidate, text
        ):
            continue
        first = text.rfind("\n", 0, candidate.start) + 1
        if first not in sporting:
            last = text.find("\n", first)
            paragraph = text[first : len(text) if last < 0 else last]
            sporting[first] = len(sport_words(paragraph)) >= vocab.SPORT_WORDS_NEEDED
        if not sporting[first]:
            continue
        if _place_and_nickname(candidate.text, gaz):
            candidate.label, candidate.key, candidate.tentative = "ORG", candidate.text, False
        elif candidate.label != "PERSON" and (
            vocab.TEAM_BEFORE.search(text, max(0, candidate.start - 20), candidate.start)
            or vocab.TEAM_AFTER.match(text[candidate.end : candidate.end + 24])
        ):
            teams.add((first, candidate.text))
    if not teams:
        return
    for candidate in candidates:
        if candidate.label in ("PLACE", None):
            first = text.rfind("\n", 0, candidate.start) + 1
            if (first, candidate.text) in teams:
                if is_country(candidate.key, gaz):
                    candidate.key = f"{candidate.key} national team"
                candidate.label = "ORG"


def _where_someone_is_from(candidate: Candidate, text: str) -> bool:
    """A place after "of" is where an athlete is from: in "Kishane Thompson of Jamaica beat
    Noah Lyles" the athlete beats, not a team."""
    return text[max(0, candidate.start - 3) : candidate.start] == "of "


def _place_and_nickname(name: str, gaz: Gazetteer) -> bool:
    """A place and a plural nickname, in a paragraph about a game: a team ("Denver Broncos",
    "Toronto Blue Jays"). Not a person of a place-like given name ("Georgia Evans")."""
    words = name.split()
    last = words[-1]
    if not (2 <= len(words) <= 4 and last.endswith("s") and not last.endswith("ss")):
        return False
    if gaz.is_given_name(words[0]) or last in vocab.PLACE_FEATURES or gaz.place(name):
        return False
    return any(
        gaz.place(" ".join(words[:cut])) is not None
        and all(word[0].isupper() for word in words[cut:])
        for cut in range(len(words) - 1, 0, -1)
    )


def is_country(name: str, gaz: Gazetteer) -> bool:
    place = gaz.place(name)
    return place is not None and place.is_country
