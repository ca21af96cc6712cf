"""Today's entities: the most-named entities of the last seven days, with the change from the
seven before (:func:`store.entities.top.top_entities`); Enter opens one's page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.db import StoreError
from store.entities.top import TopEntities, top_entities
from store.library import Library
from store.listing import catch_up_catalog
from store.text import display_line
from tui.messages import TopEntitiesFound
from tui.widgets.footer import LeanFooter

PERIOD = timedelta(days=7)
LABEL_WORDS = {"PERSON": "person", "PLACE": "place", "ORG": "organisation", "OTHER": "other"}


class TopEntitiesScreen(Screen[str | None]):
    """The most-named entities of the week; gives the key chosen."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "close", "Back", id="top_entities.close"),
        Binding("j", "cursor_down", "Next", id="top_entities.next", show=False),
        Binding("k", "cursor_up", "Previous", id="top_entities.previous", show=False),
    ]

    def __init__(self, library: Library, now: datetime | None = None) -> None:
        super().__init__()
        self.library = library
        self.now = now
        self.top: TopEntities | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="top-entities-body"):
            yield Static(
                Text("Counting the week's entities…", style="dim"), id="top-entities-summary"
            )
            yield OptionList(id="top-entities-list")
        yield LeanFooter()

    def on_mount(self) -> None:
        self.query_one(OptionList).border_title = "Today's entities: the last 7 days"
        self.query_one(OptionList).focus()
        self.count()

    @work(thread=True, exclusive=True, group="top-entities", exit_on_error=False,
          description="count the week's entities")  # fmt: skip
    def count(self) -> None:
        until = self.now or datetime.now(UTC)
        try:
            catch_up_catalog(self.library.catalog, self.library.paths)
            found = top_entities(self.library.catalog, until - PERIOD, until)
        except StoreError as problem:
            self.notify(str(problem), title="Entities", severity="error", timeout=10)
            return
        self.post_message(TopEntitiesFound(found))

    @on(TopEntitiesFound)
    def _found(self, event: TopEntitiesFound) -> None:
        self.top = event.top
        listing = self.query_one(OptionList)
        listing.clear_options()
        count = event.top.articles
        self.query_one("#top-entities-summary", Static).update(
            Text(
                f"{count} article{'s' if count != 1 else ''} in the last 7 days · articles "
                f"naming each, and the change from the 7 days before · Enter: its page",
                style="dim",
            )
        )
        if not event.top.entities:
            listing.add_option(
                Option(Text("No entities named this week", style="dim"), disabled=True)
            )
            return
        for index, entity in enumerate(event.top.entities):
            change = entity.change
            prompt = Text.assemble(
                (f"{entity.articles:>4}  ", "bold"),
                (f"{change:+d}  " if change else "  =  ", "dim"),
                display_line(entity.key),
                (f"  {LABEL_WORDS.get(entity.label, 'other')}", "dim"),
            )
            listing.add_option(Option(prompt, id=f"t{index}"))
        listing.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        if self.top is not None and self.top.entities:
            self.dismiss(self.top.entities[event.option_index].key)

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
