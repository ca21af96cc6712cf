"""One TinyDB file held in memory as records by key, shared safely with other processes.

Every process that opens the file keeps its own copy of the records. A change is made in
memory and reaches disk on :meth:`TableFile.flush`, which runs under the file's write lock:
if another process wrote the file since we read it, the file is read again and only the
records *we* changed are laid on top, so neither side's changes are lost (the last writer
of one record wins). :meth:`TableFile.reload_if_changed` picks up other processes' writes.

The file is a plain TinyDB database (one table, documents keyed by a field of their own)
written through TinyDB's API with :class:`~store.db.AtomicJSONStorage`: atomic and durable.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from store.db import AtomicJSONStorage, FileSignature, signature_of

T = TypeVar("T")
Record = dict[str, Any]


def read_table(path: Path, table: str) -> list[Record]:
    """Every document of ``table`` in the TinyDB file at ``path`` ([] when there is none)."""
    if not path.exists():
        return []
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        # Not database.tables() first: every call reads the storage again.
        rows: list[Record] = database.table(table, cache_size=0).all()
        return rows


def write_table(path: Path, table: str, records: Iterable[Record], **other: list[Record]) -> None:
    """Replace the TinyDB file at ``path`` with ``table`` (and any ``other`` tables) in one
    atomic, durable write: the caching middleware turns TinyDB's truncate and insert into a
    single storage write on close."""
    middleware = CachingMiddleware(_ReplacingStorage)  # type: ignore[no-untyped-call]
    middleware.WRITE_CACHE_SIZE = 1 << 62
    database = TinyDB(path, storage=middleware)
    try:
        for name, rows in ((table, records), *other.items()):
            target = database.table(name, cache_size=0)
            target.truncate()
            target.insert_multiple(rows)
    finally:
        database.close()  # the one write


class _ReplacingStorage(AtomicJSONStorage):
    """For a file about to be written whole: what it holds now need not be read first."""

    def read(self) -> dict[str, dict[str, Any]] | None:
        return None


class TableFile(Generic[T]):
    """The records of one TinyDB table by key, with the changes this process made to them."""

    def __init__(
        self,
        path: Path,
        table: str,
        *,
        decode: Callable[[Record], T],
        encode: Callable[[T], Record],
        key: str = "id",
    ) -> None:
        self.path = path
        self.table = table
        self.key = key
        self._decode = decode
        self._encode = encode
        self._lock = threading.RLock()
        self.records: dict[str, T] = {}
        self._changed: set[str] = set()
        """Keys this process put or removed since the last flush."""
        self._signature: FileSignature | None = None

    def load(self) -> None:
        """Read the file (raises CorruptStoreError if it cannot be read)."""
        with self._lock:
            signature = signature_of(self.path)
            rows = read_table(self.path, self.table)
            self.records = {row[self.key]: self._decode(row) for row in rows}
            self._signature = signature

    @property
    def dirty(self) -> bool:
        return bool(self._changed)

    @property
    def signature(self) -> FileSignature | None:
        """The file's signature when we last read or wrote it."""
        return self._signature

    def pending(self) -> set[str]:
        """The keys this process changed since the last flush."""
        with self._lock:
            return set(self._changed)

    def changed_on_disk(self) -> bool:
        return signature_of(self.path) != self._signature

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self.records[key] = value
            self._changed.add(key)

    def remove(self, key: str) -> T | None:
        with self._lock:
            removed = self.records.pop(key, None)
            if removed is not None:
                self._changed.add(key)
            return removed

    def reload_if_changed(self) -> dict[str, T | None]:
        """Take in what other processes wrote, keeping our unflushed changes on top; the
        records that changed, by key (None: removed)."""
        with self._lock:
            if not self.changed_on_disk():
                return {}
            signature = signature_of(self.path)
            return self._take_in(signature, read_table(self.path, self.table))

    def _take_in(self, signature: FileSignature | None, rows: list[Record]) -> dict[str, T | None]:
        theirs = {row[self.key]: self._decode(dict(row)) for row in rows}
        for key in self._changed:
            ours = self.records.get(key)
            if ours is None:
                theirs.pop(key, None)
            else:
                theirs[key] = ours
        changed: dict[str, T | None] = {
            key: value for key, value in theirs.items() if self.records.get(key) != value
        }
        changed.update({key: None for key in self.records.keys() - theirs.keys()})
        self.records = theirs
        self._signature = signature
        return changed

    def flush(
        self, on_written: Callable[[dict[str, Record | None]], None] | None = None
    ) -> dict[str, T | None]:
        """Write our changes, merged onto the file as it is now (hold the file's write lock);
        what other processes had changed meanwhile, as :meth:`reload_if_changed` says.

        The records we did not change are written back as the file holds them, and a record
        we changed keeps the stored value of any field its encoding leaves out: so a process
        may hold records without their bulky parts (the app reads articles without their
        entity summaries) and still never lose them. ``on_written`` hears the records we
        changed as they were written (None: removed), while the lock is still held."""
        with self._lock:
            if not self._changed:
                return {}
            signature = signature_of(self.path)
            rows = read_table(self.path, self.table)
            theirs = self._take_in(signature, rows) if signature != self._signature else {}
            # Plain dicts: TinyDB would insert a Document under the id it was read with.
            stored = {row[self.key]: dict(row) for row in rows}
            written = []
            ours: dict[str, Record | None] = dict.fromkeys(self._changed)
            for key, value in self.records.items():
                row = stored.get(key)
                if key in self._changed:
                    row = ours[key] = self._encode(value) if row is None else {
                        **row, **self._encode(value)}  # fmt: skip
                elif row is None:
                    row = self._encode(value)
                written.append(row)
            write_table(self.path, self.table, written)
            self._signature = signature_of(self.path)
            self._changed.clear()
            if on_written is not None:
                on_written(ours)
            return theirs
