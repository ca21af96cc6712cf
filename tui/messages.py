"""What the main screen's workers report. Workers never touch widgets or screen state: they
post one of these to the screen, and its handlers change state on the event loop. Those
bubble that are for the app: damaged highlights, and the links the list and the reader
ask to open or copy."""

from __future__ import annotations

from dataclasses import dataclass, field

from textual.message import Message

from store.annotations import Highlight
from store.entities.page import EntityHighlight, EntityPage
from store.entities.top import TopEntities
from store.feeds import Feed
from store.models import Article, Mention
from store.saved_searches import SavedSearch
from store.search import Term
from store.structure import TextStructure
from store.views import View


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


@dataclass
class EntityCatalogReady(Message, bubble=False):
    """The entity catalog describes the shards as they are: entity filters can ask it."""

    summaries_stale: bool = False
    """Some articles' entity summaries are stale or still to be made."""


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
    structure: TextStructure | None = None
    """The body's blocks and links (paragraphs when None)."""


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


@dataclass
class SearchFound(Message, bubble=False):
    """What the search bar's query found, best first."""

    query: str
    """The query as typed (the handler drops results of a query no longer in the bar)."""
    article_ids: tuple[str, ...]
    terms: tuple[Term, ...]


@dataclass
class SearchRefused(Message, bubble=False):
    """The search bar's query cannot be read (or the index cannot be used): why."""

    query: str
    problem: str


@dataclass
class SearchIndexProgress(Message, bubble=False):
    """The search index is being brought up to date: how far (articles)."""

    done: int
    total: int


@dataclass
class SearchIndexReady(Message, bubble=False):
    """The search index describes the shards as they are (``problem``: it could not)."""

    problem: str | None = None


@dataclass
class SearchMarksFound(Message, bubble=False):
    """Where a search's words fall in an article's text, for the reader."""

    article_id: str
    terms: tuple[Term, ...]
    spans: list[tuple[int, int]]


@dataclass
class SavedSearchesLoaded(Message, bubble=False):
    """The saved searches as they are on disk (after a load, a save or a delete)."""

    searches: list[SavedSearch]


@dataclass
class SavedSearchesCounted(Message, bubble=False):
    """Each saved search's view with the articles it finds now."""

    members: dict[View, frozenset[str]]


# The entity page (tui.screens.entity_page) and the main screen's part that opens it


@dataclass
class EntityPageBuilt(Message, bubble=False):
    """An entity's page, read from the catalog, with the sentences of its first rows."""

    page: EntityPage
    sentences: dict[str, str]
    highlights: list[EntityHighlight]
    followed: bool


@dataclass
class EntityPageRefused(Message, bubble=False):
    """The page of ``key`` could not be built (the catalog busy or damaged): why."""

    key: str
    problem: str


@dataclass
class EntitySentencesFound(Message, bubble=False):
    """The first sentence naming the entity of more of its page's rows, by article id."""

    key: str
    sentences: dict[str, str]


@dataclass
class EntityFollowChanged(Message, bubble=False):
    """The entity is followed now (or not), durably."""

    key: str
    followed: bool


@dataclass
class EntityCorrected(Message, bubble=False):
    """A correction is on disk; the page shows ``key`` (the entity as corrected) next."""

    key: str


class FollowedEntitiesChanged(Message, bubble=False):
    """To the main screen: the saved searches changed (an entity followed or unfollowed)."""


class EntitiesCorrected(Message, bubble=False):
    """To the main screen: the user corrected the entities; the sidebar shows them again."""


@dataclass
class TopEntitiesFound(Message, bubble=False):
    """The most-named entities of the last days, for the "entities: today" screen."""

    top: TopEntities
