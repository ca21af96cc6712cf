"""What the main screen's workers report. Workers never touch widgets or screen state: they
post one of these to the screen, and its handlers change state on the event loop. Those
bubble that are for the app: damaged highlights, and the links the list and the reader
ask to open or copy."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from store.annotations import Highlight
from store.feeds import Feed
from store.models import Article, Mention


@dataclass
class ArticlesLoaded(Message, bubble=False):
    """The library's articles, newest first."""

    articles: list[Article]


@dataclass
class HighlightsUnreadable(Message):
    """The highlights could not be read (a damaged file): the app stops rather than run
    without them. The one message here that bubbles, to the app."""

    problem: str


@dataclass
class FeedsLoaded(Message, bubble=False):
    """The feeds followed, for the feeds view (read after the articles, and again after a
    refresh or another process's changes)."""

    feeds: list[Feed]


class EntityCatalogReady(Message, bubble=False):
    """The entity catalog describes the shards as they are: entity filters can ask it."""


@dataclass
class ArticlesChanged(Message, bubble=False):
    """Articles that were updated, added or removed (here or by another process)."""

    updated: list[Article]
    removed: set[str] = field(default_factory=set)


@dataclass
class ArticleLoaded(Message, bubble=False):
    """A worker read an article's body, mentions and highlights."""

    article: Article
    body: str
    mentions: list[Mention]
    highlights: list[Highlight]
    go_to: int | None = None
    """A body offset to put the reading cursor on (opening at a highlight)."""
    text_missing: bool = False
    """The store has no text for it (``body`` is empty): the reader says so."""


@dataclass
class HighlightsSaved(Message, bubble=False):
    """A highlight change is on disk; ``message`` says what happened, for the user."""

    message: str
    edit_note_of: Highlight | None = None


class HighlightsTouched(Message, bubble=False):
    """Another process changed highlights: counts and the reader's may be out of date."""


@dataclass
class RefreshEvery(Message, bubble=False):
    """The settings' refresh interval in minutes (0: no timer)."""

    minutes: int


@dataclass
class FullTextArrived(Message, bubble=False):
    """An article's full text is stored (from its page)."""

    article: Article


@dataclass
class OpenLinkRequested(Message):
    """Open an article's link (as stored; None when it has none): in a browser where there is
    a local display, else copied. From the list or the reader, for the app."""

    url: str | None


@dataclass
class CopyLinkRequested(Message):
    """Copy an article's link to the clipboard (OSC 52). From the list or the reader."""

    url: str | None
