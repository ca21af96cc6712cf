"""Killing a writer at any moment loses at most the change in flight, never an earlier one.

A separate process adds highlights and edits their notes as fast as it can, printing each id
once the call has returned (the moment the app would say "saved"). It is killed with SIGKILL
at random moments, again and again on the same file; after each kill the file must still be
valid and hold every change that was acknowledged.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from store.annotations import HighlightStore
from store.paths import DataPaths
from tests.conftest import REPO_ROOT

KILLS = 20
WRITER = """
import sys
from pathlib import Path
from store.annotations import HighlightStore
from store.models import Article
from store.paths import DataPaths

body = "The harbour reopened on Monday after the storm. " * 20
article = Article(id="harbour", title="Harbour", body_hash="")
store = HighlightStore(DataPaths(Path(sys.argv[1])))
print("ready", flush=True)
index = 0
while True:
    start = index % 900
    highlight = store.add(article, body, start, start + 40)
    print("added", highlight.id, flush=True)
    store.set_note(highlight.id, f"note {index}")
    print("noted", highlight.id, index, flush=True)
    index += 1
"""

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")


def run_and_kill(home: Path, rng: random.Random) -> list[list[str]]:
    """Start a writer, kill it at a random moment, return the lines it had printed."""
    environment = dict(os.environ, PYTHONPATH=str(REPO_ROOT))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(home)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
    )
    assert writer.stdout is not None
    lines: list[list[str]] = []

    def read() -> None:
        assert writer.stdout is not None
        for raw in writer.stdout:
            if raw.endswith(b"\n"):  # a line cut short by the kill was never acknowledged
                lines.append(raw.decode().split())

    reader = threading.Thread(target=read)
    reader.start()
    deadline = time.monotonic() + 10
    while not lines and time.monotonic() < deadline and writer.poll() is None:
        time.sleep(0.002)
    assert lines and lines[0] == ["ready"], writer.stderr.read() if writer.stderr else ""
    time.sleep(rng.uniform(0.0, 0.08))
    writer.send_signal(signal.SIGKILL)
    writer.wait()
    reader.join()
    assert writer.stderr is not None
    writer.stderr.close()
    return lines[1:]


def test_a_writer_killed_at_random_moments_loses_nothing_it_acknowledged(
    paths: DataPaths,
) -> None:
    rng = random.Random(20240501)
    added: set[str] = set()
    notes: dict[str, str] = {}
    kills_mid_stream = 0
    for _ in range(KILLS):
        lines = run_and_kill(paths.home, rng)
        kills_mid_stream += bool(lines)
        for line in lines:
            if line[0] == "added":
                added.add(line[1])
            elif line[0] == "noted":
                notes[line[1]] = f"note {line[2]}"

        # The store opens (snapshot and journal readable), and every acknowledged change is in.
        with HighlightStore(paths) as store:
            saved = {highlight.id: highlight for highlight in store.all()}
        assert added <= saved.keys()
        for highlight_id, note in notes.items():
            assert saved[highlight_id].note == note
    # The test only means something if writers were caught in the middle of their work.
    assert kills_mid_stream >= KILLS // 2
    assert len(added) >= KILLS
