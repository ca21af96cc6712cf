"""Entity summaries a refresh leaves to be made afterwards.

Extracting entities was about half of a refresh's CPU (~0.25 ms an article), and nothing in
a refresh needs them, so a refresh stores new and changed texts with no summary
(:data:`~store.models.PENDING_ENTITIES_VERSION`, which reads as stale) and leaves a marker
file in ``derived/``. They are made afterwards by whoever reads entities first:

- the app, in the background after paint or after a refresh (its lazy migration,
  :func:`store.entities.refresh.refresh_stale`), an opened article at once;
- a command that reads entities (``list --json``, ``list --entity``, ``entity``, ``search``...)
  through :func:`complete_pending`, once: the marker goes when a full pass is done.

The marker is only a hint that a pass is worth making: it is removed only if it was not
touched again during the pass (another refresh may have left more), and a read-only home keeps
it, its stale summaries shown as none until a process that can write makes them.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from store import entities
from store.db import write_atomically
from store.paths import DataPaths

if TYPE_CHECKING:
    from store.library import Library

FLUSH_EVERY = 500


def mark_pending(paths: DataPaths) -> None:
    """Say on disk that some stored articles wait for their entity summaries: a new token
    each time, so a pass that began before knows it did not see them."""
    paths.derived_dir.mkdir(parents=True, exist_ok=True)
    write_atomically(paths.entities_pending, secrets.token_hex(8).encode(), durable=False)


def pending_token(paths: DataPaths) -> bytes | None:
    """The marker's token, or None when nothing waits."""
    try:
        return paths.entities_pending.read_bytes()
    except OSError:
        return None


def clear_if_unchanged(paths: DataPaths, seen: bytes) -> None:
    """Remove the marker after a full pass, unless another write replaced it meanwhile (a
    later refresh's articles may have been stored behind the pass)."""
    if pending_token(paths) == seen:
        with contextlib.suppress(OSError):
            paths.entities_pending.unlink()


def complete_pending(library: Library, on_start: Callable[[int], None] | None = None) -> int:
    """Make every stale entity summary (flushed a batch at a time) and clear the marker; how
    many were made. ``on_start`` hears how many there are first, when any. A read-only
    library makes none."""
    seen = pending_token(library.paths)
    if seen is None or not library.writable:
        return 0
    # A refresh that stores more stale summaries after this read touches the marker again
    # when it flushes, so the marker outlives this pass.
    version = entities.stored_version()
    stale = [article for article in library.articles() if article.entities_version != version]
    if stale and on_start is not None:
        on_start(len(stale))
    # Imported here: store.entities.refresh imports the library, which imports this module.
    from store.entities.refresh import summarized

    for done, article in enumerate(stale, 1):
        body = library.read_body(article)
        summary = summarized(library, entities.extract(body), article.title) if body else ()
        current = library.get(article.id)
        if current is not None and (current.entities_version, current.body_hash) == (
            article.entities_version,
            article.body_hash,
        ):
            library.update(replace(current, entities=summary, entities_version=version))
        if done % FLUSH_EVERY == 0:
            library.flush()
    library.flush()
    clear_if_unchanged(library.paths, seen)
    return len(stale)
