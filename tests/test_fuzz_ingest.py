"""Fuzzing every parser of outside input: seed files, feeds, pages, OPML, urls files, settings.

The property is the one the command line relies on: any input either gives a result or raises
the parser's own error, which the commands turn into a plain message. Anything else reaches
the user as "unexpected … please report it". Results also carry no terminal escapes.

The budget is fixed and the examples derandomised, so CI runs the same inputs every time; a
failure prints the input that caused it. ``BROADSHEET_FUZZ_EXAMPLES=3000`` runs a longer,
random search by hand (three minutes). Inputs are mostly documents of the right shape with
hostile pieces in them (escapes, entities, broken dates, nesting), since random bytes rarely
get past the first check.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.db import StoreError
from store.ingest.feeds import FeedParseError, parse_feed
from store.ingest.opml import OpmlError, parse_opml
from store.ingest.pages import PageExtractError, extract_article
from store.ingest.seeds import SeedError, parse_seed
from store.ingest.urls_file import UrlsFileError, parse_urls_file
from store.paths import DataPaths
from store.settings import load_settings
from store.text import canonical_text, strip_controls

T = TypeVar("T")

fuzz = settings(
    max_examples=int(os.environ.get("BROADSHEET_FUZZ_EXAMPLES", "150")),
    deadline=None,
    derandomize=not os.environ.get("BROADSHEET_FUZZ_EXAMPLES"),
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

URL = "https://fuzz.example/feed"
HOSTILE = [
    "\x1b]52;c;cHduZWQ=\x07", "\x1b]0;PWNED\x07", "\x1b[2J", "\x9b31m", "\u202e", "\x00",
    "\ufeff", "\r", "\t", "&amp;", "&#0;", "&#x110000;", "&lt;script&gt;", "&nbsp;", "]]>",
    "<![CDATA[", "<", ">", "&", '"', "'", "*a", "&a", "%", "{{", "[[", "\\", "\\u001b",
]  # fmt: skip
SEED_KEYS = [
    "title", "Title", "url", "author", "published", "date", "source", "standfirst", "summary",
    "credit", "tags", "- x", "? [a]", "&a k",
]  # fmt: skip
YAML_VALUES = [
    "[1, [2, [3]]]", "{a: {b: c}}", "!!binary AAA", "!!python/object:os.system x", "*a",
    "&a [x, *a]", "|\n  block", "9" * 5000, "2024-13-45", "0x_", ".inf", "~", "null",
]  # fmt: skip
FEED_CONTENT_TYPES = ["", "application/xml", "text/xml; charset=utf-16", "x; charset="]
PAGE_CONTENT_TYPES = [
    "", "text/html", "text/html; charset=utf-16", "application/xhtml+xml",
    "text/html; charset=bogus", "application/pdf", "\x1b[2J",
]  # fmt: skip
LINKED_DATA_KEYS = ["@type", "@graph", "headline", "author", "name", "datePublished"]
FEED_CONTENT_TYPES = ["", "application/xml", "text/xml; charset=utf-16", "x; charset="]
PAGE_CONTENT_TYPES = [
    "", "text/html", "text/html; charset=utf-16", "application/xhtml+xml",
    "text/html; charset=bogus", "application/pdf", "\x1b[2J",
]  # fmt: skip
PAGE_PROLOGUES = [
    "", '<?xml version="1.0" encoding="utf-8"?>', "<?xml version='1.0' encoding='bogus'?>",
    "%PDF-1.4\n", "<!DOCTYPE html>", "\ufeff",
]  # fmt: skip
LINKED_DATA_KEYS = ["@type", "@graph", "headline", "author", "name", "datePublished"]
DATES = [
    "0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "Mon, 01 Jan 0001 00:00:00 +0500",
    "2024-02-30", "2024-13-45T99:99:99Z", "Tue, 05 Mar 2024 10:00:00 GMT", "2024-03-05",
    "Fri, 31 Dec 9999 23:59:59 -2359", "99999999999999999999", "-1", "yesterday", "",
]  # fmt: skip


def hostile_text(max_size: int = 40) -> st.SearchStrategy[str]:
    """Text with terminal escapes, markup and entity pieces mixed into it."""
    piece = st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE))
    return st.lists(piece, max_size=max_size // 4).map("".join)


def dates() -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(DATES), hostile_text(20))


def with_bytes_too(documents: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    """Well-shaped documents most of the time, and sometimes bytes of no shape at all."""
    return st.one_of(documents, st.binary(max_size=300))


def encoded(text: st.SearchStrategy[str]) -> st.SearchStrategy[bytes]:
    codecs = st.sampled_from(["utf-8", "utf-16", "cp1252", "latin-1"])
    return st.tuples(text, codecs).map(lambda pair: pair[0].encode(pair[1], "replace"))


def holds(call: Callable[[], T], allowed: type[Exception]) -> T | None:
    """Run ``call``; its own error type is a fine answer, any other exception fails the test."""
    try:
        return call()
    except allowed:
        return None


def assert_no_escapes(*texts: str | None) -> None:
    for text in texts:
        if text:
            assert "\x1b" not in text and strip_controls(text) == text, repr(text)


# Seed files


@st.composite
def seed_files(draw: st.DrawFn) -> tuple[bytes, str]:
    keys = st.sampled_from(SEED_KEYS)
    values = st.one_of(hostile_text(), dates(), st.sampled_from(YAML_VALUES))
    lines = draw(st.lists(st.tuples(keys, values), max_size=6))
    front = "".join(f"{key}: {value}\n" for key, value in lines)
    body = "\n".join(draw(st.lists(hostile_text(120), min_size=0, max_size=6)))
    text = f"---\n{front}---\n{body}" if draw(st.booleans()) else body
    name = draw(st.sampled_from(["a.md", "a.txt", "a.markdown", "a"]))
    return draw(encoded(st.just(text))), name


@fuzz
@given(seed=st.one_of(seed_files(), st.tuples(st.binary(max_size=300), st.just("a.md"))))
def test_seed_parsing_gives_a_seed_or_a_seed_error(seed: tuple[bytes, str]) -> None:
    data, name = seed
    parsed = holds(lambda: parse_seed(data, name), SeedError)
    if parsed is not None:
        assert parsed.paragraphs and parsed.title
        assert_no_escapes(parsed.title, parsed.standfirst, parsed.author, parsed.source,
                          parsed.credit, parsed.url, *parsed.paragraphs)  # fmt: skip


# Feeds


@st.composite
def rss_documents(draw: st.DrawFn) -> str:
    items = "".join(
        f"<item><title>{draw(hostile_text())}</title><link>{draw(hostile_text(20))}</link>"
        f"<guid isPermaLink='{draw(st.sampled_from(['true', 'false']))}'>{draw(hostile_text(20))}"
        f"</guid><pubDate>{draw(dates())}</pubDate><author>{draw(hostile_text(20))}</author>"
        f"<description>{draw(hostile_text(80))}</description></item>"
        for _ in range(draw(st.integers(0, 3)))
    )
    return (
        f'<?xml version="1.0" encoding="{draw(st.sampled_from(["utf-8", "latin-1", "bogus"]))}"?>'
        f'<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">'
        f"<channel><title>{draw(hostile_text())}</title><link>{draw(hostile_text(20))}</link>"
        f"{items}</channel></rss>"
    )


@st.composite
def atom_documents(draw: st.DrawFn) -> str:
    kind = st.sampled_from(["text", "html", "xhtml", "bogus"])
    entries = "".join(
        f"<entry><title type='{draw(kind)}'>{draw(hostile_text())}</title>"
        f"<link href='{draw(hostile_text(20))}'/><id>{draw(hostile_text(20))}</id>"
        f"<updated>{draw(dates())}</updated><published>{draw(dates())}</published>"
        f"<author><name>{draw(hostile_text(20))}</name></author>"
        f"<content type='{draw(kind)}'>{draw(hostile_text(80))}</content></entry>"
        for _ in range(draw(st.integers(0, 3)))
    )
    return (
        f"<feed xmlns='http://www.w3.org/2005/Atom' xml:base='{draw(hostile_text(20))}'>"
        f"<title>{draw(hostile_text())}</title>{entries}</feed>"
    )


@fuzz
@given(
    document=with_bytes_too(encoded(st.one_of(rss_documents(), atom_documents()))),
    content_type=st.sampled_from(FEED_CONTENT_TYPES),
)
def test_feed_parsing_gives_a_feed_or_a_feed_error(document: bytes, content_type: str) -> None:
    feed = holds(lambda: parse_feed(document, URL, content_type=content_type), FeedParseError)
    if feed is not None:
        assert_no_escapes(feed.title, feed.link)
        for entry in feed.entries:
            # Bodies are cleaned as they are stored: through canonical_text.
            body = canonical_text(entry.body_paragraphs())
            assert_no_escapes(entry.title, entry.link, entry.author, entry.published, body)


# Pages


def json_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(st.none(), st.booleans(), st.integers(), hostile_text(20), dates())
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.sampled_from(LINKED_DATA_KEYS), inner, max_size=4),
        ),
        max_leaves=12,
    )


@st.composite
def html_pages(draw: st.DrawFn) -> str:
    declaration = draw(st.sampled_from(PAGE_PROLOGUES))
    paragraphs = "".join(
        f"<p>{draw(hostile_text(120))}</p>" for _ in range(draw(st.integers(0, 6)))
    )
    linked = json.dumps(draw(json_values()))
    return (
        f"{declaration}<html xmlns='http://www.w3.org/1999/xhtml'><head>"
        f"<meta charset='{draw(st.sampled_from(['utf-8', 'utf-16', 'bogus', '']))}'>"
        f"<title>{draw(hostile_text())}</title>"
        f"<meta property='og:title' content='{draw(hostile_text())}'>"
        f"<meta name='author' content='{draw(hostile_text(20))}'>"
        f"<meta property='article:published_time' content='{draw(dates())}'>"
        f"<script type='application/ld+json'>{linked}</script></head>"
        f"<body><article><h1>{draw(hostile_text())}</h1>"
        f"<time datetime='{draw(dates())}'>x</time>{paragraphs}</article></body></html>"
    )


@fuzz
@given(
    page=with_bytes_too(encoded(html_pages())),
    content_type=st.sampled_from(PAGE_CONTENT_TYPES),
)
def test_page_extraction_gives_an_article_or_a_page_error(page: bytes, content_type: str) -> None:
    article = holds(lambda: extract_article(page, URL, content_type=content_type), PageExtractError)
    if article is not None:
        assert article.text
        assert_no_escapes(article.headline, article.byline, article.published,
                          article.site_name, *article.paragraphs)  # fmt: skip


# OPML


@st.composite
def opml_documents(draw: st.DrawFn) -> str:
    def outlines(depth: int) -> str:
        parts = []
        for _ in range(draw(st.integers(0, 3))):
            attributes = " ".join(
                f"{name}={json.dumps(draw(hostile_text(20)))}"
                for name in draw(st.lists(st.sampled_from(["text", "title", "xmlUrl", "xmlurl",
                                                           "htmlUrl", "category"]),
                                          max_size=4, unique=True))
            )  # fmt: skip
            inner = outlines(depth + 1) if depth < 3 and draw(st.booleans()) else ""
            parts.append(f"<outline {attributes}>{inner}</outline>")
        return "".join(parts)

    body = outlines(0)
    return f'<?xml version="1.0"?><opml version="2.0"><head/><body>{body}</body></opml>'


@fuzz
@given(document=with_bytes_too(encoded(opml_documents())))
def test_opml_parsing_gives_feeds_or_an_opml_error(document: bytes) -> None:
    parsed = holds(lambda: parse_opml(document), OpmlError)
    if parsed is not None:
        feeds, rejected = parsed
        for feed in feeds:
            assert_no_escapes(feed.url, feed.title, feed.site_url, *feed.tags)
        assert_no_escapes(*rejected)


# newsboat urls files


@st.composite
def urls_files(draw: st.DrawFn) -> str:
    token = st.one_of(
        st.sampled_from(["https://a.example/feed", "http://b.example/x?y=1#z", "query:x:y",
                         "exec:rm -rf ~", "filter:a:b", "javascript:alert(1)", "#", "!",
                         '"~Title', '"!"', '"unclosed', "~", "\\"]),
        hostile_text(20).map(json.dumps),
        hostile_text(20),
    )  # fmt: skip
    lines = draw(st.lists(st.lists(token, max_size=5), max_size=8))
    separators = st.sampled_from([" ", "\t", "  "])
    return "\n".join(draw(separators).join(line) for line in lines)


@fuzz
@given(data=with_bytes_too(encoded(urls_files())))
def test_urls_file_parsing_gives_feeds_or_a_urls_error(data: bytes) -> None:
    parsed = holds(lambda: parse_urls_file(data), UrlsFileError)
    if parsed is not None:
        for feed in parsed.feeds:
            assert_no_escapes(feed.url, feed.title, *feed.tags)
        for skipped in parsed.skipped:
            assert_no_escapes(skipped.reason)


# Settings


def toml_value(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k} = {toml_value(v)}" for k, v in value.items()) + "}"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a TOML basic string
    return str(value)


def toml_values() -> st.SearchStrategy[Any]:
    scalars = st.one_of(
        st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
        hostile_text(20), st.sampled_from(["~", "~nobody-here/x", "", "rules", "spacy"]),
    )  # fmt: skip
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
        ),
        max_leaves=8,
    )


ODD_TOML = [
    "a = " + "[" * 3000, "t = " + "{a = " * 3000, "[[x]]\n[x]", "b = 1979-05-27T07:32:00",
    "c = 0x_1", 'd = """', "e = 1e99999", 'export_dir = "~nobody-here/x"',
    'export_dir = "a\\u0000b"', "refresh_interval = 99999999999999999999999",
]  # fmt: skip


@st.composite
def settings_files(draw: st.DrawFn) -> str:
    keys = st.sampled_from(["export_dir", "entity_backend", "browser", "refresh_interval", "x"])
    chosen = draw(st.dictionaries(keys, toml_values(), max_size=4))
    lines = [f"{key} = {toml_value(value)}" for key, value in chosen.items()]
    if draw(st.booleans()):
        lines.append(draw(st.sampled_from(ODD_TOML)))
    return "\n".join(lines)


@contextmanager
def settings_home() -> Iterator[DataPaths]:
    with tempfile.TemporaryDirectory() as folder:
        yield DataPaths(Path(folder))


@pytest.fixture(scope="module")
def home_for_settings() -> Iterator[DataPaths]:
    with settings_home() as paths:
        paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
        yield paths


@fuzz
@given(data=with_bytes_too(encoded(settings_files())))
def test_settings_load_or_raise_a_store_error(home_for_settings: DataPaths, data: bytes) -> None:
    home_for_settings.settings_file.write_bytes(data)
    loaded = holds(lambda: load_settings(home_for_settings), StoreError)
    if loaded is not None:
        assert isinstance(loaded.export_dir, Path)
        assert_no_escapes(str(loaded.export_dir))
