"""Entities: the people, places and organisations an article names.

``extract(text)`` is the contract every backend keeps: mentions with character offsets into
the text given (for articles, the canonical text), a label and a canonical ``key`` shared by
every spelling of one entity. The default backend (``rules``) needs no model and no network;
``spacy`` uses an installed spaCy pipeline instead (see ``spacy_backend``).

Importing this package is cheap: gazetteers load on the first ``extract`` call.
"""

from __future__ import annotations

import sys
from typing import Literal

from store.entities.summary import summarize
from store.models import Mention

__all__ = [
    "BACKENDS",
    "EXTRACTOR_VERSION",
    "Backend",
    "current_backend",
    "extract",
    "stored_version",
    "summarize",
    "use_backend",
    "version_tag",
    "warm_up",
]

EXTRACTOR_VERSION = 7
"""Bumped whenever the default extractor's output changes; stored mentions and summaries made
by an older version are recomputed lazily."""
_BACKEND_SLOTS = 100

Backend = Literal["rules", "spacy"]
BACKENDS: tuple[Backend, ...] = ("rules", "spacy")
_backend: Backend = "rules"


def use_backend(backend: Backend) -> None:
    """Choose the extractor (a setting). ``spacy`` raises ``ImportError`` if it cannot load."""
    global _backend
    if backend not in BACKENDS:
        raise ValueError(f"unknown entity backend {backend!r}; choose one of {BACKENDS}")
    if backend == "spacy":
        from store.entities import spacy_backend

        spacy_backend.default_pipeline()
    _backend = backend


def current_backend() -> Backend:
    return _backend


def version_tag() -> str:
    """What stored mentions are keyed by: the version and the backend that made them."""
    return f"{EXTRACTOR_VERSION}:{_backend}"


def stored_version() -> int:
    """What a stored summary's ``entities_version`` is for the extractor in use: its version
    and backend in one number (301 for version 3 with spaCy), so that switching backends
    makes summaries stale just as a new version does, and the sidebar (summaries) never
    disagrees with the ``n``/``N`` jumps (mentions, keyed by ``version_tag``)."""
    return EXTRACTOR_VERSION * _BACKEND_SLOTS + BACKENDS.index(_backend)


def extract(text: str) -> list[Mention]:
    """Mentions of named entities in ``text``, in order of appearance."""
    if _backend == "spacy":
        from store.entities import spacy_backend

        return spacy_backend.extract_with_spacy(text)
    from store.entities.rules import extract_with_rules

    return extract_with_rules(text)


def forget_lookups() -> None:
    """Drop the names the extractor has looked up and remembered. A pass over many articles
    gains from remembering them (names recur across articles); an app that extracts one
    opened article at a time does not (its lookups take ~1 ms without), and would otherwise
    hold thousands of names it will not look up again: ~350 KB after a hundred articles.
    SQLite's cache of the gazetteer's pages goes too."""
    if _backend == "rules" and "store.entities.gazetteer" in sys.modules:
        from store.entities.gazetteer import loaded_gazetteer

        loaded = loaded_gazetteer()
        if loaded is not None:
            loaded.forget_lookups()


def warm_up() -> None:
    """Load the extractor and its data now (~20 ms, under 1 MB), e.g. in a thread once the
    app has painted, so the first ``extract`` does not stall on it."""
    if _backend == "rules":
        from store.entities.gazetteer import gazetteer
        from store.entities.rules import extract_with_rules

        gazetteer()
        extract_with_rules("")
