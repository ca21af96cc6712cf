"""The records Broadsheet keeps, as frozen dataclasses with a plain-dict form for storage."""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, fields
from functools import cache
from typing import Any, Literal, NamedTuple, TypeVar, cast, overload

import orjson

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

    A named tuple rather than a frozen dataclass: a tuple is built several times faster, and
    the entity index unpacks about a million of them."""

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


_FIELD = "\x1f"
_RECORD = "\x1e"


class EntitySummaries(Sequence[EntitySummary]):
    """An article's entity summaries, packed in one string and unpacked when read.

    50,000 articles name about a million entities: as tuples they took ~100 MB and most of
    the time it took to load the cache, though only the article on show needs its own. The
    separators are control characters, which canonical text never contains."""

    __slots__ = ("packed",)

    def __init__(self, packed: str = "") -> None:
        self.packed = packed

    @classmethod
    def of(cls, summaries: Iterable[EntitySummary | dict[str, Any]]) -> EntitySummaries:
        if isinstance(summaries, EntitySummaries):
            return summaries
        records = []
        for summary in summaries:
            entity = summary if isinstance(summary, tuple) else EntitySummary.from_dict(summary)
            key, label, count, first, in_title = entity
            records.append(f"{key}{_FIELD}{label}{_FIELD}{count}{_FIELD}{first}{_FIELD}"
                           f"{int(in_title)}")  # fmt: skip
        return cls(_RECORD.join(records))

    def __iter__(self) -> Iterator[EntitySummary]:
        if not self.packed:
            return
        for record in self.packed.split(_RECORD):
            key, label, count, first, in_title = record.split(_FIELD)
            yield tuple.__new__(
                EntitySummary, (key, label, int(count), int(first), in_title == "1")
            )

    def as_dicts(self) -> list[dict[str, Any]]:
        """The JSON form, straight from the packed text (``list --json`` writes a million of
        these at 50,000 articles; through named tuples it took twice as long)."""
        if not self.packed:
            return []
        records = (record.split(_FIELD) for record in self.packed.split(_RECORD))
        return [
            {"key": key, "label": label, "count": int(count), "first": int(first),
             "in_title": in_title == "1"}
            for key, label, count, first, in_title in records
        ]  # fmt: skip

    @property
    def loaded(self) -> bool:
        """False for :data:`ENTITIES_NOT_LOADED`."""
        return self is not ENTITIES_NOT_LOADED

    def as_json(self) -> str:
        """The JSON text of :meth:`as_dicts`, made by string replacement rather than a
        million dicts: ``list --json`` at 50,000 articles spends a third of the time there."""
        return summaries_json(self.packed)

    def keys_and_labels(self) -> Iterator[tuple[str, str]]:
        """(key, label) of each, without building the summaries (the entity index's need)."""
        if not self.packed:
            return
        for record in self.packed.split(_RECORD):
            key, label, _ = record.split(_FIELD, 2)
            yield key, label

    def __len__(self) -> int:
        return self.packed.count(_RECORD) + 1 if self.packed else 0

    @overload
    def __getitem__(self, index: int) -> EntitySummary: ...
    @overload
    def __getitem__(self, index: slice) -> tuple[EntitySummary, ...]: ...
    def __getitem__(self, index: int | slice) -> EntitySummary | tuple[EntitySummary, ...]:
        return tuple(self)[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, EntitySummaries):
            return self.packed == other.packed
        if isinstance(other, tuple | list):
            return tuple(self) == tuple(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.packed)

    def __repr__(self) -> str:
        # Short: reprs of articles end up in logs and worker descriptions.
        keys = [key for key, _ in self.keys_and_labels()]
        return f"EntitySummaries({len(keys)}: {', '.join(keys[:3])}{'…' if len(keys) > 3 else ''})"


class EntitiesNotLoadedError(LookupError):
    """An article read without its entity summaries was asked for them."""


class _EntitiesNotLoaded(EntitySummaries):
    """The entities of an article read without them (``Library(keep_entities=False)``, as
    the app reads 50,000 articles): they stay on disk, the article is stored with them kept,
    and asking for them is a bug that says so rather than an empty sidebar."""

    __slots__ = ()

    def _refuse(self) -> EntitiesNotLoadedError:
        return EntitiesNotLoadedError("this article was read without its entity summaries")

    def __iter__(self) -> Iterator[EntitySummary]:
        raise self._refuse()

    def __len__(self) -> int:
        raise self._refuse()

    def as_dicts(self) -> list[dict[str, Any]]:
        raise self._refuse()

    def as_json(self) -> str:
        raise self._refuse()

    def keys_and_labels(self) -> Iterator[tuple[str, str]]:
        raise self._refuse()

    def __eq__(self, other: object) -> bool:
        return other is self

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return "ENTITIES_NOT_LOADED"

    def __reduce__(self) -> str:
        return "ENTITIES_NOT_LOADED"  # pickled (to a worker process) as the one instance


ENTITIES_NOT_LOADED: EntitySummaries = _EntitiesNotLoaded()


_NEEDS_ESCAPING = re.compile('[\x00-\x1d"\\\\]')
"""Characters JSON would escape (or that are not our separators): such a key takes the slow
path."""
_SUMMARY_JSON = '{"key":"%s","label":"%s","count":%s,"first":%s,"in_title":%s}'
_LABEL_SET = frozenset(ENTITY_LABELS)
_TRUE_FLAG, _TRUE_JSON = f"{_FIELD}1{_RECORD}", f"{_FIELD}true{_RECORD}"
_FALSE_FLAG, _FALSE_JSON = f"{_FIELD}0{_RECORD}", f"{_FIELD}false{_RECORD}"
_JSON_FLAGS = frozenset(("true", "false"))


@cache
def _summaries_template(count: int) -> str:
    return "[" + ",".join([_SUMMARY_JSON] * count) + "]"


def summaries_json(packed: str) -> str:
    """Packed summaries (see :class:`EntitySummaries`) as a JSON array of objects.

    When no field needs escaping (the checks below), the fields, split on both separators,
    fill a template of as many objects in one ``%``: at 50,000 articles that is a million
    entities formatted in C rather than a million dicts built in Python."""
    if not packed:
        return "[]"
    if _NEEDS_ESCAPING.search(packed) is None:
        # The in-title flag is the one field before a record separator (or the end).
        marked = (
            (packed + _RECORD).replace(_TRUE_FLAG, _TRUE_JSON).replace(_FALSE_FLAG, _FALSE_JSON)
        )
        values = marked.replace(_RECORD, _FIELD).split(_FIELD)
        del values[-1]  # after the last record's separator
        count, rest = divmod(len(values), 5)
        numbers = values[2::5] + values[3::5]
        if (
            rest == 0
            and _LABEL_SET.issuperset(values[1::5])
            and _JSON_FLAGS.issuperset(values[4::5])
            and "" not in numbers
            and "".join(numbers).isascii()
            and "".join(numbers).isdigit()
        ):
            return _summaries_template(count) % tuple(values)
    # A key with quotes or backslashes, or fields from another version.
    return orjson.dumps(EntitySummaries(packed).as_dicts()).decode()


PENDING_ENTITIES_VERSION = 0
"""The ``entities_version`` of an article whose entity summary is still to be made (a refresh
leaves it to :mod:`store.entities.pending`): no extractor's version, so it reads as stale."""


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
    entities: Sequence[EntitySummary] = field(default_factory=EntitySummaries)
    """Kept as :class:`EntitySummaries` whatever sequence it was given."""
    entities_version: int = PENDING_ENTITIES_VERSION

    def __post_init__(self) -> None:
        if not isinstance(self.entities, EntitySummaries):
            object.__setattr__(self, "entities", EntitySummaries.of(self.entities))

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON form (``list --json``): entities as a list of objects."""
        data = self.to_record()
        entities = self.entities
        data["entities"] = (
            entities.as_dicts()
            if isinstance(entities, EntitySummaries)
            else [summary._asdict() for summary in entities]
        )
        return data

    def to_record(self) -> dict[str, Any]:
        """The stored form: entities packed in one string."""
        # Field by field rather than dataclasses.asdict, which deep-copies every value and is
        # most of the cost of writing 50,000 articles.
        data = {name: getattr(self, name) for name in _field_names(Article)}
        entities = self.entities
        if entities is ENTITIES_NOT_LOADED:
            # Left out: whoever stores this keeps the summaries that are stored (TableFile).
            del data["entities"], data["entities_version"]
        else:
            data["entities"] = entities.packed if isinstance(entities, EntitySummaries) else ""
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Article:
        """From either form: packed entities (stored) or a list of objects (JSON, and what
        Broadsheet 0.1 stored)."""
        values = dict(data)
        entities = data.get("entities")
        if entities is None or isinstance(entities, str):
            values["entities"] = EntitySummaries(entities or "")
        elif not isinstance(entities, EntitySummaries):  # ENTITIES_NOT_LOADED stays itself
            values["entities"] = EntitySummaries.of(entities)
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
