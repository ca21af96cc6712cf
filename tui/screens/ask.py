"""Two small questions: a line of text (a feed's URL, title or tags) and yes or no."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label


class AskLine(ModalScreen[str | None]):
    """One line of text: Enter gives it, Esc gives None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="ask.cancel"),
    ]

    def __init__(self, question: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.question = question
        self.value = value
        self.placeholder = placeholder

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-body"):
            yield Label(Text(self.question))
            yield Input(self.value, placeholder=self.placeholder, id="ask-input")
            yield Label(Text("Enter to confirm · Esc to cancel"), classes="ask-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskYesNo(ModalScreen[bool]):
    """A question that y answers yes and n or Esc no."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "answer(True)", "Yes", id="ask.yes"),
        Binding("n,escape", "answer(False)", "No", id="ask.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="ask-body"):
            yield Label(Text(self.question))
            yield Label(Text("y: yes · n or Esc: no"), classes="ask-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
