"""The main screen's highlight writes: the reader asks, a worker writes durably, and only
then does the UI say it is saved.

A part of :class:`tui.screens.main.MainScreen`, kept apart so each file reads in one sitting.
Each handler reads what the change needs now, on the event loop; the worker gets values, never
widget state, so a change cannot land on another article than the one it was made on.
"""

from __future__ import annotations

from collections.abc import Callable

from textual import on, work
from textual.screen import Screen

from store.annotations import Highlight, HighlightStore
from store.db import StoreError
from store.models import Article
from tui.messages import HighlightsSaved, HighlightsTouched
from tui.screens.note_editor import NoteEditor
from tui.widgets.article_list import ArticleList
from tui.widgets.reader import ArticleReader


class HighlightWrites(Screen[None]):
    """Highlight changes from the reader, written by workers; counts and marks shown after."""

    highlight_store: HighlightStore
    current: Article | None

    @on(ArticleReader.HighlightRequested)
    def _add_highlight(self, event: ArticleReader.HighlightRequested) -> None:
        reader = self.query_one(ArticleReader)
        article, body = reader.document_view.article, reader.body
        if article is None:
            return
        start, end, colour = event.start, event.end, event.colour
        if not event.then_note:
            self.write_highlights(
                lambda store: store.add(article, body, start, end, colour), "Highlight saved"
            )
            return

        # `a` on text with no highlight: nothing is written until the note is saved, so a
        # cancelled note leaves no highlight behind (and nothing for `u` to undo).
        def save(note: str | None) -> None:
            if note is not None:
                self.write_highlights(
                    lambda store: store.add(article, body, start, end, colour, note=note),
                    "Highlight and note saved" if note else "Highlight saved",
                )

        self.app.push_screen(NoteEditor(body[start:end].strip()), save)

    @on(ArticleReader.NoteRequested)
    def _edit_note(self, event: ArticleReader.NoteRequested) -> None:
        self.open_note_editor(event.highlight)

    @on(ArticleReader.DeleteRequested)
    def _delete_highlight(self, event: ArticleReader.DeleteRequested) -> None:
        highlight_id = event.highlight.id
        self.write_highlights(
            lambda store: store.delete(highlight_id), "Highlight deleted (u undoes)"
        )

    @on(ArticleReader.RecolourRequested)
    def _recolour(self, event: ArticleReader.RecolourRequested) -> None:
        highlight_id, colour = event.highlight.id, event.colour
        self.write_highlights(
            lambda store: store.set_colour(highlight_id, colour), f"Highlight is now {colour}"
        )

    @on(ArticleReader.UndoRequested)
    def _undo(self) -> None:
        self.undo_highlight_change()

    def open_note_editor(self, highlight: Highlight) -> None:
        def save(note: str | None) -> None:
            if note is not None and note != highlight.note:
                self.write_highlights(
                    lambda store: store.set_note(highlight.id, note), "Note saved"
                )

        self.app.push_screen(NoteEditor(highlight), save)

    @work(thread=True, group="writes", exit_on_error=False, description="save a highlight change")
    def write_highlights(self, change: Callable[[HighlightStore], Highlight], done: str) -> None:
        try:
            change(self.highlight_store)
        except (StoreError, ValueError) as problem:
            self.notify(str(problem), title="Not saved", severity="error")
            return
        self.post_message(HighlightsSaved(done))

    @work(thread=True, group="writes", exit_on_error=False, description="undo a highlight change")
    def undo_highlight_change(self) -> None:
        try:
            undone = self.highlight_store.undo()
        except StoreError as problem:
            self.notify(str(problem), title="Not undone", severity="error")
            return
        self.post_message(HighlightsSaved(f"Undone: {undone}" if undone else "Nothing to undo"))

    @on(HighlightsSaved)
    def _highlights_saved(self, event: HighlightsSaved) -> None:
        self.notify(event.message, timeout=3)
        self.show_highlights_of(self.current)

    def show_highlights_of(self, article: Article | None) -> None:
        """Show current highlight counts and ``article``'s highlights (from memory: no I/O)."""
        store = self.highlight_store
        self.query_one(ArticleList).highlight_counts = store.counts_by_article()
        if article is not None and self.current is not None and self.current.id == article.id:
            placed = [h for h in store.for_article(article.id) if not h.orphaned]
            self.query_one(ArticleReader).highlights = placed

    @on(HighlightsTouched)
    def _highlights_touched(self) -> None:
        self.show_highlights_of(self.current)
