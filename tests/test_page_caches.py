"""SQLite's page caches stay small between writes: the app opens article after article, and
each open reads a text and asks the catalog; with SQLite's default 2 MB per connection that
was memory growing with every article for nothing the OS's file cache does not give."""

from __future__ import annotations

import sqlite3

from store.bodies import PAGE_CACHE_KIB as BODY_PAGE_CACHE_KIB
from store.derived_db import PAGE_CACHE_KIB, WRITE_PAGE_CACHE_KIB, open_derived, transaction
from store.library import Library
from store.models import Article
from store.paths import DataPaths


def cache_kib(connection: sqlite3.Connection) -> int:
    return -int(connection.execute("PRAGMA cache_size").fetchone()[0])


def test_the_bodies_connection_keeps_a_small_cache(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(Article(id="a", title="A", body_hash=""), "A text.")
        library.flush()
        assert cache_kib(library.bodies._connect()) == BODY_PAGE_CACHE_KIB < 2000


def test_derived_data_writes_with_a_larger_cache_and_lets_it_go(paths: DataPaths) -> None:
    paths.derived_dir.mkdir(parents=True)
    connection = open_derived(paths.derived_dir / "x.sqlite", "CREATE TABLE t (n)", 1, 1.0)
    try:
        assert cache_kib(connection) == PAGE_CACHE_KIB < 2000
        with transaction(connection):
            assert cache_kib(connection) == WRITE_PAGE_CACHE_KIB
            connection.execute("INSERT INTO t VALUES (1)")
        assert cache_kib(connection) == PAGE_CACHE_KIB
        assert connection.execute("SELECT n FROM t").fetchall() == [(1,)]
    finally:
        connection.close()


def sqlite_memory_used() -> int:
    """SQLite's own count of the memory it holds, all connections of this process."""
    import _sqlite3
    import ctypes
    import ctypes.util

    try:
        used = ctypes.CDLL(_sqlite3.__file__).sqlite3_memory_used
    except AttributeError:
        used = ctypes.CDLL(ctypes.util.find_library("sqlite3")).sqlite3_memory_used
    used.restype = ctypes.c_int64
    return int(used())


def test_an_app_lets_go_of_the_pages_its_reads_kept(paths: DataPaths) -> None:
    with Library(paths) as library:
        saved = [
            library.save(Article(id=f"a{n}", title=f"A{n}", body_hash=""), f"Text {n}. " * 400)[0]
            for n in range(60)
        ]
        library.flush()
        for article in saved:  # as opening article after article reads each text
            assert library.read_body(article)
        holding = sqlite_memory_used()
        library.release_page_caches()
        assert sqlite_memory_used() < holding - 100_000
        assert library.read_body(saved[0]) == "Text 0. " * 400  # read again
