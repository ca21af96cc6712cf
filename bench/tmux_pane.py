"""A program in a tmux pane of 80x24 on a private tmux server, and what /proc says about it.

The server gets its own socket and config (no status line, so the pane is the whole 80x24),
and the pane runs the command with ``exec``, so the pane's process is the program itself: its
RSS and CPU time are read from ``/proc/<pid>``. Everything started here is stopped by
:meth:`TmuxPane.close` (the program by its pid, then the tmux server).
"""

from __future__ import annotations

import contextlib
import os
import shlex
import signal
import subprocess
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import TracebackType

WIDTH, HEIGHT = 80, 24
POLL = 0.02
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def rss_mb(pid: int) -> float | None:
    """Resident set size of a live process, in MB (None once it has gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process (all its threads), in seconds."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state != "Z"


def wait_until_quiet(pid: int, quiet: float = 0.6, timeout: float = 30.0) -> tuple[bool, float]:
    """Wait until the process has used no CPU for ``quiet`` seconds; (quiet, seconds waited)."""
    started = time.perf_counter()
    last = cpu_seconds(pid)
    still_since = time.perf_counter()
    while time.perf_counter() - started < timeout:
        time.sleep(min(0.1, quiet / 5))
        now = cpu_seconds(pid)
        if now is None:
            return False, time.perf_counter() - started
        if now != last:
            last, still_since = now, time.perf_counter()
        elif time.perf_counter() - still_since >= quiet:
            return True, time.perf_counter() - started
    return False, time.perf_counter() - started


class TmuxPane:
    def __init__(self, workdir: Path, name: str) -> None:
        self.socket = workdir / f"tmux-{name}.sock"
        self.config = workdir / f"tmux-{name}.conf"
        self.config.write_text(
            "set -g status off\nset -g default-terminal tmux-256color\n"
            "set -g escape-time 0\nset -g history-limit 0\n"
        )
        self.pid: int | None = None
        self.started_at = 0.0

    def _tmux(self, *arguments: str, env: dict[str, str] | None = None) -> str:
        command = ["tmux", "-S", str(self.socket), "-f", str(self.config), *arguments]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=20)
        if done.returncode != 0:
            raise RuntimeError(f"tmux {arguments[0]}: {done.stderr.strip()}")
        return done.stdout

    def start(self, command: Sequence[str], env: dict[str, str], cwd: Path) -> float:
        """Start ``command`` in a new 80x24 pane; the time just before tmux was asked to."""
        shell = "exec " + " ".join(shlex.quote(part) for part in command)
        self.started_at = time.perf_counter()
        self._tmux(
            "new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT),
            "-c", str(cwd), shell, env=env,
        )  # fmt: skip
        self.pid = int(self._tmux("display-message", "-p", "-t", "bench", "#{pane_pid}"))
        return self.started_at

    def screen(self) -> str:
        try:
            return self._tmux("capture-pane", "-p", "-t", "bench")
        except RuntimeError:
            return ""

    def wait_for(self, found: Callable[[str], bool], timeout: float) -> float | None:
        """Seconds from :meth:`start` until ``found(screen)``; None on timeout or exit."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if found(self.screen()):
                return time.perf_counter() - self.started_at
            if self.pid is not None and not alive(self.pid):
                return None
            time.sleep(POLL)
        return None

    def send(self, *keys: str) -> None:
        self._tmux("send-keys", "-t", "bench", *keys)

    def close(self, quit_keys: Sequence[str] = (), timeout: float = 30.0) -> bool:
        """Quit the program with ``quit_keys`` (killing it if it does not go within
        ``timeout``) and stop the tmux server; True if it quit by itself."""
        by_itself = True
        if self.pid is not None:
            if quit_keys and alive(self.pid):
                # One at a time: Escape and a key within ESCDELAY would read as Alt+key.
                for key in quit_keys:
                    with contextlib.suppress(RuntimeError):
                        self.send(key)
                    time.sleep(0.2)
            deadline = time.perf_counter() + timeout
            while alive(self.pid) and time.perf_counter() < deadline:
                time.sleep(0.05)
            if alive(self.pid):
                by_itself = False
                os.kill(self.pid, signal.SIGKILL)
        if self.socket.exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._tmux("kill-server")
        self.pid = None
        return by_itself

    def __enter__(self) -> TmuxPane:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close(timeout=2.0)
