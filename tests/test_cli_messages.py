"""What the command line says: ambiguous ids, errors as JSON, plurals, columns that line up."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from rich.cells import cell_len

from store.feeds import Feed, FeedStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as stopped:  # argparse's usage errors
        code = int(stopped.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    stories = [
        # id, source, published: one wide-character source, ids of different lengths, and
        # an undated article saved last (so the newest by when it was added).
        ("fd-aaa1", "日本経済新聞", "2026-03-01T08:00:00+00:00", "Yen steadies"),
        ("fd-aaa2", "Le Monde", "2026-03-03T08:00:00+00:00", "Grève des trains"),
        ("fd-aaa", "Coast Daily", "2026-03-02T08:00:00+00:00", "Harbour reopens"),
        ("0123456789abcdef", "Local file", None, "A note with no date"),
    ]
    with Library(DataPaths(home)) as library:
        for article_id, source, published, title in stories:
            article = Article(
                id=article_id, title=title, body_hash="", source=source, published=published
            )
            library.save(article, f"{title}. The text of the story.")
    return home


def test_an_ambiguous_prefix_says_so_and_lists_the_candidates(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--home", str(home), "show", "fd-aaa")
    # An id that is whole is that article, though two others start with it.
    assert code == 0, err
    code, _, err = run(capsys, "--home", str(home), "show", "fd-a")
    assert code == 2
    first, *listed = err.splitlines()
    assert first == (
        "broadsheet: error: ambiguous: 3 articles start with 'fd-a'; give more of the id"
    )
    assert listed == [
        "  fd-aaa  Harbour reopens",
        "  fd-aaa1  Yen steadies",
        "  fd-aaa2  Grève des trains",
    ]


def test_home_is_taken_after_the_command_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "elsewhere"
    code, out, err = run(capsys, "where", "--json", "--home", str(other))
    assert code == 0, err
    assert json.loads(out)["home"] == str(other)
    # Given twice, the one after the command wins; given before, it is kept.
    code, out, _ = run(capsys, "--home", "/nowhere", "where", "--json", "--home", str(other))
    assert json.loads(out)["home"] == str(other)
    code, out, _ = run(capsys, "--home", str(other), "where", "--json")
    assert json.loads(out)["home"] == str(other)


def json_error(err: str) -> dict[str, object]:
    lines = err.splitlines()
    assert len(lines) == 1, err
    error = json.loads(lines[0])
    assert isinstance(error, dict)
    return error


def test_with_json_every_error_is_json(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # argparse's own errors,
    code, out, err = run(capsys, "--home", str(home), "list", "--json", "--bogus")
    assert code == 2 and out == ""
    error = json_error(err)
    assert error["code"] == 2 and error["kind"] == "usage"
    assert "unrecognized arguments: --bogus" in str(error["error"])
    assert str(error["usage"]).startswith("usage: broadsheet")
    code, _, err = run(capsys, "--home", str(home), "highlights", "--json", "--article")
    assert code == 2 and "expected one argument" in str(json_error(err)["error"])
    # the commands' usage errors,
    code, _, err = run(capsys, "--home", str(home), "show", "zzzz", "--json")
    assert code == 2
    assert json_error(err) == {
        "error": "no article has an id starting with 'zzzz'",
        "code": 2,
        "kind": "usage",
    }
    code, _, err = run(capsys, "--home", str(home), "entities", "fd-a", "--json")
    error = json_error(err)
    assert code == 2 and str(error["error"]).startswith("ambiguous: 3 articles")
    assert error["matches"] == [
        {"id": "fd-aaa", "title": "Harbour reopens"},
        {"id": "fd-aaa1", "title": "Yen steadies"},
        {"id": "fd-aaa2", "title": "Grève des trains"},
    ]
    # and failures.
    code, _, err = run(capsys, "--home", str(home), "import", "--json", str(home / "missing"))
    assert code == 1
    # Without --json, the same error is a line for people.
    code, _, err = run(capsys, "--home", str(home), "show", "zzzz")
    assert err == "broadsheet: error: no article has an id starting with 'zzzz'\n"


def test_list_columns_line_up_and_undated_articles_come_last(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--home", str(home), "list")
    assert code == 0
    rows = out.splitlines()
    titles = ["Grève des trains", "Harbour reopens", "Yen steadies", "A note with no date"]
    assert [row.rsplit("  ", 1)[1] for row in rows] == titles
    # Every title starts in the same terminal cell, the wide source's row too.
    starts = {cell_len(row[: row.index(title)]) for row, title in zip(rows, titles, strict=True)}
    assert len(starts) == 1, out
    assert "undated" in rows[-1]


def test_counts_agree_with_their_nouns(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    paths = DataPaths(home)
    feed = Feed.new("https://news.example/feed.xml", title="Coast Daily")
    with FeedStore(paths) as feeds:
        feeds.put(feed)
    with Library(paths) as library:
        library.update(replace(library.get("fd-aaa"), feed_id=feed.id))  # type: ignore[arg-type]
    code, out, _ = run(capsys, "--home", str(home), "feeds")
    assert code == 0 and "  1 article  last success: never" in out
    code, out, _ = run(capsys, "--home", str(home), "remove", feed.url)
    assert code == 0 and "removed Coast Daily: 1 article dropped" in out
