"""Textual's Footer, without its leak.

Each time the keys change (every move of focus between list and reader), Footer recomposes
its FooterKeys. Each new key binds itself to the footer's ``compact`` with a watcher that
Textual drops only when ``compact`` changes, which it never does, so the keys it removes
stayed alive: about 0.5 MB more per open-and-back, for as long as the app ran. After each
recompose this footer drops the watchers of keys no longer on screen.
(What else kept them, Textual's styles cache, is mended for every widget in
``tui.styles_cache_fix``.)
"""

from __future__ import annotations

from typing import Any

from textual.widgets import Footer


class LeanFooter(Footer):
    async def recompose(self) -> None:
        await super().recompose()
        watchers: dict[str, list[tuple[Any, Any]]] = getattr(self, "__watchers", {})
        for bound in watchers.values():
            bound[:] = [(node, callback) for node, callback in bound if node.is_attached]
