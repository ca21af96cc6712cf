"""The entity sidebar: who and what the current article names, grouped and counted."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import var
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from store.models import ENTITY_GROUP_TITLES, ENTITY_LABELS, EntitySummary
from store.text import display_line


class EntitySidebar(OptionList):
    """Entities of the current article by kind, most salient first, with mention counts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Next entity", id="entities.next", show=False),
        Binding("k", "cursor_up", "Previous entity", id="entities.previous", show=False),
        Binding("enter", "select", "Its page", id="entities.page"),
        Binding("f", "show_articles", "Articles naming it", id="entities.filter"),
    ]

    entities: var[tuple[EntitySummary, ...]] = var(tuple, always_update=True)

    @dataclass
    class Focused(Message):
        """The cursor rests on an entity (or on none)."""

        entity: EntitySummary | None

    @dataclass
    class Chosen(Message):
        """The user asked for the articles that name this entity."""

        entity: EntitySummary

    @dataclass
    class PageRequested(Message):
        """The user asked for this entity's page."""

        entity: EntitySummary

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Entities"
        self._by_option_id: dict[str, EntitySummary] = {}

    def watch_entities(self, entities: tuple[EntitySummary, ...]) -> None:
        self.clear_options()
        self._by_option_id = {}
        options: list[Option | None] = []
        for label in ENTITY_LABELS:
            group = [entity for entity in entities if entity.label == label]
            if not group:
                continue
            if options:
                options.append(None)
            options.append(Option(Text(ENTITY_GROUP_TITLES[label], style="bold"), disabled=True))
            for entity in group:
                option_id = f"entity-{len(self._by_option_id)}"
                self._by_option_id[option_id] = entity
                prompt = Text.assemble(display_line(entity.key), (f"  {entity.count}", "dim"))
                options.append(Option(prompt, id=option_id))
        if not options:
            options.append(Option(Text("No names found", style="dim italic"), disabled=True))
        self.add_options(options)

    @property
    def current_entity(self) -> EntitySummary | None:
        if self.highlighted is None:
            return None
        option = self.get_option_at_index(self.highlighted)
        return self._by_option_id.get(option.id or "")

    @on(OptionList.OptionHighlighted)
    def _announce_focus(self, event: OptionList.OptionHighlighted) -> None:
        event.stop()
        self.post_message(self.Focused(self._by_option_id.get(event.option_id or "")))

    @on(OptionList.OptionSelected)
    def _announce_choice(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        entity = self._by_option_id.get(event.option_id or "")
        if entity is not None:
            self.post_message(self.PageRequested(entity))

    def action_show_articles(self) -> None:
        entity = self.current_entity
        if entity is not None:
            self.post_message(self.Chosen(entity))
