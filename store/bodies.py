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
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from store.db import ClosedOnExit, CorruptStoreError, StoreError, set_aside_corrupt
from store.paths import DataPaths
from store.text import content_hash

SCHEMA_VERSION = 1
_BUSY_TIMEOUT_SECONDS = 10.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS body (hash TEXT PRIMARY KEY, text TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
# A text stored under its hash never changes, unless the stored copy is damaged: then the
# conflict clause writes the good one over it.
_WRITE = (
    "INSERT INTO body (hash, text) VALUES (?, ?) "
    "ON CONFLICT (hash) DO UPDATE SET text = excluded.text WHERE text != excluded.text"
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
        if self.path.exists():
            # Now, so that a damaged file is found (and said) when the library opens.
            self._connect()

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            try:
                self._connection = self._open()
            except sqlite3.OperationalError as problem:
                raise StoreError(f"cannot open {self.path}: {problem}") from None
            except sqlite3.DatabaseError:
                # Not a database at all. The texts are a cache of what imports and refreshes
                # bring back; keep the damaged file for inspection and start again.
                self.recovered_from = _set_aside(self.path)
                self._connection = self._open()
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
            for statement in _SCHEMA:
                connection.execute(statement)
        except sqlite3.DatabaseError:
            connection.close()
            raise
        return connection

    def write(self, body: str) -> str:
        """Store ``body`` (if it is not stored already) and return its hash."""
        body_hash = content_hash(body)
        with self._lock, self._errors():
            self._connect().execute(_WRITE, (body_hash, body))
        return body_hash

    def read(self, body_hash: str) -> str | None:
        """The body with this hash, or None if it is missing or damaged."""
        row = None
        with self._lock, self._errors():
            if self._connection is not None or self.path.exists():
                row = (
                    self._connect()
                    .execute("SELECT text FROM body WHERE hash = ?", (body_hash,))
                    .fetchone()
                )
        text = row[0] if row is not None else _read_file(self.paths.body_file(body_hash))
        if not isinstance(text, str):
            return None
        return text if content_hash(text) == body_hash else None

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
