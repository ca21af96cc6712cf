"""The feeds a reader follows, with what the last fetch learnt about each.

Kept in their own TinyDB file (``DataPaths.feeds_db``), in memory while open and written whole
and atomically on :meth:`FeedStore.flush` — a refresh changes every feed's record, and TinyDB
would rewrite the file once per change otherwise. The flush runs under a short lock and lays
only this process's changes over the file as it is then (:class:`~store.table_file.TableFile`),
so an app and a ``broadsheet add`` can both hold the store.

The feeds followed are the user's: each flush keeps the file it replaces as ``feeds.json.bak``,
and a file found damaged (cut off, emptied) is rebuilt from what it still holds and from that
backup, the damaged file kept as ``feeds.json.corrupt``. A record of the wrong shape is named,
skipped and kept in the file as it is.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, fields, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from store.db import ClosedOnExit, CorruptStoreError, WriteLock, can_write
from store.models import construct_known
from store.paths import DataPaths
from store.recovery import check_fields, say
from store.table_file import Record, TableFile

FEED_ID_PREFIX = "feed-"


def normalise_feed_url(url: str) -> str:
    """The form of a feed URL that identifies it: scheme and host lowercased, no fragment."""
    parts = urlsplit(url.strip())
    netloc = parts.netloc.lower()
    return urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def feed_id_for(url: str) -> str:
    """A feed's stable id, derived from its URL as first added."""
    digest = hashlib.sha256(normalise_feed_url(url).encode("utf-8")).hexdigest()
    return FEED_ID_PREFIX + digest[:16]


@dataclass(frozen=True, slots=True)
class Feed:
    id: str
    url: str
    title: str = ""
    site_url: str | None = None
    tags: tuple[str, ...] = field(default=())
    """Folder names (from OPML, or given on adding); nested folders as "outer/inner"."""
    full_text: bool = False
    """Fetch each new entry's page and extract it, rather than keep what the feed gives."""
    etag: str | None = None
    last_modified: str | None = None
    last_success: str | None = None
    last_error: str | None = None
    last_error_at: str | None = None
    retry_not_before: str | None = None
    """Set when the server asked us (429/503 Retry-After) to stay away until then."""
    added: str = ""

    @classmethod
    def new(cls, url: str, **values: Any) -> Feed:
        return cls(id=feed_id_for(url), url=url, **values)

    @property
    def display_title(self) -> str:
        return self.title or self.url

    def to_dict(self) -> dict[str, Any]:
        # Every field is a string, None, a bool or the tags: no deep copy (asdict) needed.
        data = {name: getattr(self, name) for name in _FEED_FIELDS}
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feed:
        values = dict(data)
        values["tags"] = tuple(data.get("tags") or ())
        return construct_known(cls, values)


_FEED_FIELDS = tuple(feed_field.name for feed_field in fields(Feed))


def _decode(record: Record) -> Feed:
    check_fields(Feed, record)  # a record of the wrong shape is named and skipped
    return Feed.from_dict(record)


class FeedStore(ClosedOnExit):
    """Feeds by id; thread-safe; changes reach disk on :meth:`flush` (and on close)."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._lock = threading.RLock()
        self._write_lock = WriteLock(paths.feeds_lock)
        self._file: TableFile[Feed] = TableFile(
            paths.feeds_db, "feeds", decode=_decode, encode=Feed.to_dict, keep_backup=True
        )
        try:
            self._file.load()
        except CorruptStoreError as problem:
            self._recover(problem)
        self._feeds = self._file.records

    def _recover(self, problem: CorruptStoreError) -> None:
        """Rebuild a damaged feeds file from what it still holds and from its backup (the
        file before the last flush): a feed removed since then may come back, which beats
        losing one still followed."""
        lock = self._write_lock if can_write(self.paths.home) else None
        rebuilt = self._file.rebuild_from_backup(lock)
        if rebuilt is None:
            return  # rebuilt by another process while we waited
        say(
            f"{problem}. Rebuilt it with {len(self._file.records)} feeds: "
            f"{rebuilt.salvaged} read back from it, the rest from {self._file.backup_path.name}"
            " (a feed removed since that copy may be back: see `broadsheet feeds`). "
            f"The damaged file is {rebuilt.where}"
        )

    def __len__(self) -> int:
        return len(self._feeds)

    def __iter__(self) -> Iterator[Feed]:
        return iter(self.all())

    def all(self) -> list[Feed]:
        """Every feed, by title."""
        with self._lock:
            feeds = list(self._feeds.values())
        return sorted(feeds, key=lambda feed: (feed.display_title.casefold(), feed.id))

    def get(self, feed_id: str) -> Feed | None:
        with self._lock:
            return self._feeds.get(feed_id)

    def by_url(self, url: str) -> Feed | None:
        """The feed first added under ``url`` (or one now fetched from it)."""
        with self._lock:
            found = self._feeds.get(feed_id_for(url))
            if found is not None:
                return found
            wanted = normalise_feed_url(url)
            for feed in self._feeds.values():
                if normalise_feed_url(feed.url) == wanted:
                    return feed
        return None

    def put(self, feed: Feed) -> None:
        with self._lock:
            if self._feeds.get(feed.id) != feed:
                self._file.put(feed.id, feed)

    def update(self, feed_id: str, **changes: Any) -> Feed:
        with self._lock:
            feed = replace(self._feeds[feed_id], **changes)
            self.put(feed)
            return feed

    def remove(self, feed_id: str) -> Feed | None:
        with self._lock:
            return self._file.remove(feed_id)

    def reload_if_changed(self) -> bool:
        """Take in what other processes wrote; True if anything changed."""
        with self._lock:
            changed = bool(self._file.reload_if_changed())
            self._feeds = self._file.records
            return changed

    def flush(self) -> None:
        with self._lock:
            if not self._file.dirty:
                return
            with self._write_lock.held():
                self._file.flush()
            self._feeds = self._file.records

    def close(self) -> None:
        with self._lock:
            self.flush()
