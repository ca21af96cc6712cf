"""The ``broadsheet`` command: no subcommand opens the app; subcommands serve scripts.

Each command group lives in its own module with a ``register(subcommands)`` function that adds
its parsers and sets ``handler`` to a function taking the parsed arguments and returning the
exit code: 0 done, 1 partly failed (said which), 2 usage.

Building the parser must stay cheap (``--help`` answers in tens of milliseconds): a command
module imports at module level only what its parser needs, and each handler imports the store
and libraries it uses. tests/test_cli_startup.py checks this.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES = (
    "tui.cli.library_commands",
    "tui.cli.feeds",
    "tui.cli.entity_commands",
    "tui.cli.annotations",
    "tui.cli.search_commands",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="broadsheet",
        description="A keyboard-driven newsreader for the terminal. "
        "Run without a command to open the reader.",
    )
    parser.add_argument(
        "--home",
        metavar="DIR",
        help="where Broadsheet keeps its data (default: $BROADSHEET_HOME, "
        "else the platform's user data directory)",
    )
    subcommands = parser.add_subparsers(title="commands", metavar="COMMAND")
    for module_name in COMMAND_MODULES:
        importlib.import_module(module_name).register(subcommands)
    return parser


EXIT_INTERRUPTED = 130
"""128 + SIGINT, as a shell reports a command that Ctrl-C stopped."""


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


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Only now, with a command to run: parsing and --help stay quick without the store.
    from store.db import StoreError
    from tui.cli.common import EXIT_FAILED, EXIT_USAGE, UsageError, error

    handler = getattr(args, "handler", None)
    try:
        if handler is None:
            from tui.launch import run_app

            return run_app(args.home)
        _hear_the_store()
        return int(handler(args))
    except StoreError as problem:
        return error(str(problem), EXIT_FAILED)
    except UsageError as problem:
        return error(str(problem), EXIT_USAGE)
    except KeyboardInterrupt:
        # What was acknowledged is on disk; refresh workers ignore Ctrl-C and stop with us.
        return error("interrupted", EXIT_INTERRUPTED)
    except BrokenPipeError:
        # The reader of our output went away (e.g. `| head`); nothing more to say.
        sys.stderr.close()
        return EXIT_FAILED
    except OSError as problem:
        return error(f"{problem.strerror or problem}: {problem.filename or ''}".strip(": "), 1)
    except Exception as problem:
        # A bug of ours: say so in one line; BROADSHEET_DEBUG=1 shows the traceback.
        if os.environ.get("BROADSHEET_DEBUG"):
            raise
        return error(
            f"unexpected {type(problem).__name__}: {problem} "
            "(run again with BROADSHEET_DEBUG=1 for details, and please report it)",
            EXIT_FAILED,
        )


if __name__ == "__main__":
    sys.exit(main())
