"""The article cache: metadata in TinyDB shards, read state in a journal, bodies one file each.

``Library`` is the one way in for every front (command line, TUI, scripts). It is safe to use
from worker threads, and several processes may open the same home at once (the app, a second
app, a cron ``refresh``): writes take short locks, and :meth:`Library.poll_changes` takes in
what the others wrote.

- Metadata is split over ``SHARD_COUNT`` TinyDB files by a hash of the article id, so a flush
  rewrites only the shards that changed (a few hundred kilobytes each at 50,000 articles).
- Read and starred state lives apart (:mod:`store.read_state`): marking an article read is one
  fsync'd journal line, not a rewrite of anything.
"""

from __future__ import annotations

import contextlib
import gc
import sqlite3
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path

from store import entities
from store.bodies import BodyStore
from store.db import (
    ClosedOnExit,
    CorruptStoreError,
    FileSignature,
    StoreError,
    WriteLock,
    set_aside_corrupt,
    signature_of,
)
from store.entities.catalog import CatalogEntry, EntityCatalog, ShardChange
from store.entities.mentions_store import MentionStore
from store.migration import migrate_single_file_cache
from store.models import ENTITIES_NOT_LOADED, Article, EntitySummary
from store.paths import SHARD_COUNT, DataPaths, shard_of
from store.read_state import UNREAD, ReadState, ReadStateStore
from store.table_file import Record, TableFile
from store.text import word_count

_SHARED_VALUES = ("source", "added", "feed_id", "author")
_CATALOG_WAIT_SECONDS = 1.0
"""How long a flush waits for a reader that is rebuilding the entity catalog: no longer, as
it holds the articles' write lock meanwhile (the catalog then catches up later)."""


class SaveOutcome(Enum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True, slots=True)
class LibraryChanges:
    """What other processes changed: articles by id (None: removed)."""

    articles: dict[str, Article | None]

    def __bool__(self) -> bool:
        return bool(self.articles)


def utc_now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def encode_article(article: Article) -> Record:
    """The shard record: everything but the read state, which lives apart."""
    record = article.to_record()
    del record["read"], record["starred"]
    return record


class Library(ClosedOnExit):
    """Articles and their bodies under one data directory."""

    def __init__(
        self, paths: DataPaths, *, writable: bool = True, keep_entities: bool = True
    ) -> None:
        """``keep_entities=False`` leaves the articles' entity summaries on disk: each article
        carries ``ENTITIES_NOT_LOADED``, is stored with its summaries kept, and
        :func:`store.entities.refresh.refresh_article` makes them when it is opened. The app
        reads so (~35 MB less at 50,000 articles); it asks the entity catalog which articles
        name what."""
        self.paths = paths
        self.writable = writable
        self.keep_entities = keep_entities
        self.bodies = BodyStore(paths)
        self.recovered_from: Path | None = self.bodies.recovered_from
        """Set when a damaged body database or metadata shard was moved aside (their articles
        come back with the next import or refresh)."""
        self.mentions = MentionStore(paths)
        """Entity mentions of each body, kept beside it once the article has been opened."""
        self.catalog = EntityCatalog(paths.entity_catalog, busy_timeout=_CATALOG_WAIT_SECONDS)
        """Which articles name which entities, on disk: our flushes keep it current."""
        self._lock = threading.RLock()
        self._write_lock = WriteLock(paths.articles_lock)
        if writable:
            migrate_single_file_cache(paths, self._write_lock)
        self.read_state = ReadStateStore(paths)
        self.read_state.load()
        self._shards = [
            TableFile(
                paths.article_shard(number),
                "articles",
                decode=self._decode,
                encode=encode_article,
            )
            for number in range(SHARD_COUNT)
        ]
        self._directory_signature: FileSignature | None = None
        self._looks = 0
        self._unpolled: dict[str, Article] = {}
        """Other processes' read-state changes that one of our writes took in on its way, for
        the next :meth:`poll_changes` to report."""
        self._load_shards()

    def _decode(self, record: Record) -> Article:
        state = self.read_state.get(record["id"])
        if state is not UNREAD:
            record = {**record, "read": state.read, "starred": state.starred}
        # One copy of the values many articles share (a feed's name, a refresh's time), not
        # one per article: ~7 MB at 50,000.
        for name in _SHARED_VALUES:
            value = record.get(name)
            if isinstance(value, str):
                record[name] = sys.intern(value)
        if not self.keep_entities:
            record["entities"] = ENTITIES_NOT_LOADED
        # A feed item's guid and origin are most often its link: one string, not three.
        url = record.get("url")
        if url is not None:
            if record.get("guid") == url:
                record["guid"] = url
            if record.get("origin") == url:
                record["origin"] = url
        return Article.from_dict(record)

    def _load_shards(self) -> None:
        self._directory_signature = signature_of(self.paths.articles_dir)
        if self.writable and self.paths.articles_dir.exists():
            with self._write_lock.held():
                # A killed writer's temporary shards (".NN.json.*.tmp"): one listing, not 64.
                for leftover in self.paths.articles_dir.glob(".*.tmp"):
                    with contextlib.suppress(OSError):
                        leftover.unlink()
        # Loading 50,000 records makes the collector scan them again and again; nothing
        # here makes cycles, so it waits until the load is done.
        collecting = gc.isenabled()
        gc.disable()
        try:
            for shard in self._shards:
                try:
                    shard.load()
                except CorruptStoreError:
                    if not self.writable:
                        raise
                    # Metadata is a cache that imports and refreshes rebuild: keep the bad
                    # shard for inspection and go on without it rather than refuse to run.
                    self.recovered_from = set_aside_corrupt(shard.path)
        finally:
            if collecting:
                gc.enable()

    # Reading

    def __len__(self) -> int:
        return sum(len(shard.records) for shard in self._shards)

    def __iter__(self) -> Iterator[Article]:
        return iter(self.articles())

    def articles(self) -> list[Article]:
        """Every article, newest first."""
        with self._lock:
            snapshot = [article for shard in self._shards for article in shard.records.values()]
        return sorted(snapshot, key=lambda article: (article.sort_key, article.id), reverse=True)

    def get(self, article_id: str) -> Article | None:
        return self._shards[shard_of(article_id)].records.get(article_id)

    def find(self, predicate_field: str, value: str) -> Article | None:
        """The first article whose ``predicate_field`` equals ``value`` (e.g. "url", "guid")."""
        with self._lock:
            for shard in self._shards:
                for article in shard.records.values():
                    if getattr(article, predicate_field) == value:
                        return article
        return None

    def body(self, article: Article) -> str:
        """The canonical text of an article (empty if its body file is missing or damaged)."""
        return self.bodies.read(article.body_hash) or ""

    # Writing metadata (in memory until flush)

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
        summary: Sequence[EntitySummary]
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
        state = self.read_state.get(article.id)
        with self._lock:
            existing = self.get(article.id)
            article = replace(
                article,
                body_hash=body_hash,
                word_count=word_count(body),
                entities=summary,
                entities_version=entities.EXTRACTOR_VERSION,
                added=existing.added if existing else (article.added or utc_now_iso()),
                read=state.read,
                starred=state.starred,
            )
            if existing is None:
                self._put(article)
                return article, SaveOutcome.NEW
            # The origin is where it was first seen.
            article = replace(article, origin=existing.origin or article.origin)
            if article == existing:
                return existing, SaveOutcome.UNCHANGED
            self._put(article)
        return article, SaveOutcome.UPDATED

    def update(self, article: Article) -> None:
        """Replace an article's metadata (its body is unchanged). A change of read or starred
        is recorded durably, as by :meth:`set_read` and :meth:`set_starred`."""
        self._require_writable()
        with self._lock:
            existing = self.get(article.id)
            if existing is None:
                raise KeyError(article.id)
            self._put(article)
            if existing.read != article.read or existing.starred != article.starred:
                self._set_state([article.id], read=article.read, starred=article.starred)

    def remove(self, article_id: str) -> bool:
        """Forget an article's metadata. Its body file stays: highlights may still quote it."""
        self._require_writable()
        with self._lock:
            return self._shards[shard_of(article_id)].remove(article_id) is not None

    def _put(self, article: Article) -> None:
        self._shards[shard_of(article.id)].put(article.id, article)

    def flush(self, *, force: bool = False) -> None:
        """Write the shards this process changed (merged with other processes' writes).
        ``force`` also marks the home as set up when it holds no article yet."""
        if not self.writable:
            return
        with self._lock:
            dirty = [(number, shard) for number, shard in enumerate(self._shards) if shard.dirty]
            if not (dirty or force):
                return
            # The bodies the new metadata names reach the disk before it does.
            self.bodies.sync()
            with self._write_lock.held():
                self.paths.articles_dir.mkdir(parents=True, exist_ok=True)
                changes = []
                for number, shard in dirty:
                    before = signature_of(shard.path)
                    written: dict[str, Record | None] = {}
                    shard.flush(on_written=written.update)
                    # From the records as written: an article read without its entities
                    # was stored with the ones on disk.
                    entries = {key: None if record is None else CatalogEntry.of_record(record)
                               for key, record in written.items()}  # fmt: skip
                    changes.append(ShardChange(number, before, shard.signature, entries))
                self._keep_catalog(changes)
            # The directory signature stays as it was: another process may have replaced a
            # shard meanwhile, and the next poll_changes must still look.

    def _keep_catalog(self, changes: list[ShardChange]) -> None:
        """Bring the entity catalog along with what we wrote. It is derived data: if it is
        busy or damaged, it stays behind, and the next command that reads it catches up."""
        try:
            self.catalog.apply(changes)
        except (StoreError, sqlite3.Error):
            self.catalog.close()

    # Read and starred state: durable when the call returns

    def set_read(self, article_id: str, read: bool = True) -> Article | None:
        return self._set_state([article_id], read=read).get(article_id, self.get(article_id))

    def set_starred(self, article_id: str, starred: bool = True) -> Article | None:
        return self._set_state([article_id], starred=starred).get(article_id, self.get(article_id))

    def mark_all_read(self, article_ids: Iterable[str], read: bool = True) -> list[Article]:
        """Mark many articles read (or unread) in one durable write; those that changed."""
        return list(self._set_state(list(article_ids), read=read).values())

    def _set_state(
        self, article_ids: list[str], *, read: bool | None = None, starred: bool | None = None
    ) -> dict[str, Article]:
        known = [article_id for article_id in article_ids if self.get(article_id) is not None]
        with self._lock:
            self.read_state.update(known, read=read, starred=starred)
            applied = self._apply_states(self.read_state.take_changes())
            ours = set(article_ids)
            # Other processes' changes, read on the way, are for poll_changes to report.
            self._unpolled.update({k: a for k, a in applied.items() if k not in ours})
            return {k: a for k, a in applied.items() if k in ours}

    def _apply_states(self, states: dict[str, ReadState]) -> dict[str, Article]:
        updated: dict[str, Article] = {}
        with self._lock:
            for article_id, state in states.items():
                shard = self._shards[shard_of(article_id)]
                article = shard.records.get(article_id)
                if article is not None and (article.read, article.starred) != state:
                    article = replace(article, read=state.read, starred=state.starred)
                    # Not a metadata change: the shard on disk holds no read state.
                    shard.records[article_id] = article
                    updated[article_id] = article
        return updated

    # Other processes

    def poll_changes(self, *, thorough: bool = False) -> LibraryChanges:
        """Take in what other processes wrote since we last looked (a few stats when
        nothing changed): new and updated articles, removals, read and star changes.
        ``thorough`` looks at every shard, as after the kernel said the home changed."""
        with self._lock:
            states = self._apply_states(self.read_state.take_changes())
            changed: dict[str, Article | None] = {**self._unpolled, **states}
            self._unpolled = {}
        directory = signature_of(self.paths.articles_dir)
        if directory != self._directory_signature or thorough or self._shards_due():
            self._directory_signature = directory
            with self._lock:
                for shard in self._shards:
                    changed.update(shard.reload_if_changed())
        return LibraryChanges(changed)

    def changed_on_disk(self, *, thorough: bool = False) -> bool:
        """Whether :meth:`poll_changes` would find anything: a few stats, nothing read, so a
        timer can ask often and start a worker only when there is work. ``thorough`` looks
        at every shard (a stat each) rather than every tenth time."""
        return (
            bool(self._unpolled)
            or self.read_state.changed_on_disk()
            or signature_of(self.paths.articles_dir) != self._directory_signature
            or (
                (thorough or self._shards_due())
                and any(shard.changed_on_disk() for shard in self._shards)
            )
        )

    def _shards_due(self) -> bool:
        """Every tenth look, each shard is looked at too: a shard is replaced by a rename,
        which changes the directory's signature, unless a coarse clock hides a second
        rename in the same tick."""
        self._looks += 1
        return self._looks % 10 == 0

    def close(self) -> None:
        with self._lock:
            self.flush()
            self.read_state.close()
            self.catalog.close()
            self.bodies.close()
