"""parse_feed on every format, its two paths agreeing, and hostile XML refused."""

from __future__ import annotations

import html
from urllib.parse import urljoin
from xml.sax.saxutils import escape, quoteattr

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.ingest.feeds import (
    FeedParseError,
    ParsedFeed,
    _parse_fast,
    _parse_with_feedparser,
    discover_feed_urls,
    join_url,
    parse_feed,
)
from tests.web.plugin import data_file

FEED_URL = "https://harbour.example/feeds/main.xml"


def comparable(feed: ParsedFeed) -> list[tuple[object, ...]]:
    return [(feed.title, feed.link)] + [
        (e.title, e.link, e.id, e.published, e.author, e.body_paragraphs()) for e in feed.entries
    ]


def both_paths(data: bytes) -> tuple[ParsedFeed, ParsedFeed]:
    fast = _parse_fast(data, FEED_URL, "")
    assert fast is not None, "expected the fast path to take this document"
    return fast, _parse_with_feedparser(data, FEED_URL, "")


def test_rss2_entries_come_out_clean():
    feed = parse_feed(data_file("rss2.xml"), FEED_URL)
    assert feed.title == "The Harbour Gazette"
    first, second, third = feed.entries
    assert first.link == "https://harbour.example/news/ferry-timetable"  # relative, resolved
    assert first.id == "harbour-2024-0001"
    assert first.published == "2024-03-04T08:30:00+00:00"
    assert first.author == "Maren Ostby"
    assert first.body_paragraphs() == [
        "The morning ferry to Skerry Island will leave at 06:40 from Monday.",
        'The harbour master, Ines Calder, said the change follows a "busy winter".',
    ]
    assert second.title == "AT&T buys the old lighthouse"
    assert second.author == "News Desk"
    assert second.body_paragraphs() == [
        "The lighthouse was sold on Sunday.",
        "Second paragraph.",
        "Third paragraph.",
    ]
    assert third.id is None and third.published is None


def test_rss091_with_a_netscape_doctype_and_latin1():
    feed = parse_feed(data_file("rss091.xml"), "http://cafe.example/rss.xml")
    assert feed.title == "Café Notes"
    assert [entry.title for entry in feed.entries] == ["Crème brûlée season", "Opening hours"]


def test_rss1_rdf_uses_rdf_about_as_id():
    feed = parse_feed(data_file("rss1.rdf"), FEED_URL)
    assert feed.title == "Science Weekly"
    comet = feed.entries[0]
    assert comet.id == comet.link == "https://science.example/comet"
    assert comet.author == "Tomás Reyes"
    assert comet.published == "2024-02-20T21:15:00+00:00"


def test_atom_text_constructs_and_xml_base():
    feed = parse_feed(data_file("atom.xml"), FEED_URL)
    assert feed.title == "Field & Stream Notes"
    rivers, bold = feed.entries
    assert rivers.title == "Rivers rising in the north"
    assert rivers.link == "https://atom.example/blog/posts/rivers"
    assert rivers.published == "2024-03-05T06:00:00+00:00"
    assert rivers.body_paragraphs() == [
        "The river Eld rose by two metres.",
        "Farmers moved sheep to higher ground.",
    ]
    assert bold.title == "Use <b> for bold"  # type="text": angle brackets are text
    assert bold.author == "Feed Author"  # inherited from the feed
    assert bold.body_paragraphs() == ["Plain text content.", "Second plain paragraph."]


@pytest.mark.parametrize("name", ["atom03.xml", "malformed.xml", "wrong-encoding.xml"])
def test_documents_the_fast_path_declines_go_to_feedparser(name: str):
    feed = parse_feed(data_file(name), FEED_URL)
    assert feed.parser == "feedparser"
    assert feed.entries


def test_malformed_xml_is_still_read():
    feed = parse_feed(data_file("malformed.xml"), FEED_URL)
    assert feed.title == "Broken & Proud"
    assert [e.title for e in feed.entries] == [
        "Unescaped ampersand & an unclosed tag",
        "Second entry été",
    ]


def test_a_mislabelled_encoding_is_detected():
    feed = parse_feed(data_file("wrong-encoding.xml"), FEED_URL)
    assert feed.entries[0].title == "Naïve “quotes” déjà vu"


def test_the_http_charset_sends_a_disagreeing_document_to_feedparser():
    data = data_file("rss2.xml")
    assert parse_feed(data, FEED_URL, content_type="text/xml; charset=utf-8").parser == "fast"
    assert parse_feed(data, FEED_URL, content_type="text/xml; charset=koi8-r").parser == (
        "feedparser"
    )


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("not-a-feed.html", "this is an HTML page, not a feed"),
        ("garbage.bin", "not a feed"),
        ("billion-laughs.xml", "declares XML entities"),
        ("xxe.xml", "declares XML entities"),
    ],
)
def test_things_that_are_not_feeds_fail_clearly(name: str, message: str):
    with pytest.raises(FeedParseError, match=message):
        parse_feed(data_file(name), FEED_URL)


def test_empty_bytes_fail():
    with pytest.raises(FeedParseError, match="empty"):
        parse_feed(b"  \n", FEED_URL)


@pytest.mark.parametrize("name", ["rss2.xml", "rss091.xml", "rss1.rdf", "atom.xml"])
def test_fast_path_agrees_with_feedparser_on_fixture_feeds(name: str):
    fast, careful = both_paths(data_file(name))
    assert comparable(fast) == comparable(careful)


# Generated feeds: whatever text goes in, both parsers must read the same entries.
awkward_pieces = [
    *"abc XYZ&<>\"'/;#é€—\n\t",
    *("&amp;", "</b>", "<b>", "&eacute;", "&#8212;", "</x>", "&nbsp;", "word "),
]
awkward_text = st.lists(st.sampled_from(awkward_pieces), max_size=12).map("".join)
dates = st.sampled_from(
    ["Mon, 04 Mar 2024 09:30:00 +0100", "2024-03-04T09:30:00Z", "2024-03-04", "garbage", ""]
)
guids = st.sampled_from(["", "abc-1", "https://x.example/p/1", "/relative/2", "urn:uuid:1234"])
links = st.sampled_from(["", "https://x.example/a", "relative/b", "/root/c"])


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    items = []
    for _ in range(draw(st.integers(1, 3))):
        guid = draw(guids)
        permalink = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts = [f"<title>{escape(draw(awkward_text))}</title>"]
        if link := draw(links):
            parts.append(f"<link>{escape(link)}</link>")
        if guid:
            parts.append(f"<guid{permalink}>{escape(guid)}</guid>")
        if date := draw(dates):
            parts.append(f"<pubDate>{date}</pubDate>")
        parts.append(f"<description>{escape(draw(awkward_text))}</description>")
        items.append("<item>" + "".join(parts) + "</item>")
    title = escape(draw(awkward_text))
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}'
        f"</title><link>https://x.example/</link>{''.join(items)}</channel></rss>"
    ).encode()


@st.composite
def atom_documents(draw: st.DrawFn) -> bytes:
    entries = []
    for number in range(draw(st.integers(1, 3))):
        kind = draw(st.sampled_from(["text", "html"]))
        title = escape(draw(awkward_text))
        content = escape(draw(awkward_text))
        link = draw(links)
        link_element = f"<link href={quoteattr(link)}/>" if link else ""
        entries.append(
            f"<entry><title type='{kind}'>{title}</title>{link_element}"
            f"<id>{escape(draw(guids)) or f'tag:x,{number}'}</id>"
            f"<updated>2024-03-0{number + 1}T10:00:00Z</updated>"
            f"<content type='{draw(st.sampled_from(['text', 'html']))}'>{content}</content></entry>"
        )
    return (
        "<?xml version='1.0' encoding='utf-8'?><feed xmlns='http://www.w3.org/2005/Atom'>"
        f"<title>{escape(draw(awkward_text))}</title>{''.join(entries)}</feed>"
    ).encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(document=st.one_of(rss_documents(), atom_documents()))
def test_fast_path_agrees_with_feedparser_on_generated_feeds(document: bytes):
    fast, careful = both_paths(document)
    assert comparable(fast) == comparable(careful)


def test_autodiscovery_finds_alternate_links_resolved():
    found = discover_feed_urls(data_file("site.html"), "https://harbour.example/index.html")
    assert found == ["https://harbour.example/rss2.xml", "https://harbour.example/static/atom.xml"]


def test_autodiscovery_ignores_other_links_and_bad_schemes():
    page = (
        '<html><head><link rel="alternate" type="application/rss+xml" href="javascript:x">'
        '<link rel="stylesheet" type="text/css" href="/a.css">'
        '<link rel="alternate" hreflang="fr" type="text/html" href="/fr/"></head></html>'
    )
    assert discover_feed_urls(page, "https://x.example/") == []
    assert html.unescape("&amp;") == "&"


_URL_START = st.sampled_from(
    ["http://", "https://", "HTTP://", "//", "/", "", "http:/", "https:///"]
)
_URL_REST = st.text(alphabet="ab/?#;:.%-_=&@[] \t\n\x00\x7fHTPShtpsé", max_size=30)


@settings(max_examples=3000, suppress_health_check=[HealthCheck.too_slow])
@given(
    base=st.sampled_from(["http://x.org/a/b", "https://y.org/", "http://x.org/a?q#f", "ftp://z/"]),
    start=_URL_START,
    rest=_URL_REST,
)
def test_join_url_is_urljoin(base: str, start: str, rest: str) -> None:
    # Feed links and ids skip urljoin when they are plain absolute URLs: the result must be
    # the same string urljoin gives, or an article's id would change between versions.
    value = start + rest
    try:
        expected: str | type[ValueError] = urljoin(base, value)
    except ValueError:
        expected = ValueError
    try:
        got: str | type[ValueError] = join_url(base, value)
    except ValueError:
        got = ValueError
    assert got == expected
