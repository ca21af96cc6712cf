"""Full mention lists, one sidecar file per body, recomputed lazily when the extractor changes.

At 50,000 articles the mentions (offsets, labels, keys, roles) would swell the metadata file
that is loaded whole at startup, so they live beside each body as ``<hash>.mentions.json``,
tagged with the extractor version that made them. Reading a stale or missing sidecar
re-extracts from the body and rewrites it: there is no migration step at startup.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import orjson

from store import entities
from store.db import write_atomically
from store.models import Mention
from store.paths import DataPaths


class MentionStore:
    """The mentions of each article body, keyed by the body's content hash."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths

    def path(self, body_hash: str) -> Path:
        body_file = self.paths.body_file(body_hash)
        return body_file.with_name(f"{body_hash}.mentions.json")

    def stored(self, body_hash: str) -> list[Mention] | None:
        """The stored mentions if they were made by the current extractor, else ``None``."""
        try:
            data = orjson.loads(self.path(body_hash).read_bytes())
        except (FileNotFoundError, orjson.JSONDecodeError):
            return None
        if not isinstance(data, dict) or data.get("version") != entities.version_tag():
            return None
        return [Mention.from_dict(item) for item in data.get("mentions", ())]

    def mentions(self, body_hash: str, body: str) -> list[Mention]:
        """The mentions of ``body``: from its sidecar when current, else extracted and saved."""
        found = self.stored(body_hash)
        if found is None:
            found = entities.extract(body)
            self.save(body_hash, found)
        return found

    def save(self, body_hash: str, mentions: list[Mention]) -> None:
        data = {
            "version": entities.version_tag(),
            "mentions": [mention.to_dict() for mention in mentions],
        }
        # A read-only data directory still gets its mentions, just not cached on disk; like
        # the bodies they sit beside, they are cache, so no fsync.
        with contextlib.suppress(OSError):
            write_atomically(self.path(body_hash), orjson.dumps(data), durable=False)
