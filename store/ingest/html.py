"""HTML fragments (feed content, extracted article bodies) to blocks of plain text.

The result feeds :func:`store.structure.structured_text`; no markup survives, but what the
markup said does: each block's kind (paragraph, heading, list item with its number and depth,
quote, preformatted text) and the links in it (http(s) only, made absolute against the page's
address). Block elements end a block, two line breaks in a row end one too, non-content
elements (scripts, forms, embeds) are dropped whole, and so is site furniture
(:mod:`store.ingest.furniture`): elements that are furniture by what they are, a ``<time>``
standing alone, then lines that are furniture by their words.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urljoin

import lxml.html
from lxml import etree

from store.ingest.furniture import (
    LINE_MAX_CHARS,
    is_furniture_element,
    is_furniture_line,
    may_be_furniture,
)
from store.structure import BlockKind, Run, SourceBlock
from store.text import clean_inline
from store.urls import safe_url

BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "caption", "center", "dd",
        "details", "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer",
        "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup", "hr", "html", "li", "main",
        "nav", "ol", "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th",
        "thead", "tr", "ul",
    }
)  # fmt: skip
# Table cells stay on their row's line; the row is the paragraph.
INLINE_IN_BLOCK_TAGS = frozenset({"td", "th"})
DROPPED_TAGS = frozenset(
    {
        "applet", "audio", "button", "canvas", "embed", "form", "head", "iframe", "input",
        "link", "map", "math", "meta", "noscript", "object", "option", "script", "select",
        "style", "svg", "template", "textarea", "title", "video",
    }
)  # fmt: skip
HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z!/]")
# What may stand beside a <time> in a block that is only a dateline.
_FURNITURE_RAW_CHARS = 4 * LINE_MAX_CHARS
"""Longer than this before its whitespace is folded, a block is no furniture line."""
_DATELINE_WORDS = re.compile(
    r"(?:\s|[|·•,:–—-]|published|updated|posted|last|on|at)*", re.IGNORECASE
)


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_MARKUP.search(text))


def text_to_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blank lines separate them."""
    return [part.strip() for part in _BLANK_LINE.split(text) if part.strip()]


def html_to_blocks(
    fragment: str, base_url: str | None = None, *, drop_furniture: bool = True
) -> list[SourceBlock]:
    """Blocks of an HTML fragment (or of plain text, when there is no markup); relative
    links are resolved against ``base_url`` (and dropped without one)."""
    if not fragment.strip():
        return []
    blocks: list[SourceBlock] | None = None
    if looks_like_html(fragment):
        try:
            root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        except (etree.ParserError, ValueError):
            pass
        else:
            blocks = element_to_blocks(root, base_url, drop_furniture=drop_furniture)
    if blocks is None:
        blocks = [SourceBlock.paragraph(p) for p in text_to_paragraphs(html.unescape(fragment))]
        if drop_furniture:
            blocks = [b for b in blocks if not is_furniture_line(clean_inline(b.plain))]
    return blocks


def html_to_paragraphs(fragment: str) -> list[str]:
    """The text of an HTML fragment as paragraphs, everything kept (titles, summaries)."""
    return [
        " ".join(block.plain.split()) for block in html_to_blocks(fragment, drop_furniture=False)
    ]


def element_to_blocks(
    root: etree._Element, base_url: str | None = None, *, drop_furniture: bool = True
) -> list[SourceBlock]:
    """Blocks of an already-parsed element tree."""
    collector = _BlockCollector(base_url, drop_furniture)
    collector.walk(root)
    collector.end_block()
    return collector.blocks


class _BlockCollector:
    def __init__(self, base_url: str | None, drop_furniture: bool) -> None:
        self.blocks: list[SourceBlock] = []
        self._base_url = base_url
        self._drop_furniture = drop_furniture
        self._runs: list[Run] = []
        self._from_time: list[bool] = []
        self._pending_break = False
        self._links: list[str | None] = []
        self._lists: list[list[int]] = []
        """For each list the text is in: [ordered (0/1), the next item's number]."""
        self._item: tuple[int, int] | None = None
        """(depth, number) of the list item whose first block is being read."""
        self._quotes = 0
        self._preformatted = 0
        self._heading = 0
        self._times = 0

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        if text.strip():
            self._pending_break = False
        elif not self._runs and not self._preformatted:
            return  # the whitespace between blocks: no block starts with it
        self._runs.append(Run(text, self._links[-1] if self._links else None))
        self._from_time.append(self._times > 0)

    def end_block(self) -> None:
        if not self._runs:  # most block elements end none: they hold other blocks
            self._pending_break = False
            return
        runs, from_time = self._runs, self._from_time
        self._runs, self._from_time = [], []
        self._pending_break = False
        if not any(run.text.strip() for run in runs):
            return
        kind, level, number = self._kind()
        block = SourceBlock(kind, tuple(runs), level, number)
        if kind != "preformatted" and self._drop_furniture:
            if any(from_time):
                timed = zip(runs, from_time, strict=True)
                around_time = "".join(run.text for run, in_time in timed if not in_time)
                if _DATELINE_WORDS.fullmatch(around_time):
                    return  # a date standing alone: the article's date is metadata
            plain = block.plain
            # (A quick look first: most blocks are not cleaned twice to find they are text.)
            if (
                len(plain) <= _FURNITURE_RAW_CHARS
                and may_be_furniture(plain)
                and is_furniture_line(clean_inline(plain))
            ):
                return
        self.blocks.append(block)

    def _kind(self) -> tuple[BlockKind, int, int]:
        if self._heading:
            return "heading", self._heading, 0
        if self._preformatted:
            return "preformatted", 0, 0
        if self._item is not None:
            (depth, number), self._item = self._item, None
            return "item", depth, number
        if self._quotes:
            return "quote", self._quotes, 0
        return "paragraph", 0, 0

    def line_break(self) -> None:
        if self._preformatted:
            self.add_text("\n")
        # One <br> is a line break inside a paragraph; two in a row end the paragraph.
        elif self._pending_break:
            self.end_block()
        else:
            self._runs.append(Run(" "))
            self._from_time.append(False)
            self._pending_break = True

    def walk(self, element: etree._Element) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            self.add_text(element.tail)
            return
        tag = tag.lower().rpartition("}")[2]
        if tag in DROPPED_TAGS or (self._drop_furniture and _is_furniture(element, tag)):
            self.add_text(element.tail)
            return
        if tag == "br":
            self.line_break()
            self.add_text(element.tail)
            return
        is_block = tag in BLOCK_TAGS and tag not in INLINE_IN_BLOCK_TAGS
        if is_block:
            self.end_block()
            self._open(element, tag)
        elif tag in INLINE_IN_BLOCK_TAGS:
            self.add_text(" ")
        elif tag == "a":
            self._links.append(self._href(element))
        elif tag == "time":
            self._times += 1
        self.add_text(element.text)
        for child in element:
            self.walk(child)
        if is_block:
            self.end_block()
            self._close(tag)
        elif tag == "a":
            self._links.pop()
        elif tag == "time":
            self._times -= 1
        self.add_text(element.tail)

    def _open(self, element: etree._Element, tag: str) -> None:
        if tag in HEADING_TAGS:
            self._heading = HEADING_TAGS[tag]
        elif tag == "pre":
            self._preformatted += 1
        elif tag == "blockquote":
            self._quotes += 1
        elif tag in ("ul", "ol"):
            self._lists.append([tag == "ol", _number(element.get("start"), 1)])
        elif tag == "li":
            ordered, next_number = self._lists[-1] if self._lists else (False, 0)
            number = _number(element.get("value"), next_number) if ordered else 0
            if self._lists and ordered:
                self._lists[-1][1] = number + 1
            self._item = (max(len(self._lists), 1), number)

    def _close(self, tag: str) -> None:
        if tag in HEADING_TAGS:
            self._heading = 0
        elif tag == "pre":
            self._preformatted -= 1
        elif tag == "blockquote":
            self._quotes -= 1
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "li":
            self._item = None

    def _href(self, element: etree._Element) -> str | None:
        href = (element.get("href") or "").strip()
        if not href:
            return None
        if self._base_url:
            try:
                href = urljoin(self._base_url, href)
            except ValueError:
                return None
        return safe_url(href)


def _is_furniture(element: etree._Element, tag: str) -> bool:
    return is_furniture_element(element, tag) or element.get("hidden") is not None


def _number(value: str | None, default: int) -> int:
    try:
        number = int((value or "").strip())
    except ValueError:
        return default
    return number if 0 <= number < 10**9 else default
