"""Seed files: articles as plain text, or Markdown with an optional front-matter block.

Plain text comes in the shapes people paste from the web: no headline line, a standfirst that
the body repeats, sentences broken across lines, and site furniture ("End of Article") at the
end. ``parse_seed`` turns all of that into an article's metadata and canonical paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from store.dates import normalise_date
from store.ingest.decoding import UnreadableTextError, decode_text
from store.text import clean_inline, strip_controls
from store.urls import safe_url

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown"})
HEADLINE_MAX_CHARS = 100
# Real front matter is a few lines; parsing YAML in Python costs about 1.5 s a megabyte.
FRONT_MATTER_MAX_CHARS = 64 * 1024
FRONT_MATTER_MAX_DEPTH = 20

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_MARKDOWN_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.*?)\s*#*\s*$")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’)\]]*$")
# A line that ends on one of these words cannot be the end of a sentence: it was broken.
_CONTINUATION_WORDS = frozenset(
    "a an the and or but nor of to in on at by for from with between into onto over under "
    "about after before as than that which who whose whom its their his her our your my "
    "is are was were be been has have had will would can could should may might must "
    "not this these those".split()
)
_TRAILER_CREDIT = re.compile(
    r"^(?:with (?:inputs?|reporting) from|(?:additional )?reporting by|written by|edited by"
    r"|compiled by)\b",
    re.IGNORECASE,
)
_TRAILER_FURNITURE = re.compile(
    r"^(?:end of (?:the )?(?:article|story|report)|advertisement|also read\b|read more\b"
    r"|(?:click|tap) here\b|subscribe\b|sign up\b|share (?:this|on)\b|follow us\b"
    r"|(?:©|\(c\)|copyright)\s|all rights reserved)",
    re.IGNORECASE,
)
_TRAILER_MAX_CHARS = 160


class SeedError(ValueError):
    """A seed file that cannot be imported; the message says why."""


@dataclass(frozen=True)
class ParsedSeed:
    title: str
    paragraphs: list[str]
    standfirst: str = ""
    title_derived: bool = False
    source: str = ""
    url: str | None = None
    author: str | None = None
    published: str | None = None
    credit: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def parse_seed(data: bytes, name: str = "") -> ParsedSeed:
    """Parse a seed file's bytes; ``name`` (the file name) only decides Markdown or not."""
    try:
        text = decode_text(data)
    except UnreadableTextError as problem:
        raise SeedError(str(problem)) from None
    text = strip_controls(text.replace("\r\n", "\n").replace("\r", "\n"))
    metadata, text = _split_front_matter(text)
    is_markdown = bool(metadata) or name.lower().endswith(tuple(MARKDOWN_SUFFIXES))

    title = _field(metadata, "title")
    lines = text.split("\n")
    if is_markdown and not title:
        title, lines = _take_markdown_title(lines)
    lines, credit = _drop_trailer(lines)
    paragraphs = _paragraphs(lines, is_markdown)
    if not paragraphs:
        raise SeedError("no article text in the file")

    standfirst = _field(metadata, "standfirst", "summary")
    if not title and _looks_like_headline(paragraphs):
        title, paragraphs = paragraphs[0], paragraphs[1:]
    if not standfirst and len(paragraphs) > 1:
        standfirst, paragraphs = _take_repeated_standfirst(paragraphs)
    title_derived = not title
    if title_derived:
        title = derive_headline(paragraphs[0] if paragraphs else standfirst)
    if not paragraphs:
        paragraphs, standfirst = [standfirst], ""

    return ParsedSeed(
        title=title,
        paragraphs=paragraphs,
        standfirst=standfirst,
        title_derived=title_derived,
        source=_field(metadata, "source"),
        url=safe_url(_field(metadata, "url")),
        author=_field(metadata, "author") or None,
        published=normalise_date(metadata.get("published") or metadata.get("date")),
        credit=_field(metadata, "credit") or credit,
    )


def _split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match is None:
        return {}, text
    block = match.group(1)
    if len(block) > FRONT_MATTER_MAX_CHARS:
        raise SeedError(
            f"the front matter block is too long (over {FRONT_MATTER_MAX_CHARS // 1024} KB)"
        )
    try:
        metadata = yaml.load(block, Loader=_FrontMatterLoader)
    except _RefusedYaml as problem:
        raise SeedError(f"the front matter block {problem}") from None
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark is not None else ""
        raise SeedError(f"the front matter block is not valid YAML{where}") from None
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        raise SeedError("the front matter block must be 'key: value' lines")
    return {str(key).lower(): value for key, value in metadata.items()}, text[match.end() :]


class _RefusedYaml(Exception):
    """YAML that is valid but that front matter may not use; the message says what."""


class _FrontMatterLoader(yaml.SafeLoader):
    """``yaml.SafeLoader`` without aliases and with bounded nesting.

    Aliases are refused: safe_load shares the aliased value, but nine levels of nine aliases
    (389 bytes) become 9⁹ strings once anything walks the value, as ``str()`` does. Deep
    nesting would exhaust the stack. Scalars YAML reads as numbers or dates but Python cannot
    hold (a 5,000-digit integer, a 13th month) stay text instead of raising ValueError.
    """

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        if self.check_event(yaml.AliasEvent):
            raise _RefusedYaml("uses YAML aliases (*name), which are not read")
        self._depth += 1
        try:
            if self._depth > FRONT_MATTER_MAX_DEPTH:
                raise _RefusedYaml(f"is nested more than {FRONT_MATTER_MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _scalar_or_text(
    construct: Callable[[_FrontMatterLoader, yaml.ScalarNode], object],
) -> Callable[[_FrontMatterLoader, yaml.ScalarNode], object]:
    def constructor(loader: _FrontMatterLoader, node: yaml.ScalarNode) -> object:
        try:
            return construct(loader, node)
        except (ValueError, OverflowError):
            return loader.construct_scalar(node)

    return constructor


for _tag, _construct in (
    ("tag:yaml.org,2002:int", SafeConstructor.construct_yaml_int),
    ("tag:yaml.org,2002:float", SafeConstructor.construct_yaml_float),
    ("tag:yaml.org,2002:timestamp", SafeConstructor.construct_yaml_timestamp),
):
    _FrontMatterLoader.add_constructor(_tag, _scalar_or_text(_construct))


def _field(metadata: dict[str, Any], *keys: str) -> str:
    """A front-matter field as one clean line; lists, mappings and binary are not text."""
    for key in keys:
        value = metadata.get(key)
        if isinstance(value, str | int | float | date) and str(value):
            return clean_inline(str(value))
    return ""


def _take_markdown_title(lines: list[str]) -> tuple[str, list[str]]:
    for index, line in enumerate(lines):
        if not line.strip():
            continue
        heading = _MARKDOWN_HEADING.match(line)
        if heading and line.lstrip().startswith("# "):
            return clean_inline(heading.group(1)), lines[index + 1 :]
        break
    return "", lines


def _paragraphs(lines: list[str], is_markdown: bool) -> list[str]:
    """Blank-line separated blocks are paragraphs whose lines were wrapped; a text with no blank
    lines at all has a paragraph per line, except where a sentence was broken across two."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            if is_markdown:
                heading = _MARKDOWN_HEADING.match(line)
                line = heading.group(1) if heading else line
            blocks[-1].append(line.strip())
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if len(blocks) == 1 and not is_markdown:
        return [p for p in (clean_inline(p) for p in _rejoin_broken_lines(blocks[0])) if p]
    return [p for p in (clean_inline(" ".join(block)) for block in blocks) if p]


def _rejoin_broken_lines(lines: list[str]) -> list[str]:
    paragraphs: list[str] = []
    for line in lines:
        if paragraphs and _is_broken(paragraphs[-1], line):
            paragraphs[-1] = f"{paragraphs[-1]} {line}"
        else:
            paragraphs.append(line)
    return paragraphs


def _is_broken(previous: str, line: str) -> bool:
    if _SENTENCE_END.search(previous):
        return False
    last_word = previous.rsplit(None, 1)[-1].lower() if previous.split() else ""
    return (
        previous.endswith((",", ";", "-", "–", "—"))
        or last_word in _CONTINUATION_WORDS
        or line[:1].islower()
    )


def _drop_trailer(lines: list[str]) -> tuple[list[str], str | None]:
    """Remove site furniture from the end; a credit line ("With inputs from …") is kept apart."""
    credit: str | None = None
    lines = list(lines)
    while lines:
        last = clean_inline(lines[-1]).strip(" .")
        if not last:
            lines.pop()
            continue
        if len(last) > _TRAILER_MAX_CHARS:
            break
        if _TRAILER_CREDIT.match(last):
            credit = credit or last
        elif not _TRAILER_FURNITURE.match(last):
            break
        lines.pop()
    return lines, credit


def _looks_like_headline(paragraphs: list[str]) -> bool:
    first = paragraphs[0]
    return (
        len(paragraphs) > 1
        and len(first) <= 150
        and not _SENTENCE_END.search(first)
        and not any(_starts_with(later, first) for later in paragraphs[1:])
    )


def _take_repeated_standfirst(paragraphs: list[str]) -> tuple[str, list[str]]:
    """A first paragraph that a later one repeats is the standfirst: show it once, on top."""
    first, rest = paragraphs[0], paragraphs[1:]
    for index, later in enumerate(rest):
        if _starts_with(later, first):
            remainder = later[len(first.rstrip(" .!?…")) :].lstrip(" .,;:!?”’\"'")
            rest = rest[:index] + ([remainder] if remainder else []) + rest[index + 1 :]
            return first, rest
        if _comparable(later) == _comparable(first):
            return first, rest[:index] + rest[index + 1 :]
    return "", paragraphs


def _comparable(text: str) -> str:
    return text.rstrip(" .!?…").casefold()


def _starts_with(paragraph: str, prefix: str) -> bool:
    key = _comparable(prefix)
    return len(key) >= 20 and paragraph.casefold().startswith(key)


def derive_headline(paragraph: str) -> str:
    """A headline from the article's lead: its first sentence, cut to a readable length."""
    sentence = re.split(r"(?<=[.!?])\s+", paragraph, maxsplit=1)[0].rstrip(" .")
    clause = sentence.split(", ", 1)[0]
    headline = clause if len(clause) >= 40 else sentence
    if len(headline) <= HEADLINE_MAX_CHARS:
        return headline
    cut = headline[: HEADLINE_MAX_CHARS - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return f"{cut}…"
