"""``list --json`` straight from the shards gives what ``Article.to_dict()`` gives."""

from __future__ import annotations

import json
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from store.library import Library, encode_article
from store.listing import listed, listing_json, read_shards, stored_records, with_read_state
from store.models import ENTITY_LABELS, Article, EntitySummaries, EntitySummary, summaries_json
from store.paths import DataPaths
from store.read_state import ReadState
from tests.test_cli import run

# Keys as news gives them, and the characters that must be escaped or could be mistaken for
# our own: quotes, backslashes, per cent signs, digits, label words, the flags' spelling.
KEY_TEXT = st.lists(
    st.sampled_from([*'ab Zé"\\%01:}{,', "PERSON", "PLACE", "ORG", "true", "東京"]), max_size=6
).map("".join)
SUMMARIES = st.lists(
    st.builds(
        EntitySummary,
        key=KEY_TEXT,
        label=st.sampled_from(ENTITY_LABELS),
        count=st.integers(0, 10**6),
        first=st.integers(0, 10**7),
        in_title=st.booleans(),
    ),
    max_size=8,
)


@given(SUMMARIES)
@settings(max_examples=300)
def test_summaries_json_is_the_json_of_the_summaries(summaries: list[EntitySummary]) -> None:
    packed = EntitySummaries.of(summaries)
    assert orjson.loads(summaries_json(packed.packed)) == packed.as_dicts()


def test_fields_of_another_version_are_written_the_slow_way() -> None:
    # A label this version does not know, and a flag that is not 0 or 1.
    for packed in (
        "Kyoto\x1fCITY\x1f2\x1f5\x1f1",
        "Kyoto\x1fPLACE\x1f2\x1f5\x1f1\x1eX\x1fORG\x1f1\x1f1\x1f1",
    ):
        assert orjson.loads(summaries_json(packed)) == EntitySummaries(packed).as_dicts()


ARTICLES = st.builds(
    Article,
    id=st.text("0123456789abcdef", min_size=16, max_size=16),
    title=st.text(max_size=30),
    body_hash=st.just("0" * 64),
    source=st.text(max_size=10),
    url=st.none() | st.just("https://example.org/a"),
    author=st.none() | st.text(max_size=10),
    published=st.none() | st.just("2026-01-02T03:04:05+00:00"),
    added=st.just("2026-11-30T12:00:00+00:00"),
    word_count=st.integers(0, 5000),
    read=st.booleans(),
    starred=st.booleans(),
    entities=SUMMARIES,
    entities_version=st.integers(0, 4),
)


@given(ARTICLES)
@settings(max_examples=200)
def test_a_stored_record_lists_as_the_article_does(article: Article) -> None:
    record = with_read_state(encode_article(article), ReadState(article.read, article.starred))
    expected = article.to_dict()
    del expected["entities_version"]
    listed_json = orjson.loads(orjson.dumps(listed(dict(record))))
    assert listed_json == expected
    # The same keys in the same order as before the fast path.
    assert list(listed_json) == list(expected)


def test_a_record_from_another_version_is_listed_all_the_same() -> None:
    article = Article(
        id="a" * 16,
        title="T",
        body_hash="0" * 64,
        entities=[EntitySummary("Kyoto", "PLACE", 2, 5, False)],
    )
    newer = with_read_state({**encode_article(article), "mood": "sunny"}, ReadState(True))
    assert orjson.loads(orjson.dumps(listed(newer)))["entities"][0]["key"] == "Kyoto"
    assert "mood" not in orjson.loads(orjson.dumps(listed(newer)))
    older = with_read_state(encode_article(article), ReadState())
    older["entities"] = [
        {"key": "Kyoto", "label": "PLACE", "count": 2, "first": 5, "in_title": False}
    ]
    assert orjson.loads(orjson.dumps(listed(older)))["entities"][0]["count"] == 2


@pytest.fixture
def library(tmp_path: Path) -> Library:
    library = Library(DataPaths(tmp_path / "home"))
    for number in range(40):
        body = f"Article {number} says Marta Quinlan met people in Kyoto on day {number}."
        title = f"Story {number}" if number % 3 else None
        published = f"2026-01-{1 + number % 28:02d}T00:00:00+00:00" if number % 4 else None
        library.save(
            Article(
                id=f"{number:016x}",
                title=title or "",
                body_hash="",
                published=published,
                source="Wire",
            ),
            body,
        )
    library.flush()
    library.set_read(f"{3:016x}")
    library.set_starred(f"{5:016x}")
    return library


def test_the_listing_is_the_library_in_order_with_its_read_state(library: Library) -> None:
    paths = library.paths
    expected = [article.to_dict() for article in library.articles()]
    for article in expected:
        del article["entities_version"]
    listing = orjson.loads(listing_json(stored_records(paths, read_shards(paths))))
    assert listing == expected
    assert [a["read"] for a in listing].count(True) == 1
    assert [a["starred"] for a in listing].count(True) == 1


def test_list_json_on_the_command_line(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--home", str(library.paths.home), "list", "--json", "--unread")
    assert code == 0
    listing = json.loads(out)
    assert [a["id"] for a in listing] == [a.id for a in library.articles() if not a.read]
    code, out, _ = run(capsys, "--home", str(library.paths.home), "list")
    lines = out.splitlines()
    # For people, undated articles come after the dated ones (tui/cli/article_table.py).
    newest_dated = next(a.id for a in library.articles() if a.published)
    assert len(lines) == len(library) and lines[0].split()[1] == newest_dated


def test_shards_read_for_some_ids_keep_only_those(library: Library) -> None:
    """``list --entity`` asks the catalog first and keeps only what it names of each shard
    (at 50,000 articles: 205 → 116 MB at its peak)."""
    paths = library.paths
    wanted = {f"{number:016x}" for number in (2, 7, 31)} | {"not-an-article"}
    shards = read_shards(paths, only=wanted)
    kept = [record["id"] for shard in shards for record in shard.records]
    assert sorted(kept) == sorted(wanted - {"not-an-article"})
    everything = {shard.number: shard.signature for shard in read_shards(paths)}
    assert {shard.number: shard.signature for shard in shards} == everything


def test_list_entity_on_the_command_line(
    library: Library, capsys: pytest.CaptureFixture[str]
) -> None:
    home = str(library.paths.home)
    code, out, _ = run(capsys, "--home", home, "list", "--json", "--entity", "marta quinlan")
    assert code == 0
    listing = json.loads(out)
    assert [a["id"] for a in listing] == [a.id for a in library.articles()]
    assert all("Marta Quinlan" in {e["key"] for e in a["entities"]} for a in listing)
    code, out, _ = run(capsys, "--home", home, "list", "--json", "--entity", "Kyoto", "--unread")
    assert [a["id"] for a in json.loads(out)] == [a.id for a in library.articles() if not a.read]
