"""Article bodies: stored once by hash in SQLite, checked on every read, shared safely."""

from __future__ import annotations

import sqlite3
from concurrent.futures import ThreadPoolExecutor

from store.bodies import BodyStore
from store.library import Library
from store.paths import DataPaths


def test_many_threads_writing_the_same_new_text_all_succeed(paths: DataPaths) -> None:
    bodies = BodyStore(paths)
    texts = [f"Paragraph {n % 7} of a text that several feeds share." for n in range(200)]
    with ThreadPoolExecutor(8) as pool:
        hashes = list(pool.map(bodies.write, texts))
    assert len(set(hashes)) == 7
    for text, body_hash in zip(texts, hashes, strict=True):
        assert bodies.read(body_hash) == text
    with sqlite3.connect(paths.bodies_db) as connection:
        assert connection.execute("SELECT count(*) FROM body").fetchone() == (7,)


def test_a_damaged_body_reads_as_missing_and_the_next_save_repairs_it(paths: DataPaths) -> None:
    bodies = BodyStore(paths)
    body_hash = bodies.write("Some text.")
    with sqlite3.connect(paths.bodies_db) as connection:
        connection.execute("UPDATE body SET text = 'Some tex!'")
    assert bodies.read(body_hash) is None
    assert bodies.read("f" * 64) is None
    assert bodies.write("Some text.") == body_hash
    assert bodies.read(body_hash) == "Some text."


def test_body_files_of_an_older_home_are_still_read(paths: DataPaths) -> None:
    bodies = BodyStore(paths)
    old_hash = bodies.write("An old text.")
    with sqlite3.connect(paths.bodies_db) as connection:
        connection.execute("DELETE FROM body")
    old_file = paths.body_file(old_hash)
    old_file.parent.mkdir(parents=True)
    old_file.write_text("An old text.", encoding="utf-8")
    assert BodyStore(paths).read(old_hash) == "An old text."
    old_file.write_text("An old tex!", encoding="utf-8")
    assert BodyStore(paths).read(old_hash) is None


def test_a_home_without_the_database_reads_without_creating_it(paths: DataPaths) -> None:
    assert BodyStore(paths).read("0" * 64) is None
    BodyStore(paths).sync()
    assert not paths.bodies_db.exists()


def test_a_damaged_database_is_set_aside_and_said(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True, exist_ok=True)
    paths.bodies_db.write_bytes(b"not a database, whatever it once was" * 200)
    with Library(paths) as library:
        assert library.recovered_from is not None
        assert library.recovered_from.name == "bodies.sqlite.corrupt"
        assert library.recovered_from.read_bytes().startswith(b"not a database")
        body_hash = library.bodies.write("A new text.")
        assert library.bodies.read(body_hash) == "A new text."
