"""Rivers, seas, mountains, deserts, islands and regions from Princeton WordNet 3.0.

No data package reachable from PyPI, Debian or npm lists physical features with a population
or a rank (GeoNames' feature dump and Natural Earth's physical layers are not packaged), so
the gazetteer takes them from WordNet: its editors kept only features notable enough for a
general dictionary ("Danube", "Everest", "Sahara", "Andalusia"), which stands in for an
importance threshold. Cities and street names are left to the other sources, and so are
countries, except those countryinfo lacks ("Tibet").

WordNet also says which words are ordinary English ("mobile", "orange", "woodland"), which is
what keeps alternate names and features that double as common words out of the gazetteer.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from store.entities.gazetteer import BIG_CITY_POPULATION, Place

# Synset offsets in WordNet 3.0's noun file (the database has not changed since 2006).
PHYSICAL_CLASSES = frozenset(
    {
        9225146,  # body_of_water: rivers, seas, lakes, straits
        9287968,  # geological_formation: mountains, ranges, valleys, peninsulas
        9334396,  # land (dry land): islands, continents' parts
        8664443,  # topographic_point: peaks, capes
    }
)
REGION_CLASSES = frozenset(
    {
        8574314,  # geographical_area: Andalusia, Appalachia, the Arctic
        8630985,  # region (a large part of the Earth's surface)
        8491826,  # administrative_district: Xinjiang, Yunnan (when no source has them)
    }
)
EXCLUDED_CLASSES = frozenset(
    {
        8626283,  # municipality: cities and towns come from GeoNames
        8675967,  # urban_area
        9239740,  # celestial_body
        4341686,  # structure: palaces, walls
        4564698,  # way: streets, canals
        8593262,  # line: meridians, borders
    }
)
_PERSON_FILE = 18  # noun.person: a surname shared with a river ("Rhine") rarely misleads
_LOCATION_FILES = (15, 17)  # noun.location, noun.object
_PERSON_FILE = 18  # noun.person


@dataclass(slots=True)
class Synset:
    lexical_file: int
    lemmas: list[str]
    classes: list[int] = field(default_factory=list)
    """Hypernyms and, for an instance ("Danube"), what it is an instance of ("river")."""
    is_instance: bool = False


@dataclass
class WordNet:
    nouns: dict[int, Synset]
    ordinary: frozenset[str]
    """Lemmas written in lower case in any part of speech: ordinary words."""
    capitalised_elsewhere: frozenset[str]
    """Capitalised lemmas of adjectives, verbs and adverbs ("Atlantic", "Mediterranean")."""
    version: str = "3.0"

    DEBIAN_DIRECTORY = Path("/usr/share/wordnet")

    @classmethod
    def load(cls, directory: Path) -> WordNet:
        if not (directory / "data.noun").is_file():
            raise SystemExit(
                f"WordNet's database is not in {directory}: apt-get install wordnet-base, "
                "or name its directory with --wordnet"
            )
        nouns: dict[int, Synset] = {}
        ordinary: set[str] = set()
        capitalised: set[str] = set()
        for part in ("noun", "verb", "adj", "adv"):
            for synset in _read(directory / f"data.{part}"):
                offset, found = synset
                for lemma in found.lemmas:
                    if lemma.islower():
                        ordinary.add(lemma)
                    elif part != "noun":
                        capitalised.add(lemma)
                if part == "noun":
                    nouns[offset] = found
        return cls(nouns, frozenset(ordinary), frozenset(capitalised))

    def is_word(self, name: str) -> bool:
        """``"Mobile"``, ``"Orange"``: an ordinary word, capitalised."""
        return name.lower() in self.ordinary

    def is_ordinary(self, name: str) -> bool:
        """An ordinary word or its plural ("Villages", "Beaches"), unless WordNet itself
        names a place so ("Cologne", not only the scent)."""
        lower = name.lower()
        plural = lower.endswith("s") and (
            lower[:-1] in self.ordinary or (lower.endswith("es") and lower[:-2] in self.ordinary)
        )
        return (lower in self.ordinary or plural) and name not in self.place_names

    @functools.cached_property
    def place_names(self) -> frozenset[str]:
        """Capitalised names of WordNet's named places and features."""
        return frozenset(
            lemma
            for synset in self.nouns.values()
            if synset.is_instance and synset.lexical_file in _LOCATION_FILES
            for lemma in synset.lemmas
            if lemma[0].isupper()
        )

    @functools.cached_property
    def person_nouns(self) -> frozenset[str]:
        """Lower-case lemmas of nouns for kinds of people ("minister", "coach", "judge")."""
        return frozenset(
            lemma.lower()
            for synset in self.nouns.values()
            if synset.lexical_file == _PERSON_FILE
            for lemma in synset.lemmas
        )

    def classes_of(self, offset: int) -> set[int]:
        """Everything ``offset`` is a kind or an instance of, however far up."""
        found: set[int] = set()
        pending = list(self.nouns[offset].classes)
        while pending:
            current = pending.pop()
            if current not in found:
                found.add(current)
                pending.extend(self.nouns[current].classes)
        return found


def _read(path: Path) -> Iterator[tuple[int, Synset]]:
    """Synsets of one ``data.*`` file (format: wndb(5WN))."""
    with path.open(encoding="latin-1") as lines:
        for line in lines:
            if line.startswith("  "):
                continue  # the licence at the top of the file
            fields = line.partition(" | ")[0].split()
            offset, lexical_file, count = int(fields[0]), int(fields[1]), int(fields[3], 16)
            lemmas = [
                fields[4 + 2 * index].split("(")[0].replace("_", " ") for index in range(count)
            ]
            synset = Synset(lexical_file, lemmas)
            position = 4 + 2 * count
            for pointer in range(int(fields[position])):
                first = position + 1 + 4 * pointer
                symbol, target, part = fields[first : first + 3]
                if part == "n" and symbol in ("@", "@i"):
                    synset.classes.append(int(target))
                    synset.is_instance |= symbol == "@i"
            yield offset, synset


def wordnet_places(
    wordnet: WordNet,
    places: dict[str, Place],
    given_names: frozenset[str],
    common_given_names: frozenset[str],
) -> Iterator[tuple[str, Place]]:
    """Spellings of WordNet's named features and regions that no other source has.

    A feature gets its own key (the first spelling no place has: "Danube", "Congo River").
    A region shares the key of the one place that already has another of its spellings
    ("Andalusia" → "Andalucia"), unless that place is a country, or several are. A spelling
    that is also a given name ("Trent", "Clyde"), or means something else that is neither a
    place nor a person ("Atlantic" the adjective), is kept but counts only where the text
    says it is a place ("on the Trent"). One that is an ordinary word ("Orange", "Amazon")
    is left out.
    """
    elsewhere = _other_senses(wordnet)
    for offset in sorted(wordnet.nouns):
        synset = wordnet.nouns[offset]
        if not synset.is_instance or synset.lexical_file not in _LOCATION_FILES:
            continue
        classes = wordnet.classes_of(offset)
        if classes & EXCLUDED_CLASSES:
            continue
        is_feature = bool(classes & PHYSICAL_CLASSES)
        if not is_feature and not classes & REGION_CLASSES:
            continue
        spellings = [
            lemma
            for lemma in synset.lemmas
            if lemma[0].isupper() and not any(word.isupper() for word in lemma.split())
            and not wordnet.is_word(lemma) and not any(char.isdigit() for char in lemma)
        ]  # fmt: skip
        new = [spelling for spelling in spellings if spelling not in places]
        if not new:
            continue
        known = {places[spelling] for spelling in spellings if spelling in places}
        if is_feature or not known:
            key = new[0]
            for spelling in new:
                # The headword is trusted unless a common given name ("Trent"); another
                # spelling unless any given name ("Chang", for the Yangtze).
                names = common_given_names if spelling == synset.lemmas[0] else given_names
                unclear = spelling.lower() in names or spelling in elsewhere
                yield spelling, Place(key, 0 if unclear else BIG_CITY_POPULATION)
        elif len({place.key for place in known}) == 1 and not any(p.is_country for p in known):
            for spelling in new:
                yield spelling, next(iter(known))


def _other_senses(wordnet: WordNet) -> dict[str, int]:
    """How many things other than places a capitalised spelling names, people aside
    ("Sicily" the island and the region are one place here)."""
    senses: dict[str, int] = {}
    for synset in wordnet.nouns.values():
        is_place = synset.is_instance and synset.lexical_file in _LOCATION_FILES
        if synset.lexical_file != _PERSON_FILE and not is_place:
            for lemma in synset.lemmas:
                senses[lemma] = senses.get(lemma, 0) + 1
    for lemma in wordnet.capitalised_elsewhere:
        senses[lemma] = senses.get(lemma, 0) + 1
    return senses
