"""A highlight: a span of an article's canonical text, with a note, tags and a colour.

The fields follow the W3C Web Annotation Data Model: ``start``/``end`` are a
TextPositionSelector into the canonical text (see ``store.text``) and ``exact``/``prefix``/
``suffix`` a TextQuoteSelector, kept together so the highlight can be found again when the
text changes. ``body_hash`` names the text the selectors were last placed on; that body file
is never deleted, so even an orphan can still be shown in its original setting.
"""

from __future__ import annotations

import operator
import re
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from typing import Any, Literal, NoReturn

from store.models import construct_known
from store.text import clean_inline, display_line, short_repr, strip_controls

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
    """Tags compare case-insensitively and hold no spaces, '#' or control characters, so they
    survive as #tags (and print as what they say)."""
    cleaned = _TAG_SEPARATORS.sub("-", clean_inline(tag).casefold())
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


class InvalidHighlightError(ValueError):
    """A record (stored, or read from an import) is not a highlight; the message says why."""


def parse_timestamp(text: str) -> datetime:
    """An ISO 8601 date or date and time; one with an offset is converted to UTC (ValueError if
    it is not one, or if converting it leaves the calendar, as "0001-01-01T00:00+01:00" does)."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{text!r} is outside the calendar in UTC") from None


def utc_timestamp_of(text: str) -> str:
    """``text`` (an ISO 8601 date or date and time) in the form :func:`utc_timestamp` gives, so
    that timestamps from elsewhere sort among ours; one without an offset is taken as UTC."""
    moment = parse_timestamp(text).replace(tzinfo=UTC)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


MAX_OFFSET = 2**31 - 1
"""No article is two billion characters long: a larger offset is damage, not a position."""

# What a record may leave out: a record without "id", "article_id", "start", "end", "exact" or
# "created" is not a highlight, and one without "modified" was modified when it was created.
_DEFAULTS: dict[str, Any] = {
    "article_title": "",
    "article_url": None,
    "prefix": "",
    "suffix": "",
    "body_hash": "",
    "note": "",
    "tags": (),
    "colour": DEFAULT_COLOUR,
    "orphaned": False,
    "orphan_reason": None,
}
_TEXT_FIELDS: tuple[str, ...] = ("id", "article_id", "exact", "created", "modified")
_TEXT_FIELDS += ("article_title", "prefix", "suffix", "body_hash", "note")
_TEXTS = operator.itemgetter(*_TEXT_FIELDS)
_TEXT_OR_NONE = operator.itemgetter("article_url", "orphan_reason")
_ONLY_TEXT = {str}
_TEXT_OR_NOTHING = {str, type(None)}


def highlight_from_record(record: Mapping[str, Any]) -> Highlight:
    """The highlight a stored or imported record describes, each field checked
    (InvalidHighlightError says which is wrong, and how). Fields this version does not know
    are ignored, so a newer version's records still load.

    Loading 30,000 highlights runs this 30,000 times, so the types of the text fields are
    checked together (``set(map(type, …))`` runs in C) and looked at one by one only to say
    which is wrong."""
    values = {**_DEFAULTS, "modified": record.get("created"), **record}
    try:
        texts_sound = set(map(type, _TEXTS(values))) == _ONLY_TEXT
    except KeyError:
        texts_sound = False
    if not texts_sound or not set(map(type, _TEXT_OR_NONE(values))) <= _TEXT_OR_NOTHING:
        _explain_text_fields(record, values)
    start, end = values.get("start"), values.get("end")
    # bool is an int to Python, but true is not an offset.
    if type(start) is not int or type(end) is not int or not 0 <= start <= end <= MAX_OFFSET:
        _explain_offsets(record, values)
    if type(values["orphaned"]) is not bool:
        raise InvalidHighlightError(_wrong(record, "orphaned", "true or false"))
    tags = values["tags"] or ()
    if type(tags) not in (list, tuple) or not set(map(type, tags)) <= _ONLY_TEXT:
        raise InvalidHighlightError(_wrong(record, "tags", "a list of text"))
    values["tags"] = tuple(tags)
    colour = values["colour"] = values["colour"] or DEFAULT_COLOUR
    if colour not in COLOURS:
        raise InvalidHighlightError(
            _wrong(record, "colour", ", ".join(COLOURS[:-1]) + " or " + COLOURS[-1])
        )
    name = "created"
    try:
        parse_timestamp(values[name])
        name = "modified"
        parse_timestamp(values[name])
    except ValueError:
        raise InvalidHighlightError(_wrong(record, name, "an ISO 8601 date and time")) from None
    return construct_known(Highlight, values)


def cleaned(highlight: Highlight) -> Highlight:
    """The highlight with control characters and escape sequences taken out of its text, as
    everything from outside is before it is stored: its text is shown in terminals. Quotes
    and notes keep their lines; the canonical text they quote has no controls to match."""
    return replace(
        highlight,
        id=display_line(highlight.id),
        article_id=display_line(highlight.article_id),
        article_title=display_line(highlight.article_title),
        article_url=display_line(highlight.article_url or "") or None,
        exact=strip_controls(highlight.exact),
        prefix=strip_controls(highlight.prefix),
        suffix=strip_controls(highlight.suffix),
        body_hash=display_line(highlight.body_hash),
        note=strip_controls(highlight.note),
        tags=merge_tags(highlight.tags),
        orphan_reason=display_line(highlight.orphan_reason or "") or None,
    )


def _explain_text_fields(record: Mapping[str, Any], values: dict[str, Any]) -> NoReturn:
    for name in _TEXT_FIELDS:
        if type(values.get(name)) is not str:
            raise InvalidHighlightError(_wrong(record, name, "text"))
    for name in ("article_url", "orphan_reason"):
        if values[name] is not None and type(values[name]) is not str:
            raise InvalidHighlightError(_wrong(record, name, "text"))
    raise AssertionError("the fields were found sound one by one but not together")


def _explain_offsets(record: Mapping[str, Any], values: dict[str, Any]) -> NoReturn:
    for name in ("start", "end"):
        if type(values.get(name)) is not int or not 0 <= values[name] <= MAX_OFFSET:
            raise InvalidHighlightError(
                _wrong(record, name, f"a whole number from 0 to {MAX_OFFSET}")
            )
    start, end = values["start"], values["end"]
    raise InvalidHighlightError(f"end = {end} comes before start = {start}")


def _wrong(record: Mapping[str, Any], name: str, expected: str) -> str:
    if name not in record:
        return f"no {name} field"
    return f"{name} = {short_repr(record[name])} (expected {expected})"


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
    def from_dict(cls, data: Mapping[str, Any]) -> Highlight:
        """The highlight ``data`` describes, checked (InvalidHighlightError if it is not one)."""
        return highlight_from_record(data)

    @property
    def reading_order(self) -> tuple[str, bool, int, int, str]:
        """Sort key: by article, placed before orphans, then by position in the text."""
        return (self.article_id, self.orphaned, self.start, self.end, self.id)
