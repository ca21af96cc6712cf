"""The feeds a reader follows, with what the last fetch learnt about each.

Kept in their own TinyDB file (``DataPaths.feeds_db``), in memory while open and written whole
and atomically on :meth:`FeedStore.flush` — a refresh changes every feed's record, and TinyDB
would rewrite the file once per change otherwise. Whoever opens a ``FeedStore`` is expected to
hold the data directory's writer lock (an open writable ``Library`` does).
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from store.db import ClosedOnExit, open_cached_db
from store.models import construct_known
from store.paths import DataPaths

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
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Feed:
        values = dict(data)
        values["tags"] = tuple(data.get("tags") or ())
        return construct_known(cls, values)


class FeedStore(ClosedOnExit):
    """Feeds by id; thread-safe; changes reach disk on :meth:`flush` (and on close)."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._lock = threading.RLock()
        self._db = open_cached_db(paths.feeds_db)
        self._feeds: dict[str, Feed] = {
            feed.id: feed for feed in map(Feed.from_dict, self._db.table("feeds").all())
        }
        self._dirty = False

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
                self._feeds[feed.id] = feed
                self._dirty = True

    def update(self, feed_id: str, **changes: Any) -> Feed:
        with self._lock:
            feed = replace(self._feeds[feed_id], **changes)
            self.put(feed)
            return feed

    def remove(self, feed_id: str) -> Feed | None:
        with self._lock:
            feed = self._feeds.pop(feed_id, None)
            if feed is not None:
                self._dirty = True
            return feed

    def flush(self) -> None:
        with self._lock:
            if not self._dirty:
                return
            table = self._db.table("feeds")
            table.truncate()
            table.insert_multiple(feed.to_dict() for feed in self._feeds.values())
            # open_cached_db's storage is a CachingMiddleware: this is the one disk write.
            storage: Any = self._db.storage
            storage.flush()
            self._dirty = False

    def close(self) -> None:
        with self._lock:
            self.flush()
            self._db.close()
