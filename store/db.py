"""TinyDB persistence: orjson storage with atomic, durable writes; short write locks."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import filelock
import orjson
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


def write_atomically(path: Path, data: bytes, *, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old file or the new one.

    The bytes go to a temporary file in the same directory and are renamed over the target.
    With ``durable`` (the default) the file is fsynced before the rename and the directory
    after it, so the change also survives a power cut; cache files that can be fetched again
    skip the two fsyncs, which cost milliseconds each.

    Only a regular file, a symbolic link (replaced, not followed) or a path not there yet is
    replaced: renaming over a device node or a FIFO would destroy it (as root, /dev/null
    would become a file), so those raise ``OSError`` and folders ``IsADirectoryError``. Every
    error names ``path``, never the temporary file beside it.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_special_file(path)
        handle, temporary = tempfile.mkstemp(
            prefix=f".{path.name}.", suffix=".tmp", dir=path.parent
        )
    except OSError as problem:
        raise _naming(problem, path) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
            if durable:
                stream.flush()
                os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException as problem:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        if isinstance(problem, OSError):
            raise _naming(problem, path) from None
        raise
    if durable:
        fsync_directory(path.parent)


def _refuse_special_file(path: Path) -> None:
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(errno.EISDIR, "is a folder, not a file", str(path))
    if not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise OSError(
            errno.EINVAL, "not a regular file (only regular files are replaced)", str(path)
        )


def _naming(problem: OSError, path: Path) -> OSError:
    """``problem`` again, naming ``path``: an error about ``.x.json.k3j.tmp`` tells a user
    nothing about the file they asked for."""
    if problem.errno is None or problem.filename == str(path):
        return problem
    return OSError(problem.errno, problem.strerror or str(problem), str(path))


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
            # Broadsheet never writes an empty file (an empty database is "{}"): one this
            # short was cut off, and reading it as empty would drop what it held.
            raise CorruptStoreError(self.path, "the file is empty")
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
