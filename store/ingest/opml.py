"""OPML 2.0 subscription lists in and out; folders become tags and tags become folders.

A feed inside nested folders gets the tag "outer/inner", and that tag is written back as the
same nesting, so a list survives a round trip. A feed in several folders (or with several
tags) is listed under each, as other readers do. The ``category`` attribute counts as folders
too. Parsing refuses entity declarations and external references (defusedxml).
"""

from __future__ import annotations

import xml.etree.ElementTree as ElementTree
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime

import defusedxml.ElementTree as SafeElementTree
from defusedxml import DefusedXmlException

from store.feeds import Feed, FeedStore
from store.library import utc_now_iso
from store.text import clean_inline
from store.urls import safe_url

TAG_SEPARATOR = "/"


class OpmlError(ValueError):
    """The file is not an OPML list we can read; one line for people."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str
    site_url: str | None
    tags: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OpmlImport:
    added: tuple[Feed, ...]
    already_followed: tuple[Feed, ...]
    rejected: tuple[str, ...]
    """xmlUrl values that are not http(s) URLs."""


def parse_opml(data: bytes) -> tuple[list[OpmlFeed], list[str]]:
    """The feeds in an OPML document, and the xmlUrl values that were refused."""
    try:
        root = SafeElementTree.fromstring(data, forbid_dtd=False)
    except DefusedXmlException:
        raise OpmlError("the file declares XML entities or external references") from None
    except ElementTree.ParseError as problem:
        raise OpmlError(f"not readable XML ({problem})") from None
    if root.tag != "opml":
        raise OpmlError("not an OPML file (its root element is not <opml>)")
    body = root.find("body")
    if body is None:
        raise OpmlError("the OPML file has no <body>")
    feeds: dict[str, OpmlFeed] = {}
    rejected: list[str] = []
    _collect(body, (), feeds, rejected)
    return list(feeds.values()), rejected


def _collect(
    parent: ElementTree.Element,
    folders: tuple[str, ...],
    feeds: dict[str, OpmlFeed],
    rejected: list[str],
) -> None:
    for outline in parent.iterfind("outline"):
        label = clean_inline(outline.get("title") or outline.get("text") or "")
        raw_url = outline.get("xmlUrl") or outline.get("xmlurl")
        if raw_url is None:
            inner = (*folders, label.replace(TAG_SEPARATOR, "-")) if label else folders
            _collect(outline, inner, feeds, rejected)
            continue
        url = safe_url(raw_url)
        if url is None:
            rejected.append(clean_inline(raw_url))
            continue
        tags = [TAG_SEPARATOR.join(folders)] if folders else []
        for category in (outline.get("category") or "").split(","):
            category = clean_inline(category).strip(TAG_SEPARATOR)
            if category:
                tags.append(category)
        previous = feeds.get(url)
        merged = tuple(dict.fromkeys((*(previous.tags if previous else ()), *tags)))
        feeds[url] = OpmlFeed(
            url=url,
            title=(previous.title if previous else "") or label,
            site_url=(previous.site_url if previous else None) or safe_url(outline.get("htmlUrl")),
            tags=merged,
        )


def import_opml_into(feed_store: FeedStore, data: bytes) -> OpmlImport:
    """Follow every feed in an OPML document (without fetching); tags merge into known feeds."""
    found, rejected = parse_opml(data)
    added: list[Feed] = []
    known: list[Feed] = []
    now = utc_now_iso()
    for item in found:
        existing = feed_store.by_url(item.url)
        if existing is not None:
            tags = tuple(dict.fromkeys((*existing.tags, *item.tags)))
            known.append(feed_store.update(existing.id, tags=tags))
            continue
        feed = Feed.new(
            item.url, title=item.title, site_url=item.site_url, tags=item.tags, added=now
        )
        feed_store.put(feed)
        added.append(feed)
    feed_store.flush()
    return OpmlImport(tuple(added), tuple(known), tuple(rejected))


def export_opml(feeds: Iterable[Feed], *, title: str = "Broadsheet subscriptions") -> bytes:
    """An OPML 2.0 document listing ``feeds``, with tags as (nested) folders."""
    root = ElementTree.Element("opml", version="2.0")
    head = ElementTree.SubElement(root, "head")
    ElementTree.SubElement(head, "title").text = title
    ElementTree.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC))
    body = ElementTree.SubElement(root, "body")
    folders: dict[tuple[str, ...], ElementTree.Element] = {(): body}
    for feed in sorted(feeds, key=lambda feed: (feed.display_title.casefold(), feed.url)):
        for tag in feed.tags or ("",):
            parent = _folder(folders, tuple(part for part in tag.split(TAG_SEPARATOR) if part))
            ElementTree.SubElement(parent, "outline", _feed_attributes(feed))
    ElementTree.indent(root)
    document: bytes = ElementTree.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"


def _folder(
    folders: dict[tuple[str, ...], ElementTree.Element], path: Sequence[str]
) -> ElementTree.Element:
    key = tuple(path)
    if key not in folders:
        parent = _folder(folders, key[:-1])
        folders[key] = ElementTree.SubElement(parent, "outline", text=key[-1], title=key[-1])
    return folders[key]


def _feed_attributes(feed: Feed) -> dict[str, str]:
    attributes = {
        "type": "rss",
        "text": feed.display_title,
        "title": feed.display_title,
        "xmlUrl": feed.url,
    }
    if feed.site_url:
        attributes["htmlUrl"] = feed.site_url
    return attributes
