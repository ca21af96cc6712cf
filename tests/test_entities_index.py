"""The cross-article entity index: which articles mention an entity."""

from __future__ import annotations

import time
from pathlib import Path

from store import entities
from store.entities.index import EntityIndex
from store.library import Library
from store.models import Article, EntitySummary
from store.paths import DataPaths


def article(article_id: str, *keys: tuple[str, str]) -> Article:
    return Article(
        id=article_id,
        title=article_id,
        body_hash=article_id,
        entities=tuple(EntitySummary(key, label, 1, 0) for key, label in keys),  # type: ignore[arg-type]
    )


def test_lookup_add_and_remove() -> None:
    index = EntityIndex(
        [
            article("a", ("Japan", "PLACE"), ("Sanae Takaichi", "PERSON")),
            article("b", ("Japan", "PLACE")),
        ]
    )
    assert index.articles_mentioning("Japan") == ["a", "b"]
    assert index.articles_mentioning("Sanae Takaichi") == ["a"]
    assert index.articles_mentioning("Atlantis") == []
    index.remove("a")
    assert index.articles_mentioning("Japan") == ["b"]
    assert index.articles_mentioning("Sanae Takaichi") == []
    assert "Sanae Takaichi" not in set(index.keys())


def test_re_adding_an_article_replaces_its_entities() -> None:
    index = EntityIndex([article("a", ("Japan", "PLACE"))])
    index.add(article("a", ("China", "PLACE")))
    assert index.articles_mentioning("Japan") == []
    assert index.articles_mentioning("China") == ["a"]
    assert len(index) == 1


def test_surname_only_article_is_found_under_the_full_name() -> None:
    index = EntityIndex(
        [
            article("full", ("Sanae Takaichi", "PERSON")),
            article("surname", ("Takaichi", "PERSON")),
        ]
    )
    assert index.articles_mentioning("Sanae Takaichi") == ["full", "surname"]


def test_shared_surname_is_not_merged() -> None:
    index = EntityIndex(
        [
            article("a", ("Kim Jong Un", "PERSON")),
            article("b", ("Kim Yo Jong", "PERSON")),
            article("c", ("Kim", "PERSON")),
        ]
    )
    assert index.articles_mentioning("Kim Jong Un") == ["a"]


def test_articles_saved_with_different_spellings_share_a_key(tmp_path: Path) -> None:
    with Library(DataPaths(tmp_path)) as library:
        library.save(Article(id="one", title="", body_hash=""), "Officials in the US agreed.")
        library.save(
            Article(id="two", title="", body_hash=""), "Officials in the United States agreed."
        )
        library.save(Article(id="three", title="", body_hash=""), "Officials in Japan agreed.")
        index = EntityIndex(library.articles())
    assert sorted(index.articles_mentioning("United States")) == ["one", "two"]
    assert entities.EXTRACTOR_VERSION == 2


def test_fifty_thousand_articles_build_quickly_and_answer_instantly() -> None:
    summaries = [EntitySummary(f"Place {n}", "PLACE", 1, 0) for n in range(2_000)]
    articles = [
        Article(
            id=f"id{n}",
            title="",
            body_hash="",
            entities=tuple(summaries[(n * 7 + k) % len(summaries)] for k in range(20)),
        )
        for n in range(50_000)
    ]
    started = time.perf_counter()
    index = EntityIndex(articles)
    built = time.perf_counter() - started
    started = time.perf_counter()
    found = index.articles_mentioning("Place 7")
    lookup = time.perf_counter() - started
    assert len(found) == 500
    assert built < 10.0  # about 0.6 s here; generous for a shared CI machine
    assert lookup < 0.01


def test_re_adding_and_removing_many_articles_keeps_answers_exact() -> None:
    index = EntityIndex([article(f"a{n}", ("Japan", "PLACE")) for n in range(3000)])
    for _ in range(2):  # enough retired numbers that the postings are compacted
        for n in range(0, 3000, 2):
            index.add(article(f"a{n}", ("China", "PLACE")))
        for n in range(1, 3000, 2):
            index.add(article(f"a{n}", ("Japan", "PLACE")))
    for n in range(1, 3000, 4):
        index.remove(f"a{n}")
    assert index.articles_mentioning("Japan") == [f"a{n}" for n in range(3, 3000, 4)]
    assert index.articles_mentioning("China") == [f"a{n}" for n in range(0, 3000, 2)]
    assert len(index) == 3000 - 750
    assert sorted(index.keys()) == ["China", "Japan"]
