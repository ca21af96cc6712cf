"""Seed files: articles as plain text, or Markdown with an optional front-matter block.

Plain text comes in the shapes people paste from the web: no headline line, a standfirst that
the body repeats, sentences broken across lines, list lines, and site furniture ("End of
Article", "Advertisement") anywhere in it. Markdown is read as Markdown
(:mod:`store.ingest.markdown`): its emphasis and link syntax leave the text, its headings,
lists and quotes stay blocks of those kinds. ``parse_seed`` turns either into an article's
metadata and blocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

from store.dates import normalise_date
from store.ingest.decoding import UnreadableTextError, decode_text
from store.ingest.furniture import is_credit_line, is_furniture_line, is_trailer_furniture
from store.ingest.markdown import markdown_to_blocks
from store.structure import SourceBlock, StructuredText, structured_text
from store.text import clean_inline, split_paragraphs, strip_controls
from store.urls import safe_url

MARKDOWN_SUFFIXES = frozenset({".md", ".markdown", ".mdown"})
HEADLINE_MAX_CHARS = 120
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
# A list line in plain text: a bullet, or a number of up to three digits and "." or ")".
_LIST_LINE = re.compile(r"^(?:[-*•‣◦▪]|(\d{1,3})[.)])\s+(?=\S)")


class SeedError(ValueError):
    """A seed file that cannot be imported; the message says why."""


@dataclass(frozen=True)
class ParsedSeed:
    title: str
    blocks: tuple[SourceBlock, ...]
    standfirst: str = ""
    title_derived: bool = False
    source: str = ""
    url: str | None = None
    author: str | None = None
    published: str | None = None
    credit: str | None = None
    extra: dict[str, str] = field(default_factory=dict)

    @cached_property
    def body(self) -> StructuredText:
        """The canonical text and its structure."""
        return structured_text(self.blocks)

    @property
    def paragraphs(self) -> list[str]:
        """The blocks' texts, as the canonical text holds them."""
        return split_paragraphs(self.body.text)


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
    lines = _without_furniture_lines(lines)
    blocks = markdown_to_blocks("\n".join(lines)) if is_markdown else _plain_blocks(lines)
    blocks = [block for block in blocks if _is_text(block)]
    if not blocks:
        raise SeedError("no article text in the file")

    standfirst = _field(metadata, "standfirst", "summary")
    if not title and _looks_like_headline(blocks):
        title, blocks = clean_inline(blocks[0].plain), blocks[1:]
    if not standfirst and len(blocks) > 1:
        standfirst, blocks = _take_repeated_standfirst(blocks)
    title_derived = not title
    if title_derived:
        title = derive_headline(clean_inline(blocks[0].plain) if blocks else standfirst)
    if not blocks:
        blocks, standfirst = [SourceBlock.paragraph(standfirst)], ""

    return ParsedSeed(
        title=title,
        blocks=tuple(blocks),
        standfirst=standfirst,
        title_derived=title_derived,
        source=_field(metadata, "source"),
        url=safe_url(_field(metadata, "url")),
        author=_field(metadata, "author") or None,
        published=normalise_date(metadata.get("published") or metadata.get("date")),
        credit=_field(metadata, "credit") or credit,
    )


def _is_text(block: SourceBlock) -> bool:
    """Whether a block is the article's: not empty, and not furniture (wherever it is)."""
    if block.kind == "preformatted":
        return bool(block.plain.strip())
    line = clean_inline(block.plain)
    return bool(line) and not is_furniture_line(line)


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


def _plain_blocks(lines: list[str]) -> list[SourceBlock]:
    """Blank-line separated groups are paragraphs whose lines were wrapped; a text with no
    blank lines at all has a paragraph per line, except where a sentence was broken across
    two. A line that starts with a bullet or a number ("- ", "2. ") is a list item either way,
    and the lines after it that start with none continue it."""
    groups: list[list[str]] = [[]]
    for line in lines:
        if line.strip():
            groups[-1].append(clean_inline(line))
        elif groups[-1]:
            groups.append([])
    groups = [group for group in groups if group]
    one_per_line = len(groups) == 1
    blocks: list[SourceBlock] = []
    for group in groups:
        pieces: list[str] = []
        for line in group:
            continues = bool(pieces) and not _LIST_LINE.match(line)
            # Wrapped lines of a paragraph are joined; those of a list item only where the
            # item reads as broken off (the line after a whole one is a paragraph).
            wrapped = not one_per_line and not _LIST_LINE.match(pieces[-1] if pieces else "")
            if continues and (wrapped or _is_broken(pieces[-1], line)):
                pieces[-1] = f"{pieces[-1]} {line}"
            else:
                pieces.append(line)
        blocks += [_plain_block(piece) for piece in pieces]
    return blocks


def _without_furniture_lines(lines: list[str]) -> list[str]:
    """Lines that are furniture on their own ("Advertisement" between two paragraphs of a
    paste), wherever they are; a line of a wrapped sentence that happens to begin with such
    words ("subscribe to the …") is not on its own."""
    kept: list[str] = []
    for line in lines:
        text = clean_inline(line)
        previous = clean_inline(kept[-1]) if kept else ""
        standalone = text[:1].isupper() and (not previous or _SENTENCE_END.search(previous))
        if not (standalone and is_furniture_line(text)):
            kept.append(line)
    return kept


def _plain_block(text: str) -> SourceBlock:
    marker = _LIST_LINE.match(text)
    if marker is None:
        return SourceBlock.paragraph(text)
    number = int(marker.group(1)) if marker.group(1) else 0
    return SourceBlock("item", SourceBlock.paragraph(text[marker.end() :]).runs, 1, number)


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
        if is_credit_line(last):
            credit = credit or last
        elif not is_trailer_furniture(last):
            break
        lines.pop()
    return lines, credit


def _looks_like_headline(blocks: list[SourceBlock]) -> bool:
    first = clean_inline(blocks[0].plain)
    return (
        len(blocks) > 1
        and blocks[0].kind in ("paragraph", "heading")
        and len(first) <= 150
        and not _SENTENCE_END.search(first)
        and not any(_starts_with(clean_inline(later.plain), first) for later in blocks[1:])
    )


def _take_repeated_standfirst(blocks: list[SourceBlock]) -> tuple[str, list[SourceBlock]]:
    """A first paragraph that a later one repeats is the standfirst: show it once, on top,
    with the full stop the repeat gave it."""
    first, rest = clean_inline(blocks[0].plain), blocks[1:]
    for index, block in enumerate(rest):
        later = clean_inline(block.plain)
        if _comparable(later) == _comparable(first):
            standfirst = later if _SENTENCE_END.search(later) else first
            return standfirst, rest[:index] + rest[index + 1 :]
        if _starts_with(later, first):
            repeated = len(first.rstrip(" .!?…"))
            ending = _SENTENCE_CLOSE.match(later, repeated)
            cut = ending.end() if ending else repeated
            remainder = later[cut:].lstrip(" ,;:")
            kept = [block.with_text(remainder)] if remainder else []
            return later[:cut], rest[:index] + kept + rest[index + 1 :]
    return "", blocks


_SENTENCE_CLOSE = re.compile(r"[.!?…]+[\"'”’)\]]*")


def _comparable(text: str) -> str:
    return text.rstrip(" .!?…").casefold()


def _starts_with(paragraph: str, prefix: str) -> bool:
    key = _comparable(prefix)
    return len(key) >= 20 and paragraph.casefold().startswith(key)


# The headline of an article that has none

_ABBREVIATIONS = frozenset(
    "mr mrs ms dr st prof gen sen rep gov lt col capt sgt no jr sr inc co corp ltd vs".split()
)
_SENTENCE_BREAK = re.compile(r"[.!?][\"'”’)\]]*\s+(?=[\"'“‘(]?[A-Z0-9])")
_DAYS = "Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday"
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_TRAILING_TIME = re.compile(
    rf"""\s+(?:
        (?:(?:late|early)\s+)?(?:on\s+|last\s+|this\s+|next\s+)?(?:{_DAYS})
        (?:\s+(?:morning|afternoon|evening|night))?
      | on\s+\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?
      | on\s+(?:{_MONTHS})\s+\d{{1,2}}(?:,?\s+\d{{4}})?
      | in\s+(?:{_MONTHS})(?:\s+\d{{4}})?
      | yesterday|today|tonight|earlier\s+today
      | (?:this|last)\s+(?:week|weekend|month|year|morning|afternoon|evening|night)
    )$""",
    re.VERBOSE,
)
# Words that open a phrase: a headline may end just before one and still read whole.
_PHRASE_OPENERS = frozenset(
    "with to for on in at by from as after amid over about against into during while "
    "and but that which who when where because despite following before than".split()
)
_SUBORDINATE = re.compile(
    r",\s+(?:adding|saying|according|as|after|amid|while|which|who|where|when|but|and"
    r"|following|despite|prompting|citing|raising|sparking|in\s+a\s+move)\b"
)
_HEADLINE_MIN_CHARS = 30


def derive_headline(paragraph: str) -> str:
    """A headline from the article's lead: the main clause of its first sentence, without
    a trailing "on Friday", and, if that is still too long, cut before a phrase (never
    inside a name)."""
    sentence = _first_sentence(paragraph).rstrip(" .")
    headline = _main_clause(sentence)
    shorter = _TRAILING_TIME.sub("", headline)
    if len(shorter) >= _HEADLINE_MIN_CHARS:
        headline = shorter
    if len(headline) <= HEADLINE_MAX_CHARS:
        return headline
    return _cut_before_a_phrase(headline)


def _first_sentence(paragraph: str) -> str:
    for found in _SENTENCE_BREAK.finditer(paragraph):
        before = paragraph[: found.start() + 1]
        word = before.rsplit(None, 1)[-1].rstrip(".").lower()
        if word in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)*[a-z]", word):
            continue  # "Dr. Ruth", "U.S. President": not a sentence's end
        return paragraph[: found.start() + 1]
    return paragraph


def _main_clause(sentence: str) -> str:
    """The sentence up to a comma that opens a clause hung on it (", adding that …", ", who
    …"), when what comes before is long enough to stand alone."""
    for found in _SUBORDINATE.finditer(sentence):
        if found.start() >= _HEADLINE_MIN_CHARS:
            return sentence[: found.start()]
    first_comma = sentence.find(", ")
    if first_comma >= 40:
        return sentence[:first_comma]
    return sentence


def _cut_before_a_phrase(text: str) -> str:
    words = text.split(" ")
    best = ""
    for index in range(1, len(words)):
        head = " ".join(words[:index]).rstrip(" ,;:")
        if len(head) > HEADLINE_MAX_CHARS:
            break
        if words[index].lower() in _PHRASE_OPENERS and len(head) >= _HEADLINE_MIN_CHARS:
            best = head
    if best:
        return best
    # No phrase ends in time: cut at a word, not between a title or a name's parts.
    cut = text[: HEADLINE_MAX_CHARS - 1].rsplit(" ", 1)[0]
    while " " in cut and cut.rsplit(" ", 1)[1][:1].isupper():
        cut = cut.rsplit(" ", 1)[0]
    return f"{cut.rstrip(' ,;:')}…"
