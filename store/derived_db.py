"""The SQLite plumbing of derived data (the entity catalog, the search index).

Derived data is rebuilt, never repaired: a file of another schema version (or not ours at
all) is emptied and made afresh, and a damaged one is deleted by its owner and opened again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

PAGE_CACHE_KIB = 512
"""SQLite's page cache per connection, between writes. Its default (2 MB) filled as the app
opened article after article, each asking the catalog about other names: memory that grew
for reads the OS's cache of the file serves about as fast."""
WRITE_PAGE_CACHE_KIB = 2000
"""During a write transaction: SQLite's default. With 512 KB, building the catalog of
50,000 articles took 8.2 s rather than 6.7 s (index pages spilled and read again)."""


def open_derived(
    where: Path | str, schema: str, version: int, timeout: float
) -> sqlite3.Connection:
    """A connection to ``where`` holding ``schema`` at ``version`` (emptied and made afresh
    when it holds anything else). WAL with NORMAL sync: a crash may lose the last transaction
    but never corrupts, and losing it only makes a shard stale, which the next reader mends."""
    connection = sqlite3.connect(
        where, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        if _version(connection) != version:
            with transaction(connection):
                if _version(connection) != version:  # not made while we waited
                    _drop_everything(connection)
                    for statement in schema.split(";"):
                        if statement.strip():
                            connection.execute(statement)
                    connection.execute(f"PRAGMA user_version={version}")
    except sqlite3.DatabaseError:
        connection.close()
        raise
    return connection


def delete_files(path: Path) -> None:
    """The database and its WAL side files."""
    for suffix in ("", "-wal", "-shm"):
        with contextlib.suppress(FileNotFoundError):
            Path(f"{path}{suffix}").unlink()


@contextlib.contextmanager
def transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction, taken at once (so two writers queue rather than deadlock),
    with a larger page cache while it lasts, let go after."""
    connection.execute(f"PRAGMA cache_size=-{WRITE_PAGE_CACHE_KIB}")
    try:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
    finally:
        connection.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        connection.execute("PRAGMA shrink_memory")


def _version(connection: sqlite3.Connection) -> int:
    return int(connection.execute("PRAGMA user_version").fetchone()[0])


def _drop_everything(connection: sqlite3.Connection) -> None:
    """Empty a file of another schema: virtual tables first, which take their shadow tables
    with them."""
    tables = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    ).fetchall()
    virtual = [name for name, sql in tables if (sql or "").upper().startswith("CREATE VIRTUAL")]
    for name in [*virtual, *(name for name, _ in tables if name not in virtual)]:
        quoted = name.replace('"', '""')
        connection.execute(f'DROP TABLE IF EXISTS "{quoted}"')
