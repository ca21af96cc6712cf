"""Which processes are running, read from /proc (psutil is not a dependency): for tests that
kill a writer and check that nothing it started is left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import time
from collections.abc import Iterable
from pathlib import Path

PROC = Path("/proc")


def has_proc() -> bool:
    return (PROC / "self" / "stat").exists()


def _stat_fields(pid: int) -> list[str] | None:
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    # The command name is in parentheses and may hold spaces: the fields follow the last ")".
    return text.rsplit(")", 1)[1].split()


def alive(pid: int) -> bool:
    """Running, and not a zombie waiting to be reaped."""
    fields = _stat_fields(pid)
    return fields is not None and fields[0] not in ("Z", "X")


def children_of(pid: int) -> list[int]:
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


def in_session(session: int) -> list[int]:
    """The processes of a session (one started with ``start_new_session``: its id is the
    pid of its first process), including those whose parent has died since."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            fields = _stat_fields(int(entry.name))
            if fields is not None and int(fields[3]) == session:
                found.append(int(entry.name))
    return found


def descendants_of(pid: int) -> list[int]:
    """Children, their children, and so on."""
    found: list[int] = []
    pending = [pid]
    while pending:
        children = children_of(pending.pop())
        found += children
        pending += children
    return found


def left_running(pids: Iterable[int], timeout: float = 10.0) -> list[int]:
    """Those of ``pids`` still running once they had ``timeout`` seconds to end."""
    remaining = list(pids)
    deadline = time.monotonic() + timeout
    while remaining and time.monotonic() < deadline:
        remaining = [pid for pid in remaining if alive(pid)]
        if remaining:
            time.sleep(0.02)  # polling for processes to end, not a wait for a moment
    return [pid for pid in remaining if alive(pid)]


def kill_all(pids: Iterable[int]) -> None:
    """Clean up after a failed test: its stray processes must not outlive it."""
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
