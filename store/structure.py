"""An article's text as it was written: its blocks and its links, beside the canonical text.

The canonical text (:mod:`store.text`) stays what highlight and mention offsets refer to: the
blocks' texts joined by a blank line. Beside it, a :class:`TextStructure` says which kind each
block is (paragraph, heading, list item, quote, preformatted) and where the links are, as
(start, end) offsets into that text. It is stored apart, by the text's hash, so a text from
before there was a structure (or whose structure was lost) reads as paragraphs.

Ingest builds both at once with :func:`structured_text` from :class:`SourceBlock`s: a block's
kind and its text as runs, each run with the link it belongs to (if any). Every block's text
is cleaned as :func:`store.text.clean_inline` cleans a paragraph (a preformatted block keeps
its line breaks), so a text of plain paragraphs is exactly ``canonical_text`` of them.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, NamedTuple, get_args

import orjson

from store.text import (
    INNER_WHITESPACE,
    PARAGRAPH_SEPARATOR,
    clean_inline,
    paragraph_spans,
    strip_controls,
)
from store.urls import safe_url

BlockKind = Literal["paragraph", "heading", "item", "quote", "preformatted"]
BLOCK_KINDS: tuple[BlockKind, ...] = get_args(BlockKind)
MAX_LEVEL = 9
"""Deeper headings, lists and quotes than this are shown at this depth."""
STRUCTURE_FORMAT = 1
"""The stored form's version: a stored structure of another version reads as paragraphs."""
_TAB_STOP = 4


@dataclass(frozen=True, slots=True)
class Block:
    """One block of a canonical text: ``text[start:end]``."""

    kind: BlockKind
    start: int
    end: int
    level: int = 0
    """A heading's level (1–6); a list item's or a quote's depth (1 for the outermost)."""
    number: int = 0
    """An ordered list item's number; 0 for a bulleted one."""


@dataclass(frozen=True, slots=True)
class Link:
    """A link in a canonical text: ``text[start:end]`` points at ``href`` (http(s) only)."""

    start: int
    end: int
    href: str


@dataclass(frozen=True, slots=True)
class TextStructure:
    blocks: tuple[Block, ...]
    links: tuple[Link, ...] = ()

    @classmethod
    def paragraphs(cls, text: str) -> TextStructure:
        """How a text with no stored structure reads: every block a paragraph."""
        return cls(tuple(Block("paragraph", start, end) for start, end in paragraph_spans(text)))

    @property
    def is_plain(self) -> bool:
        """Paragraphs only and no links: nothing :meth:`paragraphs` would not give."""
        return not self.links and all(block.kind == "paragraph" for block in self.blocks)

    def to_json(self) -> bytes:
        return orjson.dumps(
            {
                "format": STRUCTURE_FORMAT,
                "blocks": [[b.kind, b.start, b.end, b.level, b.number] for b in self.blocks],
                "links": [[link.start, link.end, link.href] for link in self.links],
            }
        )

    @classmethod
    def from_json(cls, data: bytes | str, text: str) -> TextStructure | None:
        """The stored structure of ``text``; None when it does not describe that text exactly
        (damaged, another version's, or another text's): the caller reads paragraphs."""
        try:
            decoded = orjson.loads(data)
            if not isinstance(decoded, dict) or decoded.get("format") != STRUCTURE_FORMAT:
                return None
            blocks = tuple(_block(*row) for row in decoded["blocks"])
            links = tuple(_link(*row) for row in decoded["links"])
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            return None
        if [(block.start, block.end) for block in blocks] != paragraph_spans(text):
            return None
        ends = [0, *(end for link in links for end in (link.start, link.end))]
        if ends != sorted(ends) or any(link.end > len(text) for link in links):
            return None
        return cls(blocks, links)


def _block(kind: Any, start: Any, end: Any, level: Any, number: Any) -> Block:
    if kind not in BLOCK_KINDS or not all(type(v) is int for v in (start, end, level, number)):
        raise ValueError("not a block")
    if not (0 <= level <= MAX_LEVEL and 0 <= number < 10**9):
        raise ValueError("not a block")
    return Block(kind, start, end, level, number)


def _link(start: Any, end: Any, href: Any) -> Link:
    if not (type(start) is int and type(end) is int and 0 <= start < end):
        raise ValueError("not a link")
    if not isinstance(href, str) or safe_url(href) != href:
        raise ValueError("not a link")
    return Link(start, end, href)


@dataclass(frozen=True, slots=True)
class StructuredText:
    """A canonical text and its structure, made together by :func:`structured_text`."""

    text: str
    structure: TextStructure

    @classmethod
    def of_paragraphs(cls, paragraphs: Iterable[str]) -> StructuredText:
        return structured_text(SourceBlock.paragraph(text) for text in paragraphs)


# Building a structured text from what a source gave


class Run(NamedTuple):
    """Some of a block's text as the source gave it (not yet cleaned), and its link. (A named
    tuple: a page's reader makes one for every piece of text, and these are made fastest.)"""

    text: str
    href: str | None = None


@dataclass(frozen=True, slots=True)
class SourceBlock:
    """A block as read from a page, a feed or a seed file, before its text is cleaned."""

    kind: BlockKind
    runs: tuple[Run, ...]
    level: int = 0
    number: int = 0

    @classmethod
    def paragraph(cls, text: str) -> SourceBlock:
        return cls("paragraph", (Run(text),))

    @property
    def plain(self) -> str:
        """The block's text, uncleaned, without its links."""
        return "".join(run.text for run in self.runs)

    @property
    def has_links(self) -> bool:
        return any(run.href for run in self.runs)

    def with_text(self, text: str) -> SourceBlock:
        """The same block holding ``text`` instead (and no links)."""
        return replace(self, runs=(Run(text),))


def structured_text(blocks: Iterable[SourceBlock]) -> StructuredText:
    """The canonical text of these blocks (empty ones dropped) and its structure."""
    texts: list[str] = []
    made: list[Block] = []
    links: list[Link] = []
    position = 0
    for source in blocks:
        spans: list[tuple[int, int, str]] = []
        if source.kind == "preformatted":
            text = preformatted_text(source.plain)
        else:
            text, spans = _clean_runs(source.runs)
        if not text:
            continue
        if texts:
            position += len(PARAGRAPH_SEPARATOR)
        level = min(max(source.level, 0), MAX_LEVEL)
        made.append(Block(source.kind, position, position + len(text), level, source.number))
        links += [Link(position + start, position + end, href) for start, end, href in spans]
        texts.append(text)
        position += len(text)
    return StructuredText(PARAGRAPH_SEPARATOR.join(texts), TextStructure(tuple(made), tuple(links)))


def _clean_runs(runs: Sequence[Run]) -> tuple[str, list[tuple[int, int, str]]]:
    """A block's text cleaned as ``clean_inline`` cleans it, with where each link's text ended
    up. Runs are cleaned one by one and the whitespace between them folded as it would be in
    one string; should that ever differ from cleaning the whole (NFC joining characters
    across a link's edge), the whole is taken and the links are left out."""
    whole = clean_inline("".join(run.text for run in runs))
    hrefs = [safe_url(run.href) for run in runs]
    if not any(hrefs):
        return whole, []
    pieces: list[str] = []
    length = 0
    spans: list[tuple[int, int, str]] = []
    for run, href in zip(runs, hrefs, strict=True):
        piece = INNER_WHITESPACE.sub(" ", unicodedata.normalize("NFC", strip_controls(run.text)))
        if piece.startswith(" ") and (not pieces or pieces[-1].endswith(" ") or length == 0):
            piece = piece[1:]
        if href and piece.strip(" "):
            start = length + len(piece) - len(piece.lstrip(" "))
            spans.append((start, length + len(piece.rstrip(" ")), href))
        if piece:
            pieces.append(piece)
            length += len(piece)
    text = "".join(pieces).rstrip(" ")
    if text != whole:
        return whole, []
    # Neighbouring runs of the same link (split by emphasis) are one link.
    joined: list[tuple[int, int, str]] = []
    for start, end, href in spans:
        if joined and joined[-1][2] == href and joined[-1][1] >= start - 1:
            joined[-1] = (joined[-1][0], end, href)
        else:
            joined.append((start, min(end, len(text)), href))
    return text, [span for span in joined if span[0] < span[1]]


def preformatted_text(text: str) -> str:
    """Preformatted text keeps its lines and their indentation: controls stripped, NFC, tabs
    set to spaces, trailing spaces and blank lines at either end dropped. A blank line inside
    is kept as one space, since a blank line is what separates blocks."""
    lines = [
        unicodedata.normalize("NFC", line).expandtabs(_TAB_STOP).rstrip()
        for line in strip_controls(text).split("\n")
    ]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    return "\n".join(line or " " for line in lines)
