"""What Pilot tests share: waiting until the app has nothing left to do."""

from __future__ import annotations

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
