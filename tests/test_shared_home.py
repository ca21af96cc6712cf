"""Several processes on one home at once lose nothing, and each sees the others' changes.

Separate OS processes work on one data directory at the same time, as the app, a second app
and a cron ``broadsheet refresh`` would: one marks articles read and starred, one adds
highlights and edits and deletes them, one refreshes feeds from a local HTTP server, and the
command line refreshes others. Meanwhile this process, like the app, marks its own articles
and polls for the others' changes. Each worker prints a line once a call has returned (the
moment the app would say "saved"). Each works on its own articles, so the final state of
every article is known; at the end the home must hold all of it, and what this process
learnt from polling must equal what a fresh open reads.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import threading
import time

from store.annotations import HighlightStore
from store.annotations.model import Highlight
from store.feeds import Feed, FeedStore
from store.library import Library, LibraryChanges
from store.models import Article
from store.paths import DataPaths
from tests.conftest import REPO_ROOT
from tests.web.generated_feeds import ITEMS_PER_FEED
from tests.web.server import WebServer

ARTICLES_EACH = 12
MARKS = 1000
HIGHLIGHT_EDITS = 300
REFRESHES = 12
"""Enough calls that the workers are still at work while the command line refreshes."""
COMPACTIONS = 200
OLD_STATES = 3000
TIMEOUT = 60.0
"""Seconds any one wait may take before the test gives up on it."""

MARKER = """
import random, sys
from pathlib import Path
from store.library import Library
from store.paths import DataPaths

library = Library(DataPaths(Path(sys.argv[1])))
rng = random.Random(int(sys.argv[2]))
mine = sorted(article.id for article in library.articles() if article.id.startswith("marker-"))
print("ready", len(mine), flush=True)
sys.stdin.readline()
for _ in range(int(sys.argv[3])):
    kind = rng.choice(("read", "star", "all"))
    value = rng.random() < 0.5
    chosen = rng.sample(mine, 4) if kind == "all" else [rng.choice(mine)]
    if kind == "read":
        library.set_read(chosen[0], value)
    elif kind == "star":
        library.set_starred(chosen[0], value)
    else:
        library.mark_all_read(chosen, value)
    print("star" if kind == "star" else "read", int(value), *chosen, flush=True)
library.close()
print("done", flush=True)
"""

HIGHLIGHTER = """
import random, sys
from pathlib import Path
from store.annotations import HighlightStore
from store.models import Article
from store.paths import DataPaths

store = HighlightStore(DataPaths(Path(sys.argv[1])))
rng = random.Random(int(sys.argv[2]))
body = "The harbour reopened on Monday after the storm had closed it for a week. " * 12
articles = [Article(id=f"noted-{n}", title=f"Noted {n}", body_hash="") for n in range(3)]
live = []
print("ready", flush=True)
sys.stdin.readline()
for count in range(int(sys.argv[3])):
    roll = rng.random()
    if live and roll < 0.4:
        chosen = rng.choice(live)
        store.set_note(chosen, f"note-{count}")
        print("noted", chosen, f"note-{count}", flush=True)
    elif live and roll < 0.5:
        chosen = rng.choice(live)
        store.delete(chosen)
        live.remove(chosen)
        print("deleted", chosen, flush=True)
    else:
        start = rng.randrange(0, len(body) - 60)
        highlight = store.add(rng.choice(articles), body, start, start + 40, note=f"first-{count}")
        live.append(highlight.id)
        print("added", highlight.id, f"first-{count}", flush=True)
store.close()
print("done", flush=True)
"""

REFRESHER = """
import sys
from pathlib import Path
from store.feeds import Feed, FeedStore
from store.ingest.refresh import refresh_feeds
from store.library import Library
from store.paths import DataPaths

paths = DataPaths(Path(sys.argv[1]))
library = Library(paths)
feed_store = FeedStore(paths)
print("ready", flush=True)
sys.stdin.readline()
for count in range(int(sys.argv[3])):
    feed = Feed.new(f"{sys.argv[2]}/feed?name=refresher-{count}")
    feed_store.put(feed)
    report = refresh_feeds(library, feed_store, feeds=[feed])
    ids = sorted(article.id for article in library.articles() if article.feed_id == feed.id)
    print("refreshed", feed.id, report.new_articles, *ids, flush=True)
library.close()
feed_store.close()
print("done", flush=True)
"""

COMPACTOR = """
import sys
from pathlib import Path
from store.library import Library
from store.paths import DataPaths

library = Library(DataPaths(Path(sys.argv[1])))
ids = sorted(article.id for article in library.articles())
print("ready", flush=True)
sys.stdin.readline()
for count in range(int(sys.argv[2])):
    library.set_read(ids[count % len(ids)], count // len(ids) % 2 == 0)  # always a change
    if count % 2:
        library.read_state.compact()
    print("ok", flush=True)
library.close()
print("done", flush=True)
"""


class Worker:
    """Another process on the same home; the lines it prints, collected as they come."""

    def __init__(self, *arguments: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, *arguments],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            text=True,
        )
        self.lines: list[str] = []
        self.errors: list[str] = []
        self._readers = [
            threading.Thread(target=self._collect, args=(self.process.stdout, self.lines)),
            threading.Thread(target=self._collect, args=(self.process.stderr, self.errors)),
        ]
        for reader in self._readers:
            reader.start()

    @staticmethod
    def _collect(stream: object, into: list[str]) -> None:
        for line in stream:  # type: ignore[attr-defined]
            into.append(line)

    @property
    def running(self) -> bool:
        return self.process.poll() is None

    def wait_until_ready(self) -> None:
        deadline = time.monotonic() + TIMEOUT
        while not self.lines and self.running and time.monotonic() < deadline:
            time.sleep(0.005)
        assert self.lines and self.lines[0].startswith("ready"), "".join(self.errors)

    def go(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def finish(self) -> list[str]:
        """Wait for a normal exit; every line printed."""
        self.process.wait(timeout=TIMEOUT)
        for reader in self._readers:
            reader.join(timeout=TIMEOUT)
        assert self.process.returncode == 0, "".join(self.errors)
        return self.lines

    def acknowledgements(self) -> list[list[str]]:
        """Wait for a normal exit; the lines after "ready", as words."""
        return [line.split() for line in self.finish()[1:]]

    def kill(self) -> None:
        if self.running:
            self.process.kill()
            self.process.wait(timeout=TIMEOUT)


def script(source: str, *arguments: object) -> tuple[str, ...]:
    return ("-c", source, *(str(argument) for argument in arguments))


def set_up_home(paths: DataPaths, server: WebServer) -> list[str]:
    """Articles for the marker, for this process and for highlights; feeds for the command
    line to refresh. The ids of those feeds."""
    with Library(paths) as library:
        for owner in ("marker", "main", "noted"):
            for number in range(ARTICLES_EACH):
                article = Article(id=f"{owner}-{number}", title=f"{owner} {number}", body_hash="")
                library.save(article, f"What the {owner} reads, part {number}.")
    with FeedStore(paths) as feed_store:
        feeds = [Feed.new(server.url(f"/feed?name=cron-{number}")) for number in range(3)]
        for feed in feeds:
            feed_store.put(feed)
    return [feed.id for feed in feeds]


class AppView:
    """What the app shows: the articles and highlights it was given at open, changed only by
    what its own calls return and what polling reports."""

    def __init__(self, library: Library, highlights: HighlightStore) -> None:
        self.library = library
        self.highlights = highlights
        self.articles = {article.id: article for article in library.articles()}
        self.by_highlight = {highlight.id: highlight for highlight in highlights.all()}
        self.reported: set[str] = set()

    def show(self, article: Article | None) -> None:
        assert article is not None
        self.articles[article.id] = article

    def poll(self) -> None:
        changes: LibraryChanges = self.library.poll_changes()
        self.reported.update(changes.articles)
        for article_id, article in changes.articles.items():
            if article is None:
                self.articles.pop(article_id, None)
            else:
                self.articles[article_id] = article
        for article_id in self.highlights.catch_up():
            for gone in [h for h in self.by_highlight.values() if h.article_id == article_id]:
                del self.by_highlight[gone.id]
            for highlight in self.highlights.for_article(article_id):
                self.by_highlight[highlight.id] = highlight


def last_states(acknowledgements: list[list[str]]) -> dict[tuple[str, str], bool]:
    """The last value acknowledged for each (article, "read" or "star")."""
    states: dict[tuple[str, str], bool] = {}
    for kind, value, *ids in acknowledgements:
        for article_id in ids:
            states[article_id, kind] = value == "1"
    return states


def acknowledged_notes(acknowledgements: list[list[str]]) -> dict[str, str]:
    notes: dict[str, str] = {}
    for kind, highlight_id, *note in acknowledgements:
        if kind == "deleted":
            del notes[highlight_id]
        else:
            notes[highlight_id] = note[0]
    return notes


def stored_state(article: Article | None, kind: str) -> bool:
    assert article is not None
    return article.starred if kind == "star" else article.read


def test_processes_sharing_a_home_lose_nothing_and_see_each_others_changes(
    paths: DataPaths, feed_server: WebServer
) -> None:
    cron_feeds = set_up_home(paths, feed_server)
    library, highlights = Library(paths), HighlightStore(paths)
    app = AppView(library, highlights)  # opened before any other process wrote
    home, server = paths.home, feed_server.url("")
    workers = {
        "marker": Worker(*script(MARKER, home, 7, MARKS)),
        "highlighter": Worker(*script(HIGHLIGHTER, home, 8, HIGHLIGHT_EDITS)),
        "refresher": Worker(*script(REFRESHER, home, server, REFRESHES)),
    }
    mine: dict[tuple[str, str], bool] = {}
    rng = random.Random(9)
    try:
        for worker in workers.values():
            worker.wait_until_ready()
        assert workers["marker"].lines[0].split() == ["ready", str(ARTICLES_EACH)]
        for worker in workers.values():
            worker.go()
        workers["cron"] = Worker("-m", "tui.cli", "--home", str(home), "refresh", "--json",
                                 *cron_feeds)  # fmt: skip
        deadline = time.monotonic() + TIMEOUT
        while any(w.running for w in workers.values()) and time.monotonic() < deadline:
            article_id, value = f"main-{rng.randrange(ARTICLES_EACH)}", rng.random() < 0.5
            if rng.random() < 0.5:
                app.show(library.set_read(article_id, value))
                mine[article_id, "read"] = value
            else:
                app.show(library.set_starred(article_id, value))
                mine[article_id, "star"] = value
            app.poll()
            time.sleep(0.01)  # the app polls now and then, not in a busy loop
        marks = workers["marker"].acknowledgements()
        notes = workers["highlighter"].acknowledgements()
        refreshes = workers["refresher"].acknowledgements()
        cron = json.loads("".join(workers["cron"].finish()))
    finally:
        for worker in workers.values():
            worker.kill()
    app.poll()  # the one after the others finished
    library.close()
    highlights.close()

    assert marks.pop() == ["done"] and notes.pop() == ["done"] and refreshes.pop() == ["done"]
    assert (len(marks), len(notes), len(refreshes)) == (MARKS, HIGHLIGHT_EDITS, REFRESHES)
    refreshed: dict[str, list[str]] = {}
    for _, feed_id, new, *ids in refreshes:
        assert int(new) == ITEMS_PER_FEED == len(ids)
        refreshed[feed_id] = ids
    assert [(r["feed_id"], r["status"], r["new"]) for r in cron["results"]] == [
        (feed_id, "fetched", ITEMS_PER_FEED) for feed_id in cron_feeds
    ]

    with Library(paths, writable=False) as reopened:
        stored = {article.id: article for article in reopened.articles()}
        for (article_id, kind), value in (last_states(marks) | mine).items():
            assert stored_state(stored.get(article_id), kind) == value, (article_id, kind)
        for article_ids in refreshed.values():
            assert set(article_ids) <= stored.keys()
        for feed_id in cron_feeds:
            assert sum(a.feed_id == feed_id for a in stored.values()) == ITEMS_PER_FEED
        assert len(stored) == 3 * ARTICLES_EACH + ITEMS_PER_FEED * (len(refreshed) + 3)
    with FeedStore(paths) as feed_store:
        for feed_id in [*refreshed, *cron_feeds]:
            feed = feed_store.get(feed_id)
            assert feed is not None and feed.last_success and not feed.last_error
    with HighlightStore(paths) as reopened_highlights:
        saved: dict[str, Highlight] = {h.id: h for h in reopened_highlights.all()}
    assert {h.id: h.note for h in saved.values()} == acknowledged_notes(notes)

    # What the app learnt by polling is what a fresh open reads: nothing missed, nothing stale.
    assert app.articles == stored
    assert app.reported >= {a for ids in refreshed.values() for a in ids}
    assert app.by_highlight == saved


def test_polling_while_another_process_compacts_never_fails(paths: DataPaths) -> None:
    """Compaction replaces the snapshot and removes the journal under another process's
    feet; polling, which takes no lock, must read a consistent pair or wait its turn."""
    with Library(paths) as setup:
        for number in range(ARTICLES_EACH):
            setup.save(Article(id=f"a{number}", title=f"Story {number}", body_hash=""), "x")
        # A state file of some size, so that reading it takes a while, as at home.
        setup.read_state.update([f"old-{number}" for number in range(OLD_STATES)], read=True)
    library = Library(paths)
    compactor = Worker(*script(COMPACTOR, paths.home, 2 * COMPACTIONS))
    polls = 0
    try:
        compactor.wait_until_ready()
        compactor.go()
        deadline = time.monotonic() + TIMEOUT
        while compactor.running and time.monotonic() < deadline:
            library.poll_changes()  # as fast as it can: the race is narrow
            polls += 1
        acknowledgements = compactor.acknowledgements()
    finally:
        compactor.kill()
    library.poll_changes()
    assert len(acknowledgements) == 2 * COMPACTIONS + 1 and polls >= 20
    with Library(paths, writable=False) as reopened:
        expected = {article.id: article.read for article in reopened.articles()}
    assert {article.id: article.read for article in library.articles()} == expected
    library.close()
