"""The links view (newsboat's URL view): an article's links, numbered, to open or copy.

The article's own link comes first, then the links in its text in the order they appear,
each once. Enter (or ``o``) opens one as ``o`` does in the reader — a browser where there is a
local display, copied over SSH — and ``y`` copies it, both through the app
(:class:`~tui.messages.OpenLinkRequested`, :class:`~tui.messages.CopyLinkRequested`). Link
texts and addresses come from outside: they are shown as plain text, controls stripped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from store.models import Article
from store.structure import Link
from store.text import display_line
from tui.links import usable_link
from tui.messages import CopyLinkRequested, OpenLinkRequested

OWN_LINK_LABEL = "This article"
LABEL_CHARACTERS = 60


@dataclass(frozen=True)
class LinkEntry:
    label: str
    url: str


def link_entries(article: Article, body: str, links: Sequence[Link]) -> list[LinkEntry]:
    """The article's link, then each link of its text once (by address), in order."""
    entries: list[LinkEntry] = []
    seen: set[str] = set()
    own = usable_link(article.url)
    if own is not None:
        entries.append(LinkEntry(OWN_LINK_LABEL, own))
        seen.add(own)
    for link in links:
        url = usable_link(link.href)
        if url is None or url in seen:
            continue
        seen.add(url)
        entries.append(LinkEntry(_label(body[link.start : link.end]), url))
    return entries


def _label(text: str) -> str:
    flat = display_line(" ".join(text.split()))
    return flat if len(flat) <= LABEL_CHARACTERS else flat[: LABEL_CHARACTERS - 1] + "…"


class LinksScreen(ModalScreen[None]):
    """An article's links: Enter or o opens one (copies it over SSH), y copies it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,L", "dismiss", "Close links", id="links_view.close"),
        Binding("o", "open", "Open link (copy over SSH)", id="links_view.open"),
        Binding("y", "copy", "Copy link", id="links_view.copy"),
        Binding("j", "cursor_down", "Next link", id="links_view.down", show=False),
        Binding("k", "cursor_up", "Previous link", id="links_view.up", show=False),
    ]

    def __init__(self, title: str, entries: Sequence[LinkEntry]) -> None:
        super().__init__()
        self.article_title = title
        self.entries = list(entries)

    def compose(self) -> ComposeResult:
        with Vertical(id="links-view"):
            yield Static(Text(f"Links in “{display_line(self.article_title)}”"), id="links-title")
            width = len(str(len(self.entries)))
            options = [
                Option(_row(number, width, entry), id=str(number - 1))
                for number, entry in enumerate(self.entries, 1)
            ]
            yield OptionList(*options, id="links-list")
            if not self.entries:
                yield Static("This article has no links.", id="links-none")
            yield Static(
                Text("Enter or o opens (copies over SSH) · y copies · Esc closes"),
                id="links-keys",
            )

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def _chosen(self) -> str | None:
        index = self.query_one(OptionList).highlighted
        return self.entries[index].url if index is not None and self.entries else None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_open()

    def action_open(self) -> None:
        url = self._chosen()
        if url is not None:
            self.post_message(OpenLinkRequested(url))

    def action_copy(self) -> None:
        url = self._chosen()
        if url is not None:
            self.post_message(CopyLinkRequested(url))

    def action_cursor_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()


def _row(number: int, width: int, entry: LinkEntry) -> Text:
    row = Text(no_wrap=False)
    row.append(f"{number:>{width}}  ", style="bold")
    row.append(entry.label)
    row.append("\n" + " " * (width + 2))
    row.append(entry.url, style="dim")
    return row
