"""Worker processes for a refresh that die with the process that started them.

A command-line refresh parses feeds in forked worker processes. Left
to themselves they outlive their parent: after ``kill -9`` (or a TERM or HUP) of a
``broadsheet refresh`` they wait on their queue for ever, ~60 MB each. And a Ctrl-C reaches
the whole process group, so each printed its own ``KeyboardInterrupt`` traceback.

So each worker, before its first task:

- ignores SIGINT: the parent alone answers a Ctrl-C (and shuts the pool down);
- asks Linux to SIGKILL it when its parent dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a
  thread looks at its parent's pid once a second and ends the worker when it changed;
- ends at once if the parent is already gone (it died between the fork and here).

Workers only parse; they write nothing, so a kill costs nothing but the work.
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

_PR_SET_PDEATHSIG = 1
"""From <linux/prctl.h>."""
PARENT_CHECK_SECONDS = 1.0
"""How often a worker without PR_SET_PDEATHSIG looks whether its parent is still there."""


def start_worker_processes(count: int, warm_up: Callable[[], object]) -> ProcessPoolExecutor | None:
    """``count`` worker processes, forked now (call before this process starts any thread of
    its own), each running ``warm_up`` first. None where fork is not available."""
    if count < 2 or "fork" not in multiprocessing.get_all_start_methods():
        return None
    pool = ProcessPoolExecutor(
        count,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_bind_to_parent,
        initargs=(os.getpid(),),
    )
    # SIGINT is held back while the workers are forked, so that none is interrupted before
    # it ignores SIGINT; one that arrives meanwhile reaches this process once it is let go.
    held = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        # The first submission forks every worker at once, here, rather than once threads
        # exist; each then loads what it needs while the first requests are on the wire.
        for _ in range(count):
            pool.submit(warm_up)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, held)
    return pool


def _bind_to_parent(parent: int) -> None:
    """(In each worker, first.) Ignore Ctrl-C, and die with the parent."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    if not _ask_for_death_signal():
        threading.Thread(
            target=_watch_parent, args=(parent,), name="broadsheet-parent-watch", daemon=True
        ).start()
    if os.getppid() != parent:
        os._exit(1)  # the parent died before the death signal was asked for


def _ask_for_death_signal() -> bool:
    """Ask Linux to SIGKILL this process when its parent dies; False where it cannot."""
    if not sys.platform.startswith("linux"):
        return False
    with contextlib.suppress(OSError, AttributeError):
        libc = ctypes.CDLL(None, use_errno=True)
        return int(libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)) == 0
    return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)
