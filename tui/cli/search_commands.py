"""``broadsheet search QUERY``: the articles a query finds, best first (docs/search.md)."""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

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
    searching.set_defaults(handler=run_search)


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
    from tui.cli.common import EXIT_OK, EXIT_USAGE, prepare_home, print_json, say, warn

    text = " ".join(args.query)
    try:
        query = parse(text)
    except QueryError as problem:
        return _query_error(text, problem.column, str(problem), EXIT_USAGE)
    paths = prepare_home(args)
    limit = args.limit or None
    with (
        SearchIndex(paths.search_index) as index,
        HomeSources(paths, on_indexing_entities=_indexing_entities) as home,
    ):
        progress = _Progress()
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


def _query_error(text: str, column: int, message: str, code: int) -> int:
    """The error, and on a line each the query and a caret under the column it names."""
    from store.text import display_line
    from tui.cli.common import error

    error(f"in the query, {message}")
    shown = display_line(text)
    if shown == text:  # only then do columns line up
        print(f"  {text}\n  {' ' * (column - 1)}^", file=sys.stderr)
    return code


def _indexing_entities(articles: int) -> None:
    from tui.cli.common import warn

    if sys.stderr.isatty() and articles > 1000:
        warn(f"indexing the entities of {articles:,} articles (once)…")


class _Progress:
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
