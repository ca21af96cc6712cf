"""The canonical article text, and the hygiene every piece of external text goes through.

The canonical text of an article is its body paragraphs, each normalised to NFC with control
characters removed and inner whitespace folded to single spaces, joined by one blank line
("\\n\\n"). Highlight offsets index this exact string, so every ingest path (seed files, feed
content, extracted pages) builds bodies with :func:`canonical_text`, or with
:func:`store.structure.structured_text`, which cleans each block as it does and keeps the
blocks' kinds and links beside the text.
"""

from __future__ import annotations

import hashlib
import re
import reprlib
import unicodedata
from collections.abc import Iterable

PARAGRAPH_SEPARATOR = "\n\n"

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC
# (ESC P/X/^/_ ... ST), then any other two-byte escape. The 8-bit C1 forms are covered by the
# control-character pass below, which runs after these are gone.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    \x1b\[[0-?]*[ -/]*[@-~]                 # CSI
    | \x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?     # OSC, terminated by BEL or ST (or cut short)
    | \x1b[PX^_][^\x1b]*(?:\x1b\\)?          # DCS, SOS, PM, APC
    | \x1b[@-Z\\-_]                          # other Fe escapes
    | \x9b[0-?]*[ -/]*[@-~]                  # 8-bit CSI
    | \x9d[^\x07\x9c]*(?:\x07|\x9c)?         # 8-bit OSC
    """,
    re.VERBOSE,
)
# C0 controls except tab and newline, DEL, C1 controls, and the bidi overrides/isolates that
# can make text display in an order other than the one it is stored in.
_CONTROL_CHARACTERS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
# The same characters (from DEL on) as UTF-8 bytes, for JSON written by orjson.
_JSON_RAW_CONTROLS = re.compile(
    rb"\x7f|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]|\xef\xbb\xbf"
)
_INNER_SPACES = "\t\r\n\u00a0\u2000-\u200a\u2028\u2029\u3000"  # and the plain space
INNER_WHITESPACE = re.compile(f"[ {_INNER_SPACES}]+")
"""The whitespace :func:`clean_inline` folds to one space."""
_FOLDABLE = re.compile(f"[{_INNER_SPACES}]|  ")
"""Where :data:`INNER_WHITESPACE` would change a text: a run that is not one plain space."""


def strip_controls(text: str) -> str:
    """Remove terminal escape sequences and control characters; keep tabs and newlines."""
    if text.isprintable():  # checked in C; every character removed here is unprintable
        return text
    return _CONTROL_CHARACTERS.sub("", _ESCAPE_SEQUENCE.sub("", text))


def display_line(text: str) -> str:
    """Stored text made safe for one row of a terminal. Text of printable characters only (the
    usual case, checked in C) is returned as it is; anything else is cleaned as
    :func:`clean_inline` cleans it. Widgets and CLI output call this on whatever they show, so
    that text which reached the store unclean (an older version, a hand-edited file) still
    never reaches the terminal as escapes."""
    return text if text.isprintable() else clean_inline(text)


def mask_controls(text: str) -> str:
    """Each control character (tab and newline kept) replaced by U+FFFD, one for one: safe for
    a terminal while every offset into the text stays valid (the reader places highlights by
    offset). What is left of an escape sequence shows as plain text."""
    return _CONTROL_CHARACTERS.sub("\ufffd", text)


def escape_json_controls(document: bytes) -> bytes:
    """A UTF-8 JSON document with DEL, the C1 controls, the bidi overrides and U+FEFF written as
    ``\\uXXXX`` escapes: the same JSON value, but one a terminal cannot act on when it is
    printed (JSON requires escaping only U+0000-U+001F, so encoders leave these raw). They can
    only occur inside strings, where the escape means the same character."""
    return _JSON_RAW_CONTROLS.sub(_json_escape, document)


def _json_escape(match: re.Match[bytes]) -> bytes:
    return b"\\u%04x" % ord(match.group().decode("utf-8"))


def short_repr(value: object) -> str:
    """A value from outside as a message quotes it: cut short, and (being a repr) with every
    control character written as an escape."""
    try:
        return _SHORT.repr(value)
    except ValueError:  # an integer with more digits than Python will turn into text
        return "a number too large to show"


_SHORT = reprlib.Repr()
_SHORT.maxstring = _SHORT.maxother = 40


def clean_inline(text: str) -> str:
    """Normalise one line or paragraph: NFC, no controls, whitespace folded, trimmed."""
    text = unicodedata.normalize("NFC", strip_controls(text))
    # Folding rewrote every single space of a paragraph as itself: only a text with some
    # other whitespace, or two spaces in a row, has anything to fold (a refresh spent a
    # quarter of its parsing here).
    if _FOLDABLE.search(text):
        text = INNER_WHITESPACE.sub(" ", text)
    return text.strip()


def canonical_text(paragraphs: Iterable[str]) -> str:
    """Build the canonical text from paragraphs; empty paragraphs are dropped."""
    cleaned = (clean_inline(paragraph) for paragraph in paragraphs)
    return PARAGRAPH_SEPARATOR.join(paragraph for paragraph in cleaned if paragraph)


def split_paragraphs(text: str) -> list[str]:
    """The paragraphs of a canonical text."""
    return [paragraph for paragraph in text.split(PARAGRAPH_SEPARATOR) if paragraph]


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each paragraph within a canonical text."""
    spans: list[tuple[int, int]] = []
    position = 0
    for paragraph in text.split(PARAGRAPH_SEPARATOR):
        if paragraph:
            spans.append((position, position + len(paragraph)))
        position += len(paragraph) + len(PARAGRAPH_SEPARATOR)
    return spans


def content_hash(text: str) -> str:
    """A stable hex digest of a text (sha256 of its UTF-8 bytes)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def word_count(text: str) -> int:
    return len(text.split())
