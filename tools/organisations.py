"""Names of well-known organisations: listed companies (pytickersymbols), the words of company
names a spelling checker knows (cspell's companies dictionary), and the institutions,
agencies, parties and movements that WordNet 3.0 names.

No source reachable from PyPI, Debian or npm lists organisations with a rank, so membership
stands in for notability, as WordNet's editors' choice does for places: a company in one of
the large stock indices pytickersymbols lists (S&P 500, FTSE 100, DAX, Nikkei 225...), a
word cspell's editors found worth a dictionary entry ("Google", "OpenAI", "Infosys"), an
institution in a general dictionary (NATO, Interpol, the Bundesbank, Greenpeace, Hamas).

Each spelling gets a key (the name a reader knows: "Apple" for "Apple Inc.") and says whether
it is ambiguous: an ordinary word ("Apple", "Shell"), a person's name ("Ford") or a place
("Toyota", "Rio Tinto"). The extractor takes an ambiguous one for the organisation only where
the text says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tools.wordnet_places import WordNet

# The indices whose members are household names; small caps (S&P 600, SDAX) are left out:
# many are named with ordinary words ("Cactus", "Buckle").
COMPANY_INDICES = frozenset(
    {
        "AEX", "BEL 20", "CAC_40", "CAC Mid 60", "DAX", "DOW JONES", "EURO STOXX 50",
        "FTSE 100", "IBEX 35", "MDAX", "NASDAQ 100", "NIKKEI 225", "OMX Helsinki 25",
        "OMX Stockholm 30", "S&P 100", "S&P 500", "Switzerland 20", "TecDAX",
    }
)  # fmt: skip
# A company's legal form is not part of the name news uses: "Apple Inc." is "Apple".
LEGAL_FORMS = frozenset(
    """
    Inc Inc. Incorporated Corp Corp. Corporation Company Co Co. Companies plc PLC Ltd Ltd.
    Limited AG SE SA S.A. NV N.V. AB ASA Oyj SpA S.p.A. GmbH LLC L.P. LP KGaA
    """.split()
)
# Words after a company's name that news often drops ("Sony Group", "Ford Motor Company"),
# dropped here only if what remains is not a title ("General" Motors stays).
DESCRIPTIVE_SUFFIXES = frozenset(
    "Group Holding Holdings International Motor Motors Entertainment".split()
)

# WordNet 3.0 noun offsets: what an organisation is a kind or an instance of.
ORGANISATION_CLASSES = frozenset(
    {
        8008335,  # organization: agencies, companies, parties, unions, NGOs
        8472335,  # political movement: Hamas, Hezbollah, Sinn Fein
        8163273,  # legislature: Congress, the Bundestag
    }
)
# Religions, churches, sects and denominations are groups of believers more than bodies that
# act ("Methodists", "Zen"): they stay out.
EXCLUDED_ORGANISATION_CLASSES = frozenset({8081668, 8146782})  # religion, denomination
# cspell's @cspell/dict-companies 3.2.14 (MIT), its dictionary file as published on npm.
CSPELL_COMPANIES = Path(__file__).resolve().parent / "data" / "cspell-companies.txt"
CSPELL_COMPANIES_VERSION = ("@cspell/dict-companies", "3.2.14")
_GROUP_FILE = 14  # noun.group
_PERSON_FILE = 18  # noun.person


@dataclass(frozen=True, slots=True)
class Organisation:
    key: str
    ambiguous: bool


def company_names(
    indices: dict[str, Any], is_title: Callable[[str], bool]
) -> list[tuple[str, str]]:
    """(spelling, key) for each listed company: its listed name and the shorter names news
    uses, the shortest being the key. Sorted, for a deterministic build."""
    found: set[tuple[str, str]] = set()
    for index, data in indices.items():
        if index not in COMPANY_INDICES:
            continue
        for company in data["companies"]:
            spellings = company_spellings(company["name"], is_title)
            if spellings:
                found.update((spelling, spellings[-1]) for spelling in spellings)
    return sorted(found)


def company_spellings(listed: str, is_title: Callable[[str], bool]) -> list[str]:
    """``"Apple Inc."`` → ``["Apple Inc.", "Apple"]``; ``"Rio Tinto (corporation)"`` →
    ``["Rio Tinto"]``. Longest first; empty for names the extractor could not match."""
    name = re.sub(r"\s*\([^)]*\)", "", listed).replace(",", "").strip()
    if not name or not name[0].isupper() or any(char.isdigit() for char in name):
        return []
    spellings = [name]
    words = name.split()
    # "Eli Lilly and Company" is "Eli Lilly", not "Eli Lilly and".
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or words[-1] in ("and", "&")):
        words = words[:-1]
    if " ".join(words) != spellings[-1]:
        spellings.append(" ".join(words))
    while len(words) > 1 and words[-1] in DESCRIPTIVE_SUFFIXES:
        words = words[:-1]
        shorter = " ".join(words)
        if len(words) == 1 and is_title(shorter):
            break
        spellings.append(shorter)
    return spellings


def company_words(wordnet: WordNet, path: Path = CSPELL_COMPANIES) -> list[str]:
    """The one-word company names of cspell's dictionary. It lists the words of company names
    one by one ("Google", but also "Notre" of Notre Dame and "Energy"): ordinary nouns and
    their plurals ("Energy", "Holdings"), legal forms and words of three letters or fewer that
    are not codes ("Ltd", "Los") are left out; an ordinary word that is no noun stays, as
    ambiguous ("Google", a verb). A word that only ever appears inside a longer name does no
    harm, as the extractor looks up whole names."""
    nouns = {lemma for synset in wordnet.nouns.values() for lemma in synset.lemmas}
    found: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        word = line.strip()
        if (
            word
            and word[0].isupper()
            and " " not in word
            and word not in LEGAL_FORMS
            and (len(word) >= 4 or (word.isupper() and len(word) >= 3))
            and not (wordnet.is_ordinary(word) and not wordnet.is_word(word))
            and word.lower() not in nouns
        ):
            found.append(word)
    return sorted(set(found))


def wordnet_organisations(
    wordnet: WordNet, place_names: frozenset[str]
) -> Iterator[tuple[str, str]]:
    """(spelling, key) for the organisations WordNet names: every capitalised lemma of a
    synset under ``ORGANISATION_CLASSES`` that is not an ordinary word ("Army", "Congress"
    are, and are left to the rules), a place ("Washington" for the US government) nor a code
    of two letters ("MI", "VA"). The key is the synset's headword ("Federal Reserve" for
    "Fed"), but an acronym is its own key, as news uses it ("NATO"): an article that spells
    it out beside it joins the two (``aliases.link_acronyms``)."""
    for offset in sorted(wordnet.nouns):
        synset = wordnet.nouns[offset]
        if synset.lexical_file != _GROUP_FILE or not synset.lemmas[0][0].isupper():
            continue
        classes = wordnet.classes_of(offset)
        if not classes & ORGANISATION_CLASSES or classes & EXCLUDED_ORGANISATION_CLASSES:
            continue
        for lemma in synset.lemmas:
            if (
                lemma[0].isupper()
                and not wordnet.is_word(lemma)
                and lemma not in place_names
                and not (lemma.isupper() and len(lemma) <= 2)
            ):
                yield lemma, lemma if lemma.isupper() else synset.lemmas[0]


def person_lemmas(wordnet: WordNet) -> frozenset[str]:
    """Capitalised one-word names of WordNet's people ("Ford", "Edison", "Disney")."""
    return frozenset(
        lemma
        for synset in wordnet.nouns.values()
        if synset.lexical_file == _PERSON_FILE and synset.is_instance
        for lemma in synset.lemmas
        if lemma[0].isupper() and " " not in lemma
    )


def organisations(
    wordnet: WordNet,
    indices: dict[str, Any],
    place_names: frozenset[str],
    given_names: frozenset[str],
    titles: frozenset[str],
    demonyms: frozenset[str],
) -> dict[str, Organisation]:
    """Every spelling of every organisation. A spelling two organisations share goes to the
    institution (WordNet's) before the company, and among companies to the first by key; a
    word of cspell's comes last, as its own key, unless it is a place ("Tokyo" of Tokyo
    Electron: cspell lists words, not names). No nationality is an organisation."""
    people = person_lemmas(wordnet)

    def ambiguous(spelling: str) -> bool:
        return (
            wordnet.is_word(spelling)
            or spelling in place_names
            or spelling.lower() in given_names
            or spelling in people
        )

    found: dict[str, Organisation] = {}
    for spelling, key in wordnet_organisations(wordnet, place_names):
        found.setdefault(spelling, Organisation(key, ambiguous(spelling)))
    for spelling, key in company_names(indices, lambda word: word.lower() in titles):
        found.setdefault(spelling, Organisation(key, ambiguous(spelling)))
    for word in company_words(wordnet):
        if word.lower() not in titles and word not in place_names:
            found.setdefault(word, Organisation(word, ambiguous(word)))
    return {name: found[name] for name in found if name not in demonyms}
