"""Where the user's entity corrections (:mod:`store.entities.corrections`) are kept.

User data, in their own small TinyDB file (``DataPaths.entity_corrections_db``) through
:class:`~store.table_file.TableFile`, as the saved searches are: every change is written at
once, whole, atomically and fsync'd, under a short lock, merged onto what other processes
wrote, before the call returns. A damaged file is rebuilt from what it still holds and the
copy kept before the last write (``corrections.json.bak``). :func:`read_corrections` is how
the readers (the entity catalog, ``Library.save``) see them: a ``stat`` when they have not
changed.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import UTC, datetime
from enum import Enum
from pathlib import Path
from typing import Any

from store.db import (
    ClosedOnExit,
    CorruptStoreError,
    FileSignature,
    ReadOnlyHomeError,
    WriteLock,
    can_write,
    signature_of,
)
from store.entities.corrections import (
    KINDS,
    NO_CORRECTIONS,
    Correction,
    Corrections,
    correction_id,
)
from store.models import ENTITY_LABELS, EntityLabel
from store.paths import DataPaths
from store.recovery import check_fields, say
from store.table_file import Record, TableFile


def _decode(record: Record) -> Correction:
    check_fields(Correction, record)  # a record of the wrong shape is named and skipped
    correction = Correction.from_dict(record)
    if correction.kind not in KINDS:
        raise ValueError(f"its kind is {correction.kind!r}, not one of {', '.join(KINDS)}")
    if not correction.entity or (correction.kind in ("merge", "split") and not correction.name):
        raise ValueError("it names no entity")
    if correction.kind == "relabel" and correction.label not in ENTITY_LABELS:
        raise ValueError(f"its label is {correction.label!r}, not one of {ENTITY_LABELS}")
    return correction


class Change(Enum):
    """What asking for a correction did."""

    MADE = "made"
    """Recorded (or replaced one of the same kind about the same entity)."""
    UNMERGED = "unmerged"
    """A split of two entities the user had merged: that merge was taken back."""
    ALREADY = "already"
    """Nothing to do: it was so already."""


class CorrectionStore(ClosedOnExit):
    """The corrections, by id; thread-safe; every change durable when the call returns."""

    def __init__(self, paths: DataPaths) -> None:
        self.paths = paths
        self._lock = threading.RLock()
        self._write_lock = WriteLock(paths.entity_corrections_lock)
        self._file: TableFile[Correction] = TableFile(
            paths.entity_corrections_db,
            "corrections",
            decode=_decode,
            encode=Correction.to_dict,
            keep_backup=True,
        )
        try:
            self._file.load()
        except CorruptStoreError as problem:
            self._recover(problem)

    def _recover(self, problem: CorruptStoreError) -> None:
        """Rebuild a damaged file from what it still holds and from its backup: a correction
        taken back since that copy may come back, which beats losing one still wanted."""
        lock = self._write_lock if can_write(self.paths.home) else None
        rebuilt = self._file.rebuild_from_backup(lock)
        if rebuilt is None:
            return  # rebuilt by another process while we waited
        say(
            f"{problem}. Rebuilt it with {len(self._file.records)} entity corrections: "
            f"{rebuilt.salvaged} read back from it, the rest from {self._file.backup_path.name}"
            f". The damaged file is {rebuilt.where}"
        )

    @property
    def signature(self) -> FileSignature | None:
        return self._file.signature

    def all(self) -> list[Correction]:
        """Every correction, oldest first."""
        with self._lock:
            return list(self.corrections().records)

    def corrections(self) -> Corrections:
        with self._lock:
            return Corrections(self._file.records.values())

    # Changes: each written before the call returns

    def merge(self, entity: str, name: str) -> Change:
        """``name`` is ``entity`` from now on (each given as a key the catalog knows). Their
        whole groups become one, under ``entity``'s; a split between them is taken back."""
        with self._lock:
            current = self.corrections()
            kept, merged = current.canonical(entity), current.canonical(name)
            if kept == merged:
                return Change.ALREADY
            for record in list(self._file.records.values()):
                pair = {current.canonical(record.entity), current.canonical(record.name)}
                if record.kind == "split" and pair == {kept, merged}:
                    self._remove(record.id)
            self._put(Correction(correction_id("merge", kept, merged), "merge", kept, merged))
            self._write()
        return Change.MADE

    def split(self, entity: str, name: str) -> Change:
        """``name`` is not ``entity``. If the user merged them, that merge is taken back
        (:attr:`Change.UNMERGED`); else the split is recorded."""
        with self._lock:
            current = self.corrections()
            if current.canonical(entity) == current.canonical(name):
                parted = self._merge_between(current, entity, name)
                self._remove(correction_id("merge", "", parted))
                self._write()
                return Change.UNMERGED
            wanted = correction_id("split", entity, name)
            if wanted in self._file.records or correction_id("split", name, entity) in (
                self._file.records
            ):
                return Change.ALREADY
            self._put(Correction(wanted, "split", entity, name))
            self._write()
        return Change.MADE

    @staticmethod
    def _merge_between(current: Corrections, entity: str, name: str) -> str:
        """Which merged name to take out of the group so that ``entity`` and ``name`` part.
        The group is a tree of merges, each name into one other: the merge out of ``name``
        parts them, unless ``name`` is above ``entity``; then the one out of ``entity``."""
        return entity if name in current.chain(entity)[1:] else name

    def relabel(self, entity: str, label: EntityLabel) -> Change:
        with self._lock:
            key = self.corrections().canonical(entity)
            wanted = correction_id("relabel", key)
            existing = self._file.records.get(wanted)
            if existing is not None and existing.label == label:
                return Change.ALREADY
            self._put(Correction(wanted, "relabel", key, label=label))
            self._write()
        return Change.MADE

    def hide(self, entity: str, hidden: bool = True) -> Change:
        """Hide ``entity`` (or show it again, ``hidden=False``) everywhere entities are
        listed; its page and the articles naming it stay."""
        with self._lock:
            key = self.corrections().canonical(entity)
            wanted = correction_id("hide", key)
            if (wanted in self._file.records) == hidden:
                return Change.ALREADY
            if hidden:
                self._put(Correction(wanted, "hide", key))
            else:
                self._remove(wanted)
            self._write()
        return Change.MADE

    def reload_if_changed(self) -> bool:
        with self._lock:
            return bool(self._file.reload_if_changed())

    def _put(self, correction: Correction) -> None:
        self._require_writable()
        self._file.put(correction.id, replace(correction, made=_now()))

    def _remove(self, correction_id_: str) -> None:
        self._require_writable()
        self._file.remove(correction_id_)

    def _require_writable(self) -> None:
        # Before anything changes in memory: a home that cannot be written refuses plainly.
        if not can_write(self.paths.home):
            raise ReadOnlyHomeError(self.paths.home, "entity corrections cannot be saved")

    def _write(self) -> None:
        with self._write_lock.held():
            self._file.flush()

    def close(self) -> None:
        """Nothing is held open: every change was written when it was made."""


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


# Reading them where entities are read: a stat when nothing changed

_read_lock = threading.Lock()
_read: dict[Path, tuple[FileSignature | None, Corrections]] = {}


def read_corrections(paths: DataPaths) -> Corrections:
    """The corrections in force in this home, read again only when the file changed."""
    path = paths.entity_corrections_db
    signature = signature_of(path)
    with _read_lock:
        cached = _read.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    if signature is None:
        found = NO_CORRECTIONS
    else:
        with CorrectionStore(paths) as store:
            found, signature = store.corrections(), store.signature
    with _read_lock:
        _read[path] = (signature, found)
    return found


def exported_corrections(paths: DataPaths) -> list[dict[str, Any]]:
    """The user's corrections as a JSON export carries them (docs/json.md)."""
    with CorrectionStore(paths) as store:
        return [correction.public() for correction in store.all()]
