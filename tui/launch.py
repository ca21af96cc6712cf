"""Starting the app: open the library (or say plainly why not), then run the TUI."""

from __future__ import annotations

import gc
import sys

from store.annotations import HighlightStore
from store.db import StoreError
from store.ingest.importer import import_bundled_seeds_on_first_run
from store.library import Library
from store.paths import DataPaths, resolve_home


def run_app(home: str | None) -> int:
    paths = DataPaths(resolve_home(home))
    try:
        library = Library(paths, writable=True)
        gc.freeze()  # the loaded articles live as long as the app: no need to scan them again
    except StoreError as problem:
        print(f"broadsheet: {problem}", file=sys.stderr)
        return 1
    try:
        highlights = HighlightStore(paths)
    except StoreError as problem:
        library.close()
        print(f"broadsheet: {problem}", file=sys.stderr)
        return 1
    try:
        import_bundled_seeds_on_first_run(library)
        from tui.app import BroadsheetApp

        app = BroadsheetApp(library, highlights)
        app.run()
        return app.return_code or 0
    finally:
        highlights.close()
        library.close()
