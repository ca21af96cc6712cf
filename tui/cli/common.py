"""What every subcommand shares: opening the library, printing JSON, reporting errors."""

from __future__ import annotations

import argparse
import sys
from typing import Any

import orjson

from store.library import Library
from store.models import Article
from store.paths import DataPaths, resolve_home
from store.settings import apply_entity_backend, load_settings
from store.text import strip_controls

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """The command line named something that is not there; exit code 2."""


def article_by_prefix(library: Library, prefix: str) -> Article:
    """The one article whose id starts with ``prefix`` (ids are long; a prefix is enough)."""
    matches = [article for article in library.articles() if article.id.startswith(prefix)]
    if len(matches) != 1:
        problem = "no article has" if not matches else f"{len(matches)} articles have"
        raise UsageError(f"{problem} an id starting with {prefix!r}")
    return matches[0]


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
    library = Library(paths, writable=writable)
    if library.recovered_from is not None:
        warn(f"the article cache was unreadable; kept it as {library.recovered_from}")
    return library


def print_json(value: Any) -> None:
    """Print JSON for scripts: UTF-8, indented, keys in a stable order."""
    write_json(orjson.dumps(value, option=orjson.OPT_INDENT_2))


def write_json(document: bytes) -> None:
    """Write a JSON document as it is (no round trip through ``str``: ``list --json`` can be
    a hundred megabytes)."""
    sys.stdout.flush()
    sys.stdout.buffer.write(document + b"\n")
    sys.stdout.buffer.flush()


def warn(message: str) -> None:
    # Messages carry file names, feed titles and server errors: never terminal escapes.
    print(f"broadsheet: {strip_controls(message)}", file=sys.stderr)


def error(message: str, code: int = EXIT_FAILED) -> int:
    print(f"broadsheet: error: {strip_controls(message)}", file=sys.stderr)
    return code
