"""Starting the app: problems with the data directory are said plainly, and lose nothing."""

from __future__ import annotations

import contextlib
import subprocess
import sys
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

import tui.launch
from store.annotations import HighlightStore
from store.db import StoreError
from store.library import Library
from store.paths import DataPaths
from tui.app import BroadsheetApp
from tui.launch import OpenedHome

DAMAGED = b'{"highlights": {"1": {"id": '


async def test_damaged_annotations_stop_the_app_and_are_never_discarded(
    isolated_home: Path,
) -> None:
    paths = DataPaths(isolated_home)
    paths.home.mkdir(parents=True)
    paths.annotations_db.write_bytes(DAMAGED)
    # As run_app starts it: the highlights are read once the list is painted.
    with Library(paths) as library:
        highlights = HighlightStore(paths, load=False)
        app = BroadsheetApp(library, highlights)
        async with app.run_test() as pilot:
            # Stopping cancels what else was under way (the reader's preview, say).
            with contextlib.suppress(WorkerCancelled):
                await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        highlights.close()
    assert app.return_code == 1
    assert app.stopped_for is not None
    assert str(paths.annotations_db) in app.stopped_for
    assert "not a readable Broadsheet database" in app.stopped_for
    assert paths.annotations_db.read_bytes() == DAMAGED
    # Nothing was left locked: the user can fix the file and start again.
    with Library(paths):
        pass


def test_an_unread_store_is_never_compacted_over(paths: DataPaths) -> None:
    """Closing a store whose highlights were never read must not write what it holds (nothing)
    over what is on disk."""
    paths.home.mkdir(parents=True)
    # A journal long enough that closing a loaded store would fold it into a new snapshot.
    paths.annotations_db.with_suffix(".journal").write_bytes(b"x" * 2_000_000)
    HighlightStore(paths, load=False).close()
    assert paths.annotations_db.with_suffix(".journal").read_bytes() == b"x" * 2_000_000


def test_what_stops_the_home_opening_in_its_thread_is_said_by_the_launcher(
    isolated_home: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The library opens in a thread while the UI's modules load: its failure still ends the
    # start with one line and exit 1, in the caller.
    def refuse(paths: DataPaths) -> OpenedHome:
        raise StoreError(f"{paths.home} is held by a test")

    monkeypatch.setattr(tui.launch, "open_home", refuse)
    assert tui.launch.run_app(str(isolated_home)) == 1
    assert capsys.readouterr().err == f"broadsheet: {isolated_home} is held by a test\n"


def test_a_new_home_starts_with_the_seeds_and_a_known_one_without_their_parsers(
    isolated_home: Path,
) -> None:
    """The seed parsers (Markdown, lxml: ~6 MB resident) are loaded only for a new home."""
    code = (
        "import sys\n"
        "from store.paths import DataPaths\n"
        "from tui.launch import open_home\n"
        f"opened = open_home(DataPaths(__import__('pathlib').Path({str(isolated_home)!r})))\n"
        "print(len(opened.library), 'store.ingest.seeds' in sys.modules)\n"
        "opened.highlights.close(); opened.library.close()\n"
    )
    root = Path(__file__).resolve().parents[1]
    runs = [
        subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True)
        for _ in range(2)
    ]
    assert [run.returncode for run in runs] == [0, 0], runs[0].stderr + runs[1].stderr
    (first_count, first_parsers), (second_count, second_parsers) = (
        run.stdout.split() for run in runs
    )
    assert int(first_count) > 0 and first_parsers == "True"  # the bundled seeds, imported
    assert second_count == first_count and second_parsers == "False"
