"""The main screen's feed actions: the feeds view's data, the feeds screen, refresh, OPML, and
an article's full text from its page.

A part of :class:`tui.screens.main.MainScreen`, kept apart so each file reads in one sitting;
it relies on the screen's ``library``, ``articles`` and ``load_articles``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen

from store.annotations import HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.db import StoreError, write_atomically
from store.feeds import Feed, FeedStore
from store.ingest.decoding import UnreadableTextError, read_regular_file
from store.ingest.opml import OpmlError, export_opml, import_opml_into
from store.library import Library
from store.settings import load_settings
from store.views import View, ViewKind
from tui.messages import ArticlesChanged, FeedsLoaded, FullTextArrived
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

    if TYPE_CHECKING:  # the main screen's and its search part's, used here
        articles: list[Article]
        entity_filter: EntitySummary | None
        current: Article | None
        _showing: str | None
        _known_feeds: tuple[Feed, ...]

        def show_article(self, article: Article, go_to: int | None = None) -> None: ...

        def load_articles(self) -> Worker[None]: ...

        def recount_saved_searches(self) -> None: ...

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
        self._known_feeds = tuple(event.feeds)  # for searches (feed:, tag:)
        self.recount_saved_searches()

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

    # The whole text of one article, from its page

    def action_full_text(self) -> None:
        """The whole article, from its page (the article under the list cursor, or in the
        reader); its highlights are placed again on the new text."""
        pane = self.query_one(ListPane)
        article = pane.article_list.current if self.focused is pane.article_list else self.current
        if article is None:
            return
        if not article.url:
            self.notify("This article has no link to fetch its text from", timeout=4)
            return
        self.notify(f"Fetching the full text of {article.title}…", timeout=3)
        self.fetch_full_text_of(article)

    @work(thread=True, group="full-text", exit_on_error=False, description="fetch full text")
    def fetch_full_text_of(self, article: Article) -> None:
        # The fetching stack (~18 MB) loads with the first fetch, not with the app.
        from store.ingest.full_text import fetch_full_text

        before = highlighted_body_hashes(self.library, self.highlight_store)
        try:
            report = fetch_full_text(self.library, [article])
        except StoreError as problem:
            self.notify(str(problem), title="No full text", severity="error")
            return
        reanchor_changed(self.library, self.highlight_store, before)
        if report.failures:
            _, why = report.failures[0]
            self.notify(f"{article.title}: {why}", title="No full text", severity="warning")
            return
        if not report.updated:
            self.notify("The page has no more text than the feed gave", timeout=4)
            return
        self.post_message(ArticlesChanged(list(report.updated)))
        self.post_message(FullTextArrived(report.updated[0]))

    @on(FullTextArrived)
    def _full_text_arrived(self, event: FullTextArrived) -> None:
        self.notify(f"Full text of {event.article.title}", timeout=3)
        if self._showing == event.article.id:
            self.show_article(event.article)  # the new text, in the reader
