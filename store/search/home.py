"""Searching a home from outside the app: the index brought up to date with the shards on
disk, and the stores a query asks opened only when it asks them."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping, Sequence

from store.annotations.highlight_store import HighlightStore
from store.annotations.model import Highlight
from store.bodies import BodyStore
from store.db import ClosedOnExit, signature_of
from store.entities.catalog import EntityCatalog
from store.feeds import Feed, FeedStore
from store.listing import ShardRecords, catch_up_catalog, read_shards
from store.paths import SHARD_COUNT, DataPaths
from store.read_state import ReadState, ReadStateStore
from store.search.engine import SearchSources
from store.search.entries import BodyReader
from store.search.index import SearchIndex

Progress = Callable[[int, int], None]
"""Hears (articles looked at so far, articles in the shards to look at)."""


def catch_up_search_index(
    index: SearchIndex,
    paths: DataPaths,
    shards: Sequence[ShardRecords] | None = None,
    *,
    read_body: BodyReader | None = None,
    on_progress: Progress | None = None,
) -> int:
    """Bring the index up to date with the shards on disk (from ``shards`` when the caller
    has read them; bodies through ``read_body``, else a ``BodyStore`` opened here); how many
    articles were added, changed or removed. A few stats and one query when nothing changed.
    A shard that changes while it is indexed is indexed once more, and then left for the next
    catch-up (a refresh may be writing it over and over)."""
    if index.worn_out():
        index.reset()
    changed = 0
    for _ in range(2):
        if shards is None:
            signatures = {n: signature_of(paths.article_shard(n)) for n in range(SHARD_COUNT)}
        else:
            signatures = {shard.number: shard.signature for shard in shards}
        stale = set(index.stale(signatures))
        if not stale:
            break
        if shards is None:
            behind = read_shards(paths, sorted(stale))
        else:
            behind = [shard for shard in shards if shard.number in stale]
        changed += _catch_up(index, paths, behind, read_body, on_progress)
        shards = None  # the second look is at the files as they are now
    return changed


def _catch_up(
    index: SearchIndex,
    paths: DataPaths,
    behind: list[ShardRecords],
    read_body: BodyReader | None,
    on_progress: Progress | None,
) -> int:
    total = sum(len(shard.records) for shard in behind)
    done = 0

    def shard_done(shard: ShardRecords) -> None:
        nonlocal done
        done += len(shard.records)
        if on_progress is not None:
            on_progress(done, total)

    if read_body is not None:
        return index.catch_up(behind, read_body, on_shard=shard_done)
    with BodyStore(paths) as bodies:
        return index.catch_up(behind, bodies.read, on_shard=shard_done)


class HomeSources(ClosedOnExit):
    """:class:`SearchSources` for a command: each store is read when a query first needs it
    (the highlights only for ``has:`` and ``tag:``; the entity catalog, brought up to date,
    only for ``entity:``), once, as it is then: a command's searches see one moment."""

    def __init__(
        self, paths: DataPaths, *, on_indexing_entities: Callable[[int], None] | None = None
    ) -> None:
        self.paths = paths
        self.on_indexing_entities = on_indexing_entities
        self._states: Mapping[str, ReadState] | None = None
        self._highlights: list[Highlight] | None = None
        self._feeds: list[Feed] | None = None
        self._catalog: EntityCatalog | None = None

    @property
    def sources(self) -> SearchSources:
        return SearchSources(self.read_states, self.highlights, self.feeds, self.entity_articles)

    def read_states(self) -> Mapping[str, ReadState]:
        if self._states is None:
            states = ReadStateStore(self.paths)
            states.load()
            self._states = states.flagged()
            states.close()
        return self._states

    def highlights(self) -> Iterable[Highlight]:
        if self._highlights is None:
            with HighlightStore(self.paths) as store:
                self._highlights = store.all()
        return self._highlights

    def feeds(self) -> Iterable[Feed]:
        if self._feeds is None:
            if not self.paths.feeds_db.exists():
                return []  # nothing followed: not a reason to make the file
            with FeedStore(self.paths) as store:
                self._feeds = store.all()
        return self._feeds

    def entity_articles(self, name: str) -> Collection[str]:
        if self._catalog is None:
            self._catalog = EntityCatalog(self.paths.entity_catalog)
            catch_up_catalog(self._catalog, self.paths, on_indexing=self.on_indexing_entities)
        return self._catalog.articles_mentioning(self._catalog.resolve(name))

    def close(self) -> None:
        if self._catalog is not None:
            self._catalog.close()
            self._catalog = None
