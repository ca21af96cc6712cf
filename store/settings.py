"""User settings, read from ``settings.toml`` in the data directory (all optional).

```toml
export_dir = "~/notes/broadsheet"   # where the app writes exports (default: <home>/exports)
entity_backend = "rules"            # or "spacy", when spaCy and a model are installed
browser = ["firefox", "--new-tab"]  # what `o` runs, the link added as one more argument
                                    # (default: xdg-open on Linux, open on macOS)
refresh_interval = 30               # minutes between refreshes while the app is open (0: off)
```

``browser`` is a program and its arguments as a list, never a command line for a shell.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from store.db import StoreError
from store.ingest.decoding import UnreadableTextError, read_regular_file
from store.paths import DataPaths
from store.text import strip_controls

SETTINGS_MAX_BYTES = 1024 * 1024


@dataclass(frozen=True)
class Settings:
    export_dir: Path
    entity_backend: str = "rules"
    browser: tuple[str, ...] | None = None
    """The program that opens a link and its first arguments; None: the platform's opener."""
    refresh_interval: int = 0
    """Minutes between refreshes while the app is open; 0 (the default): only when asked."""


def load_settings(paths: DataPaths) -> Settings:
    """The settings in force; a missing file means the defaults, a broken one is an error."""
    values: dict[str, object] = {}
    settings_file = paths.settings_file
    try:
        # A regular file, bounded: a FIFO in its place would hang every start.
        text = read_regular_file(settings_file, SETTINGS_MAX_BYTES).decode("utf-8")
        values = tomllib.loads(text)
    except FileNotFoundError:
        pass
    except UnreadableTextError as problem:
        raise StoreError(f"{settings_file}: {problem}") from None
    except OSError as problem:
        raise StoreError(f"{settings_file} cannot be read: {problem.strerror}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as problem:
        raise StoreError(f"{settings_file} is not valid TOML: {problem}") from None
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise StoreError(f"{settings_file} is not valid TOML: nested too deeply") from None
    backend = values.get("entity_backend", "rules")
    return Settings(
        export_dir=_folder(values.get("export_dir"), settings_file) or paths.exports_dir,
        entity_backend=str(backend),
        browser=_browser(values.get("browser"), settings_file),
        refresh_interval=_minutes(values.get("refresh_interval", 0), settings_file),
    )


def _folder(value: object, settings_file: Path) -> Path | None:
    """``export_dir``: a path as text (``~`` is the home folder); None when not set."""
    if value is None or value == "":
        return None
    # No control characters: they are never part of a real folder's name, and they would
    # reach the terminal in every message that names the folder.
    if isinstance(value, str) and strip_controls(value) == value and not {"\t", "\n"} & set(value):
        try:
            return Path(value).expanduser()
        except RuntimeError:  # "~someone" for a user this system does not know
            raise StoreError(f"{settings_file}: export_dir names an unknown home folder") from None
    raise StoreError(
        f"{settings_file}: export_dir must be a folder's path as text, e.g. "
        f'export_dir = "~/notes" (got {value!r})'
    )


MAX_REFRESH_INTERVAL = 7 * 24 * 60


def _minutes(value: object, settings_file: Path) -> int:
    """``refresh_interval``: whole minutes, 0 to a week."""
    if (
        isinstance(value, int)
        and not isinstance(value, bool)
        and 0 <= value <= MAX_REFRESH_INTERVAL
    ):
        return value
    raise StoreError(
        f"{settings_file}: refresh_interval must be whole minutes from 0 (off) to "
        f"{MAX_REFRESH_INTERVAL} (got {value!r})"
    )


def _browser(value: object, settings_file: Path) -> tuple[str, ...] | None:
    """The ``browser`` setting, checked: a list of non-empty strings, the program first."""
    if value is None:
        return None
    if (
        isinstance(value, list)
        and value
        and all(isinstance(part, str) and part and "\0" not in part for part in value)
    ):
        return tuple(value)
    raise StoreError(
        f"{settings_file}: browser must be a list of non-empty strings, the program and its "
        f'arguments, e.g. browser = ["firefox", "--new-tab"] (got {value!r})'
    )


def apply_entity_backend(settings: Settings) -> str | None:
    """Switch entity extraction to the configured backend; a problem, in words, or None.

    Loading spaCy takes seconds, so a front calls this from a worker.
    """
    from store import entities

    backend = settings.entity_backend
    if backend == entities.current_backend():
        return None
    if backend not in entities.BACKENDS:
        return f"unknown entity_backend {backend!r} in settings (use one of {entities.BACKENDS})"
    try:
        entities.use_backend(backend)
    except ImportError as problem:
        return f"entity_backend {backend!r} is not available ({problem}); using the built-in one"
    return None
