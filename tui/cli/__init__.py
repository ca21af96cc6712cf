"""The ``broadsheet`` command: no subcommand opens the app; subcommands serve scripts.

Each command group lives in its own module with a ``register(subcommands)`` function that adds
its parsers and sets ``handler`` to a function taking the parsed arguments and returning the
exit code (``tui.cli.errors``: 0 done, 1 partly failed (said which), 2 usage, 3 busy).
``--home`` is taken before the command or after it.

Building the parser must stay cheap (``--help`` answers in tens of milliseconds): a command
module imports at module level only what its parser needs, and each handler imports the store
and libraries it uses. tests/test_cli_startup.py checks this.
"""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from tui.cli.errors import (
    EXIT_BUG,
    EXIT_BUSY,
    EXIT_FAILED,
    EXIT_INTERRUPTED,
    EXIT_USAGE,
    asks_for_json,
    errors_as_json,
    report,
    say_errors_as_json,
)

COMMAND_MODULES = (
    "tui.cli.library_commands",
    "tui.cli.feeds",
    "tui.cli.entity_commands",
    "tui.cli.entity_page_commands",
    "tui.cli.annotations",
    "tui.cli.search_commands",
)


HOME_HELP = (
    "where Broadsheet keeps its data (default: $BROADSHEET_HOME, "
    "else the platform's user data directory)"
)


class CommandLineParser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors are JSON when the command line asks for JSON
    (its subcommands' parsers are of the same class)."""

    def error(self, message: str) -> NoReturn:
        if errors_as_json():
            report(f"{self.prog}: {message}", EXIT_USAGE, usage=self.format_usage().strip())
            sys.exit(EXIT_USAGE)
        super().error(message)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandLineParser(
        prog="broadsheet",
        description="A keyboard-driven newsreader for the terminal. "
        "Run without a command to open the reader.",
    )
    parser.add_argument("--home", metavar="DIR", help=HOME_HELP)
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subcommands)
    for command in subcommands.choices.values():
        # After the command too; SUPPRESS keeps one given before it when none comes after.
        command.add_argument("--home", metavar="DIR", default=argparse.SUPPRESS, help=HOME_HELP)
    return parser


class _StoreWarnings(logging.Handler):
    """Prints what the store says about damage it found and what it did about it (see
    :mod:`store.recovery`), as the command's warnings."""

    def emit(self, record: logging.LogRecord) -> None:
        from tui.cli.common import warn

        warn(record.getMessage())


def _hear_the_store() -> None:
    logger = logging.getLogger("broadsheet")
    if not any(isinstance(handler, _StoreWarnings) for handler in logger.handlers):
        logger.addHandler(_StoreWarnings(logging.WARNING))


def run() -> NoReturn:
    """The ``broadsheet`` command (and ``python -m tui.cli``): :func:`main`, then exit."""
    status = main()
    # Every object the command made goes back to the system at exit at once; the
    # interpreter's last garbage collection would first walk them all. After a refresh the
    # exit took 50-90 ms with it, 15 ms without. Everything of
    # ours is closed by now (the stores are closed by their with-blocks), so skipping it
    # leaves no file unwritten.
    gc.freeze()
    sys.exit(status)


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    say_errors_as_json(asks_for_json(arguments))
    try:
        return _run(arguments)
    finally:
        say_errors_as_json(False)  # main may be called again in this process (tests)


def _run(arguments: list[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(arguments)
    # Only now, with a command to run: parsing and --help stay quick without the store.
    from store.db import CorruptStoreError, ReadOnlyHomeError, StoreBusyError, StoreError
    from tui.cli.common import UsageError, control_free_stdout

    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from tui.launch import run_app

            return run_app(args.home)
        _hear_the_store()
        # The guard at the boundary: whatever a command prints of stored text, no escape.
        with control_free_stdout():
            return int(handler(args))
    except StoreBusyError as problem:
        return report(str(problem), EXIT_BUSY)
    except ReadOnlyHomeError as problem:
        return report(str(problem), EXIT_FAILED, kind="read-only")
    except CorruptStoreError as problem:
        return report(str(problem), EXIT_FAILED, kind="damaged")
    except StoreError as problem:
        return report(str(problem), EXIT_FAILED)
    except UsageError as problem:
        return report(str(problem), EXIT_USAGE, lines=problem.lines, **problem.details)
    except KeyboardInterrupt:
        # What was acknowledged is on disk; refresh workers ignore Ctrl-C and stop with us.
        return report("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return EXIT_FAILED
    except OSError as problem:
        message = f"{problem.strerror or problem}: {problem.filename or ''}".strip(": ")
        return report(message, EXIT_FAILED)
    except Exception as problem:
        # A bug of ours: say so in one line; BROADSHEET_DEBUG=1 shows the traceback.
        if os.environ.get("BROADSHEET_DEBUG"):
            raise
        return report(
            f"unexpected {type(problem).__name__}: {problem} "
            "(run again with BROADSHEET_DEBUG=1 for details, and please report it)",
            EXIT_BUG,
        )


if __name__ == "__main__":
    run()
