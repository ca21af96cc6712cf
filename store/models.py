"""The records Broadsheet keeps, as frozen dataclasses with a plain-dict form for storage."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, Literal

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
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


@dataclass(frozen=True, slots=True)
class EntitySummary:
    """One entity as an article's sidebar shows it: its name, kind and how often it appears."""

    key: str
    label: EntityLabel
    count: int
    first: int
    """Offset of the first mention, for ordering by salience."""
    in_title: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> EntitySummary:
        return cls(**{f.name: data[f.name] for f in fields(cls) if f.name in data})


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
        data = asdict(self)
        data["entities"] = [summary.to_dict() for summary in self.entities]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in data.items() if key in known}
        values["entities"] = tuple(
            EntitySummary.from_dict(item) for item in data.get("entities") or ()
        )
        return cls(**values)

    @property
    def sort_key(self) -> str:
        """Newest first sorts on this, descending: published date, else when it was added."""
        return self.published or self.added
