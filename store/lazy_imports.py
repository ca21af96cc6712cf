"""Modules imported on first use, safely from any thread.

A refresh leaves its careful fallbacks (feedparser, readability) unimported until a feed or a
page needs one: on a cold start, each is dozens of files read from disk before the first
request. But the app may parse in more than one thread at once (a refresh, a full-text fetch,
a feed being added), and two threads importing feedparser at once each see its circularly
importing modules half made ("cannot import name … from partially initialized module"). So
these imports go through one lock.
"""

from __future__ import annotations

import importlib
import threading
from types import ModuleType

_LOCK = threading.RLock()


def load(name: str) -> ModuleType:
    """The module ``name``, imported (once, under a lock shared by every caller) if it is not
    yet."""
    with _LOCK:
        return importlib.import_module(name)
