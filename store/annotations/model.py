"""A highlight: a span of an article's canonical text, with a note, tags and a colour.

The fields follow the W3C Web Annotation Data Model: ``start``/``end`` are a
TextPositionSelector into the canonical text (see ``store.text``) and ``exact``/``prefix``/
``suffix`` a TextQuoteSelector, kept together so the highlight can be found again when the
text changes. ``body_hash`` names the text the selectors were last placed on; that body file
is never deleted, so even an orphan can still be shown in its original setting.
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from store.models import construct_known

Colour = Literal["yellow", "green", "blue", "pink", "purple"]
COLOURS: tuple[Colour, ...] = ("yellow", "green", "blue", "pink", "purple")
"""In the order of the keys 1–5 that pick them in the reader."""
DEFAULT_COLOUR: Colour = "yellow"

ORPHAN_TEXT_CHANGED = "text changed"
ORPHAN_ARTICLE_DELETED = "article deleted"
ORPHAN_NOT_IN_LIBRARY = "article not in library"
ORPHAN_NOT_PLACED = "imported, not yet placed"

# A tag is "#" then word characters (letters, digits, _ / -), at least one of them a letter, so
# "#1" in "see point #1" stays prose. A "#" inside a word ("C#", "a#b") does not start a tag.
_HASHTAG = re.compile(r"(?<![\w#])#((?=[\w/-]*[^\W\d_])[\w][\w/-]*)")
_TAG_SEPARATORS = re.compile(r"[\s#,]+")


def new_highlight_id() -> str:
    return str(uuid.uuid4())


def utc_timestamp() -> str:
    """Now, as ISO 8601 UTC with milliseconds ("2025-01-31T09:15:02.123Z"): sorts as text."""
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def normalise_tag(tag: str) -> str:
    """Tags compare case-insensitively and hold no spaces or '#', so they survive as #tags."""
    cleaned = _TAG_SEPARATORS.sub("-", unicodedata.normalize("NFC", tag).strip().casefold())
    return cleaned.strip("-/")


def hashtags(note: str) -> list[str]:
    """The #tags written in a note, in order of first appearance."""
    return [match.group(1) for match in _HASHTAG.finditer(note)]


def merge_tags(*groups: Iterable[str]) -> tuple[str, ...]:
    """Normalised, de-duplicated tags, keeping the order they were first given in."""
    seen: dict[str, None] = {}
    for group in groups:
        for tag in group:
            normalised = normalise_tag(tag)
            if normalised:
                seen.setdefault(normalised, None)
    return tuple(seen)


def as_colour(value: str) -> Colour:
    if value not in COLOURS:
        raise ValueError(f"unknown colour {value!r} (choose from {', '.join(COLOURS)})")
    return value


@dataclass(frozen=True, slots=True)
class Highlight:
    id: str
    article_id: str
    article_title: str
    """A copy of the headline, so an orphan still says where it came from."""
    article_url: str | None
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str
    body_hash: str
    created: str
    modified: str
    note: str = ""
    tags: tuple[str, ...] = field(default=())
    colour: Colour = DEFAULT_COLOUR
    orphaned: bool = False
    orphan_reason: str | None = None
    """Why it could not be placed (ORPHAN_TEXT_CHANGED, ORPHAN_ARTICLE_DELETED, …)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["tags"] = list(self.tags)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Highlight:
        values = dict(data)
        values["tags"] = tuple(data.get("tags") or ())
        values["colour"] = as_colour(data.get("colour") or DEFAULT_COLOUR)
        return construct_known(cls, values)

    @property
    def reading_order(self) -> tuple[str, bool, int, int, str]:
        """Sort key: by article, placed before orphans, then by position in the text."""
        return (self.article_id, self.orphaned, self.start, self.end, self.id)
