"""Starting the app: open the library (or say plainly why not), then run the TUI.

A home this user cannot write to (another user's, a read-only mount) opens read-only, with a
banner. What the store says while opening (damage it found, and what it recovered) is
collected here and shown once the app is up.
"""

from __future__ import annotations

import gc
import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from store.annotations import HighlightStore
from store.db import StoreError, can_write
from store.library import Library
from store.paths import DataPaths, resolve_home
from store.restore import restore_highlighted_articles
from tui.memory import release_freed_memory


@dataclass
class OpenedHome:
    library: Library
    highlights: HighlightStore
    notices: list[str]
    """What the store said while opening, for the app to show."""


def run_app(home: str | None) -> int:
    paths = DataPaths(resolve_home(home))
    # The library loads (CPU) while the UI's modules come off the disk (I/O, on a cold
    # start): ~50 ms of a cold first paint at 50,000 articles.
    opening = _Opening(paths)
    opening.start()
    from tui.app import BroadsheetApp

    try:
        opened = opening.result()
    except StoreError as problem:
        print(f"broadsheet: {problem}", file=sys.stderr)
        return 1
    try:
        app = BroadsheetApp(opened.library, opened.highlights, notices=opened.notices)
        app.run()
        if app.stopped_for is not None:
            print(f"broadsheet: {app.stopped_for}", file=sys.stderr)
        return app.return_code or 0
    finally:
        opened.highlights.close()
        opened.library.close()


class _Opening(threading.Thread):
    """:func:`open_home` in a thread of its own; :meth:`result` waits for it and gives what
    it opened, or raises what it raised."""

    def __init__(self, paths: DataPaths) -> None:
        super().__init__(name="broadsheet-open-home", daemon=True)
        self.paths = paths
        self._opened: OpenedHome | None = None
        self._problem: BaseException | None = None

    def run(self) -> None:
        try:
            self._opened = open_home(self.paths)
        except BaseException as problem:  # handed to the caller, in its thread
            self._problem = problem

    def result(self) -> OpenedHome:
        self.join()
        if self._problem is not None:
            raise self._problem
        assert self._opened is not None
        return self._opened


def open_home(paths: DataPaths) -> OpenedHome:
    """The library (read-only where this user cannot write), first-run seeds, and, after a
    damaged shard, any highlighted article its rebuild missed."""
    writable = can_write(paths.home)
    with _store_notices() as notices:
        # Without the entity summaries in memory (the sidebar makes them for the article
        # on show; filters ask the entity catalog): ~35 MB less at 50,000 articles.
        library = Library(paths, writable=writable, keep_entities=False)
        gc.freeze()  # the loaded articles live as long as the app: no need to scan them again
        release_freed_memory()
        # Read once the list is painted (MainScreen.load_articles); damage stops the app then.
        highlights = HighlightStore(paths, load=False)
        try:
            if writable and not paths.articles_dir.exists():
                # Only a new home needs the seed parsers: ~6 MB of modules (Markdown, lxml)
                # that would otherwise stay resident for the session.
                from store.ingest.importer import import_bundled_seeds_on_first_run

                import_bundled_seeds_on_first_run(library)
            if writable and library.recovered_from is not None:
                notices += _restore_highlighted(library, highlights)
        except BaseException:
            highlights.close()
            library.close()
            raise
    return OpenedHome(library, highlights, notices)


def _restore_highlighted(library: Library, highlights: HighlightStore) -> list[str]:
    """Put back any highlighted article a shard's rebuild missed, so that no highlight loses
    its article (damaged highlights are said when the app reads them)."""
    try:
        restored = restore_highlighted_articles(library, highlights)
    except StoreError:
        return []
    if not restored:
        return []
    return [
        f"{len(restored)} highlighted article{'s' if len(restored) != 1 else ''} the damage "
        "took were rebuilt from their highlights and stored texts"
    ]


@contextmanager
def _store_notices() -> Iterator[list[str]]:
    """What the store says meanwhile (see store.recovery), collected for the app."""
    heard: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            heard.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logger = logging.getLogger("broadsheet")
    logger.addHandler(handler)
    try:
        yield heard
    finally:
        logger.removeHandler(handler)
