"""The feeds screen: what Broadsheet follows, and how each feed fared on its last refresh."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Static

from store.feeds import Feed
from tui.widgets.footer import LeanFooter


def when(timestamp: str | None) -> str:
    return (timestamp or "never")[:16].replace("T", " ")


class FeedsScreen(Screen[bool]):
    """A table of feeds: articles, last success, last error (errors in full below).

    Dismissed with True when the user asked for a refresh from here."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,F", "close", "Back", id="feeds.close"),
        Binding("R", "refresh_feeds", "Refresh feeds", id="feeds.refresh_here"),
    ]

    def __init__(self, feeds: list[Feed], article_counts: dict[str, int]) -> None:
        super().__init__()
        self.feeds = feeds
        self.article_counts = article_counts

    def compose(self) -> ComposeResult:
        yield Static(
            Text(f"{len(self.feeds)} feeds · add one from a shell with: broadsheet add URL"),
            id="feeds-summary",
        )
        yield DataTable(id="feeds-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="feeds-error")
        yield LeanFooter()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Feed", "Articles", "Last success", "Last error")
        for feed in self.feeds:
            # Cells are Text, not str: DataTable would read a str as markup.
            table.add_row(
                Text(feed.display_title),
                Text(str(self.article_counts.get(feed.id, 0)), justify="right"),
                Text(when(feed.last_success)),
                Text("failed" if feed.last_error else "—", style="bold" if feed.last_error else ""),
                key=feed.id,
            )
        table.focus()
        self._show_error(0)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_error(event.cursor_row)

    def _show_error(self, row: int) -> None:
        panel = self.query_one("#feeds-error", Static)
        if not 0 <= row < len(self.feeds):
            panel.update("")
            return
        feed = self.feeds[row]
        lines = [f"{feed.display_title} <{feed.url}>"]
        if feed.last_error:
            lines.append(f"Last error ({when(feed.last_error_at)}): {feed.last_error}")
        panel.update(Text("\n".join(lines)))

    def action_close(self) -> None:
        self.dismiss(False)

    def action_refresh_feeds(self) -> None:
        self.dismiss(True)
