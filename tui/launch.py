"""Starting the app: open the library (or say plainly why not), then run the TUI."""

from __future__ import annotations

import gc
import sys

from store.annotations import HighlightStore
from store.db import StoreError
from store.ingest.importer import import_bundled_seeds_on_first_run
from store.library import Library
from store.paths import DataPaths, resolve_home
from tui.memory import release_freed_memory


def run_app(home: str | None) -> int:
    paths = DataPaths(resolve_home(home))
    try:
        # Without the entity summaries in memory (the sidebar makes them for the article
        # on show; filters ask the entity catalog): ~35 MB less at 50,000 articles.
        library = Library(paths, writable=True, keep_entities=False)
        gc.freeze()  # the loaded articles live as long as the app: no need to scan them again
        release_freed_memory()
    except StoreError as problem:
        print(f"broadsheet: {problem}", file=sys.stderr)
        return 1
    # Read once the list is painted (MainScreen.load_articles); damage stops the app then.
    highlights = HighlightStore(paths, load=False)
    try:
        import_bundled_seeds_on_first_run(library)
        from tui.app import BroadsheetApp

        app = BroadsheetApp(library, highlights)
        app.run()
        if app.stopped_for is not None:
            print(f"broadsheet: {app.stopped_for}", file=sys.stderr)
        return app.return_code or 0
    finally:
        highlights.close()
        library.close()
