"""TinyDB persistence: orjson storage with atomic, durable writes; short write locks."""

from __future__ import annotations

import contextlib
import errno
import os
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import filelock
import orjson
from tinydb.storages import Storage

# Moved to store.atomic_files; callers import them from here as before.
from store.atomic_files import fsync_directory as fsync_directory
from store.atomic_files import write_atomically as write_atomically


class ClosedOnExit:
    """``with Store(...) as store:`` closes the store at the end of the block."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


class StoreError(Exception):
    """A problem with Broadsheet's data that the user must hear about in plain words."""


class CorruptStoreError(StoreError):
    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(f"{path} is not a readable Broadsheet database ({reason})")
        self.path = path
        self.reason = reason


class StoreBusyError(StoreError):
    def __init__(self, path: Path, waited: float) -> None:
        super().__init__(
            f"{path.parent} is busy: another Broadsheet has held its lock on {path.name} for "
            f"over {waited:g} s; try again in a moment"
        )
        self.path = path


class ReadOnlyHomeError(StoreError):
    """A write was asked of a data directory this process cannot write to (a read-only file
    system, or another user's home): everything can still be read."""

    def __init__(self, directory: Path, detail: str = "") -> None:
        super().__init__(
            f"{directory} is read-only for this user: nothing can be saved there"
            + (f" ({detail})" if detail else "")
        )
        self.directory = directory


def can_write(directory: Path) -> bool:
    """Whether this process may create files in ``directory`` (or, when it does not exist
    yet, in the nearest folder above it that does). Reading a home needs no write: commands
    that only read, and the app, open a home they cannot write to read-only."""
    return _writable(directory)


def _access_allows_writing(directory: Path) -> bool:
    for folder in (directory, *directory.parents):
        if folder.exists():
            # os.access, not a trial write: it answers for a read-only file system even as
            # root, and leaves nothing behind.
            return os.access(folder, os.W_OK | os.X_OK)
    return False


_writable: Callable[[Path], bool] = _access_allows_writing
"""The check :func:`can_write` makes (tests running as root replace it: root may write
wherever permissions say otherwise)."""


LOCK_TIMEOUT_SECONDS = 10.0


class WriteLock:
    """A short lock around one write to one file, shared by this process's threads and by
    other processes. It is held for a write, never while idle, and the operating system drops
    it when its holder dies, so a killed process never blocks the others."""

    def __init__(self, lock_path: Path) -> None:
        self.path = lock_path
        self._threads = threading.RLock()
        self._file = filelock.FileLock(str(lock_path))

    @contextlib.contextmanager
    def held(self) -> Iterator[None]:
        """Hold the lock (ReadOnlyHomeError where the lock file cannot be made: only a writer
        takes the lock, and nothing can be written there)."""
        with self._threads:
            if not can_write(self.path.parent):
                raise ReadOnlyHomeError(self.path.parent)
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                self._file.acquire(timeout=LOCK_TIMEOUT_SECONDS)
            except filelock.Timeout:
                raise StoreBusyError(self.path, LOCK_TIMEOUT_SECONDS) from None
            except OSError as problem:
                if problem.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
                    raise ReadOnlyHomeError(self.path.parent, problem.strerror or "") from None
                raise
            try:
                yield
            finally:
                self._file.release()


@dataclass(frozen=True, slots=True)
class FileSignature:
    """What tells us a file changed under us: a replace gives a new inode, an append a new
    size, a rewrite in place a new mtime."""

    inode: int
    size: int
    mtime_ns: int


def signature_of(path: Path) -> FileSignature | None:
    try:
        status = os.stat(path)
    except FileNotFoundError:
        return None
    return FileSignature(status.st_ino, status.st_size, status.st_mtime_ns)


def remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files a killed writer of ``path`` left behind (hold its lock first)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def encode_by_line(data: dict[str, dict[str, Any]]) -> bytes:
    """A TinyDB file as JSON with each document on a line of its own::

        {"meta":{
        "1":{"generation":4}
        },"highlights":{
        "1":{...},
        "2":{...}
        }}

    Any JSON reader reads it as before; :meth:`AtomicJSONStorage.documents` reads it a
    record at a time."""
    tables = []
    for name, documents in data.items():
        rows = b",\n".join(
            orjson.dumps(str(document_id)) + b":" + orjson.dumps(document)
            for document_id, document in documents.items()
        )
        tables.append(orjson.dumps(name) + b":{\n" + (rows + b"\n" if rows else b"") + b"}")
    return b"{" + b",".join(tables) + b"}\n"


def _table_lines(raw: bytes, table: str) -> list[tuple[int, int]] | None:
    """Where the document lines of ``table`` are in a file of :func:`encode_by_line`'s
    layout ([] when it has no such table); None when the file is not in that layout."""
    if raw == b"{}\n":
        return []
    bounds: list[tuple[int, int]] = []
    start = 0
    while start < len(raw):
        end = raw.find(b"\n", start)
        if end < 0:
            return None  # every line of the layout ends with a newline
        bounds.append((start, end))
        start = end + 1
    if len(bounds) < 2 or raw[bounds[-1][0] : bounds[-1][1]] != b"}}":
        return None
    wanted = orjson.dumps(table) + b":{"
    found: list[tuple[int, int]] = []
    inside = False
    for index, (line_start, line_end) in enumerate(bounds[:-1]):
        line = raw[line_start:line_end]
        opener = b"{" if index == 0 else b"},"
        if line.startswith(opener + b'"') and line.endswith(b":{"):
            inside = line[len(opener) :] == wanted
        elif line.startswith(b'"') and index > 0:
            if inside:
                found.append((line_start, line_end))
        else:
            return None
    return found


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads with orjson and writes atomically and durably."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        raw = self._read_bytes()
        return None if raw is None else self._parse_whole(raw)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomically(self.path, encode_by_line(data))

    def documents(self, table: str) -> Iterator[tuple[str, Any]]:
        """The documents of ``table`` (document id, document), parsed one at a time.

        Reading a 30,000-record file whole builds every record's dict before the first is
        decoded; the strings the decoded records keep are then scattered among the freed
        dicts, and the allocator cannot give those pages back (~14 MB at 30,000 highlights).
        A file in the layout :func:`encode_by_line` writes is parsed a line, that is a
        record, at a time instead; any other valid file (older versions wrote one line) is
        parsed whole.
        """
        raw = self._read_bytes()
        if raw is None:
            return
        lines = _table_lines(raw, table)
        if lines is None:
            yield from self._parse_whole(raw).get(table, {}).items()
            return
        for start, end in lines:
            line = raw[start:end]
            try:
                entry = orjson.loads(b"{" + line.rstrip(b",") + b"}")
            except orjson.JSONDecodeError as error:
                raise CorruptStoreError(self.path, f"invalid JSON: {error}") from None
            yield from entry.items()

    def _read_bytes(self) -> bytes | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            # Broadsheet never writes an empty file (an empty database is "{}"): one this
            # short was cut off, and reading it as empty would drop what it held.
            raise CorruptStoreError(self.path, "the file is empty")
        return raw

    def _parse_whole(self, raw: bytes) -> dict[str, dict[str, Any]]:
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise CorruptStoreError(self.path, f"invalid JSON: {error}") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise CorruptStoreError(self.path, "unexpected layout")
        return data

    def close(self) -> None:
        pass


def set_aside_corrupt(path: Path) -> Path:
    """Move a corrupt cache file out of the way, keeping it for inspection; return its new name."""
    index = 0
    while True:
        suffix = ".corrupt" if index == 0 else f".corrupt.{index}"
        target = path.with_name(path.name + suffix)
        if not target.exists():
            path.rename(target)
            return target
        index += 1
