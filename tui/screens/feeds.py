"""The feeds screen: what Broadsheet follows, how each feed fared, and changing what it follows.

Add a feed by URL (a page's advertised feed is found as `broadsheet add` finds it), remove one
(its starred and highlighted articles stay), rename it, set its folders, turn full text on or
off; Enter shows the feed's articles in the list. Changes are written by workers, each through
the feed store's short lock, so a cron refresh can run meanwhile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Static
from textual.worker import Worker

from store.annotations import HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.db import StoreError
from store.feeds import Feed, FeedStore
from store.library import Library
from store.text import clean_inline
from tui.screens.ask import AskLine, AskYesNo
from tui.widgets.footer import LeanFooter
from tui.worker_errors import report_failed_worker


def when(timestamp: str | None) -> str:
    return (timestamp or "never")[:16].replace("T", " ")


@dataclass(frozen=True)
class FeedsScreenResult:
    """Why the screen closed: a refresh asked for, or a feed whose articles to show."""

    refresh: bool = False
    show_feed: str | None = None


class FeedsScreen(Screen[FeedsScreenResult]):
    """A table of feeds: articles, last success, last error (errors in full below)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,F", "close", "Back", id="feeds.close"),
        Binding("R", "refresh_feeds", "Refresh feeds", id="feeds.refresh_here"),
        Binding("enter", "show_articles", "Articles", id="feeds.articles"),
        Binding("j", "cursor(1)", "Next feed", id="feeds.next", show=False),
        Binding("k", "cursor(-1)", "Previous feed", id="feeds.previous", show=False),
        Binding("a", "add", "Add", id="feeds.add"),
        Binding("d", "remove", "Remove", id="feeds.remove"),
        Binding("r", "rename", "Rename", id="feeds.rename", show=False),
        Binding("t", "tags", "Folders", id="feeds.tags", show=False),
        Binding("f", "full_text", "Full text on/off", id="feeds.full_text", show=False),
    ]

    @dataclass
    class Changed(Message):
        """The feeds as they are now, after a change (and what to say about it)."""

        feeds: list[Feed]
        said: str

    def __init__(
        self,
        feeds: list[Feed],
        article_counts: dict[str, int],
        library: Library,
        highlights: HighlightStore,
    ) -> None:
        super().__init__()
        self.feeds = feeds
        self.article_counts = article_counts
        self.library = library
        self.highlights = highlights

    def compose(self) -> ComposeResult:
        yield Static("", id="feeds-summary")
        yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="feeds-error")
        yield LeanFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Feed", "Articles", "Last success", "Last error")
        self._fill()
        table.focus()

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        row = table.cursor_row
        table.clear()
        for feed in self.feeds:
            # Cells are Text, not str: DataTable would read a str as markup.
            table.add_row(
                Text(feed.display_title + (" (full text)" if feed.full_text else "")),
                Text(str(self.article_counts.get(feed.id, 0)), justify="right"),
                Text(when(feed.last_success)),
                Text("failed" if feed.last_error else "—", style="bold" if feed.last_error else ""),
                key=feed.id,
            )
        if self.feeds:
            table.move_cursor(row=min(row, len(self.feeds) - 1))
        count = f"{len(self.feeds)} feed{'s' if len(self.feeds) != 1 else ''}"
        self.query_one("#feeds-summary", Static).update(
            Text(f"{count} · a adds · d removes · r renames · t folders · f full text")
        )
        self._show_error(table.cursor_row)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_error(event.cursor_row)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_show_articles()

    def _show_error(self, row: int) -> None:
        panel = self.query_one("#feeds-error", Static)
        if not 0 <= row < len(self.feeds):
            panel.update("")
            return
        feed = self.feeds[row]
        lines = [f"{feed.display_title} <{feed.url}>"]
        if feed.tags:
            lines.append(f"Folders: {', '.join(feed.tags)}")
        if feed.last_error:
            lines.append(f"Last error ({when(feed.last_error_at)}): {feed.last_error}")
        panel.update(Text("\n".join(lines)))

    @property
    def chosen(self) -> Feed | None:
        row = self.query_one(DataTable).cursor_row
        return self.feeds[row] if 0 <= row < len(self.feeds) else None

    # Closing

    def action_close(self) -> None:
        self.dismiss(FeedsScreenResult())

    def action_refresh_feeds(self) -> None:
        self.dismiss(FeedsScreenResult(refresh=True))

    def action_show_articles(self) -> None:
        if self.chosen is not None:
            self.dismiss(FeedsScreenResult(show_feed=self.chosen.id))

    def action_cursor(self, step: int) -> None:
        table = self.query_one(DataTable)
        table.move_cursor(row=max(0, min(table.cursor_row + step, len(self.feeds) - 1)))

    # Changing what is followed

    def action_add(self) -> None:
        def added(url: str | None) -> None:
            if url and url.strip():
                self.notify(f"Looking for a feed at {url.strip()}…", timeout=3)
                self._add(url.strip())

        self.app.push_screen(
            AskLine("Follow which feed (or a page that links to one)?", placeholder="https://…"),
            added,
        )

    @work(thread=True, group="feeds-change", exit_on_error=False, description="add a feed")
    def _add(self, url: str) -> None:
        # The fetching stack (httpx, lxml, feedparser: ~20 MB) loads when first needed.
        from store.ingest.subscriptions import SubscribeError, add_feed

        try:
            with FeedStore(self.library.paths) as feed_store:
                result = add_feed(self.library, feed_store, url)
                feeds = feed_store.all()
        except (SubscribeError, StoreError) as problem:
            self.notify(str(problem), title="Not added", severity="error")
            return
        title = result.feed.display_title
        said = (f"Already following {title}" if result.already_followed else
                f"Following {title}: {result.report.new_articles} articles")  # fmt: skip
        self.post_message(self.Changed(feeds, said))

    def action_remove(self) -> None:
        feed = self.chosen
        if feed is None:
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self._remove(feed)

        question = (f"Stop following {feed.display_title}? Its articles go, except those "
                    "starred or highlighted.")  # fmt: skip
        self.app.push_screen(AskYesNo(question), answered)

    @work(thread=True, group="feeds-change", exit_on_error=False, description="remove a feed")
    def _remove(self, feed: Feed) -> None:
        from store.ingest.subscriptions import remove_feed

        highlighted = set(self.highlights.counts_by_article())
        try:
            with FeedStore(self.library.paths) as feed_store:
                removed = remove_feed(self.library, feed_store, feed,
                                      keep=lambda a: a.starred or a.id in highlighted)  # fmt: skip
                feeds = feed_store.all()
        except StoreError as problem:
            self.notify(str(problem), title="Not removed", severity="error")
            return
        kept = f", kept {removed.kept_articles}" if removed.kept_articles else ""
        said = f"Unfollowed {feed.display_title}: removed {removed.removed_articles} articles{kept}"
        self.post_message(self.Changed(feeds, said))

    def action_rename(self) -> None:
        feed = self.chosen
        if feed is None:
            return

        def named(title: str | None) -> None:
            if title and clean_inline(title):
                self._update(feed, "Renamed", title=clean_inline(title))

        self.app.push_screen(AskLine("Call this feed:", feed.display_title), named)

    def action_tags(self) -> None:
        feed = self.chosen
        if feed is None:
            return

        def tagged(text: str | None) -> None:
            if text is not None:
                tags = tuple(dict.fromkeys(clean_inline(tag) for tag in text.split(",")))
                self._update(feed, "Folders set", tags=tuple(tag for tag in tags if tag))

        self.app.push_screen(
            AskLine("Folders, separated by commas (World/Asia nests):", ", ".join(feed.tags)),
            tagged,
        )

    def action_full_text(self) -> None:
        feed = self.chosen
        if feed is None:
            return
        if feed.full_text:
            self._update(feed, "Full text off (new articles keep the feed's text)", full_text=False)
            return
        self._update(feed, "Full text on", full_text=True)
        self._fetch_full_text(feed)

    @work(thread=True, group="full-text", exit_on_error=False, description="fetch full texts")
    def _fetch_full_text(self, feed: Feed) -> None:
        """The feed's stored articles get their full text too, in the background."""
        from store.ingest.full_text import fetch_full_text

        articles = [a for a in self.library.articles() if a.feed_id == feed.id]

        def progress(done: int, total: int) -> None:
            self.post_message(self.FullTextProgress(feed.display_title, done, total))

        before = highlighted_body_hashes(self.library, self.highlights)
        try:
            report = fetch_full_text(self.library, articles, on_progress=progress)
        except StoreError as problem:
            self.notify(str(problem), title="No full text", severity="error")
            return
        reanchor_changed(self.library, self.highlights, before)
        failed = f"; {len(report.failures)} could not be fetched" if report.failures else ""
        self.notify(
            f"{feed.display_title}: full text for {len(report.updated)} articles{failed}",
            timeout=6,
        )

    @dataclass
    class FullTextProgress(Message):
        feed: str
        done: int
        total: int

    @on(FullTextProgress)
    def _full_text_progress(self, event: FullTextProgress) -> None:
        self.query_one("#feeds-summary", Static).update(
            Text(f"Fetching the full text of {event.feed}: {event.done}/{event.total}")
        )

    @work(thread=True, group="feeds-change", exit_on_error=False, description="change a feed")
    def _update(self, feed: Feed, said: str, **changes: object) -> None:
        try:
            with FeedStore(self.library.paths) as feed_store:
                if feed_store.get(feed.id) is None:
                    self.notify("That feed was removed meanwhile", severity="warning")
                    return
                updated = feed_store.update(feed.id, **changes)
                feeds = feed_store.all()
        except StoreError as problem:
            self.notify(str(problem), title="Not changed", severity="error")
            return
        self.post_message(self.Changed(feeds, f"{said}: {updated.display_title}"))

    @on(Changed)
    def _changed(self, event: Changed) -> None:
        self.feeds = event.feeds
        counts: dict[str, int] = {}
        for article in self.library.articles():
            if article.feed_id:
                counts[article.feed_id] = counts.get(article.feed_id, 0) + 1
        self.article_counts = counts
        self._fill()
        self.notify(event.said, timeout=4)
