"""An idle app, in a real terminal, does not wake: no timers, no polling input thread.

Over SSH a reader is left open for hours; it should cost nothing while nobody types and
nothing changes. The kernel counts every time a thread gives up the CPU to wait, so an app
that sleeps until something happens shows no new switches at all while it is left alone.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from tests.terminal import TmuxSession, requires_terminal_tools

Sessions = Callable[[Sequence[str], int, int], TmuxSession]

LEFT_ALONE_SECONDS = 1.5
"""Textual's own input thread would wake 15 times in this long, a one-second poll once."""


def wake_ups(pid: int) -> int:
    """How many times the process's threads have gone to sleep waiting, so far."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        for line in (task / "status").read_text().splitlines():
            if line.startswith("voluntary_ctxt_switches:"):
                total += int(line.split()[1])
    return total


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime + stime


def wait_until_quiet(pid: int, timeout: float = 20.0) -> None:
    """Until the app's start-up work (highlights, entity catalog after the paint) is done: no
    CPU used over three looks in a row."""
    deadline = time.monotonic() + timeout
    samples = [cpu_ticks(pid)]
    while len(samples) < 4 or len(set(samples[-4:])) > 1:
        assert time.monotonic() < deadline, "the app never went quiet"
        time.sleep(0.3)
        samples.append(cpu_ticks(pid))


@requires_terminal_tools
def test_an_idle_app_sleeps_until_a_key_arrives(
    terminal_session: Sessions, isolated_home: Path
) -> None:
    broadsheet = Path(sys.executable).parent / "broadsheet"
    session = terminal_session([str(broadsheet), "--home", str(isolated_home)], 80, 24)
    session.wait_for("All articles", timeout=30)
    pid = int(session.pane("pane_pid"))
    wait_until_quiet(pid)
    before = wake_ups(pid)
    time.sleep(LEFT_ALONE_SECONDS)
    assert wake_ups(pid) - before == 0
    # Sleeping until input must not cost the keys that need a timeout: a lone Escape.
    session.send("?")
    session.wait_for("Broadsheet keys")
    session.send("Escape")
    session.wait_for(lambda screen: "Broadsheet keys" not in screen, what="help closed")
    session.send("q")
    session.wait_until_exited()
