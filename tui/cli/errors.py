"""How the command line says it failed: exit codes, and the error line on standard error.

A command run with ``--json`` says every error as one JSON object on a line of standard error
(``{"error": "…", "code": 3, "kind": "busy"}``), its usage errors included, so that a script
reading its output never has to parse prose; otherwise it is one ``broadsheet: error: …``
line. The exit codes are listed in docs/json.md. This module stays light: argparse's errors
come through it before any of the store is loaded.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any

EXIT_OK = 0
EXIT_FAILED = 1
"""Failed, or partly failed (said which): a feed that did not fetch, a file not imported, a
read-only or damaged home."""
EXIT_USAGE = 2
"""The command line asks for something that cannot be: a bad option, an id that names no
article or several, a query that cannot be read."""
EXIT_BUSY = 3
"""Another Broadsheet held a lock on the home for too long: the same command may well work
in a moment."""
EXIT_BUG = 70
"""Broadsheet itself went wrong (sysexits' EX_SOFTWARE): please report it."""
EXIT_INTERRUPTED = 130
"""128 + SIGINT, as a shell reports a command that Ctrl-C stopped."""

KINDS = {
    EXIT_FAILED: "failed",
    EXIT_USAGE: "usage",
    EXIT_BUSY: "busy",
    EXIT_BUG: "bug",
    EXIT_INTERRUPTED: "interrupted",
}

_as_json = False


def say_errors_as_json(on: bool) -> None:
    """Whether errors are said as JSON from now on (the command line asked for ``--json``)."""
    global _as_json
    _as_json = on


def errors_as_json() -> bool:
    return _as_json


def asks_for_json(argv: list[str]) -> bool:
    """Whether a command line asks for JSON: ``--json`` anywhere before a ``--``."""
    options = argv[: argv.index("--")] if "--" in argv else argv
    return "--json" in options


def report(
    message: str,
    code: int,
    *,
    kind: str | None = None,
    lines: Sequence[str] = (),
    **details: Any,
) -> int:
    """Say an error on standard error and give back the exit code it goes with. ``kind``
    names it more closely than the code does; ``lines`` follow the message for people;
    ``details`` are added to the JSON object instead."""
    from store.text import strip_controls

    # Messages carry file names, feed titles and server errors: never terminal escapes.
    if _as_json:
        error = {
            "error": strip_controls(message),
            "code": code,
            "kind": kind or KINDS.get(code, "failed"),
        }
        # ASCII: whatever a detail holds (a headline), nothing in it reaches a terminal raw.
        print(json.dumps({**error, **details}), file=sys.stderr)
    else:
        print(f"broadsheet: error: {strip_controls(message)}", file=sys.stderr)
        for line in lines:
            print(strip_controls(line), file=sys.stderr)
    return code
