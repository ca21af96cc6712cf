"""One TinyDB file held in memory as records by key, shared safely with other processes.

Every process that opens the file keeps its own copy of the records. A change is made in
memory and reaches disk on :meth:`TableFile.flush`, which runs under the file's write lock:
if another process wrote the file since we read it, the file is read again and only the
records *we* changed are laid on top, so neither side's changes are lost (the last writer
of one record wins). :meth:`TableFile.reload_if_changed` picks up other processes' writes.

The file is a plain TinyDB database (one table, documents keyed by a field of their own)
written through TinyDB's API with :class:`~store.db.AtomicJSONStorage`: atomic and durable.

Damage is never read as an empty table (see :mod:`store.recovery`):

- a record that cannot be decoded (a missing id, a title that is a number) is left out of
  :attr:`TableFile.records`, named once through :func:`~store.recovery.say`, and written back
  as it is by every flush, so nothing is lost while the rest works;
- a file that cannot be read at all raises CorruptStoreError from :meth:`TableFile.load`; its
  owner gathers what it can (:meth:`TableFile.salvage`, copies of its own) and hands it to
  :meth:`TableFile.restore`, which keeps the damaged file beside the new one.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware

from store.db import (
    AtomicJSONStorage,
    CorruptStoreError,
    FileSignature,
    WriteLock,
    set_aside_corrupt,
    signature_of,
)
from store.recovery import record_label, salvage_documents, say, say_damaged_record

T = TypeVar("T")
Record = dict[str, Any]

DECODING_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
"""What a decoder raises for a record that is not of the shape it was written in."""


def read_table(path: Path, table: str) -> list[Record]:
    """Every document of ``table`` in the TinyDB file at ``path`` ([] when there is none)."""
    if not path.exists():
        return []
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        # Not database.tables() first: every call reads the storage again.
        rows: list[Record] = database.table(table, cache_size=0).all()
        return rows


def read_documents(path: Path, table: str) -> list[tuple[str, Record]]:
    """Every document of ``table`` at ``path`` with its TinyDB document id, read through the
    storage as TinyDB reads it ([] when there is no file). CorruptStoreError, naming the
    file, when it cannot be read or a document is not a JSON object."""
    return list(iter_documents(path, table))


def iter_documents(path: Path, table: str) -> Iterator[tuple[str, Record]]:
    """:func:`read_documents` a document at a time, for a caller that decodes each as it
    comes (the parsed dicts then never all exist at once: see
    :meth:`~store.db.AtomicJSONStorage.documents`). An error may come after some documents."""
    for document_id, document in AtomicJSONStorage(path).documents(table):
        if not isinstance(document, dict):
            raise CorruptStoreError(path, f"record {document_id} is not an object")
        yield document_id, document


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


@dataclass(frozen=True, slots=True)
class Rebuilt:
    """What :meth:`TableFile.rebuild_from_backup` did."""

    salvaged: int
    """How many records were read back from the damaged file itself."""
    kept_as: Path | None
    """Where the damaged file now is (None: left as it was, in a read-only home)."""

    @property
    def where(self) -> str:
        return f"kept as {self.kept_as.name}" if self.kept_as else "left as it is (read-only)"


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
        keep_backup: bool = False,
    ) -> None:
        """``keep_backup`` keeps the file as it was before each flush as ``NAME.bak`` (a
        hard link: no copy), for :meth:`backup_rows` when the file is found damaged."""
        self.path = path
        self.table = table
        self.key = key
        self.keep_backup = keep_backup
        self._decode = decode
        self._encode = encode
        self._lock = threading.RLock()
        self.records: dict[str, T] = {}
        self._changed: set[str] = set()
        """Keys this process put or removed since the last flush."""
        self._signature: FileSignature | None = None
        self.damaged_records: dict[str, str] = {}
        """Records of the file that could not be decoded, by label, with why: kept in the
        file as they are, and named once each."""
        self.damaged_file: str | None = None
        """Why the file could not be read, since it was found so (None: it reads fine)."""

    @property
    def backup_path(self) -> Path:
        return self.path.with_name(self.path.name + ".bak")

    def load(self) -> None:
        """Read the file (raises CorruptStoreError if it cannot be read)."""
        with self._lock:
            signature = signature_of(self.path)
            self.records = self._decoded(iter_documents(self.path, self.table))
            self._signature = signature
            self.damaged_file = None

    def adopt(self, records: dict[str, T], signature: FileSignature) -> None:
        """Take ``records`` as what the file with ``signature`` holds, without reading it (a
        quick-start copy made from it, see store.snapshot)."""
        with self._lock:
            self.records = records
            self._signature = signature
            self.damaged_file = None

    def _decoded(
        self, documents: Iterable[tuple[str, Record]], *, copy: bool = False
    ) -> dict[str, T]:
        """The documents that decode, by key; the others are named (once) and left out.
        ``copy``: the documents are written back afterwards, so the decoder (which may
        change what it is given) gets copies."""
        records: dict[str, T] = {}
        for document_id, row in documents:
            try:
                key = row[self.key]
                if not isinstance(key, str) or not key:
                    raise ValueError(f"its {self.key} is not text")
                records[key] = self._decode(dict(row) if copy else row)
            except DECODING_ERRORS as problem:
                self._name_damaged(document_id, row, problem)
        return records

    def _name_damaged(self, document_id: str, row: Record, problem: Exception) -> None:
        label = f"record {document_id} ({record_label(row, self.key)})"
        reason = _reason(problem)
        if self.damaged_records.get(label) != reason:
            self.damaged_records[label] = reason
            say_damaged_record(self.path, document_id, row, reason)

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
        records that changed, by key (None: removed). A file found damaged meanwhile changes
        nothing here: what we hold is kept, said once, and written by our next flush."""
        with self._lock:
            if not self.changed_on_disk():
                return {}
            signature = signature_of(self.path)
            try:
                documents = read_documents(self.path, self.table)
            except CorruptStoreError as problem:
                self._found_damaged(signature, problem)
                return {}
            return self._take_in(signature, documents)

    def _found_damaged(self, signature: FileSignature | None, problem: CorruptStoreError) -> None:
        self._signature = signature  # not read again until it changes again
        if self.damaged_file is None:
            self.damaged_file = str(problem)
            say(f"{problem}; the {len(self.records)} records already read are kept")

    def _take_in(
        self, signature: FileSignature | None, documents: list[tuple[str, Record]]
    ) -> dict[str, T | None]:
        theirs = self._decoded(documents, copy=True)
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
        self.damaged_file = None
        return changed

    def flush(
        self, on_written: Callable[[dict[str, Record | None]], None] | None = None
    ) -> dict[str, T | None]:
        """Write our changes, merged onto the file as it is now (hold the file's write lock);
        what other processes had changed meanwhile, as :meth:`reload_if_changed` says.

        The records we did not change are written back as the file holds them, and a record
        we changed keeps the stored value of any field its encoding leaves out: so a process
        may hold records without their bulky parts (the app reads articles without their
        entity summaries) and still never lose them. Records that cannot be decoded are
        written back as they are. ``on_written`` hears the records we changed as they were
        written (None: removed), while the lock is still held."""
        with self._lock:
            if not self._changed:
                return {}
            signature = signature_of(self.path)
            try:
                documents = read_documents(self.path, self.table)
            except CorruptStoreError as problem:
                # Damaged since we read it: what we hold is the best copy there is, with
                # whatever else the damaged file still holds; it is kept beside.
                documents = self._set_aside(problem)
                signature = None
            theirs = self._take_in(signature, documents) if signature != self._signature else {}
            # Plain dicts: TinyDB would insert a Document under the id it was read with.
            stored: dict[str, Record] = {}
            undecodable: list[Record] = []
            for _, document in documents:
                key = document.get(self.key)
                if isinstance(key, str) and key in self.records:
                    stored[key] = dict(document)
                elif not (isinstance(key, str) and key in self._changed):
                    # Not among the records: it cannot be decoded (a removal of ours is
                    # among the changes). Kept as it is, never dropped in silence.
                    undecodable.append(dict(document))
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
            written += undecodable
            if self.keep_backup and signature is not None:
                self._link_backup()
            write_table(self.path, self.table, written)
            self._signature = signature_of(self.path)
            self._changed.clear()
            if on_written is not None:
                on_written(ours)
            return theirs

    def _link_backup(self) -> None:
        """The file as it is, kept as ``NAME.bak`` before it is replaced: a second name for
        the same bytes (nothing copied), which the replace leaves pointing at them."""
        temporary = self.backup_path.with_name(f".{self.backup_path.name}.{os.getpid()}.tmp")
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
            os.link(self.path, temporary)
            os.replace(temporary, self.backup_path)

    # Damage

    def salvage(self) -> list[Record]:
        """The records still readable in the (damaged) file, in file order: those that have
        a key; whether they decode is :meth:`restore`'s business."""
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return []
        return [row for row in salvage_documents(raw) if isinstance(row.get(self.key), str)]

    def backup_rows(self) -> list[Record]:
        """The records of the backup ``keep_backup`` keeps ([] when it is missing or damaged
        too: then what can be read of it)."""
        try:
            return [row for _, row in read_documents(self.backup_path, self.table)]
        except CorruptStoreError:
            raw = self.backup_path.read_bytes()
            return [row for row in salvage_documents(raw) if isinstance(row.get(self.key), str)]

    def rebuild_from_backup(self, write_lock: WriteLock | None) -> Rebuilt | None:
        """Rebuild a file found damaged from what it still holds and from the backup
        ``keep_backup`` keeps (a record taken out since that copy may come back, which beats
        losing one still wanted). With ``write_lock`` (a writable home) it is rebuilt on
        disk under the lock, the damaged file kept; None when another process rebuilt it
        while we waited. Without, the rows are held in memory and nothing is touched."""
        if write_lock is None:
            salvaged = self.salvage()
            kept = self.restore([*self.backup_rows(), *salvaged], write=False)
            return Rebuilt(len(salvaged), kept)
        with write_lock.held():
            try:
                self.load()
                return None
            except CorruptStoreError:
                pass
            salvaged = self.salvage()
            kept = self.restore([*self.backup_rows(), *salvaged], write=True)
            return Rebuilt(len(salvaged), kept)

    def restore(self, rows: Iterable[Record], *, write: bool) -> Path | None:
        """Take ``rows`` (gathered from a damaged file and copies of it; a later row of a key
        wins) as the table. With ``write`` (hold the file's write lock) the damaged file is
        kept as ``NAME.corrupt`` and the rows written in its place; its new name is returned.
        Without, they are held in memory only, and the file is not touched."""
        by_key: dict[str, Record] = {}
        for row in rows:
            by_key[row[self.key]] = row
        with self._lock:
            if write:
                kept = set_aside_corrupt(self.path) if self.path.exists() else None
                if by_key:
                    write_table(self.path, self.table, by_key.values())
                self.load()
                return kept
            signature = signature_of(self.path)
            numbered = [(str(n), row) for n, row in enumerate(by_key.values(), 1)]
            self.records = self._decoded(numbered, copy=True)
            self._signature = signature  # not read again until it changes
            return None

    def _set_aside(self, problem: CorruptStoreError) -> list[tuple[str, Record]]:
        """(Flushing.) Keep the damaged file and read what it still holds."""
        salvaged = self.salvage()
        kept = set_aside_corrupt(self.path)
        say(
            f"{problem}; it is kept as {kept.name}, and written again from the "
            f"{len(self.records)} records in memory and {len(salvaged)} read back from it"
        )
        held = self.records
        documents = [(str(n), row) for n, row in enumerate(salvaged, 1)
                     if row[self.key] not in held]  # fmt: skip
        # What we hold counts as stored: nothing of it is a change of ours to lay on top.
        documents += [(f"m{n}", self._encode(value)) for n, value in enumerate(held.values(), 1)]
        return documents


def _reason(problem: Exception) -> str:
    if isinstance(problem, KeyError):
        return f"it has no {problem.args[0]}"
    return str(problem) or type(problem).__name__
