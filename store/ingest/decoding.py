"""Turning the bytes of a local text file into text, or a clear refusal."""

from __future__ import annotations

import codecs
import os
import re
import stat
from pathlib import Path

MAX_TEXT_FILE_BYTES = 5 * 1024 * 1024

# Controls that never occur in real prose; tab, newline, carriage return and form feed do.
_BINARY_CONTROLS = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f]")


class UnreadableTextError(ValueError):
    """The file is not text Broadsheet can read; the message says why, in plain words."""


def read_regular_file(path: Path, limit: int = MAX_TEXT_FILE_BYTES) -> bytes:
    """A user's file, read only if it is a regular file and at most ``limit`` bytes: a FIFO
    would hang, and a device or a link to /dev/zero has no end (UnreadableTextError)."""
    # Without O_NONBLOCK, opening a FIFO waits for a writer: the check below would come too
    # late. Reads of a regular file never block, so the flag changes nothing for them.
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    with os.fdopen(descriptor, "rb") as stream:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            raise UnreadableTextError("not a regular file")
        data = stream.read(limit + 1)
    if len(data) > limit:
        raise UnreadableTextError(f"too large (the limit is {_size(limit)})")
    return data


def _size(limit: int) -> str:
    return f"{limit // 1_048_576} MB" if limit >= 1_048_576 else f"{limit // 1024} KB"


def decode_text(data: bytes) -> str:
    """Decode UTF-8 (with or without BOM), UTF-16 (BOM, or plainly UTF-16 text) or cp1252."""
    if len(data) > MAX_TEXT_FILE_BYTES:
        raise UnreadableTextError(
            f"too large ({len(data) / 1_048_576:.1f} MB; the limit is "
            f"{MAX_TEXT_FILE_BYTES // 1_048_576} MB)"
        )
    if not data.strip():
        raise UnreadableTextError("empty file")
    text = _decode(data)
    if not text.strip():
        raise UnreadableTextError("empty file")
    if looks_binary(text):
        raise UnreadableTextError("looks like a binary file, not text")
    return text


def looks_binary(text: str) -> bool:
    """Whether decoded text holds more controls than prose ever does (in its first 64 KB)."""
    sample = text[:65536]
    return len(_BINARY_CONTROLS.findall(sample)) > max(2, len(sample) // 1000)


def _decode(data: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            return _strict(data[len(bom) :], encoding)
    utf16 = _bomless_utf16(data)
    if utf16 is not None:
        return _strict(data, utf16)
    if b"\x00" in data:
        raise UnreadableTextError("looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        # The five bytes cp1252 leaves undefined: latin-1 reads every byte, and the control
        # check that follows decides whether what came out is text.
        return data.decode("latin-1")


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without a BOM shows as a NUL in every other byte of ASCII-heavy text."""
    sample = data[:4096]
    if len(sample) < 4:
        return None
    even_nuls = sample[0::2].count(0) / len(sample[0::2])
    odd_nuls = sample[1::2].count(0) / len(sample[1::2])
    if odd_nuls > 0.4 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.4 and odd_nuls < 0.05:
        return "utf-16-be"
    return None


def _strict(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as problem:
        raise UnreadableTextError(
            f"not valid {encoding.upper()} (bad bytes at offset {problem.start})"
        ) from None
