"""An entity's page and the most-named entities of a period, read from the entity catalog
(issue 16): on a small library planted with known dates, counts and co-mentions."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

import pytest

from store.annotations import HighlightStore
from store.entities.catalog import EntityCatalog
from store.entities.page import article_details, entity_highlights, entity_page
from store.entities.top import top_entities
from store.library import Library
from store.listing import catch_up_catalog
from store.models import Article, EntityLabel, EntitySummary
from store.paths import DataPaths

Named = dict[str, tuple[EntityLabel, int]]

MARTA = "Marta Quinlan"
BOARD = "Harbour Board"


def plant(library: Library, article_id: str, when: str, named: Named, body: str = "") -> str:
    """An article dated ``when`` naming each entity ``count`` times (its summaries given, as
    a refresh gives them), with a body in which each name first appears where it says."""
    body = body or " ".join(f"On {when[:10]} {key} spoke at length." for key in named)
    summaries = tuple(
        EntitySummary(key, label, count, body.find(key), False)
        for key, (label, count) in named.items()
    )
    article = Article(
        id=article_id, title=f"Story {article_id}", body_hash="", published=when
    )  # fmt: skip
    library.save(article, body, entity_summary=summaries)
    return body


@pytest.fixture
def catalog(paths: DataPaths) -> Iterator[EntityCatalog]:
    planted: list[tuple[str, str, Named]] = [
        ("a01", "2026-03-01T09:00:00+00:00", {MARTA: ("PERSON", 2), BOARD: ("ORG", 1)}),
        ("a02", "2026-03-01T09:00:00+00:00",
         {MARTA: ("PERSON", 1), BOARD: ("ORG", 3), "Eldmouth": ("PLACE", 1)}),
        ("a03", "2026-03-03T10:00:00+00:00",
         {"Eldmouth": ("PLACE", 2), MARTA: ("PERSON", 4), BOARD: ("ORG", 1),
          "Paul Verity": ("PERSON", 1)}),
        # A part of her name that is hers alone counts as her.
        ("a04", "2026-03-05T08:00:00+00:00", {"Quinlan": ("PERSON", 1), "Eldmouth": ("PLACE", 1)}),
        ("a05", "2026-03-10T08:00:00+00:00", {"Paul Verity": ("PERSON", 5)}),
    ]  # fmt: skip
    with Library(paths) as library:
        for article_id, when, named in planted:
            plant(library, article_id, when, named)
        library.flush()
    with EntityCatalog(paths.entity_catalog) as opened:
        catch_up_catalog(opened, paths)
        yield opened


def test_the_page_lists_her_articles_newest_first_with_counts_and_first_offsets(
    catalog: EntityCatalog, paths: DataPaths
) -> None:
    (key,) = catalog.resolve("marta quinlan")
    page = entity_page(catalog, key)
    assert (page.key, page.label, page.hidden) == (MARTA, "PERSON", False)
    # Newest first; two of one date by id, descending, as every listing orders them.
    assert [(a.id, a.mentions) for a in page.articles] == [
        ("a04", 1), ("a03", 4), ("a02", 1), ("a01", 2)
    ]  # fmt: skip
    assert page.mentions == 8
    assert page.aliases == ("Quinlan",)
    with Library(paths) as library:
        for shown in page.articles:
            article = library.get(shown.id)
            assert article is not None
            name = "Quinlan" if shown.id == "a04" else MARTA
            assert shown.first == library.body(article).find(name)
            assert shown.title == article.title and shown.date == article.published


def test_the_timeline_counts_mentions_by_day_over_the_librarys_span(
    catalog: EntityCatalog,
) -> None:
    timeline = entity_page(catalog, MARTA).timeline
    assert timeline.bucket == "day"
    assert timeline.start == date(2026, 3, 1)
    # 1 to 10 March: the library's span, not only her days.
    assert timeline.counts == (3, 0, 4, 0, 1, 0, 0, 0, 0, 0)
    assert timeline.dates()[-1] == date(2026, 3, 10)


def test_a_long_span_is_counted_by_the_week_from_a_monday(paths: DataPaths) -> None:
    with Library(paths) as library:
        plant(library, "w1", "2026-01-07T09:00:00+00:00", {MARTA: ("PERSON", 2)})  # a Wednesday
        plant(library, "w2", "2026-01-11T09:00:00+00:00", {MARTA: ("PERSON", 1)})  # Sunday
        plant(library, "w3", "2026-01-12T09:00:00+00:00", {MARTA: ("PERSON", 5)})  # Monday
        plant(library, "w4", "2026-06-30T09:00:00+00:00", {"Eldmouth": ("PLACE", 1)})
        library.flush()
    with EntityCatalog(paths.entity_catalog) as catalog:
        catch_up_catalog(catalog, paths)
        timeline = entity_page(catalog, MARTA).timeline
    assert timeline.bucket == "week"
    assert timeline.start == date(2026, 1, 5)
    assert timeline.counts[:3] == (3, 5, 0)
    assert sum(timeline.counts) == 8
    assert timeline.dates()[-1] == date(2026, 6, 29)


def test_co_mentions_count_the_articles_naming_both_most_first(catalog: EntityCatalog) -> None:
    page = entity_page(catalog, MARTA)
    assert [(c.key, c.label, c.articles) for c in page.co_mentions] == [
        (BOARD, "ORG", 3),
        ("Eldmouth", "PLACE", 3),
        ("Paul Verity", "PERSON", 1),
    ]
    # Ties go to the one with more mentions there: the Board (5) before Eldmouth (4).
    assert [c.mentions for c in page.co_mentions] == [5, 4, 1]
    assert [c.key for c in entity_page(catalog, MARTA, co_mentions=1).co_mentions] == [BOARD]
    # Her page counts her bare surname as her; Eldmouth's counts it as her too.
    assert ("Marta Quinlan", 3) in [(c.key, c.articles) for c in
                                    entity_page(catalog, "Eldmouth").co_mentions]  # fmt: skip


def test_each_shown_article_gets_the_first_sentence_naming_her(
    catalog: EntityCatalog, paths: DataPaths
) -> None:
    with Library(paths) as library:
        body = "Rain fell. The Board met. Later Marta Quinlan spoke, and left. Then rain."
        plant(library, "a06", "2026-03-09T08:00:00+00:00", {MARTA: ("PERSON", 1)}, body)
        library.flush()
        catch_up_catalog(catalog, paths)
        page = entity_page(catalog, MARTA)
        details = article_details(page, page.articles[:2], library.bodies.read,
                                  library.mentions.mentions)  # fmt: skip
    assert [a.id for a in page.articles[:2]] == ["a06", "a04"]
    assert details.sentences == {
        "a06": "Later Marta Quinlan spoke, and left.",
        "a04": "On 2026-03-05 Quinlan spoke at length.",
    }
    # Only the rows asked for are read.
    assert set(details.sentences) == {"a06", "a04"}


def test_her_highlights_are_those_of_her_articles_marked_when_they_name_her(
    catalog: EntityCatalog, paths: DataPaths
) -> None:
    with Library(paths) as library, HighlightStore(paths) as store:
        texts = {a.id: (a, library.body(a)) for a in library.articles()}
        article, text = texts["a03"]
        naming = store.add(article, text, text.find(MARTA), text.find(MARTA) + 20)
        article, text = texts["a01"]
        other = store.add(article, text, 0, 8, note="quinlan again")
        article, text = texts["a02"]
        silent = store.add(article, text, text.find("Eldmouth"), len(text))
        article, text = texts["a05"]
        store.add(article, text, 0, 10, note="Marta Quinlan is not here")  # not her article
        page = entity_page(catalog, MARTA)
        found = entity_highlights(store.all(), page)
    assert [(h.highlight.id, h.names_it) for h in found] == [
        (naming.id, True),
        (silent.id, False),
        (other.id, True),  # her surname, in the note, any case
    ]


def test_top_entities_of_a_period_with_the_change_from_the_one_before(
    catalog: EntityCatalog,
) -> None:
    until = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    top = top_entities(catalog, until - timedelta(days=7), until)
    # 3 to 10 March: a03, a04, a05; the week before: a01, a02.
    assert top.articles == 3
    assert [(e.key, e.label, e.articles, e.previous, e.change) for e in top.entities] == [
        # Two articles each, so by mentions: 6, 5 ("Quinlan" in a04 counts as her), 3.
        ("Paul Verity", "PERSON", 2, 0, 2),
        (MARTA, "PERSON", 2, 2, 0),
        ("Eldmouth", "PLACE", 2, 1, 1),
        (BOARD, "ORG", 1, 2, -1),
    ]
    assert [e.key for e in top_entities(catalog, until - timedelta(days=7), until,
                                         limit=1).entities] == ["Paul Verity"]  # fmt: skip
    shorter = top_entities(catalog, until - timedelta(days=1), until)
    assert [(e.key, e.articles, e.previous) for e in shorter.entities] == [("Paul Verity", 1, 0)]


def test_an_older_catalog_is_built_again_with_the_new_columns(paths: DataPaths) -> None:
    import sqlite3

    with Library(paths) as library:
        plant(library, "a01", "2026-03-01T09:00:00+00:00", {MARTA: ("PERSON", 2)})
        library.flush()
    old = sqlite3.connect(paths.entity_catalog)
    old.executescript("DROP TABLE mention; CREATE TABLE mention (entity, num, label);"
                      "PRAGMA user_version=1;")  # fmt: skip
    old.close()
    with EntityCatalog(paths.entity_catalog) as catalog:
        catch_up_catalog(catalog, paths)
        assert [(a.id, a.mentions) for a in entity_page(catalog, MARTA).articles] == [("a01", 2)]


def test_an_article_naming_two_merged_names_counts_once(
    catalog: EntityCatalog, paths: DataPaths
) -> None:
    from store.entities.correction_store import CorrectionStore

    with CorrectionStore(paths) as store:
        store.merge(BOARD, "Eldmouth")  # named together in a02 and a03
    page = entity_page(catalog, MARTA)
    assert [(c.key, c.articles, c.mentions) for c in page.co_mentions] == [
        (BOARD, 4, 9),  # a01, a02, a03 and (by Eldmouth) a04; its mentions all added
        ("Paul Verity", 1, 1),
    ]
    until = datetime(2026, 3, 10, 9, 0, tzinfo=UTC)
    top = top_entities(catalog, until - timedelta(days=7), until)
    assert (BOARD, 2, 2) in [(e.key, e.articles, e.previous) for e in top.entities]
