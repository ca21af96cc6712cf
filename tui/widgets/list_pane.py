"""The list pane: the feeds view and the article list of the view chosen there, and the
search bar over them.

The screen hands down the library's articles, the feeds, any entity filter, the results of the
search bar and the articles each saved search finds (its workers search); the pane keeps
which view is shown (All, Unread, a saved search, a folder, a feed…), whether only unread
articles are, and their order, and works out the rows and the words to mark in them. What
changes the store (read, unread, mark a view read and its undo) goes up as messages for the
screen's workers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import ContentSwitcher

from store.feeds import Feed
from store.models import Article
from store.search import QueryError, Term, parse, positive_terms
from store.text import display_line
from store.views import ALL, UNREAD, Order, View, ViewKind, counted_views, select
from tui.widgets.article_list import ArticleList
from tui.widgets.feeds_view import FeedsView
from tui.widgets.search_bar import SearchBar

UNDO_DEPTH = 20


@dataclass(frozen=True)
class EntityFilter:
    """Only the articles that name an entity (from the entity catalog)."""

    label: str
    article_ids: frozenset[str]


@dataclass(frozen=True)
class SearchResults:
    """What the search bar's query found, best first; they replace the view while shown."""

    query: str
    article_ids: tuple[str, ...]
    terms: tuple[Term, ...]
    """The words to mark in the headlines and the reader."""


class ListPane(Vertical):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("backspace", "show_views", "Feeds view", id="list.up", show=False),
        Binding("N", "toggle_read", "Read/unread", id="list.toggle_read", show=False),
        Binding("n", "next_unread", "Next unread", id="list.next_unread", show=False),
        Binding("A", "mark_view_read", "Mark all read", id="list.mark_all_read", show=False),
        Binding("u", "undo_mark", "Undo mark all read", id="list.undo_mark", show=False),
        Binding("l", "toggle_unread_only", "Unread only", id="list.unread_only", show=False),
        Binding("O", "next_order", "Order", id="list.order", show=False),
    ]

    articles: var[list[Article]] = var(list, always_update=True)
    """Every article of the library, newest first."""
    feeds: var[dict[str, Feed]] = var(dict, always_update=True)
    entity_filter: var[EntityFilter | None] = var(None)
    search_results: var[SearchResults | None] = var(None)
    saved_search_members: var[dict[View, frozenset[str]]] = var(dict, always_update=True)
    """Each saved search's view, with the articles it finds (a worker of the screen's asks)."""
    view: var[View] = var(ALL)
    unread_only: var[bool] = var(False)
    order: var[Order] = var(Order.NEWEST)
    showing_views: var[bool] = var(False)

    @dataclass
    class SetRead(Message):
        """Mark these articles read (or unread) in the store."""

        article_ids: list[str]
        read: bool
        description: str = ""

    @dataclass
    class OpenArticle(Message):
        """Open this article in the reader, as Enter does."""

        article: Article

    @dataclass
    class Said(Message):
        """Something to tell the user."""

        text: str

    @dataclass
    class TermsChanged(Message):
        """The words of the search shown (the bar's, or a saved search's) changed: the
        reader marks them."""

        terms: tuple[Term, ...]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._undo: list[tuple[str, list[str]]] = []
        """Mark-all-read steps to undo: what was marked, and the ids that were unread."""
        self._kept: set[str] = set()
        """In an unread-only view or a saved search: the articles shown since it was entered,
        read (or no longer found) or not."""
        self._by_id: dict[str, Article] | None = None
        self._terms: tuple[Term, ...] = ()

    def compose(self) -> ComposeResult:
        yield SearchBar(id="search-bar")  # hidden until `/` (app.tcss)
        with ContentSwitcher(initial="article-list", id="list-switcher"):
            # The list first: the screen gives focus to the first widget that takes it.
            yield ArticleList(id="article-list")
            yield FeedsView(id="feeds-view")

    def on_mount(self) -> None:
        self.query_one(FeedsView).border_title = "Feeds"
        self._show_title()

    @property
    def article_list(self) -> ArticleList:
        return self.query_one(ArticleList)

    @property
    def search_bar(self) -> SearchBar:
        return self.query_one(SearchBar)

    @property
    def match_terms(self) -> tuple[Term, ...]:
        """The words of the search shown: the bar's, or the saved search's in view."""
        return self._terms

    # Working out what shows

    def watch_articles(self) -> None:
        self._by_id = None
        self._show()

    def watch_search_results(self) -> None:
        self._show()

    def watch_saved_search_members(self) -> None:
        if self.view.kind is ViewKind.SEARCH or self.showing_views:
            self._show()

    def watch_feeds(self) -> None:
        self._show()

    def watch_entity_filter(self) -> None:
        self._show()

    def watch_view(self) -> None:
        self._kept = set()
        self._show()

    def watch_unread_only(self) -> None:
        self._kept = set()
        self._show()

    def watch_order(self) -> None:
        self._show()

    def watch_showing_views(self, showing: bool) -> None:
        self.query_one(ContentSwitcher).current = "feeds-view" if showing else "article-list"
        if showing:
            self._count()
            self.query_one(FeedsView).focus()
        else:
            self.article_list.focus()

    def _show(self) -> None:
        if not self.is_mounted:
            return
        results = self.search_results
        if results is not None:
            by_id = self._articles_by_id()
            shown = [by_id[key] for key in results.article_ids if key in by_id]
        else:
            shown = self._view_rows()
        entity = self.entity_filter if results is None else None
        # The filter is said in the list's bottom border, not on a row of its own above the
        # list: that row pushed the list's border a row below the reader's.
        if entity is not None:
            shown = [article for article in shown if article.id in entity.article_ids]
            count = f"{len(shown)} article{'s' if len(shown) != 1 else ''}"
            self.article_list.border_subtitle = Text(
                f"{display_line(entity.label)}: {count} · Esc shows all"
            )
        else:
            self.article_list.border_subtitle = ""
        self.article_list.articles = shown
        self._show_terms()
        self._show_title()
        if self.showing_views:
            self._count()

    def _view_rows(self) -> list[Article]:
        view = self.view
        unread = view.kind is ViewKind.UNREAD or self.unread_only
        if not (unread or view.kind is ViewKind.SEARCH):
            return select(self.articles, view, self.feeds, order=self.order)
        # An article read here stays until the view is left, as in newsboat: the one just
        # opened must not vanish from under the cursor. So does one a saved search no longer
        # finds (read, under is:unread).
        base = ALL if view.kind is ViewKind.UNREAD else view
        members = self.saved_search_members.get(view, frozenset()) | self._kept
        every = select(self.articles, base, self.feeds, order=self.order, members=members)
        shown = [a for a in every if not (unread and a.read) or a.id in self._kept]
        self._kept = {article.id for article in shown}
        return shown

    def _articles_by_id(self) -> dict[str, Article]:
        if self._by_id is None:
            self._by_id = {article.id: article for article in self.articles}
        return self._by_id

    def _show_terms(self) -> None:
        terms: tuple[Term, ...] = ()
        if self.search_results is not None:
            terms = self.search_results.terms
        elif self.view.kind is ViewKind.SEARCH:
            try:
                terms = positive_terms(parse(self.view.key))
            except QueryError:
                terms = ()  # saved by hand, or by another version: found nothing either
        if terms != self._terms:
            self._terms = terms
            self.article_list.match_terms = terms
            self.post_message(self.TermsChanged(terms))

    def _count(self) -> None:
        feeds = sorted(self.feeds.values(), key=lambda feed: feed.display_title.casefold())
        rows = counted_views(self.articles, feeds, self.saved_search_members)
        self.query_one(FeedsView).show_counts(rows, self.view)

    def _label(self, view: View) -> str:
        """A view's name; a feed's as it is now (it may have been renamed since)."""
        feed = self.feeds.get(view.key) if view.kind is ViewKind.FEED else None
        return feed.display_title if feed is not None else view.label

    def _show_title(self) -> None:
        if self.search_results is not None:
            found = len(self.article_list.articles)
            self.article_list.border_title = f"Search · {found} found"
            return
        marks = [self._label(self.view)]
        if self.unread_only:
            marks.append("unread")
        if self.order is not Order.NEWEST:
            marks.append(str(self.order))
        self.article_list.border_title = " · ".join(marks)

    # Going between the feeds view and the list

    def action_show_views(self) -> None:
        self.showing_views = True

    def on_feeds_view_chosen(self, event: FeedsView.Chosen) -> None:
        event.stop()
        self.view = event.view
        self.showing_views = False

    # Read state

    def action_toggle_read(self) -> None:
        article = self.article_list.current
        if article is not None:
            self.post_message(self.SetRead([article.id], not article.read))

    def action_mark_view_read(self) -> None:
        unread = [article.id for article in self.article_list.articles if not article.read]
        if not unread:
            self.post_message(self.Said("Nothing unread here"))
            return
        label = "the search results" if self.search_results else self._label(self.view)
        self._undo.append((label, unread))
        del self._undo[:-UNDO_DEPTH]
        self.post_message(self.SetRead(unread, True, f"Marked {len(unread)} read in {label}"
                                                     " · u undoes"))  # fmt: skip

    def action_undo_mark(self) -> None:
        if not self._undo:
            self.post_message(self.Said("Nothing to undo"))
            return
        label, ids = self._undo.pop()
        self.post_message(self.SetRead(ids, False, f"{len(ids)} unread again in {label}"))

    def action_next_unread(self) -> None:
        """The next unread article after the cursor (round to the top), opened; when this view
        has none, the first of all unread articles."""
        rows = self.article_list.articles
        start = self.article_list.cursor
        for index in [*range(start + 1, len(rows)), *range(0, start + 1)]:
            if not rows[index].read:
                self.article_list.cursor = index
                self.post_message(self.OpenArticle(rows[index]))
                return
        unread = [article for article in self.articles if not article.read]
        if not unread:
            self.post_message(self.Said("No unread articles"))
            return
        self.view, self.unread_only = UNREAD, False
        self.article_list.select_article(unread[0].id)
        self.post_message(self.OpenArticle(unread[0]))

    # The view's shape

    def action_toggle_unread_only(self) -> None:
        self.unread_only = not self.unread_only

    def action_next_order(self) -> None:
        self.order = self.order.next()
