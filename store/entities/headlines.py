"""Title-case sentences ("Infosys Raises Revenue Forecast As US Banks Spend More"), as wire
copy and feeds put headlines inside a text: there every word is capitalised, so capitals say
nothing about names, and only the names the lists know for sure are taken from them."""

from __future__ import annotations

import re

from store.entities import vocabulary as vocab
from store.entities.candidates import Candidate
from store.entities.gazetteer import BIG_CITY_POPULATION, Gazetteer

_SENTENCE = re.compile(r"[^.!?]+[.!?]*")
_LONG_WORD = re.compile(r"[^\W\d_]{4,}")
_INNER_CAPITALISED = re.compile(r"(?<=\w )[A-Z][a-z]{1,6}\b")
_KNOWN_WORD = re.compile(r"[^\W_][^\s]*[^\W_]|[^\W_]")
_CAPITALISED_FUNCTION_WORDS = frozenset(word.capitalize() for word in vocab.FUNCTION_WORDS)
_SENTENCE_ENDS = frozenset('.!?:;"”')
_TITLE_CASE_MIN_WORDS = 5
_TITLE_CASE_SHARE = 0.8


def title_case_sentences(offset: int, line: str) -> list[tuple[int, int]]:
    """Where a line's sentences are in title case ("Infosys Raises Forecast As US Banks Spend
    More"): capitals there mark words, not names. Told from a sentence full of names by a
    capitalised function word inside it ("As", "For")."""
    found: list[tuple[int, int]] = []
    if not _inner_function_word(line):
        return found  # most lines, cheaply: the regexes below cost a fifth of extraction
    for sentence in _SENTENCE.finditer(line):
        words = _LONG_WORD.findall(sentence.group())
        capitalised = sum(word[0].isupper() for word in words)
        if (
            len(words) >= _TITLE_CASE_MIN_WORDS
            and capitalised >= _TITLE_CASE_SHARE * len(words)
            and any(
                word.lower() in vocab.FUNCTION_WORDS
                for word in _INNER_CAPITALISED.findall(sentence.group())
            )
        ):
            found.append((offset + sentence.start(), offset + sentence.end()))
    return found


def _inner_function_word(line: str) -> bool:
    """Whether a capitalised function word stands inside a sentence of the line."""
    for word in _CAPITALISED_FUNCTION_WORDS.intersection(line.split()[1:]):
        at = line.find(f" {word} ")
        while at > 0:
            if line[at - 1] not in _SENTENCE_ENDS:
                return True
            at = line.find(f" {word} ", at + 1)
    return False


def known_names(offset: int, run: str, gaz: Gazetteer) -> list[Candidate]:
    """The names in a title-case run that the lists know for sure: each longest span of
    words that is a country, a big city or an unambiguous organisation."""
    words = [(offset + part.start(), part.group()) for part in _KNOWN_WORD.finditer(run)]
    found: list[Candidate] = []
    first = 0
    while first < len(words):
        for last in range(min(len(words), first + 4), first, -1):
            start, end = words[first][0], words[last - 1][0] + len(words[last - 1][1])
            name = " ".join(word for _, word in words[first:last])
            place = gaz.place(name)
            organisation = gaz.organisation(name)
            if place is not None and (place.is_country or place.population >= BIG_CITY_POPULATION):
                found.append(Candidate(start, end, name, "PLACE", place.key, last - first))
                break
            if organisation is not None and not organisation.ambiguous:
                found.append(Candidate(start, end, name, "ORG", organisation.key, last - first))
                break
        else:
            last = first + 1
        first = last
    return found
