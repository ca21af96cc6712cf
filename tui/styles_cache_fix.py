"""Textual 8.2's ``StylesCache.get_inner_outer``, cached without keeping widgets alive.

Upstream it is an ``lru_cache`` on a method (Textualize/textual#6665, open): each of its
1,024 entries keys on, and so keeps, the styles cache of a widget that painted, with every
line that widget rendered. Widgets that come and go — the footer's keys on each move of
focus, toasts, the sidebar's rows — stay in memory until 1,024 newer ones push them out:
the app grew by megabytes over its first hundred opens before settling.

Its result depends on the two colours alone, so :func:`install` swaps in a cache keyed on
them. Where the method is no longer an ``lru_cache`` (fixed upstream) it is left alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.color import Color
from textual.style import Style

INNER_OUTER_CACHE_SIZE = 1024
"""As upstream: only the pairs of colours a theme uses, a few dozen."""


def install() -> bool:
    """Replace the leaking cache; whether it was there to replace."""
    cached: Any = StylesCache.__dict__.get("get_inner_outer")
    if not hasattr(cached, "cache_info") or not hasattr(cached, "__wrapped__"):
        return False
    compute: Callable[[Any, Color, Color], tuple[Style, Style]] = cached.__wrapped__

    @lru_cache(maxsize=INNER_OUTER_CACHE_SIZE)
    def inner_outer(base_background: Color, background: Color) -> tuple[Style, Style]:
        return compute(StylesCache, base_background, background)

    def get_inner_outer(
        self: StylesCache, base_background: Color, background: Color
    ) -> tuple[Style, Style]:
        return inner_outer(base_background, background)

    setattr(StylesCache, "get_inner_outer", get_inner_outer)  # noqa: B010
    return True
