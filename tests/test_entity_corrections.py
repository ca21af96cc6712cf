"""Corrections that stick (issue 16): merge, split, relabel and hide, applied wherever
entities are read (the catalog's answers, the page, the top list, an article's summaries and
mentions), kept as user data, and still in force after the article is extracted again."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from store.entities.catalog import EntityCatalog
from store.entities.correction_store import Change, CorrectionStore, read_corrections
from store.entities.page import entity_page
from store.entities.refresh import refresh_article, refresh_stale, resplit_articles
from store.entities.top import top_entities
from store.library import Library
from store.listing import catch_up_catalog, naming, read_shards
from store.models import Article, EntitySummary
from store.paths import DataPaths

JAXA = "Japan Aerospace Exploration Agency"
DEFINED = f"The {JAXA} (JAXA) launched a probe on Monday. JAXA said it worked."
ALONE = "JAXA said the probe reached orbit. Engineers in Tokyo cheered."
FORD = "Harrison Ford starred in the film about cars. Later, Ford said the shoot was long."


def save(library: Library, article_id: str, body: str, when: str = "2026-03-01") -> Article:
    """Saved as an import saves it: the entities extracted from the body."""
    article = Article(id=article_id, title=f"Story {article_id}", body_hash="",
                      published=f"{when}T09:00:00+00:00")  # fmt: skip
    return library.save(article, body)[0]


def fresh_catalog(paths: DataPaths) -> EntityCatalog:
    catalog = EntityCatalog(paths.entity_catalog)
    catch_up_catalog(catalog, paths)
    return catalog


@pytest.fixture
def home(paths: DataPaths) -> DataPaths:
    with Library(paths) as library:
        save(library, "defined", DEFINED)
        save(library, "alone", ALONE, "2026-03-02")
        library.flush()
    return paths


def test_a_merge_makes_two_names_one_entity_everywhere(home: DataPaths) -> None:
    with fresh_catalog(home) as catalog:
        assert catalog.resolve("jaxa") == ["JAXA"]
        assert catalog.articles_mentioning(["JAXA"]) == ["alone"]
        with CorrectionStore(home) as store:
            assert store.merge(JAXA, "JAXA") is Change.MADE
            assert store.merge(JAXA, "JAXA") is Change.ALREADY
        # The catalog answers with the correction at once: no rebuild, no rewrite.
        assert catalog.resolve("jaxa") == [JAXA]
        assert catalog.articles_mentioning([JAXA]) == ["alone", "defined"]
        page = entity_page(catalog, JAXA)
        assert [(a.id, a.mentions) for a in page.articles] == [("alone", 1), ("defined", 3)]
        assert page.aliases == ("JAXA",)
    # list --entity and search ask the same catalog.
    keys, ids = naming(home, read_shards(home), "JAXA")
    assert (keys, ids) == ([JAXA], {"alone", "defined"})
    # The sidebar and the n/N jumps of the article that named it alone.
    corrections = read_corrections(home)
    with Library(home) as library:
        article = library.get("alone")
        assert article is not None
        _, mentions = refresh_article(library, article)
    shown = corrections.summaries(article.entities)
    assert [s.key for s in shown if s.key in (JAXA, "JAXA")] == [JAXA]
    assert {m.key for m in corrections.mentions(mentions) if m.text == "JAXA"} == {JAXA}


def test_summaries_of_merged_names_become_one(paths: DataPaths) -> None:
    with CorrectionStore(paths) as store:
        store.merge("Sanae Takaichi", "Takaichi San")
    summaries = [
        EntitySummary("Takaichi San", "OTHER", 2, 5, True),
        EntitySummary("Tokyo", "PLACE", 1, 9),
        EntitySummary("Sanae Takaichi", "PERSON", 3, 40),
    ]
    assert read_corrections(paths).summaries(summaries) == (
        EntitySummary("Sanae Takaichi", "PERSON", 5, 5, True),
        EntitySummary("Tokyo", "PLACE", 1, 9),
    )


def test_a_merge_survives_the_article_being_extracted_again(home: DataPaths) -> None:
    with CorrectionStore(home) as store:
        store.merge(JAXA, "JAXA")
    with Library(home) as library:
        # A refresh brings a new text, extracted again...
        save(library, "alone", ALONE + " JAXA will try again. JAXA hopes so.", "2026-03-02")
        library.flush()
        # ...and a new extractor version makes every summary again.
        stale = library.get("defined")
        assert stale is not None
        library.update(replace(stale, entities_version=0))
        for _ in refresh_stale(library):
            library.flush()
    with fresh_catalog(home) as catalog:
        page = entity_page(catalog, catalog.resolve("JAXA")[0])
    assert [(a.id, a.mentions) for a in page.articles] == [("alone", 3), ("defined", 3)]


def test_corrections_are_user_data_kept_across_opens(home: DataPaths) -> None:
    with CorrectionStore(home) as store:
        store.merge(JAXA, "JAXA")
        store.relabel("Tokyo", "ORG")
        store.hide("Monday")
        store.split("Harrison Ford", "Ford")
    stored = json.loads(home.entity_corrections_db.read_text(encoding="utf-8"))
    assert len(stored["corrections"]) == 4
    with CorrectionStore(home) as store:
        kinds = [(c.kind, c.entity, c.name, c.label) for c in store.all()]
    assert sorted(kinds) == [
        ("hide", "Monday", "", ""),
        ("merge", JAXA, "JAXA", ""),
        ("relabel", "Tokyo", "", "ORG"),
        ("split", "Harrison Ford", "Ford", ""),
    ]


def test_a_relabel_and_a_hide_apply_to_the_page_the_top_list_and_the_sidebar(
    home: DataPaths,
) -> None:
    with CorrectionStore(home) as store:
        store.relabel("Tokyo", "PERSON")
        store.hide("JAXA")
    until = datetime(2026, 3, 5, tzinfo=UTC)
    with fresh_catalog(home) as catalog:
        page = entity_page(catalog, "Tokyo")
        assert page.label == "PERSON"
        top = top_entities(catalog, until - timedelta(days=7), until)
        assert ("Tokyo", "PERSON") in [(e.key, e.label) for e in top.entities]
        assert "JAXA" not in [e.key for e in top.entities]
        assert "JAXA" not in [c.key for c in entity_page(catalog, "Tokyo").co_mentions]
        # A hidden entity still has its page, marked so.
        assert entity_page(catalog, "JAXA").hidden
    with Library(home) as library:
        article = library.get("alone")
        assert article is not None
    shown = read_corrections(home).summaries(article.entities)
    assert [(s.key, s.label) for s in shown] == [("Tokyo", "PERSON")]
    with CorrectionStore(home) as store:
        assert store.hide("JAXA", hidden=False) is Change.MADE
    assert "JAXA" in [s.key for s in read_corrections(home).summaries(article.entities)]


def test_a_split_takes_back_the_users_merge(home: DataPaths) -> None:
    with CorrectionStore(home) as store:
        store.merge(JAXA, "JAXA")
        store.merge(JAXA, "J.A.X.A.")
        assert store.split("JAXA", JAXA) is Change.UNMERGED
        corrections = store.corrections()
    assert corrections.canonical("JAXA") == "JAXA"
    assert corrections.canonical("J.A.X.A.") == JAXA
    with fresh_catalog(home) as catalog:
        assert catalog.articles_mentioning(catalog.resolve("JAXA")) == ["alone"]


def test_a_split_parts_a_name_the_extractor_gave_another_and_survives_extraction(
    paths: DataPaths,
) -> None:
    with Library(paths) as library:
        save(library, "film", FORD)
        library.flush()
    with fresh_catalog(paths) as catalog:
        assert catalog.resolve("Ford") == ["Harrison Ford"]
        naming_him = catalog.articles_mentioning(["Harrison Ford"])
    with CorrectionStore(paths) as store:
        assert store.split("Harrison Ford", "Ford") is Change.MADE
    with Library(paths) as library:
        assert resplit_articles(library, naming_him) == 1
        article = library.get("film")
        assert article is not None
        assert {(s.key, s.count) for s in article.entities} >= {("Harrison Ford", 1), ("Ford", 1)}
        _, mentions = refresh_article(library, article)
        shown = read_corrections(paths).mentions(mentions)
        assert [(m.text, m.key) for m in shown] == [
            ("Harrison Ford", "Harrison Ford"),
            ("Ford", "Ford"),
        ]
    with fresh_catalog(paths) as catalog:
        assert catalog.resolve("Ford") == ["Ford"]
        assert entity_page(catalog, "Harrison Ford").mentions == 1
    # The text changes and is extracted again (as a refresh would; and as a refresh's worker
    # processes do, with summaries made before the split): still apart.
    with Library(paths) as library:
        save(library, "film", FORD + " Ford was tired.")
        library.flush()
        article = library.get("film")
        assert article is not None
        assert {(s.key, s.count) for s in article.entities} >= {("Harrison Ford", 1), ("Ford", 2)}
        unsplit = (EntitySummary("Harrison Ford", "PERSON", 4, 0),)
        library.save(replace(article, title="Ford again"), FORD + " Ford.", entity_summary=unsplit)
        library.flush()
        resaved = library.get("film")
        assert resaved is not None
        assert {(s.key, s.count) for s in resaved.entities} >= {("Harrison Ford", 1), ("Ford", 2)}


def test_a_read_only_home_refuses_corrections_and_keeps_none(
    home: DataPaths, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.db
    from store.db import ReadOnlyHomeError

    monkeypatch.setattr(store.db, "_writable", lambda directory: False)
    with CorrectionStore(home) as corrections, pytest.raises(ReadOnlyHomeError) as refused:
        corrections.merge(JAXA, "JAXA")
    assert "read-only" in str(refused.value) and "entity corrections" in str(refused.value)
    assert not home.entity_corrections_db.exists()
    with CorrectionStore(home) as corrections:
        assert corrections.all() == []


async def test_the_app_sidebar_shows_the_corrections(seeded_library: Library) -> None:
    from store.annotations import HighlightStore
    from tests.pilot import settle
    from tui.app import BroadsheetApp
    from tui.widgets.entity_sidebar import EntitySidebar

    paths = seeded_library.paths
    with CorrectionStore(paths) as corrections:
        corrections.hide("Donald Trump")
    app = BroadsheetApp(seeded_library, HighlightStore(paths))
    async with app.run_test(size=(160, 48)) as pilot:
        await settle(pilot)
        sidebar = pilot.app.screen.query_one(EntitySidebar)
        shown = "\n".join(sidebar.render_line(y).text for y in range(sidebar.size.height))
    assert "Sanae Takaichi" in shown
    assert "Donald Trump" not in shown


async def test_the_apps_json_export_carries_the_corrections(seeded_library: Library) -> None:
    from store.annotations import HighlightStore
    from tests.pilot import settle
    from tui.app import BroadsheetApp

    paths = seeded_library.paths
    with CorrectionStore(paths) as corrections:
        corrections.hide("Donald Trump")
    highlights = HighlightStore(paths)
    [article] = seeded_library.articles()
    highlights.add(article, seeded_library.body(article), 0, 20, "yellow")
    app = BroadsheetApp(seeded_library, highlights)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.export_highlights("json", None)
        await settle(pilot)
    [exported] = paths.exports_dir.glob("*.json")
    assert "Donald Trump" in exported.read_text(encoding="utf-8")
    assert "entityCorrections" in exported.read_text(encoding="utf-8")
