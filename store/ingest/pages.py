"""Article pages to canonical text: readability-lxml for the body, page metadata for the rest.

readability keeps the main text but loses what sits outside it (an ``<h1>`` above the body, a
byline in the header) and lets furniture through (a ``<time>``, a byline paragraph, an inline
"Advertisement"), so the headline, byline and date are read from the page's metadata, and the
body's blocks are read with the furniture dropped (:mod:`store.ingest.html`).
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import lxml.html
from lxml import etree

from store import lazy_imports
from store.dates import normalise_date
from store.ingest.decoding import looks_binary
from store.ingest.html import html_to_blocks
from store.structure import SourceBlock, TextStructure, structured_text
from store.text import clean_inline, split_paragraphs

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.I)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.I)
# XHTML may open with an XML declaration; lxml refuses one that names an encoding in a str.
_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_XML_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:-]+)""")
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})
# How files that are not pages begin, whatever the server called them.
_BINARY_SIGNATURES = {
    b"%PDF-": "a PDF",
    b"\x89PNG": "a PNG image",
    b"GIF8": "a GIF image",
    b"\xff\xd8\xff": "a JPEG image",
    b"PK\x03\x04": "a zip archive (or an office document)",
    b"\x1f\x8b": "gzip-compressed data",
    b"\x7fELF": "a program",
}
_BYLINE_PREFIX = re.compile(r"^\s*by\s+", re.IGNORECASE)


class PageExtractError(ValueError):
    """No article text could be found in the page, or what came is not a page."""


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    headline: str
    byline: str | None
    published: str | None
    """ISO 8601 (UTC when the page gave a zone)."""
    text: str
    """The canonical text (blocks, no HTML)."""
    site_name: str = ""
    structure: TextStructure | None = None
    """The text's blocks and links."""

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)


def decode_page(page: bytes, content_type: str = "") -> str:
    """Decode HTML bytes: BOM, then the HTTP charset, then the XML declaration's encoding,
    then ``<meta charset>``, then UTF-8."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                          (codecs.BOM_UTF16_BE, "utf-16-be")):  # fmt: skip
        if page.startswith(bom):
            return page[len(bom) :].decode(encoding, "replace")
    candidates: list[str] = []
    http_match = _HTTP_CHARSET.search(content_type)
    if http_match:
        candidates.append(http_match.group(1))
    xml_match = _XML_ENCODING.match(page[:1024])
    if xml_match:
        candidates.append(xml_match.group(1).decode("ascii"))
    meta_match = _META_CHARSET.search(page[:4096])
    if meta_match:
        candidates.append(meta_match.group(1).decode("ascii", "replace"))
    for name in candidates:
        try:
            codec = codecs.lookup(name)
        except LookupError:
            continue
        if codec.name in ("utf-16", "utf-16-le", "utf-16-be", "utf-32"):
            continue  # an ASCII-compatible meta tag cannot honestly declare these
        return page.decode(codec.name, "replace")
    try:
        return page.decode("utf-8")
    except UnicodeDecodeError:
        return page.decode("cp1252", "replace")


def extract_article(html: bytes | str, url: str, *, content_type: str = "") -> ExtractedArticle:
    """The article in a page: headline, byline, published date and canonical text.

    Raises :class:`PageExtractError` when the page holds no readable text, and when what
    came is not a web page at all: a PDF, an image, ``application/octet-stream`` (by the
    ``content_type`` the server sent, or by the bytes when it called them HTML).
    """
    _refuse_what_is_not_a_page(html, content_type)
    text = html if isinstance(html, str) else decode_page(html, content_type)
    if looks_binary(text):
        raise PageExtractError("not a web page: the response is binary data")
    text = _XML_DECLARATION.sub("", text, count=1)
    if not text.strip():
        raise PageExtractError("the page is empty")
    try:
        document = lxml.html.document_fromstring(text)
    except (etree.ParserError, ValueError) as problem:
        raise PageExtractError(f"the page could not be read ({problem})") from None
    metadata = _PageMetadata(document)
    # readability is imported here, not with this module: a refresh of feeds that give their
    # own text imports this module but never extracts a page.
    readability = lazy_imports.load("readability.readability")
    try:
        readable = readability.Document(text, url=url)
        summary = readable.summary(html_partial=True)
        short_title = clean_inline(readable.short_title())
    except (readability.Unparseable, etree.ParserError, ValueError) as problem:
        raise PageExtractError(f"no article found in the page ({problem})") from None
    headline = metadata.headline() or ("" if short_title == "[no-title]" else short_title)
    byline = metadata.byline()
    blocks = _without_repeated_header(html_to_blocks(summary, url), headline, byline)
    body = structured_text(blocks)
    if not body.text:
        raise PageExtractError("no article text found in the page")
    return ExtractedArticle(
        headline=headline,
        byline=byline,
        published=metadata.published(),
        text=body.text,
        site_name=metadata.site_name() or (urlsplit(url).hostname or ""),
        structure=body.structure,
    )


def _refuse_what_is_not_a_page(page: bytes | str, content_type: str) -> None:
    media_type = clean_inline(content_type.split(";", 1)[0]).lower()
    if media_type and media_type not in HTML_MEDIA_TYPES:
        shown = media_type if len(media_type) <= 60 else media_type[:59] + "…"
        raise PageExtractError(f"not a web page: the server sent {shown}")
    start = page[:64].lstrip()
    head = start if isinstance(start, bytes) else start.encode("utf-8", "replace")
    for signature, kind in _BINARY_SIGNATURES.items():
        if head.startswith(signature):
            raise PageExtractError(f"not a web page: the response is {kind}")


def _without_repeated_header(
    blocks: list[SourceBlock], headline: str, byline: str | None
) -> list[SourceBlock]:
    """Drop a leading headline or byline block: they are kept as metadata instead."""
    repeated = {clean_inline(headline).casefold()}
    if byline:
        repeated.update({byline.casefold(), f"by {byline}".casefold()})
    while blocks and clean_inline(blocks[0].plain).casefold() in repeated:
        blocks = blocks[1:]
    return blocks


class _PageMetadata:
    def __init__(self, document: lxml.html.HtmlElement) -> None:
        self._document = document
        self._meta: dict[str, str] = {}
        for meta in document.iterfind(".//meta"):
            key = meta.get("property") or meta.get("name") or meta.get("itemprop") or ""
            content = meta.get("content")
            if key and content and key.lower() not in self._meta:
                self._meta[key.lower()] = content
        self._linked_data = list(_linked_data_articles(document))

    def _first_meta(self, *keys: str) -> str | None:
        for key in keys:
            value = clean_inline(self._meta.get(key, ""))
            if value:
                return value
        return None

    def headline(self) -> str:
        for item in self._linked_data:
            value = item.get("headline")
            if isinstance(value, str) and clean_inline(value):
                return clean_inline(value)
        found = self._first_meta("og:title", "twitter:title")
        if found:
            return found
        for heading in self._document.iterfind(".//h1"):
            text = clean_inline(heading.text_content())
            if text:
                return text
        return ""

    def byline(self) -> str | None:
        for item in self._linked_data:
            name = _linked_data_name(item.get("author"))
            if name:
                return name
        found = self._first_meta("author", "article:author", "dc.creator", "parsely-author")
        if found and not found.startswith(("http://", "https://")):
            return found
        for path in (".//*[@rel='author']", ".//*[@itemprop='author']",
                     ".//*[@class='byline']", ".//*[@class='author']"):  # fmt: skip
            for element in self._document.iterfind(path):
                text = _BYLINE_PREFIX.sub("", clean_inline(element.text_content()))
                if text and len(text) <= 100:
                    return text
        return None

    def published(self) -> str | None:
        for item in self._linked_data:
            value = normalise_date(item.get("datePublished"))
            if value:
                return value
        for key in ("article:published_time", "datepublished", "date", "pubdate",
                    "publishdate", "dc.date", "dc.date.issued", "og:published_time"):  # fmt: skip
            value = normalise_date(self._meta.get(key))
            if value:
                return value
        for element in self._document.iterfind(".//time[@datetime]"):
            value = normalise_date(element.get("datetime"))
            if value:
                return value
        return None

    def site_name(self) -> str | None:
        return self._first_meta("og:site_name", "application-name")


def _linked_data_articles(document: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    for script in document.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "")
        except ValueError:
            continue
        items = data if isinstance(data, list) else [data]
        for item in items:
            if isinstance(item, dict) and isinstance(item.get("@graph"), list):
                items.extend(item["@graph"])
                continue
            if isinstance(item, dict) and "Article" in str(item.get("@type", "")):
                yield item


def _linked_data_name(author: object) -> str | None:
    if isinstance(author, list):
        names = [_linked_data_name(one) for one in author]
        joined = ", ".join(name for name in names if name)
        return joined or None
    if isinstance(author, dict):
        author = author.get("name")
    if isinstance(author, str):
        return clean_inline(author) or None
    return None
