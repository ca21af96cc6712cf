"""The records Broadsheet keeps, as frozen dataclasses with a plain-dict form for storage."""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal, NamedTuple, TypeVar, cast

T = TypeVar("T")

EntityLabel = Literal["PERSON", "PLACE", "ORG", "OTHER"]
ENTITY_LABELS: tuple[EntityLabel, ...] = ("PERSON", "PLACE", "ORG", "OTHER")
ENTITY_GROUP_TITLES: dict[EntityLabel, str] = {
    "PERSON": "People",
    "PLACE": "Places",
    "ORG": "Organisations",
    "OTHER": "Other",
}


@dataclass(frozen=True, slots=True)
class Mention:
    """One place where a text names an entity; offsets index the canonical text."""

    start: int
    end: int
    text: str
    label: EntityLabel
    key: str
    """The canonical entity this mention belongs to (e.g. "Sanae Takaichi" for "Takaichi")."""
    role: str | None = None
    """A title or role that preceded the name ("US President"), kept out of the name."""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return construct_known(cls, data)


class EntitySummary(NamedTuple):
    """One entity as an article's sidebar shows it: its name, kind and how often it appears.

    A named tuple rather than a frozen dataclass: loading 50,000 articles builds about a
    million of these, and a tuple is built several times faster."""

    key: str
    label: EntityLabel
    count: int  # type: ignore[assignment]  # shadows tuple.count: the JSON field is "count"
    first: int
    """Offset of the first mention, for ordering by salience."""
    in_title: bool = False

    def to_dict(self) -> dict[str, Any]:
        return self._asdict()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntitySummary:
        try:
            # tuple.__new__ directly: the generated __new__ with keywords costs twice as much.
            return tuple.__new__(
                cls,
                (data["key"], data["label"], data["count"], data["first"], data["in_title"]),
            )
        except KeyError:
            return cls(**{key: value for key, value in data.items() if key in cls._fields})


@dataclass(frozen=True, slots=True)
class Article:
    """An article's metadata. Its canonical body lives apart, addressed by ``body_hash``."""

    id: str
    title: str
    body_hash: str
    source: str = ""
    url: str | None = None
    author: str | None = None
    published: str | None = None
    """ISO 8601, as the source gave it (normalised to UTC when a time zone was known)."""
    added: str = ""
    standfirst: str = ""
    word_count: int = 0
    title_derived: bool = False
    """True when the source had no headline and one was made from the text."""
    credit: str | None = None
    feed_id: str | None = None
    guid: str | None = None
    origin: str | None = None
    """Where the article came from: a seed file's path or the URL it was fetched from."""
    read: bool = False
    starred: bool = False
    entities: tuple[EntitySummary, ...] = field(default=())
    entities_version: int = 0

    def to_dict(self) -> dict[str, Any]:
        # Field by field rather than dataclasses.asdict, which deep-copies every value and is
        # most of the cost of writing 50,000 articles.
        data = {name: getattr(self, name) for name in _field_names(Article)}
        data["entities"] = [summary._asdict() for summary in self.entities]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        values = dict(data)
        values["entities"] = tuple(
            EntitySummary.from_dict(item) for item in data.get("entities") or ()
        )
        return construct_known(cls, values)

    @property
    def sort_key(self) -> str:
        """Newest first sorts on this, descending: published date, else when it was added."""
        return self.published or self.added


@cache
def _field_names(cls: Any) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


def construct_known(cls: type[T], data: dict[str, Any]) -> T:
    """``cls(**data)``, leaving out keys a newer (or older) version of Broadsheet wrote that
    this one does not know. Loading 50,000 articles builds a million of these, so the usual
    case takes the direct path."""
    try:
        return cls(**data)
    except TypeError:
        names = _field_names(cast(Hashable, cls))
        return cls(**{key: value for key, value in data.items() if key in names})
