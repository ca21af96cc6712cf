"""The article cache: metadata in TinyDB shards, read state in a journal, bodies one file each.

``Library`` is the one way in for every front (command line, TUI, scripts). It is safe to use
from worker threads, and several processes may open the same home at once (the app, a second
app, a cron ``refresh``): writes take short locks, and :meth:`Library.poll_changes` takes in
what the others wrote.

- Metadata is split over ``SHARD_COUNT`` TinyDB files by a hash of the article id, so a flush
  rewrites only the shards that changed (a few hundred kilobytes each at 50,000 articles).
- Read and starred state lives apart (:mod:`store.read_state`): marking an article read is one
  fsync'd journal line, not a rewrite of anything.
- The metadata is the user's too (pages they saved, files they imported, articles they read,
  starred or highlighted), so every flush also copies what it wrote into ``bodies.sqlite``
  (:meth:`store.bodies.BodyStore.mirror`), and a shard found damaged is rebuilt from that
  copy and from what the damaged file still holds; the damaged file is kept beside it.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import sqlite3
import sys
import threading
import time
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from store import entities
from store.bodies import BodyStore
from store.db import (
    AtomicJSONStorage,
    ClosedOnExit,
    CorruptStoreError,
    FileSignature,
    ReadOnlyHomeError,
    StoreError,
    WriteLock,
    can_write,
    signature_of,
)
from store.entities.catalog import CatalogEntry, EntityCatalog, ShardChange
from store.entities.correction_store import read_corrections
from store.entities.mentions_store import MentionStore
from store.entities.pending import mark_pending
from store.migration import migrate_single_file_cache
from store.models import ENTITIES_NOT_LOADED, PENDING_ENTITIES_VERSION, Article, EntitySummary
from store.paths import SHARD_COUNT, DataPaths, shard_of
from store.read_state import UNREAD, ReadState, ReadStateStore
from store.recovery import check_fields, say, say_damaged_record
from store.snapshot import Row, article_from_row, read_snapshot, write_snapshot
from store.structure import TextStructure
from store.table_file import Record, TableFile, read_documents
from store.text import word_count

if TYPE_CHECKING:
    from store.search import ShardWrite

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
    """Now, to the second, as ISO 8601 in UTC."""
    return _iso_second(int(time.time()))


@functools.lru_cache(maxsize=1)
def _iso_second(second: int) -> str:
    # Remembered for the second it names: a refresh stamps thousands of articles in the same
    # few seconds.
    return datetime.fromtimestamp(second, UTC).isoformat()


def encode_article(article: Article) -> Record:
    """The shard record: everything but the read state, which lives apart."""
    record = article.to_record()
    del record["read"], record["starred"]
    return record


def listable_records(
    paths: DataPaths, number: int, only: Collection[str] | None = None
) -> list[Record]:
    """One shard's stored records as they are (those whose ids are in ``only``, when given),
    for a listing read without a library (:mod:`store.listing`): a record of the wrong shape
    named and left out, and a damaged shard read as a read-only library reads it (what it
    still holds, and the copy in ``bodies.sqlite``), without touching the file."""
    path = paths.article_shard(number)
    try:
        stored = AtomicJSONStorage(path).read() or {}
        documents: Iterable[tuple[str, object]] = stored.get("articles", {}).items()
    except CorruptStoreError as problem:
        shard: TableFile[Record] = TableFile(path, "articles", decode=dict, encode=dict)
        with BodyStore(paths) as bodies:
            copied = bodies.mirrored_records(number)
        by_id = {record["id"]: record for record in [*shard.salvage(), *copied]}
        documents = [(str(n), record) for n, record in enumerate(by_id.values(), 1)]
        say(f"{problem}; {len(by_id)} of its articles were read back (from it, and from the "
            f"copy in {paths.bodies_db.name}); any command that writes rebuilds it")  # fmt: skip
    records: list[Record] = []
    for document_id, document in documents:
        if only is not None and (not isinstance(document, dict) or document.get("id") not in only):
            continue
        try:
            if not isinstance(document, dict):
                raise ValueError("it is not an object")
            check_fields(Article, document)
        except ValueError as problem:
            say_damaged_record(path, document_id, document, str(problem))
            continue
        records.append(document)
    return records


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
        if writable and not can_write(paths.home):
            raise ReadOnlyHomeError(paths.home)
        self.writable = writable
        self.keep_entities = keep_entities
        self.bodies = BodyStore(paths)
        self.recovered_from: Path | None = self.bodies.recovered_from
        """Set when a damaged body database or metadata shard was found: the damaged file
        as it is kept (the shard itself when the library is read-only). What could be read
        back was, and :func:`store.recovery.say` told the user how much."""
        self.mentions = MentionStore(paths)
        """Entity mentions of each body, kept beside it once the article has been opened."""
        self.catalog = EntityCatalog(paths.entity_catalog, busy_timeout=_CATALOG_WAIT_SECONDS)
        """Which articles name which entities, on disk: our flushes keep it current."""
        # Imported here: the search package reads shards through store.listing, which
        # imports this module.
        from store.search import SearchIndex

        self.search_index = SearchIndex(paths.search_index, busy_timeout=_CATALOG_WAIT_SECONDS)
        """Every article's words, on disk: our flushes keep it current once it exists."""
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
        self._snapshot_signatures: dict[int, FileSignature] = {}
        """Each shard's signature as the quick-start copy on disk has it (as far as we know)."""
        self._wrote_shards = False
        self._looks = 0
        self._entities_deferred = False
        """A save left an entity summary to be made: the next flush says so on disk."""
        self._unpolled: dict[str, Article] = {}
        """Other processes' read-state changes that one of our writes took in on its way, for
        the next :meth:`poll_changes` to report."""
        self._load_shards()

    def _decode(self, record: Record) -> Article:
        # A record of the wrong shape is named and skipped (TableFile), never let through
        # to fail later, far away, in a sort or a widget.
        check_fields(Article, record)
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
        # The app's quick start (store.snapshot): shards unchanged since the copy was made
        # are taken from it, the others read from their JSON.
        snapshot = {} if self.keep_entities else read_snapshot(self.paths.shard_snapshot)
        self._snapshot_signatures = {number: rows[0] for number, rows in snapshot.items()}
        try:
            for number, shard in enumerate(self._shards):
                copied = snapshot.get(number)
                if copied is not None and copied[0] == signature_of(shard.path):
                    shard.adopt(self._from_rows(copied[1]), copied[0])
                    continue
                try:
                    shard.load()
                except CorruptStoreError as problem:
                    self._recover_shard(number, shard, problem)
        finally:
            if collecting:
                gc.enable()
        self._mirror_complete = not self.writable or self.bodies.mirror_complete()
        if not self._mirror_complete and (len(self) or self._has_damaged_records()):
            self._copy_all_to_mirror()

    def _from_rows(self, rows: list[Row]) -> dict[str, Article]:
        get_state = self.read_state.get
        articles: dict[str, Article] = {}
        for row in rows:
            state = get_state(row[0])
            article = article_from_row(row, state.read, state.starred, ENTITIES_NOT_LOADED)
            articles[article.id] = article
        return articles

    def release_page_caches(self) -> None:
        """Let SQLite free the pages it kept of the texts and catalog answers read so far. An
        app that opens article after article reads each text once: the pages it kept filled
        its caches to their limits (~0.75 MB at 50,000 articles) for nothing the system's
        file cache does not give. Reading again costs a few system calls."""
        self.bodies.release_page_cache()
        self.catalog.release_page_cache()

    def keep_snapshot(self) -> bool:
        """Write the quick-start copy (store.snapshot) again if a shard changed since it was
        made; whether it was written."""
        if not self.writable:
            return False
        with self._lock:
            shards = [
                (number, signature, list(shard.records.values()))
                for number, shard in enumerate(self._shards)
                if (signature := shard.signature) is not None
                and not (shard.dirty or shard.damaged_records or shard.damaged_file)
            ]
            signatures = {number: signature for number, signature, _ in shards}
            if signatures == self._snapshot_signatures:
                return False
            self._snapshot_signatures = signatures
        write_snapshot(self.paths.shard_snapshot, shards)
        return True

    def _has_damaged_records(self) -> bool:
        return any(shard.damaged_records for shard in self._shards)

    def _recover_shard(self, number: int, shard: TableFile[Article], problem: StoreError) -> None:
        """Rebuild a damaged shard from the copy in ``bodies.sqlite`` and what the file still
        holds. Written back (the damaged file kept as ``NN.json.corrupt``) when we may write;
        else held in memory, and the file left as it is."""
        if self.writable:
            with self._write_lock.held():
                try:
                    shard.load()  # another process may have rebuilt it while we waited
                    return
                except CorruptStoreError:
                    pass
                salvaged = shard.salvage()
                copied = self.bodies.mirrored_records(number)
                # The copy is written after the shard, under the same lock: it is as new.
                kept = shard.restore([*salvaged, *copied], write=True)
        else:
            salvaged = shard.salvage()
            copied = self.bodies.mirrored_records(number)
            kept = shard.restore([*salvaged, *copied], write=False)
        self.recovered_from = kept or shard.path
        where = f"kept as {kept.name}" if kept else "left as it is (read-only)"
        say(
            f"{problem}. Rebuilt it with {len(shard.records)} articles: {len(copied)} from the "
            f"copy in {self.paths.bodies_db.name}, {len(salvaged)} read back from the damaged "
            f"file, which is {where}"
        )

    def _copy_all_to_mirror(self) -> None:
        """Copy every shard's records into ``bodies.sqlite`` once (a home from before the
        copy existed), under the write lock so no flush interleaves."""
        with self._write_lock.held():
            changes: dict[int, dict[str, Record | None]] = {}
            for number, shard in enumerate(self._shards):
                try:
                    documents = read_documents(shard.path, "articles")
                except CorruptStoreError:
                    continue
                changes[number] = {row["id"]: row for _, row in documents
                                   if isinstance(row.get("id"), str)}  # fmt: skip
            self.bodies.mirror(changes)
            self.bodies.mark_mirrored()
        self._mirror_complete = True

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

    def read_body(self, article: Article) -> str | None:
        """The canonical text of an article; None when it is missing or damaged (then a
        front says so, and fetches it again where it can: see :mod:`store.restore`)."""
        return self.bodies.read(article.body_hash)

    # Writing metadata (in memory until flush)

    def _require_writable(self) -> None:
        if not self.writable:
            raise ReadOnlyHomeError(self.paths.home, "opened read-only")

    def save(
        self,
        article: Article,
        body: str,
        *,
        entity_summary: tuple[EntitySummary, ...] | None = None,
        structure: TextStructure | None = None,
        entities_later: bool = False,
    ) -> tuple[Article, SaveOutcome]:
        """Store an article and its canonical body (with the body's ``structure``, its blocks
        and links, when the source gave more than paragraphs); keep read/starred state of an
        existing one.

        The article's ``body_hash``, ``word_count`` and entity summary are derived from ``body``
        here, so callers cannot store metadata that disagrees with the text. A caller that
        already ran ``entities.summarize(entities.extract(body), title)`` elsewhere passes
        the result as ``entity_summary``.

        ``entities_later`` (a refresh) stores a new or changed text with no summary yet, as
        a stale one (:mod:`store.entities.pending`): it is made after the refresh, by the app
        in the background or by the first command that reads entities, not on its way in.
        """
        self._require_writable()
        body_hash = self.bodies.write(body, structure)
        return self._save_metadata(article, body, body_hash, entity_summary, entities_later)

    def save_many(
        self, items: Sequence[tuple[Article, str, TextStructure | None]], *, entities_later: bool
    ) -> list[tuple[Article, SaveOutcome]]:
        """:meth:`save` for each (article, body, structure), the bodies written in one
        transaction: a feed's items at once, rather than a commit each."""
        self._require_writable()
        hashes = self.bodies.write_many([(body, structure) for _, body, structure in items])
        return [
            self._save_metadata(article, body, body_hash, None, entities_later)
            for (article, body, _), body_hash in zip(items, hashes, strict=True)
        ]

    def _save_metadata(
        self,
        article: Article,
        body: str,
        body_hash: str,
        entity_summary: tuple[EntitySummary, ...] | None,
        entities_later: bool,
    ) -> tuple[Article, SaveOutcome]:
        existing = self.get(article.id)
        summary: Sequence[EntitySummary]
        version = entities.stored_version()
        if entity_summary is not None:
            summary = entity_summary
            # The user's splits of a spelling (store.entities.corrections) need the mentions.
            corrections = read_corrections(self.paths)
            if corrections.splits_touch(entity.key for entity in summary):
                split = corrections.split_mentions(entities.extract(body))
                summary = entities.summarize(split, article.title)
        elif existing is not None and (existing.body_hash, existing.entities_version) == (
            body_hash,
            entities.stored_version(),
        ):
            summary = existing.entities
        elif entities_later:
            summary, version = (), PENDING_ENTITIES_VERSION
            self._entities_deferred = True
        else:
            # Outside the lock: extraction is the slow part, and other savers need not wait.
            # Only the summary is stored now; the full mentions are cached beside the body
            # when the article is first opened, which halves the files a refresh creates.
            split = read_corrections(self.paths).split_mentions(entities.extract(body))
            summary = entities.summarize(split, article.title)
        state = self.read_state.get(article.id)
        with self._lock:
            existing = self.get(article.id)
            article = replace(
                article,
                body_hash=body_hash,
                word_count=word_count(body),
                entities=summary,
                entities_version=version,
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
            self._wrote_shards = True
            from store.search import ShardWrite  # see __init__

            # The bodies the new metadata names reach the disk before it does.
            self.bodies.sync()
            with self._write_lock.held():
                self.paths.articles_dir.mkdir(parents=True, exist_ok=True)
                changes = []
                writes: list[ShardWrite] = []
                copies: dict[int, dict[str, Record | None]] = {}
                for number, shard in dirty:
                    before = signature_of(shard.path)
                    written: dict[str, Record | None] = {}
                    shard.flush(on_written=written.update)
                    copies[number] = written
                    # From the records as written: an article read without its entities
                    # was stored with the ones on disk.
                    entries = {key: None if record is None else CatalogEntry.of_record(record)
                               for key, record in written.items()}  # fmt: skip
                    changes.append(ShardChange(number, before, shard.signature, entries))
                    writes.append(ShardWrite(number, before, shard.signature, written))
                # The copy a damaged shard is rebuilt from: after the shards, so it is
                # never older than they are.
                self.bodies.mirror(copies)
                if not self._mirror_complete:
                    # The home held nothing when we opened it: what we write is all there is.
                    self.bodies.mark_mirrored()
                    self._mirror_complete = True
                self._keep_catalog(changes)
                self._keep_search_index(writes)
            if self._entities_deferred:
                # After the shards: a pass that read them before this flush leaves it.
                mark_pending(self.paths)
                self._entities_deferred = False
            # The directory signature stays as it was: another process may have replaced a
            # shard meanwhile, and the next poll_changes must still look.

    def _keep_catalog(self, changes: list[ShardChange]) -> None:
        """Bring the entity catalog along with what we wrote. It is derived data: if it is
        busy or damaged, it stays behind, and the next command that reads it catches up."""
        try:
            self.catalog.apply(changes)
        except (StoreError, sqlite3.Error):
            self.catalog.close()

    def _keep_search_index(self, writes: list[ShardWrite]) -> None:
        """Bring the search index along with what we wrote, as the entity catalog: derived
        data, left behind when busy or damaged for the next search to catch up."""
        try:
            self.search_index.apply(writes, self.bodies.read)
        except (StoreError, sqlite3.Error):
            self.search_index.close()

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
        self._require_writable()
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
            # The app's next start reads the copy, not the shards we wrote: a refresh from
            # cron would otherwise make it read every shard's JSON (~0.3 s more at 50,000).
            if self._wrote_shards or not self.keep_entities:
                self.keep_snapshot()
            self.read_state.close()
            self.catalog.close()
            self.search_index.close()
            self.bodies.close()
