"""What every subcommand shares: opening the library, printing JSON, reporting errors."""

from __future__ import annotations

import argparse
import contextlib
import sys
from collections.abc import Iterator, Sequence
from typing import Any, TextIO, cast

import orjson

from store.library import Library
from store.models import Article
from store.paths import DataPaths, resolve_home
from store.settings import apply_entity_backend, load_settings
from store.text import clean_inline, escape_json_controls, strip_controls
from tui.cli.errors import EXIT_BUSY as EXIT_BUSY
from tui.cli.errors import EXIT_FAILED as EXIT_FAILED
from tui.cli.errors import EXIT_OK as EXIT_OK
from tui.cli.errors import EXIT_USAGE as EXIT_USAGE
from tui.cli.errors import report

AMBIGUOUS_SHOWN = 5
"""Articles named when an id prefix fits several."""


class UsageError(Exception):
    """The command line named something that is not there, or not one thing; exit code 2.
    ``lines`` follow the message for people; ``details`` go into its JSON form instead."""

    def __init__(self, message: str, *, lines: Sequence[str] = (), **details: Any) -> None:
        super().__init__(message)
        self.lines = lines
        self.details = details


def article_by_prefix(library: Library, prefix: str) -> Article:
    """The article whose id is ``prefix``, else the one whose id starts with it (ids are long;
    a prefix is enough)."""
    exact = library.get(prefix)
    if exact is not None:
        return exact
    matches = sorted(
        (article for article in library.articles() if article.id.startswith(prefix)),
        key=lambda article: article.id,
    )
    if not matches:
        raise UsageError(f"no article has an id starting with {prefix!r}")
    if len(matches) > 1:
        shown = matches[:AMBIGUOUS_SHOWN]
        lines = [f"  {article.id}  {clean_inline(article.title)}" for article in shown]
        if len(matches) > len(shown):
            lines.append(f"  … and {len(matches) - len(shown)} more")
        raise UsageError(
            f"ambiguous: {len(matches)} articles start with {prefix!r}; give more of the id",
            lines=lines,
            matches=[{"id": article.id, "title": article.title} for article in shown],
        )
    return matches[0]


def plural(count: int, noun: str) -> str:
    """A count and its noun: "1 feed", "2 feeds", "0 feeds" (nouns that take an s)."""
    return f"{count:,} {noun if count == 1 else noun + 's'}"


def data_paths(args: argparse.Namespace) -> DataPaths:
    return DataPaths(resolve_home(args.home))


def prepare_home(args: argparse.Namespace) -> DataPaths:
    """The home at ``--home``, set up: one used for the first time gets the bundled seeds, and
    one of Broadsheet 0.1 is migrated."""
    paths = data_paths(args)
    if not paths.articles_dir.exists():
        # Imported only here: a listing of a home in use need not load the seed importer.
        from store.ingest.importer import import_bundled_seeds_on_first_run

        with Library(paths, writable=True) as fresh:
            import_bundled_seeds_on_first_run(fresh)
    return paths


def open_library(args: argparse.Namespace, *, writable: bool) -> Library:
    """The library at ``--home`` (set up by :func:`prepare_home`)."""
    paths = prepare_home(args)
    problem = apply_entity_backend(load_settings(paths))
    if problem:
        warn(problem)
    # Damage found on the way (and what was rebuilt) is said by the store (store.recovery).
    return Library(paths, writable=writable)


def make_pending_entities(paths: DataPaths) -> None:
    """Make the entity summaries a refresh left to be made (:mod:`store.entities.pending`),
    for a command about to read entities; said on a terminal when there are many. Nothing
    when none wait (one stat); a home this process cannot write keeps them waiting."""
    from store.db import StoreError
    from store.entities.pending import complete_pending, pending_token

    if pending_token(paths) is None:
        return

    def starting(count: int) -> None:
        if sys.stderr.isatty() and count > 500:
            warn(f"finding the people, places and organisations of {count:,} new articles…")

    try:
        with Library(paths, writable=True) as library:
            complete_pending(library, on_start=starting)
    except StoreError:
        return  # read-only, or damaged: the command reads what is there


def print_json(value: Any) -> None:
    """Print JSON for scripts: UTF-8, indented, keys in a stable order."""
    write_json(orjson.dumps(value, option=orjson.OPT_INDENT_2))


def write_json(document: bytes) -> None:
    """Write a JSON document as it is (no round trip through ``str``: ``list --json`` can be
    a hundred megabytes). To a terminal, the C1 controls and bidi overrides JSON leaves raw
    are written as escapes (the same JSON; ~3 ms a megabyte, so pipes are spared it)."""
    sys.stdout.flush()
    if sys.stdout.isatty():
        document = escape_json_controls(document)
    sys.stdout.buffer.write(document + b"\n")
    sys.stdout.buffer.flush()


def say(text: str, *, file: TextIO | None = None) -> None:
    """Print output that carries stored or outside text (headlines, quotes, notes, file
    names): whatever reached the store, never a terminal escape. Tabs and newlines stay."""
    print(strip_controls(text), file=file or sys.stdout)


class ControlFreeStream:
    """A text stream that passes on what is written without control characters or escape
    sequences (tabs and newlines kept). Everything else, its byte ``buffer`` included (JSON
    and exports, which escape or clean what they write), is the wrapped stream's own."""

    def __init__(self, stream: TextIO) -> None:
        self.wrapped = stream

    def write(self, text: str) -> int:
        # Nearly every line is printable text, which isprintable() confirms in C.
        self.wrapped.write(text if text.isprintable() else strip_controls(text))
        return len(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.wrapped, name)


@contextlib.contextmanager
def control_free_stdout() -> Iterator[None]:
    """Standard output as a :class:`ControlFreeStream` while it lasts: the guard at the
    boundary, so that a command printing stored text (a headline, a note, a feed's error)
    with a plain print still never sends the terminal an escape. Standard error is left
    alone: progress lines there use a carriage return, and warn/error clean messages."""
    saved = sys.stdout
    sys.stdout = cast(TextIO, ControlFreeStream(saved))
    try:
        yield
    finally:
        sys.stdout = saved


def warn(message: str) -> None:
    # Messages carry file names, feed titles and server errors: never terminal escapes.
    print(f"broadsheet: {strip_controls(message)}", file=sys.stderr)


def error(message: str, code: int = EXIT_FAILED) -> int:
    """Say an error (as JSON when the command line asked for JSON); the exit code."""
    return report(message, code)
