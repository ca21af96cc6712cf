"""The command line starts quickly: parsing and --help load none of the heavy libraries.

Each command's handler imports what it needs; building the parser must not. Timing is left to
people (it depends on the machine); what is loaded is checked here.
"""

from __future__ import annotations

import pytest

import store.export
import tui.cli.annotations
from tests.conftest import REPO_ROOT, run_python

# Top-level packages (and store modules) that parsing the command line has no use for.
HEAVY = (
    "textual",
    "rich",
    "httpx",
    "lxml",
    "readability",
    "feedparser",
    "tinydb",
    "filelock",
    "yaml",
    "spacy",
    "store.db",
    "store.entities.gazetteer",
)


@pytest.mark.parametrize(
    "arguments", [["--help"], ["export", "--help"], ["refresh", "--help"]], ids=" ".join
)
def test_parsing_loads_no_heavy_module(arguments: list[str]) -> None:
    script = (
        "import sys\n"
        "import tui.cli\n"
        "try:\n"
        f"    tui.cli.main({arguments!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"heavy = {HEAVY!r}\n"
        "loaded = {h for h in heavy for m in sys.modules if m == h or m.startswith(h + '.')}\n"
        "print(' '.join(sorted(loaded)), file=sys.stderr)\n"
    )
    result = run_python(script, timeout=60)
    assert "usage: " in result.stdout
    assert result.stderr.strip() == ""


def test_export_formats_match_the_store() -> None:
    # The parser spells the formats out so as not to load the exporters; they must not drift.
    assert tui.cli.annotations.EXPORT_FORMATS == store.export.EXPORT_FORMATS


def test_the_command_skips_the_interpreters_last_collection(tmp_path) -> None:
    # After a refresh the final collection walked every object the command made: 50-90 ms
    # between the summary and the prompt. The command freezes them instead, once done.
    script = (
        "import atexit, gc, sys\n"
        "atexit.register(lambda: print('frozen', gc.get_freeze_count() > 0))\n"
        f"sys.argv = ['broadsheet', '--home', {str(tmp_path / 'home')!r}, 'list', '--json']\n"
        "import runpy\n"
        "runpy.run_module('tui.cli', run_name='__main__')\n"
    )
    result = run_python(script)
    assert result.stdout.splitlines()[-1] == "frozen True"
    # The installed `broadsheet` script runs the same function.
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'broadsheet = "tui.cli:run"' in pyproject
