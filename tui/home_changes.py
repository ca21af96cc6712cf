"""When to look for other processes' changes to the home: a cron refresh, a second window.

On Linux the kernel's notices wake the app (a moment after the last of a burst, so one look
takes in a whole flush); elsewhere it looks every second. Either way an idle app with nothing
changing does no work, which is what keeps its CPU at zero over SSH.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from textual.message_pump import MessagePump
from textual.timer import Timer

from store.paths import DataPaths
from store.watch import HomeWatcher, watch_home

POLL_SECONDS = 1.0
"""Where the kernel cannot tell us, how often to look."""

SETTLE_SECONDS = 0.1
"""How long after a notice to look: a flush writes several files in a row."""

Look = Callable[[bool], None]
"""Called to look; its argument says whether to look at every file (after a notice) or only
at the cheap signatures (on the timer)."""


class HomeChanges:
    """Calls ``look`` when the home may have changed, for as long as ``owner`` is running."""

    def __init__(self, owner: MessagePump, paths: DataPaths, look: Look) -> None:
        self._owner = owner
        self._paths = paths
        self._look = look
        self._watcher: HomeWatcher | None = None
        self._settling: Timer | None = None

    @property
    def notified(self) -> bool:
        """Whether the kernel's notices drive the looks (rather than a timer)."""
        return self._watcher is not None

    def start(self) -> None:
        self._watcher = watch_home(self._paths)
        if self._watcher is None:
            self._owner.set_interval(POLL_SECONDS, lambda: self._look(False))
            return
        asyncio.get_running_loop().add_reader(self._watcher.fileno(), self._noticed)

    def stop(self) -> None:
        if self._watcher is not None:
            asyncio.get_running_loop().remove_reader(self._watcher.fileno())
            self._watcher.close()
            self._watcher = None

    def _noticed(self) -> None:
        if self._watcher is None or not self._watcher.take_notices():
            return
        if self._settling is None:
            self._settling = self._owner.set_timer(SETTLE_SECONDS, self._settled)

    def _settled(self) -> None:
        self._settling = None
        self._look(True)
