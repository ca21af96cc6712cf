"""Highlights and notes: user data, held in memory, every change durable when a call returns.

They live in ``DataPaths.annotations_db`` (a TinyDB snapshot) and the journal beside it
(:mod:`store.journal`); refresh and cache cleanup never touch either. A change is one fsync'd
journal line written under a short lock, so its cost does not grow with the number of
highlights, and a kill at any moment loses at most the change in flight. Several processes
may hold the store at once (the app, a second app, ``broadsheet import-annotations``): each
change is decided on the current state under the lock, and :meth:`HighlightStore.catch_up`
takes in the others' changes. Reads come from memory, one article's through an index.
"""

from __future__ import annotations

import contextlib
import sys
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from store.annotations.anchoring import Anchor, anchor_span, place
from store.annotations.model import (
    DEFAULT_COLOUR,
    ORPHAN_ARTICLE_DELETED,
    ORPHAN_TEXT_CHANGED,
    Colour,
    Highlight,
    InvalidHighlightError,
    as_colour,
    cleaned,
    hashtags,
    merge_tags,
    new_highlight_id,
    utc_timestamp,
)
from store.db import ClosedOnExit, StoreError
from store.journal import Delete, JournaledTable, Operation, Put
from store.models import Article
from store.paths import DataPaths
from store.table_file import read_table
from store.text import clean_inline, content_hash, strip_controls

UNDO_DEPTH = 100
_WHITESPACE = " \t\n"


@dataclass(frozen=True, slots=True)
class Change:
    """One record's state before and after a change (None: it did not exist)."""

    before: Highlight | None
    after: Highlight | None


@dataclass(frozen=True, slots=True)
class UndoStep:
    description: str
    changes: tuple[Change, ...]


@dataclass(frozen=True, slots=True)
class ReanchorReport:
    kept: int = 0
    moved: int = 0
    recovered: int = 0
    """Orphans that were placed again."""
    orphaned: int = 0


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_unreadable: tuple[str, ...] = ()
    """Ids whose stored record cannot be read: it stays as it is, the imported copy is not
    taken (the user decides, by mending or removing the stored one)."""


@dataclass(frozen=True, slots=True)
class UnreadableHighlight:
    """A stored record that is not a highlight (damaged, or edited by hand). It is kept in
    memory exactly as read and written back so on compaction: the store never drops it, and
    never shows it. ``path`` is the file holding it, once :meth:`HighlightStore.unreadable`
    has looked."""

    id: str
    reason: str
    record: dict[str, Any]
    path: Path | None = None

    def __str__(self) -> str:
        where = f"{self.path}: " if self.path is not None else ""
        return f"{where}highlight {self.id} cannot be read, and is left as it is: {self.reason}"


Stored = Highlight | UnreadableHighlight


class HighlightNotFoundError(StoreError, KeyError):
    def __init__(self, highlight_id: str) -> None:
        super().__init__(f"no highlight with id {highlight_id}")
        self.highlight_id = highlight_id

    def __str__(self) -> str:
        return str(self.args[0])


def matches_query(highlight: Highlight, query: str) -> bool:
    """True when every word of ``query`` appears (ignoring case) in the quote, note, tags or
    headline."""
    haystack = " ".join(
        (highlight.exact, highlight.note, highlight.article_title, *highlight.tags)
    ).casefold()
    return all(word in haystack for word in query.casefold().split())


class HighlightStore(ClosedOnExit):
    """Every highlight under one data directory. Safe to call from worker threads."""

    def __init__(self, paths: DataPaths, *, load: bool = True) -> None:
        """``load=False`` leaves the reading to :meth:`load` (the app paints its list first:
        30,000 highlights take ~0.4 s to read); any use before that reads them then."""
        self.paths = paths
        self.path = paths.annotations_db
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._by_article: dict[str, dict[str, Highlight]] = {}
        self._article_of: dict[str, str] = {}
        self._unreadable: dict[str, UnreadableHighlight] = {}
        self._touched: set[str] = set()
        """Articles whose highlights changed since catch_up last cleared this."""
        self._table: JournaledTable[Stored] = JournaledTable(
            self.path,
            "highlights",
            decode=_decode,
            encode=_encode,
            on_change=self._reindex,
            lock=self._lock,
        )
        self._undo: list[UndoStep] = []
        self._loaded = False
        if load:
            self.load()  # fails now, with a clear message, on a damaged file

    def load(self) -> None:
        """Read the highlights, once (CorruptStoreError, naming the file, if they are
        damaged: then every later use raises it again, and nothing is written)."""
        with self._lock:
            if not self._loaded:
                self._table.load()
                self._loaded = True

    @property
    def loaded(self) -> bool:
        return self._loaded

    def _reindex(self, changed: dict[str, Stored | None]) -> None:
        """Keep the per-article index in step with the table (runs under ``self._lock``)."""
        for highlight_id, highlight in changed.items():
            old = self._article_of.pop(highlight_id, None)
            if old is not None:
                self._by_article.get(old, {}).pop(highlight_id, None)
                self._touched.add(old)
            self._unreadable.pop(highlight_id, None)
            if isinstance(highlight, UnreadableHighlight):
                self._unreadable[highlight_id] = highlight
            elif highlight is not None:
                self._touched.add(highlight.article_id)
                self._article_of[highlight_id] = highlight.article_id
                self._by_article.setdefault(highlight.article_id, {})[highlight_id] = highlight

    def changed_on_disk(self) -> bool:
        """Whether another process changed highlights since we last looked (two stats)."""
        return self._loaded and self._table.changed_on_disk()

    def catch_up(self) -> set[str]:
        """Take in other processes' changes; the ids of the articles whose highlights changed."""
        with self._lock:
            self.load()
            self._touched = set()
            self._table.catch_up()
            return self._touched

    # Reading (from memory)

    def get(self, highlight_id: str) -> Highlight | None:
        self.load()
        found = self._table.records.get(highlight_id)
        return found if isinstance(found, Highlight) else None

    def __len__(self) -> int:
        """How many highlights there are (records that cannot be read are not counted)."""
        with self._lock:
            self.load()
            return len(self._table.records) - len(self._unreadable)

    def unreadable(self) -> list[UnreadableHighlight]:
        """The stored records that cannot be read, each with the file it is in."""
        with self._lock:
            self.load()
            found = list(self._unreadable.values())
        if not found:
            return []
        try:
            snapshot = {
                str(row.get("id")): row
                for row in read_table(self._table.snapshot_path, self._table.table)
            }
        except StoreError:
            snapshot = {}
        # The journal is read after the snapshot, so a record is the snapshot's only if the
        # snapshot holds it exactly as it was read.
        return [
            replace(
                bad,
                path=self._table.snapshot_path
                if snapshot.get(bad.id) == bad.record
                else self._table.journal_path,
            )
            for bad in found
        ]

    def unreadable_summary(self) -> str | None:
        """One sentence for the user when some records cannot be read (None when all can)."""
        found = self.unreadable()
        if not found:
            return None
        files = " and ".join(sorted({str(bad.path) for bad in found}))
        count = len(found)
        return (
            f"{count} highlight record{'s' if count != 1 else ''} in {files} cannot be read "
            f"and {'are' if count != 1 else 'is'} left as {'they are' if count != 1 else 'it is'}; "
            "the others are all here (`broadsheet highlights` names them)"
        )

    def counts_by_article(self) -> dict[str, int]:
        with self._lock:
            self.load()
            return {article_id: len(hs) for article_id, hs in self._by_article.items() if hs}

    def all(self) -> list[Highlight]:
        """Every highlight, newest first."""
        with self._lock:
            self.load()
            # In the order they were made.
            every = [h for h in self._table.records.values() if isinstance(h, Highlight)]
        # Saves take about a millisecond, so two highlights can share a creation time: those
        # keep the order they were made in (a stable sort of the list reversed).
        every.reverse()
        return sorted(every, key=lambda h: h.created, reverse=True)

    def find(
        self,
        *,
        article_id: str | None = None,
        query: str | None = None,
        tag: str | None = None,
        orphans_only: bool = False,
    ) -> list[Highlight]:
        """Highlights newest first across articles, or in reading order for one article."""
        if article_id is not None:
            with self._lock:
                self.load()
                mine = list(self._by_article.get(article_id, {}).values())
            chosen = sorted(mine, key=lambda h: h.reading_order)
        else:
            chosen = self.all()
        if query:
            chosen = [h for h in chosen if matches_query(h, query)]
        if tag:
            wanted = merge_tags([tag])
            chosen = [h for h in chosen if set(wanted) <= set(h.tags)]
        if orphans_only:
            chosen = [h for h in chosen if h.orphaned]
        return chosen

    def for_article(self, article_id: str) -> list[Highlight]:
        """One article's highlights in reading order (placed ones first, then its orphans)."""
        return self.find(article_id=article_id)

    def orphans(self) -> list[Highlight]:
        return self.find(orphans_only=True)

    # Writing

    def add(
        self,
        article: Article,
        body: str,
        start: int,
        end: int,
        colour: Colour = DEFAULT_COLOUR,
        note: str = "",
        tags: Iterable[str] = (),
    ) -> Highlight:
        """Highlight ``body[start:end]`` (whitespace at either end is left out)."""
        while start < end and body[start] in _WHITESPACE:
            start += 1
        while end > start and body[end - 1] in _WHITESPACE:
            end -= 1
        if not 0 <= start < end <= len(body):
            raise ValueError("a highlight needs some text: the selection is empty")
        anchor = anchor_span(body, start, end)
        now = utc_timestamp()
        note = strip_controls(note)
        highlight = Highlight(
            id=new_highlight_id(),
            article_id=article.id,
            article_title=clean_inline(article.title),
            article_url=article.url,
            start=anchor.start,
            end=anchor.end,
            exact=anchor.exact,
            prefix=anchor.prefix,
            suffix=anchor.suffix,
            body_hash=content_hash(body),
            created=now,
            modified=now,
            note=note,
            tags=merge_tags(tags, hashtags(note)),
            colour=as_colour(colour),
        )
        with self._lock:
            self._apply("add highlight", [Change(None, highlight)])
        return highlight

    def set_note(
        self, highlight_id: str, note: str, tags: Iterable[str] | None = None
    ) -> Highlight:
        """Replace the note; tags become ``tags`` (default: the current ones) plus the note's
        #tags, so a #tag removed from the note stays a tag until it is removed explicitly.
        Control characters and escape sequences are taken out: a note is shown in terminals."""
        note = strip_controls(note)
        with self._writing():
            current = self._require(highlight_id)
            kept = current.tags if tags is None else tags
            return self._modify(
                "edit note", current, note=note, tags=merge_tags(kept, hashtags(note))
            )

    def set_tags(self, highlight_id: str, tags: Iterable[str]) -> Highlight:
        with self._writing():
            current = self._require(highlight_id)
            return self._modify("edit tags", current, tags=merge_tags(tags))

    def set_colour(self, highlight_id: str, colour: Colour) -> Highlight:
        chosen = as_colour(colour)
        with self._writing():
            current = self._require(highlight_id)
            return self._modify("change colour", current, colour=chosen)

    def delete(self, highlight_id: str) -> Highlight:
        with self._writing():
            current = self._require(highlight_id)
            self._apply("delete highlight", [Change(current, None)])
            return current

    def delete_for_article(self, article_id: str) -> int:
        """Delete an article's highlights, when the user has said to (see detach_article)."""
        with self._writing():
            doomed = self.for_article(article_id)
            self._apply("delete the article's highlights", [Change(h, None) for h in doomed])
            return len(doomed)

    def detach_article(self, article_id: str) -> int:
        """The article was deleted: keep its highlights, as orphans that say so."""
        with self._writing():
            changes = [
                Change(h, self._stamped(h, orphaned=True, orphan_reason=ORPHAN_ARTICLE_DELETED))
                for h in self.for_article(article_id)
                if not h.orphaned
            ]
            self._apply("orphan the article's highlights", changes)
            return len(changes)

    def reanchor_article(
        self, article_id: str, new_text: str, new_body_hash: str | None = None
    ) -> ReanchorReport:
        """Place an article's highlights (orphans included) on its new canonical text."""
        body_hash = new_body_hash or content_hash(new_text)
        kept = moved = recovered = orphaned = 0
        with self._writing():
            changes: list[Change] = []
            for highlight in self.for_article(article_id):
                if highlight.body_hash == body_hash and not highlight.orphaned:
                    kept += 1
                    continue
                placement = place(_anchor_of(highlight), new_text)
                if placement is None:
                    orphaned += 1
                    if not highlight.orphaned:
                        changes.append(
                            Change(
                                highlight,
                                self._stamped(
                                    highlight, orphaned=True, orphan_reason=ORPHAN_TEXT_CHANGED
                                ),
                            )
                        )
                    continue
                anchor = anchor_span(new_text, placement.start, placement.end)
                if highlight.orphaned:
                    recovered += 1
                elif (anchor.start, anchor.end, anchor.exact) == (
                    highlight.start,
                    highlight.end,
                    highlight.exact,
                ):
                    kept += 1
                else:
                    moved += 1
                # Moving with the text is not an edit by the user: ``modified`` stays.
                changes.append(
                    Change(
                        highlight,
                        replace(
                            highlight,
                            start=anchor.start,
                            end=anchor.end,
                            exact=anchor.exact,
                            prefix=anchor.prefix,
                            suffix=anchor.suffix,
                            body_hash=body_hash,
                            orphaned=False,
                            orphan_reason=None,
                        ),
                    )
                )
            self._apply("re-anchor highlights", changes, undoable=False)
        return ReanchorReport(kept=kept, moved=moved, recovered=recovered, orphaned=orphaned)

    def import_highlights(self, highlights: Sequence[Highlight]) -> ImportReport:
        """Add highlights read from an export (cleaned of control characters); one already
        here is replaced only by a copy modified later."""
        added = updated = unchanged = 0
        kept: list[str] = []
        with self._writing():
            existing = dict(self._table.records)
            changes: list[Change] = []
            for highlight in map(cleaned, highlights):
                current = existing.get(highlight.id)
                if isinstance(current, UnreadableHighlight):
                    kept.append(highlight.id)
                    continue
                if current is None:
                    added += 1
                elif current != highlight and highlight.modified > current.modified:
                    updated += 1
                else:
                    unchanged += 1
                    continue
                changes.append(Change(current, highlight))
                existing[highlight.id] = highlight
            self._apply("import highlights", changes)
        return ImportReport(
            added=added, updated=updated, unchanged=unchanged, kept_unreadable=tuple(kept)
        )

    # Undo

    @property
    def can_undo(self) -> bool:
        with self._lock:
            return bool(self._undo)

    def undo(self) -> str | None:
        """Reverse the last change made through this store; its description, or None."""
        with self._writing():
            if not self._undo:
                return None
            step = self._undo.pop()
            reverse = [Change(c.after, c.before) for c in reversed(step.changes)]
            self._apply(step.description, reverse, undoable=False)
            return step.description

    # Internals

    def _require(self, highlight_id: str) -> Highlight:
        highlight = self.get(highlight_id)
        if highlight is None:
            raise HighlightNotFoundError(highlight_id)
        return highlight

    @staticmethod
    def _stamped(highlight: Highlight, **changes: object) -> Highlight:
        return replace(highlight, modified=utc_timestamp(), **changes)  # type: ignore[arg-type]

    def _modify(self, description: str, current: Highlight, **changes: object) -> Highlight:
        updated = self._stamped(current, **changes)
        if updated == replace(current, modified=updated.modified):
            return current
        self._apply(description, [Change(current, updated)])
        return updated

    def _apply(self, description: str, changes: Sequence[Change], undoable: bool = True) -> None:
        """Make ``changes`` durable as one batch (all or nothing)."""
        if not changes:
            return
        operations: list[Operation] = [
            Put(change.after.to_dict())
            if change.after is not None
            else Delete(change.before.id if change.before else "")
            for change in changes
        ]
        with self._writing():
            self._table.append(operations)
            if undoable:
                self._undo.append(UndoStep(description, tuple(changes)))
                del self._undo[:-UNDO_DEPTH]

    @contextlib.contextmanager
    def _writing(self) -> Iterator[None]:
        with self._lock:
            self.load()  # a change is decided on everything there is
            with self._table.writing():
                yield

    def close(self) -> None:
        with self._lock:
            if self._loaded:  # never compact what was not read
                self._table.close()


_SHARED_FIELDS = ("article_id", "article_title", "article_url", "body_hash", "colour")


def _decode(record: dict[str, Any]) -> Stored:
    """A highlight, sharing one copy of what the highlights of one article have in common
    (30,000 highlights over 10,000 articles: ~6 MB); a record that is not one is set aside
    as it is, with the reason, so that one damaged record costs only itself."""
    for name in _SHARED_FIELDS:
        value = record.get(name)
        if isinstance(value, str):
            record[name] = sys.intern(value)
    try:
        return Highlight.from_dict(record)
    except InvalidHighlightError as problem:
        return UnreadableHighlight(str(record.get("id")), str(problem), dict(record))


def _encode(stored: Stored) -> dict[str, Any]:
    return stored.to_dict() if isinstance(stored, Highlight) else dict(stored.record)


def _anchor_of(highlight: Highlight) -> Anchor:
    return Anchor(
        start=highlight.start,
        end=highlight.end,
        exact=highlight.exact,
        prefix=highlight.prefix,
        suffix=highlight.suffix,
    )
