"""The main screen: article list, reader and entity sidebar, and the state they share."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, ProgressBar, Static
from textual.worker import Worker

from store.annotations import Highlight, HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.db import StoreError
from store.entities.index import EntityIndex
from store.entities.refresh import is_stale, refresh_article, refresh_stale
from store.feeds import FeedStore
from store.ingest.refresh import FeedResult, FeedStatus, refresh_feeds
from store.library import Library
from store.models import Article, EntitySummary, Mention
from store.settings import apply_entity_backend, load_settings
from tui.screens.feeds import FeedsScreen
from tui.screens.highlights import HighlightsScreen
from tui.screens.note_editor import NoteEditor
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.reader import ArticleReader
from tui.worker_errors import report_failed_worker

# Below this width the sidebar folds away (it can still be brought back with `s`).
WIDE_LAYOUT_MIN_WIDTH = 120


@dataclass
class ArticleLoaded(Message):
    """A worker read an article's body, mentions and highlights."""

    article: Article
    body: str
    mentions: list[Mention]
    highlights: list[Highlight]
    go_to: int | None = None
    """A body offset to put the reading cursor on (opening at a highlight)."""


@dataclass
class HighlightsSaved(Message):
    """A highlight change is on disk; ``message`` says what happened, for the user."""

    article_id: str
    message: str
    edit_note_of: Highlight | None = None


class MainScreen(Screen[None]):
    """Owns what is shown; the widgets render it and report what the user does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_sidebar", "Sidebar", id="view.sidebar", show=False),
        Binding("H", "show_highlights", "Highlights", id="view.highlights"),
        Binding("R", "refresh_feeds", "Refresh", id="feeds.refresh", show=False),
        Binding("F", "show_feeds", "Feeds", id="view.feeds", show=False),
        Binding("n", "jump_mention(1)", "Next mention", id="entities.next_mention", show=False),
        Binding(
            "N", "jump_mention(-1)", "Previous mention", id="entities.previous_mention", show=False
        ),
        Binding("escape", "clear_filter", "Clear filter", id="list.clear_filter", show=False),
    ]

    articles: var[list[Article]] = var(list, always_update=True)
    """Every article in the library, newest first."""
    entity_filter: var[EntitySummary | None] = var(None)
    current: var[Article | None] = var(None)
    current_mentions: var[list[Mention]] = var(list)
    sidebar_open: var[bool] = var(True)
    refreshing: var[bool] = var(False)

    def __init__(self, library: Library, highlights: HighlightStore) -> None:
        super().__init__()
        self.library = library
        self.highlight_store = highlights
        self.entity_index = EntityIndex()
        self._sidebar_chosen_by_user = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Static("", id="filter-chip")
                yield ArticleList(id="article-list")
            with Vertical(id="reader-pane"):
                yield ArticleReader(id="reader")
            yield EntitySidebar(id="entity-sidebar")
        with Horizontal(id="refresh-bar"):
            yield Static("", id="refresh-label")
            yield ProgressBar(id="refresh-progress", show_eta=False)
        yield Footer()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    def on_mount(self) -> None:
        self.query_one(ArticleList).border_title = "Articles"
        self.query_one(ArticleList).focus()
        self.load_articles()
        self.apply_settings()

    @work(thread=True, group="settings", exit_on_error=False)
    def apply_settings(self) -> None:
        try:
            problem = apply_entity_backend(load_settings(self.library.paths))
        except StoreError as error:
            problem = str(error)
        if problem:
            self.app.call_from_thread(
                self.notify, problem, title="Settings", severity="warning", timeout=10
            )

    @work(thread=True, exclusive=True, group="articles", exit_on_error=False)
    def load_articles(self) -> None:
        articles = self.library.articles()
        counts = self._highlight_counts()
        index = EntityIndex(articles)
        self.app.call_from_thread(self._set_articles, articles, counts, index)
        if any(is_stale(article) for article in articles):
            self.migrate_entities()

    def _highlight_counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for highlight in self.highlight_store.all():
            counts[highlight.article_id] = counts.get(highlight.article_id, 0) + 1
        return counts

    def _set_articles(
        self, articles: list[Article], counts: dict[str, int], index: EntityIndex
    ) -> None:
        self.entity_index = index
        self.articles = articles
        self.query_one(ArticleList).highlight_counts = counts

    @work(thread=True, exclusive=True, group="entities", exit_on_error=False)
    def migrate_entities(self) -> None:
        """Bring entity summaries an older extractor made up to date, newest first, in the
        background: the app is usable meanwhile and the sidebar fills in as batches land."""
        for batch in refresh_stale(self.library):
            self.library.flush()
            self.app.call_from_thread(self._replace_articles, batch)

    def _replace_articles(self, updated: list[Article]) -> None:
        by_id = {article.id: article for article in updated}
        for article in updated:
            self.entity_index.add(article)
        self.articles = [by_id.get(article.id, article) for article in self.articles]
        if self.current is not None and self.current.id in by_id:
            self.current = by_id[self.current.id]

    # State flowing down

    def watch_articles(self) -> None:
        self._show_filtered()

    def watch_entity_filter(self) -> None:
        self._show_filtered()

    def _show_filtered(self) -> None:
        article_list = self.query_one(ArticleList)
        chip = self.query_one("#filter-chip", Static)
        entity = self.entity_filter
        if entity is None:
            article_list.articles = self.articles
            chip.display = False
            return
        naming = set(self.entity_index.articles_mentioning(entity.key))
        shown = [article for article in self.articles if article.id in naming]
        article_list.articles = shown
        count = f"{len(shown)} article{'s' if len(shown) != 1 else ''}"
        chip.update(Text(f"{entity.key}: {count} · Esc shows all"))
        chip.display = True

    def watch_current(self, article: Article | None) -> None:
        sidebar = self.query_one(EntitySidebar)
        sidebar.entities = article.entities if article else ()
        if article is None:
            self.query_one(ArticleReader).show_article(None, "")

    def watch_sidebar_open(self, sidebar_open: bool) -> None:
        self.set_class(sidebar_open, "-sidebar-open")

    def on_resize(self, event: Resize) -> None:
        wide = event.size.width >= WIDE_LAYOUT_MIN_WIDTH
        self.set_class(not wide, "-narrow")
        if not self._sidebar_chosen_by_user:
            self.sidebar_open = wide

    # Messages flowing up

    @on(ArticleList.CursorMoved)
    def _preview(self, event: ArticleList.CursorMoved) -> None:
        if event.article is None:
            self.current = None
        elif self.current is None or event.article.id != self.current.id:
            self.load_article(event.article)

    @on(ArticleList.Chosen)
    def _open(self, event: ArticleList.Chosen) -> None:
        if self.current is None or self.current.id != event.article.id:
            self.load_article(event.article)
        self.query_one(ArticleReader).focus()
        if not event.article.read:
            self.mark_read(event.article)

    @on(ArticleReader.Back)
    def _back_to_list(self) -> None:
        self.query_one(ArticleList).focus()

    @on(EntitySidebar.Focused)
    def _show_mentions(self, event: EntitySidebar.Focused) -> None:
        key = event.entity.key if event.entity else None
        spans = [(m.start, m.end) for m in self.current_mentions if m.key == key]
        self.query_one(ArticleReader).set_mention_spans(spans)

    @on(EntitySidebar.Chosen)
    def _filter_by_entity(self, event: EntitySidebar.Chosen) -> None:
        self.entity_filter = event.entity
        self.query_one(ArticleList).focus()

    @on(ArticleLoaded)
    def _article_loaded(self, event: ArticleLoaded) -> None:
        self.current = event.article
        self.current_mentions = event.mentions
        reader = self.query_one(ArticleReader)
        reader.show_article(event.article, event.body)
        reader.highlights = [h for h in event.highlights if not h.orphaned]
        if event.go_to is not None:
            reader.focus()
            reader.move_to_offset(event.go_to)

    # Highlights: the reader asks, a worker writes durably, then the UI says it is saved.

    @on(ArticleReader.HighlightRequested)
    def _add_highlight(self, event: ArticleReader.HighlightRequested) -> None:
        reader = self.query_one(ArticleReader)
        article = reader.document_view.article
        if article is not None:
            self.write_highlights(
                article.id,
                lambda store: store.add(article, reader.body, event.start, event.end, event.colour),
                "Highlight saved",
                then_edit_note=event.then_note,
            )

    @on(ArticleReader.NoteRequested)
    def _edit_note(self, event: ArticleReader.NoteRequested) -> None:
        self.open_note_editor(event.highlight)

    @on(ArticleReader.DeleteRequested)
    def _delete_highlight(self, event: ArticleReader.DeleteRequested) -> None:
        highlight_id = event.highlight.id
        self.write_highlights(
            event.highlight.article_id,
            lambda store: store.delete(highlight_id),
            "Highlight deleted (u undoes)",
        )

    @on(ArticleReader.RecolourRequested)
    def _recolour(self, event: ArticleReader.RecolourRequested) -> None:
        highlight_id, colour = event.highlight.id, event.colour
        self.write_highlights(
            event.highlight.article_id,
            lambda store: store.set_colour(highlight_id, colour),
            f"Highlight is now {colour}",
        )

    @on(ArticleReader.UndoRequested)
    def _undo(self) -> None:
        article_id = self.current.id if self.current else ""
        self.write_highlights(article_id, lambda store: store.undo(), "Undone")

    def open_note_editor(self, highlight: Highlight) -> None:
        def save(note: str | None) -> None:
            if note is not None and note != highlight.note:
                self.write_highlights(
                    highlight.article_id,
                    lambda store: store.set_note(highlight.id, note),
                    "Note saved",
                )

        self.app.push_screen(NoteEditor(highlight), save)

    @work(thread=True, group="writes", exit_on_error=False)
    def write_highlights(
        self,
        article_id: str,
        change: Callable[[HighlightStore], object],
        done: str,
        *,
        then_edit_note: bool = False,
    ) -> None:
        try:
            result = change(self.highlight_store)
        except (StoreError, ValueError) as problem:
            self.app.call_from_thread(
                self.notify, str(problem), title="Not saved", severity="error"
            )
            return
        if result is None and done == "Undone":
            done = "Nothing to undo"
        elif isinstance(result, str):
            done = f"Undone: {result}"
        edit = result if then_edit_note and isinstance(result, Highlight) else None
        self.post_message(HighlightsSaved(article_id, done, edit))

    @on(HighlightsSaved)
    def _highlights_saved(self, event: HighlightsSaved) -> None:
        self.notify(event.message, timeout=3)
        self.refresh_highlights()
        if event.edit_note_of is not None:
            self.open_note_editor(event.edit_note_of)

    @work(thread=True, exclusive=True, group="highlights", exit_on_error=False)
    def refresh_highlights(self) -> None:
        counts = self._highlight_counts()
        current = self.current
        placed = (
            [h for h in self.highlight_store.for_article(current.id) if not h.orphaned]
            if current
            else []
        )
        self.app.call_from_thread(self._show_highlights, counts, placed)

    def _show_highlights(self, counts: dict[str, int], placed: list[Highlight]) -> None:
        self.query_one(ArticleList).highlight_counts = counts
        self.query_one(ArticleReader).highlights = placed

    # Workers

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def load_article(self, article: Article, go_to: int | None = None) -> None:
        article, mentions = refresh_article(self.library, article)
        body = self.library.body(article)
        stored = self.highlight_store.for_article(article.id)
        if any(h.body_hash != article.body_hash for h in stored):
            # The text changed since these were made (a re-fetch, a better extraction):
            # place them again now, before they are shown.
            self.highlight_store.reanchor_article(article.id, body, article.body_hash)
            stored = self.highlight_store.for_article(article.id)
        self.post_message(ArticleLoaded(article, body, mentions, stored, go_to))

    @work(thread=True, group="writes", exit_on_error=False)
    def mark_read(self, article: Article) -> None:
        updated = self.library.set_read(article.id, True)
        self.library.flush()
        if updated is not None:
            self.app.call_from_thread(self._replace_article, updated)

    def _replace_article(self, updated: Article) -> None:
        self._replace_articles([updated])

    # Actions

    def action_toggle_sidebar(self) -> None:
        self._sidebar_chosen_by_user = True
        self.sidebar_open = not self.sidebar_open

    def action_clear_filter(self) -> None:
        self.entity_filter = None

    def action_jump_mention(self, direction: int) -> None:
        self.query_one(ArticleReader).jump_to_mention(direction)

    # Feeds

    def watch_refreshing(self, refreshing: bool) -> None:
        self.set_class(refreshing, "-refreshing")

    def action_refresh_feeds(self) -> None:
        if self.refreshing:
            self.notify("A refresh is already running", timeout=3)
        else:
            self.refresh_feeds()

    @work(thread=True, exclusive=True, group="refresh", exit_on_error=False)
    def refresh_feeds(self) -> None:
        """Fetch every feed; the list updates as feeds arrive and the UI never waits."""
        call = self.app.call_from_thread
        with FeedStore(self.library.paths) as feed_store:
            if not len(feed_store):
                call(self.notify, "No feeds yet: add one with `broadsheet add URL`", timeout=6)
                return
            call(setattr, self, "refreshing", True)
            last_shown = time.monotonic()

            def progress(done: int, total: int) -> None:
                call(self._show_refresh_progress, done, total)

            def feed_done(result: FeedResult) -> None:
                nonlocal last_shown
                if result.status is FeedStatus.FAILED:
                    call(
                        self.notify,
                        f"{result.title}: {result.error}",
                        title="Feed failed",
                        severity="error",
                        timeout=8,
                    )
                # Re-sorting 50,000 articles per feed would cost seconds: at most twice a second.
                if (result.new or result.updated) and time.monotonic() - last_shown > 0.5:
                    last_shown = time.monotonic()
                    call(self._set_articles_only, self.library.articles())

            try:
                before = highlighted_body_hashes(self.library, self.highlight_store)
                report = refresh_feeds(
                    self.library, feed_store, on_progress=progress, on_feed_done=feed_done
                )
                reanchor_changed(self.library, self.highlight_store, before)
            finally:
                call(setattr, self, "refreshing", False)
        articles = self.library.articles()
        call(self._set_articles, articles, self._highlight_counts(), EntityIndex(articles))
        failed = len(report.failures)
        summary = f"{report.new_articles} new, {report.updated_articles} updated"
        if failed:
            summary += f"; {failed} feed{'s' if failed != 1 else ''} failed (F shows why)"
        severity: SeverityLevel = "warning" if failed else "information"
        call(self.notify, summary, title="Refreshed", severity=severity)

    def _show_refresh_progress(self, done: int, total: int) -> None:
        self.query_one("#refresh-progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#refresh-label", Static).update(Text(f"Refreshing {done}/{total} feeds "))

    def _set_articles_only(self, articles: list[Article]) -> None:
        self.articles = articles

    def action_show_feeds(self) -> None:
        self.open_feeds_screen()

    @work(thread=True, exclusive=True, group="feeds", exit_on_error=False)
    def open_feeds_screen(self) -> None:
        with FeedStore(self.library.paths) as feed_store:
            feeds = feed_store.all()
        counts: dict[str, int] = {}
        for article in self.library.articles():
            if article.feed_id:
                counts[article.feed_id] = counts.get(article.feed_id, 0) + 1

        def closed(refresh: bool | None) -> None:
            if refresh:
                self.action_refresh_feeds()

        self.app.call_from_thread(self.app.push_screen, FeedsScreen(feeds, counts), closed)

    def action_show_highlights(self) -> None:
        self.open_highlights_screen()

    @work(thread=True, exclusive=True, group="highlights", exit_on_error=False)
    def open_highlights_screen(self) -> None:
        every = self.highlight_store.all()
        self.app.call_from_thread(
            self.app.push_screen, HighlightsScreen(every), self._open_at_highlight
        )

    def _open_at_highlight(self, highlight: Highlight | None) -> None:
        if highlight is None:
            return
        article = self.library.get(highlight.article_id)
        if article is None:
            self.notify("That article is no longer in the library", severity="warning")
            return
        self.entity_filter = None
        self.query_one(ArticleList).select_article(article.id)
        self.load_article(article, go_to=None if highlight.orphaned else highlight.start)
