"""The entity catalog on disk: it answers as the in-memory index does, and it keeps up."""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from store.db import FileSignature, signature_of
from store.entities.aliases import name_parts
from store.entities.catalog import CatalogEntry, EntityCatalog, ShardContents
from store.entities.gazetteer import gazetteer
from store.library import Library
from store.listing import naming, read_shards
from store.models import Article, EntityLabel, EntitySummary
from store.paths import SHARD_COUNT, DataPaths, shard_of
from store.table_file import TableFile

# People who share parts of their names, one-word names, places with other spellings.
NAMES: list[tuple[str, EntityLabel]] = [
    ("Sanae Takaichi", "PERSON"),
    ("Takaichi", "PERSON"),
    ("Marta Quinlan", "PERSON"),
    ("Paul Quinlan", "PERSON"),
    ("Quinlan", "PERSON"),
    ("Marta", "PERSON"),
    ("Jean de la Croix", "PERSON"),
    ("United States", "PLACE"),
    ("Japan", "PLACE"),
    ("Kyoto", "PLACE"),
    ("Bundesbank", "ORG"),
    ("Japanese", "OTHER"),
]
QUERIES = [name for name, _ in NAMES] + [
    "takaichi",
    "QUINLAN",
    "marta  quinlan",
    "US",
    "u.s.",
    "Croix",
    "Atlantis",
    "",
]


def article(number: int, names: list[tuple[str, EntityLabel]]) -> Article:
    return Article(
        id=f"{number:016x}",
        title=f"Story {number}",
        body_hash="0" * 64,
        published=f"2026-01-{1 + number % 28:02d}T00:00:00+00:00",
        entities=[EntitySummary(key, label, 1, 0) for key, label in dict(names).items()],
    )


Named = list[tuple[str, EntityLabel]]


def naming_rules(articles: list[Article], name: str) -> tuple[list[str], set[str]]:
    """What ``list --entity NAME`` must find, worked out the long way from the rules: the
    key itself in any case; else the people one of whose name parts it is; else a place's
    other spelling. Then the articles naming those keys, or a part of a person's name that
    belongs to that person alone."""
    named = {(s.key, s.label) for article in articles for s in article.entities}
    keys = {key for key, _ in named}
    people = {key for key, label in named if label == "PERSON" and " " in key}

    def owners(part: str) -> set[str]:
        return {person for person in people if part in name_parts(person)}

    wanted = " ".join(name.split()).casefold()
    found = sorted(key for key in keys if key.casefold() == wanted)
    if not found:
        found = sorted({p for p in people for part in name_parts(p) if part.casefold() == wanted})
    if not found:
        spelled = " ".join(name.split())
        for variant in (spelled, spelled.upper(), spelled.title()):
            place = gazetteer().place(variant)
            if place is not None and place.key in keys:
                found = [place.key]
                break
    meant = set(found)
    for key in found:
        meant.update(part for part in name_parts(key) if " " in key and owners(part) == {key})
    ids = {a.id for a in articles if any(s.key in meant for s in a.entities)}
    return found, ids


def catalog_of(directory: Path, articles: list[Article]) -> EntityCatalog:
    catalog = EntityCatalog(directory / "entities.sqlite")
    entries = [CatalogEntry.of_article(a) for a in articles]
    catalog.catch_up([ShardContents(0, FileSignature(1, 2, 3), entries)])
    return catalog


@given(st.lists(st.lists(st.sampled_from(NAMES), max_size=5), max_size=12))
@settings(max_examples=60, deadline=None)
def test_the_catalog_follows_the_naming_rules(named: list[Named]) -> None:
    articles = [article(number, names) for number, names in enumerate(named)]
    with (
        tempfile.TemporaryDirectory() as directory,
        catalog_of(Path(directory), articles) as catalog,
    ):
        for query in QUERIES:
            keys, ids = naming_rules(articles, query)
            assert catalog.resolve(query) == keys, query
            assert set(catalog.articles_mentioning(keys)) == ids, query


def test_a_surname_alone_is_found_under_the_one_full_name_it_belongs_to(tmp_path: Path) -> None:
    articles = [
        article(1, [("Sanae Takaichi", "PERSON")]),
        article(2, [("Takaichi", "PERSON")]),
        article(3, [("Kim Jong Un", "PERSON")]),
        article(4, [("Kim Yo Jong", "PERSON")]),
        article(5, [("Kim", "PERSON")]),
    ]
    with catalog_of(tmp_path, articles) as catalog:
        assert catalog.resolve("sanae  takaichi") == ["Sanae Takaichi"]
        assert catalog.resolve("Jong") == ["Kim Jong Un", "Kim Yo Jong"]
        assert catalog.articles_mentioning(["Sanae Takaichi"]) == [f"{2:016x}", f"{1:016x}"]
        # "Kim" belongs to two people: an article naming only "Kim" is neither's.
        assert catalog.articles_mentioning(["Kim Jong Un"]) == [f"{3:016x}"]


def test_articles_saved_with_different_spellings_share_a_key(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    with Library(paths) as library:
        for article_id, body in (("one", "Officials in the US agreed."),
                                 ("two", "Officials in the United States agreed."),
                                 ("three", "Officials in Japan agreed.")):  # fmt: skip
            library.save(Article(id=article_id, title="", body_hash=""), body)
    keys, ids = naming(paths, read_shards(paths), "US")
    assert keys == ["United States"] and ids == {"one", "two"}


def save(library: Library, number: int, *names: tuple[str, EntityLabel]) -> Article:
    summaries = tuple(EntitySummary(key, label, 1, 0) for key, label in names)
    saved, _ = library.save(
        article(number, list(names)), f"Body {number}.", entity_summary=summaries
    )
    return saved


def shard_signatures(paths: DataPaths) -> dict[int, FileSignature | None]:
    return {number: signature_of(paths.article_shard(number)) for number in range(SHARD_COUNT)}


def test_a_writer_keeps_the_catalog_current(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    with Library(paths) as library:
        for number in range(30):
            save(library, number, ("Kyoto", "PLACE"), ("Marta Quinlan", "PERSON"))
        save(library, 30, ("Japan", "PLACE"))
        library.flush()
        library.remove(f"{0:016x}")
        save(library, 1, ("Japan", "PLACE"))  # Kyoto and Quinlan no longer
        library.flush()
    with EntityCatalog(paths.entity_catalog) as catalog:
        # Every flush was applied as it went: nothing is left for a reader to repair.
        assert catalog.stale(shard_signatures(paths)) == []
        # Newest first: article 30 is dated 3 January, article 1 the 2nd.
        assert catalog.articles_mentioning(["Japan"]) == [f"{30:016x}", f"{1:016x}"]
        kyoto = set(catalog.articles_mentioning(catalog.resolve("kyoto")))
        assert kyoto == {f"{n:016x}" for n in range(2, 30)}


def test_a_shard_written_behind_its_back_is_found_stale_and_repaired(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    with Library(paths) as library:
        save(library, 1, ("Kyoto", "PLACE"))
    # Another version of Broadsheet (which knows no catalog) adds an article to a shard.
    stranger = article(2, [("Kyoto", "PLACE")])
    shard = TableFile(
        paths.article_shard(shard_of(stranger.id)), "articles", decode=dict, encode=dict
    )
    shard.load()
    record = {**stranger.to_record()}
    del record["read"], record["starred"]
    shard.put(stranger.id, record)
    shard.flush()
    with EntityCatalog(paths.entity_catalog) as catalog:
        assert catalog.stale(shard_signatures(paths)) == [shard_of(stranger.id)]
    keys, ids = naming(paths, read_shards(paths), "Kyoto")
    assert keys == ["Kyoto"] and ids == {f"{1:016x}", stranger.id}
    with EntityCatalog(paths.entity_catalog) as catalog:
        assert catalog.stale(shard_signatures(paths)) == []


def test_a_damaged_catalog_is_rebuilt(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    with Library(paths) as library:
        save(library, 1, ("Kyoto", "PLACE"))
    paths.entity_catalog.write_bytes(b"this is not a database" * 100)
    keys, ids = naming(paths, read_shards(paths), "Kyoto")
    assert (keys, ids) == (["Kyoto"], {f"{1:016x}"})
    with sqlite3.connect(paths.entity_catalog) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_busy_catalog_does_not_hold_up_a_writer(tmp_path: Path) -> None:
    paths = DataPaths(tmp_path)
    with Library(paths) as library:
        save(library, 1, ("Kyoto", "PLACE"))
        library.flush()
        # A reader in another process is rebuilding the catalog: its write lock is held.
        holder = sqlite3.connect(paths.entity_catalog, isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")
        try:
            saved = save(library, 2, ("Kyoto", "PLACE"))
            library.flush()  # gives up on the catalog after a short wait; the shard is written
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    assert saved.id in {record["id"] for s in read_shards(paths) for record in s.records}
    with EntityCatalog(paths.entity_catalog) as catalog:
        assert catalog.stale(shard_signatures(paths)) == [shard_of(saved.id)]
    _, ids = naming(paths, read_shards(paths), "Kyoto")
    assert ids == {f"{1:016x}", saved.id}
