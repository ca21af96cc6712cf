"""Bringing a home written by an older Broadsheet up to date, keeping a backup.

Before the metadata was sharded it was one TinyDB file, ``articles.json``, with the read and
starred flags inside each record. On first open that file is split into shards (written to a
side directory, then renamed into place whole), its flags go to the read-state journal, and
the file itself is kept as ``articles.json.v1-backup``. Every step can be repeated, so a
migration cut short by a kill simply runs again on the next start. A damaged file (cut off,
emptied) gives up every record still readable in it, and is kept as ``articles.json.corrupt``.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict

from tinydb import TinyDB, where

from store.db import (
    AtomicJSONStorage,
    CorruptStoreError,
    WriteLock,
    fsync_directory,
    set_aside_corrupt,
)
from store.journal import JournaledTable, Put
from store.paths import SHARD_COUNT, DataPaths, shard_of
from store.recovery import salvage_documents, say
from store.table_file import Record, write_table

LEGACY_BACKUP_SUFFIX = ".v1-backup"


def migrate_single_file_cache(paths: DataPaths, lock: WriteLock) -> bool:
    """Split a one-file cache into shards; True if there was one to migrate."""
    legacy = paths.legacy_articles_db
    if paths.articles_dir.exists() or not legacy.exists():
        return False
    with lock.held():
        if paths.articles_dir.exists() or not legacy.exists():
            return False  # another process did it while we waited
        damage: CorruptStoreError | None = None
        try:
            with TinyDB(legacy, storage=AtomicJSONStorage) as database:
                articles = database.table("articles", cache_size=0)
                records = articles.all()
                touched = articles.search(where("read").test(bool) | where("starred").test(bool))
        except CorruptStoreError as problem:
            # The user's saved pages, imported files, read and starred articles are in it:
            # every whole record is migrated, and the file kept as it is.
            damage = problem
            records = [r for r in salvage_documents(legacy.read_bytes())
                       if isinstance(r.get("id"), str)]  # fmt: skip
            touched = [r for r in records if r.get("read") is True or r.get("starred") is True]
        _move_read_state(paths, touched)
        _write_shards(paths, records)
        if damage is None:
            legacy.rename(legacy.with_name(legacy.name + LEGACY_BACKUP_SUFFIX))
        else:
            kept = set_aside_corrupt(legacy)
            say(f"{damage}. The {len(records)} articles still readable in it were kept; the "
                f"file is kept as {kept.name}")  # fmt: skip
        fsync_directory(paths.home)
    return True


def _move_read_state(paths: DataPaths, records: list[Record]) -> None:
    """The read or starred articles' flags, to the read-state journal."""
    states: JournaledTable[Record] = JournaledTable(
        paths.read_state_db, "state", decode=dict, encode=dict
    )
    states.load()
    states.append(
        [
            Put({"id": r["id"], "read": bool(r.get("read")), "starred": bool(r.get("starred"))})
            for r in records
        ]
    )
    states.compact()


def _write_shards(paths: DataPaths, records: list[Record]) -> None:
    by_shard: dict[int, list[Record]] = defaultdict(list)
    for record in records:
        record = {key: value for key, value in record.items() if key not in ("read", "starred")}
        by_shard[shard_of(record["id"])].append(record)
    staging = paths.home / "articles.migrating"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for number in range(SHARD_COUNT):
        if by_shard[number]:
            write_table(staging / paths.article_shard(number).name, "articles", by_shard[number])
    fsync_directory(staging)
    os.rename(staging, paths.articles_dir)
