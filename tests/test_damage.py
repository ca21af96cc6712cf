"""Damaged files lose none of the user's data, and a damaged record names itself (issue 13,
bugs 6 and 7).

The article metadata holds what the user saved, imported, read, starred and highlighted; the
feeds file what they follow. A file cut off or emptied is rebuilt (from the copy each flush
leaves in bodies.sqlite, a backup, what the file still holds), kept beside, and said; a
record of the wrong shape is named, skipped, and kept in its file by every later write.
"""

from __future__ import annotations

import itertools
import json
import logging
import sqlite3
from pathlib import Path

import orjson
import pytest

from store.annotations import HighlightStore
from store.db import CorruptStoreError
from store.feeds import Feed, FeedStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths, shard_of
from store.restore import restore_highlighted_articles
from tui.app import BroadsheetApp
from tui.cli import main
from tui.launch import open_home
from tui.widgets.article_list import ArticleList

SHARD = 7
BODY = "The ferry ran again on Monday after a week of storms had kept it in harbour."


def ids_in_shard(count: int, shard: int = SHARD) -> list[str]:
    """Article ids that all land in one shard, so that damage to it touches each."""
    found = (f"art-{n}" for n in itertools.count())
    return list(itertools.islice((i for i in found if shard_of(i) == shard), count))


def users_articles(paths: DataPaths) -> dict[str, Article]:
    """A saved page, an imported file, and feed articles read and starred: all one shard."""
    page, imported, read, starred, plain = ids_in_shard(5)
    with Library(paths) as library:
        library.save(Article(id=page, title="A page saved", body_hash="",
                             url="https://example.org/saved"), BODY + " Page.")  # fmt: skip
        library.save(Article(id=imported, title="An imported file", body_hash="",
                             origin="/notes/file.md"), BODY + " File.")  # fmt: skip
        for article_id in (read, starred, plain):
            library.save(Article(id=article_id, title=f"Feed story {article_id}", body_hash="",
                                 feed_id="feed-1"), f"{BODY} {article_id}.")  # fmt: skip
        library.flush()
        library.set_read(read)
        library.set_starred(starred)
        return {article.id: article for article in library.articles()}


def cut_in_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


@pytest.mark.parametrize("damage", [cut_in_half, lambda path: path.write_bytes(b"")])
def test_a_damaged_shard_keeps_every_article_of_the_user(
    paths: DataPaths, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    before = users_articles(paths)
    shard = paths.article_shard(SHARD)
    damage(shard)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, "broadsheet"), Library(paths) as library:
        after = {article.id: article for article in library.articles()}
        assert after == before
        assert library.recovered_from == shard.with_name(shard.name + ".corrupt")
        library.save(Article(id=ids_in_shard(6)[5], title="Next", body_hash=""), "More.")
    said = caplog.text
    assert str(shard) in said and "5 articles" in said and "kept as 07.json.corrupt" in said
    # A refresh or import that writes the shard again drops nothing.
    with Library(paths, writable=False) as reopened:
        assert before.keys() < {article.id for article in reopened.articles()}


def test_a_home_from_before_the_copy_gets_one_on_open(paths: DataPaths) -> None:
    before = users_articles(paths)
    with sqlite3.connect(paths.bodies_db) as connection:  # as a home of the last version
        connection.execute("DELETE FROM article")
        connection.execute("DELETE FROM meta WHERE key = 'articles-mirrored'")
    with Library(paths):
        pass  # copies every article
    paths.article_shard(SHARD).write_bytes(b"")
    with Library(paths) as library:
        assert {article.id: article for article in library.articles()} == before


def test_what_a_cut_off_shard_still_holds_is_read_back(paths: DataPaths) -> None:
    """Without the copy (lost with a damaged bodies.sqlite, say), every whole record before
    the cut is still read from the damaged file."""
    before = users_articles(paths)
    with sqlite3.connect(paths.bodies_db) as connection:
        connection.execute("DELETE FROM article")
    shard = paths.article_shard(SHARD)
    data = shard.read_bytes()
    last = data.rindex(b'"5":{')  # the start of the last record: the cut falls inside it
    shard.write_bytes(data[: last + 20])
    with Library(paths) as library:
        assert len(library) == 4 and set(before) > {a.id for a in library.articles()}


def test_a_read_only_library_reads_a_damaged_shard_and_leaves_it(paths: DataPaths) -> None:
    before = users_articles(paths)
    shard = paths.article_shard(SHARD)
    cut_in_half(shard)
    damaged = shard.read_bytes()
    with Library(paths, writable=False) as library:
        assert {article.id: article for article in library.articles()} == before
    assert shard.read_bytes() == damaged
    assert not shard.with_name(shard.name + ".corrupt").exists()


def test_list_reads_a_damaged_shard_without_a_library(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    before = users_articles(paths)
    paths.article_shard(SHARD).write_bytes(b"")
    assert main(["list", "--json"]) == 0
    captured = capsys.readouterr()
    assert {article["id"] for article in json.loads(captured.out)} == set(before)
    assert "07.json" in captured.err and "the file is empty" in captured.err


def test_a_cut_off_one_file_cache_of_an_old_version_keeps_what_it_can(paths: DataPaths) -> None:
    paths.home.mkdir(parents=True)
    records = {str(n): {"id": f"old{n}", "title": f"Old {n}", "body_hash": "", "read": n == 2}
               for n in range(1, 11)}  # fmt: skip
    data = orjson.dumps({"articles": records})
    paths.legacy_articles_db.write_bytes(data[: data.index(b'"10":')])
    with Library(paths) as library:
        assert len(library) == 9
        assert [article.id for article in library.articles() if article.read] == ["old2"]
    assert (paths.home / "articles.json.corrupt").exists()


def test_articles_highlights_name_come_back_even_without_the_copy(paths: DataPaths) -> None:
    before = users_articles(paths)
    page = ids_in_shard(1)[0]
    with HighlightStore(paths) as highlights:
        highlights.add(before[page], BODY + " Page.", 4, 9)
    with sqlite3.connect(paths.bodies_db) as connection:
        connection.execute("DELETE FROM article")
    paths.article_shard(SHARD).write_bytes(b"")
    with Library(paths) as library, HighlightStore(paths) as highlights:
        assert library.get(page) is None
        [restored] = restore_highlighted_articles(library, highlights)
        assert (restored.id, restored.title) == (page, "A page saved")
        assert restored.url == "https://example.org/saved"
        assert library.body(restored) == BODY + " Page."
        assert highlights.for_article(page)[0].body_hash == restored.body_hash


async def test_the_app_says_what_it_rebuilt_and_lists_the_highlighted_article(
    paths: DataPaths,
) -> None:
    before = users_articles(paths)
    page = ids_in_shard(1)[0]
    with HighlightStore(paths) as highlights:
        highlights.add(before[page], BODY + " Page.", 4, 9)
    with sqlite3.connect(paths.bodies_db) as connection:
        connection.execute("DELETE FROM article")
    paths.article_shard(SHARD).write_bytes(b"")
    opened = open_home(paths)
    app = BroadsheetApp(opened.library, opened.highlights, notices=opened.notices)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
            listed = {article.id for article in app.screen.query_one(ArticleList).articles}
            assert page in listed
            said = " ".join(str(n.message) for n in app._notifications)
            assert "07.json" in said and "highlighted article" in said
            assert "untouched" not in said
    finally:
        opened.highlights.close()
        opened.library.close()


# Damaged records


def add_to_shard(paths: DataPaths, records: list[object]) -> Path:
    """Records written into the shard by hand, after those Broadsheet wrote."""
    shard = paths.article_shard(SHARD)
    stored = list(orjson.loads(shard.read_bytes())["articles"].values()) + records
    shard.write_bytes(orjson.dumps({"articles": {str(n): r for n, r in enumerate(stored, 1)}}))
    return shard


def test_a_broken_article_record_is_named_skipped_and_kept(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    good, bad_title, no_title, bad_date, newer = ids_in_shard(5)
    broken = [
        {"id": bad_title, "title": 5, "body_hash": ""},
        {"id": no_title, "body_hash": ""},
        {"title": "No id at all", "body_hash": ""},
        {"id": bad_date, "title": "A date", "body_hash": "", "published": 20240101},
    ]
    with Library(paths) as library:
        library.save(Article(id=good, title="Fine", body_hash=""), "A fine text.")
    shard = add_to_shard(paths, broken)
    with Library(paths) as library:
        assert [article.id for article in library.articles()] == [good]
        library.save(Article(id=newer, title="Newer", body_hash=""), "A text.")
    # The later write kept the broken records as they were.
    stored = list(orjson.loads(shard.read_bytes())["articles"].values())
    assert all(record in stored for record in broken) and len(stored) == 6
    # And every command still works, naming the file and each record.
    for command in (["list", "--json"], ["show", good[:8]], ["list"]):
        assert main(command) == 0, command
    err = capsys.readouterr().err
    assert str(shard) in err and bad_title in err and "title is 5, not text" in err
    assert "unexpected" not in err


def test_a_broken_feed_record_is_named_skipped_and_kept(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    paths.home.mkdir(parents=True)
    good = Feed.new("https://example.org/feed.xml", title="Fine")
    broken = [
        {"id": "feed-no-url", "title": "No URL"},
        {"id": "feed-bad-url", "url": 5},
        {"id": "feed-bad-tags", "url": "https://example.org/t", "tags": "news"},
    ]
    records = [good.to_dict(), *broken]
    paths.feeds_db.write_bytes(orjson.dumps({"feeds": {str(n): r for n, r in enumerate(records)}}))
    assert main(["feeds", "--json"]) == 0
    captured = capsys.readouterr()
    assert [feed["id"] for feed in json.loads(captured.out)] == [good.id]
    assert str(paths.feeds_db) in captured.err and "feed-bad-url" in captured.err
    assert "unexpected" not in captured.err
    with FeedStore(paths) as feeds:
        feeds.put(Feed.new("https://example.org/other.xml"))
    stored = list(orjson.loads(paths.feeds_db.read_bytes())["feeds"].values())
    assert all(record in stored for record in broken) and len(stored) == 5


# Empty files


def follow(paths: DataPaths, *urls: str) -> set[str]:
    for url in urls:  # one flush each: the last leaves the one before as the backup
        with FeedStore(paths) as feeds:
            feeds.put(Feed.new(url))
    return {Feed.new(url).id for url in urls}


@pytest.mark.parametrize("damage", [cut_in_half, lambda path: path.write_bytes(b"")])
def test_a_damaged_feeds_file_is_rebuilt_from_its_backup(
    paths: DataPaths, damage: object, caplog: pytest.LogCaptureFixture
) -> None:
    followed = follow(paths, "https://example.org/a.xml", "https://example.org/b.xml",
                      "https://example.org/c.xml")  # fmt: skip
    damage(paths.feeds_db)  # type: ignore[operator]
    with caplog.at_level(logging.WARNING, "broadsheet"), FeedStore(paths) as feeds:
        # The last one added is not in the backup: it is in the file's readable part, if any.
        assert {feed.id for feed in feeds.all()} >= followed - {
            Feed.new("https://example.org/c.xml").id
        }
    assert (paths.home / "feeds.json.corrupt").exists()
    assert "feeds.json" in caplog.text and "Rebuilt" in caplog.text


def test_an_empty_highlights_file_is_said_never_read_as_no_highlights(paths: DataPaths) -> None:
    article = Article(id="a1", title="Title", body_hash="")
    with HighlightStore(paths) as highlights:
        highlights.add(article, BODY, 4, 9)
        highlights._table.compact()  # everything now in the snapshot, the journal gone
        highlights.add(article, BODY, 12, 20)
        highlights._table.compact()  # and the one before kept as the backup
    paths.annotations_db.write_bytes(b"")
    with pytest.raises(CorruptStoreError, match="the file is empty") as raised:
        HighlightStore(paths)
    assert str(paths.annotations_db) in str(raised.value)
    assert "annotations.json.bak" in str(raised.value)
    assert paths.annotations_db.read_bytes() == b""  # nothing written over it


def test_a_shard_damaged_while_open_is_said_once_and_written_whole_again(
    paths: DataPaths, caplog: pytest.LogCaptureFixture
) -> None:
    before = users_articles(paths)
    shard = paths.article_shard(SHARD)
    with caplog.at_level(logging.WARNING, "broadsheet"), Library(paths) as library:
        cut_in_half(shard)  # by something else, while the app has the home open
        for _ in range(10):  # the app looks every second: said once, and nothing is lost
            library.poll_changes()
        assert {article.id: article for article in library.articles()} == before
        assert caplog.text.count("07.json is not a readable Broadsheet database") == 1
        newer = ids_in_shard(6)[5]
        library.save(Article(id=newer, title="Newer", body_hash=""), "A text.")
        library.flush()
    assert shard.with_name(shard.name + ".corrupt").exists()
    with Library(paths, writable=False) as reopened:
        assert {article.id for article in reopened.articles()} == {*before, newer}
