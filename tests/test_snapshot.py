"""The quick-start copy of the shards (store.snapshot): read only where it is still true.

A library read without entity summaries (the app's) takes each shard from the copy while the
shard file has the signature the copy was made from, and reads every other shard from its
JSON. So the copy can make a start quick but never show an article as it no longer is.
"""

from __future__ import annotations

import marshal
import zlib
from dataclasses import replace
from pathlib import Path

import pytest

from store.annotations import HighlightStore
from store.library import Library
from store.models import ENTITIES_NOT_LOADED, Article
from store.paths import DataPaths, shard_of
from store.snapshot import ROW_FIELDS, article_from_row, article_row, read_snapshot
from store.table_file import TableFile
from tests.pilot import settle
from tui.app import BroadsheetApp


def fill(paths: DataPaths, count: int = 40) -> None:
    with Library(paths) as library:
        for n in range(count):
            article = Article(
                id=f"a{n}", title=f"Story {n}", body_hash="", source="Wire",
                url=f"https://news.example/{n}", published=f"2026-01-{n % 28 + 1:02d}T08:00Z",
            )  # fmt: skip
            library.save(article, f"Body of story {n}, told once.")
        library.flush()


def shard_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The shard files read from their JSON from now on (the others: not there at all)."""
    read: list[Path] = []
    load = TableFile.load

    def counting(self: TableFile[Article]) -> None:
        if self.path.exists():
            read.append(self.path)
        load(self)

    monkeypatch.setattr(TableFile, "load", counting)
    return read


def as_the_app_reads(paths: DataPaths) -> list[Article]:
    with Library(paths, keep_entities=False) as library:
        return library.articles()


def test_a_writer_leaves_a_copy_and_the_app_starts_from_it(
    paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(paths)
    assert paths.shard_snapshot.exists()  # the writer (a refresh, say) left one
    with Library(paths, keep_entities=False) as library:
        library.set_read("a3")
        library.set_starred("a5")
    paths.shard_snapshot.unlink()
    from_json = as_the_app_reads(paths)
    assert paths.shard_snapshot.exists()  # made again by the app's library
    reads = shard_reads(monkeypatch)
    from_copy = as_the_app_reads(paths)
    assert reads == []  # every shard came from the copy
    assert from_copy == from_json
    assert [a.id for a in from_copy if a.read] == ["a3"]  # read state: its journal, laid on
    assert [a.id for a in from_copy if a.starred] == ["a5"]
    assert all(article.entities is ENTITIES_NOT_LOADED for article in from_copy)


def test_a_shard_another_process_rewrote_is_read_from_its_json(
    paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    fill(paths)
    copy = paths.shard_snapshot.read_bytes()
    with Library(paths) as other:
        other.update(replace_title(other.get("a7"), "Story 7, corrected"))
        other.flush()
    paths.shard_snapshot.write_bytes(copy)  # as if the other process left no new copy
    reads = shard_reads(monkeypatch)
    articles = {article.id: article for article in as_the_app_reads(paths)}
    assert articles["a7"].title == "Story 7, corrected"
    assert reads == [paths.article_shard(shard_of("a7"))]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[:-10],
        lambda data: data[:4] + bytes([data[4] ^ 1]) + data[5:],
        lambda data: b"",
        lambda data: marshal.dumps("not a snapshot"),
    ],
)
def test_a_damaged_copy_is_not_read_and_is_made_again(paths: DataPaths, damage: object) -> None:
    fill(paths)
    expected = as_the_app_reads(paths)
    assert callable(damage)
    paths.shard_snapshot.write_bytes(damage(paths.shard_snapshot.read_bytes()))
    assert read_snapshot(paths.shard_snapshot) == {}
    assert as_the_app_reads(paths) == expected
    assert read_snapshot(paths.shard_snapshot) != {}


def test_a_copy_of_another_format_is_not_read(paths: DataPaths) -> None:
    fill(paths)
    data = paths.shard_snapshot.read_bytes()
    header, shards = marshal.loads(data[4:])
    other = marshal.dumps(((header[0] + 1, *header[1:]), shards))
    paths.shard_snapshot.write_bytes(zlib.crc32(other).to_bytes(4, "big") + other)
    assert read_snapshot(paths.shard_snapshot) == {}


async def test_the_app_makes_the_copy_once_the_list_is_painted(paths: DataPaths) -> None:
    fill(paths)
    paths.shard_snapshot.unlink()
    library = Library(paths, keep_entities=False)
    app = BroadsheetApp(library, HighlightStore(paths, load=False))
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            await app.workers.wait_for_complete()
            assert set(read_snapshot(paths.shard_snapshot)) == {
                shard_of(f"a{n}") for n in range(40)
            }
    finally:
        app.highlights.close()
        library.close()


def test_commands_that_only_read_write_no_copy(paths: DataPaths) -> None:
    fill(paths)
    paths.shard_snapshot.unlink()
    with Library(paths) as library:  # as `list` or `show` open it
        assert len(library) == 40
    assert not paths.shard_snapshot.exists()


def test_a_row_holds_every_field_but_read_state_and_entities() -> None:
    article = Article(id="x", title="T", body_hash="h", read=True, starred=True, word_count=3)
    row = article_row(article)
    assert len(row) == len(ROW_FIELDS)
    assert "read" not in ROW_FIELDS and "entities" not in ROW_FIELDS
    back = article_from_row(row, True, True, article.entities)
    assert back == article


def replace_title(article: Article | None, title: str) -> Article:
    assert article is not None
    return replace(article, title=title)
