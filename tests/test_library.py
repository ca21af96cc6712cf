"""The article cache: saving, flushing, reopening, corruption, sharing a home, migration."""

from __future__ import annotations

import os
import pickle
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from store.entities.refresh import refresh_article
from store.ingest.importer import import_seeds
from store.library import Library, SaveOutcome
from store.listing import naming, read_shards
from store.models import ENTITIES_NOT_LOADED, Article
from store.paths import DataPaths, shard_of
from tests.conftest import BUNDLED_SEED, SEED_DATA


def article(article_id: str = "a1", title: str = "Title") -> Article:
    return Article(id=article_id, title=title, body_hash="")


def test_save_derives_body_hash_and_survives_reopen(paths: DataPaths) -> None:
    with Library(paths) as library:
        saved, outcome = library.save(article(), "First paragraph.\n\nSecond.")
        assert outcome is SaveOutcome.NEW
        assert saved.word_count == 3
    with Library(paths, writable=False) as reopened:
        stored = reopened.get("a1")
        assert stored is not None
        assert stored.body_hash == saved.body_hash
        assert reopened.body(stored) == "First paragraph.\n\nSecond."


def test_nothing_reaches_disk_until_flush(paths: DataPaths) -> None:
    library = Library(paths)
    library.save(article(), "Body.")
    shard = paths.article_shard(shard_of("a1"))
    assert not shard.exists()
    library.flush()
    assert shard.exists()
    library.close()


def test_a_flush_rewrites_only_the_shards_that_changed(paths: DataPaths) -> None:
    ids = [f"article-{number}" for number in range(200)]
    with Library(paths) as library:
        for article_id in ids:
            library.save(article(article_id), f"Body of {article_id}.")
        library.flush()
        inodes = {number: paths.article_shard(number).stat().st_ino for number in range(64)}
        library.save(article(ids[0], title="Changed"), f"Body of {ids[0]}.")
        library.flush()
    changed = shard_of(ids[0])
    after = {number: paths.article_shard(number).stat().st_ino for number in range(64)}
    assert after[changed] != inodes[changed]
    assert {n: i for n, i in after.items() if n != changed} == {
        n: i for n, i in inodes.items() if n != changed
    }


def test_read_and_star_are_durable_when_the_call_returns(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(article(), "Body.")
        library.flush()
    writer = Library(paths)
    assert writer.set_read("a1") is not None
    starred = writer.set_starred("a1")
    assert starred is not None and starred.read and starred.starred
    # No flush and no close: another process opening the home sees both at once.
    with Library(paths, writable=False) as other:
        seen = other.get("a1")
        assert seen is not None and seen.read and seen.starred
    unread = writer.set_read("a1", False)
    assert unread is not None and not unread.read and unread.starred
    writer.close()


def test_two_libraries_on_one_home_keep_each_others_changes(paths: DataPaths) -> None:
    first, second = Library(paths), Library(paths)
    # Two ids in the same shard, so the second flush must merge with the first.
    same_shard = [f"x{number}" for number in range(500) if shard_of(f"x{number}") == 0][:2]
    first.save(article(same_shard[0]), "From the first.")
    first.flush()
    second.save(article(same_shard[1]), "From the second.")
    second.flush()
    second.set_starred(same_shard[1])
    changes = first.poll_changes()
    assert set(changes.articles) == {same_shard[1]}
    seen = first.get(same_shard[1])
    assert seen is not None and seen.starred
    first.close()
    second.close()
    with Library(paths, writable=False) as reopened:
        assert {a.id for a in reopened.articles()} == set(same_shard)


def test_poll_changes_costs_nothing_when_nothing_changed(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(article(), "Body.")
        library.flush()
        library.set_read("a1")
        assert not library.poll_changes()


def test_resave_keeps_read_state_and_reports_unchanged(library: Library) -> None:
    library.save(article(), "Body.")
    library.set_read("a1")
    saved, outcome = library.save(article(), "Body.")
    assert outcome is SaveOutcome.UNCHANGED
    assert saved.read
    updated, outcome = library.save(article(title="New title"), "Body.")
    assert outcome is SaveOutcome.UPDATED
    assert updated.read and updated.title == "New title"


def test_articles_are_newest_first(library: Library) -> None:
    library.save(Article(id="old", title="Old", body_hash="", published="2020-01-01"), "x")
    library.save(Article(id="new", title="New", body_hash="", published="2026-01-01"), "y")
    assert [a.id for a in library.articles()] == ["new", "old"]


def test_import_is_idempotent(library: Library) -> None:
    first = import_seeds(library, [BUNDLED_SEED, SEED_DATA])
    second = import_seeds(library, [BUNDLED_SEED, SEED_DATA])
    assert second.new == [] and second.updated == []
    assert len(second.unchanged) == first.imported
    assert len(library) == len(first.new)


def test_import_reports_bad_files_and_imports_the_rest(library: Library) -> None:
    report = import_seeds(library, [SEED_DATA])
    failed = {path.name: reason for path, reason in report.failures}
    assert set(failed) == {"binary.txt", "empty.txt", "whitespace.txt", "bad_front_matter.md"}
    assert report.imported == 9
    # The three encodings of one article are one article: ids derive from content.
    assert len(report.new) == 7


def test_a_corrupt_shard_is_set_aside_kept_and_rebuilt(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(article(), "Body.")
    shard = paths.article_shard(shard_of("a1"))
    shard.write_text('{"articles": {"1": {"id": "x"', encoding="utf-8")
    with Library(paths) as library:
        assert library.recovered_from is not None
        assert library.recovered_from.read_text(encoding="utf-8").startswith('{"articles"')
        # Rebuilt from the copy in bodies.sqlite (tests/test_damage.py has the rest).
        assert [a.id for a in library.articles()] == ["a1"]


def test_a_corrupt_shard_read_only_is_read_as_far_as_it_goes(
    paths: DataPaths, caplog: pytest.LogCaptureFixture
) -> None:
    paths.articles_dir.mkdir(parents=True)
    paths.article_shard(3).write_bytes(b"\x00\x01garbage")
    with Library(paths, writable=False) as library:
        assert len(library) == 0
    assert paths.article_shard(3).read_bytes() == b"\x00\x01garbage"
    assert "03.json is not a readable Broadsheet database" in caplog.text


def test_a_lock_left_by_a_killed_process_never_blocks(paths: DataPaths) -> None:
    script = (
        "import sys, time; from pathlib import Path; from store.db import WriteLock;"
        "lock = WriteLock(Path(sys.argv[1])); held = lock.held(); held.__enter__();"
        "print('locked', flush=True); time.sleep(60)"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(paths.articles_lock)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    assert holder.stdout is not None
    assert holder.stdout.readline().strip() == "locked"
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=10)
    with Library(paths) as library:
        library.save(article(), "Body.")
        library.flush()
    assert paths.article_shard(shard_of("a1")).exists()


def test_flush_replaces_a_shard_atomically(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(article(), "Body.")
        library.flush()
        shard = paths.article_shard(shard_of("a1"))
        inode_before = shard.stat().st_ino
        library.save(article("a1", title="Retitled"), "Body.")
        library.flush()
        assert shard.stat().st_ino != inode_before
    leftovers = [p.name for p in paths.articles_dir.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_temporary_files_of_a_killed_writer_are_cleaned_up(paths: DataPaths) -> None:
    paths.articles_dir.mkdir(parents=True)
    leftover = paths.articles_dir / ".07.json.abc123.tmp"
    leftover.write_bytes(b'{"articles": {')
    with Library(paths):
        pass
    assert not leftover.exists()


def test_a_one_file_cache_is_migrated_with_a_backup(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    records = {
        str(number): {"id": f"old{number}", "title": f"Old {number}", "body_hash": "",
                      "read": number % 2 == 0, "starred": number == 3}
        for number in range(1, 41)
    }  # fmt: skip
    legacy = orjson.dumps({"articles": records})
    paths.legacy_articles_db.write_bytes(legacy)
    with Library(paths) as library:
        assert len(library) == 40
        assert {a.id for a in library.articles() if a.read} == {f"old{n}" for n in range(2, 41, 2)}
        assert [a.id for a in library.articles() if a.starred] == ["old3"]
    assert not paths.legacy_articles_db.exists()
    backup = paths.home / "articles.json.v1-backup"
    assert backup.read_bytes() == legacy
    with Library(paths, writable=False) as reopened:  # nothing is migrated twice
        assert len(reopened) == 40


def test_a_damaged_body_reads_as_missing_and_is_rewritten(paths: DataPaths) -> None:
    body = "A paragraph long enough to be cut short.\n\nAnd another one."
    with Library(paths) as library:
        saved, _ = library.save(article(), body)
        with sqlite3.connect(paths.bodies_db) as connection:
            connection.execute("UPDATE body SET text = substr(text, 1, 20)")
        assert library.body(saved) == ""
        library.save(article("a2"), body)  # the same text arrives again
        assert library.body(saved) == body


def test_a_library_read_without_entities_stores_them_all_the_same(paths: DataPaths) -> None:
    bodies = {f"a{n}": f"Officials in Kyoto met Marta Quinlan on day {n}." for n in range(6)}
    with Library(paths) as full:
        for article_id, body in bodies.items():
            full.save(article(article_id), body)
    with Library(paths) as full:
        before = {a.id: a.entities for a in full.articles()}
    with Library(paths, keep_entities=False) as app:
        assert all(a.entities is ENTITIES_NOT_LOADED for a in app.articles())
        assert app.save(article("a0"), bodies["a0"])[1] is SaveOutcome.UNCHANGED
        app.save(article("a1", title="A new headline"), bodies["a1"])
        app.save(article("a2"), "Officials in Osaka agreed.")  # new text, new entities
        app.remove("a3")
        app.set_read("a4")
        opened, _ = refresh_article(app, app.get("a5"))
        assert opened.entities == before["a5"]  # made from the mentions, as stored
    with Library(paths) as full:
        after = {a.id: a for a in full.articles()}
    assert set(after) == {"a0", "a1", "a2", "a4", "a5"}
    for kept in ("a0", "a1", "a4", "a5"):
        assert after[kept].entities == before[kept] and len(after[kept].entities) == 2
    assert after["a1"].title == "A new headline"
    assert [s.key for s in after["a2"].entities] == ["Osaka"]
    # The catalog was kept from the records as written, summaries included.
    keys, ids = naming(paths, read_shards(paths), "Kyoto")
    assert (keys, ids) == (["Kyoto"], {"a0", "a1", "a4", "a5"})


def test_a_flush_keeps_what_another_version_stored(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(article("a1"), "One text.")
        library.save(article("a2"), "Another text.")
    shard = paths.article_shard(shard_of("a1"))
    stored = orjson.loads(shard.read_bytes())
    for record in stored["articles"].values():
        if record["id"] == "a1":
            record["read_aloud"] = {"voice": "Ada"}  # a field this version does not know
    shard.write_bytes(orjson.dumps(stored))
    with Library(paths) as library:
        if shard_of("a2") == shard_of("a1"):
            library.save(article("a2", title="Changed"), "Another text.")
        library.save(article("a1", title="Changed"), "One text.")
    records = orjson.loads(shard.read_bytes())["articles"].values()
    (a1,) = [record for record in records if record["id"] == "a1"]
    assert a1["read_aloud"] == {"voice": "Ada"} and a1["title"] == "Changed"


def test_an_article_read_without_entities_stays_so_in_a_worker_process() -> None:
    lean = Article(id="a1", title="T", body_hash="0" * 64, entities=ENTITIES_NOT_LOADED)
    assert pickle.loads(pickle.dumps(lean)).entities is ENTITIES_NOT_LOADED
