"""The main screen's feed actions: the feeds view's data, the feeds screen, refresh, OPML.

A part of :class:`tui.screens.main.MainScreen`, kept apart so each file reads in one sitting;
it relies on the screen's ``library``, ``articles`` and ``load_articles``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen

from store.annotations import HighlightStore
from store.db import StoreError, write_atomically
from store.feeds import FeedStore
from store.ingest.decoding import UnreadableTextError, read_regular_file
from store.ingest.opml import OpmlError, export_opml, import_opml_into
from store.library import Library
from store.settings import load_settings
from store.views import View, ViewKind
from tui.messages import FeedsLoaded
from tui.screens.ask import AskLine
from tui.screens.feeds import FeedsScreen, FeedsScreenResult
from tui.widgets.list_pane import ListPane
from tui.widgets.refresh_bar import RefreshBar

if TYPE_CHECKING:
    from textual.worker import Worker

    from store.models import Article, EntitySummary


class FeedActions(Screen[None]):
    """Feeds: what the feeds view lists, and the commands that change what is followed."""

    library: Library
    highlight_store: HighlightStore

    if TYPE_CHECKING:  # the main screen's, used here
        articles: list[Article]
        entity_filter: EntitySummary | None

        def load_articles(self) -> Worker[None]: ...

    def _load_feeds(self) -> None:
        """(In a worker.) The feeds, for the feeds view: a small file."""
        with FeedStore(self.library.paths) as feed_store:
            self.post_message(FeedsLoaded(feed_store.all()))

    @work(thread=True, group="feeds", exit_on_error=False, description="read the feeds")
    def load_feeds(self) -> None:
        self._load_feeds()

    @on(FeedsLoaded)
    def _feeds_loaded(self, event: FeedsLoaded) -> None:
        self.query_one(ListPane).feeds = {feed.id: feed for feed in event.feeds}

    def action_refresh_feeds(self) -> None:
        self.query_one(RefreshBar).start(self.library, self.highlight_store)

    def action_show_feeds(self) -> None:
        self.open_feeds_screen()

    def open_feeds_screen(self) -> None:
        # A small file and a pass over the list in memory: quick enough for the event loop.
        with FeedStore(self.library.paths) as feed_store:
            feeds = feed_store.all()
        counts: dict[str, int] = {}
        for article in self.articles:
            if article.feed_id:
                counts[article.feed_id] = counts.get(article.feed_id, 0) + 1

        def closed(result: FeedsScreenResult | None) -> None:
            # Feeds may have been added (with their articles) or removed there.
            self.load_articles()
            if result is None:
                return
            if result.refresh:
                self.action_refresh_feeds()
            if result.show_feed is not None:
                feed = next((f for f in feeds if f.id == result.show_feed), None)
                pane = self.query_one(ListPane)
                pane.view = View(
                    ViewKind.FEED, result.show_feed, feed.display_title if feed else ""
                )
                pane.showing_views = False

        screen = FeedsScreen(feeds, counts, self.library, self.highlight_store)
        self.app.push_screen(screen, closed)

    def show_views(self) -> None:
        self.entity_filter = None
        self.query_one(ListPane).showing_views = True

    def ask_opml_import(self) -> None:
        def chosen(path: str | None) -> None:
            if path and path.strip():
                self.import_opml(path.strip())

        self.app.push_screen(AskLine("Import the feeds of which OPML file?", "~/"), chosen)

    @work(thread=True, group="feeds", exit_on_error=False, description="import OPML")
    def import_opml(self, path: str) -> None:
        try:
            data = read_regular_file(Path(path).expanduser())
            with FeedStore(self.library.paths) as feed_store:
                imported = import_opml_into(feed_store, data)
        except (OSError, OpmlError, StoreError, UnreadableTextError) as problem:
            self.notify(f"{path}: {problem}", title="Not imported", severity="error")
            return
        known = len(imported.already_followed)
        said = f"Following {len(imported.added)} more feeds ({known} already): R fetches them"
        self.notify(said, timeout=6)
        self._load_feeds()

    @work(thread=True, group="feeds", exit_on_error=False, description="export OPML")
    def export_opml(self) -> None:
        try:
            folder = load_settings(self.library.paths).export_dir
            with FeedStore(self.library.paths) as feed_store:
                document = export_opml(feed_store.all())
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / "broadsheet-feeds.opml"
            write_atomically(target, document)
        except (OSError, StoreError) as problem:
            self.notify(str(problem), title="Not exported", severity="error")
            return
        self.notify(f"Feeds written to {target}", timeout=6)
