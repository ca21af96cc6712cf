"""Textual's Footer, without its leaks.

Each time the keys change (every move of focus between list and reader), Footer recomposes
its FooterKeys, and the keys it removes stay reachable twice:

- each new key binds itself to the footer's ``compact`` with a watcher that Textual drops
  only when ``compact`` changes, which it never does: about 0.5 MB more per open-and-back,
  for as long as the app runs;
- ``StylesCache.get_inner_outer`` (Textual 8.2) is an ``lru_cache`` on a method, so its
  1,024 entries keep the styles cache of each widget that painted, with the lines it
  rendered: ~10 MB as the footer's keys come and go over the first hundred opens.

After each recompose this footer drops the watchers of keys no longer on screen and empties
their styles caches, so what the cache keeps of them is a few hundred bytes each.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class LeanFooter(Footer):
    async def recompose(self) -> None:
        before = list(self.children)
        await super().recompose()
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for bound in watchers.values():
            bound[:] = [(node, callback) for node, callback in bound if node.is_attached]
        for key in before:
            if not key.is_attached:
                key._styles_cache.clear()
