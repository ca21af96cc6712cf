"""The note editor: a modal, multi-line editor for the note on one highlight."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Static, TextArea

from store.annotations import Highlight
from store.text import display_line, strip_controls

QUOTE_PREVIEW_CHARS = 240


class ConfirmDiscard(ModalScreen[bool]):
    """Ask before throwing away typed text."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Discard", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "Keep editing", id="confirm.no"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-body"):
            yield Label("Discard the note you typed?")
            with Horizontal(id="confirm-buttons"):
                yield Button("Discard (y)", id="discard", variant="error")
                yield Button("Keep editing (n)", id="keep", variant="primary")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "discard")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class NoteEditor(ModalScreen[str | None]):
    """Edit a highlight's note. Ctrl+S saves (the result is the note), Esc cancels (None)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save note", id="note.save", priority=True),
        Binding("escape", "cancel", "Cancel", id="note.cancel", priority=True),
    ]

    def __init__(self, highlight: Highlight | str) -> None:
        """``highlight``: the highlight whose note is edited, or the quote of one that is
        made only if the note is saved."""
        super().__init__()
        self.quote = highlight if isinstance(highlight, str) else highlight.exact
        # What the editor starts with: the note as it can be shown (a record from an older
        # version may hold escape sequences; a TextArea would pass them to the terminal).
        self._shown_note = "" if isinstance(highlight, str) else strip_controls(highlight.note)

    def compose(self) -> ComposeResult:
        quote = display_line(self.quote)
        if len(quote) > QUOTE_PREVIEW_CHARS:
            quote = quote[: QUOTE_PREVIEW_CHARS - 1] + "…"
        with Vertical(id="note-body") as body:
            body.border_title = "Note"
            body.border_subtitle = "Ctrl+S save · Esc cancel · #tags become tags"
            yield Static(Text(f"“{quote}”"), id="note-quote")
            yield TextArea(self._shown_note, id="note-text", soft_wrap=True)

    def on_mount(self) -> None:
        editor = self.query_one("#note-text", TextArea)
        editor.focus()
        editor.move_cursor(editor.document.end)

    @property
    def typed(self) -> str:
        """The note as typed (or pasted), without control characters or escape sequences."""
        return strip_controls(self.query_one("#note-text", TextArea).text)

    def action_save(self) -> None:
        self.dismiss(self.typed.strip())

    def action_cancel(self) -> None:
        if self.typed == self._shown_note:
            self.dismiss(None)
            return

        def decided(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmDiscard(), decided)
