"""Where Broadsheet keeps its data. Every path the program uses is computed here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

HOME_ENVIRONMENT_VARIABLE = "BROADSHEET_HOME"
APP_NAME = "broadsheet"


def resolve_home(explicit: str | os.PathLike[str] | None = None) -> Path:
    """``--home`` if given, else ``$BROADSHEET_HOME``, else the platform's user data dir."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_environment = os.environ.get(HOME_ENVIRONMENT_VARIABLE)
    if from_environment:
        return Path(from_environment).expanduser().resolve()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True)
class DataPaths:
    """The layout of one data directory (see docs/architecture.md, "On disk")."""

    home: Path

    @property
    def articles_db(self) -> Path:
        """Article metadata: the cache that imports and refreshes rewrite."""
        return self.home / "articles.json"

    @property
    def bodies_dir(self) -> Path:
        """Canonical article bodies, one file each, named by content hash."""
        return self.home / "bodies"

    @property
    def feeds_db(self) -> Path:
        return self.home / "feeds.json"

    @property
    def annotations_db(self) -> Path:
        """Highlights and notes: user-made, never touched by refresh or cleanup."""
        return self.home / "annotations.json"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.toml"

    @property
    def lock_file(self) -> Path:
        return self.home / "broadsheet.lock"

    def body_file(self, body_hash: str) -> Path:
        return self.bodies_dir / body_hash[:2] / f"{body_hash}.txt"


def bundled_seeds_dir() -> Path | None:
    """The seed articles shipped with Broadsheet, in a wheel or in a source checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "bundled_seeds", package_dir.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return None
