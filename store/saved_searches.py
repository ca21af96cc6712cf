"""Saved searches ("query feeds"): a name and a query, listed beside the feeds.

User data, in their own small TinyDB file (``DataPaths.saved_searches_db``) through
:class:`~store.table_file.TableFile`, as the feeds are: every change is written at once, whole
and atomically (fsync'd) under a short lock, merged onto what other processes wrote, before
the call returns, so a front says "saved" only once it is. A file found damaged is rebuilt from
what it still holds and the copy kept before the last write (``searches.json.bak``).
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from store.db import ClosedOnExit, CorruptStoreError, ReadOnlyHomeError, WriteLock, can_write
from store.models import construct_known
from store.paths import DataPaths
from store.recovery import check_fields, say
from store.search.query import canonical, parse
from store.table_file import Record, TableFile
from store.text import clean_inline

MAX_NAME_LENGTH = 80


@dataclass(frozen=True, slots=True)
class SavedSearch:
    name: str
    """Unique, whatever its case: saving under a name in use replaces that search."""
    query: str
    """The query in its canonical form (:func:`store.search.canonical`)."""
    added: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SavedSearch:
        return construct_known(cls, data)


def _decode(record: Record) -> SavedSearch:
    check_fields(SavedSearch, record)  # a record of the wrong shape is named and skipped
    return SavedSearch.from_dict(record)


def clean_name(name: str) -> str:
    """A saved search's name as stored: one line, no controls; ValueError when nothing is left
    or it is too long to show."""
    cleaned = clean_inline(name)
    if not cleaned:
        raise ValueError("a saved search needs a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(f"a saved search's name is at most {MAX_NAME_LENGTH} characters")
    return cleaned


class SavedSearchStore(ClosedOnExit):
    """The saved searches by name; thread-safe; every change durable when the call returns."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._lock = threading.RLock()
        self._write_lock = WriteLock(paths.saved_searches_lock)
        self._file: TableFile[SavedSearch] = TableFile(
            paths.saved_searches_db,
            "searches",
            decode=_decode,
            encode=SavedSearch.to_dict,
            key="name",
            keep_backup=True,
        )
        try:
            self._file.load()
        except CorruptStoreError as problem:
            self._recover(problem)

    def _recover(self, problem: CorruptStoreError) -> None:
        """Rebuild a damaged file from what it still holds and from its backup: a search
        deleted since that copy may come back, which beats losing one still wanted."""
        lock = self._write_lock if can_write(self.paths.home) else None
        rebuilt = self._file.rebuild_from_backup(lock)
        if rebuilt is None:
            return  # rebuilt by another process while we waited
        say(
            f"{problem}. Rebuilt it with {len(self._file.records)} saved searches: "
            f"{rebuilt.salvaged} read back from it, the rest from {self._file.backup_path.name}"
            f". The damaged file is {rebuilt.where}"
        )

    def all(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        with self._lock:
            found = list(self._file.records.values())
        return sorted(found, key=lambda search: (search.name.casefold(), search.name))

    def get(self, name: str) -> SavedSearch | None:
        """The search saved under ``name`` (in any case)."""
        wanted = clean_inline(name).casefold()
        with self._lock:
            return next((s for s in self._file.records.values()
                         if s.name.casefold() == wanted), None)  # fmt: skip

    def save(self, name: str, query: str) -> tuple[SavedSearch, SavedSearch | None]:
        """Save ``query`` as ``name``, on disk when this returns; the search saved and the one
        it replaced (of the same name), if any. QueryError for a query that cannot be read,
        ValueError for a name that will not do, StoreError when it cannot be written (a
        change that failed for want of room stays pending, for the next write)."""
        self._require_writable()
        saved = SavedSearch(
            clean_name(name),
            canonical(parse(query)),
            datetime.now(UTC).replace(microsecond=0).isoformat(),
        )
        with self._lock:
            replaced = self.get(saved.name)
            if replaced is not None:
                self._file.remove(replaced.name)
            self._file.put(saved.name, saved)
            self._write()
        return saved, replaced

    def remove(self, name: str) -> SavedSearch | None:
        """Forget the search saved as ``name``, on disk when this returns; None when there
        was none."""
        self._require_writable()
        with self._lock:
            found = self.get(name)
            if found is not None:
                self._file.remove(found.name)
                self._write()
            return found

    def changed_on_disk(self) -> bool:
        """Whether another process wrote since we last read (a stat)."""
        return self._file.changed_on_disk()

    def reload_if_changed(self) -> bool:
        """Take in what other processes wrote; whether anything changed."""
        with self._lock:
            return bool(self._file.reload_if_changed())

    def _require_writable(self) -> None:
        # Before anything changes in memory: a home that cannot be written refuses plainly.
        if not can_write(self.paths.home):
            raise ReadOnlyHomeError(self.paths.home)

    def _write(self) -> None:
        with self._write_lock.held():
            self._file.flush()

    def close(self) -> None:
        """Nothing is held open: every change was written when it was made."""
