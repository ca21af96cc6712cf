"""Replacing a file whole: atomically, durably, and leaving nothing behind when killed.

On Linux the new bytes go into an unnamed file (``O_TMPFILE``) in the target's directory,
which gets a name only once it is complete: a writer killed mid-write leaves nothing but
freed blocks. Replacing a file that exists still needs one name for a moment (Linux cannot
link a file over another), so the finished file is linked beside the target and renamed over
it, microseconds later. Where ``O_TMPFILE`` or ``/proc`` is missing (macOS, some file
systems), the bytes go to a named temporary file beside the target, as they always did.

Every temporary file carries an exclusive ``flock`` for as long as its writer lives, which
the operating system drops when the writer dies: :func:`remove_abandoned_temporaries` removes
only files nobody holds, so it never takes a file from a writer still at work.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path

PRIVATE_FILE_MODE = 0o600
"""Store files: only their owner reads a home."""
USER_FILE_MODE = 0o666
"""Files made for the user (exports): the permissions their umask gives any new file."""
TEMPORARY_SUFFIX = ".tmp"
_NO_UNNAMED_FILES = frozenset({errno.EOPNOTSUPP, errno.EISDIR, errno.EINVAL})
"""What ``open(O_TMPFILE)`` says where the kernel or the file system has no unnamed files
(kernels before 3.11 read the flag as O_DIRECTORY, hence EISDIR)."""
_CANNOT_LINK = frozenset({errno.ENOENT, errno.EPERM, errno.EOPNOTSUPP, errno.EXDEV})
"""What linking ``/proc/self/fd/N`` says where /proc is missing or refuses."""


def write_atomically(
    path: Path, data: bytes, *, durable: bool = True, mode: int = PRIVATE_FILE_MODE
) -> None:
    """Replace ``path`` with ``data`` so that a crash leaves either the old file or the new one,
    and a kill leaves no half-written file anywhere.

    With ``durable`` (the default) the file is fsynced before it is linked in and the
    directory after, so the change also survives a power cut; cache files that can be fetched
    again skip the two fsyncs, which cost milliseconds each. ``mode`` is the new file's
    permissions before the umask (store files stay private; exports pass
    :data:`USER_FILE_MODE`).

    Only a regular file, a symbolic link (replaced, not followed) or a path not there yet is
    replaced: renaming over a device node or a FIFO would destroy it (as root, /dev/null
    would become a file), so those raise ``OSError`` and folders ``IsADirectoryError``. Every
    error names ``path``, never a temporary file beside it.
    """
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _refuse_special_file(path)
        unnamed = _open_unnamed(path.parent, mode)
        if unnamed is None or not _link_unnamed(unnamed, path, data, durable):
            _write_through_named_file(path, data, durable, mode)
    except OSError as problem:
        raise _naming(problem, path) from None
    if durable:
        fsync_directory(path.parent)


def _open_unnamed(directory: Path, mode: int) -> int | None:
    """An unnamed file in ``directory``; None where there are none."""
    if not hasattr(os, "O_TMPFILE"):
        return None
    try:
        descriptor = os.open(directory, os.O_TMPFILE | os.O_WRONLY | os.O_CLOEXEC, mode)
    except OSError as problem:
        if problem.errno in _NO_UNNAMED_FILES:
            return None
        raise
    return descriptor


def _link_unnamed(descriptor: int, path: Path, data: bytes, durable: bool) -> bool:
    """Write ``data`` into the unnamed file and put it at ``path``; False (nothing done) where
    the file cannot be given a name, so that the caller writes another way."""
    folder: int | None = None
    try:
        # Held until closed, so that nobody takes the file for a dead writer's leftover.
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        _write_all(descriptor, data, durable)
        folder = os.open(path.parent, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
        try:
            _link_into(descriptor, path.name, folder)
            return True  # nothing was there: in place at once
        except FileExistsError:
            pass
        except OSError as problem:
            if problem.errno in _CANNOT_LINK:
                return False
            raise
        while True:
            temporary = _temporary_name(path)
            try:
                _link_into(descriptor, temporary.name, folder)
                break
            except FileExistsError:
                continue
        try:
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        return True
    finally:
        os.close(descriptor)
        if folder is not None:
            os.close(folder)


def _link_into(descriptor: int, name: str, folder: int) -> None:
    # A folder descriptor makes os.link call linkat(AT_SYMLINK_FOLLOW), which follows the
    # /proc link to the open file; plain link() would try to link the /proc entry itself.
    os.link(f"/proc/self/fd/{descriptor}", name, dst_dir_fd=folder, follow_symlinks=True)


def _write_through_named_file(path: Path, data: bytes, durable: bool, mode: int) -> None:
    while True:
        temporary = _temporary_name(path)
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC
            descriptor = os.open(temporary, flags, mode)
            break
        except FileExistsError:
            continue
    try:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            _write_all(descriptor, data, durable)
        finally:
            os.close(descriptor)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def _temporary_name(path: Path) -> Path:
    return path.with_name(f".{path.name}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")


def _write_all(descriptor: int, data: bytes, durable: bool) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]
    if durable:
        os.fsync(descriptor)


def remove_abandoned_temporaries(folder: Path, names: Iterable[str]) -> None:
    """Delete the temporary files that writers of ``folder/name`` (for each of ``names``)
    left when they were killed, and nothing a live writer holds. One look at the folder,
    however many names."""
    wanted = set(names)
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        name = entry.name
        if not (name.startswith(".") and name.endswith(TEMPORARY_SUFFIX)):
            continue
        target, _, token = name[1 : -len(TEMPORARY_SUFFIX)].rpartition(".")
        if target in wanted and token and entry.is_file(follow_symlinks=False):
            _remove_if_abandoned(Path(entry.path))


def _remove_if_abandoned(leftover: Path) -> None:
    try:
        descriptor = os.open(leftover, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        # Still the file we locked (not renamed into place meanwhile and another made).
        if os.lstat(leftover).st_ino == os.fstat(descriptor).st_ino:
            leftover.unlink()
    except OSError:
        pass  # held by a live writer, or gone already
    finally:
        os.close(descriptor)


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
