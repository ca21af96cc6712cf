"""Where Broadsheet keeps its data. Every path the program uses is computed here."""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass
from pathlib import Path

import platformdirs

HOME_ENVIRONMENT_VARIABLE = "BROADSHEET_HOME"
APP_NAME = "broadsheet"
SHARD_COUNT = 64
"""Article metadata is split over this many files, so that no write rewrites them all."""


def shard_of(article_id: str) -> int:
    return zlib.crc32(article_id.encode("utf-8")) % SHARD_COUNT


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
    def articles_dir(self) -> Path:
        """Article metadata, in TinyDB shards by id (the cache imports and refreshes write).
        Its presence marks a home that has been set up."""
        return self.home / "articles"

    def article_shard(self, shard: int) -> Path:
        return self.articles_dir / f"{shard:02x}.json"

    @property
    def articles_lock(self) -> Path:
        return self.home / "articles.lock"

    @property
    def legacy_articles_db(self) -> Path:
        """Where metadata lived before it was sharded (one file); migrated on first open."""
        return self.home / "articles.json"

    @property
    def read_state_db(self) -> Path:
        """Read and starred state: user data, a TinyDB snapshot with a journal beside it."""
        return self.home / "state.json"

    @property
    def bodies_db(self) -> Path:
        """Canonical article bodies by content hash (SQLite)."""
        return self.home / "bodies.sqlite"

    @property
    def bodies_dir(self) -> Path:
        """Body files of homes from before ``bodies.sqlite`` (still read), and the entity
        mentions cached beside them."""
        return self.home / "bodies"

    @property
    def feeds_db(self) -> Path:
        return self.home / "feeds.json"

    @property
    def feeds_lock(self) -> Path:
        return self.home / "feeds.json.lock"

    @property
    def annotations_db(self) -> Path:
        """Highlights and notes: user-made, never touched by refresh or cleanup (a TinyDB
        snapshot with a journal beside it)."""
        return self.home / "annotations.json"

    @property
    def saved_searches_db(self) -> Path:
        """The searches a user saved, shown beside the feeds (user data, TinyDB)."""
        return self.home / "searches.json"

    @property
    def saved_searches_lock(self) -> Path:
        return self.home / "searches.json.lock"

    @property
    def entity_corrections_db(self) -> Path:
        """The user's corrections to the entities (merges, splits, labels, hidden): user
        data, TinyDB."""
        return self.home / "corrections.json"

    @property
    def entity_corrections_lock(self) -> Path:
        return self.home / "corrections.json.lock"

    @property
    def derived_dir(self) -> Path:
        """Indexes made from the cache: nothing of the user's, rebuilt when missing."""
        return self.home / "derived"

    @property
    def entity_catalog(self) -> Path:
        """Which articles name which entities (SQLite), for commands that ask."""
        return self.derived_dir / "entities.sqlite"

    @property
    def entities_pending(self) -> Path:
        """There when a refresh stored articles whose entity summaries are still to be made."""
        return self.derived_dir / "entities-pending"

    @property
    def shard_snapshot(self) -> Path:
        """The metadata shards as the app reads them, for a quick start (store.snapshot)."""
        return self.derived_dir / "articles.snapshot"

    @property
    def search_index(self) -> Path:
        """Every article's words, for search (SQLite FTS5)."""
        return self.derived_dir / "search.sqlite"

    @property
    def exports_dir(self) -> Path:
        return self.home / "exports"

    @property
    def settings_file(self) -> Path:
        return self.home / "settings.toml"

    def body_file(self, body_hash: str) -> Path:
        return self.bodies_dir / body_hash[:2] / f"{body_hash}.txt"


def bundled_seeds_dir() -> Path | None:
    """The seed articles shipped with Broadsheet, in a wheel or in a source checkout."""
    package_dir = Path(__file__).resolve().parent
    for candidate in (package_dir / "bundled_seeds", package_dir.parent / "seeds"):
        if candidate.is_dir():
            return candidate
    return None
