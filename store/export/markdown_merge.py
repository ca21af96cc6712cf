"""Exporting into a Markdown file that is already there, without losing what the user wrote.

Broadsheet owns two things in a file it exports to: the block between its marker lines
(``markdown.BLOCK_BEGIN`` … ``markdown.BLOCK_END``), which each export rewrites whole, and
its front-matter properties (``markdown.OWNED_PROPERTIES``), each rewritten in its place, or
left out when it no longer has a value. Everything else stays as it was, byte for byte:
text above and below the block, other properties, comments in the front matter.

- ``tags`` are the user's as much as ours: the export's tags come first, then any tag the
  file already listed that the export lacks. A tag taken off every highlight therefore stays
  in the file until removed there.
- A file without the marker lines (one written before the block existed, or a note of the
  user's that has the same name) keeps all its text; the block is added at its end, and an
  old copy of the highlights above it can be deleted by hand.
- A file with a begin line and no end line after it is not touched: which part is ours cannot
  be known (:class:`UnmergeableFileError` says so).
- Front matter that is not a YAML mapping is left exactly as it is, properties and all.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

from store.db import StoreError
from store.export.markdown import (
    BLOCK_BEGIN_MARK,
    BLOCK_END_MARK,
    OWNED_PROPERTIES,
    MarkdownDocument,
    dump_properties,
)

_BYTE_ORDER_MARK = "\ufeff"
_FENCE = "---"
_FENCE_ENDS = ("---", "...")
# A top-level key: not indented, not a comment or a list item; plain or quoted.
_KEY = re.compile(r"""^(?:"([^"]*)"|'([^']*)'|([^\s#\-"'][^:]*?))\s*:(?:\s|$)""")


class UnmergeableFileError(StoreError):
    """A file an export would have to guess about; it is left as it is."""


@dataclass(slots=True)
class _Entry:
    """A top-level piece of front matter: one property (its key line and the lines that
    continue it), or a line that belongs to none (a comment, a blank line)."""

    key: str | None
    lines: list[str]


def merge(existing: bytes, fresh: MarkdownDocument, name: str) -> bytes:
    """The file ``existing`` with ``fresh``'s block and properties laid in (``name`` names
    it in errors)."""
    try:
        text = existing.decode("utf-8")
    except UnicodeDecodeError:
        raise UnmergeableFileError(f"{name} is not UTF-8 text; it is left as it is") from None
    mark = _BYTE_ORDER_MARK if text.startswith(_BYTE_ORDER_MARK) else ""
    text = text[len(mark) :]
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    closing = _front_matter_end(lines)
    if closing is None:
        front = _native(f"{_FENCE}\n{dump_properties(fresh.properties)}{_FENCE}\n", newline)
        body = lines
    else:
        front = "".join(_merged_front_matter(lines[: closing + 1], fresh.properties, newline))
        if not front.endswith("\n"):
            front += newline  # the closing line was the file's last, with no line break
        body = lines[closing + 1 :]
    return (mark + front + _with_block(body, _native(fresh.block, newline), name)).encode("utf-8")


def _front_matter_end(lines: list[str]) -> int | None:
    """The index of the line closing the front matter, if the file starts with one."""
    if not lines or lines[0].rstrip("\r\n") != _FENCE:
        return None
    for index, line in enumerate(lines[1:], 1):
        if line.rstrip("\r\n").rstrip() in _FENCE_ENDS:
            return index
    return None


def _merged_front_matter(
    lines: list[str], properties: dict[str, object], newline: str
) -> list[str]:
    """The front matter's lines (fences included) with Broadsheet's properties rewritten."""
    inner = lines[1:-1]
    try:
        current = yaml.safe_load("".join(inner))
    except yaml.YAMLError:
        return lines
    if current is None:
        current = {}
    if not isinstance(current, dict):
        return lines
    wanted = dict(properties)
    tags = _tags_kept(wanted.get("tags"), current.get("tags"))
    if tags:
        wanted["tags"] = tags
    else:
        wanted.pop("tags", None)
    entries = _entries(inner)
    placed: set[str] = set()
    merged: list[str] = []
    for entry in entries:
        if entry.key not in OWNED_PROPERTIES:
            merged.extend(entry.lines)
        elif entry.key in wanted and entry.key not in placed:
            merged.append(_native(dump_properties({entry.key: wanted[entry.key]}), newline))
            placed.add(entry.key)
        # else: a property of ours with no value now, or a second copy of one: left out.
    if merged and not merged[-1].endswith("\n"):
        merged[-1] += newline
    for key, value in wanted.items():
        if key not in placed:
            merged.append(_native(dump_properties({key: value}), newline))
    result = [lines[0], *merged, lines[-1]]
    # Lines were cut where the YAML seemed to say; if the result does not read back as meant,
    # the user's front matter is kept as it was rather than guessed at.
    try:
        reread = yaml.safe_load("".join(merged))
    except yaml.YAMLError:
        return lines
    if not isinstance(reread, dict) or any(
        reread.get(key) != wanted.get(key) for key in OWNED_PROPERTIES
    ):
        return lines
    return result


def _entries(lines: list[str]) -> list[_Entry]:
    entries: list[_Entry] = []
    for line in lines:
        bare = line.rstrip("\r\n")
        key = _KEY.match(bare)
        if key is not None:
            name = next(group for group in key.groups() if group is not None)
            entries.append(_Entry(name.strip(), [line]))
        elif bare.strip() and entries and entries[-1].key is not None and _continues(bare):
            entries[-1].lines.append(line)
        else:
            entries.append(_Entry(None, [line]))
    return entries


def _continues(line: str) -> bool:
    """Whether a line carries on the property above it: indented, or a list item of it."""
    return line[:1] in (" ", "\t") or line == "-" or line.startswith("- ")


def _tags_kept(ours: object, theirs: object) -> list[str]:
    """The export's tags, then the file's that the export lacks (in the file's spelling)."""
    kept = [str(tag) for tag in ours] if isinstance(ours, list) else []
    if isinstance(theirs, str):
        theirs = re.split(r"[,\s]+", theirs)
    if isinstance(theirs, list):
        seen = {tag.casefold() for tag in kept}
        for tag in theirs:
            if isinstance(tag, str | int | float) and not isinstance(tag, bool):
                text = str(tag).strip().lstrip("#")
                if text and text.casefold() not in seen:
                    kept.append(text)
                    seen.add(text.casefold())
    return kept


def _with_block(lines: list[str], block: str, name: str) -> str:
    """The body with its block replaced by ``block``, or ``block`` added at its end."""
    begin = next(
        (i for i, line in enumerate(lines) if line.strip().startswith(BLOCK_BEGIN_MARK)), None
    )
    if begin is None:
        body = "".join(lines)
        newline = "\r\n" if block.endswith("\r\n") else "\n"
        if not body:
            return newline + block  # as a new file has it: a blank line after the front matter
        ended = body if body.endswith("\n") else body + newline
        # After text, a blank line, so the block's first line does not join a paragraph.
        return ended + (newline if body.strip() else "") + block
    end = next(
        (
            i
            for i, line in enumerate(lines[begin + 1 :], begin + 1)
            if line.strip().startswith(BLOCK_END_MARK)
        ),
        None,
    )
    if end is None:
        raise UnmergeableFileError(
            f"{name} has a broadsheet:begin line but no broadsheet:end line after it, so the "
            "part the export may rewrite is not known; it is left as it is (put the end line "
            "back, or delete the begin line)"
        )
    # The end line's own line break (or none, at the end of a file) is the user's to keep.
    after = lines[end][len(lines[end].rstrip("\r\n")) :]
    replaced = block.rstrip("\r\n") + after
    return "".join([*lines[:begin], replaced, *lines[end + 1 :]])


def _native(text: str, newline: str) -> str:
    return text if newline == "\n" else text.replace("\n", newline)
