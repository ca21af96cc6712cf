"""The structure beside the canonical text: stored with the body, read back (or paragraphs
when there is none), a feed's summary shown once, and a Markdown seed imported before it
had a structure read again with its highlights placed on the new text."""

from __future__ import annotations

import sqlite3
from dataclasses import replace
from pathlib import Path

from store.annotations import HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.feeds import Feed, FeedStore
from store.ingest.http import FetchPolicy
from store.ingest.importer import import_seeds
from store.ingest.refresh import refresh_feeds
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from store.structure import Block, Link, StructuredText, TextStructure
from tests.test_blocks import MARKDOWN_SEED
from tests.web.plugin import FixtureSite
from tests.web.server import Response, WebServer

CONTENT = "http://purl.org/rss/1.0/modules/content/"


def rss_with_content(*items: tuple[str, str, str]) -> Response:
    """An RSS feed whose items (guid, summary, content) carry both a description and
    content:encoded, as most news feeds do."""
    entries = "".join(
        f"<item><title>Item {guid}</title><guid isPermaLink='false'>{guid}</guid>"
        f"<link>https://news.example/{guid}</link>"
        f"<description><![CDATA[{summary}]]></description>"
        f"<content:encoded><![CDATA[{content}]]></content:encoded></item>"
        for guid, summary, content in items
    )
    document = (
        f'<?xml version="1.0"?><rss version="2.0" xmlns:content="{CONTENT}"><channel>'
        f"<title>News</title><link>https://news.example/</link>{entries}</channel></rss>"
    )
    return Response(200, document.encode(), {"Content-Type": "application/rss+xml"})


def test_a_refresh_stores_the_blocks_and_links_and_shows_a_summary_once(
    tmp_path: Path, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
) -> None:
    lead = "The council approved the sea wall on Tuesday after a long debate."
    site.overrides["/content.xml"] = rss_with_content(
        # The summary is the first paragraph, cut short as feeds cut it.
        ("same", "The council approved the sea wall on Tuesday […]",
         f"<p>{lead}</p><h2>Costs</h2><ul><li>Design</li><li>Works</li></ul>"
         "<p>See <a href='/plans'>the plans</a> and <a href='javascript:x()'>this</a>.</p>"),
        # A summary of its own stays the standfirst.
        ("other", "Why the town needs a wall.", f"<p>{lead}</p>"),
    )  # fmt: skip
    paths = DataPaths(tmp_path / "home")
    with Library(paths) as library, FeedStore(paths) as feeds:
        feeds.put(Feed.new(web_server.url("/content.xml")))
        assert not refresh_feeds(library, feeds, policy=test_policy).failed
        same, other = library.find("guid", "same"), library.find("guid", "other")
        assert same is not None and other is not None
        assert same.standfirst == "" and other.standfirst == "Why the town needs a wall."
        body = library.body(same)
        assert body == f"{lead}\n\nCosts\n\nDesign\n\nWorks\n\nSee the plans and this."
        structure = library.bodies.structure(same.body_hash, body)
        assert [(b.kind, b.level) for b in structure.blocks] == [
            ("paragraph", 0), ("heading", 2), ("item", 1), ("item", 1), ("paragraph", 0)
        ]  # fmt: skip
        assert structure.links == (
            Link(body.index("the plans"), body.index(" and this"), "https://news.example/plans"),
        )


def test_a_text_stored_without_a_structure_reads_as_paragraphs(library: Library) -> None:
    article = Article(id="old", title="Old", body_hash="")
    saved, _ = library.save(article, "First.\n\nSecond.")
    structure = library.bodies.structure(saved.body_hash, "First.\n\nSecond.")
    assert structure == TextStructure((Block("paragraph", 0, 6), Block("paragraph", 8, 15)))


def test_a_stored_structure_that_does_not_fit_its_text_reads_as_paragraphs(
    library: Library,
) -> None:
    text = "A heading\n\nA paragraph with a link."
    link = Link(text.index("link"), len(text) - 1, "https://example.org/")
    good = TextStructure((Block("heading", 0, 9, 2), Block("paragraph", 11, len(text))), (link,))
    saved, _ = library.save(Article(id="s", title="S", body_hash=""), text, structure=good)
    assert library.bodies.structure(saved.body_hash, text) == good
    paragraphs = TextStructure.paragraphs(text)
    for damaged in (
        b"not json",
        b'{"format": 1, "blocks": [["heading", 0, 5, 2, 0]], "links": []}',
        b'{"format": 1, "blocks": [["heading", 0, 9, 2, 0], ["paragraph", 11, 35, 0, 0]],'
        b' "links": [[0, 3, "javascript:alert(1)"]]}',
        b'{"format": 99, "blocks": [], "links": []}',
    ):
        with sqlite3.connect(library.paths.bodies_db) as connection:
            connection.execute("UPDATE structure SET structure = ?", (damaged,))
        assert library.bodies.structure(saved.body_hash, text) == paragraphs


OLD_MARKDOWN_BODY = (
    # What Broadsheet 0.2 stored for tests/data/golden/blocks/library_hours.md: the Markdown syntax
    # left in the text, both list items in one paragraph, the advert kept.
    "The **main library** will stay open until midnight from Monday, the university said,"
    " after students asked for more space to revise. Details are on the [library website]"
    '(https://library.example/hours "Opening hours").\n\nWhat changes\n\nThe extension runs'
    " for six weeks and brings two new services:\n\n- Extra study rooms on the second floor,"
    " bookable a day ahead. - Free coffee in the foyer after 8 pm, paid for by the *students'"
    " union*.\n\nAdvertisement\n\n> We heard students loud and clear, and we are glad to"
    " help.\n\nThe hours return to normal on 15 June. A [form](javascript:alert(1)) and a"
    " [timetable](/timetable) do not count as links; [the union](https://union.example/) does."
)


def test_a_markdown_seed_imported_again_gets_its_new_text_and_keeps_its_highlights(
    paths: DataPaths,
) -> None:
    seed = MARKDOWN_SEED
    old = Article(
        id="0123456789abcdef", title="Library Extends Opening Hours for Exam Season",
        body_hash="", source="Campus Weekly", origin=str(seed.resolve()),
    )  # fmt: skip
    with Library(paths) as library, HighlightStore(paths) as highlights:
        stored, _ = library.save(old, OLD_MARKDOWN_BODY)
        start = OLD_MARKDOWN_BODY.index("Free coffee")
        coffee = highlights.add(stored, OLD_MARKDOWN_BODY, start, start + len("Free coffee"))
        start = OLD_MARKDOWN_BODY.index("main library")
        library_highlight = highlights.add(stored, OLD_MARKDOWN_BODY, start, start + 12)
        before = highlighted_body_hashes(library, highlights)

        report = import_seeds(library, [seed])
        assert [article.id for article in report.updated] == [old.id] and not report.new
        article = library.get(old.id)
        assert article is not None
        body = library.body(article)
        assert "**" not in body and "- Free coffee" not in body and "Advertisement" not in body
        structure = library.bodies.structure(article.body_hash, body)
        assert [b.kind for b in structure.blocks].count("item") == 2

        reanchor_changed(library, highlights, before)
        for made, quote in ((coffee, "Free coffee"), (library_highlight, "main library")):
            placed = highlights.get(made.id)
            assert placed is not None and not placed.orphaned
            assert body[placed.start : placed.end] == quote
            assert placed.body_hash == article.body_hash
        # The item the coffee is in starts where the highlight does: its own block now.
        assert any(b.kind == "item" and b.start == highlights.get(coffee.id).start
                   for b in structure.blocks)  # type: ignore[union-attr]  # fmt: skip
        # Imported once more: nothing changes.
        again = import_seeds(library, [seed])
        assert again.unchanged and not again.updated and not again.new


def test_structured_text_of_plain_paragraphs_is_the_canonical_text() -> None:
    from store.text import canonical_text

    paragraphs = ["  Cafe\u0301  owners\tmet. ", "", "Second\u00a0one."]
    made = StructuredText.of_paragraphs(paragraphs)
    assert made.text == canonical_text(paragraphs)
    assert made.structure.is_plain and made.structure == TextStructure.paragraphs(made.text)
    assert replace(made.structure, links=()).is_plain
