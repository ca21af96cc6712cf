"""The refresh bar: fetches every feed in a worker and shows its progress along the bottom.

The screen starts it with the stores to use; the worker reports through messages, and the
bar's handlers draw the progress. New articles and the final summary go up to the screen.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.widgets import ProgressBar, Static
from textual.worker import Worker

from store.annotations import HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.feeds import FeedStore
from store.library import Library
from store.models import Article
from tui.worker_errors import report_failed_worker

if TYPE_CHECKING:
    from store.ingest.refresh import FeedResult

LIST_UPDATE_SECONDS = 0.5
"""Re-sorting 50,000 articles as each feed lands would cost seconds: at most twice a second."""


def refresh_summary(
    new: int, updated: int, failures: Sequence[FeedResult]
) -> tuple[str, SeverityLevel]:
    """What a refresh did, in one notification: the failures counted, the first named."""
    summary = f"{new} new, {updated} updated"
    if not failures:
        return summary, "information"
    first = failures[0]
    others = f" and {len(failures) - 1} more" if len(failures) > 1 else ""
    count = f"{len(failures)} feed{'s' if len(failures) != 1 else ''} failed"
    return f"{summary}; {count}: {first.title} ({first.error}){others}. F shows why", "warning"


class RefreshBar(Horizontal):
    """Shown while a refresh runs."""

    running: var[bool] = var(False)

    def watch_running(self, running: bool) -> None:
        self.set_class(running, "-running")
        # A ProgressBar animates (15 frames a second) and ticks even while hidden: it exists
        # only while a refresh runs, so an idle app costs no CPU.
        if running:
            # No id: the last refresh's bar may still be on its way out when a timed one starts.
            self.mount(ProgressBar(show_eta=False))
        else:
            self.query(ProgressBar).remove()

    @dataclass
    class Progress(Message):
        done: int
        total: int

    @dataclass
    class ArticlesArrived(Message):
        """The library's articles, newest first, partway through a refresh."""

        articles: list[Article]

    @dataclass
    class Finished(Message):
        """The refresh is over: every article, and what to tell the user."""

        articles: list[Article]
        summary: str
        severity: SeverityLevel
        worth_saying: bool = True
        """False for a timed refresh that brought nothing and lost nothing."""

    def compose(self) -> ComposeResult:
        yield Static("", id="refresh-label")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)
        if event.worker.is_finished:
            self.running = False

    def start(self, library: Library, highlights: HighlightStore, *, timed: bool = False) -> None:
        """Refresh every feed; ``timed`` (the refresh timer) keeps quiet unless there is news
        or a failure, and does nothing when a refresh is already running."""
        if self.running:
            if not timed:
                self.notify("A refresh is already running", timeout=3)
            return
        if not library.writable:
            if not timed:
                self.notify("This home is read-only: a refresh could not be saved", timeout=5)
            return
        self.running = True
        self._refresh(library, highlights, timed)

    @work(
        thread=True,
        exclusive=True,
        group="refresh",
        exit_on_error=False,
        description="refresh feeds",
    )
    def _refresh(self, library: Library, highlights: HighlightStore, timed: bool) -> None:
        """Fetch every feed; the list updates as feeds arrive and the UI never waits."""
        with FeedStore(library.paths) as feed_store:
            if not len(feed_store):
                if not timed:
                    self.notify("No feeds yet: add one with F then a", timeout=6)
                return
            last_shown = time.monotonic()

            def feed_done(result: FeedResult) -> None:
                # Failures are said once, at the end: one toast per feed buried the reader.
                nonlocal last_shown
                if (result.new or result.updated) and (
                    time.monotonic() - last_shown > LIST_UPDATE_SECONDS
                ):
                    last_shown = time.monotonic()
                    self.post_message(self.ArticlesArrived(library.articles()))

            def progress(done: int, total: int) -> None:
                self.post_message(self.Progress(done, total))

            # The fetching stack (httpx, lxml, feedparser: ~20 MB) loads with the first
            # refresh, not with the app.
            from store.ingest.refresh import refresh_feeds

            before = highlighted_body_hashes(library, highlights)
            report = refresh_feeds(
                library, feed_store, on_progress=progress, on_feed_done=feed_done
            )
            reanchor_changed(library, highlights, before)
        summary, severity = refresh_summary(
            report.new_articles, report.updated_articles, report.failures
        )
        news = bool(report.new_articles or report.updated_articles or report.failures)
        finished = self.Finished(library.articles(), summary, severity, news or not timed)
        self.post_message(finished)

    @on(Progress)
    def _show_progress(self, event: Progress) -> None:
        event.stop()
        for bar in self.query(ProgressBar):
            bar.update(total=event.total, progress=event.done)
        self.query_one("#refresh-label", Static).update(
            Text(f"Refreshing {event.done}/{event.total} feeds ")
        )
