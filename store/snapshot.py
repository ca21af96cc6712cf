"""A quick-start copy of the metadata shards, for a library read without entity summaries.

The app reads 50,000 articles on every start. From the shards' JSON the library took 0.51 s
to load (a document parsed, checked and turned into an ``Article`` at a time); from this
copy, each shard's records as tuples in one ``marshal`` blob, it takes 0.19 s. The copy is
derived data:

- each shard's rows are kept with the signature (inode, size, mtime) of the shard file they
  were read from, and are used only while the shard still has that signature; any other
  shard is read from its JSON as before, so a shard another process rewrote is never
  read stale;
- read and starred state is not in it (it lives in its own journal and is laid on as the
  shards' records are), nor the entity summaries, which such a library leaves on disk;
- a file that is missing, damaged (its checksum), of another format or written by another
  Python (marshal's format is Python's own) reads as empty, and is written again.

``Library.keep_snapshot`` writes it again: a writer (a cron ``refresh``) when it closes, and
the app after its first paint when it read any shard from JSON, so the next start is quick.
"""

from __future__ import annotations

import contextlib
import marshal
import sys
import zlib
from collections.abc import Iterable
from dataclasses import fields
from pathlib import Path
from typing import Any

from store.atomic_files import write_atomically
from store.db import FileSignature
from store.models import Article, EntitySummaries

FORMAT = 1
"""Bumped when what a row holds changes."""

_LEFT_OUT = ("read", "starred", "entities")
ROW_FIELDS = tuple(field.name for field in fields(Article) if field.name not in _LEFT_OUT)
"""An article's fields as a row holds them, in this order."""

_HEADER = (FORMAT, sys.implementation.cache_tag, ROW_FIELDS)

Row = tuple[Any, ...]
ShardRows = tuple[FileSignature, list[Row]]


_ALL_FIELDS = tuple(field.name for field in fields(Article))
_SPLIT = _ALL_FIELDS.index(_LEFT_OUT[0])
# The fields left out sit together, in this order, so a row is split once to make an
# article (a loop over 19 fields per article would cost what this copy saves).
if _ALL_FIELDS[_SPLIT : _SPLIT + len(_LEFT_OUT)] != _LEFT_OUT:
    raise ImportError(f"Article's fields {_LEFT_OUT} must stay together, in this order")


def article_from_row(row: Row, read: bool, starred: bool, entities: EntitySummaries) -> Article:
    return Article(*row[:_SPLIT], read, starred, entities, *row[_SPLIT:])  # type: ignore[call-arg]


def article_row(article: Article) -> Row:
    return tuple(getattr(article, name) for name in ROW_FIELDS)


def read_snapshot(path: Path) -> dict[int, ShardRows]:
    """Each shard's rows with the signature of the file they came from ({} when the file
    is missing, damaged, or not of this format and Python)."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    checksum, payload = data[:4], data[4:]
    if len(checksum) < 4 or zlib.crc32(payload).to_bytes(4, "big") != checksum:
        return {}
    try:
        header, shards = marshal.loads(payload)
    except (EOFError, ValueError, TypeError):
        return {}
    if header != _HEADER or not isinstance(shards, dict):
        return {}
    return {
        number: (FileSignature(*signature), rows) for number, (signature, rows) in shards.items()
    }


def write_snapshot(
    path: Path, shards: Iterable[tuple[int, FileSignature, Iterable[Article]]]
) -> None:
    """Replace the copy with these shards' articles (a shard left out is read from JSON).
    Not durable: losing it costs one slow start. A folder we cannot write keeps none."""
    rows = {
        number: (
            (signature.inode, signature.size, signature.mtime_ns),
            list(map(article_row, articles)),
        )
        for number, signature, articles in shards
    }
    payload = marshal.dumps((_HEADER, rows))
    with contextlib.suppress(OSError):
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomically(path, zlib.crc32(payload).to_bytes(4, "big") + payload, durable=False)
