"""File names made from headlines that are safe on Linux, macOS and Windows, and in Obsidian.

The same headline always gives the same name, so a re-export overwrites its earlier file.
"""

from __future__ import annotations

import re

from store.text import clean_inline

MAX_STEM_BYTES = 120
"""Well under the 255-byte limit of common file systems, leaving room for suffixes."""
FALLBACK_STEM = "untitled"

# Path separators, Windows-forbidden characters, and the characters Obsidian will not allow in
# a note name because they mean something in a link ([[name#heading|alias]], ^block).
_UNSAFE = re.compile(r'[<>:"/\\|?*#^\[\]\x00-\x1f\x7f]+')
_SPACES = re.compile(r"\s+")
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{digit}" for digit in "0123456789¹²³"}
    | {f"LPT{digit}" for digit in "0123456789¹²³"}
)


def safe_stem(title: str, fallback: str = FALLBACK_STEM) -> str:
    """A file name without extension derived from ``title``."""
    stem = _SPACES.sub(" ", _UNSAFE.sub(" ", clean_inline(title))).strip(" .")
    stem = _truncate_utf8(stem, MAX_STEM_BYTES).strip(" .")
    if not stem:
        stem = _truncate_utf8(_UNSAFE.sub("-", clean_inline(fallback)), MAX_STEM_BYTES).strip(" .")
        stem = stem or FALLBACK_STEM
    # Windows refuses "CON", "con.txt", "Nul .md" and friends whatever follows the dot.
    if stem.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        stem = f"_{stem}"
    return stem


def _truncate_utf8(text: str, limit: int) -> str:
    encoded = text.encode("utf-8")
    if len(encoded) <= limit:
        return text
    cut = encoded[:limit].decode("utf-8", errors="ignore")
    # End at a word if one ends in the last quarter, so names do not stop mid-word.
    space = cut.rfind(" ")
    return cut[:space] if space > len(cut) * 3 // 4 else cut


def unique_names(items: list[tuple[str, str]], extension: str) -> dict[str, str]:
    """File names for (id, title) pairs: the title's stem, and for titles whose names clash
    (ignoring case, as macOS and Windows do) the stem with a short id suffix."""
    stems = {
        item_id: safe_stem(title, fallback=f"{FALLBACK_STEM} {item_id}") for item_id, title in items
    }
    counts: dict[str, int] = {}
    for stem in stems.values():
        counts[stem.casefold()] = counts.get(stem.casefold(), 0) + 1
    names: dict[str, str] = {}
    for item_id, stem in stems.items():
        if counts[stem.casefold()] > 1:
            suffix = safe_stem(item_id)[:8]
            stem = f"{_truncate_utf8(stem, MAX_STEM_BYTES - 11).rstrip(' .')} ({suffix})"
        names[item_id] = f"{stem}.{extension}"
    return names
