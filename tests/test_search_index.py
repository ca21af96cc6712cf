"""Search over a small planted corpus: ranking, word forms, every field, and an index that
keeps up (articles added, changed, removed) and mends itself (deleted, damaged, foreign)."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from hypothesis import HealthCheck, given, settings

from store.annotations import HighlightStore
from store.db import FileSignature, signature_of
from store.entities.catalog import EntityCatalog
from store.feeds import Feed, FeedStore
from store.library import Library, encode_article
from store.listing import ShardRecords, catch_up_catalog
from store.models import Article, EntityLabel, EntitySummary
from store.paths import DataPaths, shard_of
from store.read_state import ReadStateStore
from store.search import (
    SORT_ORDERS,
    SearchIndex,
    SearchIndexBusyError,
    SearchSources,
    ShardWrite,
    SortOrder,
    catch_up_search_index,
    match_spans,
    parse,
    positive_terms,
    search,
)
from store.search.query import Phrase, QueryError, Word
from tests.test_search_query import QUERY_TEXT

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
FILLER = " ".join(f"Paragraph filler number {n} about nothing in particular." for n in range(6))


@dataclass(frozen=True)
class Planted:
    key: str
    title: str
    body: str
    published: str
    standfirst: str = ""
    author: str | None = None
    feed_id: str | None = None
    source: str = "Local file"
    entities: tuple[tuple[str, EntityLabel], ...] = ()


PLANTED = [
    Planted("title-tariff", "Tariffs on steel rise again", f"Steel makers wait. {FILLER}",
            "2026-02-01T08:00:00+00:00", feed_id="feed-a", source="Harbour Times",
            author="Ines Varga"),
    Planted("body-tariff", "Budget talks resume", f"{FILLER} A tariff was mentioned once.",
            "2026-02-27T08:00:00+00:00", feed_id="feed-b", source="Coast Daily",
            author="Tomas Okafor"),
    Planted("many-tariffs", "Ports and prices", f"Tariff tariffs tariffed. Tariffs! {FILLER}",
            "2025-06-01T08:00:00+00:00", feed_id="feed-b", source="Coast Daily",
            standfirst="Why tariffs matter"),
    Planted("accents", "Zürich café reopens", f"The CAFÉ in ZURICH serves naïve tourists. {FILLER}",
            "2026-02-20T08:00:00+00:00", entities=(("Zürich", "PLACE"),)),
    Planted("trade-war", "A trade war looms", f"Officials fear a trade war. {FILLER}",
            "2026-02-25T08:00:00+00:00", entities=(("Xi Jinping", "PERSON"),)),
    Planted("war-on-trade", "War on trade", f"This is a war on trade, not a trade deal. {FILLER}",
            "2026-02-26T08:00:00+00:00", entities=(("Donald Trump", "PERSON"),)),
    Planted("twin-old", "Drought grips the valley", f"Drought and heat. {FILLER}",
            "2026-01-01T08:00:00+00:00"),
    Planted("twin-new", "Drought grips the valley", f"Drought and heat. {FILLER}",
            "2026-02-28T08:00:00+00:00"),
]  # fmt: skip
FEEDS = [
    Feed(id="feed-a", url="https://harbour.example/rss", title="Harbour Times", tags=("World",)),
    Feed(id="feed-b", url="https://coast.example/rss", title="Coast Daily",
         tags=("World/Asia", "Business")),
]  # fmt: skip


def planted_article(planted: Planted) -> Article:
    return Article(
        id=planted.key,
        title=planted.title,
        body_hash="",
        source=planted.source,
        author=planted.author,
        published=planted.published,
        standfirst=planted.standfirst,
        feed_id=planted.feed_id,
    )


def summary(planted: Planted) -> tuple[EntitySummary, ...]:
    return tuple(EntitySummary(key, label, 1, 0) for key, label in planted.entities)


@pytest.fixture
def home(paths: DataPaths) -> DataPaths:
    with FeedStore(paths) as feeds:
        for feed in FEEDS:
            feeds.put(feed)
    with Library(paths) as library:
        for planted in PLANTED:
            library.save(planted_article(planted), planted.body, entity_summary=summary(planted))
        library.flush()
    return paths


@pytest.fixture
def index(home: DataPaths) -> Iterator[SearchIndex]:
    with SearchIndex(home.search_index) as opened:
        catch_up_search_index(opened, home)
        yield opened


def sources(paths: DataPaths) -> SearchSources:
    states = ReadStateStore(paths)
    states.load()
    catalog = EntityCatalog(paths.entity_catalog)
    catch_up_catalog(catalog, paths)
    return SearchSources.of_stores(
        read_states=states.flagged,
        highlights=HighlightStore(paths).all,
        feeds=FeedStore(paths).all,
        catalog=catalog,
    )


def found(
    index: SearchIndex, query: str, *, sort: SortOrder = "relevance", limit: int | None = None
) -> list[str]:
    hits = search(query, index=index, sources=sources(index_home(index)), now=NOW, sort=sort,
                  limit=limit)  # fmt: skip
    return [hit.article_id for hit in hits]


def index_home(index: SearchIndex) -> DataPaths:
    return DataPaths(index.path.parent.parent)


# Ranking


def test_a_word_in_the_headline_ranks_above_one_in_the_text(index: SearchIndex) -> None:
    # Found in every form ("tariffs", "Tariff", "tariffed"); a headline counts most, then
    # how often the text says it: four times ranks above once.
    assert found(index, "tariff") == ["title-tariff", "many-tariffs", "body-tariff"]


def test_recency_breaks_ties_and_date_order_is_newest_first(index: SearchIndex) -> None:
    assert found(index, "drought") == ["twin-new", "twin-old"]
    hits = search("drought", index=index, sources=sources(index_home(index)))
    assert hits[0].score is not None and hits[0].score == hits[1].score
    assert found(index, "tariff", sort="date") == ["body-tariff", "title-tariff", "many-tariffs"]
    assert found(index, "tariff", limit=1) == ["title-tariff"]


def test_hits_carry_the_words_to_mark(index: SearchIndex) -> None:
    hits = search('tariff -steel ("trade war" OR ports)', index=index,
                  sources=sources(index_home(index)))  # fmt: skip
    assert [hit.article_id for hit in hits] == ["many-tariffs"]
    assert hits[0].terms == (Word("tariff"), Phrase("trade war"), Word("ports"))


# Word forms


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("zurich", {"accents"}),
        ("ZÜRICH cafe", {"accents"}),
        ("NAIVE", {"accents"}),
        ('"trade war"', {"trade-war"}),
        ("trade war", {"trade-war", "war-on-trade"}),
        ("tarif*", {"title-tariff", "body-tariff", "many-tariffs"}),
        ('"why tariffs matter"', {"many-tariffs"}),
        ("steel makers", {"title-tariff"}),
    ],
)
def test_case_accents_stems_phrases_and_prefixes(
    index: SearchIndex, query: str, expected: set[str]
) -> None:
    assert set(found(index, query)) == expected


# Fields


def test_metadata_fields(index: SearchIndex) -> None:
    assert set(found(index, "feed:harbour")) == {"title-tariff"}
    assert set(found(index, 'feed:"coast daily"')) == {"body-tariff", "many-tariffs"}
    assert set(found(index, "feed:coast.example")) == {"body-tariff", "many-tariffs"}
    assert set(found(index, 'feed:"local file"')) == {p.key for p in PLANTED if not p.feed_id}
    assert set(found(index, "author:okafor")) == {"body-tariff"}
    assert set(found(index, "tag:world")) == {"title-tariff", "body-tariff", "many-tariffs"}
    assert set(found(index, "tag:World/Asia")) == {"body-tariff", "many-tariffs"}
    assert set(found(index, "tag:Asia")) == set()
    assert set(found(index, "newer:7d")) == {"body-tariff", "twin-new", "war-on-trade",
                                             "trade-war"}  # fmt: skip
    assert set(found(index, "newer:2026-02-27")) == {"body-tariff", "twin-new"}
    assert set(found(index, "older:2026-01-02")) == {"many-tariffs", "twin-old"}
    # Without words, newest first.
    assert found(index, "feed:coast") == ["body-tariff", "many-tariffs"]


def test_read_state_highlights_and_entities(home: DataPaths, index: SearchIndex) -> None:
    with Library(home) as library, HighlightStore(home) as highlights:
        library.set_read("title-tariff")
        library.set_read("body-tariff")
        library.set_starred("body-tariff")
        for key, note in (("twin-old", "dry #climate"), ("trade-war", "")):
            article = library.get(key)
            assert article is not None
            highlights.add(article, library.body(article), 0, 7, note=note)
    assert set(found(index, "tariff is:read")) == {"title-tariff", "body-tariff"}
    assert set(found(index, "tariff is:unread")) == {"many-tariffs"}
    assert found(index, "is:starred") == ["body-tariff"]
    assert set(found(index, "has:highlights")) == {"twin-old", "trade-war"}
    assert found(index, "has:note") == ["twin-old"]
    assert found(index, "drought -has:note") == ["twin-new"]
    assert set(found(index, "tag:climate")) == {"twin-old"}
    assert found(index, 'entity:"Xi Jinping"') == ["trade-war"]
    assert found(index, "entity:jinping") == ["trade-war"]
    assert found(index, "trade -entity:trump") == ["trade-war"]


def test_exclusions_and_or_with_fields(index: SearchIndex) -> None:
    assert set(found(index, "-tariff -drought")) == {"accents", "trade-war", "war-on-trade"}
    assert set(found(index, "tariff -feed:coast")) == {"title-tariff"}
    assert set(found(index, "tariff -author:okafor -author:varga")) == {"many-tariffs"}
    # Words under an OR with a field: those that match the words rank first.
    assert found(index, "zurich OR feed:harbour") == ["accents", "title-tariff"]
    assert set(found(index, "(steel OR cafe) -(feed:harbour)")) == {"accents"}
    assert set(found(index, "-(tariff OR drought OR trade)")) == {"accents"}


@given(text=QUERY_TEXT)
@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_any_query_is_answered_or_refused_never_an_error(index: SearchIndex, text: str) -> None:
    # Whatever FTS5 and SQL the plan makes of a query, SQLite takes it.
    try:
        tree = parse(text)
    except QueryError:
        return
    for sort in SORT_ORDERS:
        hits = search(tree, index=index, sources=sources(index_home(index)), now=NOW, sort=sort)
        assert {hit.article_id for hit in hits} <= {planted.key for planted in PLANTED}


# Marking


def test_match_spans_agree_with_the_index() -> None:
    text = "Tariffs on café exports: U.S. and EU naïve. A trade war, not a war on trade."
    terms = positive_terms(parse('tariff cafe "u.s." naive "trade war" -EU'))
    assert [text[start:end] for start, end in match_spans(text, terms)] == [
        "Tariffs", "café", "U.S", "naïve", "trade war",
    ]  # fmt: skip
    assert match_spans("nothing here", terms) == []
    assert match_spans(text, ()) == []


# Keeping up


def test_added_changed_and_removed_articles_are_caught_up(
    home: DataPaths, index: SearchIndex, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A writer that leaves the index behind (another version, a crash between the shards
    # and the index): our own flushes apply what they write (tests/test_search_fronts.py).
    monkeypatch.setattr(Library, "_keep_search_index", lambda self, writes: None)
    with Library(home) as library:
        new = Planted("new", "Harvest festival", "", "2026-02-02T00:00:00+00:00")
        library.save(planted_article(new), "Barley and oats.", entity_summary=())
        changed = library.get("accents")
        assert changed is not None
        library.save(changed, "The bakery in Geneva sells rye.", entity_summary=())
        library.remove("twin-old")
        library.flush()
    assert catch_up_search_index(index, home) == 3
    assert found(index, "barley") == ["new"]
    assert found(index, "zurich") == ["accents"]  # the headline still says Zürich
    assert found(index, "cafe") == ["accents"]
    assert found(index, "naive") == [] and found(index, "rye") == ["accents"]
    assert found(index, "drought") == ["twin-new"]
    assert catch_up_search_index(index, home) == 0
    # The old words are gone from the index itself, not only out of reach.
    assert indexed_documents(home, "naive OR drought") == 1
    assert indexed_documents(home, "tariff OR trade OR barley OR rye OR drought") == 8


def indexed_documents(paths: DataPaths, expression: str) -> int:
    """How many documents FTS5 itself holds that match, whether an article owns them or not."""
    with sqlite3.connect(paths.search_index) as raw:
        row = raw.execute("SELECT count(*) FROM text WHERE text MATCH ?", (expression,))
        return int(row.fetchone()[0])


def test_a_writers_apply_takes_only_its_articles(home: DataPaths, index: SearchIndex) -> None:
    article = planted_article(Planted("applied", "Lighthouse keeper", "", "2026-02-03"))
    with Library(home) as library:
        number = shard_of(article.id)
        before = signature_of(home.article_shard(number))
        saved, _ = library.save(article, "Fog horns at dawn.", entity_summary=())
        library.flush()
        after = signature_of(home.article_shard(number))
        write = ShardWrite(number, before, after, {saved.id: encode_article(saved)})
        index.apply([write], library.bodies.read)
        assert found(index, "fog") == ["applied"]
        assert index.stale({number: after}) == []
        # A flush whose "before" the index does not describe is left for a reader.
        removal = ShardWrite(number, before, after, {saved.id: None})
        index.apply([removal], library.bodies.read)
        assert found(index, "fog") == ["applied"]
        index.apply([ShardWrite(number, after, after, {saved.id: None})], library.bodies.read)
        assert found(index, "fog") == []


def test_one_id_twice_in_the_shards_is_indexed_once(home: DataPaths, index: SearchIndex) -> None:
    # Damaged or hand-edited shards: the same article twice in one, and in a shard not its own.
    article = planted_article(Planted("twice", "Lighthouse keeper", "", "2026-02-03"))
    record = {**encode_article(article), "body_hash": ""}
    own, other = shard_of("twice"), (shard_of("twice") + 1) % 64
    for number, records in ((own, [record, record]), (other, [record])):
        shard = ShardRecords(number, FileSignature(number, 1, 1), records)
        index.catch_up([shard], lambda body_hash: None)
        assert found(index, "lighthouse") == ["twice"]


def test_a_writer_makes_no_index_where_there_is_none(home: DataPaths) -> None:
    with SearchIndex(home.search_index) as index, Library(home) as library:
        index.apply([ShardWrite(0, None, None, {"x": None})], library.bodies.read)
    assert not home.search_index.exists()


def test_a_body_that_cannot_be_read_any_more_leaves_no_false_match(
    home: DataPaths, index: SearchIndex
) -> None:
    # The old text's words cannot be taken out without the old text: they stay behind,
    # under a row number no article has, and match nothing.
    with Library(home) as library:
        article = library.get("trade-war")
        assert article is not None
        with sqlite3.connect(home.bodies_db) as bodies:
            bodies.execute("DELETE FROM body WHERE hash = ?", (article.body_hash,))
        library.save(article, "Markets calm down.", entity_summary=())
        library.flush()
    catch_up_search_index(index, home)
    assert found(index, "officials") == []
    assert found(index, "markets") == ["trade-war"]
    assert indexed_documents(home, "officials") == 1  # left behind, owned by no article
    assert not index.worn_out()


# Mending


def test_a_deleted_index_is_built_again(home: DataPaths, index: SearchIndex) -> None:
    index.close()
    home.search_index.unlink()
    catch_up_search_index(index, home)
    assert set(found(index, "tariff")) == {"title-tariff", "body-tariff", "many-tariffs"}


@pytest.mark.parametrize(
    "damage",
    [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 5000],
    ids=["empty", "text", "torn header"],
)
def test_a_damaged_index_is_built_again(home: DataPaths, damage: bytes) -> None:
    with SearchIndex(home.search_index) as index:
        catch_up_search_index(index, home)
    for suffix in ("-wal", "-shm"):
        (home.search_index.parent / f"search.sqlite{suffix}").unlink(missing_ok=True)
    home.search_index.write_bytes(damage)
    with SearchIndex(home.search_index) as index:
        catch_up_search_index(index, home)
        assert set(found(index, "drought")) == {"twin-old", "twin-new"}


def test_damage_found_while_searching_is_mended(home: DataPaths, index: SearchIndex) -> None:
    index.close()
    with sqlite3.connect(home.search_index) as raw:
        raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        pages = [row[0] for row in raw.execute("SELECT rootpage FROM sqlite_master")]
    size = home.search_index.stat().st_size
    with home.search_index.open("r+b") as file:  # scribble over every table's root page
        for page in pages:
            if page and (page - 1) * 4096 < size:
                file.seek((page - 1) * 4096)
                file.write(b"\x07" * 4096)
    # The search meets the damage, starts an empty index and answers from it; a catch-up
    # (as every command makes first) fills it again.
    assert found(index, "drought") == []
    assert index.resets == 1
    catch_up_search_index(index, home)
    assert set(found(index, "drought")) == {"twin-old", "twin-new"}


def test_a_file_of_another_schema_is_replaced(home: DataPaths) -> None:
    home.search_index.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(home.search_index) as foreign:
        foreign.execute("CREATE TABLE article (whatever TEXT)")
        foreign.execute("CREATE VIRTUAL TABLE text USING fts4(x)")
        foreign.execute("PRAGMA user_version = 7")
    with SearchIndex(home.search_index) as index:
        catch_up_search_index(index, home)
        assert found(index, "zurich") == ["accents"]


def test_a_busy_index_says_so(home: DataPaths) -> None:
    with SearchIndex(home.search_index, busy_timeout=0.05) as index:
        index.stale({})  # made
        holder = sqlite3.connect(home.search_index, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            with pytest.raises(SearchIndexBusyError, match="busy: another Broadsheet"):
                catch_up_search_index(index, home)
        finally:
            holder.execute("ROLLBACK")
            holder.close()
        catch_up_search_index(index, home)
        assert found(index, "zurich") == ["accents"]


def test_searches_from_threads_share_the_index(home: DataPaths, index: SearchIndex) -> None:
    results: list[list[str]] = []
    problems: list[BaseException] = []

    def searching() -> None:
        try:
            for _ in range(20):
                results.append(found(index, "tariff"))
        except BaseException as problem:  # pragma: no cover - reported below
            problems.append(problem)

    threads = [threading.Thread(target=searching) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not problems
    assert all(result == results[0] for result in results) and len(results) == 80
