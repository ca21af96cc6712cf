"""The search index: every article's words in SQLite FTS5, in ``derived/search.sqlite``.

Derived data, never the record: a missing, damaged or foreign file is deleted and built
again from the shards and ``bodies.sqlite``. It is kept as the entity catalog is
(:mod:`store.entities.catalog`), per metadata shard, with the file signature of the shard it
describes:
- a writer that flushes a shard the index describes as it was applies only the articles it
  wrote (:meth:`SearchIndex.apply`, from ``Library.flush``);
- anything else leaves the shard stale (another process, another version, a crash between
  the shard and the index, a new index), and a reader brings it up to date from the records
  it has read (:meth:`SearchIndex.catch_up`): each article's stored row is compared with its
  record, and a body is read again only when the article's body hash changed.

The FTS5 table is contentless (``content=''``): it holds the words and where they fall, not
the text, which ``bodies.sqlite`` already holds. At 50,000 articles of ~600 words that is
120 MB against 375 MB with the text stored, built in half the time, with the same query
times (bench/search.py; docs/search.md). Without the text, FTS5 removes a row only when
told the values it was made from, so each article's row keeps its title, standfirst and the
hash of the body it was indexed with; a body that can no longer be read leaves its words
behind under a row number no article has (they never match: every query joins ``article``),
and once such leftovers pass a tenth of the articles the index is built again.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple, ParamSpec, TypeVar

from store.db import ClosedOnExit, FileSignature, StoreError, can_write
from store.derived_db import delete_files, open_derived, transaction
from store.listing import ShardRecords
from store.search.entries import BodyReader, IndexedArticle, SearchEntry, ShardWrite
from store.search.plan import QueryPlan

SCHEMA_VERSION = 1
TOKENIZER = "porter unicode61 remove_diacritics 2"
"""Case- and accent-insensitive words, reduced to their stems ("tariffs" → "tariff")."""
WEIGHTS = (5.0, 2.0, 1.0)
"""bm25 weights of title, standfirst and body: a word in the headline counts for more."""
_BUSY_TIMEOUT_SECONDS = 10.0
_WORN_OUT = 0.1
"""Built again when words left behind by unreadable bodies pass this share of the articles."""

_SCHEMA = f"""
CREATE TABLE article (
    num INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    shard INTEGER NOT NULL,
    date TEXT NOT NULL,
    feed_id TEXT NOT NULL,
    source TEXT NOT NULL,
    source_folded TEXT NOT NULL,
    author TEXT NOT NULL,
    author_folded TEXT NOT NULL,
    url TEXT NOT NULL,
    title TEXT NOT NULL,
    standfirst TEXT NOT NULL,
    body_hash TEXT NOT NULL
);
CREATE INDEX article_by_shard ON article (shard);
CREATE INDEX article_by_date ON article (date);
CREATE VIRTUAL TABLE text USING fts5(
    title, standfirst, body, content='', tokenize='{TOKENIZER}'
);
CREATE TABLE shard (number INTEGER PRIMARY KEY, signature TEXT NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT INTO meta VALUES ('leftovers', 0);
"""
# ``body_hash`` is the hash of the body the row was made with, "" when it could not be read
# (then the title and standfirst alone were indexed, and the next catch-up tries again).
# ``num`` is never reused (AUTOINCREMENT): words left behind under an old number must never
# become a new article's.

_COLUMNS = "num, id, title, standfirst, body_hash, date, feed_id, source, author, url"
_INSERT_ARTICLE = (
    "INSERT INTO article (id, shard, date, feed_id, source, source_folded, author, "
    "author_folded, url, title, standfirst, body_hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_TEXT = "INSERT INTO text (rowid, title, standfirst, body) VALUES (?, ?, ?, ?)"
_DELETE_TEXT = (
    "INSERT INTO text (text, rowid, title, standfirst, body) VALUES ('delete', ?, ?, ?, ?)"
)
_BUSY_CODES = (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
_DAMAGE_CODES = (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_FORMAT)
_FOREIGN_SCHEMA = ("no such table", "no such column", "no such module", "table ")
"""The start of SQLite's messages for a file whose tables are not the ones we made. Any
other error (busy, a full disk, no permission) says nothing of the file: it is reported,
never "repaired" by a rebuild."""


class SearchIndexBusyError(StoreError):
    def __init__(self, path: Path) -> None:
        super().__init__(
            f"the search index {path} is busy: another Broadsheet is updating it; "
            "try again in a moment"
        )


class SearchUnavailableError(StoreError):
    """This Python's SQLite was built without FTS5."""


class _Row(NamedTuple):
    """An article as the index holds it (the columns of ``_COLUMNS``)."""

    num: int
    id: str
    title: str
    standfirst: str
    body_hash: str
    date: str
    feed_id: str
    source: str
    author: str
    url: str


def check_fts5() -> None:
    """SearchUnavailableError unless this Python's SQLite has FTS5 (and its tokenizers)."""
    probe = sqlite3.connect(":memory:")
    try:
        probe.execute(f"CREATE VIRTUAL TABLE probe USING fts5(x, tokenize='{TOKENIZER}')")
    except sqlite3.OperationalError as problem:
        raise SearchUnavailableError(
            f"search needs SQLite's FTS5, which the SQLite this Python uses "
            f"({sqlite3.sqlite_version}) lacks: {problem}"
        ) from None
    finally:
        probe.close()


def _signature_text(signature: FileSignature | None) -> str:
    if signature is None:
        return "absent"
    return f"{signature.inode}:{signature.size}:{signature.mtime_ns}"


P = ParamSpec("P")
R = TypeVar("R")


def _rebuilt_when_damaged(method: Callable[P, R]) -> Callable[P, R]:
    """Run ``method`` holding the index's lock; if SQLite finds the file damaged (or not
    ours), start an empty index (every shard then reads as stale) and run it once more.
    A busy database, a full disk and the like are not damage: they go up as StoreErrors."""

    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        index = args[0]
        assert isinstance(index, SearchIndex)
        with index.lock:
            try:
                return method(*args, **kwargs)
            except sqlite3.DatabaseError as problem:
                index.raise_unless_damage(problem)
            index.reset()
            try:
                return method(*args, **kwargs)
            except sqlite3.DatabaseError as problem:
                index.raise_unless_damage(problem)
                message = f"the search index {index.path} cannot be used: {problem}"
                raise StoreError(message) from None

    return run


class SearchIndex(ClosedOnExit):
    """Every article's words and filterable metadata; one connection, shared by threads."""

    def __init__(self, path: Path, *, busy_timeout: float = _BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.busy_timeout = busy_timeout
        """How long to wait for another process's write before giving up."""
        self.lock = threading.RLock()
        self.resets = 0
        """How many times the file was found damaged and started again."""
        self.in_memory = False
        """Whether the index is held in memory (a home this process cannot write to)."""
        self._connection: sqlite3.Connection | None = None

    # The connection, made (and the file made sound) on first use

    def _connect(self) -> sqlite3.Connection:
        if self._connection is None:
            check_fts5()
            if not can_write(self.path.parent):
                # A read-only home: the index is built in memory from the shards, as the
                # entity catalog is. A file another process left there is not used: it may
                # be behind, and bringing it up to date would write.
                self.in_memory = True
                self._connection = self._open(":memory:")
                return self._connection
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as problem:
                raise StoreError(
                    f"cannot make the search index in {self.path.parent}: "
                    f"{problem.strerror or problem}"
                ) from None
            try:
                self._connection = self._open()
            except sqlite3.DatabaseError as problem:
                self.raise_unless_damage(problem)
                self._delete_files()  # damaged, or not ours: rebuilt rather than repaired
                self._connection = self._open()
        return self._connection

    def _open(self, where: Path | str | None = None) -> sqlite3.Connection:
        return open_derived(where or self.path, _SCHEMA, SCHEMA_VERSION, self.busy_timeout)

    def raise_unless_damage(self, problem: sqlite3.DatabaseError) -> None:
        """Raise what the user must hear for an error that says nothing bad of the file
        (busy, a full disk, no permission…); return for damage, which a rebuild mends."""
        code = getattr(problem, "sqlite_errorcode", sqlite3.SQLITE_ERROR) & 0xFF
        if code in _BUSY_CODES:
            raise SearchIndexBusyError(self.path) from None
        damaged = code in _DAMAGE_CODES or (
            code == sqlite3.SQLITE_ERROR and str(problem).startswith(_FOREIGN_SCHEMA)
        )
        if not damaged:
            raise StoreError(f"cannot use the search index {self.path}: {problem}") from None

    def _delete_files(self) -> None:
        if self.in_memory:
            return  # nothing of ours on disk, and nothing there may be touched
        delete_files(self.path)

    def reset(self) -> None:
        """Forget everything: the next use starts an empty index."""
        with self.lock:
            self.close()
            self._delete_files()
            self.resets += 1

    def close(self) -> None:
        with self.lock:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

    # Keeping it current

    @_rebuilt_when_damaged
    def stale(self, signatures: dict[int, FileSignature | None]) -> list[int]:
        """The shards (of those given, with their files' signatures now) the index does not
        describe as they are."""
        stored = self._signatures()
        return [number for number, signature in signatures.items()
                if stored.get(number, "absent") != _signature_text(signature)]  # fmt: skip

    @_rebuilt_when_damaged
    def worn_out(self) -> bool:
        """Whether words left behind by bodies that could not be read have grown enough that
        the index is better built again (:meth:`reset`, then catch up)."""
        connection = self._connect()
        leftovers = connection.execute("SELECT value FROM meta WHERE key = 'leftovers'")
        articles = int(connection.execute("SELECT count(*) FROM article").fetchone()[0])
        return int(leftovers.fetchone()[0]) > max(100, articles * _WORN_OUT)

    def catch_up(
        self,
        shards: Iterable[ShardRecords],
        read_body: BodyReader,
        *,
        on_shard: Callable[[ShardRecords], None] | None = None,
    ) -> int:
        """Bring each given shard the index does not describe at its signature up to date
        with its records; how many articles that added, changed or removed. One transaction
        per shard, so searches (and a writer's :meth:`apply`) wait a moment, never the whole
        catch-up. ``on_shard`` hears each shard as it is done."""
        shards = list(shards)
        changed = 0
        resets = self.resets
        for shard in shards:
            changed += self._catch_up_shard(shard, read_body)
            if on_shard is not None:
                on_shard(shard)
        if self.resets != resets:  # started again midway: the shards before are gone too
            changed += sum(self._catch_up_shard(shard, read_body) for shard in shards)
        return changed

    @_rebuilt_when_damaged
    def _catch_up_shard(self, shard: ShardRecords, read_body: BodyReader) -> int:
        connection = self._connect()
        signature = _signature_text(shard.signature)
        if self._signatures().get(shard.number, "absent") == signature:
            return 0  # the usual case, without taking the write lock
        with transaction(connection):
            if self._signatures().get(shard.number, "absent") == signature:
                return 0  # another process did it while we waited
            rows = connection.execute(
                f"SELECT {_COLUMNS} FROM article WHERE shard = ?", (shard.number,)
            ).fetchall()
            stored = {row[1]: _Row(*row) for row in rows}
            changed = 0
            for record in shard.records:
                entry = SearchEntry.of_record(record)
                if entry is not None:
                    changed += self._put(shard.number, entry, stored.pop(entry.article_id, None),
                                         read_body)  # fmt: skip
            for gone in stored.values():
                self._remove(gone, read_body)
            self._record(shard.number, shard.signature)
            return changed + len(stored)

    @_rebuilt_when_damaged
    def apply(self, changes: Iterable[ShardWrite], read_body: BodyReader) -> None:
        """A writer's flush (hold the articles' write lock, as for the entity catalog):
        shards the index described as they were before take only the articles written; the
        others stay stale for a reader to bring up to date."""
        if self._connection is None and not self.path.exists():
            return  # no index yet: the first search builds it whole
        connection = self._connect()
        with transaction(connection):
            stored = self._signatures()
            for change in changes:
                if stored.get(change.number, "absent") != _signature_text(change.before):
                    continue
                for article_id, record in change.records.items():
                    old = self._row(article_id)
                    entry = SearchEntry.of_record(record) if record is not None else None
                    if entry is not None:
                        self._put(change.number, entry, old, read_body)
                    elif old is not None:
                        self._remove(old, read_body)
                self._record(change.number, change.after)

    def _signatures(self) -> dict[int, str]:
        rows = self._connect().execute("SELECT number, signature FROM shard").fetchall()
        return dict(rows)

    def _record(self, number: int, signature: FileSignature | None) -> None:
        self._connect().execute(
            "INSERT OR REPLACE INTO shard (number, signature) VALUES (?, ?)",
            (number, _signature_text(signature)),
        )

    def _row(self, article_id: str) -> _Row | None:
        found = (
            self._connect()
            .execute(f"SELECT {_COLUMNS} FROM article WHERE id = ?", (article_id,))
            .fetchone()
        )
        return _Row(*found) if found is not None else None

    def _put(self, shard: int, entry: SearchEntry, old: _Row | None, read_body: BodyReader) -> int:
        """Index ``entry`` (``old``: its row, if it has one); 1 if anything changed, else 0."""
        connection = self._connect()
        metadata = (entry.date, entry.feed_id, entry.source, entry.source.casefold(),
                    entry.author, entry.author.casefold(), entry.url)  # fmt: skip
        if old is not None and (old.title, old.standfirst, old.body_hash) == (
            entry.title, entry.standfirst, entry.body_hash,
        ):  # fmt: skip
            if (old.date, old.feed_id, old.source, old.author, old.url) == (
                entry.date, entry.feed_id, entry.source, entry.author, entry.url,
            ):  # fmt: skip
                return 0
            connection.execute(
                "UPDATE article SET date = ?, feed_id = ?, source = ?, source_folded = ?, "
                "author = ?, author_folded = ?, url = ? WHERE num = ?",
                (*metadata, old.num),
            )
            return 1
        if old is not None:
            self._remove(old, read_body)
        body = read_body(entry.body_hash) if entry.body_hash else None
        indexed_hash = entry.body_hash if body is not None else ""
        row = (entry.article_id, shard, *metadata, entry.title, entry.standfirst, indexed_hash)
        try:
            cursor = connection.execute(_INSERT_ARTICLE, row)
        except sqlite3.IntegrityError:
            # Indexed already from another shard (a shard edited by hand, or one id twice
            # in a damaged one): the record read last stands, as in the library.
            duplicate = self._row(entry.article_id)
            assert duplicate is not None
            self._remove(duplicate, read_body)
            cursor = connection.execute(_INSERT_ARTICLE, row)
        connection.execute(_INSERT_TEXT, (cursor.lastrowid, entry.title, entry.standfirst,
                                          body or ""))  # fmt: skip
        return 1

    def _remove(self, old: _Row, read_body: BodyReader) -> None:
        """Take an article out: its words, when its body can still be read (else they stay
        behind, under a number no article will have again), then its row."""
        connection = self._connect()
        body = read_body(old.body_hash) if old.body_hash else ""
        if body is None:
            connection.execute("UPDATE meta SET value = value + 1 WHERE key = 'leftovers'")
        else:
            connection.execute(_DELETE_TEXT, (old.num, old.title, old.standfirst, body))
        connection.execute("DELETE FROM article WHERE num = ?", (old.num,))

    # Asking it

    @_rebuilt_when_damaged
    def find(
        self, plan: QueryPlan, *, by_date: bool = False, limit: int | None = None
    ) -> list[tuple[str, float | None]]:
        """The ids of the articles ``plan`` finds, each with its relevance (higher is better;
        None without words to rank by): best first, recency breaking ties; or newest first
        when ``by_date``."""
        newest = "a.date DESC, a.id DESC"
        weights = ", ".join(map(str, WEIGHTS))
        if plan.match is not None:
            score = "NULL" if by_date else f"-bm25(text, {weights})"
            sql = (
                f"SELECT a.id, {score} AS score FROM text JOIN article a ON a.num = text.rowid "
                f"WHERE text MATCH ? AND {plan.where} "
                f"ORDER BY {newest if by_date else 'score DESC, ' + newest}"
            )
            params: Sequence[Any] = (plan.match, *plan.params)
        elif plan.ranking is not None and not by_date:
            sql = (
                f"SELECT a.id, r.score FROM article a LEFT JOIN "
                f"(SELECT rowid AS num, -bm25(text, {weights}) AS score FROM text "
                f"WHERE text MATCH ?) r ON r.num = a.num "
                f"WHERE {plan.where} ORDER BY r.score IS NULL, r.score DESC, {newest}"
            )
            params = (plan.ranking, *plan.params)
        else:
            sql = f"SELECT a.id, NULL FROM article a WHERE {plan.where} ORDER BY {newest}"
            params = plan.params
        rows = self._connect().execute(f"{sql} LIMIT ?", (*params, -1 if limit is None else limit))
        return [(article_id, score) for article_id, score in rows]

    @_rebuilt_when_damaged
    def describe(self, article_ids: Iterable[str]) -> dict[str, IndexedArticle]:
        """What the index holds of these articles (those it has), for a line of output each."""
        connection = self._connect()
        found: dict[str, IndexedArticle] = {}
        for article_id in article_ids:
            row = connection.execute(
                "SELECT id, title, date, source, author, url, feed_id FROM article WHERE id = ?",
                (article_id,),
            ).fetchone()
            if row is not None:
                found[article_id] = IndexedArticle(*row)
        return found

    @_rebuilt_when_damaged
    def __len__(self) -> int:
        return int(self._connect().execute("SELECT count(*) FROM article").fetchone()[0])
