"""The feed commands through ``broadsheet``'s real entry point, against the local server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tui.cli
from store.feeds import FeedStore
from store.library import Library
from store.paths import DataPaths
from tests.web.server import WebServer
from tui.cli.feeds import import_opml


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Only this module's commands: the others are not what is under test here.
    monkeypatch.setattr(tui.cli, "COMMAND_MODULES", ("tui.cli.feeds",))
    return tmp_path / "home"


def run(home: Path, *arguments: str) -> int:
    return tui.cli.main(["--home", str(home), *arguments])


def test_add_a_feed_then_list_it(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    assert run(home, "add", web_server.url("/static/rss1.rdf"), "--tag", "Science") == 0
    output = capsys.readouterr().out
    assert "following Science Weekly" in output and "2 new articles" in output
    assert "\n1 feed in " in output
    assert run(home, "feeds", "--json") == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["title"] == "Science Weekly" and listed["articles"] == 2
    assert listed["tags"] == ["Science"] and listed["last_success"] and not listed["last_error"]


def test_add_a_site_finds_its_feed(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    assert run(home, "add", web_server.url("/static/site.html")) == 0
    assert "following The Harbour Gazette" in capsys.readouterr().out
    with FeedStore(DataPaths(home)) as feeds:
        assert [feed.url for feed in feeds.all()] == [web_server.url("/static/rss2.xml")]


def test_add_a_page_with_no_feed_fails_in_one_line(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    assert run(home, "add", web_server.url("/static/not-a-feed.html")) == 1
    error = capsys.readouterr().err
    assert error.count("\n") == 1 and "advertises no feed" in error and "Traceback" not in error


def test_add_rejects_a_non_http_url(home: Path, capsys: pytest.CaptureFixture[str]):
    assert run(home, "add", "file:///etc/passwd") == 1
    assert "not an http or https URL" in capsys.readouterr().err


def test_add_article_saves_one_page(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    assert run(home, "add", "--article", web_server.url("/static/article.html")) == 0
    assert "new: Council approves new sea wall" in capsys.readouterr().out
    with Library(DataPaths(home), writable=False) as library:
        # Seed articles may be there too; ours is the one fetched from the web.
        [article] = [a for a in library.articles() if a.id.startswith("web-")]
    assert (
        article.origin == web_server.url("/static/article.html") and article.author == "Ines Calder"
    )
    assert article.feed_id is None


def test_refresh_exits_1_and_names_the_failed_feed(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    assert run(home, "add", web_server.url("/static/atom.xml")) == 0
    paths = DataPaths(home)
    with FeedStore(paths) as feeds:
        from store.feeds import Feed

        feeds.put(Feed.new(web_server.url("/status/404"), title="Gone Feed"))
    capsys.readouterr()
    assert run(home, "refresh") == 1
    captured = capsys.readouterr()
    assert "2 feeds" in captured.out and "1 failed" in captured.out
    assert "failed Gone Feed" in captured.err and "HTTP 404 Not Found" in captured.err
    assert run(home, "refresh", "--json") == 1
    summary = json.loads(capsys.readouterr().out)
    assert summary["failed"] == 1 and summary["new"] == 0
    assert {r["status"] for r in summary["results"]} == {"not-modified", "failed"}


def test_refresh_with_nothing_to_do(home: Path, capsys: pytest.CaptureFixture[str]):
    assert run(home, "refresh") == 0
    assert "no feeds to refresh" in capsys.readouterr().out


def test_remove_drops_articles_but_keeps_starred(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    url = web_server.url("/static/rss2.xml")
    assert run(home, "add", url) == 0
    paths = DataPaths(home)
    with Library(paths) as library:
        from dataclasses import replace

        keeper = next(a for a in library.articles() if a.feed_id)
        library.update(replace(keeper, starred=True))
    assert run(home, "remove", url) == 0
    assert "2 articles dropped, kept 1 starred or highlighted" in capsys.readouterr().out
    with Library(paths, writable=False) as library:
        assert [a.id for a in library.articles() if a.id.startswith("fd-")] == [keeper.id]
    assert run(home, "remove", url) == 2
    assert "no feed matches" in capsys.readouterr().err


def test_remove_keeps_articles_that_carry_highlights(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    from store.annotations import HighlightStore

    url = web_server.url("/static/rss2.xml")
    assert run(home, "add", url) == 0
    paths = DataPaths(home)
    with Library(paths) as library, HighlightStore(paths) as highlights:
        marked = next(a for a in library.articles() if a.feed_id)
        made = highlights.add(marked, library.body(marked), 0, 10)
    assert run(home, "remove", url) == 0
    assert "kept 1 starred or highlighted" in capsys.readouterr().out
    with Library(paths, writable=False) as library, HighlightStore(paths) as highlights:
        assert library.get(marked.id) is not None
        assert highlights.get(made.id) == made


def test_export_and_import_opml(home: Path, tmp_path: Path, web_server: WebServer):
    assert run(home, "add", web_server.url("/static/rss1.rdf"), "--tag", "Science") == 0
    exported = tmp_path / "out.opml"
    assert run(home, "export-opml", "-o", str(exported)) == 0
    assert b"Science Weekly" in exported.read_bytes()
    other = DataPaths(tmp_path / "other")
    with Library(other) as library:
        summary = import_opml(library, exported)
    assert [feed.url for feed in summary.added] == [web_server.url("/static/rss1.rdf")]
    assert summary.added[0].tags == ("Science",)


def test_import_opml_reports_a_bad_file_as_a_store_error(tmp_path: Path):
    from store.db import StoreError

    bad = tmp_path / "bad.opml"
    bad.write_bytes(b"<html/>")
    with pytest.raises(StoreError, match="not an OPML file"):
        import_opml(DataPaths(tmp_path / "h"), bad)


def test_full_text_is_a_per_feed_setting_that_can_be_changed(
    home: Path, web_server: WebServer, capsys: pytest.CaptureFixture[str]
):
    url = web_server.url("/static/rss1.rdf")
    assert run(home, "add", url, "--full-text") == 0
    assert run(home, "add", url) == 0  # adding again without the flag keeps the setting
    with FeedStore(DataPaths(home)) as feeds:
        assert [feed.full_text for feed in feeds.all()] == [True]
    assert run(home, "add", url, "--no-full-text") == 0
    with FeedStore(DataPaths(home)) as feeds:
        assert [feed.full_text for feed in feeds.all()] == [False]


def test_entities_a_refresh_left_to_be_made_are_made_by_the_first_command_that_reads_them(
    home: Path,
    web_server: WebServer,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
):
    monkeypatch.setattr(tui.cli, "COMMAND_MODULES", ("tui.cli.feeds", "tui.cli.library_commands"))
    assert run(home, "add", web_server.url("/static/rss2.xml")) == 0
    paths = DataPaths(home)
    assert paths.entities_pending.exists()  # the refresh stored no summaries
    with Library(paths, writable=False) as library:
        ferry = library.find("guid", "harbour-2024-0001")
        assert ferry is not None and not ferry.entities
    capsys.readouterr()
    assert run(home, "list", "--json", "--entity", "Ines Calder") == 0
    listed = json.loads(capsys.readouterr().out)
    assert [article["title"] for article in listed] == ["Ferry timetable changes from Monday"]
    assert {"Skerry Island", "Ines Calder"} <= {e["key"] for e in listed[0]["entities"]}
    assert not paths.entities_pending.exists()  # made once, for every later command
    with Library(paths, writable=False) as library:
        assert all(article.entities_version != 0 for article in library)
