"""Article bodies: each canonical text once, by its sha256, in one SQLite file.

Bodies were one file each. On this machine creating a small file and writing it costs ~0.7 ms
of kernel time, which made it most of a refresh's CPU (4,000 new articles: ~1 s); a row in
SQLite costs tens of microseconds. ``bodies.sqlite`` runs in WAL mode, so the app, a second
app and a cron refresh read and write it at once, and a crash never leaves a half-written row.

- Every read checks the text against its hash: damage reads as missing, and the next save of
  that text writes it again.
- Commits are not fsync'd one by one (``synchronous=NORMAL``); :meth:`BodyStore.sync` makes
  all of them durable with one fsync, and the library calls it before it writes metadata that
  names the bodies, so metadata on disk never points at a body a power cut could lose.
- Homes from before keep their body files (``bodies/ab/<hash>.txt``): they are read when the
  database does not hold a text, and new texts go to the database.
- It also keeps a copy of every article's metadata record (table ``article``), written by
  each flush of the library's shards: a shard found damaged is rebuilt from it
  (:meth:`BodyStore.mirrored_records`), so the articles a user saved, imported, read, starred
  or highlighted outlive the damage. A damaged database is set aside, and what it still
  holds is read back into a new one.
- Beside each text, its structure (:class:`store.structure.TextStructure`: the kinds of its
  blocks, its links), by the same hash (table ``structure``), written with the text. A text
  with none stored (from before, or plain paragraphs) reads as paragraphs, and so does one
  whose stored structure does not fit it.
- In a folder this process cannot write to, the database is opened read-only.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import quote

import orjson

from store.db import ClosedOnExit, CorruptStoreError, StoreError, can_write, set_aside_corrupt
from store.paths import DataPaths
from store.recovery import say
from store.structure import TextStructure
from store.text import content_hash

SCHEMA_VERSION = 1
_BUSY_TIMEOUT_SECONDS = 10.0
# SQLite's page cache, per connection. Its default (2 MB) fills as a reader opens article
# after article, each text read once: memory that grows for nothing the OS's cache of the
# file would not give. The tree's inner pages, read on every lookup, fit in this.
PAGE_CACHE_KIB = 256
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS body (hash TEXT PRIMARY KEY, text TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    # Added beside the version-1 tables, which stay as they were: older versions ignore it.
    "CREATE TABLE IF NOT EXISTS article "
    "(id TEXT PRIMARY KEY, shard INTEGER NOT NULL, record BLOB NOT NULL)",
    "CREATE INDEX IF NOT EXISTS article_by_shard ON article (shard)",
    # Also added beside them: a text's blocks and links (JSON), by the text's hash.
    "CREATE TABLE IF NOT EXISTS structure (hash TEXT PRIMARY KEY, structure BLOB NOT NULL)",
)
_MIRROR_COMPLETE = "articles-mirrored"
"""Set in ``meta`` once every article of the home has been copied into ``article``."""
MirrorChanges = Mapping[int, Mapping[str, Mapping[str, Any] | None]]
"""Records written to each shard, by article id (None: removed)."""
# A text stored under its hash never changes, unless the stored copy is damaged: then the
# conflict clause writes the good one over it.
_WRITE = (
    "INSERT INTO body (hash, text) VALUES (?, ?) "
    "ON CONFLICT (hash) DO UPDATE SET text = excluded.text WHERE text != excluded.text"
)
# The same text read again from its source gives the same structure: written only if it
# differs (a newer version read it better).
_WRITE_STRUCTURE = (
    "INSERT INTO structure (hash, structure) VALUES (?, ?) ON CONFLICT (hash) "
    "DO UPDATE SET structure = excluded.structure WHERE structure != excluded.structure"
)


class BodyStore(ClosedOnExit):
    """Canonical bodies by content hash; safe to share between threads and processes."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self.path = paths.bodies_db
        self.recovered_from: Path | None = None
        """Set when a damaged database was moved aside (its texts come back with the next
        import or refresh)."""
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self.read_only = not can_write(self.path.parent)
        """The folder cannot be written: the database is read, never written."""
        if self.path.exists():
            # Now, so that a damaged file is found (and said) when the library opens.
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            if self.read_only:
                self._connection = self._open_read_only()
                return self._connection
            try:
                self._connection = self._open()
            except sqlite3.OperationalError as problem:
                raise StoreError(f"cannot open {self.path}: {problem}") from None
            except sqlite3.DatabaseError:
                # Not a database at all. Keep the damaged file for inspection, start again,
                # and read back whatever rows it still gives.
                self.recovered_from = _set_aside(self.path)
                self._connection = self._open()
                bodies, articles = _copy_readable_rows(self.recovered_from, self._connection)
                say(
                    f"{self.path} could not be read and is kept as {self.recovered_from.name};"
                    f" {bodies} texts and {articles} article records were read back from it"
                )
        return self._connection

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(
            self.path, timeout=_BUSY_TIMEOUT_SECONDS, isolation_level=None,
            check_same_thread=False,
        )  # fmt: skip
        try:
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
            connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
            for statement in _SCHEMA:
                connection.execute(statement)
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def _open_read_only(self) -> sqlite3.Connection:
        """Read-only. SQLite reads a database in WAL mode from a folder it cannot write only
        while another process has it open (the write-ahead log and its index exist); else
        the file is all there is, and is opened as immutable."""
        address = f"file:{quote(str(self.path))}?mode=ro"
        problem: sqlite3.Error | None = None
        for options in ("", "&immutable=1"):
            try:
                connection = sqlite3.connect(
                    address + options, uri=True, timeout=_BUSY_TIMEOUT_SECONDS,
                    isolation_level=None, check_same_thread=False,
                )  # fmt: skip
                connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
                connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
                return connection
            except sqlite3.Error as error:
                problem = error
        raise StoreError(f"cannot read {self.path}: {problem}")

    def write(self, body: str, structure: TextStructure | None = None) -> str:
        """Store ``body`` (if it is not stored already) and its structure (unless it is
        plain paragraphs, which is what a text with none reads as); return its hash."""
        body_hash = content_hash(body)
        with self._lock, self._errors():
            connection = self._connect()
            if structure is None or structure.is_plain:
                connection.execute(_WRITE, (body_hash, body))
                return body_hash
            connection.execute("BEGIN")
            try:
                connection.execute(_WRITE, (body_hash, body))
                connection.execute(_WRITE_STRUCTURE, (body_hash, structure.to_json()))
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return body_hash

    def write_many(self, items: Sequence[tuple[str, TextStructure | None]]) -> list[str]:
        """:meth:`write` each (body, structure) in one transaction; their hashes, in order."""
        hashes = [content_hash(body) for body, _ in items]
        bodies = [(body_hash, body) for body_hash, (body, _) in zip(hashes, items, strict=True)]
        structures = [
            (body_hash, structure.to_json())
            for body_hash, (_, structure) in zip(hashes, items, strict=True)
            if structure is not None and not structure.is_plain
        ]
        with self._lock, self._errors():
            connection = self._connect()
            connection.execute("BEGIN")
            try:
                connection.executemany(_WRITE, bodies)
                connection.executemany(_WRITE_STRUCTURE, structures)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise
        return hashes

    def structure(self, body_hash: str, body: str) -> TextStructure:
        """The structure of ``body`` (the text stored under ``body_hash``): as stored, or
        paragraphs when none is stored or the stored one does not fit the text."""
        row = self._one_row("SELECT structure FROM structure WHERE hash = ?", body_hash)
        stored = TextStructure.from_json(row[0], body) if row is not None else None
        return stored or TextStructure.paragraphs(body)

    def read(self, body_hash: str) -> str | None:
        """The body with this hash, or None if it is missing or damaged."""
        row = self._one_row("SELECT text FROM body WHERE hash = ?", body_hash)
        text = row[0] if row is not None else _read_file(self.paths.body_file(body_hash))
        if not isinstance(text, str):
            return None
        return text if content_hash(text) == body_hash else None

    def _one_row(self, query: str, body_hash: str) -> tuple[Any, ...] | None:
        """The row ``query`` finds for ``body_hash``; None when there is none, or no database
        yet, or (read-only) a database from before the query's table."""
        with self._lock, self._errors():
            if self._connection is None and not self.path.exists():
                return None
            try:
                row: tuple[Any, ...] | None = (
                    self._connect().execute(query, (body_hash,)).fetchone()
                )
            except sqlite3.OperationalError:
                if not self.read_only:
                    raise
                return None
            return row

    # The copy of the articles' metadata

    def mirror(self, changes: MirrorChanges) -> None:
        """Copy what a flush wrote to each shard (hold the articles' write lock, so that
        the copy follows the shards in the order they were written)."""
        rows = [(article_id, number, orjson.dumps(record))
                for number, records in changes.items()
                for article_id, record in records.items() if record is not None]  # fmt: skip
        removed = [(article_id,) for records in changes.values()
                   for article_id, record in records.items() if record is None]  # fmt: skip
        if not (rows or removed):
            return
        with self._lock, self._errors():
            connection = self._connect()
            connection.execute("BEGIN")
            try:
                connection.executemany(
                    "INSERT OR REPLACE INTO article (id, shard, record) VALUES (?, ?, ?)", rows
                )
                connection.executemany("DELETE FROM article WHERE id = ?", removed)
                connection.execute("COMMIT")
            except BaseException:
                connection.execute("ROLLBACK")
                raise

    def mirror_complete(self) -> bool:
        """Whether every article of the home has been copied (by :meth:`mark_mirrored`)."""
        if not self.path.exists():
            return False
        with self._lock, self._errors():
            try:
                row = (
                    self._connect()
                    .execute("SELECT value FROM meta WHERE key = ?", (_MIRROR_COMPLETE,))
                    .fetchone()
                )
            except sqlite3.OperationalError:
                return False  # read-only, and from before the table existed
        return row is not None

    def mark_mirrored(self) -> None:
        with self._lock, self._errors():
            self._connect().execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?, '1')", (_MIRROR_COMPLETE,)
            )

    def mirrored_records(self, shard: int) -> list[dict[str, Any]]:
        """The copy of one shard's records, as the last flush of each wrote it."""
        if self._connection is None and not self.path.exists():
            return []
        with self._lock:
            try:
                rows = (
                    self._connect()
                    .execute("SELECT record FROM article WHERE shard = ?", (shard,))
                    .fetchall()
                )
            except (sqlite3.Error, StoreError):
                return []  # the copy is a second chance, not something to fail over
        records = []
        for (record,) in rows:
            with contextlib.suppress(orjson.JSONDecodeError):
                decoded = orjson.loads(record)
                if isinstance(decoded, dict):
                    records.append(decoded)
        return records

    def sync(self) -> None:
        """Make every body written so far durable: one commit with ``synchronous=FULL``
        fsyncs the write-ahead log, and with it every commit before."""
        with self._lock, self._errors():
            if self._connection is None:
                return  # nothing written through us
            connection = self._connection
            connection.execute("PRAGMA synchronous=FULL")
            try:
                connection.execute(
                    "INSERT OR REPLACE INTO meta (key, value) VALUES ('schema', ?)",
                    (str(SCHEMA_VERSION),),
                )
            finally:
                connection.execute("PRAGMA synchronous=NORMAL")

    def release_page_cache(self) -> None:
        """Let SQLite free the pages it kept of the reads so far (see
        :meth:`store.library.Library.release_page_caches`)."""
        with self._lock, contextlib.suppress(sqlite3.Error):
            if self._connection is not None:
                self._connection.execute("PRAGMA shrink_memory")

    def close(self) -> None:
        with self._lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """SQLite's errors as the ones users are told about, naming the file."""
        try:
            yield
        except sqlite3.OperationalError as problem:
            raise StoreError(f"cannot use {self.path}: {problem}") from None
        except sqlite3.DatabaseError as problem:
            raise CorruptStoreError(self.path, str(problem)) from None


def _read_file(path: Path) -> str | None:
    """A body file of a home from before the database."""
    try:
        data = path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
    return data.decode("utf-8", errors="replace")


def _set_aside(path: Path) -> Path:
    for suffix in ("-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()
    return set_aside_corrupt(path)


def _copy_readable_rows(damaged: Path, into: sqlite3.Connection) -> tuple[int, int]:
    """Read back what a damaged database still gives, row by row, into a new one: bodies
    that still match their hash, and the copy of the articles' metadata. How many of each."""
    bodies = articles = 0
    try:
        source = sqlite3.connect(f"file:{quote(str(damaged))}?mode=ro", uri=True)
    except sqlite3.Error:
        return bodies, articles
    try:
        with contextlib.suppress(sqlite3.Error):
            for body_hash, text in source.execute("SELECT hash, text FROM body"):
                if isinstance(text, str) and content_hash(text) == body_hash:
                    into.execute(_WRITE, (body_hash, text))
                    bodies += 1
        with contextlib.suppress(sqlite3.Error):
            for body_hash, structure in source.execute("SELECT hash, structure FROM structure"):
                into.execute(_WRITE_STRUCTURE, (body_hash, structure))
        with contextlib.suppress(sqlite3.Error):
            for row in source.execute("SELECT id, shard, record FROM article"):
                into.execute("INSERT OR IGNORE INTO article (id, shard, record) VALUES (?, ?, ?)",
                             row)  # fmt: skip
                articles += 1
    finally:
        source.close()
    return bodies, articles
