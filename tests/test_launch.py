"""Starting the app: problems with the data directory are said plainly, before any screen."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.library import Library
from store.paths import DataPaths
from tui.launch import run_app


def test_damaged_annotations_are_never_discarded(
    isolated_home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    paths = DataPaths(isolated_home)
    paths.home.mkdir(parents=True)
    paths.annotations_db.write_bytes(b'{"highlights": {"1": {"id": ')
    assert run_app(str(isolated_home)) == 1
    err = capsys.readouterr().err
    assert str(paths.annotations_db) in err and "not a readable Broadsheet database" in err
    assert paths.annotations_db.read_bytes() == b'{"highlights": {"1": {"id": '
    # Nothing was left locked: the user can fix the file and start again.
    with Library(paths):
        pass
