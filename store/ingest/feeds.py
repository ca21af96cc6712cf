"""Feeds from raw bytes: RSS 0.9x/1.0/2.0, RDF and Atom, plus feed autodiscovery.

Two parsers share one output. Well-formed RSS 2.0/0.9x, RSS 1.0 (RDF) and Atom 1.0 documents
take a fast path on lxml (~30x quicker than feedparser on a typical feed); anything else —
malformed XML, a charset the HTTP header and the document disagree on, Atom 0.3, oddities —
goes to feedparser, whose loose parser and encoding detection are the careful fallback. Both
paths finish in the same normalising functions (titles to plain text, dates through
``normalise_date``, links resolved and checked), and tests compare them on every fixture feed.

XML that declares entities is refused before either parser sees it; neither parser loads DTDs
or anything from the network.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from store import lazy_imports
from store.dates import normalise_date
from store.ingest.html import html_to_blocks, html_to_paragraphs
from store.structure import StructuredText, structured_text
from store.text import clean_inline, split_paragraphs, strip_controls
from store.urls import safe_url

ATOM = "http://www.w3.org/2005/Atom"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RSS1 = "http://purl.org/rss/1.0/"
RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
CONTENT = "http://purl.org/rss/1.0/modules/content/"
DC = "http://purl.org/dc/elements/1.1/"
XML_BASE = "{http://www.w3.org/XML/1998/namespace}base"
DC_DATE = f"{{{DC}}}date"
DC_CREATOR = f"{{{DC}}}creator"
CONTENT_ENCODED = f"{{{CONTENT}}}encoded"
FEED_MEDIA_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/xml",
        "text/xml",
    }
)

_DECLARES_ENTITIES = re.compile(rb"<!DOCTYPE[^>\[]*\[[^\]]*<!ENTITY", re.IGNORECASE)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
# An absolute URL urljoin gives back as it is: lower-case http(s), a host, a path, a non-empty
# query; no fragment, no ";" parameters, nothing urlsplit strips (whitespace, controls) or
# checks (IPv6 brackets), none of the empty "?" or "#" it would drop.
_URL_CHARACTER = r"[^/?#;\[\]\s\x00-\x1f\x7f]"
_PLAIN_ABSOLUTE_URL = re.compile(
    rf"https?://{_URL_CHARACTER}+(?:/(?:{_URL_CHARACTER}|/)*)?(?:\?(?:{_URL_CHARACTER}|[/?])+)?"
)
_CLOSING_TAG_OR_ENTITY = re.compile(r"</\w+>|&#?\w+;")
_XHTML_NAMESPACE_DECLARATION = re.compile(r' xmlns="http://www\.w3\.org/1999/xhtml"')


class FeedParseError(ValueError):
    """The bytes are not a feed we can read; the message is one line for people."""


@dataclass(frozen=True, slots=True)
class FeedEntry:
    title: str
    """Plain text, cleaned; empty when the entry had none."""
    link: str | None
    """Absolute http(s) URL of the article, or None."""
    id: str | None
    """The GUID (RSS), id (Atom) or rdf:about (RSS 1.0), as given."""
    published: str | None
    """ISO 8601 (UTC when the feed gave a zone): published, else updated."""
    author: str | None
    summary: str
    """HTML fragment (or plain text) the feed gave as a summary/description."""
    content: str
    """HTML fragment of the full content, when the feed gave one apart from the summary."""

    def body(self) -> StructuredText:
        """The best text the feed gave (content, else summary) as a canonical text with its
        blocks and links (relative ones resolved against the entry's link), furniture
        dropped."""
        return structured_text(html_to_blocks(self.content or self.summary, self.link))

    def body_paragraphs(self) -> list[str]:
        """The paragraphs (blocks) of :meth:`body`."""
        return split_paragraphs(self.body().text)

    def summary_text(self) -> str:
        """The summary as one line of text (the standfirst of an entry with content too)."""
        blocks = html_to_blocks(self.summary, self.link)
        return clean_inline(" ".join(block.plain for block in blocks))


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None
    """The site the feed belongs to."""
    entries: tuple[FeedEntry, ...]
    parser: str
    """"fast" or "feedparser": which path read it (for tests and benchmarks)."""


def parse_feed(data: bytes, url: str, *, content_type: str = "") -> ParsedFeed:
    """Parse a feed document; relative links resolve against ``url`` (the URL fetched).

    ``content_type`` is the HTTP Content-Type header, whose charset (if any) the parsers
    weigh against the document's own declaration. Raises :class:`FeedParseError`.
    """
    if not data.strip():
        raise FeedParseError("the response is empty")
    if _DECLARES_ENTITIES.search(data):
        raise FeedParseError("the document declares XML entities, which are refused")
    fast = _parse_fast(data, url, content_type)
    if fast is not None:
        return fast
    return _parse_with_feedparser(data, url, content_type)


# Shared normalising


def _plain_title(value: str | None, is_html: bool) -> str:
    if not value:
        return ""
    if is_html:
        return clean_inline(" ".join(html_to_paragraphs(value)))
    return clean_inline(value)


def _normalised_date(value: str | None) -> str | None:
    if not value:
        return None
    text = strip_controls(value).strip()
    found = normalise_date(text)
    if not found:
        # feedparser (imported only when needed: ~75 modules a refresh of well-formed feeds
        # never uses) knows the odd date formats feeds use.
        found = normalise_date(lazy_imports.load("feedparser.datetimes")._parse_date(text))
    return found


def _absolute_link(value: str | None, base: str) -> str | None:
    if not value:
        return None
    candidate = strip_controls(value).strip()
    if not candidate:
        return None
    return safe_url(join_url(base, candidate))


def join_url(base: str, value: str) -> str:
    """``urljoin(base, value)``, without its two parses when ``value`` is a plain absolute
    http(s) URL (as feed links and ids nearly always are), which it returns unchanged."""
    if _PLAIN_ABSOLUTE_URL.fullmatch(value):
        return value
    return urljoin(base, value)


def _clean_id(value: str | None) -> str | None:
    if value is None:
        return None
    cleaned = strip_controls(value).strip()
    return cleaned or None


def _resolved_id(value: str | None, base: str, permalink: bool = True) -> str | None:
    """An entry id as feedparser gives it: resolved against the base unless it is an RSS guid
    marked isPermaLink="false". Both parsers must agree, or a feed that flips between them
    would duplicate its entries."""
    cleaned = _clean_id(value)
    if cleaned is None or not permalink:
        return cleaned
    try:
        return join_url(base, cleaned)
    except ValueError:
        return cleaned


def _clean_author(value: str | None) -> str | None:
    if not value:
        return None
    author = clean_inline(value)
    # RSS wants "email (Name)"; people want the name.
    match = re.fullmatch(r"\S+@\S+\s*\((.+)\)", author)
    if match:
        author = match.group(1).strip()
    return author or None


# The fast path


def _secure_xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _declared_charset(content_type: str) -> str | None:
    match = _CHARSET.search(content_type)
    return match.group(1).lower() if match else None


def _same_encoding(first: str, second: str) -> bool:
    def norm(name: str) -> str:
        name = name.lower().replace("_", "-")
        return {"utf8": "utf-8", "latin-1": "iso-8859-1", "latin1": "iso-8859-1"}.get(name, name)

    return norm(first) == norm(second)


def _parse_fast(data: bytes, url: str, content_type: str) -> ParsedFeed | None:
    """The lxml path, or None when the document should go to feedparser."""
    try:
        root = etree.fromstring(data, parser=_secure_xml_parser(), base_url=url)
    except etree.XMLSyntaxError:
        return None
    tree = root.getroottree()
    internal_dtd = tree.docinfo.internalDTD
    if internal_dtd is not None and any(True for _ in internal_dtd.iterentities()):
        raise FeedParseError("the document declares XML entities, which are refused")
    http_charset = _declared_charset(content_type)
    document_charset = tree.docinfo.encoding or "utf-8"
    if http_charset and not _same_encoding(http_charset, document_charset):
        return None
    try:
        if root.tag == "rss":
            return _parse_rss(root, url)
        if root.tag == f"{{{RDF}}}RDF":
            return _parse_rdf(root, url)
        if root.tag == f"{{{ATOM}}}feed":
            return _parse_atom(root, url)
    except _NotForFastPath:
        return None
    return None


class _NotForFastPath(Exception):
    """Something the fast path does not model; feedparser will read the document."""


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    if len(element):
        # Markup where text was expected (unescaped HTML in RSS): feedparser keeps it as HTML.
        raise _NotForFastPath
    return element.text or ""


def _base_of(element: etree._Element, fallback: str) -> str:
    base = element.base
    return base if isinstance(base, str) and base else fallback


def _rss_title(element: etree._Element | None) -> str:
    value = _text(element)
    return _plain_title(value, _rss_text_is_html(value))


def _rss_text_is_html(value: str | None) -> bool:
    """The test feedparser applies to decide that RSS text is really HTML. Its first clause,
    a closing tag or an entity reference, is asked here, so plain text never imports it."""
    if not value or not _CLOSING_TAG_OR_ENTITY.search(value):
        return False
    mixin = lazy_imports.load("feedparser.mixin")
    return bool(mixin._FeedParserMixin.looks_like_html(value))


def _first_children(element: etree._Element) -> dict[str, etree._Element]:
    """Each child tag's first element: what ``element.find(tag)`` would give, in one pass
    (a dozen ``find`` calls per item cost more than the rest of the item's fields)."""
    children: dict[str, etree._Element] = {}
    for child in element:
        tag = child.tag
        if isinstance(tag, str) and tag not in children:
            children[tag] = child
    return children


def _parse_rss(root: etree._Element, url: str) -> ParsedFeed:
    channel = root.find("channel")
    if channel is None:
        raise _NotForFastPath
    base = _base_of(channel, url)
    entries = []
    for item in channel.iterfind("item"):
        # An item without xml:base of its own has its channel's base.
        item_base = base if item.get(XML_BASE) is None else _base_of(item, base)
        field = _first_children(item).get
        guid_element = field("guid")
        permalink = guid_element is not None and guid_element.get("isPermaLink", "true") == "true"
        guid = _resolved_id(_text(guid_element), item_base, permalink)
        link = _absolute_link(_text(field("link")), item_base)
        if link is None and guid and permalink:
            link = _absolute_link(guid, item_base)
        entries.append(
            FeedEntry(
                title=_rss_title(field("title")),
                link=link,
                id=guid,
                published=_normalised_date(_text(field("pubDate")) or _text(field(DC_DATE))),
                author=_clean_author(_text(field("author")) or _text(field(DC_CREATOR))),
                summary=_text(field("description")) or "",
                content=_text(field(CONTENT_ENCODED)) or "",
            )
        )
    return ParsedFeed(
        title=_rss_title(channel.find("title")),
        link=_absolute_link(_text(channel.find("link")), base),
        entries=tuple(entries),
        parser="fast",
    )


def _parse_rdf(root: etree._Element, url: str) -> ParsedFeed:
    namespace = RSS1 if root.find(f"{{{RSS1}}}channel") is not None else RSS090
    channel = root.find(f"{{{namespace}}}channel")
    base = _base_of(root, url)
    entries = []
    for item in root.iterfind(f"{{{namespace}}}item"):
        field = _first_children(item).get
        link = _absolute_link(_text(field(f"{{{namespace}}}link")), base)
        about = _resolved_id(item.get(f"{{{RDF}}}about"), base)
        entries.append(
            FeedEntry(
                title=_rss_title(field(f"{{{namespace}}}title")),
                link=link,
                id=about,
                published=_normalised_date(_text(field(DC_DATE))),
                author=_clean_author(_text(field(DC_CREATOR))),
                summary=_text(field(f"{{{namespace}}}description")) or "",
                content=_text(field(CONTENT_ENCODED)) or "",
            )
        )
    title_element = channel.find(f"{{{namespace}}}title") if channel is not None else None
    link_element = channel.find(f"{{{namespace}}}link") if channel is not None else None
    return ParsedFeed(
        title=_rss_title(title_element),
        link=_absolute_link(_text(link_element), base),
        entries=tuple(entries),
        parser="fast",
    )


def _atom_text(element: etree._Element | None) -> tuple[str, bool]:
    """The value of an Atom text construct and whether it is HTML."""
    if element is None:
        return "", False
    kind = (element.get("type") or "text").lower()
    if kind in ("xhtml", "application/xhtml+xml"):
        division = element.find("{http://www.w3.org/1999/xhtml}div")
        if division is None:
            raise _NotForFastPath
        inner = (division.text or "") + "".join(
            etree.tostring(child, encoding="unicode", with_tail=True) for child in division
        )
        return _XHTML_NAMESPACE_DECLARATION.sub("", inner), True
    if len(element):
        raise _NotForFastPath
    if kind in ("html", "text/html"):
        return element.text or "", True
    if kind in ("text", "text/plain"):
        return element.text or "", False
    raise _NotForFastPath


def _atom_link(parent: etree._Element, base: str) -> str | None:
    for link in parent.iterfind(f"{{{ATOM}}}link"):
        if link.get("rel", "alternate") == "alternate":
            return _absolute_link(link.get("href"), _base_of(link, base))
    return None


def _parse_atom(root: etree._Element, url: str) -> ParsedFeed:
    base = _base_of(root, url)
    entries = []
    for entry in root.iterfind(f"{{{ATOM}}}entry"):
        entry_base = _base_of(entry, base)
        title, title_is_html = _atom_text(entry.find(f"{{{ATOM}}}title"))
        summary, summary_is_html = _atom_text(entry.find(f"{{{ATOM}}}summary"))
        content_element = entry.find(f"{{{ATOM}}}content")
        if content_element is not None and content_element.get("src"):
            content_element = None
        content, content_is_html = _atom_text(content_element)
        author = entry.find(f"{{{ATOM}}}author/{{{ATOM}}}name")
        if author is None:
            author = root.find(f"{{{ATOM}}}author/{{{ATOM}}}name")
        entry_id = _resolved_id(_text(entry.find(f"{{{ATOM}}}id")), entry_base)
        entries.append(
            FeedEntry(
                title=_plain_title(title, title_is_html),
                # Like an RSS guid, an Atom id stands in for a missing link (as feedparser does).
                link=_atom_link(entry, entry_base) or _absolute_link(entry_id, entry_base),
                id=entry_id,
                published=_normalised_date(
                    _text(entry.find(f"{{{ATOM}}}published"))
                    or _text(entry.find(f"{{{ATOM}}}updated"))
                ),
                author=_clean_author(_text(author)),
                summary=summary if summary_is_html else html.escape(summary),
                content=content if content_is_html else html.escape(content),
            )
        )
    title, title_is_html = _atom_text(root.find(f"{{{ATOM}}}title"))
    return ParsedFeed(
        title=_plain_title(title, title_is_html),
        link=_atom_link(root, base),
        entries=tuple(entries),
        parser="fast",
    )


# The careful path


def _detail_is_html(detail: Any) -> bool:
    kind = str(detail.get("type", "")) if detail else ""
    return kind in ("text/html", "application/xhtml+xml")


def _feedparser_text(detail: Any) -> str:
    """feedparser text construct as an HTML fragment (plain text escaped)."""
    if not detail:
        return ""
    value = str(detail.get("value", ""))
    return value if _detail_is_html(detail) else html.escape(value)


def _parse_with_feedparser(data: bytes, url: str, content_type: str) -> ParsedFeed:
    feedparser = lazy_imports.load("feedparser")
    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    try:
        result = feedparser.parse(
            io.BytesIO(data),
            response_headers=headers,
            sanitize_html=False,
            resolve_relative_uris=False,
        )
    except (ValueError, OverflowError) as crash:
        # feedparser's loose parser turns a reference to no character ("&#xD800;",
        # "&#2000000;") into chr()'s error, in whatever encoding the document is.
        detail = _one_line(crash)
        raise FeedParseError(f"not a feed: the document could not be read ({detail})") from None
    entries_in = result.get("entries") or []
    if not result.get("version") and not entries_in:
        if looks_like_html_page(data):
            raise FeedParseError("this is an HTML page, not a feed")
        problem = result.get("bozo_exception")
        detail = f" ({_one_line(problem)})" if problem else ""
        raise FeedParseError(f"not a feed: the document could not be read{detail}")
    feed = result.get("feed") or {}
    base = url
    # Atom entries inherit the feed's author; feedparser leaves that to us.
    is_atom = str(result.get("version", "")).startswith("atom")
    inherited_author = feed.get("author") if is_atom else None
    entries = []
    for entry in entries_in:
        contents = entry.get("content") or []
        content = _feedparser_text(contents[0]) if contents else ""
        summary = _feedparser_text(entry.get("summary_detail"))
        if content and content == summary:
            content = ""
        entries.append(
            FeedEntry(
                title=_plain_title(entry.get("title"), _detail_is_html(entry.get("title_detail"))),
                link=_absolute_link(entry.get("link"), base),
                id=_clean_id(entry.get("id")),
                published=_normalised_date(entry.get("published") or entry.get("updated")),
                author=_clean_author(entry.get("author") or inherited_author),
                summary=summary,
                content=content,
            )
        )
    return ParsedFeed(
        title=_plain_title(feed.get("title"), _detail_is_html(feed.get("title_detail"))),
        link=_absolute_link(feed.get("link"), base),
        entries=tuple(entries),
        parser="feedparser",
    )


def _one_line(problem: object) -> str:
    text = clean_inline(str(problem))
    return text[:120]


# Autodiscovery


def discover_feed_urls(page: bytes | str, url: str) -> list[str]:
    """Feed URLs a page advertises with ``<link rel="alternate" type="…rss/atom…">``."""
    try:
        document = lxml.html.document_fromstring(page)
    except (etree.ParserError, ValueError):
        return []
    base = url
    for base_element in document.iterfind(".//base[@href]"):
        base = urljoin(url, base_element.get("href", ""))
        break
    found: list[str] = []
    for link in document.iterfind(".//link[@href]"):
        relations = (link.get("rel") or "").lower().split()
        media_type = (link.get("type") or "").lower().split(";")[0].strip()
        if "alternate" not in relations or media_type not in FEED_MEDIA_TYPES:
            continue
        candidate = _absolute_link(link.get("href"), base)
        if candidate and candidate not in found:
            found.append(candidate)
    return found


def looks_like_html_page(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return head.startswith((b"<!doctype html", b"<html")) or b"<html" in head
