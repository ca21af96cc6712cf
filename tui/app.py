"""The Broadsheet application."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.screen import Screen

from store.annotations import HighlightStore
from store.library import Library
from tui.screens.help import HelpScreen
from tui.screens.highlights import HighlightsScreen
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.reader import ArticleReader


class BroadsheetApp(App[None]):
    """Read, mark up and keep the news from a terminal."""

    TITLE = "Broadsheet"
    CSS_PATH = "app.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(self, library: Library, highlights: HighlightStore) -> None:
        super().__init__()
        self.library = library
        self.highlights = highlights

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.library, self.highlights))
        if self.library.recovered_from is not None:
            self.notify(
                f"The article cache was unreadable and has been set aside as "
                f"{self.library.recovered_from}. Your highlights are untouched.",
                title="Cache rebuilt",
                severity="warning",
                timeout=10,
            )

    def help_sections(self) -> list[tuple[str, list[BindingType]]]:
        """Every key, by where it works; the help screen and README list these."""
        return [
            ("Everywhere", [*self.BINDINGS, *MainScreen.BINDINGS, *_FOCUS_BINDINGS]),
            ("Article list", list(ArticleList.BINDINGS)),
            ("Reader", list(ArticleReader.BINDINGS)),
            ("Highlights screen", list(HighlightsScreen.BINDINGS)),
            ("Note editor", list(NoteEditor.BINDINGS)),
            ("Entity sidebar", list(EntitySidebar.BINDINGS)),
        ]

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.help_sections()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("view: keys and help", "List every key", self.action_help)
        if isinstance(screen, MainScreen):
            yield SystemCommand(
                "view: toggle entity sidebar",
                "Show or hide the people, places and organisations pane",
                screen.action_toggle_sidebar,
            )
            yield SystemCommand(
                "view: highlights",
                "Every highlight across articles, newest first",
                screen.action_show_highlights,
            )


# Textual's own focus keys, listed so that the help screen is complete.
_FOCUS_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next pane"),
    Binding("shift+tab", "app.focus_previous", "Previous pane"),
    Binding("ctrl+p", "app.command_palette", "Command palette"),
]
