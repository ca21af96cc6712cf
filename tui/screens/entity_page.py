"""An entity's page: its name, label and aliases, its mentions over time, the articles that
name it, who is named alongside it, and its highlights (issue 16).

Everything is read in workers (:func:`store.entities.page.entity_page` from the catalog, the
first sentences only for the rows near the cursor) and reported with the messages of
:mod:`tui.messages`; the screen says "loading" meanwhile. Enter on a co-mentioned entity moves
to its page, Esc or Backspace back. The page is also where an entity is followed and where
the user corrects it (hide, relabel, merge): each written through the store before it is said.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import OptionList, Sparkline, Static
from textual.widgets.option_list import Option

from store.annotations import Highlight, HighlightStore
from store.db import StoreError
from store.entities.correction_store import Change, CorrectionStore
from store.entities.follow import follow_entity, followed_entities, unfollow_entity
from store.entities.page import (
    EntityHighlight,
    EntityPage,
    PageArticle,
    article_details,
    entity_highlights,
    entity_page,
)
from store.library import Library
from store.listing import catch_up_catalog
from store.models import ENTITY_LABELS, EntityLabel
from store.text import display_line
from tui.messages import (
    EntitiesCorrected,
    EntityCorrected,
    EntityFollowChanged,
    EntityPageBuilt,
    EntityPageRefused,
    EntitySentencesFound,
    FollowedEntitiesChanged,
)
from tui.screens.ask import AskLine
from tui.screens.highlights import highlight_prompt
from tui.widgets.footer import LeanFooter

SENTENCE_ROWS = 24
"""Articles whose first sentence is read at a time: about a screenful at 160x48."""
SENTENCE_CHARS = 160
LABEL_WORDS: dict[str, EntityLabel] = {
    "person": "PERSON",
    "people": "PERSON",
    "place": "PLACE",
    "org": "ORG",
    "organisation": "ORG",
    "organization": "ORG",
    "other": "OTHER",
}
LABEL_NAMES: dict[EntityLabel, str] = {
    "PERSON": "person",
    "PLACE": "place",
    "ORG": "organisation",
    "OTHER": "other",
}


@dataclass(frozen=True)
class OpenArticle:
    """Open this article in the reader."""

    article_id: str


@dataclass(frozen=True)
class OpenHighlight:
    """Open the article at this highlight."""

    highlight: Highlight


@dataclass(frozen=True)
class ShowArticlesOf:
    """Show only the articles naming this entity in the list."""

    key: str
    label: EntityLabel


EntityPageChoice = OpenArticle | OpenHighlight | ShowArticlesOf


class EntityPageScreen(Screen[EntityPageChoice | None]):
    """One entity's page; Enter on an article opens it, on another entity moves to its page."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,backspace", "back", "Back", id="entity_page.back"),
        Binding("f", "show_articles", "Its articles in the list", id="entity_page.filter"),
        Binding("plus", "follow", "Follow", id="entity_page.follow", key_display="+"),
        Binding("minus", "unfollow", "Unfollow", id="entity_page.unfollow", key_display="-"),
        Binding("h", "hide", "Hide / show again", id="entity_page.hide", show=False),
        Binding("r", "relabel", "Relabel (asks the label)", id="entity_page.relabel", show=False),
        Binding(
            "m", "merge", "Merge into another (asks its name)", id="entity_page.merge", show=False
        ),
        Binding("j", "cursor('down')", "Next row", id="entity_page.next", show=False),
        Binding("k", "cursor('up')", "Previous row", id="entity_page.previous", show=False),
    ]

    def __init__(
        self, library: Library, highlights: HighlightStore, key: str, *, owner: MessagePump
    ) -> None:
        """``owner``: the main screen, told when the saved searches or corrections change."""
        super().__init__()
        self.library = library
        self.highlight_store = highlights
        self.key = key
        self.owner = owner
        self.page: EntityPage | None = None
        self.followed = False
        self.sentences: dict[str, str] = {}
        self._asked: set[str] = set()
        """Articles whose sentence was asked for (or found)."""
        self._highlights: list[EntityHighlight] = []
        self._history: list[str] = []
        """The pages moved on from (Esc goes back to the last)."""

    def compose(self) -> ComposeResult:
        with Vertical(id="entity-page-body"):
            yield Static(id="entity-heading")
            yield Sparkline([], id="entity-timeline")
            yield Static(id="entity-timeline-caption")
            with Horizontal(id="entity-page-columns"):
                yield OptionList(id="entity-articles")
                with Vertical(id="entity-page-side"):
                    yield OptionList(id="entity-company")
                    yield OptionList(id="entity-highlights")
        yield LeanFooter()

    def on_mount(self) -> None:
        self.query_one("#entity-articles", OptionList).border_title = "Articles naming it"
        self.query_one("#entity-company", OptionList).border_title = "Named alongside"
        self.query_one("#entity-highlights", OptionList).border_title = "Highlights and notes"
        self._load(self.key)

    # Building the page

    def _load(self, key: str) -> None:
        self.key = key
        self.page = None
        self.sentences, self._asked, self._highlights = {}, set(), []
        self.query_one("#entity-heading", Static).update(
            Text.assemble(display_line(key), (" · loading…", "dim"))
        )
        self.query_one("#entity-timeline-caption", Static).update("")
        self.query_one(Sparkline).data = []
        for listing in self.query(OptionList):
            listing.clear_options()
        self.refresh_bindings()
        self.build_page(key)

    @work(
        thread=True,
        exclusive=True,
        group="entity-page",
        exit_on_error=False,
        description="build an entity page",
    )
    def build_page(self, key: str) -> None:
        library = self.library
        try:
            catch_up_catalog(library.catalog, library.paths)
            page = entity_page(library.catalog, key)
            shown = page.articles[:SENTENCE_ROWS]
            details = article_details(
                page, shown, library.bodies.read, library.mentions.mentions,
                library.catalog.corrections(),
            )  # fmt: skip
            folded = page.key.casefold()
            followed = any(f.key.casefold() == folded for f in followed_entities(library.paths))
        except StoreError as problem:
            self.post_message(EntityPageRefused(key, str(problem)))
            return
        every = self.highlight_store.all() if self.highlight_store.loaded else []
        highlights = entity_highlights(every, page, details.spellings)
        # Those whose quote or note names it first, each kind in the page's order.
        highlights.sort(key=lambda each: not each.names_it)
        self.post_message(EntityPageBuilt(page, details.sentences, highlights, followed))

    @on(EntityPageRefused)
    def _refused(self, event: EntityPageRefused) -> None:
        if event.key != self.key:
            return
        self.query_one("#entity-heading", Static).update(
            Text.assemble(display_line(event.key), (" · cannot be shown", "bold"))
        )
        self.notify(event.problem, title="Entity page", severity="error", timeout=10)

    @on(EntityPageBuilt)
    def _built(self, event: EntityPageBuilt) -> None:
        page = event.page
        if page.key != self.library.catalog.corrections().canonical(self.key):
            return  # a page asked for before the one now wanted
        self.key = page.key
        self.page = page
        self.followed = event.followed
        self.sentences = dict(event.sentences)
        self._asked = set(event.sentences)
        self._highlights = event.highlights
        self._show_heading()
        self._show_timeline()
        self._show_articles()
        self._show_company()
        self._show_highlights()
        self.refresh_bindings()
        articles = self.query_one("#entity-articles", OptionList)
        articles.focus()
        if articles.option_count:
            articles.highlighted = 0

    def _show_heading(self) -> None:
        page = self.page
        if page is None:
            return
        marks = [LABEL_NAMES[page.label]]
        if page.hidden:
            marks.append("hidden")
        if self.followed:
            marks.append("followed")
        heading = Text.assemble((display_line(page.key), "bold"), (f"  {' · '.join(marks)}", "dim"))
        count = len(page.articles)
        heading.append(
            f"\n{page.mentions} mention{'s' if page.mentions != 1 else ''} in "
            f"{count} article{'s' if count != 1 else ''}"
        )
        if page.aliases:
            heading.append("  also: ", style="dim")
            heading.append(", ".join(display_line(alias) for alias in page.aliases))
        self.query_one("#entity-heading", Static).update(heading)

    def _show_timeline(self) -> None:
        page = self.page
        if page is None:
            return
        timeline = page.timeline
        self.query_one(Sparkline).data = [float(count) for count in timeline.counts]
        if not timeline.counts:
            caption = "No dated articles"
        else:
            dates = timeline.dates()
            caption = (
                f"Mentions by {timeline.bucket}, {dates[0].isoformat()} to "
                f"{dates[-1].isoformat()} · most in a {timeline.bucket}: {max(timeline.counts)}"
            )
        self.query_one("#entity-timeline-caption", Static).update(Text(caption, style="dim"))

    def _show_articles(self) -> None:
        page = self.page
        listing = self.query_one("#entity-articles", OptionList)
        listing.clear_options()
        if page is None:
            return
        if not page.articles:
            listing.add_option(
                Option(Text("No article names it", style="dim italic"), disabled=True)
            )
            return
        listing.add_options(
            Option(self._article_prompt(article), id=f"a{index}")
            for index, article in enumerate(page.articles)
        )

    def _article_prompt(self, article: PageArticle) -> Text:
        prompt = Text.assemble(
            (article.date[:10], "dim"),
            (f"  {article.mentions}×  ", "bold"),
            display_line(article.title) or "(untitled)",
        )
        sentence = self.sentences.get(article.id)
        if sentence is None:
            prompt.append("\n  …", style="dim")
        elif sentence:
            cut = " ".join(display_line(sentence).split())
            if len(cut) > SENTENCE_CHARS:
                cut = cut[: SENTENCE_CHARS - 1] + "…"
            prompt.append(f"\n  “{cut}”", style="italic")
        else:
            prompt.append("\n  (its text is missing)", style="dim")
        return prompt

    def _show_company(self) -> None:
        listing = self.query_one("#entity-company", OptionList)
        listing.clear_options()
        page = self.page
        if page is None:
            return
        if not page.co_mentions:
            listing.add_option(Option(Text("No one else", style="dim italic"), disabled=True))
            return
        for index, other in enumerate(page.co_mentions):
            prompt = Text.assemble(
                display_line(other.key),
                (f"  {LABEL_NAMES[other.label]}", "dim"),
                (f"  {other.articles}", "bold"),
            )
            listing.add_option(Option(prompt, id=f"c{index}"))

    def _show_highlights(self) -> None:
        listing = self.query_one("#entity-highlights", OptionList)
        listing.clear_options()
        if not self._highlights:
            listing.add_option(Option(Text("None yet", style="dim italic"), disabled=True))
            return
        listing.add_options(
            Option(highlight_prompt(each.highlight), id=f"h{index}")
            for index, each in enumerate(self._highlights)
        )

    # Sentences for the rows near the cursor

    @on(OptionList.OptionHighlighted, "#entity-articles")
    def _article_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        page = self.page
        if page is None or not page.articles:
            return
        wanted = [
            article
            for article in page.articles[event.option_index : event.option_index + SENTENCE_ROWS]
            if article.id not in self._asked
        ]
        if wanted:
            self._asked.update(article.id for article in wanted)
            self.find_sentences(page, wanted)

    @work(thread=True, group="entity-sentences", exit_on_error=False, description="sentences")
    def find_sentences(self, page: EntityPage, articles: list[PageArticle]) -> None:
        details = article_details(page, articles, self.library.bodies.read)
        self.post_message(EntitySentencesFound(page.key, details.sentences))

    @on(EntitySentencesFound)
    def _sentences_found(self, event: EntitySentencesFound) -> None:
        page = self.page
        if page is None or event.key != page.key:
            return
        self.sentences.update(event.sentences)
        listing = self.query_one("#entity-articles", OptionList)
        for index, article in enumerate(page.articles):
            if article.id in event.sentences:
                listing.replace_option_prompt(f"a{index}", self._article_prompt(article))

    # Moving about

    @on(OptionList.OptionSelected, "#entity-articles")
    def _open_article(self, event: OptionList.OptionSelected) -> None:
        if self.page is not None and self.page.articles:
            self.dismiss(OpenArticle(self.page.articles[event.option_index].id))

    @on(OptionList.OptionSelected, "#entity-company")
    def _move_to_other(self, event: OptionList.OptionSelected) -> None:
        if self.page is not None and self.page.co_mentions:
            self._history.append(self.page.key)
            self._load(self.page.co_mentions[event.option_index].key)

    @on(OptionList.OptionSelected, "#entity-highlights")
    def _open_highlight(self, event: OptionList.OptionSelected) -> None:
        if self._highlights:
            self.dismiss(OpenHighlight(self._highlights[event.option_index].highlight))

    def action_back(self) -> None:
        if self._history:
            self._load(self._history.pop())
        else:
            self.dismiss(None)

    def action_cursor(self, direction: str) -> None:
        focused = self.focused
        if isinstance(focused, OptionList):
            focused.action_cursor_down() if direction == "down" else focused.action_cursor_up()

    def action_show_articles(self) -> None:
        if self.page is not None:
            self.dismiss(ShowArticlesOf(self.page.key, self.page.label))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "follow":
            return self.page is not None and not self.followed
        if action == "unfollow":
            return self.page is not None and self.followed
        if action in ("hide", "relabel", "merge", "show_articles"):
            return self.page is not None
        return True

    # Following

    def action_follow(self) -> None:
        if self.page is not None:
            self.change_following(self.page.key, True)

    def action_unfollow(self) -> None:
        if self.page is not None:
            self.change_following(self.page.key, False)

    @work(thread=True, group="writes", exit_on_error=False, description="follow an entity")
    def change_following(self, key: str, follow: bool) -> None:
        paths = self.library.paths
        try:
            if follow:
                _, new = follow_entity(paths, key)
                said = f"Following {key}: in the feeds view" if new else f"Following {key} already"
            else:
                gone = unfollow_entity(paths, key)
                said = f"No longer following {key}" if gone else f"{key} was not followed"
        except StoreError as problem:
            self.notify(str(problem), title="Not changed", severity="error", timeout=10)
            return
        self.post_message(EntityFollowChanged(key, follow))
        self.owner.post_message(FollowedEntitiesChanged())
        self.notify(said, timeout=4)

    @on(EntityFollowChanged)
    def _follow_changed(self, event: EntityFollowChanged) -> None:
        if self.page is not None and event.key == self.page.key:
            self.followed = event.followed
            self._show_heading()
            self.refresh_bindings()

    # Corrections: each on disk before it is said

    def action_hide(self) -> None:
        if self.page is not None:
            self.correct(self.page.key, "hide" if not self.page.hidden else "unhide", "")

    def action_relabel(self) -> None:
        page = self.page
        if page is None:
            return

        def answered(text: str | None) -> None:
            if text is None or not text.strip():
                return
            label = LABEL_WORDS.get(text.strip().casefold())
            if label is None:
                self.notify(
                    f"Not a label: {text.strip()!r} (person, place, org or other)",
                    title="Not relabelled",
                    severity="error",
                )
                return
            self.correct(page.key, "relabel", label)

        question = f"Label {display_line(page.key)} as? person, place, org or other"
        self.app.push_screen(AskLine(question, placeholder=LABEL_NAMES[page.label]), answered)

    def action_merge(self) -> None:
        page = self.page
        if page is None:
            return

        def answered(text: str | None) -> None:
            if text is not None and text.strip():
                self.correct(page.key, "merge", " ".join(text.split()))

        question = f"Merge {display_line(page.key)} into which entity? (it is that one from now on)"
        self.app.push_screen(AskLine(question, placeholder="a name"), answered)

    @work(thread=True, group="writes", exit_on_error=False, description="correct an entity")
    def correct(self, key: str, kind: str, value: str) -> None:
        """``kind``: hide, unhide, relabel (``value`` the label) or merge (``value`` the
        name of the entity ``key`` becomes)."""
        shown = key
        try:
            if kind == "merge":
                found = self.library.catalog.resolve(value)
                if len(found) != 1:
                    why = (
                        f"{value!r} could be {', '.join(found)}: give the whole name"
                        if found
                        else f"no article names {value!r}"
                    )
                    self.notify(why, title="Not merged", severity="warning", timeout=10)
                    return
                shown = found[0]
            with CorrectionStore(self.library.paths) as store:
                if kind == "merge":
                    change = store.merge(shown, key)
                elif kind == "relabel":
                    label = _label(value)
                    if label is None:
                        return  # the question's answer was checked: a label
                    change = store.relabel(key, label)
                else:
                    change = store.hide(key, hidden=kind == "hide")
        except StoreError as problem:
            self.notify(str(problem), title="Not corrected", severity="error", timeout=10)
            return
        self.notify(_said(kind, key, shown, value, change), timeout=6)
        self.post_message(EntityCorrected(shown))
        self.owner.post_message(EntitiesCorrected())

    @on(EntityCorrected)
    def _corrected(self, event: EntityCorrected) -> None:
        self._load(event.key)


def _label(text: str) -> EntityLabel | None:
    return next((label for label in ENTITY_LABELS if label == text), None)


def _said(kind: str, key: str, other: str, value: str, change: Change) -> str:
    label = _label(value)
    word = LABEL_NAMES[label] if label is not None else value
    if change is Change.ALREADY:
        return {
            "merge": f"{key} is {other} already",
            "relabel": f"{key} is labelled {word} already",
            "hide": f"{key} is hidden already",
            "unhide": f"{key} is not hidden",
        }[kind]
    return {
        "merge": f"{key} is {other} from now on, everywhere (saved)",
        "relabel": f"{key} is labelled {word} from now on (saved)",
        "hide": f"{key} is hidden from the entity lists (saved; h on its page shows it again)",
        "unhide": f"{key} is shown again (saved)",
    }[kind]
