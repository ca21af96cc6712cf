"""The line across the top of a home opened read-only (one this user cannot write to)."""

from __future__ import annotations

from pathlib import Path

from rich.text import Text
from textual.widgets import Static

from store.text import display_line


class ReadOnlyBanner(Static):
    """Says, for as long as the app runs, that nothing done here is saved."""

    DEFAULT_CSS = """
    ReadOnlyBanner {
        dock: top;
        height: 1;
        padding: 0 1;
        background: $warning 30%;
        color: $text;
        text-style: bold;
    }
    """

    def __init__(self, home: Path) -> None:
        # A path is text from outside: shown as plain Text, never read as markup.
        message = (
            f"Read-only: this user cannot write to {display_line(str(home))}. Reading works; "
            "marks, highlights and refreshes cannot be saved."
        )
        super().__init__(Text(message), id="read-only-banner")
