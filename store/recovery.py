"""Damaged files and damaged records: what can still be read, and saying so.

A file of ours can be damaged from outside (a disk that filled, a copy cut short, an editor):
cut off, emptied, or holding a record of the wrong shape. What it held is the user's
(articles they saved, read, starred or highlighted; the feeds they follow), so it is never
read as empty and never dropped in silence:

- :func:`salvage_documents` reads back every whole record of a damaged TinyDB file;
- :func:`check_fields` tells a record a version of Broadsheet could have written from one
  it could not (a title that is a number, a missing id), so that one bad record is skipped,
  named, and kept in its file, while the rest load;
- :func:`say` tells the user, through the ``broadsheet`` logger: the command line prints
  what it hears there, and the app shows it as a notification. A module of ``store`` does
  not know which front it serves.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import types
import typing
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

LOG = logging.getLogger("broadsheet")

_DOCUMENT_START = re.compile(r'"\d+"\s*:\s*(?=\{)')
"""Where a TinyDB document starts: its id as a JSON key, then an object."""
_DECODER = json.JSONDecoder()
_GOOD_SHAPES: dict[type, set[tuple[tuple[str, ...], tuple[type, ...]]]] = {}
"""Per class, the shapes of records that passed :func:`check_fields` (few: one per version
of Broadsheet that wrote them, give or take optional fields)."""
_SHAPES_KEPT = 256


def say(message: str) -> None:
    """Tell the user about damage found (and what was done about it)."""
    LOG.warning(message)


def salvage_documents(raw: bytes) -> list[dict[str, Any]]:
    """The documents that can still be read from a damaged TinyDB file, in file order.

    A file cut short loses only the record it was cut in; bytes damaged in the middle lose
    the records they fall in, and reading picks up again at the next document. Only what a
    caller's own checks accept should be kept: this reads JSON objects, nothing more."""
    text = raw.decode("utf-8", errors="replace")
    documents: list[dict[str, Any]] = []
    position = 0
    while (found := _DOCUMENT_START.search(text, position)) is not None:
        try:
            value, end = _DECODER.raw_decode(text, found.end())
        except ValueError:
            position = found.end() + 1
            continue
        if isinstance(value, dict):
            documents.append(value)
        position = end
    return documents


def check_fields(cls: type, record: dict[str, Any]) -> None:
    """ValueError, naming the field, when a field the dataclass ``cls`` requires is missing
    or one it declares holds a value of a type it could not have been written with (a title
    that is a number, tags that are text). Fields it does not know are left alone, as
    :func:`store.models.construct_known` leaves them."""
    # The usual case: a record shaped (field names and value types) as one already checked
    # (50,000 articles: ~20 ms, where checking each field of each took ~90).
    shape = (tuple(record), tuple(map(type, record.values())))
    known = _GOOD_SHAPES.setdefault(cls, set())
    if shape in known:
        return
    required = _required(cls)
    for name in required:
        if name not in record:
            raise ValueError(f"it has no {name}")
    allowed = _field_types(cls)
    for name, value in record.items():
        types_allowed = allowed.get(name)
        if types_allowed is None or type(value) in types_allowed:
            if type(value) in (list, tuple) and name in _text_lists(cls):
                for item in value:
                    if type(item) is not str:
                        raise ValueError(f"{name} holds {_shown(item)}, not text")
            continue
        raise ValueError(f"{name} is {_shown(value)}, not {_described(types_allowed)}")
    # Lists of text are looked at item by item every time: their shape says nothing of those.
    if len(known) < _SHAPES_KEPT and not any(
        type(record.get(name)) in (list, tuple) for name in _text_lists(cls)
    ):
        known.add(shape)


def say_damaged_record(path: Path, document_id: str, record: object, reason: str) -> None:
    say(
        f"{path}: record {document_id} ({record_label(record)}) cannot be read ({reason}); it "
        "is skipped, and kept in the file as it is"
    )


def record_label(record: object, key: str = "id") -> str:
    """How a record is named in a message: its id if it has one."""
    if isinstance(record, dict) and isinstance(record.get(key), str):
        return f"{key} {_shown(record[key])}"
    return "without an id"


def relative_name(path: Path, home: Path) -> str:
    return str(path.relative_to(home)) if path.is_relative_to(home) else str(path)


def _shown(value: object) -> str:
    text = json.dumps(value, ensure_ascii=True)
    return text if len(text) <= 40 else text[:39] + "…"


def _described(allowed: tuple[type, ...]) -> str:
    names = {str: "text", int: "a number", bool: "true or false", list: "a list",
             tuple: "a list", type(None): "null"}  # fmt: skip
    return " or ".join(dict.fromkeys(names.get(kind, kind.__name__) for kind in allowed))


@cache
def _required(cls: type) -> tuple[str, ...]:
    return tuple(
        f.name
        for f in dataclasses.fields(cls)
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    )


@cache
def _field_types(cls: type) -> dict[str, tuple[type, ...]]:
    """The JSON types each field of ``cls`` may hold (fields of other types go unchecked)."""
    checked: dict[str, tuple[type, ...]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        allowed = _json_types(hint)
        if allowed is not None:
            checked[name] = allowed
    return checked


@cache
def _text_lists(cls: type) -> frozenset[str]:
    """Fields declared ``tuple[str, ...]``: stored as lists, each item text."""
    return frozenset(
        name
        for name, hint in typing.get_type_hints(cls).items()
        if typing.get_origin(hint) is tuple and typing.get_args(hint) == (str, ...)
    )


def _json_types(hint: Any) -> tuple[type, ...] | None:
    if hint in (str, int, bool, type(None)):
        return (hint,)
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        parts = [_json_types(arg) for arg in typing.get_args(hint)]
        if any(part is None for part in parts):
            return None
        return tuple(kind for part in parts if part is not None for kind in part)
    if origin is tuple and typing.get_args(hint) == (str, ...):
        return (list, tuple, type(None))  # None: read as no items
    if origin is typing.Literal:
        return tuple(dict.fromkeys(type(arg) for arg in typing.get_args(hint)))
    return None  # e.g. entity summaries: the model's own decoding checks those


def first_lines(messages: Sequence[str], limit: int = 5) -> list[str]:
    """At most ``limit`` messages, then how many more there were."""
    shown = list(messages[:limit])
    if len(messages) > limit:
        shown.append(f"… and {len(messages) - limit} more")
    return shown
