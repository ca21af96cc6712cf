"""A TinyDB table plus an append-only journal: a change costs one fsync'd line, not a rewrite.

For data that changes one record at a time and must be durable at once (highlights and notes,
read and star state). On disk:

- ``NAME.json``: a TinyDB snapshot — the table, and a ``meta`` table with its generation;
- ``NAME.journal``: a header line naming the same generation, then one JSON line per change
  (a batch of puts and deletes, applied all or nothing).

Saving appends a line and fsyncs it under a short lock: its cost does not grow with the number
of records. Now and then (:meth:`JournaledTable.compact`, on open and close when the journal
has grown) the snapshot is rewritten with the next generation — the previous one kept as
``NAME.json.bak`` — and a fresh journal started. A crash between the two leaves a journal of
an older generation, which is ignored: the snapshot already holds it.

Other processes' changes are found by :meth:`catch_up`, which reads only the journal's new
lines (or everything again, after another process compacted). A line cut short by a kill was
never acknowledged and is dropped; any other damage is reported, never silently dropped.

Reading takes the write lock (a compaction swaps two files), except where this process cannot
write at all (a read-only home): there it reads without it, and reads again if the snapshot
changed meanwhile.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

import orjson

from store.db import (
    CorruptStoreError,
    FileSignature,
    WriteLock,
    can_write,
    fsync_directory,
    remove_stale_temporaries,
    signature_of,
    write_atomically,
)
from store.table_file import Record, iter_documents, write_table

T = TypeVar("T")

JOURNAL_FORMAT = 1
COMPACT_AFTER_BYTES = 1 << 20
"""Fold the journal into the snapshot once it is this long (on open and on close)."""
_UNLOCKED_READ_TRIES = 5
"""How often a reader without the lock reads again when a compaction moved under it."""


@dataclass(frozen=True, slots=True)
class Put:
    record: Record


@dataclass(frozen=True, slots=True)
class Delete:
    key: str


Operation = Put | Delete


class JournaledTable(Generic[T]):
    """Records by key in memory, durable one batch of changes at a time."""

    def __init__(
        self,
        snapshot: Path,
        table: str,
        *,
        decode: Callable[[Record], T],
        encode: Callable[[T], Record],
        key: str = "id",
        on_change: Callable[[dict[str, T | None]], None] | None = None,
        lock: threading.RLock | None = None,
    ) -> None:
        """``on_change`` hears of every change to ``records``, ours and other processes':
        the records that changed, by key (None: deleted).
        It runs under ``lock``, which an owner that keeps state of its own shares."""
        self.snapshot_path = snapshot
        self.journal_path = snapshot.with_suffix(".journal")
        self.backup_path = snapshot.with_name(snapshot.name + ".bak")
        self.table = table
        self.key = key
        self._decode = decode
        self._encode = encode
        self._on_change = on_change
        self.write_lock = WriteLock(snapshot.with_name(snapshot.name + ".lock"))
        self._lock = lock or threading.RLock()
        self.records: dict[str, T] = {}
        self._generation = 0
        self._snapshot_signature: FileSignature | None = None
        self._journal_inode: int | None = None
        self._journal_stale = False
        """The journal on disk is of an older generation: the next change replaces it."""
        self._offset = 0
        """How far into the journal we have read (the end of its last whole line)."""

    # Reading

    def load(self) -> None:
        """Read snapshot and journal (CorruptStoreError, naming the file, if either is
        damaged), folding a long journal into the snapshot."""
        if not self._can_write():
            with self._lock:
                self._load_unlocked()
            return
        with self._lock, self.write_lock.held():
            for path in (self.snapshot_path, self.journal_path, self.backup_path):
                remove_stale_temporaries(path)  # a killed writer's; we hold the lock
            self._load_all()
        if self._journal_bytes() > COMPACT_AFTER_BYTES:
            self.compact()

    def _can_write(self) -> bool:
        return can_write(self.snapshot_path.parent)

    def _load_unlocked(self) -> dict[str, T | None]:
        """Read snapshot and journal without the lock (we cannot take it: see the module's
        docstring), again while a compaction replaced the snapshot as we read."""
        for attempt in range(_UNLOCKED_READ_TRIES):
            before = signature_of(self.snapshot_path)
            try:
                changed = self._load_all()
            except CorruptStoreError:
                moved = signature_of(self.snapshot_path) != before
                if not moved or attempt + 1 == _UNLOCKED_READ_TRIES:
                    raise
                continue
            if signature_of(self.snapshot_path) == before:
                return changed
        return changed

    def changed_on_disk(self) -> bool:
        """Whether :meth:`catch_up` would find anything: two stats, no lock, no reading."""
        snapshot = signature_of(self.snapshot_path)
        journal = signature_of(self.journal_path)
        return (
            snapshot != self._snapshot_signature
            or (journal.inode if journal else None) != self._journal_inode
            or (journal is not None and journal.size > self._offset)
        )

    def catch_up(self) -> dict[str, T | None]:
        """Take in what other processes wrote since we last looked: the records that changed,
        by key (None: deleted). Two stats when nothing did."""
        with self._lock:
            snapshot = signature_of(self.snapshot_path)
            journal = signature_of(self.journal_path)
            journal_inode = journal.inode if journal else None
            if snapshot != self._snapshot_signature or journal_inode != self._journal_inode:
                return self._reload()
            if journal is None or journal.size <= self._offset:
                return {}
            try:
                return self._read_journal_tail()
            except (FileNotFoundError, _JournalReplaced):
                return self._reload()  # a compaction between our stat and our read

    def _reload(self) -> dict[str, T | None]:
        """Read everything again, under the write lock: unlocked, another process's
        compaction could swap snapshot and journal between the two reads."""
        if not self._can_write():
            return self._load_unlocked()
        with self.write_lock.held():
            return self._load_all()

    def _load_all(self) -> dict[str, T | None]:
        """Read snapshot and journal afresh, taking the result only if both could be read."""
        signature = signature_of(self.snapshot_path)
        records: dict[str, T] = {}
        generation = 0
        if signature is not None:
            row: Record = {}
            try:
                meta = [row for _, row in iter_documents(self.snapshot_path, "meta")]
                generation = int(meta[0].get("generation", 0)) if meta else 0
                # Decoded as they are read, so the parsed rows never all exist at once.
                for _, row in iter_documents(self.snapshot_path, self.table):
                    records[row[self.key]] = self._decode(row)
            except CorruptStoreError as problem:
                raise self._with_backup_named(problem) from None
            except (KeyError, TypeError, ValueError, AttributeError) as problem:
                which = row.get(self.key) if isinstance(row, dict) else None
                named = f" {self.key} {which!r}" if isinstance(which, str) else ""
                raise CorruptStoreError(
                    self.snapshot_path, f"a damaged record{named}: {problem}"
                ) from None
        journal_inode: int | None = None
        stale = False
        offset = 0
        if signature_of(self.journal_path) is not None:
            with open(self.journal_path, "rb") as stream:
                header = stream.readline()
                journal_inode = os.fstat(stream.fileno()).st_ino
                data = stream.read()
            journal_generation = self._parse_header(header)
            if journal_generation > generation:
                raise CorruptStoreError(
                    self.journal_path,
                    f"it continues generation {journal_generation} but "
                    f"{self.snapshot_path.name} is generation {generation} "
                    "(was the snapshot replaced by an older copy?)",
                )
            # An older generation: a compaction was cut short after its snapshot, which
            # already holds all of it; the next change replaces that journal.
            stale = journal_generation < generation
            offset = len(header)
            if not stale:
                offset += self._apply_lines(data, offset, records, {})
        changed: dict[str, T | None] = {
            key: value for key, value in records.items() if self.records.get(key) != value
        }
        changed.update({key: None for key in self.records.keys() - records.keys()})
        self.records = records
        self._generation = generation
        self._snapshot_signature = signature
        self._journal_inode = journal_inode
        self._journal_stale = stale
        self._offset = offset
        self._notify(changed)
        return changed

    def _with_backup_named(self, problem: CorruptStoreError) -> CorruptStoreError:
        """The error, saying where the snapshot before the last compaction is (the user's
        data: nothing is chosen for them, as changes since that copy would be lost)."""
        if not self.backup_path.exists():
            return problem
        return CorruptStoreError(
            self.snapshot_path,
            f"{problem.reason}; the copy from before its last compaction is "
            f"{self.backup_path.name}",
        )

    def _parse_header(self, line: bytes) -> int:
        try:
            header = orjson.loads(line)
            return int(header["generation"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            raise CorruptStoreError(self.journal_path, "its first line is not a header") from None

    def _read_journal_tail(self) -> dict[str, T | None]:
        with open(self.journal_path, "rb") as stream:
            if os.fstat(stream.fileno()).st_ino != self._journal_inode:
                raise _JournalReplaced
            stream.seek(self._offset)
            data = stream.read()
        changed: dict[str, T | None] = {}
        self._offset += self._apply_lines(data, self._offset, self.records, changed)
        self._notify(changed)
        return changed

    def _apply_lines(
        self, data: bytes, position: int, records: dict[str, T], changed: dict[str, T | None]
    ) -> int:
        """Apply the whole lines of ``data`` (read from ``position``) to ``records``; the
        number of bytes they took."""
        consumed = 0
        for line in data.splitlines(keepends=True):
            if not line.endswith(b"\n"):
                break  # cut short by a kill mid-write: it was never acknowledged
            try:
                decoded = [
                    (op.record[self.key], self._decode(op.record))
                    if isinstance(op, Put)
                    else (op.key, None)
                    for op in _parse_batch(orjson.loads(line))
                ]
            except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as problem:
                raise CorruptStoreError(
                    self.journal_path, f"damaged entry at byte {position + consumed}: {problem}"
                ) from None
            for key, value in decoded:
                if value is None:
                    records.pop(key, None)
                else:
                    records[key] = value
                changed[key] = value
            consumed += len(line)
        return consumed

    def _notify(self, changed: dict[str, T | None]) -> None:
        if changed and self._on_change is not None:
            self._on_change(changed)

    def _journal_bytes(self) -> int:
        signature = signature_of(self.journal_path)
        return signature.size if signature else 0

    # Writing

    @contextmanager
    def writing(self) -> Iterator[None]:
        """Hold the write lock with every other process's changes taken in, so that what the
        caller decides and then :meth:`append` s rests on the current state."""
        with self._lock, self.write_lock.held():
            self.catch_up()
            yield

    def append(self, operations: Sequence[Operation]) -> None:
        """Make ``operations`` durable as one batch (all or nothing) and apply them."""
        if not operations:
            return
        line = orjson.dumps({"batch": [_batch_entry(op) for op in operations]}) + b"\n"
        with self.writing():
            self._ensure_journal()
            with open(self.journal_path, "r+b") as stream:
                # A tail a killed writer left half-written goes before ours follows it.
                stream.truncate(self._offset)
                stream.seek(self._offset)
                stream.write(line)
                stream.flush()
                os.fsync(stream.fileno())
            self._read_journal_tail()

    def _ensure_journal(self) -> None:
        """A journal of our generation exists (a new one after a compaction, or at first)."""
        if self._journal_inode is not None and not self._journal_stale:
            return
        header = orjson.dumps({"journal": JOURNAL_FORMAT, "generation": self._generation})
        write_atomically(self.journal_path, header + b"\n")
        self._journal_inode = os.stat(self.journal_path).st_ino
        self._journal_stale = False
        self._offset = len(header) + 1

    def compact(self) -> None:
        """Fold the journal into a new snapshot (the old one kept as a backup)."""
        with self.writing():
            if (self._journal_inode is None or self._journal_stale) and self.snapshot_path.exists():
                return
            generation = self._generation + 1
            if self.snapshot_path.exists():
                write_atomically(self.backup_path, self.snapshot_path.read_bytes())
            write_table(
                self.snapshot_path,
                self.table,
                ({**self._encode(value), self.key: key} for key, value in self.records.items()),
                meta=[{"generation": generation}],
            )
            # The journal of the old generation is now ignored; remove it so the next change
            # starts the new one.
            self.journal_path.unlink(missing_ok=True)
            fsync_directory(self.journal_path.parent)
            self._generation = generation
            self._snapshot_signature = signature_of(self.snapshot_path)
            self._journal_inode = None
            self._offset = 0

    def close(self) -> None:
        if self._journal_bytes() > COMPACT_AFTER_BYTES and self._can_write():
            self.compact()


class _JournalReplaced(Exception):
    """The journal is not the file we were reading: read everything again."""


def _batch_entry(operation: Operation) -> dict[str, Any]:
    if isinstance(operation, Put):
        return {"put": operation.record}
    return {"delete": operation.key}


def _parse_batch(line: Any) -> list[Operation]:
    operations: list[Operation] = []
    for entry in line["batch"]:
        if "put" in entry:
            if not isinstance(entry["put"], dict):
                raise TypeError("a put that is not a record")
            operations.append(Put(entry["put"]))
        else:
            operations.append(Delete(str(entry["delete"])))
    return operations
