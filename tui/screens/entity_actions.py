"""The main screen's entity pages: opening one (from the sidebar or "entities: today"), what
the page hands back (an article to read, a filter), and what it changed (followed entities,
corrections).

A part of :class:`tui.screens.main.MainScreen`, kept apart so each file reads in one sitting;
it relies on the screen's ``library``, ``current``, ``entity_filter`` and ``show_article``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on, work
from textual.screen import Screen

from store.annotations import HighlightStore
from store.db import StoreError
from store.library import Library
from store.models import EntitySummary
from tui.messages import EntitiesCorrected, FollowedEntitiesChanged, SavedSearchesLoaded
from tui.screens.entity_page import (
    EntityPageChoice,
    EntityPageScreen,
    OpenArticle,
    OpenHighlight,
    ShowArticlesOf,
)
from tui.screens.top_entities import TopEntitiesScreen
from tui.widgets.article_list import ArticleList

if TYPE_CHECKING:
    from store.annotations import Highlight
    from store.models import Article
    from store.saved_searches import SavedSearchStore


class EntityActions(Screen[None]):
    """Entity pages and the week's entities, opened over the main screen."""

    library: Library
    highlight_store: HighlightStore

    if TYPE_CHECKING:  # the main screen's, used here
        entity_filter: EntitySummary | None
        current: Article | None
        saved_search_store: SavedSearchStore

        def show_article(self, article: Article, go_to: int | None = None) -> None: ...

        def _open(self, event: ArticleList.Chosen) -> None: ...

        def _open_at_highlight(self, highlight: Highlight | None) -> None: ...

        def _show_filtered(self) -> None: ...

    def open_entity_page(self, key: str) -> None:
        """Show the page of the entity ``key`` over this screen."""
        page = EntityPageScreen(self.library, self.highlight_store, key, owner=self)
        self.app.push_screen(page, self._entity_page_closed)

    def show_top_entities(self) -> None:
        """The most-named entities of the last 7 days; Enter opens one's page."""

        def chosen(key: str | None) -> None:
            if key is not None:
                self.open_entity_page(key)

        self.app.push_screen(TopEntitiesScreen(self.library), chosen)

    def _entity_page_closed(self, choice: EntityPageChoice | None) -> None:
        if isinstance(choice, OpenArticle):
            article = self.library.get(choice.article_id)
            if article is None:
                self.notify("That article is no longer in the library", severity="warning")
                return
            self.entity_filter = None
            self.query_one(ArticleList).select_article(article.id)
            self._open(ArticleList.Chosen(article))
        elif isinstance(choice, OpenHighlight):
            self._open_at_highlight(choice.highlight)
        elif isinstance(choice, ShowArticlesOf):
            self.entity_filter = EntitySummary(choice.key, choice.label, 0, 0, False)
            self.query_one(ArticleList).focus()

    @on(FollowedEntitiesChanged)
    def _followed_changed(self) -> None:
        self.reload_saved_searches()

    @work(thread=True, group="saved-searches", exit_on_error=False, description="saved searches")
    def reload_saved_searches(self) -> None:
        """The saved searches again (following writes them through a store of its own)."""
        try:
            self.saved_search_store.reload_if_changed()
            searches = self.saved_search_store.all()
        except StoreError as problem:
            self.notify(str(problem), title="Saved searches", severity="error", timeout=10)
            return
        self.post_message(SavedSearchesLoaded(searches))

    @on(EntitiesCorrected)
    def _entities_corrected(self) -> None:
        # The sidebar shows the article's entities as corrected (the loader applies them).
        if self.current is not None:
            self.show_article(self.current)
        self._show_filtered()
