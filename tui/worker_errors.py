"""Failed workers are reported to the user instead of failing silently.

``Worker.StateChanged`` does not bubble, so every node that starts workers (the app, the main
screen) hands its own to :func:`report_failed_worker`.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget
from textual.worker import Worker, WorkerState


def report_failed_worker(node: App[Any] | Widget, event: Worker.StateChanged) -> None:
    if event.state is WorkerState.ERROR:
        error = event.worker.error
        node.notify(
            f"{type(error).__name__}: {error}" if error else "an unexpected error",
            title="Something went wrong",
            severity="error",
            timeout=10,
        )
