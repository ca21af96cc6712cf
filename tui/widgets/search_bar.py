"""The search bar over the article list: a query typed, and a line saying what became of it.

It knows nothing of searching: it reports what is typed and asked for (to the results, close,
save) as messages, and the screen, which runs the searches in a worker, tells it what to say
under the query (how many articles, or where a query cannot be read).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

PLACEHOLDER = 'words, "a phrase", feed:, tag:, is:unread, newer:7d…'


class SearchBar(Vertical):
    """An Input for the query and a status line under it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        # Enter is the Input's own key (its Submitted comes here as the same request); listed
        # so that help shows it.
        Binding("enter,down", "to_results", "To the results", id="search.to_results"),
        Binding("escape", "close", "Close the search", id="search.close"),
        Binding("ctrl+s", "save", "Save the search", id="search.save"),
    ]

    @dataclass
    class Changed(Message):
        """The query as it now reads."""

        text: str

    @dataclass
    class ToResults(Message):
        """Go to the results (Enter)."""

        text: str

    class Closed(Message):
        """Close the search and go back to where it was opened from (Esc)."""

    @dataclass
    class SaveRequested(Message):
        """Save the query as a search (Ctrl+S)."""

        text: str

    def compose(self) -> ComposeResult:
        yield Input(placeholder=PLACEHOLDER, id="search-input", compact=True)
        yield Static("", id="search-status")

    @property
    def input(self) -> Input:
        return self.query_one("#search-input", Input)

    @property
    def text(self) -> str:
        return self.input.value

    def open(self) -> None:
        """Show the bar with the cursor in the query (its text kept, all selected)."""
        self.display = True
        self.input.focus()

    def say(self, text: str, *, problem: bool = False) -> None:
        """Show ``text`` under the query (a problem in the error colour). Text, never markup:
        it may quote what was typed."""
        status = self.query_one("#search-status", Static)
        status.update(Text(text))
        status.set_class(problem, "-problem")
        status.display = bool(text)

    @on(Input.Changed, "#search-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(event.value))

    @on(Input.Submitted, "#search-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_to_results()

    def action_to_results(self) -> None:
        self.post_message(self.ToResults(self.text))

    def action_close(self) -> None:
        self.post_message(self.Closed())

    def action_save(self) -> None:
        self.post_message(self.SaveRequested(self.text))
