"""Search: one query language (``query``), an FTS5 index kept per shard (``index``), the
engine that answers a query (``engine``), where its words fall in a text (``marking``), and
the same language over highlights (``highlight_search``). docs/search.md describes the
language and how the index is kept."""

from store.search.engine import SORT_ORDERS, Hit, SearchSources, SortOrder, search
from store.search.entries import IndexedArticle, SearchEntry, ShardWrite
from store.search.highlight_search import HighlightFinder, filter_highlights
from store.search.home import HomeSources, catch_up_search_index
from store.search.index import (
    SearchIndex,
    SearchIndexBusyError,
    SearchUnavailableError,
    check_fts5,
)
from store.search.marking import match_spans, match_spans_each
from store.search.query import (
    ARTICLES,
    HIGHLIGHTS,
    Language,
    Node,
    QueryError,
    Term,
    canonical,
    parse,
    positive_terms,
)

__all__ = [
    "ARTICLES",
    "HIGHLIGHTS",
    "SORT_ORDERS",
    "HighlightFinder",
    "Hit",
    "HomeSources",
    "IndexedArticle",
    "Language",
    "Node",
    "QueryError",
    "SearchEntry",
    "SearchIndex",
    "SearchIndexBusyError",
    "SearchSources",
    "SearchUnavailableError",
    "ShardWrite",
    "SortOrder",
    "Term",
    "canonical",
    "catch_up_search_index",
    "check_fts5",
    "filter_highlights",
    "match_spans",
    "match_spans_each",
    "parse",
    "positive_terms",
    "search",
]
