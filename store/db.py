"""TinyDB persistence: orjson storage with atomic, durable writes, and the one-writer lock."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import filelock
import orjson
from tinydb import TinyDB
from tinydb.middlewares import CachingMiddleware
from tinydb.storages import Storage


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


class StoreLockedError(StoreError):
    def __init__(self, lock_path: Path) -> None:
        super().__init__(
            f"another Broadsheet is already using {lock_path.parent} "
            "(close it first, or choose another home with --home)"
        )
        self.lock_path = lock_path


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old file or the new one.

    The bytes go to a temporary file in the same directory and are renamed over the target.
    With ``durable`` (the default) the file is fsynced before the rename and the directory
    after it, so the change also survives a power cut; cache files that can be fetched again
    skip the two fsyncs, which cost milliseconds each.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise
    if durable:
        fsync_directory(path.parent)


def remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files a killed writer of ``path`` left behind (hold its lock first)."""
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def fsync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:  # Some platforms cannot open directories; the rename is still atomic.
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


class AtomicJSONStorage(Storage):
    """A TinyDB storage that reads with orjson and writes atomically and durably."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def read(self) -> dict[str, dict[str, Any]] | None:
        try:
            raw = self.path.read_bytes()
        except FileNotFoundError:
            return None
        if not raw.strip():
            return None
        try:
            data = orjson.loads(raw)
        except orjson.JSONDecodeError as error:
            raise CorruptStoreError(self.path, f"invalid JSON: {error}") from None
        if not isinstance(data, dict) or not all(isinstance(t, dict) for t in data.values()):
            raise CorruptStoreError(self.path, "unexpected layout")
        return data

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        write_atomically(self.path, orjson.dumps(data))

    def close(self) -> None:
        pass


def open_durable_db(path: Path) -> TinyDB:
    """A TinyDB whose every change is on disk when the call returns (user-made data)."""
    return TinyDB(path, storage=AtomicJSONStorage)


def open_cached_db(path: Path) -> TinyDB:
    """A TinyDB kept in memory whose writes reach disk on ``storage.flush()`` (the cache).

    TinyDB rewrites the whole file on every write, which costs seconds at 50,000 articles, so
    cache writes are batched and flushed once per import or refresh.
    """
    middleware = CachingMiddleware(AtomicJSONStorage)  # type: ignore[no-untyped-call]
    middleware.WRITE_CACHE_SIZE = 1_000_000  # flush when we say so, not every N writes
    return TinyDB(path, storage=middleware)


def flush_cached_db(database: TinyDB) -> None:
    """Write a cached TinyDB's pending changes to disk (atomically, via its storage)."""
    storage = database.storage
    if isinstance(storage, CachingMiddleware):
        storage.flush()  # type: ignore[no-untyped-call]


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


class WriterLock:
    """The one-writer lock on a data directory, held for as long as a process writes to it."""

    def __init__(self, lock_path: Path) -> None:
        self.path = lock_path
        self._lock = filelock.FileLock(str(lock_path))

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._lock.acquire(timeout=0)
        except filelock.Timeout:
            raise StoreLockedError(self.path) from None

    def release(self) -> None:
        self._lock.release()

    @property
    def held(self) -> bool:
        return bool(self._lock.is_locked)
