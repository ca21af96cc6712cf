"""URL hygiene: external text may only ever point at http(s) resources."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from store.text import strip_controls

ALLOWED_SCHEMES = frozenset({"http", "https"})
_WHITESPACE = re.compile(r"\s")
"""Any character ``str.isspace`` calls whitespace (``\\s`` in a str pattern is that same set)."""


def safe_url(url: str | None) -> str | None:
    """The URL, trimmed and stripped of controls, if it is absolute http(s); otherwise None."""
    if not url:
        return None
    candidate = strip_controls(url).strip()
    if _WHITESPACE.search(candidate):
        return None
    try:
        parts = urlsplit(candidate)
    except ValueError:
        return None
    if parts.scheme.lower() not in ALLOWED_SCHEMES or not parts.netloc:
        return None
    return candidate
