"""The highlights screen: every highlight across articles, newest first, filtered as you type
in the search language (quotes, notes, tags, headlines; ``colour:``, ``tag:``, ``has:note``,
``newer:``, ``older:``; :mod:`store.search.highlight_search`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store.annotations import Highlight
from store.export.output import ExportFormat
from store.search import HighlightFinder, QueryError
from store.text import display_line, strip_controls
from tui.widgets.footer import LeanFooter

QUOTE_CHARS = 160
# The colour a highlight was given is its label, so the marker shows that colour by name.
MARKER_COLOURS = {
    "yellow": "yellow",
    "green": "green",
    "blue": "blue",
    "pink": "magenta",
    "purple": "purple",
}


def highlight_prompt(highlight: Highlight) -> Text:
    """One highlight as the list shows it: quote, where it is from, note and tags.

    Every piece passes through display_line/strip_controls: imports are cleaned on the way
    in, but a record from an older version or a hand edit may still hold escape sequences,
    and Text passes ESC through to the terminal."""
    quote = " ".join(display_line(highlight.exact).split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[: QUOTE_CHARS - 1] + "…"
    prompt = Text()
    prompt.append("▌ ", style=MARKER_COLOURS.get(highlight.colour, ""))
    prompt.append(f"“{quote}”")
    prompt.append(f"\n  {display_line(highlight.article_title)}", style="dim")
    if highlight.orphaned:
        reason = display_line(highlight.orphan_reason or "")
        prompt.append(f"  (not found in the text: {reason})", style="bold")
    note = strip_controls(highlight.note).strip()
    if note:
        prompt.append(f"\n  ✎ {note}", style="italic")
    if highlight.tags:
        tags = " ".join(f"#{display_line(tag)}" for tag in highlight.tags)
        prompt.append(f"\n  {tags}", style="bold")
    return prompt


class HighlightsScreen(Screen[Highlight | None]):
    """Browse highlights; Enter opens the article at the chosen one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="highlights.close"),
        Binding("down", "focus_list", "To the list", id="highlights.to_list", show=False),
        # A priority binding, so that it works while typing in the filter too.
        Binding(
            "ctrl+e", "export('markdown')", "Export Markdown", id="highlights.export", priority=True
        ),
    ]

    highlights: var[list[Highlight]] = var(list, always_update=True)
    filter_text: var[str] = var("")

    @dataclass
    class ExportRequested(Message):
        """Export the highlights shown (as filtered) in this format."""

        export_format: ExportFormat
        highlights: list[Highlight]

    def __init__(self, highlights: list[Highlight]) -> None:
        super().__init__()
        self.set_reactive(HighlightsScreen.highlights, highlights)
        self._shown: list[Highlight] = []
        self._finder: HighlightFinder | None = None
        """The highlights ready for queries: made at the first (~0.1 s at 30,000)."""
        self._problem: str | None = None
        """Why the filter as typed cannot be read (the highlights shown stay as they were)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="highlights-body"):
            yield Input(
                placeholder='Filter: words, "a phrase", colour:pink, tag:x, newer:30d, has:note',
                id="highlights-filter",
            )
            yield Static("", id="highlights-count")
            yield OptionList(id="highlights-list")
        yield LeanFooter()

    def on_mount(self) -> None:
        self.query_one("#highlights-list", OptionList).border_title = "Highlights"
        self._show()

    def watch_highlights(self) -> None:
        if self._finder is not None:
            self._finder.close()
            self._finder = None
        if self.is_mounted:
            self._show()

    def watch_filter_text(self) -> None:
        if self.is_mounted:
            self._show()

    @property
    def shown(self) -> list[Highlight]:
        return self._shown

    def _matching(self) -> list[Highlight]:
        if not self.filter_text.strip():
            return self.highlights
        if self._finder is None:
            self._finder = HighlightFinder(self.highlights)
        return self._finder.matching(self.filter_text)

    def _show(self) -> None:
        try:
            self._shown = self._matching()
            self._problem = None
        except QueryError as problem:
            self._problem = str(problem)  # typed halfway, most often: the last list stays
        listing = self.query_one("#highlights-list", OptionList)
        listing.clear_options()
        listing.add_options(
            Option(highlight_prompt(h), id=f"h{index}") for index, h in enumerate(self._shown)
        )
        total = len(self.highlights)
        orphans = sum(1 for h in self.highlights if h.orphaned)
        summary = f"{len(self._shown)} of {total} highlights"
        if orphans:
            summary += f" · {orphans} not found in their article's text"
        if self._problem is not None:
            summary = f"{self._problem} · {summary}"
        self.query_one("#highlights-count", Static).update(Text(summary))

    @on(Input.Changed, "#highlights-filter")
    def _filter(self, event: Input.Changed) -> None:
        self.filter_text = event.value

    @on(Input.Submitted, "#highlights-filter")
    def _submit_filter(self) -> None:
        self.action_focus_list()

    @on(OptionList.OptionSelected, "#highlights-list")
    def _open(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._shown[event.option_index])

    def action_focus_list(self) -> None:
        listing = self.query_one("#highlights-list", OptionList)
        listing.focus()
        if listing.highlighted is None and listing.option_count:
            listing.highlighted = 0

    def action_close(self) -> None:
        self.dismiss(None)

    def on_unmount(self) -> None:
        if self._finder is not None:
            self._finder.close()

    def action_export(self, export_format: ExportFormat) -> None:
        self.post_message(self.ExportRequested(export_format, list(self._shown)))
