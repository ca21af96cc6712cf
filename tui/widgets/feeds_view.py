"""The feeds view: what the list pane can show (All, Unread, Starred, saved searches, folders,
feeds), each with its unread and total counts, as newsboat's start screen. Enter shows a view's
articles; `d` asks to delete a saved search."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store.text import display_line
from store.views import View, ViewCount, ViewKind

SEARCH_MARK = "/"
"""Before a saved search's name, as the key that searches."""


def _prompt(row: ViewCount, width: int) -> Text:
    """A row as wide as the list: the view's name (indented by its depth, cut with an
    ellipsis) and its counts at the right edge. A feed's title is external text: Text, never
    markup."""
    counts = f"{row.unread}/{row.total}"
    room = max(1, width - len(counts) - 1)
    mark = f"{SEARCH_MARK} " if row.view.kind is ViewKind.SEARCH else ""
    label = Text(
        "  " * row.depth + mark + display_line(row.view.label), style="bold" if row.unread else ""
    )
    label.truncate(room, overflow="ellipsis", pad=True)
    return Text.assemble(label, " ", counts)


class FeedsView(OptionList):
    """One row a view; ``rows`` sets them (counts and all), keeping the highlighted view."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next", id="views.next", show=False),
        Binding("k", "cursor_up", "Previous", id="views.previous", show=False),
        Binding("g", "first", "First", id="views.first", show=False),
        Binding("G", "last", "Last", id="views.last", show=False),
        Binding("enter", "select", "Show articles", id="views.open"),
        Binding("d", "delete", "Delete a saved search", id="views.delete_search", show=False),
    ]

    @dataclass
    class Chosen(Message):
        """The user asked for a view's articles."""

        view: View

    @dataclass
    class DeleteRequested(Message):
        """The user asked to delete a saved search (the screen asks to confirm)."""

        view: View

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._rows: list[ViewCount] = []
        self._views: list[View] = []

    def on_resize(self) -> None:
        if self._rows:
            self.show_counts(self._rows, self.highlighted_view or self._views[0])

    def show_counts(self, rows: list[ViewCount], current: View) -> None:
        """Show these rows, with the highlight on ``current`` (or where it was)."""
        highlighted = self.highlighted_view or current
        self._rows = rows
        self._views = [row.view for row in rows]
        width = self.scrollable_content_region.width
        self.clear_options()
        self.add_options([Option(_prompt(row, width)) for row in rows])
        if highlighted in self._views:
            self.highlighted = self._views.index(highlighted)
        elif self._views:
            self.highlighted = 0

    @property
    def highlighted_view(self) -> View | None:
        if self.highlighted is None or not 0 <= self.highlighted < len(self._views):
            return None
        return self._views[self.highlighted]

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if 0 <= event.option_index < len(self._views):
            self.post_message(self.Chosen(self._views[event.option_index]))

    def action_delete(self) -> None:
        view = self.highlighted_view
        if view is not None and view.kind is ViewKind.SEARCH:
            self.post_message(self.DeleteRequested(view))
        else:
            self.notify("Only a saved search is deleted here (F: the feeds screen)", timeout=3)
