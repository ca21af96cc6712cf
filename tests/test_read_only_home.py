"""A home this user cannot write to is read all the same (issue 13, bug 9).

Reading needs no lock file: ``highlights`` and ``export`` failed with "Read-only file system"
because they made one first, and the app refused to open. Commands run here in a home that
really is read-only: as root (who may write through any permission) on a read-only bind
mount in a mount namespace of its own, otherwise with its permissions taken away. The app is
run in this process, with the store's "can I write here" check answering no.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import store.db
from store.annotations import HighlightStore
from store.feeds import Feed, FeedStore
from store.ingest.importer import import_seeds
from store.library import Library
from store.paths import DataPaths
from tests.conftest import REPO_ROOT, SEED_DATA
from tests.pilot import settle
from tui.app import BroadsheetApp
from tui.screens.main import MainScreen
from tui.widgets.read_only_banner import ReadOnlyBanner
from tui.widgets.reader import ArticleReader

Run = Callable[..., subprocess.CompletedProcess[str]]
_MOUNT_READ_ONLY = 'mount --bind "$0" "$0" && mount -o remount,bind,ro "$0" && exec "$@"'


def home_tree(home: Path) -> dict[str, tuple[int, int]]:
    """Every file under the home, with its size and modification time."""
    return {str(path.relative_to(home)): (path.stat().st_size, path.stat().st_mtime_ns)
            for path in sorted(home.rglob("*"))}  # fmt: skip


@pytest.fixture
def home(paths: DataPaths) -> DataPaths:
    """A home in daily use: articles, one read and one starred, a highlight, a feed."""
    with Library(paths) as library:
        import_seeds(library, [SEED_DATA])
        first, second = library.articles()[:2]
        library.set_read(first.id)
        library.set_starred(second.id)
        text = library.body(first)
    with HighlightStore(paths) as highlights:
        highlights.add(first, text, 0, 30, note="worth keeping")
    with FeedStore(paths) as feeds:
        feeds.put(Feed.new("https://example.org/feed.xml", title="Example"))
    return paths


def _chmod_tree(home: Path, writable: bool) -> None:
    for path in [home, *home.rglob("*")]:
        mode = path.stat().st_mode
        bits = stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH
        path.chmod(mode | stat.S_IWUSR if writable else mode & ~bits)


@pytest.fixture
def read_only(home: DataPaths) -> Iterator[Run]:
    """Runs ``broadsheet`` with the home read-only for it."""
    environment = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "BROADSHEET_HOME": str(home.home)}
    command = [sys.executable, "-m", "tui.cli"]
    as_root = os.geteuid() == 0
    if as_root:
        unshare = shutil.which("unshare")
        probe = subprocess.run(
            [unshare or "unshare", "-m", "sh", "-c", _MOUNT_READ_ONLY, str(home.home), "true"],
            capture_output=True,
        )
        if unshare is None or probe.returncode != 0:
            pytest.skip("as root, a read-only home needs a mount namespace (unshare -m)")
        command = [unshare, "-m", "sh", "-c", _MOUNT_READ_ONLY, str(home.home), *command]
    else:
        _chmod_tree(home.home, writable=False)

    def run(*arguments: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*command, *arguments], capture_output=True, text=True, env=environment, timeout=120
        )

    try:
        yield run
    finally:
        if not as_root:
            _chmod_tree(home.home, writable=True)


def test_every_reading_command_works_and_writes_nothing(
    home: DataPaths, read_only: Run, tmp_path: Path
) -> None:
    before = home_tree(home.home)
    listed = read_only("list", "--json")
    assert listed.returncode == 0, listed.stderr
    articles = json.loads(listed.stdout)
    assert [a for a in articles if a["read"]] and [a for a in articles if a["starred"]]
    some = articles[0]["id"]
    exported = tmp_path / "highlights.md"
    for arguments in (
        ["list"],
        ["show", some],
        ["entities", some],
        ["highlights"],
        ["highlights", "--json"],
        ["export", "-o", str(exported)],
        ["feeds", "--json"],
        ["list", "--entity", "London"],
    ):
        result = read_only(*arguments)
        assert result.returncode == 0, (arguments, result.stderr)
        assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    assert "worth keeping" in read_only("highlights").stdout
    assert "worth keeping" in exported.read_text(encoding="utf-8")
    assert home_tree(home.home) == before


def test_a_command_that_writes_says_the_home_is_read_only(home: DataPaths, read_only: Run) -> None:
    before = home_tree(home.home)
    for arguments in (["import", str(SEED_DATA / "front_matter.md")], ["refresh"]):
        result = read_only(*arguments)
        assert result.returncode == 1, (arguments, result.stderr)
        assert "is read-only for this user: nothing can be saved there" in result.stderr
        assert "unexpected" not in result.stderr and "Traceback" not in result.stderr
    assert home_tree(home.home) == before


async def test_the_app_opens_a_read_only_home_with_a_banner_and_refuses_writes(
    home: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    """(In this process, the store is told it may not write: as root it could.)"""
    before = home_tree(home.home)
    monkeypatch.setattr(store.db, "_writable", lambda directory: False)
    from tui.launch import open_home

    opened = open_home(home)
    assert not opened.library.writable
    app = BroadsheetApp(opened.library, opened.highlights)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, MainScreen)
            assert "Read-only" in str(screen.query_one(ReadOnlyBanner).render())
            await pilot.press("j", "j", "enter")  # an unread article: marking it is refused
            await settle(pilot)
            reader = screen.query_one(ArticleReader)
            reader.focus()
            await pilot.press("j", "h")  # a highlight: refused
            await settle(pilot)
            await pilot.press("R")  # a refresh: refused
            await settle(pilot)
            said = [f"{n.title}: {n.message}" for n in app._notifications]
            assert sum("read-only" in message for message in said) >= 3, said
            assert not any("Something went wrong" in n.title for n in app._notifications)
    finally:
        opened.highlights.close()
        opened.library.close()
    # Here the files could be written: SQLite's shared-memory files for reading, and the
    # cache of an opened article's entity mentions, appear (on a read-only home they cannot,
    # and are done without). Nothing else may change.
    after = home_tree(home.home)
    caches = ("-wal", "-shm", ".mentions.json")
    made = {
        name
        for name in after.keys() - before.keys()
        if name.endswith(caches) or name.split("/")[0] == "bodies"
    }
    assert {name: after[name] for name in after.keys() - made} == before
