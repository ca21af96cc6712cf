"""What Pilot tests share: waiting until the app has nothing left to do."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from tui.screens.main import MainScreen


async def settle(pilot: Pilot[Any]) -> None:
    """Let workers finish and their messages be handled, as after a pause by the user: the
    reader's preview, which waits for the list cursor to rest, is shown now rather than
    after its timer."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        if isinstance(screen, MainScreen):
            screen.show_pending_preview()


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], bool], timeout: float = 5.0
) -> None:
    """Let the app run until ``condition`` holds, for something that arrives from outside
    (another process's write, the kernel's notice of it); fails after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the app never got there"
        await pilot.pause(0.02)
        await pilot.app.workers.wait_for_complete()
