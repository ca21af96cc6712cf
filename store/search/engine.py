"""Searching: a query (text or tree) → the articles it finds, best first.

Words, phrases and the metadata fields (``feed:``, ``author:``, ``newer:``, ``older:``) are
answered by the search index alone; ``is:`` by the read state, ``has:`` by the highlights,
``entity:`` by the entity catalog, ``tag:`` by the feeds' folders and the highlights' tags.
The engine asks those through :class:`SearchSources`, and only when the query names them, so
a search of words never loads the highlights. No body is read to answer a query.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Literal, get_args

import orjson

from store.annotations.model import Highlight, normalise_tag
from store.entities.catalog import EntityCatalog
from store.feeds import Feed
from store.read_state import ReadState
from store.search.index import SearchIndex
from store.search.plan import Sql, cutoff, plan_query
from store.search.query import Field, Node, Term, parse

SortOrder = Literal["relevance", "date"]
SORT_ORDERS: tuple[SortOrder, ...] = get_args(SortOrder)


@dataclass(frozen=True, slots=True)
class Hit:
    article_id: str
    score: float | None
    """Relevance, higher is better (bm25, negated); None when sorted by date or when the
    query has no words to rank by (then hits come newest first)."""
    terms: tuple[Term, ...]
    """The query's words and phrases that are not excluded: what to mark in the headline and
    the text (:func:`store.search.marking.match_spans` finds them as the index does). The
    same for every hit of a search."""


@dataclass(frozen=True, slots=True)
class SearchSources:
    """Where the engine asks what the index does not hold. Each is called only when a query
    needs it (``is:`` → ``read_states``…), at most once a search."""

    read_states: Callable[[], Mapping[str, ReadState]]
    """The articles that are read or starred (``ReadStateStore.flagged``)."""
    highlights: Callable[[], Iterable[Highlight]]
    feeds: Callable[[], Iterable[Feed]]
    entity_articles: Callable[[str], Collection[str]]
    """The ids of the articles naming what a user's name means (any spelling the sidebar
    merges, a part of one person's name)."""

    @classmethod
    def of_stores(
        cls,
        *,
        read_states: Callable[[], Mapping[str, ReadState]],
        highlights: Callable[[], Iterable[Highlight]],
        feeds: Callable[[], Iterable[Feed]],
        catalog: EntityCatalog,
    ) -> SearchSources:
        """From the stores an app holds: ``library.read_state.flagged``,
        ``highlight_store.all``, ``feed_store.all`` and ``library.catalog`` (kept current by
        the caller, as for the entity filter)."""

        def entity_articles(name: str) -> list[str]:
            return catalog.articles_mentioning(catalog.resolve(name))

        return cls(read_states, highlights, feeds, entity_articles)


def search(
    query: str | Node,
    *,
    index: SearchIndex,
    sources: SearchSources,
    sort: SortOrder = "relevance",
    limit: int | None = None,
    now: datetime | None = None,
) -> list[Hit]:
    """The articles ``query`` finds: best first (recency breaking ties), or newest first
    with ``sort="date"``; at most ``limit``. ``now`` (UTC by default) is what ``newer:7d``
    counts back from. QueryError for a query that cannot be read; StoreError when the index
    cannot be used."""
    if sort not in SORT_ORDERS:
        raise ValueError(f"sort is one of {', '.join(SORT_ORDERS)}, not {sort!r}")
    node = parse(query) if isinstance(query, str) else query
    fields = _FieldConditions(sources, now or datetime.now(UTC))
    plan = plan_query(node, fields)
    rows = index.find(plan, by_date=sort == "date", limit=limit)
    return [Hit(article_id, score, plan.terms) for article_id, score in rows]


def _in(column: str) -> str:
    """``column`` is one of the ids given as a JSON array (one parameter, however many)."""
    return f"{column} IN (SELECT value FROM json_each(?))"


def _ids(ids: Iterable[str]) -> str:
    return orjson.dumps(list(set(ids))).decode()


class _FieldConditions:
    """The SQL of each field of one search, asking the sources at most once each."""

    def __init__(self, sources: SearchSources, now: datetime) -> None:
        self.sources = sources
        self.now = now
        self._states: Mapping[str, ReadState] | None = None
        self._highlights: list[Highlight] | None = None
        self._feeds: list[Feed] | None = None

    def states(self) -> Mapping[str, ReadState]:
        if self._states is None:
            self._states = self.sources.read_states()
        return self._states

    def highlights(self) -> list[Highlight]:
        if self._highlights is None:
            self._highlights = list(self.sources.highlights())
        return self._highlights

    def feeds(self) -> list[Feed]:
        if self._feeds is None:
            self._feeds = list(self.sources.feeds())
        return self._feeds

    def __call__(self, field: Field) -> Sql:
        value = field.value
        wanted = value.casefold()
        if field.name == "feed":
            feeds = [feed.id for feed in self.feeds() if wanted == feed.id.casefold()
                     or wanted in feed.display_title.casefold()
                     or wanted in feed.url.casefold()]  # fmt: skip
            return (
                f"{_in('a.feed_id')} OR instr(a.source_folded, ?) > 0",
                (_ids(feeds), wanted),
            )
        if field.name == "tag":
            in_folder = [feed.id for feed in self.feeds()
                         if any(tag.casefold() == wanted or tag.casefold().startswith(wanted + "/")
                                for tag in feed.tags)]  # fmt: skip
            tag = normalise_tag(value)
            tagged = [h.article_id for h in self.highlights() if tag in h.tags]
            return (
                f"{_in('a.feed_id')} OR {_in('a.id')}",
                (_ids(in_folder), _ids(tagged)),
            )
        if field.name == "author":
            return "instr(a.author_folded, ?) > 0", (wanted,)
        if field.name == "entity":
            return _in("a.id"), (_ids(self.sources.entity_articles(value)),)
        if field.name == "is":
            if value == "starred":
                starred = [key for key, state in self.states().items() if state.starred]
                return _in("a.id"), (_ids(starred),)
            read = [key for key, state in self.states().items() if state.read]
            negation = "NOT " if value == "unread" else ""
            return f"{negation}{_in('a.id')}", (_ids(read),)
        if field.name == "has":
            having = [h.article_id for h in self.highlights()
                      if value == "highlights" or h.note.strip()]  # fmt: skip
            return _in("a.id"), (_ids(having),)
        operator = ">=" if field.name == "newer" else "<"
        return f"a.date {operator} ?", (cutoff(value, self.now),)
