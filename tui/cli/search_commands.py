"""``broadsheet search QUERY``: the articles a query finds, best first (docs/search.md); and
``broadsheet searches``, the saved ones."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.listing import ShardRecords
    from store.paths import DataPaths
    from store.search import Node

_PROGRESS_AFTER_SECONDS = 0.5
"""A catch-up that takes longer than this says how far it has got (on a terminal)."""


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    searching = subcommands.add_parser(
        "search",
        help="find articles by their words, feed, tags, entities, state and dates",
        description='Find articles. Words and "quoted phrases" must all match (any case '
        'or accent; "tariff" finds "tariffs"); feed:NAME, tag:NAME, author:NAME, '
        'entity:"Xi Jinping", is:unread|read|starred, has:highlights|note, newer:7d, '
        "older:2026-01-01 narrow it; -word or -field:x excludes; OR between terms; "
        "parentheses group. Put -- before a query that starts with -. The words of a "
        "query may be given as one argument or several (quote phrases for the shell too: "
        "'\"trade war\"'). See docs/search.md.",
    )
    searching.add_argument("query", nargs="+", metavar="QUERY")
    searching.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    searching.add_argument(
        "--sort",
        choices=("relevance", "date"),
        default="relevance",
        help="best matches first, recency breaking ties (default), or newest first",
    )
    searching.add_argument(
        "--limit",
        type=_count,
        default=50,
        metavar="N",
        help="print at most N articles (default 50; 0 for all)",
    )
    searching.add_argument(
        "--save",
        metavar="NAME",
        help="also save the query under NAME: the app lists it beside the feeds, with its "
        "unread count (a search saved under NAME already is replaced)",
    )
    searching.set_defaults(handler=run_search)

    saved = subcommands.add_parser(
        "searches", help="list the saved searches, with how many articles each finds"
    )
    saved.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    saved.set_defaults(handler=list_saved_searches)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a whole number, 0 or more, not {text!r}")
    return value


def run_search(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from store.search import (
        HomeSources,
        QueryError,
        SearchIndex,
        canonical,
        catch_up_search_index,
        parse,
        search,
    )
    from store.text import display_line
    from tui.cli.common import (
        EXIT_OK,
        EXIT_USAGE,
        make_pending_entities,
        prepare_home,
        print_json,
        say,
        warn,
    )

    text = " ".join(args.query)
    try:
        query = parse(text)
    except QueryError as problem:
        return query_error(text, problem.column, str(problem), EXIT_USAGE)
    paths = prepare_home(args)
    make_pending_entities(paths)  # entity: in a query, and the entities of each hit
    if args.save is not None:
        _save(paths, args.save, text)
    limit = args.limit or None
    with (
        SearchIndex(paths.search_index) as index,
        HomeSources(paths, on_indexing_entities=indexing_entities) as home,
    ):
        progress = IndexingProgress()
        try:
            catch_up_search_index(index, paths, on_progress=progress)
        finally:
            progress.finish()
        hits = search(
            query, index=index, sources=home.sources, sort=args.sort, limit=limit,
            now=datetime.now(UTC),
        )  # fmt: skip
        described = index.describe(hit.article_id for hit in hits)
        states = home.read_states()
    if not hits:
        warn(f"no article matches {canonical(query)}")
    rows: list[dict[str, Any]] = []
    for hit in hits:
        article = described.get(hit.article_id)
        if article is None:
            continue  # removed by another process since the search
        state = states.get(hit.article_id)
        rows.append({
            "id": article.article_id,
            "title": article.title,
            "source": article.source,
            "author": article.author or None,
            "date": article.date or None,
            "url": article.url or None,
            "feed_id": article.feed_id or None,
            "read": bool(state and state.read),
            "starred": bool(state and state.starred),
            "score": hit.score,
        })  # fmt: skip
    if args.json:
        terms = hits[0].terms if hits else ()
        print_json({
            "query": canonical(query),
            "sort": args.sort,
            "terms": [canonical(term) for term in terms],
            "hits": rows,
        })  # fmt: skip
        return EXIT_OK
    for row in rows:
        mark = " " if row["read"] else "•"
        date = (row["date"] or "")[:10] or "undated"
        source = display_line(row["source"])
        say(f"{mark} {row['id']}  {date:10}  {source[:20]:20}  {display_line(row['title'])}")
    return EXIT_OK


def _save(paths: DataPaths, name: str, text: str) -> None:
    from store.saved_searches import SavedSearchStore
    from tui.cli.common import UsageError, warn

    with SavedSearchStore(paths) as store:
        try:
            saved, replaced = store.save(name, text)
        except ValueError as problem:  # a name that will not do (the query was read already)
            raise UsageError(str(problem)) from None
    again = f" (replacing {replaced.query})" if replaced is not None else ""
    warn(f"saved the search {saved.query} as {saved.name!r}{again}")


def list_saved_searches(args: argparse.Namespace) -> int:
    from store.read_state import ReadStateStore
    from store.saved_searches import SavedSearchStore
    from store.search import HomeSources, QueryError, SearchIndex, catch_up_search_index, search
    from tui.cli.common import EXIT_OK, prepare_home, print_json, say

    paths = prepare_home(args)
    with SavedSearchStore(paths) as store:
        saved = store.all()
    rows: list[dict[str, Any]] = []
    if saved:
        with (
            SearchIndex(paths.search_index) as index,
            HomeSources(paths, on_indexing_entities=indexing_entities) as home,
        ):
            progress = IndexingProgress()
            try:
                catch_up_search_index(index, paths, on_progress=progress)
            finally:
                progress.finish()
            states = ReadStateStore(paths)
            states.load()
            flagged = states.flagged()
            states.close()
            for each in saved:
                try:
                    found = [hit.article_id for hit in search(each.query, index=index,
                                                              sources=home.sources)]  # fmt: skip
                except QueryError:
                    found = []  # edited by hand into something unreadable: it finds nothing
                unread = sum(1 for key in found if not (key in flagged and flagged[key].read))
                rows.append({"name": each.name, "query": each.query, "added": each.added or None,
                             "unread": unread, "total": len(found)})  # fmt: skip
    if args.json:
        print_json(rows)
        return EXIT_OK
    if not rows:
        print("no saved searches yet: broadsheet search QUERY --save NAME, or Ctrl+S in the "
              "app's search bar", file=sys.stderr)  # fmt: skip
    for row in rows:
        say(f"{row['name']}  ({row['unread']}/{row['total']})  {row['query']}")
    return EXIT_OK


def articles_found(
    paths: DataPaths, query: Node, shards: Sequence[ShardRecords] | None = None
) -> set[str]:
    """The ids of the articles ``query`` finds (for ``list QUERY`` and ``export --query``),
    the index first brought up to date (from ``shards`` when they were read already)."""
    from store.search import HomeSources, SearchIndex, catch_up_search_index, search

    with (
        SearchIndex(paths.search_index) as index,
        HomeSources(paths, on_indexing_entities=indexing_entities) as home,
    ):
        progress = IndexingProgress()
        try:
            catch_up_search_index(index, paths, shards, on_progress=progress)
        finally:
            progress.finish()
        return {hit.article_id for hit in search(query, index=index, sources=home.sources,
                                                 sort="date")}  # fmt: skip


def query_error(text: str, column: int, message: str, code: int) -> int:
    """The error, and on a line each the query and a caret under the column it names."""
    from store.text import display_line
    from tui.cli.common import error

    error(f"in the query, {message}")
    shown = display_line(text)
    if shown == text:  # only then do columns line up
        print(f"  {text}\n  {' ' * (column - 1)}^", file=sys.stderr)
    return code


def indexing_entities(articles: int) -> None:
    from tui.cli.common import warn

    if sys.stderr.isatty() and articles > 1000:
        warn(f"indexing the entities of {articles:,} articles (once)…")


class IndexingProgress:
    """A line on a terminal's stderr saying how far a catch-up has got, once it has taken
    more than a moment (a few stats when nothing changed: then nothing is said)."""

    def __init__(self) -> None:
        self.started = time.monotonic()
        self.shown = False

    def __call__(self, done: int, total: int) -> None:
        if not sys.stderr.isatty():
            return
        if not self.shown and time.monotonic() - self.started < _PROGRESS_AFTER_SECONDS:
            return
        self.shown = True
        sys.stderr.write(f"\rbroadsheet: indexing for search: {done:,} of {total:,} articles…")
        sys.stderr.flush()

    def finish(self) -> None:
        if self.shown:
            sys.stderr.write("\n")
            sys.stderr.flush()
