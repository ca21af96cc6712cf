"""Markdown for Obsidian, Logseq and plain notes.

One article's document: YAML front matter (title, source, url, author, published, exported,
tags; a property with no value is left out), then Broadsheet's block, between
:data:`BLOCK_BEGIN` and :data:`BLOCK_END` lines: the headline, and each highlight in reading
order as a blockquote, its note, a line with its colour and the tags the note does not already
carry, and a link back to the passage in the source. ``exported`` is the latest modification
time of the highlights in the document (see ``select.exported_time``), so the same highlights
always give the same bytes. Re-exporting into a file rewrites only the block and Broadsheet's
properties (:mod:`store.export.markdown_merge`): what the user wrote around them stays.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import quote

import yaml

from store.annotations.model import Highlight, hashtags, merge_tags
from store.export.select import ArticleInfo, exported_time, group_by_article
from store.models import Article
from store.text import clean_inline, strip_controls
from store.urls import safe_url

TEXT_FRAGMENT_WORDS = 4
"""Words at each end of a long quote used in a #:~:text=start,end link."""
BLOCK_BEGIN = (
    "<!-- broadsheet:begin: each export rewrites this part; write your notes outside it -->"
)
BLOCK_END = "<!-- broadsheet:end -->"
BLOCK_BEGIN_MARK = "<!-- broadsheet:begin"
BLOCK_END_MARK = "<!-- broadsheet:end"
"""How the two lines are recognised (their start, once stripped): the wording may change."""
OWNED_PROPERTIES = ("title", "source", "url", "author", "published", "exported", "tags")
"""The front-matter properties Broadsheet writes, and rewrites at each export."""


@dataclass(frozen=True, slots=True)
class MarkdownDocument:
    """An exported document in its two parts: the front matter's properties (none null) and
    the block, its marker lines included."""

    properties: dict[str, object]
    block: str

    def text(self) -> str:
        return f"---\n{dump_properties(self.properties)}---\n\n{self.block}"


def dump_properties(properties: Mapping[str, object]) -> str:
    """YAML for front matter, one property after another in the order given."""
    if not properties:
        return ""
    return yaml.safe_dump(
        dict(properties),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=2**16,
    )


def article_document(info: ArticleInfo, highlights: list[Highlight]) -> MarkdownDocument:
    """One article's document; ``highlights`` in reading order."""
    properties = _without_nulls(
        {
            "title": info.title,
            "source": info.source or None,
            "url": safe_url(info.url),
            "author": info.author,
            "published": info.published,
            "exported": exported_time(highlights),
            "tags": _front_matter_tags(highlights),
        }
    )
    parts = [f"# {_heading(info.title)}"]
    parts.extend(_render_highlight(info, highlight) for highlight in highlights)
    return MarkdownDocument(properties, _block(parts))


def render_article(info: ArticleInfo, highlights: list[Highlight]) -> str:
    return article_document(info, highlights).text()


def collection_document(
    highlights: Iterable[Highlight], articles: Mapping[str, Article]
) -> MarkdownDocument:
    """Every article's document, for one file or stdout. With one article that is simply its
    document; with several, one document per article under a shared front matter."""
    groups = group_by_article(highlights, articles)
    if len(groups) == 1:
        return article_document(*groups[0])
    every = [highlight for _, group in groups for highlight in group]
    properties = _without_nulls(
        {
            "title": "Broadsheet highlights",
            "exported": exported_time(every),
            "tags": _front_matter_tags(every),
        }
    )
    parts = ["# Broadsheet highlights"]
    for info, group in groups:
        # One level down, so each article is a section of the shared document.
        parts.append(f"## {_heading(info.title)}")
        details = [
            _escape_inline(text) for text in (info.source, info.author, info.published) if text
        ]
        url = safe_url(info.url)
        if url:
            details.append(f"[source]({_link_target(url)})")
        if details:
            parts.append(" · ".join(details))
        parts.extend(_render_highlight(info, highlight) for highlight in group)
    return MarkdownDocument(properties, _block(parts))


def render_collection(highlights: Iterable[Highlight], articles: Mapping[str, Article]) -> str:
    return collection_document(highlights, articles).text()


def _block(parts: list[str]) -> str:
    return "\n\n".join([BLOCK_BEGIN, *parts, BLOCK_END]) + "\n"


def _without_nulls(properties: dict[str, object]) -> dict[str, object]:
    # An empty property is noise in Obsidian's properties view, and a null one worse.
    return {name: value for name, value in properties.items() if value not in (None, [], "")}


def _render_highlight(info: ArticleInfo, highlight: Highlight) -> str:
    lines = [_blockquote(highlight.exact)]
    if highlight.orphaned:
        lines.append("*Not found in the current text of the article.*")
    elif not info.in_library:
        lines.append("*Its article is not in the library.*")
    note = strip_controls(highlight.note).strip()
    if note:
        lines.append(note)
    # A tag the note carries as a #tag is one Obsidian already sees: not twice.
    in_note = set(merge_tags(hashtags(note)))
    tags = [f"#{clean_inline(tag)}" for tag in highlight.tags if tag not in in_note]
    lines.append(" · ".join([f"colour: {highlight.colour}", *([" ".join(tags)] if tags else [])]))
    url = safe_url(info.url)
    if url:
        lines.append(f"[↗ source]({_link_target(_with_text_fragment(url, highlight.exact))})")
    return "\n\n".join(lines)


def _front_matter_tags(highlights: Iterable[Highlight]) -> list[str]:
    # merge_tags cleans each tag of control characters (a stored tag may predate that).
    return list(merge_tags(*(h.tags for h in highlights)))


def _blockquote(text: str) -> str:
    return "\n".join(
        f"> {_escape_inline(line)}" if line else ">"
        for line in strip_controls(text).strip().split("\n")
    )


def _heading(title: str) -> str:
    return _escape_inline(clean_inline(title)) or "Untitled"


def _escape_inline(text: str) -> str:
    # Keep a line of text from turning into structure (a heading, list or nested quote)
    # because of how it happens to start, and HTML in it from being rendered.
    text = text.replace("<", "&lt;")
    return f"\\{text}" if text[:1] in {"#", ">", "-", "+", "*", "="} else text


def _link_target(url: str) -> str:
    # Angle brackets allow spaces and parentheses in a CommonMark link destination.
    return "<" + url.replace("<", "%3C").replace(">", "%3E").replace(" ", "%20") + ">"


def _with_text_fragment(url: str, exact: str) -> str:
    """``url`` with a #:~:text= fragment that makes browsers scroll to and mark the passage."""
    words = clean_inline(exact).split(" ")
    if len(words) <= TEXT_FRAGMENT_WORDS * 2:
        directive = _fragment_part(" ".join(words))
    else:
        directive = (
            _fragment_part(" ".join(words[:TEXT_FRAGMENT_WORDS]))
            + ","
            + _fragment_part(" ".join(words[-TEXT_FRAGMENT_WORDS:]))
        )
    # A text directive may follow an existing fragment: "#section:~:text=…".
    return f"{url}{':' if '#' in url else '#:'}~:text={directive}"


def _fragment_part(text: str) -> str:
    # "-", "," and "&" have meanings inside a text directive, so they are escaped too.
    return quote(text, safe="").replace("-", "%2D")
