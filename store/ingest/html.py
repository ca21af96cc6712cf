"""HTML fragments (feed content, extracted article bodies) to paragraphs of plain text.

The result feeds :func:`store.text.canonical_text`; no markup survives. Block elements end a
paragraph, two line breaks in a row end one too, and non-content elements (scripts, forms,
embeds) are dropped whole.
"""

from __future__ import annotations

import html
import re

import lxml.html
from lxml import etree

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
_BLANK_LINE = re.compile(r"\n[ \t\r\f\v]*\n")
_LOOKS_LIKE_MARKUP = re.compile(r"<[A-Za-z!/]")


def looks_like_html(text: str) -> bool:
    return bool(_LOOKS_LIKE_MARKUP.search(text))


def text_to_paragraphs(text: str) -> list[str]:
    """Paragraphs of a plain text: blank lines separate them."""
    return [part.strip() for part in _BLANK_LINE.split(text) if part.strip()]


def html_to_paragraphs(fragment: str) -> list[str]:
    """Paragraphs of an HTML fragment (or of plain text, when there is no markup)."""
    if not fragment.strip():
        return []
    if not looks_like_html(fragment):
        return text_to_paragraphs(html.unescape(fragment))
    try:
        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
    except (etree.ParserError, ValueError):
        return text_to_paragraphs(html.unescape(fragment))
    return element_to_paragraphs(root)


def element_to_paragraphs(root: etree._Element) -> list[str]:
    """Paragraphs of an already-parsed element tree."""
    collector = _ParagraphCollector()
    collector.walk(root)
    collector.end_paragraph()
    return collector.paragraphs


class _ParagraphCollector:
    def __init__(self) -> None:
        self.paragraphs: list[str] = []
        self._pieces: list[str] = []
        self._pending_break = False

    def add_text(self, text: str | None) -> None:
        if not text:
            return
        if text.strip():
            self._pending_break = False
        self._pieces.append(text)

    def end_paragraph(self) -> None:
        paragraph = " ".join("".join(self._pieces).split())
        if paragraph:
            self.paragraphs.append(paragraph)
        self._pieces = []
        self._pending_break = False

    def line_break(self) -> None:
        # One <br> is a line break inside a paragraph; two in a row end the paragraph.
        if self._pending_break:
            self.end_paragraph()
        else:
            self._pieces.append(" ")
            self._pending_break = True

    def walk(self, element: etree._Element) -> None:
        tag = element.tag
        if not isinstance(tag, str):  # comments and processing instructions
            self.add_text(element.tail)
            return
        tag = tag.lower().rpartition("}")[2]
        if tag in DROPPED_TAGS:
            self.add_text(element.tail)
            return
        if tag == "br":
            self.line_break()
            self.add_text(element.tail)
            return
        is_block = tag in BLOCK_TAGS and tag not in INLINE_IN_BLOCK_TAGS
        if is_block:
            self.end_paragraph()
        elif tag in INLINE_IN_BLOCK_TAGS:
            self.add_text(" ")
        self.add_text(element.text)
        for child in element:
            self.walk(child)
        if is_block:
            self.end_paragraph()
        self.add_text(element.tail)
