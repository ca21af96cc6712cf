"""Shared fixtures. Every test runs with its own data home and no user directories."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.ingest.importer import import_bundled_seeds_on_first_run
from store.library import Library
from store.paths import DataPaths

pytest_plugins = ["tests.web.plugin", "tests.web.generated_feeds", "tests.terminal"]

REPO_ROOT = Path(__file__).resolve().parent.parent


def run_python(script: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``script`` run by a fresh Python in the repository (what it imports is its own);
    it must exit 0."""
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=REPO_ROOT,
        timeout=timeout,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result


BUNDLED_SEED = REPO_ROOT / "seeds" / "000_9ecd6304ede0a06b.txt"
SEED_DATA = Path(__file__).resolve().parent / "data" / "seeds"


@pytest.fixture(autouse=True)
def isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("BROADSHEET_HOME", str(home))
    for variable in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME"):
        monkeypatch.setenv(variable, str(tmp_path / variable.lower()))
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture
def paths(isolated_home: Path) -> DataPaths:
    return DataPaths(isolated_home)


@pytest.fixture
def library(paths: DataPaths) -> Iterator[Library]:
    opened = Library(paths)
    yield opened
    opened.close()


@pytest.fixture
def seeded_library(paths: DataPaths) -> Iterator[Library]:
    """A library holding the bundled seed article, opened as the app opens it: its entity
    summaries left on disk (``keep_entities=False``)."""
    with Library(paths) as first_start:
        import_bundled_seeds_on_first_run(first_start)
    opened = Library(paths, keep_entities=False)
    yield opened
    opened.close()
