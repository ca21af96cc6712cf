"""A synthetic news corpus for benchmarks: unique ~600-word bodies and entity summaries.

Every article is made from its index alone (a seeded generator per article), so any process
can rebuild article ``i`` without reading a store: the benchmark builds Broadsheet's home from
it, and the feed server serves the same articles to newsboat. No module of Broadsheet is
imported here.

Bodies are unique word for word (random words from a vocabulary of ~450, numbers, names), so
neither whole-body nor paragraph-level content addressing can share them. Each article names
~20 entities with a long tail, as news does; one person, :data:`STAR_ENTITY`, is named in
every fifth article (10,000 of 50,000), which is what ``list --entity`` is timed on. The
entity summaries are computed from where the names really fall in the text, in the shape
``store.models.EntitySummary`` takes: (key, label, count, first offset, in title).
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

CORPUS_VERSION = 1
"""Bump when the generator changes, so cached homes built from older text are not reused."""

WORDS_PER_ARTICLE = 600
PARAGRAPH_SEPARATOR = "\n\n"
STAR_ENTITY = "Marta Quinlan"
STAR_EVERY = 5
"""Every fifth article names the star entity: 20 % of the corpus."""
NEWEST = datetime(2026, 1, 15, 18, 0, tzinfo=UTC)
SPACING = timedelta(minutes=13)
SOURCES = 100

Summary = tuple[str, str, int, int, bool]
"""(key, label, count, first, in_title), the fields of ``store.models.EntitySummary``."""

_COMMON = """
the of and to in a that for on is was with as by at from it be has have he she they said
will would not but are an were this which their its had after been more about who over new
than also up one two could into last year years first out when there what other some time
before under three can may all week government people most while since because only during
made between four said told later several many against many percent month both should where
""".split()

_NEWS = """
council minister harbour strike budget election summit market storm court ferry rail union
report inquiry talks trade vote bridge drought hospital school police border fishing farmers
energy prices housing rents wages pensions tax spending deficit bonds shares investors bank
rates inflation exports imports tariff factory workers shift contract tender planning permit
coast river flood levee reservoir pipeline grid turbine solar wind coal gas oil refinery port
airport runway terminal airline pilots crew cabin passengers delays timetable signal tunnel
station platform commuters fares subsidy ministry department agency regulator watchdog audit
review probe hearing verdict appeal judge jury trial sentence prison parole charges lawyers
defence prosecution witness evidence statement spokesman spokeswoman official officials leader
opposition coalition party campaign polls voters ballot turnout candidate mayor governor senate
assembly parliament bill amendment law reform policy plan proposal scheme programme project
fund grant loan debt credit default rescue bailout merger takeover deal bid offer buyers sale
profits losses revenue earnings forecast outlook growth recession recovery demand supply chain
shortage surplus harvest crop wheat barley cattle herd dairy prices drought rainfall heatwave
wildfire evacuation shelters relief aid donors charity volunteers residents neighbours families
children teachers pupils exams results universities students research scientists study data
survey findings analysis figures estimate census population migrants asylum visa permits
embassy envoy treaty accord ceasefire troops patrol navy vessel fleet exercise drills missile
drone satellite launch network outage hackers breach software platform users privacy rules
broadcaster newspaper editor journalists interview documentary festival museum gallery theatre
concert stadium league season match coach players transfer injury title final championship
""".split()

_VERBS = """
said announced warned agreed rejected approved delayed cancelled opened closed raised cut
promised denied confirmed reported revealed signed launched blocked backed criticised praised
questioned defended urged demanded ordered suspended resumed extended postponed reviewed
""".split()

_ADJECTIVES = """
new local regional national federal public private senior former interim acting annual
monthly weekly early late major minor key critical urgent fresh sharp steady slow rapid
modest record unexpected planned proposed disputed contested controversial popular costly
""".split()

_FIRST = """
Marta Tomas Ingrid Pavel Aisha Kofi Lena Ruairi Sofia Mateo Hana Jonas Priya Omar Elif
Noor Dmitri Claire Yusuf Beatriz Anders Leila Kenji Maeve Rafael Zofia Idris Greta Samir
Ines Lukas Amara Fergus Nadia Bruno Esme Tariq Vera Emil Saoirse Hugo Layla Matteo Freya
Karim Alba Otto Yara Rowan Iris Felix Talia Cormac Mila Ravi Astrid Julien Nia Viktor Elena
""".split()

_LAST = """
Quinlan Halvorsen Okafor Brennan Castellano Whitcombe Nakashima Ferreira Lindqvist Moreau
Adeyemi Kowalski Petrakis Delacroix Sorensen Mbeki Varga Oyelaran Hargreaves Balogun Ivanova
Rasmussen Fitzgerald Albrecht Marchetti Dunleavy Tanaka Osei Kaminski Lorenzo Strand Achebe
Novak Fairweather Bergstrom Mahlaba Castillo Duval Kerrigan Szabo Ndlovu Eriksen Vasquez
Holloway Yilmaz Rinaldi Abernethy Kuznetsov Obi Sandoval Lachance Haddad Wojcik Tremblay
Galloway Moreno Pellegrini Sato Mensah Aldridge Ostrowski Bianchi Farrow Ekwueme Lindgren
""".split()

_PLACE_HEADS = """
Eld Brack Skerr North Low Hal Kin Dun Carr Ash Wick Brin Tor Mor Glen Strath Pen Tre Aber
Inver Kil Bally Fal Hart Mill Stan Wes Thorn Bram Fen Marsh Hol Cald Rav Stour Wen
""".split()

_PLACE_TAILS = """
mouth ridge y quay town haven ford wick by thorpe stead ton bury field dale port ness
more brook stow minster gate
""".split()

_ORG_HEADS = """
Harbour Northern Coastal United Allied Federal Regional Civic Atlantic Pacific Central
Western Eastern Highland Metro National Union Meridian Summit Granite
""".split()

_ORG_TAILS = """
Council Authority Holdings Bank Union Institute Trust Group Commission Agency Partners
Energy Airways Shipping Foundation Board League Party Alliance Press
""".split()


@dataclass(frozen=True, slots=True)
class CorpusArticle:
    index: int
    id: str
    title: str
    source: str
    url: str
    published: str
    """ISO 8601 UTC; article 0 is the newest."""
    body: str
    entities: tuple[Summary, ...]
    """Most salient first, as ``store.entities.summarize`` orders them."""


@cache
def _vocabulary() -> list[str]:
    """The words prose is drawn from, each repeated as often as it is to be likely: function
    words far more often than topic words, as in real prose. (Drawing uniformly from a list
    with repeats is several times faster than a weighted draw.)"""
    return _COMMON * 6 + _NEWS + _VERBS * 2 + _ADJECTIVES


@cache
def entity_pool() -> tuple[list[tuple[str, str]], list[float]]:
    """Every (name, label) an article may name, with Zipf-like cumulative weights."""
    people = [(f"{first} {last}", "PERSON") for last in _LAST for first in _FIRST]
    places = [(head + tail, "PLACE") for head in _PLACE_HEADS for tail in _PLACE_TAILS]
    orgs = [(f"{head} {tail}", "ORG") for head in _ORG_HEADS for tail in _ORG_TAILS]
    rng = random.Random(1)
    pool = [entry for entry in people + places + orgs if entry[0] != STAR_ENTITY]
    rng.shuffle(pool)
    total = 0.0
    cumulative: list[float] = []
    for rank in range(len(pool)):
        total += 1.0 / (rank + 10)
        cumulative.append(total)
    return pool, cumulative


class _Prose:
    """Random sentences from one article's generator, words drawn in bulk."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.words: list[str] = []
        self.position = 0

    def sentence(self, name: str | None) -> str:
        rng = self.rng
        length = 8 + int(rng.random() * 13)
        if self.position + length > len(self.words):
            self.words = rng.choices(_vocabulary(), k=256)
            self.position = 0
        chosen = self.words[self.position : self.position + length]
        self.position += length
        if rng.random() < 0.3:
            chosen.insert(int(rng.random() * length), f"{2 + int(rng.random() * 9_998):,}")
        if name is not None:
            # Names come first or later in the sentence, as in "..., Ines Varga said".
            where = 0 if rng.random() < 0.5 else 1 + int(rng.random() * (len(chosen) - 1))
            chosen.insert(where, name)
        text = " ".join(chosen)
        return text[0].upper() + text[1:] + "."


def article(index: int, words: int = WORDS_PER_ARTICLE) -> CorpusArticle:
    """Article ``index`` of the corpus (0 is the newest), of about ``words`` words; the same
    on every call."""
    rng = random.Random(f"broadsheet-bench-{CORPUS_VERSION}-{index}-{words}")
    pool, cumulative = entity_pool()
    wanted_entities = max(4, round(22 * words / WORDS_PER_ARTICLE))
    named = list(dict.fromkeys(rng.choices(pool, cum_weights=cumulative, k=wanted_entities)))
    if index % STAR_EVERY == 0:
        named.insert(rng.randrange(min(4, len(named) + 1)), (STAR_ENTITY, "PERSON"))
    # The first few are what the article is about and are named several times.
    mentions: list[tuple[str, str]] = []
    for position, entity in enumerate(named):
        lead = words >= WORDS_PER_ARTICLE // 2 and position < 3
        mentions += [entity] * (rng.randint(2, 5) if lead else 1)
    rng.shuffle(mentions)
    # Lead with the main subject, as a news story does.
    mentions.insert(0, named[0])

    paragraphs: list[str] = []
    offset = 0
    written = 0
    first: dict[str, int] = {}
    counts: dict[str, int] = {}
    labels = dict(named)
    prose = _Prose(rng)
    while written < words or mentions:
        sentences: list[str] = []
        for _ in range(rng.randint(2, 5)):
            wanted = bool(mentions) and (rng.random() < 0.8 or written > words * 3 // 4)
            name = mentions.pop(0)[0] if wanted else None
            sentence = prose.sentence(name)
            if name is not None:
                start = offset + sum(len(s) + 1 for s in sentences) + sentence.find(name)
                first.setdefault(name, start)
                counts[name] = counts.get(name, 0) + 1
            sentences.append(sentence)
            written += sentence.count(" ") + 1
        paragraph = " ".join(sentences)
        paragraphs.append(paragraph)
        offset += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    body = PARAGRAPH_SEPARATOR.join(paragraphs)

    subject = named[0][0]
    topic = " ".join(rng.choices(_NEWS, k=3))
    verb = rng.choice(_VERBS)
    second = named[1][0] if len(named) > 1 else "the council"
    title = f"{subject} {verb} {topic} plan as {second} weighs in ({index})"
    in_title = {subject, second}
    summaries = sorted(
        ((key, labels[key], counts[key], first[key], key in in_title) for key in counts),
        key=lambda s: (-(s[2] + (3.0 if s[4] else 0.0) + 1.0 - s[3] / len(body)), s[3]),
    )
    # Served feeds use indexes from FARM_FIRST_INDEX up; keep their dates recent too.
    published = NEWEST - SPACING * (index % 1_000_000)
    source_number = index % SOURCES
    url = f"https://news{source_number}.example/{published:%Y/%m/%d}/story-{index}"
    return CorpusArticle(
        index=index,
        id=hashlib.sha256(url.encode()).hexdigest()[:16],
        title=title,
        source=f"Bench Wire {source_number}",
        url=url,
        published=published.isoformat(),
        body=body,
        entities=tuple(summaries),
    )


def articles(count: int, start: int = 0) -> Iterator[CorpusArticle]:
    for index in range(start, start + count):
        yield article(index)


def star_count(count: int) -> int:
    """How many of the first ``count`` articles name :data:`STAR_ENTITY`."""
    return len(range(0, count, STAR_EVERY))
