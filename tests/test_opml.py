"""OPML in and out: folders as tags, hostile XML refused, round trip preserved."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.feeds import Feed, FeedStore
from store.ingest.opml import OpmlError, export_opml, import_opml_into, parse_opml
from store.paths import DataPaths
from tests.web.plugin import data_file


def test_folders_become_tags_and_bad_urls_are_rejected():
    feeds, rejected = parse_opml(data_file("subscriptions.opml"))
    by_url = {feed.url: feed for feed in feeds}
    assert set(by_url) == {
        "https://harbour.example/rss.xml",
        "http://cafe.example/rss.xml",
        "https://science.example/index.rdf",
        "https://untagged.example/feed",
    }
    assert by_url["https://harbour.example/rss.xml"].tags == ("News", "Science")
    assert by_url["https://harbour.example/rss.xml"].site_url == "https://harbour.example/"
    assert by_url["http://cafe.example/rss.xml"].tags == ("News/Local",)
    assert by_url["http://cafe.example/rss.xml"].title == "Café Notes"
    assert by_url["https://untagged.example/feed"].tags == ("Blogs/Personal",)
    assert rejected == ["javascript:alert(1)", "file:///etc/passwd"]


@pytest.mark.parametrize(
    "document",
    [
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY a "aaaa">]><opml><body/></opml>',
        b'<?xml version="1.0"?><!DOCTYPE opml [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b"<opml><body><outline text='&x;'/></body></opml>",
    ],
)
def test_entities_and_external_references_are_refused(document: bytes):
    with pytest.raises(OpmlError, match="entities or external references"):
        parse_opml(document)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"<html/>", "not an OPML file"),
        (b"<opml>", "not readable XML"),
        (b"<opml><head/></opml>", "no <body>"),
    ],
)
def test_malformed_opml_fails_clearly(document: bytes, message: str):
    with pytest.raises(OpmlError, match=message):
        parse_opml(document)


def test_export_then_import_round_trips(tmp_path: Path):
    feeds = [
        Feed.new("https://a.example/feed", title="A & B", tags=("News", "News/Local")),
        Feed.new("https://c.example/feed", title="C", site_url="https://c.example/"),
    ]
    document = export_opml(feeds)
    assert document.startswith(b"<?xml") and b'version="2.0"' in document
    parsed, rejected = parse_opml(document)
    assert rejected == []
    assert {(f.url, f.title, f.tags) for f in parsed} == {
        ("https://a.example/feed", "A & B", ("News", "News/Local")),
        ("https://c.example/feed", "C", ()),
    }


def test_import_adds_once_and_merges_tags(tmp_path: Path):
    paths = DataPaths(tmp_path)
    with FeedStore(paths) as store:
        first = import_opml_into(store, data_file("subscriptions.opml"))
        again = import_opml_into(store, data_file("subscriptions.opml"))
    assert (len(first.added), len(first.already_followed), len(first.rejected)) == (4, 0, 2)
    assert (len(again.added), len(again.already_followed)) == (0, 4)
    with FeedStore(paths) as reopened:  # it reached disk
        assert len(reopened) == 4
