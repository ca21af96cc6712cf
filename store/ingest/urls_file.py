"""newsboat's ``urls`` file: the feeds it lists, and the lines it holds that are not feeds.

One feed a line: ``URL tag "tag with spaces" "~Title" "!"``. Tokens are separated by spaces
or tabs; a double-quoted token may hold spaces and backslash escapes (``\\"``, ``\\\\``,
``\\n``…); an unquoted ``#`` at the start of a token begins a comment. As in newsboat, a tag
starting with ``~`` names the feed (the first that names something) and a tag starting with
``!`` hides it from newsboat's feed list. Hidden feeds are followed like the rest — they
usually feed newsboat's query feeds, which Broadsheet does not have yet — and the ``!`` tag
is dropped; ``UrlsFeed.hidden`` keeps the fact.

Only http(s) URLs are feeds here. ``query:`` lines (saved searches), ``exec:`` and
``filter:`` lines (which make newsboat run a command) and any other scheme are reported as
skipped, with a reason; nothing in the file is ever run. Everything taken from the file has
its control characters and terminal escape sequences removed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from store.feeds import normalise_feed_url
from store.ingest.decoding import UnreadableTextError, decode_text, read_regular_file
from store.ingest.seeds import MARKDOWN_SUFFIXES
from store.text import clean_inline, strip_controls
from store.urls import safe_url

URLS_FILE_NAME = "urls"
"""newsboat's name for the file (``~/.newsboat/urls``, ``~/.config/newsboat/urls``)."""
MAX_LINES = 20_000
MAX_LINE_CHARS = 8_192
SHOWN_URL_CHARS = 80

_FEED_LIKE_PREFIXES = ("http://", "https://", "query:", "exec:", "filter:")
_SKIPPED_SCHEMES = {
    "query:": "query: feeds are saved searches, not subscriptions; not imported",
    "exec:": "exec: feeds run commands; not imported",
    "filter:": "filter: feeds run commands; not imported",
}
# A token: an unquoted "#" (a comment to the end of the line), a double-quoted string (which
# an unclosed quote runs to the end of the line), or a run of anything but blanks.
_TOKEN = re.compile(
    r'[ \t]*(?:(?P<comment>\#)|"(?P<quoted>(?:[^"\\]|\\.)*)(?:"|\\?\Z)|(?P<bare>[^ \t]+))',
    re.DOTALL,
)
_ESCAPE = re.compile(r"\\(.)", re.DOTALL)
_ESCAPED = {"n": "\n", "r": "\r", "t": "\t"}


class UrlsFileError(ValueError):
    """The file cannot be read as a urls file at all; one line for people."""


@dataclass(frozen=True, slots=True)
class UrlsFeed:
    line: int
    """The 1-based line the feed was (first) listed on."""
    url: str
    tags: tuple[str, ...]
    title: str
    """From a ``~Title`` tag; empty when the file names none."""
    hidden: bool
    """Listed with a ``!`` tag: newsboat keeps it out of its feed list."""


@dataclass(frozen=True, slots=True)
class SkippedLine:
    line: int
    reason: str


@dataclass(frozen=True, slots=True)
class UrlsFile:
    feeds: tuple[UrlsFeed, ...]
    skipped: tuple[SkippedLine, ...]


def parse_urls_file(data: bytes) -> UrlsFile:
    """The feeds and skipped lines of a urls file's bytes, decoded as seed files are."""
    try:
        text = decode_text(data)
    except UnreadableTextError as problem:
        raise UrlsFileError(str(problem)) from None
    return parse_urls_text(text)


def parse_urls_text(text: str) -> UrlsFile:
    """The feeds a urls file lists (in file order, each URL once) and the lines skipped.

    Raises :class:`UrlsFileError` only for a file of more than :data:`MAX_LINES` lines; a
    line that is too long, or not an http(s) feed, is skipped with its reason."""
    lines = _split_lines(text)
    if len(lines) > MAX_LINES:
        raise UrlsFileError(f"too many lines ({len(lines):,}; the limit is {MAX_LINES:,})")
    feeds: dict[str, UrlsFeed] = {}
    skipped: list[SkippedLine] = []
    for number, line in enumerate(lines, start=1):
        if len(line) > MAX_LINE_CHARS:
            reason = f"line too long ({len(line):,} characters; the limit is {MAX_LINE_CHARS:,})"
            skipped.append(SkippedLine(number, f"{reason}; not imported"))
            continue
        tokens = _tokens(line)
        if not tokens:
            continue
        found = _feed(number, tokens)
        if isinstance(found, SkippedLine):
            skipped.append(found)
            continue
        key = normalise_feed_url(found.url)
        earlier = feeds.get(key)
        feeds[key] = found if earlier is None else _merged(earlier, found)
    return UrlsFile(tuple(feeds.values()), tuple(skipped))


def looks_like_urls_text(text: str) -> bool:
    """Whether every line that is not blank or a comment starts with a URL newsboat reads
    (``http://``, ``https://``, ``query:``, ``exec:`` or ``filter:``), and there is one."""
    found = False
    for line in _split_lines(text):
        tokens = _tokens(line[:MAX_LINE_CHARS])
        if not tokens:
            continue
        if not strip_controls(tokens[0]).lower().startswith(_FEED_LIKE_PREFIXES):
            return False
        found = True
    return found


def is_urls_file(path: Path) -> bool:
    """Whether ``import`` should read ``path`` as newsboat's urls file, not as an article.

    A file named ``urls`` is one whatever it holds. Any other file is one when its text passes
    :func:`looks_like_urls_text` — unless it is Markdown, where ``#`` starts a heading, not a
    comment. A file that cannot be read or decoded is not one (the seed import says why)."""
    if not path.is_file():
        return False
    if path.name == URLS_FILE_NAME:
        return True
    if path.suffix.lower() in MARKDOWN_SUFFIXES:
        return False
    try:
        text = decode_text(read_regular_file(path))
    except (OSError, UnreadableTextError):
        return False
    return looks_like_urls_text(text)


def _split_lines(text: str) -> list[str]:
    # newsboat reads lines ending in "\n" (a CR before it is dropped); other Unicode line
    # breaks are not line ends there, so counting them would misnumber the lines.
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()
    return [line.removesuffix("\r") for line in lines]


def _tokens(line: str) -> list[str]:
    tokens: list[str] = []
    position = 0
    while position < len(line):
        match = _TOKEN.match(line, position)
        if match is None or match["comment"]:
            break
        quoted = match["quoted"]
        if quoted is not None:
            tokens.append(_ESCAPE.sub(lambda m: _ESCAPED.get(m[1], m[1]), quoted))
        else:
            tokens.append(match["bare"])
        position = match.end()
    return tokens


def _feed(number: int, tokens: list[str]) -> UrlsFeed | SkippedLine:
    first = clean_inline(tokens[0])
    for prefix, reason in _SKIPPED_SCHEMES.items():
        if first.lower().startswith(prefix):
            return SkippedLine(number, reason)
    url = safe_url(tokens[0])
    if url is None:
        shown = first
        if len(shown) > SHOWN_URL_CHARS:
            shown = shown[: SHOWN_URL_CHARS - 1] + "…"
        return SkippedLine(number, f"not an http or https URL: {shown!r}; not imported")
    title = ""
    hidden = False
    tags: list[str] = []
    for token in map(clean_inline, tokens[1:]):
        if token.startswith("~"):
            title = title or token[1:].lstrip()
        elif token.startswith("!"):
            hidden = True
        elif token:
            tags.append(token)
    return UrlsFeed(number, url, tuple(dict.fromkeys(tags)), title, hidden)


def _merged(earlier: UrlsFeed, later: UrlsFeed) -> UrlsFeed:
    """A URL listed twice is one feed: the first line's place and title, both lines' tags."""
    return UrlsFeed(
        earlier.line,
        earlier.url,
        tuple(dict.fromkeys((*earlier.tags, *later.tags))),
        earlier.title or later.title,
        earlier.hidden or later.hidden,
    )
