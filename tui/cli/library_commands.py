"""Commands on the article library: import, list, show, where."""

from __future__ import annotations

import argparse
import gc
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.models import Article


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importing = subcommands.add_parser(
        "import",
        help="import seed files (plain text or Markdown), folders of them, or feed lists "
        "(OPML, newsboat's urls file)",
        description="Import articles from text files, and subscriptions from .opml files and "
        "newsboat's urls file (a file named urls, or one whose every line that is not blank or "
        "a # comment starts with http://, https://, query:, exec: or filter:). Tags after a URL "
        'become the feed\'s tags and "~Title" its title; feeds newsboat hides ("!") are '
        "followed like the rest; query:, exec: and filter: lines are skipped (nothing is run). "
        "A feed already followed keeps its record and gains the listed tags. Importing the same "
        "file twice changes nothing: an article's id derives from its content.",
    )
    importing.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    importing.add_argument("--json", action="store_true", help="print a JSON summary")
    importing.set_defaults(handler=run_import)

    listing = subcommands.add_parser("list", help="list articles, newest first")
    listing.add_argument(
        "query",
        nargs="*",
        metavar="QUERY",
        help="only the articles this search finds, newest first (the language of "
        "`broadsheet search`: docs/search.md; put -- before a query that starts with -)",
    )
    listing.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    listing.add_argument("--unread", action="store_true", help="only unread articles")
    listing.add_argument(
        "--entity",
        metavar="NAME",
        help="only articles that name this person, place or organisation "
        '(any spelling the sidebar merges: "US", "U.S." and "United States" are one)',
    )
    listing.set_defaults(handler=run_list)

    showing = subcommands.add_parser("show", help="print one article's text")
    showing.add_argument("article_id", metavar="ARTICLE_ID", help="an id, or a unique prefix")
    showing.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    showing.set_defaults(handler=run_show)

    deleting = subcommands.add_parser(
        "delete",
        help="delete an article (its highlights stay, as orphans, unless told otherwise)",
    )
    deleting.add_argument("article_id", metavar="ARTICLE_ID", help="an id, or a unique prefix")
    deleting.add_argument(
        "--with-highlights",
        action="store_true",
        help="delete the article's highlights and notes too (otherwise they are kept)",
    )
    deleting.set_defaults(handler=run_delete)

    where = subcommands.add_parser("where", help="print the paths Broadsheet uses")
    where.add_argument("--json", action="store_true", help="print JSON")
    where.set_defaults(handler=run_where)


def run_import(args: argparse.Namespace) -> int:
    from store.db import StoreError
    from store.feeds import FeedStore
    from store.ingest.decoding import UnreadableTextError, read_regular_file
    from store.ingest.importer import import_seeds
    from store.ingest.subscriptions import follow_urls_file
    from store.ingest.urls_file import UrlsFileError, is_urls_file
    from tui.cli.common import EXIT_FAILED, EXIT_OK, open_library, plural, print_json, warn
    from tui.cli.feeds import import_opml

    missing = [path for path in args.paths if not path.exists()]
    for path in missing:
        warn(f"{path}: no such file or folder")
    present = [path for path in args.paths if path.exists()]
    opml_files = [path for path in present if path.suffix.lower() == ".opml"]
    urls_files = [path for path in present if path not in opml_files and is_urls_file(path)]
    seeds = [path for path in present if path not in opml_files and path not in urls_files]
    feeds_followed = already_followed = 0
    skipped_lines: list[tuple[str, int, str]] = []
    failures = [(str(path), "no such file or folder") for path in missing]
    with open_library(args, writable=True) as library:
        for path in opml_files:
            try:
                opml = import_opml(library, path)
            except StoreError as problem:
                failures.append((str(path), str(problem)))
                continue
            feeds_followed += len(opml.added)
            already_followed += len(opml.already_followed)
        for path in urls_files:
            try:
                data = read_regular_file(path)
                with FeedStore(library.paths) as feed_store:
                    listed = follow_urls_file(feed_store, data)
            except (UrlsFileError, UnreadableTextError) as problem:
                failures.append((str(path), str(problem)))
                continue
            except OSError as problem:
                failures.append((str(path), problem.strerror or str(problem)))
                continue
            feeds_followed += len(listed.added)
            already_followed += len(listed.already_followed)
            skipped_lines += [(str(path), line.line, line.reason) for line in listed.skipped]
        report = import_seeds(library, seeds)
    failures += [(str(path), reason) for path, reason in report.failures]
    if args.json:
        print_json(
            {
                "new": [article.id for article in report.new],
                "updated": [article.id for article in report.updated],
                "unchanged": [article.id for article in report.unchanged],
                "feeds_followed": feeds_followed,
                "feeds_already_followed": already_followed,
                "failed": [{"path": path, "reason": reason} for path, reason in failures],
                "skipped_lines": [
                    {"path": path, "line": line, "reason": reason}
                    for path, line, reason in skipped_lines
                ],
            }
        )
    else:
        for path, reason in failures:
            if reason != "no such file or folder":
                warn(f"{path}: skipped: {reason}")
        for path, line, reason in skipped_lines:
            warn(f"{path}:{line}: {reason}")
        summary = (
            f"imported {len(report.new)} new, {len(report.updated)} updated, "
            f"{len(report.unchanged)} unchanged; {len(failures)} failed"
        )
        if opml_files or urls_files:
            summary += f"; now following {plural(feeds_followed, 'more feed')}"
            if already_followed:
                summary += f", {already_followed} already followed"
            summary += " (run: broadsheet refresh)"
        if urls_files:
            summary += f"; {plural(len(skipped_lines), 'line')} skipped"
        print(summary)
    return EXIT_FAILED if failures else EXIT_OK


def article_json(article: Article) -> dict[str, Any]:
    data = article.to_dict()
    data.pop("entities_version", None)
    return data


def run_list(args: argparse.Namespace) -> int:
    from store.listing import listing_json, naming, read_shards, stored_records
    from tui.cli.common import EXIT_OK, make_pending_entities, prepare_home, warn, write_json

    # Straight from the shards, without building the library's articles (docs/json.md):
    # at 50,000 articles that is most of the time a listing takes.
    query = None
    if args.query:
        from store.search import QueryError, parse
        from tui.cli.common import EXIT_USAGE
        from tui.cli.search_commands import query_error

        text = " ".join(args.query)
        try:
            query = parse(text)
        except QueryError as problem:
            return query_error(text, problem.column, str(problem), EXIT_USAGE)
    paths = prepare_home(args)
    if args.json or args.entity or query is not None:
        make_pending_entities(paths)  # the JSON carries entities; --entity and queries ask
    ids: set[str] | None = None
    naming_ids: set[str] | None = None
    if args.entity:

        def indexing(articles: int) -> None:
            if sys.stderr.isatty() and articles > 1000:
                warn(f"indexing the entities of {articles:,} articles (once)…")

        # The catalog first: then only the articles it names are kept of each shard read.
        keys, naming_ids = naming(paths, None, args.entity, on_indexing=indexing)
        if not keys:
            warn(f"no article names {args.entity!r}")
    shards = read_shards(paths, only=naming_ids if query is None else None)
    gc.freeze()  # what was read stays until the command ends: collections need not scan it
    if query is not None:
        from tui.cli.search_commands import articles_found

        ids = articles_found(paths, query, shards)
    if naming_ids is not None:
        ids = naming_ids if ids is None else ids & naming_ids
    records = [r for r in stored_records(paths, shards, ids) if not (args.unread and r["read"])]
    if args.json:
        write_json(listing_json(records))
        return EXIT_OK
    from tui.cli.article_table import article_rows

    for row in article_rows(records):
        print(row)
    return EXIT_OK


def run_show(args: argparse.Namespace) -> int:
    from store.entities.refresh import is_stale, refresh_article
    from store.restore import missing_text_advice
    from tui.cli.common import (
        EXIT_FAILED,
        EXIT_OK,
        article_by_prefix,
        error,
        open_library,
        print_json,
    )

    with open_library(args, writable=False) as library:
        article = article_by_prefix(library, args.article_id)
        body = library.read_body(article)
        if body is not None and is_stale(article):
            # Its summary is still to be made (store.entities.pending): made here, in memory.
            article, _ = refresh_article(library, article)
    if body is None:
        # Never an empty article with exit 0. Nothing is fetched here: `show` only reads.
        return error(
            f"the text of {article.title!r} ({article.id}) is missing from "
            f"{library.paths.bodies_db}; {missing_text_advice(article)}",
            EXIT_FAILED,
        )
    if args.json:
        print_json({**article_json(article), "text": body})
        return EXIT_OK
    out = sys.stdout
    out.write(f"{article.title}\n\n")
    if article.standfirst:
        out.write(f"{article.standfirst}\n\n")
    out.write(f"{body}\n")
    return EXIT_OK


def run_delete(args: argparse.Namespace) -> int:
    from store.annotations import HighlightStore
    from tui.cli.common import EXIT_OK, article_by_prefix, open_library

    with open_library(args, writable=True) as library:
        article = article_by_prefix(library, args.article_id)
        with HighlightStore(library.paths) as highlights:
            if args.with_highlights:
                affected = highlights.delete_for_article(article.id)
                kept = f"deleted its {affected} highlight{'s' if affected != 1 else ''}"
            else:
                affected = highlights.detach_article(article.id)
                kept = f"kept its {affected} highlight{'s' if affected != 1 else ''} as orphans"
        # Highlights first: if that fails, the article is still there to retry with.
        library.remove(article.id)
    print(f"deleted {article.title!r}; {kept}")
    return EXIT_OK


def run_where(args: argparse.Namespace) -> int:
    from tui.cli.common import EXIT_OK, data_paths, print_json

    paths = data_paths(args)
    places = {
        "home": paths.home,
        "articles": paths.articles_dir,
        "read_state": paths.read_state_db,
        "bodies": paths.bodies_dir,
        "bodies_db": paths.bodies_db,
        "feeds": paths.feeds_db,
        "annotations": paths.annotations_db,
        "exports": paths.exports_dir,
        "settings": paths.settings_file,
        "derived": paths.derived_dir,
    }
    if args.json:
        print_json({name: str(path) for name, path in places.items()})
    else:
        for name, path in places.items():
            print(f"{name:12} {path}")
    return EXIT_OK
