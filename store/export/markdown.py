"""Markdown for Obsidian, Logseq and plain notes.

One article's document: YAML front matter (title, source, url, author, published, exported,
tags), the headline, then each highlight in reading order as a blockquote, its note and #tags
under it, and a link back to the passage in the source. ``exported`` is the latest
modification time of the highlights in the document (see ``select.exported_time``), so the same
highlights always give the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from urllib.parse import quote

import yaml

from store.annotations.model import Highlight, merge_tags
from store.export.select import ArticleInfo, exported_time, group_by_article
from store.models import Article
from store.text import clean_inline, strip_controls
from store.urls import safe_url

TEXT_FRAGMENT_WORDS = 4
"""Words at each end of a long quote used in a #:~:text=start,end link."""


def render_article(info: ArticleInfo, highlights: list[Highlight]) -> str:
    """One article's document; ``highlights`` in reading order."""
    front_matter = {
        "title": info.title,
        "source": info.source or None,
        "url": safe_url(info.url),
        "author": info.author,
        "published": info.published,
        "exported": exported_time(highlights),
        "tags": _front_matter_tags(highlights),
    }
    dumped = yaml.safe_dump(
        front_matter, sort_keys=False, allow_unicode=True, default_flow_style=False, width=2**16
    )
    parts = [f"---\n{dumped}---", f"# {_heading(info.title)}"]
    parts.extend(_render_highlight(info, highlight) for highlight in highlights)
    return "\n\n".join(parts) + "\n"


def render_collection(highlights: Iterable[Highlight], articles: Mapping[str, Article]) -> str:
    """Every article's document, for one file or stdout. With one article that is simply its
    document; with several, one document per article under a shared front matter."""
    groups = group_by_article(highlights, articles)
    if len(groups) == 1:
        return render_article(*groups[0])
    every = [highlight for _, group in groups for highlight in group]
    front_matter = {
        "title": "Broadsheet highlights",
        "exported": exported_time(every),
        "tags": _front_matter_tags(every),
    }
    dumped = yaml.safe_dump(
        front_matter, sort_keys=False, allow_unicode=True, default_flow_style=False, width=2**16
    )
    parts = [f"---\n{dumped}---", "# Broadsheet highlights"]
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
    return "\n\n".join(parts) + "\n"


def _render_highlight(info: ArticleInfo, highlight: Highlight) -> str:
    lines = [_blockquote(highlight.exact)]
    if highlight.orphaned:
        lines.append("*Not found in the current text of the article.*")
    note = strip_controls(highlight.note).strip()
    if note:
        lines.append(note)
    if highlight.tags:
        lines.append(" ".join(f"#{clean_inline(tag)}" for tag in highlight.tags))
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
