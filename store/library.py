"""The article cache: metadata in TinyDB (in memory, flushed in batches), bodies one file each.

``Library`` is the one way in for every front (command line, TUI, scripts). It is safe to use
from worker threads: every access to the metadata goes through one re-entrant lock.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from tinydb import TinyDB

from store import entities
from store.bodies import BodyStore
from store.db import (
    ClosedOnExit,
    CorruptStoreError,
    WriterLock,
    flush_cached_db,
    open_cached_db,
    remove_stale_temporaries,
    set_aside_corrupt,
)
from store.entities.mentions_store import MentionStore
from store.models import Article, EntitySummary
from store.paths import DataPaths
from store.text import word_count


class SaveOutcome(Enum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


class Library(ClosedOnExit):
    """Articles and their bodies under one data directory."""

    def __init__(self, paths: DataPaths, *, writable: bool = True) -> None:
        self.paths = paths
        self.writable = writable
        self.bodies = BodyStore(paths)
        self.mentions = MentionStore(paths)
        """Entity mentions of each body, kept beside it once the article has been opened."""
        self.recovered_from: Path | None = None
        """Set when a corrupt cache file was moved aside and an empty one started."""
        self._lock = threading.RLock()
        self._writer_lock = WriterLock(paths.lock_file) if writable else None
        if self._writer_lock is not None:
            self._writer_lock.acquire()
            remove_stale_temporaries(paths.articles_db)
        try:
            self._db, records = self._open_metadata()
        except BaseException:
            if self._writer_lock is not None:
                self._writer_lock.release()
            raise
        # The dict is the truth while the library is open; TinyDB is how it reaches disk.
        # TinyDB's per-document writes cost O(table) each, so changes are batched and the
        # table is written whole on flush.
        self._articles: dict[str, Article] = {
            article.id: article for article in map(Article.from_dict, records)
        }
        self._dirty = False

    def _open_metadata(self) -> tuple[TinyDB, list[dict[str, Any]]]:
        """The metadata database and its article records, read once: the raw records, not
        TinyDB's Documents, which cost a copy of each of 50,000 dicts."""
        path = self.paths.articles_db
        database = open_cached_db(path)
        try:
            stored = database.storage.read() or {}
        except CorruptStoreError:
            if not self.writable:
                raise
            # The metadata is a cache that imports and refreshes rebuild, so keep the bad file
            # for inspection and start afresh rather than refusing to run.
            database.close()
            self.recovered_from = set_aside_corrupt(path)
            return open_cached_db(path), []
        return database, list(stored.get("articles", {}).values())

    # Reading

    def __len__(self) -> int:
        return len(self._articles)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles())

    def articles(self) -> list[Article]:
        """Every article, newest first."""
        with self._lock:
            snapshot = list(self._articles.values())
        return sorted(snapshot, key=lambda article: (article.sort_key, article.id), reverse=True)

    def get(self, article_id: str) -> Article | None:
        with self._lock:
            return self._articles.get(article_id)

    def find(self, predicate_field: str, value: str) -> Article | None:
        """The first article whose ``predicate_field`` equals ``value`` (e.g. "url", "guid")."""
        with self._lock:
            for article in self._articles.values():
                if getattr(article, predicate_field) == value:
                    return article
        return None

    def body(self, article: Article) -> str:
        """The canonical text of an article (empty if its body file is missing or damaged)."""
        return self.bodies.read(article.body_hash) or ""

    # Writing

    def _require_writable(self) -> None:
        if not self.writable:
            raise PermissionError("this library was opened read-only")

    def save(
        self,
        article: Article,
        body: str,
        *,
        entity_summary: tuple[EntitySummary, ...] | None = None,
    ) -> tuple[Article, SaveOutcome]:
        """Store an article and its canonical body; keep read/starred state of an existing one.

        The article's ``body_hash``, ``word_count`` and entity summary are derived from ``body``
        here, so callers cannot store metadata that disagrees with the text. A caller that
        already ran ``entities.summarize(entities.extract(body), title)`` elsewhere (a refresh
        does, in worker processes) passes the result as ``entity_summary``.
        """
        self._require_writable()
        body_hash = self.bodies.write(body)
        existing = self.get(article.id)
        if entity_summary is not None:
            summary = entity_summary
        elif existing is not None and (existing.body_hash, existing.entities_version) == (
            body_hash,
            entities.EXTRACTOR_VERSION,
        ):
            summary = existing.entities
        else:
            # Outside the lock: extraction is the slow part, and other savers need not wait.
            # Only the summary is stored now; the full mentions are cached beside the body
            # when the article is first opened, which halves the files a refresh creates.
            summary = entities.summarize(entities.extract(body), article.title)
        with self._lock:
            existing = self._articles.get(article.id)
            article = replace(
                article,
                body_hash=body_hash,
                word_count=word_count(body),
                entities=summary,
                entities_version=entities.EXTRACTOR_VERSION,
                added=existing.added if existing else (article.added or utc_now_iso()),
            )
            if existing is None:
                self._put(article)
                return article, SaveOutcome.NEW
            # Reading state belongs to the user; the origin is where it was first seen.
            article = replace(
                article,
                read=existing.read,
                starred=existing.starred,
                origin=existing.origin or article.origin,
            )
            if article == existing:
                return existing, SaveOutcome.UNCHANGED
            self._put(article)
        return article, SaveOutcome.UPDATED

    def update(self, article: Article) -> None:
        """Replace an article's metadata (its body is unchanged)."""
        self._require_writable()
        with self._lock:
            if article.id not in self._articles:
                raise KeyError(article.id)
            self._put(article)

    def set_read(self, article_id: str, read: bool = True) -> Article | None:
        with self._lock:
            article = self._articles.get(article_id)
            if article is None or article.read == read:
                return article
            article = replace(article, read=read)
            self.update(article)
            return article

    def remove(self, article_id: str) -> bool:
        """Forget an article's metadata. Its body file stays: highlights may still quote it."""
        self._require_writable()
        with self._lock:
            if self._articles.pop(article_id, None) is None:
                return False
            self._dirty = True
        return True

    def _put(self, article: Article) -> None:
        self._articles[article.id] = article
        self._dirty = True

    def flush(self, *, force: bool = False) -> None:
        """Write pending metadata changes (or, with ``force``, the whole table) to disk."""
        with self._lock:
            if not (self._dirty or force):
                return
            table = self._db.table("articles")
            table.truncate()
            table.insert_multiple(article.to_dict() for article in self._articles.values())
            flush_cached_db(self._db)
            self._dirty = False

    def close(self) -> None:
        with self._lock:
            if self.writable:
                self.flush()
            self._db.close()
            if self._writer_lock is not None and self._writer_lock.held:
                self._writer_lock.release()
