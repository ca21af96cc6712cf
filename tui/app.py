"""The Broadsheet application."""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterable, Mapping, Sequence
from functools import partial
from typing import ClassVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding, BindingType
from textual.driver import Driver
from textual.markup import escape
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import Worker

from store.annotations import Highlight, HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.db import StoreError
from store.entities.correction_store import exported_corrections
from store.export import EXPORT_FORMATS, ExportFormat, export_to_folder
from store.library import Library
from store.models import Article
from store.restore import fetch_missing_text, missing_text_advice
from store.settings import load_settings
from store.text import display_line, strip_controls
from tui import styles_cache_fix
from tui.links import Launcher, has_local_display, opener_command, usable_link
from tui.messages import (
    ArticlesChanged,
    CopyLinkRequested,
    FullTextArrived,
    HighlightsUnreadable,
    OpenLinkRequested,
)
from tui.screens.entity_page import EntityPageScreen
from tui.screens.feeds import FeedsScreen
from tui.screens.help import HelpScreen
from tui.screens.highlights import HighlightsScreen
from tui.screens.main import MainScreen
from tui.screens.note_editor import NoteEditor
from tui.widgets.article_list import ArticleList
from tui.widgets.entity_sidebar import EntitySidebar
from tui.widgets.feeds_view import FeedsView
from tui.widgets.list_pane import ListPane
from tui.widgets.reader import ArticleReader
from tui.widgets.search_bar import SearchBar
from tui.worker_errors import report_failed_worker


class BroadsheetApp(App[None]):
    """Read, mark up and keep the news from a terminal."""

    TITLE = "Broadsheet"
    CSS_PATH = "app.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        library: Library,
        highlights: HighlightStore,
        *,
        environ: Mapping[str, str] | None = None,
        notices: Sequence[str] = (),
    ) -> None:
        """``notices``: what the store said while the home was opened (damage found, and
        what was recovered), shown once the app is up."""
        styles_cache_fix.install()
        super().__init__()
        self.library = library
        self.highlights = highlights
        self.notices = list(notices)
        self._store_notices = _StoreNotices(self)
        self._texts_asked_for: set[str] = set()
        """Articles whose missing text was fetched again (once per run is enough)."""
        self.environ: Mapping[str, str] = os.environ if environ is None else environ
        """The environment that says whether a browser here would be seen (tui.links)."""
        self.launcher = Launcher()
        self.stopped_for: str | None = None
        """Why the app stopped by itself (damaged highlights), for the command to print."""

    def get_driver_class(self) -> type[Driver]:
        driver_class = super().get_driver_class()
        if sys.platform == "win32":
            return driver_class
        from textual.drivers.linux_driver import LinuxDriver

        from tui.quiet_driver import QuietLinuxDriver

        # Unless the environment chose another driver: an idle app does not wake.
        return QuietLinuxDriver if driver_class is LinuxDriver else driver_class

    @on(HighlightsUnreadable)
    def _highlights_unreadable(self, event: HighlightsUnreadable) -> None:
        # Never run without the user's highlights, and never touch the file: say why and stop.
        self.stopped_for = event.problem
        self.exit(return_code=1)

    def on_mount(self) -> None:
        self.push_screen(MainScreen(self.library, self.highlights))
        # What the store finds from now on (a file damaged while we run) is said too.
        logging.getLogger("broadsheet").addHandler(self._store_notices)
        for notice in self.notices:
            self.notify(notice, title="Damaged data found", severity="warning", timeout=20)

    def on_unmount(self) -> None:
        logging.getLogger("broadsheet").removeHandler(self._store_notices)

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Notify, never reading the message as markup and never passing a control character
        on: our messages carry feed titles, error texts and file paths from outside, and a
        "[" in them must show as a "[", an escape as nothing."""
        super().notify(
            strip_controls(message),
            title=display_line(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        report_failed_worker(self, event)

    def help_sections(self) -> list[tuple[str, list[BindingType]]]:
        """Every key, by where it works; the help screen and README list these."""
        # One meaning per key in each place: n and N move between an entity's mentions in
        # the reader and the sidebar, and mean next unread / read-unread in the list.
        main = [b for b in MainScreen.BINDINGS if not _binding_id(b).startswith("entities.")]
        mentions = [b for b in MainScreen.BINDINGS if _binding_id(b).startswith("entities.")]
        return [
            ("Everywhere", [*self.BINDINGS, *main, *_FOCUS_BINDINGS]),
            ("Article list", [*ArticleList.BINDINGS, *ListPane.BINDINGS]),
            ("Search bar (/)", list(SearchBar.BINDINGS)),
            ("Feeds view (Esc from the list)", list(FeedsView.BINDINGS)),
            ("Reader and entity sidebar", mentions),
            ("Reader", list(ArticleReader.BINDINGS)),
            ("Highlights screen", list(HighlightsScreen.BINDINGS)),
            ("Feeds screen", list(FeedsScreen.BINDINGS)),
            ("Note editor", list(NoteEditor.BINDINGS)),
            ("Entity sidebar", list(EntitySidebar.BINDINGS)),
            ("Entity page (Enter in the sidebar)", list(EntityPageScreen.BINDINGS)),
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
                "feeds: refresh", "Fetch every feed now", screen.action_refresh_feeds
            )
            yield SystemCommand(
                "feeds: show", "Feeds, their last success and last error", screen.action_show_feeds
            )
            yield SystemCommand(
                "view: highlights",
                "Every highlight across articles, newest first",
                screen.action_show_highlights,
            )
            yield SystemCommand(
                "view: feeds view",
                "All, Unread, Starred, folders and feeds, with unread counts",
                screen.show_views,
            )
            yield SystemCommand(
                "entities: today",
                "The most-named entities of the last 7 days, with the change from the 7 before",
                screen.show_top_entities,
            )
            yield from _search_commands(screen)
            yield SystemCommand(
                "feeds: import OPML", "Follow the feeds of an OPML file", screen.ask_opml_import
            )
            yield SystemCommand(
                "feeds: export OPML",
                "Write the feeds followed to the export folder as OPML",
                screen.export_opml,
            )
        for export_format in EXPORT_FORMATS:
            yield SystemCommand(
                f"export: {EXPORT_LABELS[export_format]}",
                f"Write every highlight to the export folder as {EXPORT_LABELS[export_format]}",
                lambda chosen=export_format: self.export_highlights(chosen, None),
            )

    # Links out: `o` opens where there is a local display and copies elsewhere; `y` copies.

    @on(OpenLinkRequested)
    def _open_link(self, event: OpenLinkRequested) -> None:
        link = self._link_or_say_why(event.url)
        if link is None:
            return
        if has_local_display(self.environ, sys.platform):
            self.open_in_browser(link)
        else:
            self.copy_to_clipboard(link)
            self.notify("Link copied to the clipboard (OSC 52)", title="No local browser")

    @on(CopyLinkRequested)
    def _copy_link(self, event: CopyLinkRequested) -> None:
        link = self._link_or_say_why(event.url)
        if link is not None:
            self.copy_to_clipboard(link)
            self.notify("Link copied to the clipboard (OSC 52)")

    def _link_or_say_why(self, url: str | None) -> str | None:
        if not url:
            self.notify("This article has no link", severity="warning")
            return None
        link = usable_link(url)
        if link is None:
            self.notify("This article's link is not a plain http(s) link", severity="warning")
        return link

    @work(thread=True, group="links", exit_on_error=False, description="open a link")
    def open_in_browser(self, link: str) -> None:
        """Start the browser on ``link`` (it is not waited for) and say how that went."""
        try:
            browser = load_settings(self.library.paths).browser
        except StoreError as problem:
            self.call_from_thread(
                self.notify, str(problem), title="Settings", severity="error", timeout=10
            )
            return
        not_started = self.launcher.start(opener_command(link, browser, sys.platform))
        if not_started is None:
            self.call_from_thread(self.notify, "Opened in the browser")
        else:
            self.call_from_thread(
                self.notify, not_started, title="Not opened", severity="error", timeout=10
            )

    # A missing text: fetched again where it came from, its highlights kept meanwhile.

    @on(ArticleReader.TextMissing)
    def _text_missing(self, event: ArticleReader.TextMissing) -> None:
        article, reader = event.article, event.reader
        if article.id in self._texts_asked_for:
            status = "It could not be fetched again (see the notification); press t to try."
        elif not self.library.writable:
            status = "This home is read-only, so it cannot be fetched again here."
        elif not (article.feed_id or article.url):
            status = f"It cannot be fetched again: {missing_text_advice(article)}."
        else:
            self._texts_asked_for.add(article.id)
            self.fetch_text_again(article, reader)
            return
        reader.say_missing_text(article.id, status)

    @work(thread=True, group="missing-text", exit_on_error=False, description="fetch a text")
    def fetch_text_again(self, article: Article, reader: ArticleReader) -> None:
        before = highlighted_body_hashes(self.library, self.highlights)
        try:
            fetched = fetch_missing_text(self.library, article)
        except StoreError as problem:
            fetched_problem: str | None = str(problem)
        else:
            fetched_problem = fetched.problem
            # A text fetched from the page may differ from the one the highlights were made
            # on: they are placed again on it (orphans if they are not in it).
            reanchor_changed(self.library, self.highlights, before)
        if fetched_problem is None and fetched.article is not None:
            self.screen.post_message(ArticlesChanged([fetched.article]))
            self.screen.post_message(FullTextArrived(fetched.article))
            return
        why = f"The text of {article.title} could not be fetched again: {fetched_problem}"
        self.call_from_thread(self.notify, why, title="Text missing", severity="warning")
        self.call_from_thread(
            reader.say_missing_text, article.id, f"It could not be fetched again: {fetched_problem}"
        )

    @on(HighlightsScreen.ExportRequested)
    def _export_shown(self, event: HighlightsScreen.ExportRequested) -> None:
        self.export_highlights(event.export_format, event.highlights)

    @work(thread=True, group="export", exit_on_error=False, description="export highlights")
    def export_highlights(
        self, export_format: ExportFormat, highlights: list[Highlight] | None
    ) -> None:
        """Export (all highlights when ``highlights`` is None) and say where the file went."""
        folder = self.library.paths.exports_dir
        try:
            chosen = self.highlights.all() if highlights is None else highlights
            if not chosen:
                self.call_from_thread(
                    self.notify, "There are no highlights to export yet", severity="warning"
                )
                return
            folder = load_settings(self.library.paths).export_dir
            articles = {article.id: article for article in self.library.articles()}
            # The user's entity corrections travel with a JSON export, as from the CLI.
            corrections = (
                exported_corrections(self.library.paths) if export_format == "json" else []
            )
            target = export_to_folder(
                export_format, chosen, folder, articles, corrections=corrections
            )
        except StoreError as problem:
            self.call_from_thread(
                self.notify, str(problem), title="Export failed", severity="error", timeout=10
            )
            return
        except OSError as problem:
            # Name the folder (settings.toml's export_dir), not a temporary file inside it.
            message = f"cannot write to {folder}: {problem.strerror or problem}"
            self.call_from_thread(
                self.notify, message, title="Export failed", severity="error", timeout=10
            )
            return
        count = f"{len(chosen)} highlight{'s' if len(chosen) != 1 else ''}"
        home = self.library.paths.home
        # A path inside the home reads better short at 80 columns.
        if target.is_relative_to(home):
            target = target.relative_to(home)
        self.call_from_thread(
            self.notify, f"Exported {count} to {target}", title="Exported", timeout=8
        )


class _StoreNotices(logging.Handler):
    """What the store says about damage (:mod:`store.recovery`), as notifications."""

    def __init__(self, app: BroadsheetApp) -> None:
        super().__init__(logging.WARNING)
        self.app = app

    def emit(self, record: logging.LogRecord) -> None:
        show = partial(
            self.app.notify,
            record.getMessage(),
            title="Damaged data found",
            severity="warning",
            timeout=20,
        )
        try:
            self.app.call_from_thread(show)  # from a worker
        except RuntimeError:
            show()  # on the event loop already


def _search_commands(screen: MainScreen) -> Iterable[SystemCommand]:
    yield SystemCommand(
        "search: find articles",
        'Words, "phrases", feed:, tag:, entity:, is:unread, newer:7d… (the / key)',
        screen.action_search,
    )
    if screen.search_open:
        yield SystemCommand(
            "search: save this search",
            "Keep the search bar's query, listed beside the feeds with its unread count",
            screen.save_search,
        )
    for saved in screen.saved_searches:
        # The palette reads titles as markup: a name or query may hold a "[".
        name, query = escape(display_line(saved.name)), escape(display_line(saved.query))
        yield SystemCommand(
            f"search: delete saved search {name}",
            f"Forget the saved search {query} (its articles stay)",
            partial(screen.ask_delete_saved_search, saved.name),
        )


EXPORT_LABELS: dict[ExportFormat, str] = {
    "markdown": "Markdown",
    "json": "W3C Web Annotation JSON",
    "csv": "Readwise CSV",
}

# Textual's own focus keys, listed so that the help screen is complete.
_FOCUS_BINDINGS: list[BindingType] = [
    Binding("tab", "app.focus_next", "Next pane"),
    Binding("shift+tab", "app.focus_previous", "Previous pane"),
    Binding("ctrl+p", "app.command_palette", "Command palette"),
]


def _binding_id(binding: BindingType) -> str:
    return (binding.id or "") if isinstance(binding, Binding) else ""
