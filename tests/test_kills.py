"""SIGKILL at any moment loses nothing a writer acknowledged, and leaves a home that works.

Five kinds of writer work on their own homes at once, each started, killed at a seeded random
moment and started again, over and over: one marks articles read and starred, one adds
highlights and edits and deletes them, one refreshes feeds from a local HTTP server (in forked
worker processes, as the command line does), one imports files, and one exports highlights to
a file. A writer prints what it is about to do (``do …``) and then that the call returned (the
moment the app would say "saved"). After each kill the home must open, and hold exactly the
acknowledged state — plus, at most, the one change that was in flight when the writer died;
an export's file is absent or a whole export, never half of one; and no process the writer
started (its refresh workers) is left running.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import orjson
import pytest

from store.annotations import HighlightStore
from store.export.output import export_to_path
from store.feeds import FeedStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tests.conftest import REPO_ROOT
from tests.processes import has_proc, in_session, kill_all, left_running
from tests.web.generated_feeds import ITEMS_PER_FEED
from tests.web.server import WebServer

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")

MARK_KILLS = 70
HIGHLIGHT_KILLS = 60
REFRESH_KILLS = 35
IMPORT_KILLS = 30
EXPORT_KILLS = 30
COMPACTION_KILLS = 40
ARTICLES = 30
START_TIMEOUT = 30.0

MARK_WRITER = """
import random, sys
from pathlib import Path
from store.library import Library
from store.paths import DataPaths

library = Library(DataPaths(Path(sys.argv[1])))
rng = random.Random(int(sys.argv[2]))
compact_every = int(sys.argv[3])
ids = sorted(article.id for article in library.articles())
print("ready", flush=True)
count = 0
while True:
    count += 1
    if compact_every and count % compact_every == 0:
        print("do compact", flush=True)
        library.read_state.compact()
        print("ok", flush=True)
        continue
    kind = rng.choice(("read", "star", "all"))
    value = rng.random() < 0.5
    chosen = rng.sample(ids, 3) if kind == "all" else [rng.choice(ids)]
    print("do", kind, int(value), *chosen, flush=True)
    if kind == "read":
        library.set_read(chosen[0], value)
    elif kind == "star":
        library.set_starred(chosen[0], value)
    else:
        library.mark_all_read(chosen, value)
    print("ok", flush=True)
"""

HIGHLIGHT_WRITER = """
import random, sys
from pathlib import Path
from store.annotations import HighlightStore
from store.models import Article
from store.paths import DataPaths

store = HighlightStore(DataPaths(Path(sys.argv[1])))
rng = random.Random(int(sys.argv[2]))
tag = sys.argv[2]
body = "The harbour reopened on Monday after the storm had closed it for a week. " * 12
articles = [Article(id=f"harbour-{n}", title=f"Harbour {n}", body_hash="") for n in range(3)]
live = sorted(highlight.id for highlight in store.all())
print("ready", flush=True)
count = 0
while True:
    count += 1
    roll = rng.random()
    if live and roll < 0.4:
        chosen, note = rng.choice(live), f"note-{tag}-{count}"
        print("do note", chosen, note, flush=True)
        store.set_note(chosen, note)
        print("ok", flush=True)
    elif live and roll < 0.5:
        chosen = rng.choice(live)
        print("do delete", chosen, flush=True)
        store.delete(chosen)
        live.remove(chosen)
        print("ok", flush=True)
    else:
        article, note = rng.choice(articles), f"first-{tag}-{count}"
        start = rng.randrange(0, len(body) - 60)
        print("do add", article.id, note, flush=True)
        highlight = store.add(article, body, start, start + 40, note=note)
        live.append(highlight.id)
        print("added", highlight.id, flush=True)
"""

REFRESH_WRITER = """
import sys
from pathlib import Path
from store.feeds import Feed, FeedStore
from store.ingest.refresh import refresh_feeds
from store.library import Library
from store.paths import DataPaths

paths = DataPaths(Path(sys.argv[1]))
server, tag, processes = sys.argv[2], sys.argv[3], int(sys.argv[4])
library = Library(paths)
feed_store = FeedStore(paths)
# A first refresh in a process imports and loads what later ones reuse (most of a second on
# a slow machine): done before "ready", so that kills land among the refreshes themselves.
warm_up = Feed.new(f"{server}/feed?name={tag}-warm-up")
feed_store.put(warm_up)
refresh_feeds(library, feed_store, feeds=[warm_up])
print("ready", flush=True)
count = 0
while True:
    count += 1
    feed = Feed.new(f"{server}/feed?name={tag}-{count}")
    print("do", feed.id, flush=True)
    feed_store.put(feed)
    # With worker processes (as the command line refreshes) in some rounds: a kill must
    # take them too.
    report = refresh_feeds(library, feed_store, feeds=[feed], processes=processes)
    ids = sorted(article.id for article in library.articles() if article.feed_id == feed.id)
    print("refreshed", feed.id, report.new_articles, *ids, flush=True)
"""

IMPORT_WRITER = """
import sys
from pathlib import Path
from store.ingest.importer import import_seeds
from store.library import Library
from store.paths import DataPaths

library = Library(DataPaths(Path(sys.argv[1])))
folder, tag = Path(sys.argv[2]), sys.argv[3]
print("ready", flush=True)
count = 0
while True:
    count += 1
    seed = folder / f"{tag}-{count}.md"
    story = f"The harbour reopened on Monday ({tag}, {count}) after the storm. " * 20
    seed.write_text(f"# Harbour {tag} {count}\\n\\n{story}\\n", encoding="utf-8")
    print("do", seed, flush=True)
    report = import_seeds(library, [seed])
    print("imported", *[article.id for article in report.new], flush=True)
"""

EXPORT_WRITER = """
import sys
from pathlib import Path
from store.annotations import HighlightStore
from store.export.output import export_to_path
from store.models import Article
from store.paths import DataPaths

store = HighlightStore(DataPaths(Path(sys.argv[1])))
target, tag = Path(sys.argv[2]), sys.argv[3]
article = Article(id="harbour", title="Harbour", body_hash="")
body = "The harbour reopened on Monday after the storm had closed it for a week. " * 40
print("ready", flush=True)
count = 0
while True:
    count += 1
    store.add(article, body, (count * 7) % 2000, (count * 7) % 2000 + 60, note=f"{tag}-{count}")
    chosen = store.all()
    print("do", len(chosen), flush=True)
    export_to_path("json", chosen, target, {})
    print("exported", len(chosen), flush=True)
"""


def run_until_killed(arguments: list[str], delay: float) -> list[list[str]]:
    """Start a writer, SIGKILL it ``delay`` seconds after it is ready; the whole lines it
    printed after "ready" (a line cut short by the kill was never acknowledged). Whatever it
    started must end with it."""
    writer = subprocess.Popen(
        [sys.executable, "-c", *arguments],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
        text=True,
        # Its own session: the processes it forks keep the session's id after it dies, so
        # that any left behind can be found (their parent is then init).
        start_new_session=True,
    )
    lines: list[list[str]] = []
    errors: list[str] = []
    ready = threading.Event()

    def read_output() -> None:
        assert writer.stdout is not None
        for raw in writer.stdout:
            if raw.endswith("\n"):
                lines.append(raw.split())
                ready.set()

    def read_errors() -> None:
        assert writer.stderr is not None
        errors.extend(writer.stderr)

    readers = [threading.Thread(target=read_output), threading.Thread(target=read_errors)]
    for reader in readers:
        reader.start()
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not ready.wait(0.005) and writer.poll() is None and time.monotonic() < deadline:
            pass
        if ready.is_set():
            time.sleep(delay)  # the random moment of the kill, not a wait for a condition
        alive = writer.poll() is None
    finally:
        writer.kill()
        writer.wait(timeout=10)
        left = left_running(in_session(writer.pid)) if has_proc() else []
        kill_all(left)
        for reader in readers:
            reader.join(timeout=10)
    assert left == [], f"processes outlived the killed writer: {left}"
    if not (alive and lines and lines[0] == ["ready"]):
        raise AssertionError(f"the writer stopped before it was killed:\n{''.join(errors)}")
    return lines[1:]


@dataclass
class Transcript:
    """A killed writer's lines as calls that returned, and the one that had not."""

    acknowledged: list[tuple[list[str], list[str]]]
    """Each ``do`` line with the line that acknowledged it."""
    in_flight: list[str] | None


def transcript(lines: list[list[str]]) -> Transcript:
    acknowledged: list[tuple[list[str], list[str]]] = []
    pending: list[str] | None = None
    for line in lines:
        if line[0] == "do":
            assert pending is None, f"two calls at once: {pending} and {line}"
            pending = line[1:]
        else:
            assert pending is not None, f"an acknowledgement of nothing: {line}"
            acknowledged.append((pending, line))
            pending = None
    return Transcript(acknowledged, pending)


# Read and starred state

State = dict[str, tuple[bool, bool]]


def apply_mark(state: State, call: list[str]) -> State:
    if call[0] == "compact":
        return state
    kind, value, ids = call[0], call[1] == "1", call[2:]
    after = dict(state)
    for article_id in ids:
        read, starred = after[article_id]
        after[article_id] = (read, value) if kind == "star" else (value, starred)
    return after


def stored_states(paths: DataPaths) -> State:
    with Library(paths, writable=False) as library:
        return {article.id: (article.read, article.starred) for article in library.articles()}


def make_articles(paths: DataPaths) -> State:
    with Library(paths) as library:
        for number in range(ARTICLES):
            library.save(Article(id=f"a{number:02}", title=f"Story {number}", body_hash=""), "x")
    return {f"a{number:02}": (False, False) for number in range(ARTICLES)}


def check_marks(paths: DataPaths, expected: State, lines: list[list[str]]) -> State:
    """The state the home holds after a kill: the acknowledged one, or that plus the call in
    flight (all of it: a batch is all or nothing)."""
    calls = transcript(lines)
    for call, _ in calls.acknowledged:
        expected = apply_mark(expected, call)
    allowed = [expected]
    if calls.in_flight is not None:
        allowed.append(apply_mark(expected, calls.in_flight))
    actual = stored_states(paths)
    assert actual in allowed, f"after {calls.in_flight}: {diff(expected, actual)}"
    return actual


def diff(expected: Mapping[str, object], actual: Mapping[str, object]) -> str:
    keys = sorted(expected.keys() | actual.keys())
    return ", ".join(
        f"{key}: want {expected.get(key)} got {actual.get(key)}"
        for key in keys
        if expected.get(key) != actual.get(key)
    )


# Highlights

Notes = dict[str, str]


def stored_notes(paths: DataPaths) -> Notes:
    with HighlightStore(paths) as store:
        return {highlight.id: highlight.note for highlight in store.all()}


def check_highlights(paths: DataPaths, expected: Notes, lines: list[list[str]]) -> Notes:
    calls = transcript(lines)
    expected = dict(expected)
    for call, acknowledgement in calls.acknowledged:
        if call[0] == "add":
            expected[acknowledgement[1]] = call[2]
        elif call[0] == "note":
            expected[call[1]] = call[2]
        else:
            del expected[call[1]]
    actual = stored_notes(paths)
    if actual == expected or calls.in_flight is None:
        assert actual == expected, diff(expected, actual)
        return actual
    call = calls.in_flight
    if call[0] == "add":
        extra = actual.keys() - expected.keys()
        assert len(extra) == 1 and {**expected, **{e: call[2] for e in extra}} == actual
    elif call[0] == "note":
        assert actual == {**expected, call[1]: call[2]}, diff(expected, actual)
    else:
        assert actual == {k: v for k, v in expected.items() if k != call[1]}
    return actual


# Refresh


def check_refreshes(
    paths: DataPaths, refreshed: dict[str, list[str]], lines: list[list[str]]
) -> None:
    for call, acknowledgement in transcript(lines).acknowledged:
        assert acknowledgement[:2] == ["refreshed", call[0]]
        assert int(acknowledgement[2]) == ITEMS_PER_FEED == len(acknowledgement[3:])
        refreshed[call[0]] = acknowledgement[3:]
    with Library(paths, writable=False) as library, FeedStore(paths) as feed_store:
        for feed_id, article_ids in refreshed.items():
            feed = feed_store.get(feed_id)
            assert feed is not None and feed.last_success, f"feed {feed_id} lost"
            for article_id in article_ids:
                article = library.get(article_id)
                assert article is not None, f"article {article_id} of {feed_id} lost"
                assert library.body(article).startswith("Ada Lovelace")


# Imports


def check_imports(paths: DataPaths, imported: dict[str, list[str]], lines: list[list[str]]) -> None:
    for call, acknowledgement in transcript(lines).acknowledged:
        assert acknowledgement[0] == "imported" and len(acknowledgement) == 2, acknowledgement
        imported[call[0]] = acknowledgement[1:]
    with Library(paths, writable=False) as library:
        for path, article_ids in imported.items():
            for article_id in article_ids:
                article = library.get(article_id)
                assert article is not None, f"the article of {path} was lost"
                assert library.body(article).startswith("The harbour reopened")


# Exports


def check_export(target: Path, before: int | None, lines: list[list[str]]) -> int | None:
    """The export file after a kill: absent (no export yet), or one whole export: the last
    acknowledged, the one in flight, or (none acknowledged) the one before. Its count.

    Beside it, no half-written temporary file: the export is written to an unnamed file and
    named only when whole. (A kill in the microseconds between naming the whole file and
    renaming it over the target leaves that whole file, which the next export removes: at
    most one, then, and whole.)"""
    calls = transcript(lines)
    allowed = {calls.acknowledged[-1][1][1] if calls.acknowledged else str(before)}
    if calls.in_flight is not None:
        allowed.add(calls.in_flight[0])
    leftovers = list(target.parent.glob(f".{target.name}.*.tmp"))
    assert len(leftovers) <= 1, [path.name for path in leftovers]
    for leftover in leftovers:
        whole = orjson.loads(leftover.read_bytes())  # a half file does not parse
        assert len(whole["first"]["items"]) == whole["total"]
    if not target.exists():
        assert before is None and not calls.acknowledged, "an acknowledged export is gone"
        return None
    exported = orjson.loads(target.read_bytes())  # a half file does not parse
    assert str(exported["total"]) in allowed, (exported["total"], allowed)
    assert len(exported["first"]["items"]) == exported["total"]
    return int(exported["total"])


# The kill loops


@dataclass
class Tally:
    kills: int = 0
    caught_mid_stream: int = 0
    acknowledged: int = 0


def kill_loop(
    kills: int,
    start: Callable[[random.Random], tuple[list[str], float]],
    check: Callable[[list[list[str]]], None],
    seed: int,
    stop: threading.Event,
) -> Tally:
    rng = random.Random(seed)
    tally = Tally()
    try:
        for _ in range(kills):
            if stop.is_set():
                break
            arguments, delay = start(rng)
            lines = run_until_killed(arguments, delay)
            check(lines)
            tally.kills += 1
            tally.caught_mid_stream += any(line[0] != "do" for line in lines)
            tally.acknowledged += sum(line[0] != "do" for line in lines)
    except BaseException:
        stop.set()  # the other loops give up too, rather than run on for nothing
        raise
    return tally


def test_writers_killed_at_random_moments_lose_nothing_they_acknowledged(
    tmp_path: Path, feed_server: WebServer
) -> None:
    kinds = ("marks", "highlights", "refresh", "import", "export")
    homes = {kind: DataPaths(tmp_path / kind) for kind in kinds}
    states = {"marks": make_articles(homes["marks"])}
    notes: dict[str, Notes] = {"highlights": {}}
    refreshed: dict[str, list[str]] = {}
    imported: dict[str, list[str]] = {}
    seeds, exports = tmp_path / "seeds", tmp_path / "exports"
    seeds.mkdir()
    exports.mkdir()
    exported: list[int | None] = [None]

    def check_marks_home(lines: list[list[str]]) -> None:
        states["marks"] = check_marks(homes["marks"], states["marks"], lines)

    def check_highlights_home(lines: list[list[str]]) -> None:
        notes["highlights"] = check_highlights(homes["highlights"], notes["highlights"], lines)

    def check_refresh_home(lines: list[list[str]]) -> None:
        check_refreshes(homes["refresh"], refreshed, lines)

    def check_import_home(lines: list[list[str]]) -> None:
        check_imports(homes["import"], imported, lines)

    def check_export_file(lines: list[list[str]]) -> None:
        exported[0] = check_export(exports / "highlights.json", exported[0], lines)

    def start_marks(rng: random.Random) -> tuple[list[str], float]:
        home = str(homes["marks"].home)
        return [MARK_WRITER, home, str(rng.randrange(1 << 30)), "0"], rng.uniform(0, 0.04)

    def start_highlights(rng: random.Random) -> tuple[list[str], float]:
        home = str(homes["highlights"].home)
        return [HIGHLIGHT_WRITER, home, str(rng.randrange(1 << 30))], rng.uniform(0, 0.06)

    def start_refresh(rng: random.Random) -> tuple[list[str], float]:
        home, server = str(homes["refresh"].home), feed_server.url("")
        tag = f"k{rng.randrange(1 << 30)}"
        processes = "2" if rng.random() < 0.5 else "0"
        return [REFRESH_WRITER, home, server, tag, processes], rng.uniform(0.0, 0.3)

    def start_import(rng: random.Random) -> tuple[list[str], float]:
        home, tag = str(homes["import"].home), f"i{rng.randrange(1 << 30)}"
        return [IMPORT_WRITER, home, str(seeds), tag], rng.uniform(0.0, 0.15)

    def start_export(rng: random.Random) -> tuple[list[str], float]:
        home, tag = str(homes["export"].home), f"e{rng.randrange(1 << 30)}"
        target = str(exports / "highlights.json")
        return [EXPORT_WRITER, home, target, tag], rng.uniform(0.0, 0.1)

    stop = threading.Event()
    loops = [
        (MARK_KILLS, start_marks, check_marks_home, 1),
        (HIGHLIGHT_KILLS, start_highlights, check_highlights_home, 2),
        (REFRESH_KILLS, start_refresh, check_refresh_home, 3),
        (IMPORT_KILLS, start_import, check_import_home, 5),
        (EXPORT_KILLS, start_export, check_export_file, 6),
    ]
    with ThreadPoolExecutor(len(loops)) as pool:
        futures = [pool.submit(kill_loop, *loop, stop) for loop in loops]
        tallies = [future.result(timeout=600) for future in futures]
    marks, highlights, refreshes, imports, exports_tally = tallies

    assert sum(tally.kills for tally in tallies) >= 200
    # The test means something only if the writers were caught in the middle of their work.
    # (Loose bounds: on a loaded machine writers start slower and get less done per kill.)
    assert marks.caught_mid_stream >= MARK_KILLS // 2
    assert highlights.caught_mid_stream >= HIGHLIGHT_KILLS // 2
    assert refreshes.caught_mid_stream >= REFRESH_KILLS // 4
    assert len(refreshed) >= REFRESH_KILLS // 2
    assert imports.caught_mid_stream >= IMPORT_KILLS // 4 and len(imported) >= IMPORT_KILLS // 2
    assert exports_tally.caught_mid_stream >= EXPORT_KILLS // 4 and exported[0] is not None
    # The next export clears what any of the kills left: the folder holds the export alone.
    with HighlightStore(homes["export"]) as store:
        export_to_path("json", store.all(), exports / "highlights.json", {})
    assert [path.name for path in exports.iterdir()] == ["highlights.json"]
    assert any(read or starred for read, starred in states["marks"].values())
    assert len(notes["highlights"]) >= HIGHLIGHT_KILLS


def test_a_writer_killed_while_compacting_leaves_a_home_that_works(paths: DataPaths) -> None:
    """Compaction rewrites the snapshot and starts a new journal: the riskiest moment. After
    a kill there the next process must open the home, poll it, and write to it."""
    expected = make_articles(paths)
    rng = random.Random(4)
    for _ in range(COMPACTION_KILLS):
        seed = str(rng.randrange(1 << 30))
        lines = run_until_killed([MARK_WRITER, str(paths.home), seed, "3"], rng.uniform(0, 0.04))
        expected = check_marks(paths, expected, lines)
        with Library(paths) as library:
            library.poll_changes()  # what the app does every second
            article_id = rng.choice(sorted(expected))
            read, starred = expected[article_id]
            library.set_starred(article_id, not starred)
        expected = {**expected, article_id: (read, not starred)}
        assert stored_states(paths) == expected


def test_a_compaction_cut_short_after_its_snapshot_leaves_a_home_that_works(
    paths: DataPaths,
) -> None:
    """The state a kill between the new snapshot's rename and the old journal's removal
    leaves: a journal of the previous generation beside the new snapshot. The journal module
    says it is ignored; the next process must still poll and write."""
    make_articles(paths)
    with Library(paths) as library:
        library.set_read("a01")
        library.set_starred("a02")
        journal = paths.read_state_db.with_suffix(".journal")
        left_behind = journal.read_bytes()
        library.read_state.compact()
    journal.write_bytes(left_behind)

    with Library(paths) as library:
        assert stored_states(paths)["a01"] == (True, False)
        library.poll_changes()
        library.set_read("a03")
    states = stored_states(paths)
    assert (states["a01"], states["a02"], states["a03"]) == (
        (True, False),
        (False, True),
        (True, False),
    )
