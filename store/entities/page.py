"""An entity's page: what it is, when it was named, in which articles, and beside whom.

:func:`entity_page` reads everything from the entity catalog (bring it up to date first, as
for ``list --entity``): the articles naming the entity with their mention counts and first
offsets, the timeline, the co-mentions. Nothing reads a body, so the page costs the same
whatever the articles hold (bench/entity_page.py: under 100 ms at 50,000 articles for an
entity named in 2,000). The rest is made for the rows on show only:

- :func:`article_details`: each shown article's first sentence naming the entity (the
  sentence around its first mention, from the body) and the spellings its mentions use;
- :func:`entity_highlights`: the highlights of the articles that name the entity, each
  marked when its quote or note names it by one of its names. A highlight of an article about
  the entity belongs to its page even when the quote says "she" rather than her name; the mark
  lets a front put the ones that name it first.

The user's corrections apply throughout, as the catalog applies them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from store.annotations.model import Highlight
from store.entities.aliases import name_parts
from store.entities.catalog import EntityCatalog
from store.entities.corrections import NO_CORRECTIONS, Corrections
from store.entities.counting import EntityCount, count_entities, labelled, ranked
from store.entities.summary import occurs_as_word
from store.models import EntityLabel, Mention
from store.sentences import sentence_at

Bucket = Literal["day", "week"]
DAILY_SPAN_DAYS = 92
"""A library spanning up to about three months is counted by the day; a longer one by week."""
MAX_BUCKETS = 520
"""Ten years of weeks: a library spanning more shows its latest ten years."""
CO_MENTIONS = 20


@dataclass(frozen=True, slots=True)
class Timeline:
    """Mentions per day or per week over the library's span, oldest first."""

    bucket: Bucket
    start: date
    """The first day of the first bucket (a Monday, by the week)."""
    counts: tuple[int, ...]

    @property
    def step(self) -> timedelta:
        return timedelta(days=1 if self.bucket == "day" else 7)

    def dates(self) -> list[date]:
        """The first day of each bucket."""
        return [self.start + self.step * number for number in range(len(self.counts))]


@dataclass(frozen=True, slots=True)
class PageArticle:
    """An article that names the entity."""

    id: str
    title: str
    date: str
    """ISO 8601: published, else when it was added."""
    body_hash: str
    mentions: int
    first: int
    """Offset of its first mention in the canonical text."""


@dataclass(frozen=True, slots=True)
class EntityPage:
    key: str
    label: EntityLabel
    hidden: bool
    aliases: tuple[str, ...]
    """Other names the catalog counts as it: names merged into it, a part of a person's name
    only that person has. :func:`article_details` adds the spellings of the shown articles."""
    postings: tuple[str, ...]
    """Every key the catalog's rows hold for it (its own among them)."""
    mentions: int
    timeline: Timeline
    articles: tuple[PageArticle, ...]
    """Newest first."""
    co_mentions: tuple[EntityCount, ...]
    """The entities most often named alongside it: ``articles`` is how many of its articles
    name both; most first."""


@dataclass(slots=True)
class _Gathered:
    id: str
    title: str
    date: str
    body_hash: str
    mentions: int
    first: int


def entity_page(
    catalog: EntityCatalog, key: str, *, co_mentions: int | None = CO_MENTIONS
) -> EntityPage:
    """The page of the entity ``key`` (as :meth:`EntityCatalog.resolve` gives it); at most
    ``co_mentions`` co-mentions (None: all)."""
    corrections = catalog.corrections()
    key = corrections.canonical(key)
    postings = catalog.postings_keys(key)
    marks = ", ".join("?" * len(postings))
    rows = catalog.select(
        f"SELECT article.num, article.id, article.title, article.sort_key, article.body_hash, "
        f"mention.entity, mention.label, mention.count, mention.first FROM mention "
        f"JOIN article ON article.num = mention.num WHERE mention.entity IN ({marks})",
        postings,
    )
    by_article: dict[int, _Gathered] = {}
    labels: Counter[str] = Counter()
    named: set[str] = set()
    for num, article_id, title, when, body_hash, entity, label, count, first in rows:
        named.add(entity)
        # Its own rows say its label; another name's only when it has none of its own.
        labels[label] += count * (1_000_000 if entity == key else 1)
        found = by_article.get(num)
        if found is None:
            by_article[num] = _Gathered(article_id, title, when, body_hash, count, first)
        else:
            found.mentions += count
            found.first = min(found.first, first)
    articles = sorted(
        (PageArticle(g.id, g.title, g.date, g.body_hash, g.mentions, g.first)
         for g in by_article.values()),
        key=lambda article: (article.date, article.id),
        reverse=True,
    )  # fmt: skip
    counted = count_entities(
        catalog,
        f"SELECT num FROM mention WHERE entity IN ({marks})",
        postings,
        leave_out=[key],
    )
    merged = corrections.members(key)
    aliases = sorted(name for name in postings if name != key and (name in named or name in merged))
    return EntityPage(
        key=key,
        label=labelled(corrections, key, labels),
        hidden=corrections.is_hidden(key),
        aliases=tuple(aliases),
        postings=tuple(postings),
        mentions=sum(article.mentions for article in articles),
        timeline=_timeline(catalog, articles),
        articles=tuple(articles),
        co_mentions=tuple(ranked(counted.values(), co_mentions)),
    )


def _timeline(catalog: EntityCatalog, articles: Sequence[PageArticle]) -> Timeline:
    # Two ends of the index by date, each a lookup (MIN and MAX in one query scan it).
    earliest = catalog.select(
        "SELECT sort_key FROM article WHERE sort_key > '' ORDER BY sort_key LIMIT 1"
    )
    latest = catalog.select("SELECT sort_key FROM article ORDER BY sort_key DESC LIMIT 1")
    first = _day(earliest[0][0]) if earliest else None
    last = _day(latest[0][0]) if latest else None
    if first is None or last is None:
        return Timeline("day", date.today(), ())
    bucket: Bucket = "day" if (last - first).days < DAILY_SPAN_DAYS else "week"
    if bucket == "week":
        first -= timedelta(days=first.weekday())
        last -= timedelta(days=last.weekday())
    step = 1 if bucket == "day" else 7
    size = min((last - first).days // step + 1, MAX_BUCKETS)
    start = last - timedelta(days=step * (size - 1))
    counts = [0] * size
    for article in articles:
        day = _day(article.date)
        if day is not None:
            index = (day - start).days // step
            if 0 <= index < size:
                counts[index] += article.mentions
    return Timeline(bucket, start, tuple(counts))


def _day(when: object) -> date | None:
    if not isinstance(when, str):
        return None
    try:
        return date.fromisoformat(when[:10])
    except ValueError:
        return None  # a date no one could read sorts, but falls in no bucket


# For the rows on show


@dataclass(frozen=True, slots=True)
class ArticleDetails:
    sentences: dict[str, str]
    """Each article's first sentence naming the entity, by id ("" when its text is missing)."""
    spellings: tuple[str, ...]
    """How their mentions of the entity are spelled, other than its key."""


def article_details(
    page: EntityPage,
    articles: Iterable[PageArticle],
    read_body: Callable[[str], str | None],
    mentions_of: Callable[[str, str], list[Mention]] | None = None,
    corrections: Corrections = NO_CORRECTIONS,
) -> ArticleDetails:
    """The details of ``articles`` (those on show): one body read each (``read_body`` by
    hash, e.g. ``library.bodies.read``); the spellings when ``mentions_of(hash, body)`` is
    given (``library.mentions.mentions``, which extracts what is not cached yet)."""
    sentences: dict[str, str] = {}
    spellings: set[str] = set()
    postings = set(page.postings)
    for article in articles:
        body = read_body(article.body_hash)
        sentences[article.id] = sentence_at(body, article.first) if body else ""
        if body and mentions_of is not None:
            for mention in corrections.split_mentions(mentions_of(article.body_hash, body)):
                if mention.key in postings and mention.text != page.key:
                    spellings.add(mention.text)
    return ArticleDetails(sentences, tuple(sorted(spellings - {page.key})))


@dataclass(frozen=True, slots=True)
class EntityHighlight:
    highlight: Highlight
    names_it: bool
    """Whether its quote or note names the entity (by its key, an alias or a spelling, or a
    part of a person's name; any case)."""


def entity_highlights(
    highlights: Iterable[Highlight], page: EntityPage, spellings: Iterable[str] = ()
) -> list[EntityHighlight]:
    """The highlights of the articles that name the entity, in the page's order of articles
    (newest first), each article's in reading order."""
    order = {article.id: position for position, article in enumerate(page.articles)}
    names = {page.key, *page.aliases, *spellings}
    if page.label == "PERSON":
        names.update(name_parts(page.key))
    folded = {name.casefold() for name in names if name}
    chosen = sorted(
        (highlight for highlight in highlights if highlight.article_id in order),
        key=lambda highlight: (order[highlight.article_id], highlight.reading_order),
    )
    return [EntityHighlight(highlight, _names(highlight, folded)) for highlight in chosen]


def _names(highlight: Highlight, names: set[str]) -> bool:
    text = f"{highlight.exact}\n{highlight.note}".casefold()
    return any(occurs_as_word(text, name) for name in names)
