"""Giving memory back to the operating system after the big reads at startup.

Reading 50,000 articles and 30,000 highlights parses ~100 MB of JSON into objects, most of
which are dropped once decoded. Python frees them, but glibc's allocator keeps the pages, so
the app's resident size stays at its peak (~30 MB more at that size). ``malloc_trim`` hands
the free pages back. Elsewhere (musl, macOS) there is nothing to call and this does nothing.

An article open does the same on a small scale (its text, layout and entities' answers, read
and dropped), so the reader's loader calls it after each open too: under a millisecond.
"""

from __future__ import annotations

import ctypes
import ctypes.util
from functools import cache


@cache
def _malloc_trim() -> ctypes._NamedFuncPointer | None:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):
        return None


def release_freed_memory() -> None:
    """Return the allocator's free pages to the system, where the C library can."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
