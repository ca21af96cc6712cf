"""Markdown (the body of a seed file) to blocks of plain text.

Parsed by markdown-it-py (CommonMark, raw HTML off: a tag in a seed file stays as the text
it is). Emphasis and code markers and link syntax leave the text: ``**main library**`` is
"main library", ``[library website](https://…)`` is "library website" with its link kept
beside the text (http(s) only; another link's text stays, as text). Headings, list items
(numbered, with their depth), quotes and code blocks become blocks of those kinds; images
are left out.
"""

from __future__ import annotations

from collections.abc import Sequence

from markdown_it import MarkdownIt
from markdown_it.token import Token

from store.structure import BlockKind, Run, SourceBlock
from store.urls import safe_url

_PARSER = MarkdownIt("commonmark", {"html": False})
# markdown-it leaves a link it distrusts ("javascript:…") as its raw syntax; taken as a link
# here, its text reads as text and :func:`store.urls.safe_url` drops the address.
_PARSER.validateLink = lambda url: True  # type: ignore[method-assign]


def markdown_to_blocks(text: str) -> list[SourceBlock]:
    """The blocks of a Markdown text."""
    reader = _TokenReader()
    for token in _PARSER.parse(text):
        reader.read(token)
    return reader.blocks


class _TokenReader:
    def __init__(self) -> None:
        self.blocks: list[SourceBlock] = []
        self._lists: list[bool] = []
        """For each list the text is in: whether it is numbered."""
        self._item: tuple[int, int] | None = None
        """(depth, number) of the list item whose first block is to come."""
        self._quotes = 0
        self._heading = 0

    def read(self, token: Token) -> None:
        kind = token.type
        if kind == "heading_open":
            self._heading = int(token.tag[1:])
        elif kind == "heading_close":
            self._heading = 0
        elif kind in ("bullet_list_open", "ordered_list_open"):
            self._lists.append(kind == "ordered_list_open")
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self._lists.pop()
        elif kind == "list_item_open":
            numbered = bool(self._lists) and self._lists[-1]
            number = int(token.info) if numbered and token.info.isdigit() else 0
            self._item = (max(len(self._lists), 1), number)
        elif kind == "list_item_close":
            self._item = None
        elif kind == "blockquote_open":
            self._quotes += 1
        elif kind == "blockquote_close":
            self._quotes -= 1
        elif kind in ("fence", "code_block"):
            self._add("preformatted", (Run(token.content),))
        elif kind == "inline":
            self._add(self._kind(), _runs(token.children or []))

    def _kind(self) -> BlockKind:
        if self._heading:
            return "heading"
        if self._item is not None:
            return "item"
        if self._quotes:
            return "quote"
        return "paragraph"

    def _add(self, kind: BlockKind, runs: tuple[Run, ...]) -> None:
        level, number = 0, 0
        if kind == "heading":
            level = self._heading
        elif kind == "item" and self._item is not None:
            (level, number), self._item = self._item, None
        elif kind == "quote":
            level = self._quotes
        elif self._item is not None:
            self._item = None  # a code block first in an item: the item has begun
        self.blocks.append(SourceBlock(kind, runs, level, number))


def _runs(children: Sequence[Token]) -> tuple[Run, ...]:
    runs: list[Run] = []
    links: list[str | None] = []
    for child in children:  # an image (its alt text in its own children) is passed over
        kind = child.type
        if kind == "link_open":
            links.append(safe_url(str(child.attrs.get("href") or "")))
        elif kind == "link_close" and links:
            links.pop()
        elif kind in ("text", "code_inline"):
            runs.append(Run(child.content, links[-1] if links else None))
        elif kind in ("softbreak", "hardbreak"):
            runs.append(Run(" ", links[-1] if links else None))
    return tuple(runs)
