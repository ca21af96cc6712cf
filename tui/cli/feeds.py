"""Feed commands: ``add``, ``feeds``, ``remove``, ``refresh``, ``export-opml``; and OPML import.

``import_opml`` is called by the ``import`` command for ``.opml`` files.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.feeds import Feed, FeedStore
    from store.ingest.opml import OpmlImport
    from store.ingest.refresh import FeedResult, RefreshReport
    from store.library import Library
    from store.paths import DataPaths

# The command line is single-threaded when it refreshes, so it may fork workers to parse feeds
# and extract entities on every core (the app, which runs threads, does not).
REFRESH_PROCESSES = min(os.cpu_count() or 1, 4)


def register(subcommands: Any) -> None:
    add = subcommands.add_parser(
        "add",
        help="follow a feed (or a site's feed), or save one article with --article",
        description="Follow the feed at URL — or the feed a web page at URL advertises — and "
        "fetch it. With --article, save the page at URL as a single article.",
    )
    add.add_argument("url", metavar="URL")
    add.add_argument("--article", action="store_true", help="save this page as one article")
    add.add_argument(
        "--full-text",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="for each new entry, fetch its page and keep the extracted full text "
        "(--no-full-text: keep the feed's own text); adding a followed feed again changes it",
    )
    add.add_argument("--tag", action="append", default=[], help="a folder/tag (repeatable)")
    add.set_defaults(handler=run_add)

    listing = subcommands.add_parser("feeds", help="list followed feeds and how they fare")
    listing.add_argument("--json", action="store_true", help="print JSON for scripts")
    listing.set_defaults(handler=run_feeds)

    remove = subcommands.add_parser(
        "remove",
        help="unfollow a feed and drop its articles (starred or highlighted ones stay)",
    )
    remove.add_argument("feed", metavar="FEED", help="the feed's id, URL or exact title")
    remove.set_defaults(handler=run_remove)

    refresh = subcommands.add_parser(
        "refresh", help="fetch every feed (or those named) and store new articles"
    )
    refresh.add_argument("feeds", metavar="FEED", nargs="*", help="id, URL or exact title")
    refresh.add_argument("--json", action="store_true", help="print the summary as JSON")
    refresh.set_defaults(handler=run_refresh)

    export = subcommands.add_parser("export-opml", help="write followed feeds as OPML 2.0")
    export.add_argument(
        "-o", "--output", metavar="FILE", help="write here instead of standard output (-: stdout)"
    )
    export.set_defaults(handler=run_export_opml)


@contextmanager
def open_stores(args: argparse.Namespace, *, writable: bool) -> Iterator[tuple[Library, FeedStore]]:
    from store.feeds import FeedStore
    from tui.cli.common import open_library

    with open_library(args, writable=writable) as library, FeedStore(library.paths) as feeds:
        yield library, feeds


def run_add(args: argparse.Namespace) -> int:
    from store.ingest.subscriptions import SubscribeError, add_article, add_feed
    from tui.cli.common import EXIT_OK, error

    with open_stores(args, writable=True) as (library, feed_store):
        try:
            if args.article:
                article, outcome = add_article(library, args.url)
                print(f"{outcome.value}: {article.title} ({article.id})")
                return EXIT_OK
            added = add_feed(library, feed_store, args.url, full_text=args.full_text, tags=args.tag)
        except SubscribeError as problem:
            return error(str(problem))
    verb = "already following" if added.already_followed else "following"
    print(f"{verb} {added.feed.display_title} <{added.feed.url}> ({added.feed.id})")
    return _print_summary(added.report)


def run_feeds(args: argparse.Namespace) -> int:
    from tui.cli.common import EXIT_OK, plural, print_json

    with open_stores(args, writable=False) as (library, feed_store):
        counts: dict[str, int] = {}
        for article in library.articles():
            if article.feed_id:
                counts[article.feed_id] = counts.get(article.feed_id, 0) + 1
        feeds = feed_store.all()
    if args.json:
        print_json([_feed_json(feed, counts.get(feed.id, 0)) for feed in feeds])
        return EXIT_OK
    if not feeds:
        print("no feeds yet: add one with `broadsheet add URL`")
    for feed in feeds:
        print(f"{feed.display_title}  <{feed.url}>  [{feed.id}]")
        tags = f"  tags: {', '.join(feed.tags)}" if feed.tags else ""
        articles = plural(counts.get(feed.id, 0), "article")
        print(f"  {articles}  last success: {feed.last_success or 'never'}{tags}")
        if feed.last_error:
            print(f"  last error ({feed.last_error_at}): {feed.last_error}")
    return EXIT_OK


def _feed_json(feed: Feed, article_count: int) -> dict[str, object]:
    return {
        "id": feed.id,
        "url": feed.url,
        "title": feed.title,
        "site_url": feed.site_url,
        "tags": list(feed.tags),
        "full_text": feed.full_text,
        "last_success": feed.last_success,
        "last_error": feed.last_error,
        "last_error_at": feed.last_error_at,
        "articles": article_count,
    }


def run_remove(args: argparse.Namespace) -> int:
    from store.annotations import HighlightStore
    from store.ingest.subscriptions import find_feed, remove_feed
    from tui.cli.common import EXIT_OK, EXIT_USAGE, error, plural

    with open_stores(args, writable=True) as (library, feed_store):
        feed = find_feed(feed_store, args.feed)
        if feed is None:
            return error(f"no feed matches {args.feed!r} (see `broadsheet feeds`)", EXIT_USAGE)
        with HighlightStore(library.paths) as highlights:
            highlighted = {highlight.article_id for highlight in highlights.all()}
        # An article that carries highlights stays, so its highlights stay anchored in it.
        removed = remove_feed(
            library,
            feed_store,
            feed,
            keep=lambda article: article.starred or article.id in highlighted,
        )
    kept = f", kept {removed.kept_articles} starred or highlighted" if removed.kept_articles else ""
    dropped = plural(removed.removed_articles, "article")
    print(f"removed {feed.display_title}: {dropped} dropped{kept}")
    return EXIT_OK


def run_refresh(args: argparse.Namespace) -> int:
    from store.annotations import HighlightStore
    from store.annotations.sync import highlighted_body_hashes, reanchor_changed
    from store.ingest.refresh import RefreshReport, refresh_feeds
    from tui.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, error, print_json

    with open_stores(args, writable=True) as (library, feed_store):
        chosen: list[Feed] | None = None
        if args.feeds:
            from store.ingest.subscriptions import find_feed  # (its import is 20 ms)

            chosen = []
            for reference in args.feeds:
                feed = find_feed(feed_store, reference)
                if feed is None:
                    return error(f"no feed matches {reference!r}", EXIT_USAGE)
                chosen.append(feed)
        if not (chosen if chosen is not None else len(feed_store)):
            if args.json:
                print_json(_report_json(RefreshReport((), 0.0)))
            else:
                print("no feeds to refresh: add one with `broadsheet add URL`")
            return EXIT_OK
        with HighlightStore(library.paths) as highlights:
            before = highlighted_body_hashes(library, highlights)
            if sys.stderr.isatty() and not args.json:
                report = _refresh_with_progress_bar(library, feed_store, chosen)
            else:
                report = refresh_feeds(
                    library, feed_store, feeds=chosen, processes=REFRESH_PROCESSES
                )
            # Articles whose text changed take their highlights with them.
            reanchor_changed(library, highlights, before)
    if args.json:
        print_json(_report_json(report))
        return EXIT_FAILED if report.failed else EXIT_OK
    return _print_summary(report)


def _refresh_with_progress_bar(
    library: Library, feed_store: FeedStore, chosen: list[Feed] | None
) -> RefreshReport:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    from store.ingest.refresh import refresh_feeds

    console = Console(stderr=True)
    columns = (TextColumn("refreshing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    # No auto-refresh: its thread would be running when the refresh forks worker processes.
    with Progress(*columns, console=console, transient=True, auto_refresh=False) as progress:
        task = progress.add_task("refresh", total=None)

        def on_progress(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total, refresh=True)

        return refresh_feeds(
            library,
            feed_store,
            feeds=chosen,
            on_progress=on_progress,
            processes=REFRESH_PROCESSES,
        )


def _print_summary(report: RefreshReport) -> int:
    from store.ingest.refresh import FeedStatus
    from tui.cli.common import EXIT_FAILED, EXIT_OK, plural

    results = report.results
    fetched = sum(r.status is FeedStatus.FETCHED for r in results)
    unchanged = sum(r.status is FeedStatus.NOT_MODIFIED for r in results)
    print(
        f"{plural(len(results), 'feed')} in {report.seconds:.1f} s: "
        f"{plural(report.new_articles, 'new article')}, {report.updated_articles} updated; "
        f"{fetched} fetched, {unchanged} unchanged, {len(report.failures)} failed"
    )
    for result in results:
        if result.status is FeedStatus.SKIPPED:
            print(f"  skipped {result.title} <{result.url}>: {result.error}")
        if result.page_failures:
            pages = plural(result.page_failures, "page")
            print(f"  {result.title}: {pages} could not be read (kept the feed's text)")
    for result in report.failures:
        print(f"  failed {result.title} <{result.url}>: {result.error}", file=sys.stderr)
    return EXIT_FAILED if report.failed else EXIT_OK


def _result_json(result: FeedResult) -> dict[str, object]:
    return {
        "feed_id": result.feed_id,
        "url": result.url,
        "title": result.title,
        "status": result.status.value,
        "new": result.new,
        "updated": result.updated,
        "error": result.error,
        "page_failures": result.page_failures,
    }


def _report_json(report: RefreshReport) -> dict[str, object]:
    return {
        "feeds": len(report.results),
        "new": report.new_articles,
        "updated": report.updated_articles,
        "failed": len(report.failures),
        "seconds": round(report.seconds, 3),
        "results": [_result_json(result) for result in report.results],
    }


def run_export_opml(args: argparse.Namespace) -> int:
    from store.export.output import write_output
    from store.feeds import FeedStore
    from store.ingest.opml import export_opml
    from tui.cli.common import EXIT_FAILED, EXIT_OK, data_paths, error

    with FeedStore(data_paths(args)) as feed_store:
        document = export_opml(feed_store.all())
    if args.output in (None, "-"):
        sys.stdout.buffer.write(document)
        sys.stdout.flush()
        return EXIT_OK
    try:
        write_output(Path(args.output), document)
    except OSError as problem:
        # Name the file the user asked for, not the temporary one beside it.
        return error(f"cannot write {args.output}: {problem.strerror or problem}", EXIT_FAILED)
    return EXIT_OK


def import_opml(library_or_paths: Library | DataPaths, path: str | Path) -> OpmlImport:
    """Follow the feeds listed in an OPML file (nothing is fetched until a refresh).

    The caller holds the data directory (an open writable ``Library``, or its ``DataPaths``
    while it holds the lock). Raises ``StoreError`` with a one-line message for a bad file,
    which the caller prefixes with the file's name.
    """
    from store.db import StoreError
    from store.feeds import FeedStore
    from store.ingest.decoding import UnreadableTextError, read_regular_file
    from store.ingest.opml import OpmlError, import_opml_into
    from store.library import Library

    paths = library_or_paths.paths if isinstance(library_or_paths, Library) else library_or_paths
    try:
        # A regular file of at most 5 MB: a FIFO or a link to /dev/zero has no end.
        data = read_regular_file(Path(path))
    except UnreadableTextError as problem:
        raise StoreError(str(problem)) from None
    with FeedStore(paths) as feed_store:
        try:
            return import_opml_into(feed_store, data)
        except OpmlError as problem:
            raise StoreError(str(problem)) from None
