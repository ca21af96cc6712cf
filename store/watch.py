"""Be told when another process changes the home, instead of looking every second.

An open app must show what a cron refresh or a second window wrote within two seconds. Looking
for it on a timer wakes an idle app for ever; on Linux the kernel can say when a file in the
home changes (inotify), so an idle app sleeps until something happens. Where inotify is not
available (another system, or the user's watch limit reached) :func:`watch_home` returns
``None`` and the caller falls back to looking on a timer.

The watcher only says *that* something may have changed; the stores' own signatures say what.
"""

from __future__ import annotations

import contextlib
import sys

from store.paths import DataPaths

# Files whose changes say nothing another process made visible: locks, SQLite's side files
# (bodies and derived indexes are read on demand), and the temporary files of atomic writes
# (their rename into place is the event that counts).
_IGNORED_SUFFIXES = (".lock", ".sqlite", "-wal", "-shm", "-journal", ".tmp")


class HomeWatcher:
    """The kernel's notices of changes to the home's files and its article shards."""

    def __init__(self, paths: DataPaths) -> None:
        from inotify_simple import INotify, flags

        self._inotify = INotify(nonblocking=True)
        mask = (
            flags.CLOSE_WRITE | flags.MODIFY | flags.MOVED_TO | flags.MOVED_FROM
            | flags.CREATE | flags.DELETE
        )  # fmt: skip
        try:
            for directory in (paths.home, paths.articles_dir):
                directory.mkdir(parents=True, exist_ok=True)
                self._inotify.add_watch(directory, mask)
        except BaseException:
            self._inotify.close()
            raise

    def fileno(self) -> int:
        """Readable when there are notices to take (for an event loop's ``add_reader``)."""
        return int(self._inotify.fileno())

    def take_notices(self) -> bool:
        """Read every pending notice; whether any is about a file the stores read."""
        relevant = False
        while True:
            try:
                events = self._inotify.read(timeout=0)
            except BlockingIOError:
                break
            if not events:
                break
            relevant = relevant or any(
                not event.name.endswith(_IGNORED_SUFFIXES) for event in events
            )
        return relevant

    def close(self) -> None:
        self._inotify.close()


def watch_home(paths: DataPaths) -> HomeWatcher | None:
    """A watcher for ``paths``, or ``None`` where the system cannot provide one."""
    if not sys.platform.startswith("linux"):
        return None
    with contextlib.suppress(ImportError, OSError):
        return HomeWatcher(paths)
    return None
