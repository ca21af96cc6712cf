"""The article cache: saving, flushing, reopening, corruption, the one-writer lock."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.db import CorruptStoreError, StoreLockedError
from store.ingest.importer import import_seeds
from store.library import Library, SaveOutcome
from store.models import Article
from store.paths import DataPaths
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
    assert not paths.articles_db.exists()
    library.flush()
    assert paths.articles_db.exists()
    library.close()


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


def test_corrupt_cache_is_set_aside_and_kept(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    paths.articles_db.write_text('{"articles": {"1": {"id": "x"', encoding="utf-8")
    with Library(paths) as library:
        assert library.recovered_from is not None
        assert library.recovered_from.read_text(encoding="utf-8").startswith('{"articles"')
        assert len(library) == 0


def test_corrupt_cache_read_only_raises_a_clear_error(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    paths.articles_db.write_bytes(b"\x00\x01garbage")
    with pytest.raises(CorruptStoreError, match="not a readable Broadsheet database"):
        Library(paths, writable=False)


def test_second_writer_is_refused_with_a_clear_message(paths: DataPaths) -> None:
    with Library(paths):
        with pytest.raises(StoreLockedError, match="another Broadsheet is already using"):
            Library(paths)
        # Readers are never blocked by the writer.
        with Library(paths, writable=False) as reader:
            assert len(reader) == 0


def test_lock_held_by_another_process(paths: DataPaths) -> None:
    script = (
        "import sys, time; from store.library import Library; from store.paths import DataPaths;"
        "from pathlib import Path; lib = Library(DataPaths(Path(sys.argv[1])));"
        "print('locked', flush=True); sys.stdin.readline()"
    )
    holder = subprocess.Popen(
        [sys.executable, "-c", script, str(paths.home)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent)},
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "locked"
        with pytest.raises(StoreLockedError):
            Library(paths)
    finally:
        holder.communicate("\n", timeout=10)
    with Library(paths):
        pass


def test_flush_replaces_the_file_atomically(paths: DataPaths) -> None:
    with Library(paths) as library:
        library.save(article(), "Body.")
        library.flush()
        inode_before = paths.articles_db.stat().st_ino
        library.save(article("a2"), "Other body.")
        library.flush()
        assert paths.articles_db.stat().st_ino != inode_before
    leftovers = [p.name for p in paths.home.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_temporary_files_of_a_killed_writer_are_cleaned_up(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    leftover = paths.home / ".articles.json.abc123.tmp"
    leftover.write_bytes(b'{"articles": {')
    with Library(paths):
        pass
    assert not leftover.exists()


def test_a_body_cut_short_by_a_crash_reads_as_missing_and_is_rewritten(paths: DataPaths) -> None:
    body = "A paragraph long enough to be cut short.\n\nAnd another one."
    with Library(paths) as library:
        saved, _ = library.save(article(), body)
        body_file = paths.body_file(saved.body_hash)
        body_file.write_bytes(body.encode("utf-8")[:20])  # what a crash mid-write leaves
        assert library.body(saved) == ""
        library.save(article("a2"), body)  # the same text arrives again
        assert library.body(saved) == body
