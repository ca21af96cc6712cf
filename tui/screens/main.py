"""The main screen: article list, reader and entity sidebar, and the state they share.

The screen owns the state (``articles``, ``current``, ``entity_filter``…) and hands it down;
widgets report what the user does with messages. Workers do the I/O with the values they
are given when they start, and report back with the messages of :mod:`tui.messages`.
Five parts live beside it: highlight writes (:mod:`tui.screens.highlight_writes`),
read-state writes (:mod:`tui.screens.read_state_writes`), the feed actions
(:mod:`tui.screens.feed_actions`), search (:mod:`tui.screens.search_actions`) and the entity
pages (:mod:`tui.screens.entity_actions`).
"""

from __future__ import annotations

import gc
from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.reactive import var
from textual.timer import Timer
from textual.worker import Worker

from store import entities
from store.annotations import Highlight, HighlightStore
from store.db import StoreError
from store.entities.pending import clear_if_unchanged, pending_token
from store.entities.refresh import is_stale, refresh_article, refresh_stale
from store.library import Library
from store.listing import catch_up_catalog
from store.models import ENTITIES_NOT_LOADED, Article, EntitySummary, Mention
from store.saved_searches import SavedSearchStore
from store.settings import apply_entity_backend, load_settings
from tui.home_changes import HomeChanges
from tui.memory import release_freed_memory
from tui.messages import (
    ArticleLoaded,
    ArticlesChanged,
    ArticlesLoaded,
    EntityCatalogReady,
    HighlightsTouched,
    HighlightsUnreadable,
    RefreshEvery,
)
from tui.screens.entity_actions import EntityActions
from tui.screens.feed_actions import FeedActions
from tui.screens.highlight_writes import HighlightWrites
from tui.screens.highlights import HighlightsScreen
from tui.screens.read_state_writes import ReadStateWrites
from tui.screens.search_actions import SearchActions
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.footer import LeanFooter
from tui.widgets.list_pane import EntityFilter, ListPane
from tui.widgets.read_only_banner import ReadOnlyBanner
from tui.widgets.reader import ArticleReader
from tui.widgets.refresh_bar import RefreshBar
from tui.worker_errors import report_failed_worker

IN_PLACE_CHANGES = 200
"""Up to this many changed articles are replaced where they are in the list."""

# Below this width the sidebar folds away (it can still be brought back with `s`).
WIDE_LAYOUT_MIN_WIDTH = 120
# Below this width one pane shows at a time (app.tcss): a 30-column list beside a reader of a
# few columns wrapped every word.
TWO_PANES_MIN_WIDTH = 70

PREVIEW_DELAY_SECONDS = 0.15
"""The reader previews the article under the list cursor once the cursor rests this long:
holding `j` repaints one list row per key, not the reader too (bytes over SSH)."""

SECONDS_PER_MINUTE = 60.0
"""The refresh timer's minute (tests make it shorter)."""


class MainScreen(HighlightWrites, ReadStateWrites, FeedActions, SearchActions, EntityActions):
    """Owns what is shown; the widgets render it and report what the user does."""

    AUTO_FOCUS = "#article-list"
    """Not Textual's first focusable widget: that is the search bar's input, which is hidden
    until `/` but was focused at start now and then (its keys in the footer, Enter typing
    into it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_sidebar", "Sidebar", id="view.sidebar", show=False),
        Binding("H", "show_highlights", "Highlights", id="view.highlights"),
        Binding("R", "refresh_feeds", "Refresh", id="feeds.refresh", show=False),
        Binding("F", "show_feeds", "Feeds", id="view.feeds", show=False),
        Binding("slash", "search", "Search", id="search.open", key_display="/", show=False),
        Binding(
            "n",
            "jump_mention(1)",
            "Next search match (while a search is shown), else next mention",
            id="entities.next_mention",
            show=False,
        ),
        Binding(
            "N",
            "jump_mention(-1)",
            "Previous search match, else previous mention",
            id="entities.previous_mention",
            show=False,
        ),
        Binding("escape", "clear_filter", "Back", id="list.clear_filter", show=False),
        Binding("asterisk", "toggle_star", "Star", id="list.star", show=False, key_display="*"),
        Binding("t", "full_text", "Fetch full text", id="article.full_text", show=False),
    ]

    articles: var[list[Article]] = var(list, always_update=True)
    """Every article in the library, newest first."""
    entity_filter: var[EntitySummary | None] = var(None)
    current: var[Article | None] = var(None)
    current_mentions: var[list[Mention]] = var(list)
    sidebar_open: var[bool] = var(True)

    def __init__(self, library: Library, highlights: HighlightStore) -> None:
        super().__init__()
        self.library = library
        self.highlight_store = highlights
        self._catalog_ready = False
        """Whether the entity catalog has caught up with the shards since the app started
        (until then an entity filter shows nothing yet)."""
        self._sidebar_chosen_by_user = False
        self._pending_preview: Article | None = None
        self._preview_timer: Timer | None = None
        self._showing: str | None = None
        """The id of the article the reader shows, or is loading to show."""
        self._polling = False
        self._look_again: bool | None = None
        """A look asked for while one ran (and whether thorough): taken when it ends."""
        self._migrating = False
        self._migrate_again = False
        """A pass over stale summaries asked for while one ran: taken when it ends."""
        self._home_changes = HomeChanges(self, library.paths, self.poll_store)
        self._refresh_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        if not self.library.writable:
            yield ReadOnlyBanner(self.library.paths.home)
        with Horizontal(id="panes"):
            yield ListPane(id="list-pane")
            with Vertical(id="reader-pane"), Vertical(id="reader-frame"):
                yield ArticleReader(id="reader")
            yield EntitySidebar(id="entity-sidebar")
        yield RefreshBar(id="refresh-bar")
        yield LeanFooter()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)
        if event.worker.group == "entities" and event.worker.is_finished:
            self._migrating = False
            if self._migrate_again:
                self._migrate_again = False
                self.make_stale_summaries()
        if event.worker.group == "poll" and event.worker.is_finished:
            self._polling = False
            if self._look_again is not None:
                thorough, self._look_again = self._look_again, None
                self.poll_store(thorough)

    def on_mount(self) -> None:
        # A small file; opened now, when what the store finds (damage) is heard as notices.
        self.saved_search_store = SavedSearchStore(self.library.paths)
        self.query_one(ArticleList).focus()
        self.watch(self.query_one(ArticleReader), "colour", self._show_next_colour)
        self.load_articles()
        self.apply_settings()
        self._home_changes.start()

    def on_unmount(self) -> None:
        self._home_changes.stop()

    # Loading: the list first; derived data (entity index, stale summaries) after the paint.

    @work(thread=True, group="settings", exit_on_error=False, description="apply settings")
    def apply_settings(self) -> None:
        try:
            settings = load_settings(self.library.paths)
            problem = apply_entity_backend(settings)
        except StoreError as error:
            problem = str(error)
        else:
            self.post_message(RefreshEvery(settings.refresh_interval))
        if problem:
            self.notify(problem, title="Settings", severity="warning", timeout=10)

    @on(RefreshEvery)
    def _refresh_every(self, event: RefreshEvery) -> None:
        if self._refresh_timer is not None:
            self._refresh_timer.stop()
            self._refresh_timer = None
        if event.minutes:
            self._refresh_timer = self.set_interval(
                event.minutes * SECONDS_PER_MINUTE, self._timed_refresh
            )

    def _timed_refresh(self) -> None:
        self.query_one(RefreshBar).start(self.library, self.highlight_store, timed=True)

    @work(
        thread=True,
        exclusive=True,
        group="articles",
        exit_on_error=False,
        description="load articles",
    )
    def load_articles(self) -> None:
        self.post_message(ArticlesLoaded(self.library.articles()))

    @work(thread=True, group="highlights", exit_on_error=False, description="read highlights")
    def load_highlights(self) -> None:
        # After the list is on screen: at 30,000 they take ~0.4 s to read, and a worker
        # holding the interpreter meanwhile would slow the first paint.
        try:
            self.highlight_store.load()
        except StoreError as problem:
            self.post_message(HighlightsUnreadable(str(problem)))
            return
        damaged = self.highlight_store.unreadable_summary()
        if damaged is not None:
            # The rest are shown; the damaged records stay in the file, as they were.
            self.notify(
                damaged, title="Some highlights cannot be read", severity="warning", timeout=20
            )
        release_freed_memory()
        # What is loaded now lives as long as the app: later collections need not scan it
        # (at 50,000 articles a full collection took a clock tick of an idle app).
        gc.freeze()
        self.post_message(HighlightsTouched())
        self._load_feeds()

    @on(ArticlesLoaded)
    def _articles_loaded(self, event: ArticlesLoaded) -> None:
        self.articles = event.articles
        # Derived data and the rest once the list has been painted.
        self.call_after_refresh(self._after_paint, event.articles)

    def _after_paint(self, articles: list[Article]) -> None:
        self.load_highlights()
        self.prepare_entities(articles)
        self.prepare_search()
        self.load_saved_searches()
        self.keep_snapshot()

    @work(thread=True, group="snapshot", exit_on_error=False, description="keep a quick start")
    def keep_snapshot(self) -> None:
        # When a shard was read from its JSON (it changed since the last start), the copy the
        # next start reads instead is made again (store.snapshot).
        self.library.keep_snapshot()

    @work(
        thread=True,
        exclusive=True,
        group="entity-index",
        exit_on_error=False,
        description="bring the entity catalog up to date",
    )
    def prepare_entities(self, articles: list[Article]) -> None:
        # Which articles name what comes from the catalog on disk (our flushes and other
        # processes' keep it current); only shards written behind its back are read here.
        catch_up_catalog(self.library.catalog, self.library.paths)
        self.post_message(EntityCatalogReady(any(is_stale(article) for article in articles)))
        # Most articles opened need their mentions found: the extractor is loaded now rather
        # than on the first such open.
        entities.warm_up()

    @on(EntityCatalogReady)
    def _entity_catalog_ready(self, event: EntityCatalogReady) -> None:
        self._catalog_ready = True
        if self.entity_filter is not None:
            self._show_filtered()
        if event.summaries_stale:
            self.make_stale_summaries()

    def make_stale_summaries(self) -> None:
        """Start the background pass over stale summaries, or, when one is running, have it
        run again once it ends (it reads the list of articles as it was when it began)."""
        if self._migrating:
            self._migrate_again = True
            return
        self._migrating = True
        self.migrate_entities()

    @work(
        thread=True,
        exclusive=True,
        group="entities",
        exit_on_error=False,
        description="update stale entity summaries",
    )
    def migrate_entities(self) -> None:
        """Make the entity summaries that are stale (an older extractor's) or still to be
        made (a refresh's, here or in another process), newest first, in the background: the
        app is usable meanwhile and the sidebar fills in as batches land."""
        waiting = pending_token(self.library.paths)
        for batch in refresh_stale(self.library):
            self.library.flush()
            self.post_message(ArticlesChanged(batch))
        if waiting is not None:
            clear_if_unchanged(self.library.paths, waiting)
        entities.forget_lookups()  # the pass is over: opens extract one article at a time

    @on(ArticlesChanged)
    def _articles_changed(self, event: ArticlesChanged) -> None:
        by_id = {article.id: article for article in event.updated}
        if not (event.removed or self._replaced_in_place(by_id)):
            known = {article.id for article in self.articles} if by_id else set()
            arrived = [article for article in event.updated if article.id not in known]
            kept = [
                by_id.get(article.id, article)
                for article in self.articles
                if article.id not in event.removed
            ]
            if arrived:
                kept = sorted([*kept, *arrived], key=lambda a: (a.sort_key, a.id), reverse=True)
            self.articles = kept
        self.recount_saved_searches()
        if self._catalog_ready and any(is_stale(article) for article in event.updated):
            self.make_stale_summaries()  # another process's refresh left them to be made
        if self.current is not None and self.current.id in by_id:
            updated = by_id[self.current.id]
            if updated.entities is ENTITIES_NOT_LOADED:
                # The sidebar keeps the entities of the text the reader shows.
                updated = replace(updated, entities=self.current.entities)
            self.current = updated

    def _replaced_in_place(self, by_id: dict[str, Article]) -> bool:
        """The usual change (an article read or starred, a few summaries made): each one
        replaced where it is in the list, if all are there, rather than a new list and a set
        of every id built (~30 ms at 50,000, on the way to the reader showing the article)."""
        if not by_id or len(by_id) > IN_PLACE_CHANGES:
            return False
        articles = self.articles
        positions = []
        for article in by_id.values():
            position = _position(articles, article)
            if position is None:
                return False  # one has arrived: the list is rebuilt in order
            positions.append(position)
        for position in positions:
            articles[position] = by_id[articles[position].id]
        self.articles = articles  # always_update: the list pane takes the change
        return True

    # Other processes: a cron refresh, `broadsheet add`, a second window.

    def poll_store(self, thorough: bool = False) -> None:
        # A few stats here on the event loop; a worker only when there is something to read.
        if self._polling:
            self._look_again = thorough or bool(self._look_again)
            return
        if not (
            self.library.changed_on_disk(thorough=thorough)
            or self.highlight_store.changed_on_disk()
            or self.saved_search_store.changed_on_disk()
        ):
            return
        self._polling = True
        self._poll_store(thorough)

    @work(
        thread=True,
        exclusive=True,
        group="poll",
        exit_on_error=False,
        description="look for other processes' changes",
    )
    def _poll_store(self, thorough: bool) -> None:
        changes = self.library.poll_changes(thorough=thorough)
        touched = self.highlight_store.catch_up()
        if changes and self._catalog_ready:
            # Their flush kept the catalog current, unless it could not: then it is here.
            catch_up_catalog(self.library.catalog, self.library.paths)
        self.take_in_search_changes(bool(changes))
        if changes:
            self._load_feeds()  # a refresh elsewhere may have added or renamed feeds
        if changes:
            updated = [article for article in changes.articles.values() if article is not None]
            removed = {key for key, article in changes.articles.items() if article is None}
            self.post_message(ArticlesChanged(updated, removed))
        if touched:
            self.post_message(HighlightsTouched())

    # State flowing down

    def watch_articles(self) -> None:
        self._show_filtered()

    def watch_entity_filter(self) -> None:
        self._show_filtered()

    def _show_filtered(self) -> None:
        pane = self.query_one(ListPane)
        entity = self.entity_filter
        if entity is not None:
            naming: set[str] = set()
            if self._catalog_ready:
                try:
                    naming = set(self.library.catalog.articles_mentioning([entity.key]))
                except StoreError as problem:
                    self.notify(str(problem), title="Entities unavailable", severity="error")
            pane.entity_filter = EntityFilter(entity.key, frozenset(naming))
        else:
            pane.entity_filter = None
        pane.articles = self.articles

    def watch_current(self, article: Article | None) -> None:
        sidebar = self.query_one(EntitySidebar)
        sidebar.entities = tuple(article.entities) if article else ()
        if article is None:
            self.query_one(ArticleReader).show_article(None, "")

    def _show_next_colour(self, colour: str) -> None:
        self.query_one("#reader-frame").border_subtitle = f"next highlight: {colour}"

    def watch_sidebar_open(self, sidebar_open: bool) -> None:
        self.set_class(sidebar_open, "-sidebar-open")

    def on_resize(self, event: Resize) -> None:
        wide = event.size.width >= WIDE_LAYOUT_MIN_WIDTH
        self.set_class(not wide, "-narrow")
        self.set_class(event.size.width < TWO_PANES_MIN_WIDTH, "-single")
        if not self._sidebar_chosen_by_user:
            self.sidebar_open = wide
        self._show_the_pane_in_use()

    def on_descendant_focus(self) -> None:
        self._show_the_pane_in_use()

    def _show_the_pane_in_use(self) -> None:
        # In one-pane layouts (-single), the reader shows while it has focus. Only there: a
        # class on the screen restyles every widget on it, ~10 ms on each open otherwise.
        reading = (
            self.has_class("-single")
            and self.focused is not None
            and self.query_one("#reader-pane") in self.focused.ancestors_with_self
        )
        self.set_class(reading, "-reading")

    # Messages flowing up

    @on(ArticleList.CursorMoved)
    def _cursor_moved(self, event: ArticleList.CursorMoved) -> None:
        if event.article is None or (
            self._showing is not None and self.focused is not self.query_one(ArticleList)
        ):
            # The rows changed under a reader that is being read (a refresh, a view that
            # lost the article): the reader keeps its article; only the user moves it.
            self._cancel_preview()
            return
        if event.article.id == self._showing:
            self._cancel_preview()
            return
        self._pending_preview = event.article
        if self._showing is None:
            self.show_pending_preview()  # the first article shows at once
        elif self._preview_timer is None:
            self._preview_timer = self.set_timer(PREVIEW_DELAY_SECONDS, self.show_pending_preview)
        else:
            self._preview_timer.reset()

    def show_pending_preview(self) -> None:
        """Preview the article the list cursor rests on (the debounce timer calls this)."""
        article = self._pending_preview
        self._cancel_preview()
        if article is not None:
            self.show_article(article)

    def show_article(self, article: Article, go_to: int | None = None) -> None:
        """Load ``article`` into the reader (at ``go_to``, a body offset, if given)."""
        self._cancel_preview()
        self._showing = article.id
        self.load_article(article, go_to)

    def _cancel_preview(self) -> None:
        self._pending_preview = None
        if self._preview_timer is not None:
            self._preview_timer.stop()
            self._preview_timer = None

    @on(ArticleList.Chosen)
    def _open(self, event: ArticleList.Chosen) -> None:
        if event.article.id != self._showing:
            self.show_article(event.article)
        self._cancel_preview()
        self.query_one(ArticleReader).focus()
        if not event.article.read:
            self.mark_read(event.article.id)

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

    @on(EntitySidebar.PageRequested)
    def _open_entity_page(self, event: EntitySidebar.PageRequested) -> None:
        self.open_entity_page(event.entity.key)

    @on(ArticleLoaded)
    def _article_loaded(self, event: ArticleLoaded) -> None:
        article = event.article
        latest = self.library.get(article.id)
        if latest is not None and (latest.read, latest.starred) != (article.read, article.starred):
            # Marked read (or starred) while it loaded: the loader had the article as it was.
            article = replace(article, read=latest.read, starred=latest.starred)
        self.current = article
        self.current_mentions = event.mentions
        reader = self.query_one(ArticleReader)
        if event.text_missing:
            reader.show_missing_text(event.article, event.highlights)
            return
        reader.show_article(event.article, event.body, event.structure)
        reader.highlights = [h for h in event.highlights if not h.orphaned]
        self.mark_matches_in_reader()
        if event.go_to is not None:
            reader.focus()
            reader.move_to_offset(event.go_to)

    # Workers

    @work(
        thread=True,
        exclusive=True,
        group="reader",
        exit_on_error=False,
        description="load an article",
    )
    def load_article(self, article: Article, go_to: int | None = None) -> None:
        if self.library.read_body(article) is None:
            # Its highlights are left as they are (never placed on no text) and listed.
            waiting = (
                self.highlight_store.for_article(article.id) if self.highlight_store.loaded else []
            )
            shown = replace(article, entities=())  # no text, no entities to show
            self.post_message(ArticleLoaded(shown, "", [], waiting, go_to, text_missing=True))
            return
        article, mentions = refresh_article(self.library, article)
        entities.forget_lookups()  # this article's names are not looked up again soon
        # The user's corrections (merges, relabels, hidden junk) as the catalog applies
        # them, so the sidebar and the entity pages agree; what is stored stays the
        # extractor's.
        corrections = self.library.catalog.corrections()
        article = replace(article, entities=corrections.summaries(article.entities))
        mentions = corrections.mentions(mentions)
        body = self.library.body(article)
        structure = self.library.bodies.structure(article.body_hash, body)
        if not self.highlight_store.loaded:
            # The first article shows while the highlights are still being read (after the
            # first paint); they are shown when they are in (HighlightsTouched).
            self.post_message(
                ArticleLoaded(article, body, mentions, [], go_to, structure=structure)
            )
            return
        stored = self.highlight_store.for_article(article.id)
        if any(h.body_hash != article.body_hash for h in stored):
            # The text changed since these were made (a re-fetch, a better extraction):
            # place them again now, before they are shown.
            self.highlight_store.reanchor_article(article.id, body, article.body_hash)
            stored = self.highlight_store.for_article(article.id)
        self.post_message(
            ArticleLoaded(article, body, mentions, stored, go_to, structure=structure)
        )
        self.library.release_page_caches()  # this text and its answers are not read again soon
        # What the open read and laid out is mostly freed again; glibc kept those pages, and
        # the app's resident size crept up ~2 MB over a hundred opens at 50,000 articles
        # (under 1 ms here).
        release_freed_memory()

    # Actions

    def action_toggle_sidebar(self) -> None:
        self._sidebar_chosen_by_user = True
        self.sidebar_open = not self.sidebar_open

    def action_clear_filter(self) -> None:
        """Esc: first the search closes; then the entity filter goes; then the list gives way
        to the feeds view, and the feeds view to the list."""
        pane = self.query_one(ListPane)
        if self.search_open:
            self.close_search()
        elif self.entity_filter is not None:
            self.entity_filter = None
        elif pane.showing_views:
            pane.showing_views = False
        elif self.focused is pane.article_list:
            pane.showing_views = True

    @on(ListPane.OpenArticle)
    def _open_next_unread(self, event: ListPane.OpenArticle) -> None:
        self._open(ArticleList.Chosen(event.article))

    @on(ListPane.Said)
    def _say(self, event: ListPane.Said) -> None:
        self.notify(event.text, timeout=3)

    def action_jump_mention(self, direction: int) -> None:
        reader = self.query_one(ArticleReader)
        if self.query_one(ListPane).match_terms:
            reader.jump_to_search_mark(direction)
        else:
            reader.jump_to_mention(direction)

    # Feeds

    @on(RefreshBar.ArticlesArrived)
    def _refresh_progressed(self, event: RefreshBar.ArticlesArrived) -> None:
        self.articles = event.articles

    @on(RefreshBar.Finished)
    def _refreshed(self, event: RefreshBar.Finished) -> None:
        self.articles = event.articles
        self.prepare_entities(event.articles)
        self.prepare_search()
        self.load_feeds()
        self.show_highlights_of(self.current)
        if event.worth_saying:
            self.notify(event.summary, title="Refreshed", severity=event.severity)

    def action_show_highlights(self) -> None:
        def in_library(article_id: str) -> bool:
            return self.library.get(article_id) is not None

        self.app.push_screen(
            HighlightsScreen(self.highlight_store, in_library), self._open_at_highlight
        )

    def _open_at_highlight(self, highlight: Highlight | None) -> None:
        # The highlights screen may have deleted or edited some.
        self.show_highlights_of(self.current)
        if highlight is None:
            return
        article = self.library.get(highlight.article_id)
        if article is None:
            self.notify("That article is no longer in the library", severity="warning")
            return
        self.entity_filter = None
        self.query_one(ArticleList).select_article(article.id)
        self.show_article(article, go_to=None if highlight.orphaned else highlight.start)


def _position(articles: list[Article], article: Article) -> int | None:
    """Where ``article`` (by id) is in ``articles``, which are newest first as the library
    sorts them: found by bisection on the sort key, which a change of read state, star or
    summary leaves as it was (a scan of 50,000 took ~4 ms on each open); a scan when the
    key changed (a refresh re-dated it), None when it is not there."""
    wanted = (article.sort_key, article.id)
    low, high = 0, len(articles)
    while low < high:
        middle = (low + high) // 2
        here = articles[middle]
        if (here.sort_key, here.id) > wanted:
            low = middle + 1
        else:
            high = middle
    if low < len(articles) and articles[low].id == article.id:
        return low
    return next((n for n, listed in enumerate(articles) if listed.id == article.id), None)
