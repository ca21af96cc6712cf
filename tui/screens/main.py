"""The main screen: article list, reader and entity sidebar, and the state they share."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.events import Resize
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Footer, Static

from store import entities
from store.library import Library
from store.models import Article, EntitySummary, Mention
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.reader import ArticleReader

# Below this width the sidebar folds away (it can still be brought back with `s`).
WIDE_LAYOUT_MIN_WIDTH = 120


@dataclass
class ArticleLoaded(Message):
    """A worker read an article's body and mentions."""

    article: Article
    body: str
    mentions: list[Mention]


class MainScreen(Screen[None]):
    """Owns what is shown; the widgets render it and report what the user does."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "toggle_sidebar", "Sidebar", id="view.sidebar"),
        Binding("escape", "clear_filter", "Clear filter", id="list.clear_filter", show=False),
    ]

    articles: var[list[Article]] = var(list, always_update=True)
    """Every article in the library, newest first."""
    entity_filter: var[EntitySummary | None] = var(None)
    current: var[Article | None] = var(None)
    current_mentions: var[list[Mention]] = var(list)
    sidebar_open: var[bool] = var(True)

    def __init__(self, library: Library) -> None:
        super().__init__()
        self.library = library
        self._sidebar_chosen_by_user = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Static("", id="filter-chip")
                yield ArticleList(id="article-list")
            with Vertical(id="reader-pane"):
                yield ArticleReader(id="reader")
            yield EntitySidebar(id="entity-sidebar")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(ArticleList).border_title = "Articles"
        self.query_one(ArticleList).focus()
        self.load_articles()

    @work(thread=True, exclusive=True, group="articles", exit_on_error=False)
    def load_articles(self) -> None:
        self.app.call_from_thread(self._set_articles, self.library.articles())

    def _set_articles(self, articles: list[Article]) -> None:
        self.articles = articles

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
        shown = [a for a in self.articles if any(e.key == entity.key for e in a.entities)]
        article_list.articles = shown
        chip.update(f"{entity.key}: {len(shown)} article{'s' if len(shown) != 1 else ''} · Esc")
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
        self.query_one(ArticleReader).show_article(event.article, event.body)

    # Workers

    @work(thread=True, exclusive=True, group="reader", exit_on_error=False)
    def load_article(self, article: Article) -> None:
        body = self.library.body(article)
        self.post_message(ArticleLoaded(article, body, entities.extract(body)))

    @work(thread=True, group="writes", exit_on_error=False)
    def mark_read(self, article: Article) -> None:
        updated = self.library.set_read(article.id, True)
        self.library.flush()
        if updated is not None:
            self.app.call_from_thread(self._replace_article, updated)

    def _replace_article(self, updated: Article) -> None:
        self.articles = [updated if a.id == updated.id else a for a in self.articles]
        if self.current is not None and self.current.id == updated.id:
            self.current = replace(self.current, read=updated.read)

    # Actions

    def action_toggle_sidebar(self) -> None:
        self._sidebar_chosen_by_user = True
        self.sidebar_open = not self.sidebar_open

    def action_clear_filter(self) -> None:
        self.entity_filter = None
