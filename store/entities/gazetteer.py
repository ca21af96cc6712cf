"""Names of places, nationalities, given names and titles, from the file shipped beside this.

``data/gazetteer.sqlite`` is built by hand from maintained data packages
(``tools/build_gazetteer.py``; sources and licences in ``data/NOTICE``):

- places: countries, their other spellings and demonyms (countryinfo), first-level
  subdivisions (pycountry), cities of 15,000 people or more with their English other names
  ("Seville", "Cologne"), continents and US states (GeoNames), and rivers, seas, mountains
  and regions (WordNet): some 43,000 spellings, looked up in the file, not held in memory;
- people: the 15,000 or so plain given names common in nomquamgender's sources, also looked
  up in the file (as a set in memory they took 1.3 MB, most of the gazetteer's footprint);
- words: WordNet's ordinary words, which tell a capitalised word from a name;
- roles: the titles nameparser recognises ("president", "minister", "coach");
- organisations: the companies of the large stock indices (pytickersymbols), the company
  names in cspell's dictionary, and the institutions WordNet names, each spelling with its
  key and whether it is also an ordinary word, a person's name or a place ("Apple",
  "Ford", "Toyota"), which the extractor then takes for the organisation only in context.

The file is opened read-only, once per process (a connection must not cross a fork), and
its threads take turns on that connection. The extractor's own word lists (``vocabulary``)
are applied here, on loading, so the file holds only what the sources say. Nothing here is
a list of this week's names.
"""

from __future__ import annotations

import functools
import os
import sqlite3
import threading
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from store.entities import vocabulary

DATA_PATH = Path(__file__).resolve().parent / "data" / "gazetteer.sqlite"
FORMAT = 3
"""The file's ``user_version``: bumped when its tables change."""

# Cities at least this big count wherever they are named; smaller ones only after "in",
# "near", "from"... because many small towns share a name with an ordinary word.
BIG_CITY_POPULATION = 100_000
# Recent lookups kept in memory: an article names few places many times.
LOOKUP_CACHE_SIZE = 4096
# A given name that is also an ordinary word is only as good as a name this common in
# nomquamgender's sources: "Bill" (175,000) and "Hope" (106,000), not "Blue" (1,700).
COMMON_GIVEN_NAME_COUNT = 20_000
# Per connection; the default (2 MB) would hold more pages than the lookups ever revisit.
PAGE_CACHE_KIB = 512


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    """The canonical name, shared by every spelling ("United States" for "US" and "U.S.")."""
    population: int
    """For a river or a region, which has none, an importance on the same scale."""
    is_country: bool = False


@dataclass(frozen=True, slots=True)
class Organisation:
    key: str
    """The name a reader knows it by, shared by its spellings ("Apple" for "Apple Inc.")."""
    ambiguous: bool
    """Also an ordinary word, a person's name or a place: an organisation only in context."""


def fold_accents(text: str) -> str:
    """``"Belém"`` → ``"Belem"``: names are written both ways in English text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


class GazetteerMissing(RuntimeError):
    """The shipped file is missing or unreadable: the installation is broken."""


class Gazetteer:
    """Places, organisations and given names looked up in the file; demonyms and titles held
    in memory."""

    demonyms: dict[str, str]
    """A nationality or demonym (also plural) to its canonical singular form."""
    titles: frozenset[str]
    """Lower-case role words."""
    modifier_titles: frozenset[str]
    """Role words that name no kind of person ("credit", "film"): they qualify a role but
    make none on their own."""

    def __init__(self, path: Path = DATA_PATH) -> None:
        self._uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
        self._lock = threading.Lock()
        self._opened: tuple[int, sqlite3.Connection] | None = None
        connection = self._connection()
        try:
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != FORMAT:
                raise GazetteerMissing(f"{path} is format {version}, not {FORMAT}: reinstall")
            self.demonyms = dict(connection.execute("SELECT name, canonical FROM demonym"))
            self.titles = _titles(connection, self.demonyms)
            self.modifier_titles = frozenset(
                word for (word,) in connection.execute("SELECT word FROM title WHERE modifier")
            )
        except sqlite3.Error as error:
            raise GazetteerMissing(f"cannot read the gazetteer {path}: {error}") from error
        # Per instance, not per class: a cache on the method would keep every instance alive.
        self._cached_lookup = functools.lru_cache(maxsize=LOOKUP_CACHE_SIZE)(self._lookup)
        self._cached_organisation = functools.lru_cache(maxsize=LOOKUP_CACHE_SIZE)(
            self._lookup_organisation
        )
        self._cached_given_name = functools.lru_cache(maxsize=LOOKUP_CACHE_SIZE)(
            self._given_name_count
        )
        self._cached_ordinary = functools.lru_cache(maxsize=LOOKUP_CACHE_SIZE)(
            self._lookup_ordinary
        )

    def forget_lookups(self) -> None:
        """Drop the remembered lookups, and the file's pages SQLite kept (see
        :func:`store.entities.forget_lookups`)."""
        for cached in (
            self._cached_lookup,
            self._cached_organisation,
            self._cached_given_name,
            self._cached_ordinary,
        ):
            cached.cache_clear()
        with self._lock:
            opened = self._opened
            if opened is not None and opened[0] == os.getpid():
                opened[1].execute("PRAGMA shrink_memory")

    def place(self, name: str) -> Place | None:
        found = self._cached_lookup(name)
        if found is None and not name.isascii():
            found = self._cached_lookup(fold_accents(name))
        return found

    def _lookup(self, name: str) -> Place | None:
        if not _usable_name(name):
            return None
        row = self._row("SELECT key, population, is_country FROM place WHERE name = ?", name)
        return None if row is None else Place(row[0], row[1], bool(row[2]))

    def organisation(self, name: str) -> Organisation | None:
        found = self._cached_organisation(name)
        if found is None and not name.isascii():
            found = self._cached_organisation(fold_accents(name))
        return found

    def _lookup_organisation(self, name: str) -> Organisation | None:
        if not _usable_name(name):
            return None
        row = self._row("SELECT key, ambiguous FROM organisation WHERE name = ?", name)
        return None if row is None else Organisation(row[0], bool(row[1]))

    def is_given_name(self, word: str) -> bool:
        """``"Maria"`` and ``"Will"`` are; ``"maria"``, ``"MARIA"`` and ``"May"`` (a month)
        are not. :meth:`is_common_given_name` tells the names that are also words."""
        return self._cached_given_name(word) > 0

    def is_common_given_name(self, word: str) -> bool:
        """A given name that is not also an ordinary word, or is common as a name all the
        same: "Maria", "Bill", "Hope"; not "Blue", "Seven" or "Royal"."""
        count = self._cached_given_name(word)
        return count >= COMMON_GIVEN_NAME_COUNT or (count > 0 and not self.is_ordinary(word))

    def is_frequent_given_name(self, word: str) -> bool:
        """A given name as common as "Bill": "Lucas", "Kim"; not "Moreno" or "Garcia", which
        are more often surnames."""
        return self._cached_given_name(word) >= COMMON_GIVEN_NAME_COUNT

    def _given_name_count(self, word: str) -> int:
        lower = word.lower()
        if word != lower.capitalize() or lower in vocabulary.FUNCTION_WORDS:
            return 0
        if word in vocabulary.WEEKDAYS_AND_MONTHS:
            return 0
        row = self._row("SELECT count FROM given_name WHERE name = ?", lower)
        if row is None and not lower.isascii():  # "José", "Zoë": the sources write them plain
            row = self._row("SELECT count FROM given_name WHERE name = ?", fold_accents(lower))
        return 0 if row is None else int(row[0])

    def is_ordinary(self, word: str) -> bool:
        """Whether a capitalised word is an ordinary English word (or its plural): "Summit",
        "Treks", "Officials"; not "Ohtani", "Equinor" or "Jinping"."""
        return self._cached_ordinary(word)

    def _lookup_ordinary(self, word: str) -> bool:
        if "-" in word:
            return all(map(self._lookup_ordinary, word.split("-")))  # "Scrum-half"
        lower = word.lower()
        if not lower.isalpha() or not lower.isascii():
            return False
        forms = [lower]
        if lower.endswith("ies"):
            forms.append(lower[:-3] + "y")
        if lower.endswith("es"):
            forms.append(lower[:-2])
        if lower.endswith("s"):
            forms.append(lower[:-1])
        return any(
            self._row("SELECT 1 FROM ordinary_word WHERE word = ?", form) is not None
            for form in forms
        )

    def _row(self, query: str, name: str) -> tuple[Any, ...] | None:
        with self._lock:
            row: tuple[Any, ...] | None = self._connection().execute(query, (name,)).fetchone()
        return row

    def _connection(self) -> sqlite3.Connection:
        # One connection per process, shared by its threads (a lookup takes microseconds):
        # one per thread gave each of the app's worker threads a page cache of its own,
        # memory that grew as extractions moved from thread to thread.
        opened = self._opened
        if opened is None or opened[0] != os.getpid():  # not yet, or a forked child
            try:
                connection = sqlite3.connect(self._uri, uri=True, check_same_thread=False)
            except sqlite3.Error as error:
                raise GazetteerMissing(f"cannot open the gazetteer ({error})") from error
            connection.execute(f"PRAGMA cache_size = -{PAGE_CACHE_KIB}")
            opened = self._opened = (os.getpid(), connection)
        return opened[1]


def _usable_name(name: str) -> bool:
    # "The", "In" are never the start of a place's name as far as this reader is concerned,
    # but "US" (all capitals) is not the pronoun "us".
    words = name.split(maxsplit=1)
    if not words:
        return False
    first_word = words[0]
    return not (first_word[1:].islower() and first_word.lower() in vocabulary.FUNCTION_WORDS)


def _titles(connection: sqlite3.Connection, demonyms: dict[str, str]) -> frozenset[str]:
    words = {word for (word,) in connection.execute("SELECT word FROM title")}
    not_roles = {
        word.lower()
        for word in vocabulary.ORG_HEADS | vocabulary.ORG_OPENERS | vocabulary.PLACE_FEATURES
    } | vocabulary.FUNCTION_WORDS
    # nameparser's titles include words that build names of countries ("United States
    # Attorney"): here they would read "United States" as a role.
    country_words = {
        word.lower()
        for (key,) in connection.execute("SELECT key FROM country")
        for word in key.split()
    }
    roles = (words - not_roles) | vocabulary.ROLE_EXTRAS
    return frozenset(roles - country_words - {word.lower() for word in demonyms})


_lock = threading.Lock()
_loaded: Gazetteer | None = None


def loaded_gazetteer() -> Gazetteer | None:
    """The shared gazetteer if it has been opened; None rather than opening it."""
    return _loaded


def gazetteer() -> Gazetteer:
    """The shared gazetteer, opened on first call and kept."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = Gazetteer()
    return _loaded
