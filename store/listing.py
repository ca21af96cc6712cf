"""The shards as stored: listings for scripts, and bringing the entity catalog up to date.

``list --json`` at 50,000 articles writes every article. Through :class:`~store.library.Library`
that meant 50,000 ``Article`` objects and a million entity dicts, built only to be turned back
into JSON (4 s). Here the shards' stored records are read through TinyDB as they are, the read
state is laid on them, and each article's entities become JSON text made from the packed
summaries. The output is the same as ``Article.to_dict()`` gives; tests/test_listing.py holds
the two together.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, fields
from typing import Any

import orjson

from store.db import FileSignature, signature_of
from store.entities.catalog import CatalogEntry, EntityCatalog, ShardContents
from store.library import listable_records
from store.models import Article, summaries_json
from store.paths import SHARD_COUNT, DataPaths
from store.read_state import ReadState, ReadStateStore
from store.table_file import Record

LISTED_FIELDS = tuple(f.name for f in fields(Article) if f.name != "entities_version")
"""The fields of an article in ``list --json``, in their order (docs/json.md)."""
_LISTABLE = {*LISTED_FIELDS, "entities_version"}
"""The keys of a stored record of this version, once the read state is laid on."""


@dataclass(frozen=True, slots=True)
class ShardRecords:
    """One metadata shard's stored records, read while its file had ``signature``."""

    number: int
    signature: FileSignature | None
    records: list[Record]


def read_shards(
    paths: DataPaths,
    numbers: Iterable[int] = range(SHARD_COUNT),
    only: Collection[str] | None = None,
) -> list[ShardRecords]:
    """The shards' records as stored (no read state), every shard unless ``numbers`` says
    which, and only the records whose ids are in ``only`` when it is given (the others are
    let go shard by shard, never all held at once). A damaged shard gives what can still be
    read of it (see ``listable_records``)."""
    shards = []
    collecting = gc.isenabled()
    gc.disable()  # as in Library: fifty thousand dicts make no cycles
    try:
        for number in numbers:
            path = paths.article_shard(number)
            while True:
                # A writer may replace the file as we read it: the signature must be the one
                # of the file whose records we return.
                signature = signature_of(path)
                # Read as TinyDB reads it, through its storage: ``Table.all()`` would first
                # copy each of 50,000 records into a ``Document``. Damage is said, not fatal.
                records = listable_records(paths, number, only)
                if signature_of(path) == signature:
                    break
            shards.append(ShardRecords(number, signature, records))
    finally:
        if collecting:
            gc.enable()
    return shards


def stored_records(
    paths: DataPaths, shards: Iterable[ShardRecords], only: Collection[str] | None = None
) -> list[Record]:
    """The shards' records (those whose ids are in ``only``, when given) newest first, in the
    order of ``Library.articles()``, each with its read state laid on."""
    states = ReadStateStore(paths)
    states.load()
    records = [record for shard in shards for record in shard.records
               if only is None or record["id"] in only]  # fmt: skip
    records.sort(key=lambda record: (record.get("published") or record.get("added") or "",
                                     record["id"]), reverse=True)  # fmt: skip
    for record in records:
        with_read_state(record, states.get(record["id"]))
    return records


def with_read_state(record: Record, state: ReadState) -> Record:
    """Lay ``read`` and ``starred`` on a stored record, where ``Article.to_dict()`` has them:
    before the entities."""
    entities = record.pop("entities", "")
    record["read"], record["starred"] = state
    record["entities"] = entities
    return record


def listed(record: Record) -> dict[str, Any]:
    """A stored record (read state laid on) in its ``list --json`` form. The entities are an
    ``orjson.Fragment``: JSON text that ``orjson.dumps`` writes as it is."""
    entities = record.get("entities")
    if record.keys() != _LISTABLE or not isinstance(entities, str):
        # Written by another version (a field more or less): the slow, forgiving way.
        data = Article.from_dict(record).to_dict()
        data.pop("entities_version", None)
        data["entities"] = orjson.Fragment(orjson.dumps(data["entities"]))
        return data
    del record["entities_version"]
    record["entities"] = orjson.Fragment(summaries_json(entities))
    return record


def listing_json(records: Iterable[Record]) -> bytes:
    """The ``list --json`` document for these records, indented as the other commands' JSON
    (an article's entities stay on one line)."""
    return orjson.dumps([listed(record) for record in records], option=orjson.OPT_INDENT_2)


def catch_up_catalog(
    catalog: EntityCatalog,
    paths: DataPaths,
    shards: Sequence[ShardRecords] | None = None,
    *,
    on_indexing: Callable[[int], None] | None = None,
) -> int:
    """Index again the shards the entity catalog does not describe as they are on disk
    (from ``shards`` when the caller has read them, else read here); how many articles that
    meant. ``on_indexing`` hears that number first, when it is not 0. A few stats and one
    query when nothing changed."""
    if shards is None:
        signatures = {n: signature_of(paths.article_shard(n)) for n in range(SHARD_COUNT)}
    else:
        signatures = {shard.number: shard.signature for shard in shards}
    stale = set(catalog.stale(signatures))
    if not stale:
        return 0
    if shards is None:
        behind = read_shards(paths, sorted(stale))
    else:
        behind = [shard for shard in shards if shard.number in stale]
    articles = sum(len(shard.records) for shard in behind)
    if on_indexing is not None:
        on_indexing(articles)
    catalog.catch_up(
        ShardContents(
            shard.number,
            shard.signature,
            [CatalogEntry.of_record(record) for record in shard.records],
        )
        for shard in behind
    )
    return articles


def naming(
    paths: DataPaths,
    shards: Sequence[ShardRecords] | None,
    name: str,
    *,
    on_indexing: Callable[[int], None] | None = None,
) -> tuple[list[str], set[str]]:
    """The entity keys ``name`` means and the ids of the articles that name them, from the
    entity catalog, first brought up to date with ``shards`` (``on_indexing`` as in
    :func:`catch_up_catalog`; without ``shards``, it reads the ones it must)."""
    with EntityCatalog(paths.entity_catalog) as catalog:
        catch_up_catalog(catalog, paths, shards, on_indexing=on_indexing)
        keys = catalog.resolve(name)
        return keys, set(catalog.articles_mentioning(keys))
