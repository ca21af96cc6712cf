"""Read and starred state: user data, kept apart from the metadata that refresh rewrites.

It changes with every article opened, so it lives in a :class:`~store.journal.JournaledTable`
(``state.json`` and ``state.journal``): marking an article read appends one fsync'd line.
Only articles that are read or starred have a record.
"""

from __future__ import annotations

import threading
from typing import NamedTuple

from store.journal import Delete, JournaledTable, Put
from store.paths import DataPaths
from store.table_file import Record


class ReadState(NamedTuple):
    read: bool = False
    starred: bool = False


UNREAD = ReadState()


def _decode(record: Record) -> ReadState:
    return ReadState(bool(record.get("read")), bool(record.get("starred")))


class ReadStateStore:
    """Read and starred flags by article id; every change is durable when the call returns."""

    def __init__(self, paths: DataPaths) -> None:
        self._lock = threading.RLock()
        self._table: JournaledTable[ReadState] = JournaledTable(
            paths.read_state_db,
            "state",
            decode=_decode,
            encode=lambda state: {"read": state.read, "starred": state.starred},
            on_change=self._collect,
            lock=self._lock,
        )
        self._unreported: dict[str, ReadState] = {}
        """Changes (ours and other processes') the library has not yet been told of."""

    def _collect(self, changed: dict[str, ReadState | None]) -> None:
        for article_id, state in changed.items():
            self._unreported[article_id] = state or UNREAD

    def changed_on_disk(self) -> bool:
        return bool(self._unreported) or self._table.changed_on_disk()

    def take_changes(self) -> dict[str, ReadState]:
        """Every change since this was last called, other processes' included."""
        with self._lock:
            self._table.catch_up()
            changes, self._unreported = self._unreported, {}
            return changes

    def load(self) -> None:
        self._table.load()

    def get(self, article_id: str) -> ReadState:
        return self._table.records.get(article_id, UNREAD)

    def flagged(self) -> dict[str, ReadState]:
        """Every article that is read or starred (any other is unread): what search asks."""
        with self._lock:
            return dict(self._table.records)

    def update(
        self, article_ids: list[str], *, read: bool | None = None, starred: bool | None = None
    ) -> None:
        """Set read and/or starred on articles in one durable batch, deciding on the state as
        it is on disk now (another process may have starred one meanwhile). The new states
        are among the next :meth:`take_changes`."""
        with self._table.writing():
            new: dict[str, ReadState] = {}
            for article_id in article_ids:
                current = self.get(article_id)
                state = ReadState(
                    current.read if read is None else read,
                    current.starred if starred is None else starred,
                )
                if state != current:
                    new[article_id] = state
            self._table.append(
                [
                    Delete(article_id)
                    if state == UNREAD
                    else Put({"id": article_id, "read": state.read, "starred": state.starred})
                    for article_id, state in new.items()
                ]
            )

    def compact(self) -> None:
        self._table.compact()

    def close(self) -> None:
        self._table.close()
