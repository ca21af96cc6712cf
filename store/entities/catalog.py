"""Which articles name which entities, kept on disk in SQLite: derived data, never the record.

Both fronts ask it: the app when an entity filters the list, ``list --entity`` and the
searches to come. Building the answer from 50,000 articles' summaries each time took ~0.9 s
and, in the app, ~35 MB of summaries held in memory; here it is an indexed lookup in
``derived/entities.sqlite``. The rules of a lookup (a name in any case, a part of one person's
name, a place's other spelling) are spelled out independently in tests/test_entity_catalog.py.
The user's corrections (:mod:`store.entities.corrections`: merges, splits, labels, hidden
names) are laid on every answer; the rows keep the extractor's keys. Beside the postings, each
article's date, headline and body hash, and each mention's count and first offset, so that
an entity's page (:mod:`store.entities.page`) and the most-named entities of a period
(:mod:`store.entities.top`) are read from here, never from the bodies.

It is kept per metadata shard. For each shard it records the file signature of the shard it
describes, and that pair is always true: the rows of shard N are what shard N held when it had
that signature.
- A writer that flushes a shard which the catalog describes as it was on disk applies only
  the articles it changed (:meth:`EntityCatalog.apply`, under the articles' write lock).
- Anything else makes the shard stale: another version of Broadsheet wrote it, a crash fell
  between the shard and the catalog, the catalog is new. A reader that finds stale shards
  indexes them again from the records it has read (:meth:`EntityCatalog.catch_up`).
- A damaged or foreign file is deleted and built again: nothing in it is the user's.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from store.db import ClosedOnExit, FileSignature, StoreError, can_write
from store.derived_db import delete_files, open_derived, transaction
from store.entities.aliases import name_parts
from store.entities.correction_store import read_corrections
from store.entities.corrections import NO_CORRECTIONS, Corrections
from store.models import Article, EntitySummaries
from store.paths import DataPaths

SCHEMA_VERSION = 2
"""2: the article's headline, body hash and an index by date; each mention's count and first
offset. A catalog of another version is dropped and built again."""
_BUSY_TIMEOUT_SECONDS = 10.0

_SCHEMA = """
CREATE TABLE article (
    num INTEGER PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    shard INTEGER NOT NULL,
    sort_key TEXT NOT NULL,
    title TEXT NOT NULL,
    body_hash TEXT NOT NULL
);
CREATE INDEX article_by_shard ON article (shard);
CREATE INDEX article_by_date ON article (sort_key);
CREATE TABLE mention (
    entity TEXT NOT NULL,
    num INTEGER NOT NULL,
    label TEXT NOT NULL,
    count INTEGER NOT NULL,
    first INTEGER NOT NULL,
    PRIMARY KEY (entity, num, label)
) WITHOUT ROWID;
CREATE INDEX mention_by_article ON mention (num, count);
CREATE TABLE name (
    folded TEXT NOT NULL,
    entity TEXT NOT NULL,
    PRIMARY KEY (folded, entity)
) WITHOUT ROWID;
CREATE TABLE person_part (
    part TEXT NOT NULL,
    folded TEXT NOT NULL,
    person TEXT NOT NULL,
    PRIMARY KEY (part, person)
) WITHOUT ROWID;
CREATE INDEX person_part_by_folded ON person_part (folded);
CREATE TABLE shard (
    number INTEGER PRIMARY KEY,
    signature TEXT NOT NULL
);
"""
# ``mention_by_article`` holds the count so that counting the entities of a set of articles
# (co-mentions, the top list) reads the index alone: 16 ms rather than 68 for 40,000 rows.
# ``name`` and ``person_part`` only grow: whether a name is still in use is asked of
# ``mention`` at lookup time, as the in-memory index asks its live postings.


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """What the catalog needs of an article: its id, where it sorts (its date), its packed
    summaries, and what a page lists it by (headline; body hash, for its first sentence)."""

    article_id: str
    sort_key: str
    entities: str
    title: str = ""
    body_hash: str = ""

    @classmethod
    def of_article(cls, article: Article) -> CatalogEntry:
        packed = EntitySummaries.of(article.entities).packed
        return cls(article.id, article.sort_key, packed, article.title, article.body_hash)

    @classmethod
    def of_record(cls, record: dict[str, Any]) -> CatalogEntry:
        """From a shard's stored record (entities packed; a list in 0.1's form)."""
        entities = record.get("entities") or ""
        packed = entities if isinstance(entities, str) else EntitySummaries.of(entities).packed
        sort_key = record.get("published") or record.get("added") or ""
        title, body_hash = record.get("title"), record.get("body_hash")
        return cls(
            record["id"],
            sort_key,
            packed,
            title if isinstance(title, str) else "",
            body_hash if isinstance(body_hash, str) else "",
        )


@dataclass(frozen=True, slots=True)
class ShardContents:
    """A shard's articles as read while the file had ``signature`` (None: no file)."""

    number: int
    signature: FileSignature | None
    entries: Sequence[CatalogEntry]


@dataclass(frozen=True, slots=True)
class ShardChange:
    """A writer's flush of one shard: the file went from ``before`` to ``after``, and these
    articles are now as given (None: removed)."""

    number: int
    before: FileSignature | None
    after: FileSignature | None
    articles: dict[str, CatalogEntry | None]


P = ParamSpec("P")
R = TypeVar("R")


def _rebuilt_when_damaged(method: Callable[P, R]) -> Callable[P, R]:
    """Run ``method`` holding the catalog's lock; if SQLite finds the file damaged, start an
    empty catalog (every shard then reads as stale) and run it once more. A busy database is
    not damage: that goes up as a StoreError."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        catalog = args[0]
        assert isinstance(catalog, EntityCatalog)
        with catalog.lock:  # one connection, shared by the app's threads
            try:
                return method(*args, **kwargs)
            except sqlite3.OperationalError as problem:
                message = f"the entity index {catalog.path} is unavailable: {problem}"
                raise StoreError(message) from None
            except sqlite3.DatabaseError:
                catalog.reset()
                return method(*args, **kwargs)

    return run


def _signature_text(signature: FileSignature | None) -> str:
    if signature is None:
        return "absent"
    return f"{signature.inode}:{signature.size}:{signature.mtime_ns}"


class EntityCatalog(ClosedOnExit):
    """The entity postings of every article in SQLite, one connection per instance."""

    def __init__(
        self,
        path: Path,
        *,
        busy_timeout: float = _BUSY_TIMEOUT_SECONDS,
        home: DataPaths | None = None,
    ) -> None:
        """``home``: whose corrections apply; by default the home the catalog is in (it is
        ``derived/entities.sqlite`` there); none for a catalog elsewhere."""
        self.path = path
        self.busy_timeout = busy_timeout
        """How long to wait for another process's write before giving up (OperationalError)."""
        if home is None and path.parent.name == "derived":
            home = DataPaths(path.parent.parent)
        self.home = home
        self._connection: sqlite3.Connection | None = None
        self.lock = threading.RLock()

    # The connection, made (and the file made sound) on first use

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            if not can_write(self.path.parent):
                # A read-only home: derived data is built in memory, from the shards, as
                # a missing catalog would be; nothing is required of the file.
                self._connection = self._open(":memory:")
                return self._connection
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError:
                # Damaged, or not ours: derived data is rebuilt rather than repaired.
                self._delete_files()
                self._connection = self._open()
        return self._connection

    def _open(self, where: Path | str | None = None) -> sqlite3.Connection:
        return open_derived(where or self.path, _SCHEMA, SCHEMA_VERSION, self.busy_timeout)

    def _delete_files(self) -> None:
        delete_files(self.path)

    def reset(self) -> None:
        """Forget everything: the next use starts an empty catalog."""
        self.close()
        self._delete_files()

    def release_page_cache(self) -> None:
        """Let SQLite free the pages it kept of the queries so far."""
        with self.lock:
            if self._connection is not None:
                with contextlib.suppress(sqlite3.Error):  # derived data: never worth a failure
                    self._connection.execute("PRAGMA shrink_memory")

    def close(self) -> None:
        with self.lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # Keeping it current

    @_rebuilt_when_damaged
    def stale(self, signatures: dict[int, FileSignature | None]) -> list[int]:
        """The shards (of those given, with their files' signatures now) the catalog does not
        describe as they are."""
        stored = self._signatures()
        return [
            number
            for number, signature in signatures.items()
            if stored[number] != _signature_text(signature)
        ]

    @_rebuilt_when_damaged
    def catch_up(self, shards: Iterable[ShardContents]) -> int:
        """Index again each given shard the catalog does not describe at its signature; how
        many were."""
        shards = list(shards)
        if not self.stale({shard.number: shard.signature for shard in shards}):
            return 0  # the usual case, without taking the write lock
        repaired = 0
        with transaction(self._connect()):
            stored = self._signatures()
            for shard in shards:
                if stored[shard.number] != _signature_text(shard.signature):
                    self._forget_shard(shard.number)
                    self._index(shard.number, shard.entries)
                    self._record(shard.number, shard.signature)
                    repaired += 1
        return repaired

    @_rebuilt_when_damaged
    def apply(self, changes: Iterable[ShardChange]) -> None:
        """A writer's flush: shards the catalog described as they were before it take only the
        changed articles; the others stay stale for a reader to repair."""
        connection = self._connect()
        with transaction(connection):
            stored = self._signatures()
            for change in changes:
                if stored[change.number] != _signature_text(change.before):
                    continue
                self._forget_articles(change.articles)
                present = [entry for entry in change.articles.values() if entry is not None]
                self._index(change.number, present)
                self._record(change.number, change.after)

    def _signatures(self) -> defaultdict[int, str]:
        """Each shard's signature as the catalog describes it; a shard it has never seen is
        described as absent (it holds nothing of it)."""
        rows = self._connect().execute("SELECT number, signature FROM shard").fetchall()
        return defaultdict(lambda: _signature_text(None), rows)

    def _record(self, number: int, signature: FileSignature | None) -> None:
        self._connect().execute(
            "INSERT OR REPLACE INTO shard (number, signature) VALUES (?, ?)",
            (number, _signature_text(signature)),
        )

    def _forget_shard(self, number: int) -> None:
        connection = self._connect()
        connection.execute(
            "DELETE FROM mention WHERE num IN (SELECT num FROM article WHERE shard = ?)", (number,)
        )
        connection.execute("DELETE FROM article WHERE shard = ?", (number,))

    def _forget_articles(self, article_ids: Iterable[str]) -> None:
        connection = self._connect()
        ids = [(article_id,) for article_id in article_ids]
        connection.executemany(
            "DELETE FROM mention WHERE num = (SELECT num FROM article WHERE id = ?)", ids
        )
        connection.executemany("DELETE FROM article WHERE id = ?", ids)

    def _index(self, shard: int, entries: Iterable[CatalogEntry]) -> None:
        connection = self._connect()
        mentions: list[tuple[str, int, str, int, int]] = []
        people: set[str] = set()
        entities: set[str] = set()
        for entry in entries:
            cursor = connection.execute(
                "INSERT INTO article (id, shard, sort_key, title, body_hash) "
                "VALUES (?, ?, ?, ?, ?)",
                (entry.article_id, shard, entry.sort_key, entry.title, entry.body_hash),
            )
            number = cursor.lastrowid
            assert number is not None
            for key, label, count, first, _ in EntitySummaries(entry.entities):
                mentions.append((key, number, label, count, first))
                entities.add(key)
                if label == "PERSON" and " " in key:
                    people.add(key)
        connection.executemany("INSERT OR IGNORE INTO mention VALUES (?, ?, ?, ?, ?)", mentions)
        connection.executemany(
            "INSERT OR IGNORE INTO name VALUES (?, ?)", ((k.casefold(), k) for k in entities)
        )
        connection.executemany(
            "INSERT OR IGNORE INTO person_part VALUES (?, ?, ?)",
            ((part, part.casefold(), person) for person in people for part in name_parts(person)),
        )

    # Asking it

    def corrections(self) -> Corrections:
        """The user's corrections in force (a stat when they have not changed)."""
        return NO_CORRECTIONS if self.home is None else read_corrections(self.home)

    def _named(self, key: str) -> bool:
        row = self._connect().execute("SELECT 1 FROM mention WHERE entity = ? LIMIT 1", (key,))
        return row.fetchone() is not None

    def _group_named(self, key: str, corrections: Corrections) -> bool:
        return any(self._named(member) for member in corrections.members(key))

    def _owners(self, part: str) -> set[str]:
        rows = self._connect().execute("SELECT person FROM person_part WHERE part = ?", (part,))
        return {person for (person,) in rows.fetchall() if self._named(person)}

    @_rebuilt_when_damaged
    def resolve(self, name: str) -> list[str]:
        """The entity keys a user's ``name`` means: the key itself (any case), a part of one
        person's name ("Takaichi"), or a place's other spelling ("US" → "United States");
        each as the user's corrections have it (a merged name gives the entity it was merged
        into; a part split from a person does not give the person)."""
        corrections = self.corrections()
        return sorted({corrections.canonical(key) for key in self._resolve(name, corrections)})

    def _resolve(self, name: str, corrections: Corrections) -> list[str]:
        connection = self._connect()
        wanted = " ".join(name.split()).casefold()
        rows = connection.execute("SELECT entity FROM name WHERE folded = ?", (wanted,))
        keys = [key for (key,) in rows.fetchall() if self._group_named(key, corrections)]
        keys += [
            key
            for key in corrections.merged_names()
            if key.casefold() == wanted and self._group_named(key, corrections)
        ]
        if keys:
            return keys
        parts = connection.execute("SELECT DISTINCT part FROM person_part WHERE folded = ?",
                                   (wanted,))  # fmt: skip
        people = {
            person
            for (part,) in parts.fetchall()
            for person in self._owners(part)
            if not corrections.apart(person, part)
        }
        if people:
            return sorted(people)
        from store.entities.gazetteer import gazetteer  # its data loads on first use

        spelled = " ".join(name.split())
        for variant in (spelled, spelled.upper(), spelled.title()):
            place = gazetteer().place(variant)
            if place is not None and self._group_named(place.key, corrections):
                return [place.key]
        return []

    @_rebuilt_when_damaged
    def articles_mentioning(self, keys: Iterable[str]) -> list[str]:
        """Ids of the articles that name any of the entities, newest first: by any name
        merged into them, and a person also by a part of the name that belongs to no one
        else (unless the user split the two)."""
        wanted: set[str] = set()
        corrections = self.corrections()
        for key in keys:
            wanted.update(self._postings_keys(key, corrections))
        return list(self._articles_naming(sorted(wanted)))

    @_rebuilt_when_damaged
    def postings_keys(self, key: str) -> list[str]:
        """The keys the rows hold for the entity ``key`` (as :meth:`resolve` gives it): the
        names merged into it, and the parts of a person's name only that person has."""
        return sorted(self._postings_keys(key, self.corrections()))

    def _postings_keys(self, key: str, corrections: Corrections) -> set[str]:
        root = corrections.canonical(key)
        wanted = set(corrections.members(root))
        for member in list(wanted):
            for part in name_parts(member) if " " in member else ():
                if (
                    corrections.canonical(part) in (part, root)
                    and not corrections.apart(member, part)
                    and self._owners(part) == {member}
                ):
                    wanted.add(part)
        return wanted

    def _articles_naming(self, keys: list[str]) -> Iterator[str]:
        if not keys:
            return
        marks = ", ".join("?" * len(keys))
        rows = self._connect().execute(
            f"SELECT DISTINCT article.id, article.sort_key FROM mention "
            f"JOIN article ON article.num = mention.num WHERE mention.entity IN ({marks}) "
            f"ORDER BY article.sort_key DESC, article.id DESC",
            keys,
        )
        for article_id, _ in rows:
            yield article_id

    @_rebuilt_when_damaged
    def select(self, sql: str, parameters: Sequence[object] = ()) -> list[tuple[Any, ...]]:
        """The rows of a query of the catalog's tables, for the entity queries beside it
        (:mod:`store.entities.page`, :mod:`store.entities.top`)."""
        return self._connect().execute(sql, parameters).fetchall()

    @_rebuilt_when_damaged
    def sole_owners(self, parts: Iterable[str]) -> dict[str, str]:
        """Of these one-word keys, those that are a part of one named person's name only (as
        :meth:`articles_mentioning` counts them): part → that person, unless split apart.
        A few queries for any number of parts."""
        corrections = self.corrections()
        wanted = [part for part in parts if corrections.canonical(part) == part]
        people: defaultdict[str, set[str]] = defaultdict(set)
        for chunk in _chunks(wanted):
            marks = ", ".join("?" * len(chunk))
            for part, person in self._connect().execute(
                f"SELECT part, person FROM person_part WHERE part IN ({marks})", chunk
            ):
                people[part].add(person)
        named: set[str] = set()
        for chunk in _chunks(sorted({person for found in people.values() for person in found})):
            marks = ", ".join("?" * len(chunk))
            rows = self._connect().execute(
                f"SELECT DISTINCT entity FROM mention WHERE entity IN ({marks})", chunk
            )
            named.update(entity for (entity,) in rows)
        owners: dict[str, str] = {}
        for part, found in people.items():
            alive = found & named
            if len(alive) == 1:
                (person,) = alive
                if not corrections.apart(person, part):
                    owners[part] = person
        return owners


def _chunks(items: Sequence[str], size: int = 500) -> Iterator[Sequence[str]]:
    """Pieces small enough for one IN (...) (SQLite limits a statement's parameters)."""
    for start in range(0, len(items), size):
        yield items[start : start + size]
