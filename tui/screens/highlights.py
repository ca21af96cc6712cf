"""The highlights screen: every highlight across articles, newest first, filtered as you type
in the search language (quotes, notes, tags, headlines; ``colour:``, ``tag:``, ``has:note``,
``newer:``, ``older:``; :mod:`store.search.highlight_search`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.screen import Screen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from store.annotations import Highlight, HighlightStore
from store.annotations.model import ORPHAN_NOT_IN_LIBRARY
from store.db import StoreError
from store.export.output import ExportFormat
from store.search import HighlightFinder, QueryError
from store.text import display_line, strip_controls
from tui.screens.note_editor import NoteEditor
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


QUOTE_MARKS = "\"'“”„‘’‚«»‹›「『"


def quoted(quote: str) -> str:
    """The quote in quotation marks, unless it starts with one of its own."""
    return quote if quote[:1] in QUOTE_MARKS else f"“{quote}”"


def highlight_prompt(highlight: Highlight) -> Table:
    """One highlight as the list shows it: quote, where it is from, note and tags, every line
    of it (wrapped ones too) indented past the colour's marker.

    Every piece passes through display_line/strip_controls: imports are cleaned on the way
    in, but a record from an older version or a hand edit may still hold escape sequences,
    and Text passes ESC through to the terminal."""
    quote = " ".join(display_line(highlight.exact).split())
    if len(quote) > QUOTE_CHARS:
        quote = quote[: QUOTE_CHARS - 1] + "…"
    entry = Text(quoted(quote))
    entry.append(f"\n{display_line(highlight.article_title)}", style="dim")
    if highlight.orphaned:
        reason = display_line(highlight.orphan_reason or "")
        entry.append(f"  (not found in the text: {reason})", style="bold")
    note = strip_controls(highlight.note).strip()
    if note:
        entry.append(f"\n✎ {note}", style="italic")
    if highlight.tags:
        tags = " ".join(f"#{display_line(tag)}" for tag in highlight.tags)
        entry.append(f"\n{tags}", style="bold")
    # A grid, not a prefix: a wrapped line starts under the text, not under the marker.
    layout = Table.grid(expand=True)
    layout.add_column(width=2, no_wrap=True)
    layout.add_column(ratio=1)
    layout.add_row(Text("▌", style=MARKER_COLOURS.get(highlight.colour, "")), entry)
    return layout


def as_listed(highlights: list[Highlight], in_library: Callable[[str], bool]) -> list[Highlight]:
    """The highlights as this home sees them: one whose article the library does not hold
    (imported from another home, say) is an orphan here, as the CLI lists it."""
    return [
        h
        if h.orphaned or in_library(h.article_id)
        else replace(h, orphaned=True, orphan_reason=ORPHAN_NOT_IN_LIBRARY)
        for h in highlights
    ]


class HighlightsScreen(Screen[Highlight | None]):
    """Browse highlights; Enter opens the article at the chosen one. In the list, ``x``
    deletes one (``u`` undoes) and ``a`` edits its note, written as the reader writes them:
    by a worker, said only once on disk."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Back", id="highlights.close"),
        Binding("down", "focus_list", "To the list", id="highlights.to_list", show=False),
        Binding("x", "delete", "Delete", id="highlights.delete"),
        Binding("a", "note", "Edit note", id="highlights.note"),
        Binding("u", "undo", "Undo", id="highlights.undo"),
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

    @dataclass
    class Saved(Message):
        """A change made here is on disk; ``said`` tells the user what it was."""

        said: str

    def __init__(self, store: HighlightStore, in_library: Callable[[str], bool]) -> None:
        """``in_library``: whether the library holds an article (by id)."""
        super().__init__()
        self.store = store
        self.in_library = in_library
        self.set_reactive(HighlightsScreen.highlights, as_listed(store.all(), in_library))
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
        missing = sum(1 for h in self.highlights if h.orphan_reason == ORPHAN_NOT_IN_LIBRARY)
        summary = f"{len(self._shown)} of {total} highlights"
        if orphans > missing:
            summary += f" · {orphans - missing} not found in their article's text"
        if missing:
            summary += f" · {missing} whose article is not in the library"
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

    # Changes, made on the highlight under the list's cursor

    @property
    def _chosen(self) -> Highlight | None:
        listing = self.query_one("#highlights-list", OptionList)
        index = listing.highlighted
        if not listing.has_focus or index is None or index >= len(self._shown):
            return None
        return self._shown[index]

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Typed into the filter, x, a and u are letters.
        if action in ("delete", "note", "undo"):
            return self.query_one("#highlights-list", OptionList).has_focus
        return True

    def action_delete(self) -> None:
        chosen = self._chosen
        if chosen is not None:
            self.write(lambda store: _said(store.delete(chosen.id), "Highlight deleted (u undoes)"))

    def action_note(self) -> None:
        chosen = self._chosen
        if chosen is None:
            return

        def save(note: str | None) -> None:
            if note is not None and note != chosen.note:
                self.write(lambda store: _said(store.set_note(chosen.id, note), "Note saved"))

        self.app.push_screen(NoteEditor(chosen), save)

    def action_undo(self) -> None:
        def undo(store: HighlightStore) -> str:
            undone = store.undo()
            return f"Undone: {undone}" if undone else "Nothing to undo"

        self.write(undo)

    @work(thread=True, group="writes", exit_on_error=False, description="save a highlight change")
    def write(self, change: Callable[[HighlightStore], str]) -> None:
        """Make ``change`` (it says what it did) on disk, then show the highlights anew."""
        try:
            said = change(self.store)
        except (StoreError, ValueError) as problem:
            self.notify(str(problem), title="Not saved", severity="error")
            return
        self.post_message(self.Saved(said))

    @on(Saved)
    def _saved(self, event: Saved) -> None:
        self.notify(event.said, timeout=3)
        listing = self.query_one("#highlights-list", OptionList)
        kept = listing.highlighted
        self.highlights = as_listed(self.store.all(), self.in_library)
        if listing.option_count:
            listing.highlighted = min(kept or 0, listing.option_count - 1)


def _said(_changed: Highlight, what: str) -> str:
    return what
