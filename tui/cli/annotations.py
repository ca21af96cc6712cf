"""``broadsheet highlights``, ``export`` and ``import-annotations``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.annotations.highlight_store import HighlightStore
    from store.annotations.model import Highlight
    from store.export import ExportFormat
    from store.models import Article
    from store.paths import DataPaths

# The store's ``EXPORT_FORMATS``, spelled out so that building the parser does not load the
# exporters; tests/test_cli_startup.py checks that the two agree.
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("markdown", "json", "csv")

QUOTE_PREVIEW = 70
PROBLEMS_NAMED = 20
"""Records named one by one in a warning; the rest are counted."""
# A W3C export takes under 2 KB a highlight: this is room for over 130,000.
ANNOTATIONS_MAX_BYTES = 256 * 1024 * 1024


def register(subcommands: Any) -> None:
    listing = subcommands.add_parser(
        "highlights", help="list highlights, newest first (or one article's, in reading order)"
    )
    listing.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    listing.add_argument("--article", metavar="ID", help="only this article's highlights")
    listing.add_argument("--tag", help="only highlights with this tag")
    listing.add_argument("--query", metavar="TEXT", help="only highlights containing these words")
    listing.add_argument(
        "--orphans",
        action="store_true",
        help="only highlights that could not be placed in their article's text",
    )
    listing.set_defaults(handler=list_highlights)

    export = subcommands.add_parser("export", help="export highlights and notes")
    export.add_argument(
        "--format",
        choices=EXPORT_FORMATS,
        default="markdown",
        help="markdown (default), json (W3C Web Annotation) or csv (Readwise)",
    )
    export.add_argument(
        "-o",
        "--output",
        metavar="PATH",
        help="a file, or a directory (Markdown: one file per article, made if needed when "
        "its name has no extension; a re-export keeps what you wrote outside Broadsheet's "
        "block); default (or -): standard output",
    )
    export.add_argument("--article", metavar="ID", help="only this article (id or URL)")
    export.add_argument("--tag", help="only highlights with this tag")
    export.add_argument("--entity", metavar="NAME", help="only articles that mention this entity")
    export.add_argument("--since", metavar="DATE", type=_day, help="highlights made on or after")
    export.add_argument("--until", metavar="DATE", type=_day, help="highlights made on or before")
    export.add_argument(
        "--query",
        metavar="QUERY",
        help="only highlights of the articles this search finds (the language of "
        "`broadsheet search`: docs/search.md)",
    )
    export.set_defaults(handler=export_highlights)

    importer = subcommands.add_parser(
        "import-annotations", help="read highlights back from a W3C Web Annotation JSON file"
    )
    importer.add_argument("file", metavar="FILE.json", type=Path)
    importer.set_defaults(handler=import_annotations)


def _day(text: str) -> Any:
    from store.export import parse_day

    try:
        return parse_day(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def _articles(args: argparse.Namespace) -> dict[str, Article]:
    from tui.cli.common import make_pending_entities, open_library, prepare_home

    if args.entity:
        make_pending_entities(prepare_home(args))
    with open_library(args, writable=False) as library:
        return {article.id: article for article in library.articles()}


def highlight_json(highlight: Highlight) -> dict[str, Any]:
    return highlight.to_dict()


def warn_each(problems: list[Any], what: str) -> None:
    """One warning a problem, the first PROBLEMS_NAMED of them, then how many more."""
    from tui.cli.common import warn

    for problem in problems[:PROBLEMS_NAMED]:
        warn(str(problem))
    if len(problems) > PROBLEMS_NAMED:
        warn(f"… and {len(problems) - PROBLEMS_NAMED} more {what}")


def warn_unreadable(store: HighlightStore) -> bool:
    """Name the stored records that cannot be read (they are skipped, and left as they are);
    whether there were any."""
    unreadable = store.unreadable()
    warn_each(unreadable, "highlight records that cannot be read")
    return bool(unreadable)


def as_here(highlights: list[Highlight], paths: DataPaths) -> list[Highlight]:
    """The highlights as this home sees them: one whose article the library does not hold
    (imported from another home, say) is an orphan here, "article not in library"."""
    from dataclasses import replace

    from store.annotations.model import ORPHAN_NOT_IN_LIBRARY
    from store.listing import read_shards
    from store.paths import shard_of

    if not paths.articles_dir.exists():
        return highlights  # a home not set up yet (or of 0.1, not migrated): nothing to ask
    wanted = {h.article_id for h in highlights if not h.orphaned}
    # Only the shards that would hold these articles are read.
    shards = read_shards(paths, sorted({shard_of(article_id) for article_id in wanted}))
    present = {record["id"] for shard in shards for record in shard.records}
    return [
        h
        if h.orphaned or h.article_id in present
        else replace(h, orphaned=True, orphan_reason=ORPHAN_NOT_IN_LIBRARY)
        for h in highlights
    ]


def list_highlights(args: argparse.Namespace) -> int:
    from store.annotations.highlight_store import HighlightStore
    from tui.cli.common import EXIT_OK, data_paths, plural, print_json, say

    paths = data_paths(args)
    with HighlightStore(paths) as store:
        found = store.find(article_id=args.article, query=args.query, tag=args.tag)
        some_unreadable = warn_unreadable(store)
    found = as_here(found, paths)
    if args.orphans:
        found = [highlight for highlight in found if highlight.orphaned]
    if args.json:
        print_json([highlight_json(h) for h in found])
        return EXIT_OK
    if not found:
        filtered = any((args.article, args.query, args.tag, args.orphans)) or some_unreadable
        print("no highlights match" if filtered else "no highlights yet: press h in the reader",
              file=sys.stderr)  # fmt: skip
    for highlight in found:
        quote = " ".join(highlight.exact.split())
        if len(quote) > QUOTE_PREVIEW:
            quote = quote[: QUOTE_PREVIEW - 1] + "…"
        orphan = f"orphan: {highlight.orphan_reason}" if highlight.orphan_reason else "orphan"
        marks = [highlight.colour] + ([orphan] if highlight.orphaned else [])
        # say(): whatever is in the store (an import of an older version, a hand edit) never
        # reaches the terminal as an escape sequence.
        say(f"{highlight.created[:10]}  {highlight.article_title}  [{', '.join(marks)}]")
        say(f"    “{quote}”")
        if highlight.note:
            say(f"    note: {' '.join(highlight.note.split())}")
        if highlight.tags:
            say(f"    tags: {' '.join('#' + tag for tag in highlight.tags)}")
    if found:
        orphans = sum(highlight.orphaned for highlight in found)
        counted = plural(len(found), "highlight")
        print(f"{counted}, {plural(orphans, 'orphan')}" if orphans else counted)
    return EXIT_OK


def export_highlights(args: argparse.Namespace) -> int:
    from store.annotations.highlight_store import HighlightStore
    from store.export import (
        HighlightFilter,
        export_to_path,
        render,
        select_highlights,
        split_exportable,
    )
    from store.export.output import FilesLeftAloneError
    from store.export.select import is_orphan
    from store.text import strip_controls
    from tui.cli.common import EXIT_FAILED, EXIT_OK, data_paths, error

    export_format: ExportFormat = args.format
    query = None
    if args.query is not None:
        from store.search import QueryError, parse
        from tui.cli.common import EXIT_USAGE
        from tui.cli.search_commands import query_error

        try:
            query = parse(args.query)
        except QueryError as problem:
            return query_error(args.query, problem.column, str(problem), EXIT_USAGE)
    articles = _articles(args)
    with HighlightStore(data_paths(args)) as store:
        everything = store.all()
        left_out = warn_unreadable(store)
    everything, skipped = split_exportable(everything)
    warn_each(skipped, "highlights left out of the export")
    # Exported, but not all: exit 1 (partly failed), with what was left out named above.
    done = EXIT_FAILED if left_out or skipped else EXIT_OK
    chosen = select_highlights(
        everything,
        articles,
        HighlightFilter(
            article=args.article,
            tag=args.tag,
            entity=args.entity,
            since=args.since,
            until=args.until,
        ),
    )
    if query is not None:
        from tui.cli.search_commands import articles_found

        found = articles_found(data_paths(args), query)
        chosen = [highlight for highlight in chosen if highlight.article_id in found]
    if not chosen:
        print("broadsheet: no highlights match; the export is empty", file=sys.stderr)
    # The user's entity corrections travel with a JSON export (docs/json.md).
    from store.entities.correction_store import exported_corrections

    corrections = exported_corrections(data_paths(args)) if export_format == "json" else []
    if args.output in (None, "-"):
        sys.stdout.buffer.write(render(export_format, chosen, articles, corrections=corrections))
        sys.stdout.flush()
        if any(is_orphan(highlight, articles) for highlight in chosen):
            print(f"broadsheet: exported {_counted(chosen, articles)}", file=sys.stderr)
        return done
    as_folder = args.output.endswith(("/", os.sep))
    try:
        written = export_to_path(
            export_format, chosen, Path(args.output), articles, as_folder=as_folder,
            corrections=corrections,
        )  # fmt: skip
    except FilesLeftAloneError as problem:
        warn_each(problem.problems, "files left as they are")
        from tui.cli.common import plural

        left = plural(len(problem.problems), "file")
        print(f"broadsheet: {left} left as they were (named above)", file=sys.stderr)
        written, done = Path(args.output), EXIT_FAILED
    except OSError as problem:
        # Name the file the user asked for, not the temporary one beside it.
        return error(f"cannot write {args.output}: {problem.strerror or problem}", EXIT_FAILED)
    # The path is the user's, and may hold escapes (a file name can hold any byte).
    print(strip_controls(f"exported {_counted(chosen, articles)} to {written}"), file=sys.stderr)
    return done


def _counted(highlights: list[Highlight], articles: dict[str, Article]) -> str:
    """How many were exported, and how many of them are orphans: "3 highlights (1 orphan)"."""
    from store.export.select import is_orphan
    from tui.cli.common import plural

    orphans = sum(is_orphan(highlight, articles) for highlight in highlights)
    counted = plural(len(highlights), "highlight")
    return f"{counted} ({plural(orphans, 'orphan')})" if orphans else counted


def import_annotations(args: argparse.Namespace) -> int:
    from store.annotations.highlight_store import HighlightStore
    from store.export.w3c import read_annotations
    from store.ingest.decoding import UnreadableTextError, read_regular_file
    from tui.cli.common import (
        EXIT_FAILED,
        EXIT_OK,
        EXIT_USAGE,
        data_paths,
        error,
        open_library,
        plural,
    )

    try:
        # A regular file, bounded: a FIFO would hang and a link to /dev/zero never ends.
        data = read_regular_file(args.file, limit=ANNOTATIONS_MAX_BYTES)
    except FileNotFoundError:
        return error(f"no such file: {args.file}", EXIT_USAGE)
    except UnreadableTextError as problem:
        return error(f"{args.file}: {problem}", EXIT_USAGE)
    placed = 0
    with open_library(args, writable=False) as library, HighlightStore(data_paths(args)) as store:
        warn_unreadable(store)
        document = read_annotations(data, lambda url: library.find("url", url))
        warn_each([f"{args.file}: not imported: {refused}" for refused in document.refused],
                  "annotations not imported")  # fmt: skip
        highlights = document.highlights
        report = store.import_highlights(highlights)
        warn_each(
            [
                f"highlight {highlight_id} not imported: the stored copy cannot be read, and "
                "is left as it is"
                for highlight_id in report.kept_unreadable
            ],
            "highlights not imported",
        )
        # Highlights made on another text of an article we have are placed on ours now.
        for article_id in sorted({h.article_id for h in highlights}):
            article = library.get(article_id)
            stale = (
                any(
                    h.article_id == article_id and h.body_hash != article.body_hash
                    for h in highlights
                )
                if article is not None
                else False
            )
            if article is not None and stale:
                body = library.body(article)
                if body:
                    result = store.reanchor_article(article_id, body, article.body_hash)
                    placed += result.moved + result.recovered
    taken = len(highlights) - len(report.kept_unreadable)
    summary = (
        f"imported {plural(taken, 'highlight')}: {report.added} new, {report.updated} updated, "
        f"{report.unchanged} already here"
    )
    refused = len(document.refused) + len(report.kept_unreadable)
    if placed:
        summary += f"; {placed} placed on the current text"
    if refused:
        summary += f"; {refused} not imported (named above)"
    print(summary)
    return EXIT_FAILED if refused else EXIT_OK
