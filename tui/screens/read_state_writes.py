"""The main screen's read-state writes: read, unread, starred, every article of a view read.

A part of :class:`tui.screens.main.MainScreen`, kept apart so each file reads in one sitting.
Each write is durable (one fsync'd journal line) before the list shows it: a worker writes,
then posts :class:`~tui.messages.ArticlesChanged` for the screen to apply.
"""

from __future__ import annotations

from textual import on, work
from textual.screen import Screen

from store.db import StoreError
from store.library import Library
from store.models import Article
from tui.messages import ArticlesChanged
from tui.widgets.list_pane import ListPane


class ReadStateWrites(Screen[None]):
    """Marking read and starring, from the list, the reader and the list pane's keys."""

    library: Library
    current: Article | None

    @work(thread=True, group="writes", exit_on_error=False, description="mark an article read")
    def mark_read(self, article_id: str) -> None:
        try:
            updated = self.library.set_read(article_id, True)
        except StoreError as problem:
            self.notify(str(problem), title="Not marked read", severity="error")
            return
        if updated is not None:
            self.post_message(ArticlesChanged([updated]))

    def action_toggle_star(self) -> None:
        pane = self.query_one(ListPane)
        article = pane.article_list.current if self.focused is pane.article_list else self.current
        if article is None:
            return
        self.set_starred(article.id, not article.starred)

    @work(thread=True, group="writes", exit_on_error=False, description="star an article")
    def set_starred(self, article_id: str, starred: bool) -> None:
        try:
            updated = self.library.set_starred(article_id, starred)
        except StoreError as problem:
            self.notify(str(problem), title="Not starred", severity="error")
            return
        if updated is not None:
            self.post_message(ArticlesChanged([updated]))
            self.notify("Starred" if starred else "Star removed", timeout=2)

    @on(ListPane.SetRead)
    def _set_read(self, event: ListPane.SetRead) -> None:
        self.mark_many_read(event.article_ids, event.read, event.description)

    @work(thread=True, group="writes", exit_on_error=False, description="mark articles read")
    def mark_many_read(self, article_ids: list[str], read: bool, said: str) -> None:
        try:
            updated = self.library.mark_all_read(article_ids, read)
        except StoreError as problem:
            self.notify(str(problem), title="Not marked", severity="error")
            return
        if updated:
            self.post_message(ArticlesChanged(updated))
        if said:
            self.notify(said, timeout=4)
