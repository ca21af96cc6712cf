"""The help screen: every key, grouped by where it works, read from the bindings themselves."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

KEY_NAMES = {
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "pagedown": "PgDn",
    "pageup": "PgUp",
    "space": "Space",
    "enter": "Enter",
    "escape": "Esc",
    "home": "Home",
    "end": "End",
    "tab": "Tab",
    "shift+tab": "Shift+Tab",
    "question_mark": "?",
    "asterisk": "*",
    "backspace": "Backspace",
    "ctrl+p": "Ctrl+P",
    "slash": "/",
}


def key_names(binding: Binding) -> str:
    keys = [key.strip() for key in binding.key.split(",")]
    return " ".join(KEY_NAMES.get(key, key.replace("ctrl+", "Ctrl+")) for key in keys)


def bindings_table(sections: list[tuple[str, list[BindingType]]]) -> Text:
    text = Text()
    for title, bindings in sections:
        text.append(f"{title}\n", style="bold underline")
        for binding in bindings:
            if not isinstance(binding, Binding) or not binding.description:
                continue
            text.append(f"  {key_names(binding):<14}", style="bold")
            text.append(f"{binding.description}\n")
        text.append("\n")
    return text


class HelpScreen(ModalScreen[None]):
    """A list of every key Broadsheet answers to."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close help", id="help.close"),
    ]

    def __init__(self, sections: list[tuple[str, list[BindingType]]]) -> None:
        super().__init__()
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-body") as body:
            body.border_title = "Broadsheet keys"
            body.border_subtitle = "Esc closes"
            yield Static(bindings_table(self.sections), id="help-text")
