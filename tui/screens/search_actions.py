"""The main screen's search: the bar over the list, the index kept current, saved searches.

A part of :class:`tui.screens.main.MainScreen`, kept apart so each file reads in one sitting.
Every search runs in a worker (debounced there: each keystroke starts one, which waits a
moment and gives way to a newer one); the handlers put what it found into the list pane, which
works out the rows and the words to mark, and into the reader. The search index is brought up
to date after the first paint and after other processes' changes; our own flushes keep it
current as they write (``Library.flush``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen
from textual.worker import Worker, get_current_worker

from store.db import StoreError
from store.feeds import Feed
from store.saved_searches import SavedSearch, SavedSearchStore
from store.search import (
    QueryError,
    SearchSources,
    Term,
    catch_up_search_index,
    match_spans,
    parse,
    search,
)
from store.search.home import Progress
from store.views import ALL, View, ViewKind, saved_search_view
from tui.messages import (
    SavedSearchesCounted,
    SavedSearchesLoaded,
    SearchFound,
    SearchIndexProgress,
    SearchIndexReady,
    SearchMarksFound,
    SearchRefused,
)
from tui.screens.ask import AskLine, AskYesNo
from tui.widgets.feeds_view import FeedsView
from tui.widgets.list_pane import ListPane, SearchResults
from tui.widgets.reader import ArticleReader
from tui.widgets.search_bar import SearchBar

if TYPE_CHECKING:
    from store.annotations import HighlightStore
    from store.library import Library
    from store.models import Article

SEARCH_DELAY_SECONDS = 0.15
"""A search starts once typing rests this long (a newer keystroke's search replaces it)."""
RECOUNT_DELAY_SECONDS = 0.3
"""Saved searches are counted again once changes rest this long (a refresh brings many)."""
PROGRESS_AFTER_SECONDS = 0.5
"""An index catch-up that takes longer than this says how far it has got."""


@dataclass(frozen=True)
class SearchOrigin:
    """Where the search bar was opened: Esc goes back there."""

    list_article: str | None
    """The article under the list cursor."""
    reading: Article | None
    in_reader: bool
    in_feeds_view: bool


def _still_wanted(delay: float) -> bool:
    """(In an exclusive thread worker.) Wait ``delay``; whether no newer worker of the group
    has replaced this one meanwhile."""
    time.sleep(delay)
    return not get_current_worker().is_cancelled


class SearchActions(Screen[None]):
    """The search bar, the search index's upkeep, and saved searches."""

    library: Library
    highlight_store: HighlightStore
    saved_search_store: SavedSearchStore

    if TYPE_CHECKING:  # the main screen's, used here
        current: Article | None
        _showing: str | None

        def show_article(self, article: Article, go_to: int | None = None) -> None: ...

    def __init__(self) -> None:
        super().__init__()
        self.saved_searches: tuple[SavedSearch, ...] = ()
        self._search_ready = False
        """Whether the index caught up since the app started (until then results may be
        short)."""
        self._indexing: tuple[int, int] | None = None
        """How far a long catch-up has got (articles done, of), while it runs."""
        self._search_origin: SearchOrigin | None = None
        """Set while the search bar is open."""
        self._known_feeds: tuple[Feed, ...] = ()
        """The feeds, for ``feed:`` and ``tag:`` (as last read for the feeds view)."""
        self._marked: str | None = None
        """The article the reader's search marks were found in."""
        self._one_running: set[str] = set()
        self._one_again: dict[str, Callable[[], object]] = {}

    def _one_at_a_time(self, group: str, start: Callable[[], object]) -> None:
        """Start a worker of ``group`` now or, while one runs, once more when it ends (with
        the values of then). Never two at once, and none cancelled: a refresh asks for many."""
        if group in self._one_running:
            self._one_again[group] = start
            return
        self._one_running.add(group)
        start()

    @on(Worker.StateChanged)
    def _one_ended(self, event: Worker.StateChanged) -> None:
        group = event.worker.group
        if event.worker.is_finished and group in self._one_running:
            self._one_running.discard(group)
            again = self._one_again.pop(group, None)
            if again is not None:
                self._one_at_a_time(group, again)

    def _sources(self, feeds: tuple[Feed, ...]) -> SearchSources:
        return SearchSources.of_stores(
            read_states=self.library.read_state.flagged,
            highlights=self.highlight_store.all,
            feeds=lambda: feeds,
            catalog=self.library.catalog,
        )

    # The search bar

    @property
    def search_open(self) -> bool:
        return self._search_origin is not None

    def action_search(self) -> None:
        """`/`: the search bar (again, with its query, when it is open already)."""
        pane = self.query_one(ListPane)
        if self._search_origin is None:
            under = pane.article_list.current
            reader = self.query_one(ArticleReader)
            self._search_origin = SearchOrigin(
                under.id if under is not None else None,
                self.current,
                self.focused is reader,
                pane.showing_views,
            )
            pane.search_bar.say("")
        pane.showing_views = False
        pane.search_bar.open()
        if pane.search_bar.text.strip() and pane.search_results is None:
            self._search_changed(SearchBar.Changed(pane.search_bar.text))

    @on(SearchBar.Changed)
    def _search_changed(self, event: SearchBar.Changed) -> None:
        if not event.text.strip():
            self.workers.cancel_group(self, "search")
            self.query_one(ListPane).search_results = None
            self.query_one(ListPane).search_bar.say("")
            return
        self.run_search(event.text, self._known_feeds)

    @work(thread=True, exclusive=True, group="search", exit_on_error=False, description="search")
    def run_search(self, text: str, feeds: tuple[Feed, ...]) -> None:
        if not _still_wanted(SEARCH_DELAY_SECONDS):
            return
        try:
            query = parse(text)
            hits = search(query, index=self.library.search_index, sources=self._sources(feeds))
        except QueryError as problem:
            self.post_message(SearchRefused(text, str(problem)))
            return
        except StoreError as problem:  # the index busy, or unusable
            self.post_message(SearchRefused(text, str(problem)))
            return
        terms = hits[0].terms if hits else ()
        if not get_current_worker().is_cancelled:
            self.post_message(SearchFound(text, tuple(hit.article_id for hit in hits), terms))

    @on(SearchFound)
    def _search_found(self, event: SearchFound) -> None:
        pane = self.query_one(ListPane)
        if not self.search_open or event.query != pane.search_bar.text:
            return  # typed on since, or closed
        pane.search_results = SearchResults(event.query, event.article_ids, event.terms)
        article_list = pane.article_list
        if self.focused is not article_list:
            # The best hit under the cursor, where Enter takes you.
            article_list.scroll_to(y=0, animate=False, immediate=True)
            article_list.cursor = 0
        found = len(article_list.articles)
        said = f"{found} article{'s' if found != 1 else ''}" if found else "No article matches"
        if self._indexing is not None:
            said += f" so far (indexing: {self._indexing[0]:,} of {self._indexing[1]:,})"
        pane.search_bar.say(said)

    @on(SearchRefused)
    def _search_refused(self, event: SearchRefused) -> None:
        bar = self.query_one(ListPane).search_bar
        if self.search_open and event.query == bar.text:
            bar.say(event.problem, problem=True)

    @on(SearchBar.ToResults)
    def _to_results(self) -> None:
        article_list = self.query_one(ListPane).article_list
        if not article_list.articles:
            return
        article_list.focus()
        under = article_list.current
        if under is not None and under.id != self._showing:
            self.show_article(under)

    @on(SearchBar.Closed)
    def close_search(self) -> None:
        """Back to the view the search was opened from, the cursor on the article it was
        on, and the reader (if it was read from) on the article it showed."""
        origin = self._search_origin
        if origin is None:
            return
        self._search_origin = None
        self.workers.cancel_group(self, "search")
        pane = self.query_one(ListPane)
        pane.search_bar.display = False
        pane.search_results = None
        if origin.list_article is not None:
            pane.article_list.select_article(origin.list_article)
        if origin.in_reader:
            self.query_one(ArticleReader).focus()
        elif origin.in_feeds_view:
            pane.showing_views = True
        else:
            pane.article_list.focus()
        if origin.reading is not None and origin.reading.id != self._showing:
            self.show_article(origin.reading)

    # Marking the words in the reader

    @on(ListPane.TermsChanged)
    def _terms_changed(self) -> None:
        self.mark_matches_in_reader()

    def mark_matches_in_reader(self) -> None:
        """Mark where the words of the search shown fall in the reader's article."""
        reader = self.query_one(ArticleReader)
        terms = self.query_one(ListPane).match_terms
        article = reader.document_view.article
        if article is None or article.id != self._marked:
            reader.search_marks = []  # another article's places
        self._marked = article.id if article is not None else None
        if terms and article is not None:
            self.find_marks(article.id, reader.body, terms)

    @work(thread=True, group="marks", exit_on_error=False, description="mark a search's words")
    def find_marks(self, article_id: str, body: str, terms: tuple[Term, ...]) -> None:
        self.post_message(SearchMarksFound(article_id, terms, match_spans(body, terms)))

    @on(SearchMarksFound)
    def _marks_found(self, event: SearchMarksFound) -> None:
        reader = self.query_one(ArticleReader)
        article = reader.document_view.article
        terms = self.query_one(ListPane).match_terms
        if article is not None and article.id == event.article_id and terms == event.terms:
            reader.search_marks = event.spans

    # The index: brought up to date after the first paint and after other processes' writes

    def prepare_search(self) -> None:
        """Bring the index up to date in the background (after the first paint, a refresh)."""
        self._one_at_a_time("search-index", self.update_search_index)

    @work(
        thread=True,
        group="search-index",
        exit_on_error=False,
        description="bring the search index up to date",
    )
    def update_search_index(self) -> None:
        started = last = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal last
            now = time.monotonic()
            if now - started > PROGRESS_AFTER_SECONDS and now - last > 0.25:
                last = now
                self.post_message(SearchIndexProgress(done, total))

        self.post_message(SearchIndexReady(self.catch_up_search(progress)))

    def catch_up_search(self, progress: Progress | None = None) -> str | None:
        """(In a worker.) Bring the index up to date with the shards; what went wrong."""
        try:
            catch_up_search_index(
                self.library.search_index,
                self.library.paths,
                read_body=self.library.bodies.read,
                on_progress=progress,
            )
        except StoreError as problem:
            return str(problem)
        return None

    def take_in_search_changes(self, articles_changed: bool) -> None:
        """(In the poll worker.) Other processes' changes: their articles into the index
        (their flushes put them there, unless they could not), their saved searches."""
        if articles_changed and self._search_ready:
            self.catch_up_search()
        if self.saved_search_store.reload_if_changed():
            self.post_message(SavedSearchesLoaded(self.saved_search_store.all()))

    @on(SearchIndexProgress)
    def _search_index_progress(self, event: SearchIndexProgress) -> None:
        if self._indexing is None:
            self.notify(
                f"Indexing {event.total:,} articles for search, in the background",
                title="Search",
                timeout=4,
            )
        self._indexing = (event.done, event.total)
        bar = self.query_one(ListPane).search_bar
        if self.search_open and not bar.has_class("-problem"):
            bar.say(f"Indexing for search: {event.done:,} of {event.total:,} articles…")

    @on(SearchIndexReady)
    def _search_index_ready(self, event: SearchIndexReady) -> None:
        # Even after a problem (the index busy, most often): other processes' changes are
        # caught up from now on, which tries again.
        self._search_ready = True
        was_indexing, self._indexing = self._indexing, None
        if event.problem is not None:
            self.notify(event.problem, title="Search", severity="warning", timeout=10)
            return
        if was_indexing is not None:
            self.notify("The search index is ready", title="Search", timeout=3)
        bar = self.query_one(ListPane).search_bar
        if self.search_open and bar.text.strip():
            self.run_search(bar.text, self._known_feeds)  # now over every article
        self.recount_saved_searches()

    # Saved searches

    @work(thread=True, group="saved-searches", exit_on_error=False, description="saved searches")
    def load_saved_searches(self) -> None:
        try:
            searches = self.saved_search_store.all()
        except StoreError as problem:
            self.notify(str(problem), title="Saved searches", severity="error", timeout=10)
            return
        self.post_message(SavedSearchesLoaded(searches))

    @on(SavedSearchesLoaded)
    def _saved_searches_loaded(self, event: SavedSearchesLoaded) -> None:
        self.saved_searches = tuple(event.searches)
        pane = self.query_one(ListPane)
        views = {saved_search_view(s.name, s.query) for s in self.saved_searches}
        # Shown at once (counted a moment later); the ones deleted go.
        pane.saved_search_members = {view: pane.saved_search_members.get(view, frozenset())
                                     for view in views}  # fmt: skip
        if pane.view.kind is ViewKind.SEARCH and pane.view not in views:
            pane.view = ALL
        self.recount_saved_searches()

    def recount_saved_searches(self) -> None:
        """Find each saved search's articles again, a moment after changes (in a worker)."""
        if self.saved_searches:
            self._one_at_a_time(
                "saved-search-counts",
                lambda: self.count_saved_searches(self.saved_searches, self._known_feeds),
            )

    @work(
        thread=True,
        group="saved-search-counts",
        exit_on_error=False,
        description="count saved searches",
    )
    def count_saved_searches(
        self, searches: tuple[SavedSearch, ...], feeds: tuple[Feed, ...]
    ) -> None:
        time.sleep(RECOUNT_DELAY_SECONDS)  # changes come in bursts: one count for a burst
        sources = self._sources(feeds)
        members: dict[View, frozenset[str]] = {}
        for saved in searches:
            try:
                hits = search(saved.query, index=self.library.search_index, sources=sources,
                              sort="date")  # fmt: skip
            except (QueryError, StoreError):
                hits = []  # a query edited by hand: it finds nothing, and says so when run
            members[saved_search_view(saved.name, saved.query)] = frozenset(
                hit.article_id for hit in hits
            )
        self.post_message(SavedSearchesCounted(members))

    @on(SavedSearchesCounted)
    def _saved_searches_counted(self, event: SavedSearchesCounted) -> None:
        pane = self.query_one(ListPane)
        known = {saved_search_view(s.name, s.query) for s in self.saved_searches}
        pane.saved_search_members = {v: ids for v, ids in event.members.items() if v in known}

    @on(SearchBar.SaveRequested)
    def save_search(self) -> None:
        """Save the search bar's query under a name the user gives."""
        text = self.query_one(ListPane).search_bar.text
        if not self.search_open or not text.strip():
            self.notify("Type a search first (/), then save it", timeout=3)
            return
        try:
            parse(text)
        except QueryError as problem:
            self.notify(str(problem), title="Not saved", severity="error")
            return

        def named(name: str | None) -> None:
            if name is not None and name.strip():
                self.write_saved_search(name, text)

        question = "Save this search as? (listed beside the feeds: Esc from the list)"
        self.app.push_screen(AskLine(question, " ".join(text.split())), named)

    @work(thread=True, group="writes", exit_on_error=False, description="save a search")
    def write_saved_search(self, name: str, text: str) -> None:
        store = self.saved_search_store
        try:
            saved, replaced = store.save(name, text)
        except (StoreError, ValueError) as problem:  # QueryError is a ValueError
            self.notify(str(problem), title="Not saved", severity="error")
            return
        self.post_message(SavedSearchesLoaded(store.all()))
        again = " (it replaces the one of that name)" if replaced is not None else ""
        self.notify(f"Saved search “{saved.name}”{again}", timeout=4)

    @on(FeedsView.DeleteRequested)
    def _delete_from_feeds_view(self, event: FeedsView.DeleteRequested) -> None:
        self.ask_delete_saved_search(event.view.title)

    def ask_delete_saved_search(self, name: str) -> None:
        def answered(yes: bool | None) -> None:
            if yes:
                self.delete_saved_search(name)

        question = f"Delete the saved search “{name}”? Its articles stay."
        self.app.push_screen(AskYesNo(question), answered)

    @work(thread=True, group="writes", exit_on_error=False, description="delete a search")
    def delete_saved_search(self, name: str) -> None:
        store = self.saved_search_store
        try:
            removed = store.remove(name)
        except StoreError as problem:
            self.notify(str(problem), title="Not deleted", severity="error")
            return
        self.post_message(SavedSearchesLoaded(store.all()))
        if removed is not None:
            self.notify(f"Deleted the saved search “{removed.name}”", timeout=4)
