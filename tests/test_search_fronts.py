"""Search beyond its core: the index kept by our own flushes, read-only homes, saved searches,
the highlights filter language, `list QUERY`, `export --query` and `searches`."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

import store.db
from store.annotations import Highlight, HighlightStore
from store.db import ReadOnlyHomeError
from store.entities.catalog import EntityCatalog
from store.feeds import FeedStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.read_state import ReadStateStore
from store.saved_searches import SavedSearchStore
from store.search import (
    HIGHLIGHTS,
    QueryError,
    SearchIndex,
    SearchSources,
    catch_up_search_index,
    filter_highlights,
    parse,
    search,
)
from store.search.query import COLOURS
from store.views import ALL, counted_views, saved_search_view, select
from tests.test_cli import run
from tests.test_read_only_home import (
    Run,
    home_tree,
    read_only,  # noqa: F401
)
from tests.test_read_only_home import home as read_only_home_contents  # noqa: F401

NOW = datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def article(key: str, title: str, published: str) -> Article:
    return Article(
        id=key,
        title=title,
        body_hash="",
        source="Coast Daily",
        url=f"https://coast.example/{key}",
        published=f"{published}T08:00:00+00:00",
    )


@pytest.fixture
def home(paths: DataPaths) -> DataPaths:
    with Library(paths) as library:
        library.save(article("harbour", "Harbour strike ends", "2026-02-01"),
                     "Dockers return to the harbour.", entity_summary=())  # fmt: skip
        library.save(article("tariffs", "Tariffs on steel", "2026-02-03"),
                     "The tariffs rise; the harbour waits.", entity_summary=())  # fmt: skip
        library.save(article("bakery", "A bakery in Zürich", "2026-02-02"),
                     "Rye bread and coffee.", entity_summary=())  # fmt: skip
        library.flush()
    return paths


def sources(paths: DataPaths) -> SearchSources:
    states = ReadStateStore(paths)
    states.load()
    return SearchSources.of_stores(
        read_states=states.flagged,
        highlights=HighlightStore(paths).all,
        feeds=FeedStore(paths).all,
        catalog=EntityCatalog(paths.entity_catalog),
    )


def found(index: SearchIndex, paths: DataPaths, query: str) -> list[str]:
    return [hit.article_id for hit in search(query, index=index, sources=sources(paths))]


# The index kept by our own flushes


def test_a_flush_makes_an_article_findable_without_a_catch_up(home: DataPaths) -> None:
    with SearchIndex(home.search_index) as index:
        catch_up_search_index(index, home)
        with Library(home) as library:
            library.save(article("ferry", "Ferries stop", "2026-02-04"), "Gales in the strait.",
                         entity_summary=())  # fmt: skip
            library.flush()
            assert found(index, home, "gale") == ["ferry"]  # no catch-up since
            library.remove("bakery")
            library.flush()
        assert found(index, home, "zurich") == []
        assert index.stale(_signatures(home)) == []


def _signatures(paths: DataPaths) -> dict[int, store.db.FileSignature | None]:
    from store.paths import SHARD_COUNT

    return {n: store.db.signature_of(paths.article_shard(n)) for n in range(SHARD_COUNT)}


def test_a_read_only_home_is_searched_in_memory(
    home: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = home_tree(home.home)
    monkeypatch.setattr(store.db, "_writable", lambda directory: False)
    with SearchIndex(home.search_index) as index:
        assert catch_up_search_index(index, home) == 3
        assert found(index, home, "harbour") == ["harbour", "tariffs"]
        assert index.in_memory
    # Nothing made: SQLite's shared-memory files for reading bodies.sqlite aside, which a
    # read-only home cannot have (and does without).
    after = {name: at for name, at in home_tree(home.home).items()
             if not name.endswith(("-wal", "-shm"))}  # fmt: skip
    assert after == before


def test_search_list_and_export_work_in_a_read_only_home(
    read_only_home_contents: DataPaths,  # noqa: F811
    read_only: Run,  # noqa: F811
    tmp_path: Path,
) -> None:
    before = home_tree(read_only_home_contents.home)
    searched = read_only("search", "--json", "has:highlights")
    assert searched.returncode == 0, searched.stderr
    [highlighted] = json.loads(searched.stdout)["hits"]
    word = max(highlighted["title"].split(), key=len)
    listed = read_only("list", "--json", word, "has:highlights")
    assert listed.returncode == 0, listed.stderr
    assert [a["id"] for a in json.loads(listed.stdout)] == [highlighted["id"]]
    exported = tmp_path / "out.md"
    result = read_only("export", "--query", word, "-o", str(exported))
    assert result.returncode == 0, result.stderr
    assert "worth keeping" in exported.read_text(encoding="utf-8")
    assert read_only("searches").returncode == 0
    assert home_tree(read_only_home_contents.home) == before


# Saved searches


def test_a_saved_search_is_on_disk_when_save_returns(paths: DataPaths) -> None:
    with SavedSearchStore(paths) as first:
        saved, replaced = first.save("  Steel\tnews ", 'tariffs  "steel mill"  -FEED:bbc')
        assert replaced is None
        assert (saved.name, saved.query) == ("Steel news", 'tariffs "steel mill" -feed:bbc')
        # Another process sees it at once: nothing waits for a close.
        assert [s.name for s in SavedSearchStore(paths).all()] == ["Steel news"]
        again, replaced = first.save("STEEL NEWS", "steel")
        assert replaced == saved and again.name == "STEEL NEWS"
        assert [(s.name, s.query) for s in SavedSearchStore(paths).all()] == [
            ("STEEL NEWS", "steel")
        ]


def test_two_processes_saving_keep_both(paths: DataPaths) -> None:
    one, other = SavedSearchStore(paths), SavedSearchStore(paths)
    one.save("a", "alpha")
    other.save("b", "beta")
    assert [s.name for s in SavedSearchStore(paths).all()] == ["a", "b"]
    assert other.remove("A") is not None
    assert one.reload_if_changed() and [s.name for s in one.all()] == ["b"]


def test_a_bad_name_or_query_saves_nothing(paths: DataPaths) -> None:
    with SavedSearchStore(paths) as saved:
        with pytest.raises(QueryError, match="column 5: expected a closing"):
            saved.save("x", "(a b")
        with pytest.raises(ValueError, match="needs a name"):
            saved.save(" \x1b[31m ", "a")
        with pytest.raises(ValueError, match="at most 80"):
            saved.save("n" * 81, "a")
    assert not paths.saved_searches_db.exists()


def test_a_damaged_file_is_rebuilt_from_its_backup(paths: DataPaths) -> None:
    with SavedSearchStore(paths) as saved:
        saved.save("first", "alpha")
        saved.save("second", "beta")  # the file before this write is the backup
    paths.saved_searches_db.write_text('{"searches": {"1": {"name": "sec', encoding="utf-8")
    assert [s.name for s in SavedSearchStore(paths).all()] == ["first"]
    assert list(paths.home.glob("searches.json.corrupt*"))


def test_a_read_only_home_refuses_a_save_plainly(
    paths: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    with SavedSearchStore(paths) as saved:
        saved.save("kept", "alpha")
    monkeypatch.setattr(store.db, "_writable", lambda directory: False)
    with SavedSearchStore(paths) as saved:
        with pytest.raises(ReadOnlyHomeError):
            saved.save("new", "beta")
        assert [s.name for s in saved.all()] == ["kept"]


def test_saved_search_views_are_counted_and_selected() -> None:
    articles = [article(key, key, "2026-02-01") for key in ("a", "b", "c")]
    articles[0] = replace(articles[0], read=True)
    view = saved_search_view("Mine", "a OR b")
    rows = {row.view: row for row in counted_views(articles, [], {view: {"a", "b", "gone"}})}
    assert (rows[view].unread, rows[view].total) == (1, 2)
    assert list(rows)[3] == view  # after All, Unread and Starred
    assert [a.id for a in select(articles, view, {}, members={"b", "c"})] == ["b", "c"]
    assert not [a for a in select(articles, view, {}) if a.id]  # nothing found, nothing shown
    assert select(articles, ALL, {}) == articles


# The highlights filter


def mark(key: str, exact: str, **values: object) -> Highlight:
    fields: dict[str, object] = {
        "id": key, "article_id": "a", "article_title": "Harbour news", "article_url": None,
        "start": 0, "end": len(exact), "exact": exact, "prefix": "", "suffix": "",
        "body_hash": "", "created": "2026-03-01T09:00:00.000Z",
        "modified": "2026-03-01T09:00:00.000Z", "note": "", "tags": (), "colour": "yellow",
        "orphaned": False, "orphan_reason": None,
    }  # fmt: skip
    fields.update(values)
    return Highlight(**fields)  # type: ignore[arg-type]


MARKS = [
    mark("1", "The tariffs on steel rose", colour="pink", tags=("trade",)),
    mark(
        "2",
        "A trade war looms",
        note="see #asia",
        tags=("world/asia",),
        created="2026-01-02T09:00:00.000Z",
    ),
    mark("3", "Bakeries in Zürich", colour="green", article_title="Bread"),
    mark("4", "War on trade, they said", colour="pink", created="2025-01-01T09:00:00.000Z"),
]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("tariff", ["1"]),  # other forms of the word
        ("zurich", ["3"]),  # any accent
        ('"trade war"', ["2"]),  # side by side, in order
        ("trade -war", ["1"]),  # a tag is searched too
        ("bake*", ["3"]),
        ("harbour", ["1", "2", "4"]),  # the headline
        ("colour:pink", ["1", "4"]),
        ("COLOR:Pink war", ["4"]),
        ("tag:world", ["2"]),  # a tag inside it
        ("tag:world/asia OR tag:trade", ["1", "2"]),
        ("has:note", ["2"]),
        ("newer:30d", ["1", "3"]),
        ("older:2026-01-01", ["4"]),
        ("-colour:pink (bread OR asia)", ["2", "3"]),
    ],
)
def test_the_highlights_filter_speaks_the_search_language(query: str, expected: list[str]) -> None:
    assert [h.id for h in filter_highlights(MARKS, query, now=NOW)] == expected


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("feed:bbc", "column 1: feed: does not apply to highlights (the fields here are colour"),
        ("x is:unread", "column 3: is: does not apply to highlights"),
        ("has:highlights", "column 5: expected note after has:"),
        ("colour:orange", "column 8: expected yellow, green, blue, pink or purple after colour:"),
        ("source:x", "column 1: unknown field source: (the fields are colour, has, newer"),
    ],
)
def test_fields_meaningless_for_highlights_are_named(query: str, message: str) -> None:
    with pytest.raises(QueryError) as raised:
        filter_highlights(MARKS, query)
    assert str(raised.value).startswith(message)
    with pytest.raises(QueryError):
        parse(query, HIGHLIGHTS)


def test_the_colours_of_the_language_are_the_highlights() -> None:
    from store.annotations import COLOURS as HIGHLIGHT_COLOURS

    assert COLOURS == HIGHLIGHT_COLOURS


# The command line


@pytest.fixture
def cli_home(home: DataPaths) -> Iterator[DataPaths]:
    with Library(home) as library:
        library.set_read("tariffs")
        target = library.get("harbour")
        assert target is not None
        text = library.body(target)
    with HighlightStore(home) as highlights:
        highlights.add(target, text, 0, 7, note="dock")
        other = replace(target, id="bakery", title="A bakery in Zürich")
        highlights.add(other, "Rye bread and coffee.", 0, 3, note="bread")
    yield home


def test_list_takes_a_query_and_keeps_date_order(
    cli_home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "list", "--json", "harbour OR zurich")
    assert code == 0
    assert [a["id"] for a in json.loads(out)] == ["tariffs", "bakery", "harbour"]
    _, out, _ = run(capsys, "list", "--json", "--", "harbour", "-is:read")
    assert [a["id"] for a in json.loads(out)] == ["harbour"]
    _, out, _ = run(capsys, "list", "--unread", "harbour")
    assert [line.split()[1] for line in out.splitlines()] == ["harbour"]
    _, out, _ = run(capsys, "list", "--json", '"steel harbour"')
    assert json.loads(out) == []


def test_list_with_a_malformed_query_says_where(
    cli_home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "list", "(harbour", "OR")
    assert code == 2 and out == ""
    assert "column 12: expected a word, phrase or field after OR" in err


def test_export_query_keeps_the_highlights_of_matching_articles(
    cli_home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "export", "--format", "csv", "--query", "dockers")
    assert code == 0
    assert "Harbour" in out and "bread" not in out
    code, out, _ = run(capsys, "export", "--format", "csv", "--query", "zurich OR harbour")
    assert "dock" in out and "bread" in out
    code, _, err = run(capsys, "export", "--query", "feed:")
    assert code == 2 and "column 6: expected a feed's name after feed:" in err


def test_searches_are_saved_and_listed_with_their_counts(
    cli_home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "search", "harbour", "--save", "Docks")
    assert code == 0 and "saved the search harbour as 'Docks'" in err
    code, out, _ = run(capsys, "searches", "--json")
    assert code == 0
    [row] = json.loads(out)
    assert list(row) == ["name", "query", "added", "unread", "total"]
    assert (row["name"], row["query"], row["unread"], row["total"]) == ("Docks", "harbour", 1, 2)
    _, out, _ = run(capsys, "searches")
    assert out.splitlines() == ["Docks  (1/2)  harbour"]
    code, _, err = run(capsys, "search", "harbour", "--save", "\x1b")
    assert code == 2 and "a saved search needs a name" in err
