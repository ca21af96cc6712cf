"""``broadsheet search``: its JSON, its plain lines, and what a malformed query is told."""

from __future__ import annotations

import json
import sqlite3
import sys

import pytest

from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tests.test_cli import run
from tui.cli import search_commands

HIT_KEYS = ["id", "title", "source", "author", "date", "url", "feed_id", "read", "starred",
            "score"]  # fmt: skip


@pytest.fixture
def home(paths: DataPaths) -> DataPaths:
    articles = [
        ("harbour", "Harbour strike ends", "Dockers return to the harbour.", "2026-02-01"),
        ("tariffs", "Tariffs on steel", "The tariffs rise; the harbour waits.", "2026-02-03"),
        ("bakery", "A bakery in Zürich", "Rye bread and coffee.", "2026-02-02"),
        *((f"other-{n}", f"Weather {n}", "Rain again.", "2025-01-01") for n in range(3)),
    ]
    with Library(paths) as library:
        for key, title, body, published in articles:
            article = Article(id=key, title=title, body_hash="", source="Coast Daily",
                              url=f"https://coast.example/{key}", author="Ines Varga",
                              published=f"{published}T08:00:00+00:00")  # fmt: skip
            library.save(article, body, entity_summary=())
        library.flush()
        library.set_read("harbour")
    return paths


def test_json_lists_the_hits_best_first(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "search", "harbour", "--json")
    assert code == 0 and err == ""
    document = json.loads(out)
    assert list(document) == ["query", "sort", "terms", "hits"]
    assert document["query"] == "harbour" and document["terms"] == ["harbour"]
    assert document["sort"] == "relevance"
    hits = document["hits"]
    assert [hit["id"] for hit in hits] == ["harbour", "tariffs"]
    assert all(list(hit) == HIT_KEYS for hit in hits)
    first = hits[0]
    assert first["title"] == "Harbour strike ends" and first["read"] is True
    assert first["date"] == "2026-02-01T08:00:00+00:00" and first["author"] == "Ines Varga"
    assert first["url"] == "https://coast.example/harbour" and first["feed_id"] is None
    assert first["starred"] is False and first["score"] > hits[1]["score"]


def test_words_fields_sort_and_limit(home: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "search", "--json", "--sort", "date", "zurich OR harbour")
    document = json.loads(out)
    assert [hit["id"] for hit in document["hits"]] == ["tariffs", "bakery", "harbour"]
    assert all(hit["score"] is None for hit in document["hits"])
    assert document["query"] == "zurich OR harbour" and document["sort"] == "date"
    _, out, _ = run(capsys, "search", "--json", "--limit", "1", "harbour")
    assert [hit["id"] for hit in json.loads(out)["hits"]] == ["harbour"]
    _, out, _ = run(
        capsys, "search", "--json", "--", "-tariff", "is:unread", "-rain", "author:varga"
    )
    assert [hit["id"] for hit in json.loads(out)["hits"]] == ["bakery"]
    _, out, _ = run(capsys, "search", "--json", '"steel harbour"')
    assert json.loads(out)["hits"] == []


def test_plain_output_is_one_line_an_article(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "search", "harbour")
    assert code == 0
    assert out.splitlines() == [
        "  harbour  2026-02-01  Coast Daily           Harbour strike ends",
        "• tariffs  2026-02-03  Coast Daily           Tariffs on steel",
    ]
    code, out, err = run(capsys, "search", "nowhere")
    assert code == 0 and out == "" and "no article matches nowhere" in err


@pytest.mark.parametrize(
    ("query", "message", "caret"),
    [
        ('tariff "xi jin', "column 15: expected a closing quote (for the one at column 8)", 14),
        ("colour:pink", "column 1: unknown field colour: (the fields are author, entity", 0),
        ("(a OR", "column 6: expected a word, phrase or field after OR", 5),
    ],
)
def test_a_malformed_query_exits_2_and_points_at_the_column(
    home: DataPaths,
    capsys: pytest.CaptureFixture[str],
    query: str,
    message: str,
    caret: int,
) -> None:
    code, out, err = run(capsys, "search", query)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith(f"broadsheet: error: in the query, {message}")
    assert lines[1:] == [f"  {query}", "  " + " " * caret + "^"]
    assert "Traceback" not in err


def test_a_missing_or_damaged_index_is_built_first(
    home: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    assert not home.search_index.exists()
    _, out, _ = run(capsys, "search", "--json", "rye")
    assert [hit["id"] for hit in json.loads(out)["hits"]] == ["bakery"]
    assert home.search_index.exists()
    with sqlite3.connect(home.search_index) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    home.search_index.write_bytes(b"garbage" * 1000)
    code, out, err = run(capsys, "search", "--json", "rye")
    assert code == 0 and err == ""
    assert [hit["id"] for hit in json.loads(out)["hits"]] == ["bakery"]


def test_a_bad_limit_is_a_usage_error(home: DataPaths, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        run(capsys, "search", "--limit", "-3", "harbour")
    assert exited.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err


def test_a_long_catch_up_says_how_far_it_has_got_on_a_terminal(
    home: DataPaths, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(search_commands, "_PROGRESS_AFTER_SECONDS", 0.0)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    code, out, err = run(capsys, "search", "rye")
    assert code == 0 and "bakery" in out
    assert err.endswith("broadsheet: indexing for search: 6 of 6 articles…\n")
    # Up to date: nothing to say.
    code, out, err = run(capsys, "search", "rye")
    assert code == 0 and err == ""
