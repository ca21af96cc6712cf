"""A command-line refresh's worker processes end with it (issue 13, bug 10).

``broadsheet refresh`` parses feeds in forked worker processes. Killed (-9, TERM, HUP), it left
them waiting for ever; stopped with Ctrl-C, each printed its own KeyboardInterrupt traceback.
Here a refresh is caught while a feed is slow to answer, with its workers running.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from store.feeds import Feed, FeedStore
from store.paths import DataPaths
from tests.conftest import REPO_ROOT
from tests.processes import children_of, descendants_of, has_proc, kill_all, left_running
from tests.web.generated_feeds import serve_feed
from tests.web.server import Request, Response, WebServer
from tui.cli.feeds import REFRESH_PROCESSES

pytestmark = [
    pytest.mark.skipif(not has_proc(), reason="reads /proc"),
    pytest.mark.skipif(REFRESH_PROCESSES < 2, reason="one core: no worker processes"),
]
STARTED_WITHIN = 60.0


async def slow_feeds(request: Request) -> Response:
    response = await serve_feed(request)
    if "slow" in request.query:
        response.delay = 60.0  # still on the wire when the refresh is stopped
    return response


@pytest.fixture(scope="module")
def slow_server() -> Iterator[WebServer]:
    with WebServer(slow_feeds) as server:
        yield server


def start_refresh(paths: DataPaths, server: WebServer) -> tuple[subprocess.Popen[str], list[int]]:
    """``broadsheet refresh`` of a quick feed and a slow one, once its workers are running
    and it waits for the slow one; the refresh and its workers."""
    tag = f"{os.getpid()}-{time.monotonic_ns()}"
    with FeedStore(paths) as feeds:
        feeds.put(Feed.new(server.url(f"/feed?name=quick-{tag}")))
        feeds.put(Feed.new(server.url(f"/feed?name=late-{tag}&slow=1")))
    refresh = subprocess.Popen(
        [sys.executable, "-m", "tui.cli", "refresh"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT), "BROADSHEET_HOME": str(paths.home)},
    )
    deadline = time.monotonic() + STARTED_WITHIN
    while not (
        len(children_of(refresh.pid)) >= REFRESH_PROCESSES
        and any(f"late-{tag}" in request.query for request in list(server.requests))
    ):
        assert refresh.poll() is None, refresh.communicate()
        assert time.monotonic() < deadline, "the refresh never got under way"
        time.sleep(0.02)  # polling for the refresh to get there
    return refresh, descendants_of(refresh.pid)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM, signal.SIGHUP])
def test_killed_refresh_leaves_no_worker_behind(
    paths: DataPaths, slow_server: WebServer, how: signal.Signals
) -> None:
    refresh, workers = start_refresh(paths, slow_server)
    try:
        refresh.send_signal(how)
        # Not communicate(): workers left behind would hold its pipes open for ever.
        refresh.wait(timeout=30)
        assert left_running(workers) == [], "worker processes outlived the refresh"
    finally:
        kill_all(workers)
        for pipe in (refresh.stdout, refresh.stderr):
            if pipe is not None:
                pipe.close()


def test_ctrl_c_stops_a_refresh_cleanly(paths: DataPaths, slow_server: WebServer) -> None:
    refresh, workers = start_refresh(paths, slow_server)
    try:
        # A terminal's Ctrl-C reaches the whole foreground process group: the refresh and
        # its workers (sent one by one here, as the group is the test runner's own).
        for process in (refresh.pid, *workers):
            os.kill(process, signal.SIGINT)
        _, errors = refresh.communicate(timeout=60)
        assert refresh.returncode == 130, errors
        assert errors.strip() == "broadsheet: error: interrupted"
        assert left_running(workers) == []
    finally:
        kill_all(workers)
    # What was fetched before the interruption is kept, and the home opens.
    assert Path(paths.feeds_db).exists()
