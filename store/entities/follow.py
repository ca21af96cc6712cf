"""Following an entity: a saved search of ``entity:"NAME"`` with a face, nothing more.

A followed entity is the saved search (:mod:`store.saved_searches`) named after it whose query
is that one ``entity:`` term: the feeds view lists it with its unread count as it lists any
saved search, new articles that name it are in it as refresh brings them (the search engine
asks the entity catalog, which a refresh keeps current), and the user's corrections apply to
it as to any ``entity:`` search. Unfollowing removes that search.
"""

from __future__ import annotations

from dataclasses import dataclass

from store.db import StoreError
from store.paths import DataPaths
from store.saved_searches import MAX_NAME_LENGTH, SavedSearch, SavedSearchStore
from store.search.query import Field, QueryError, canonical, parse


class FollowError(StoreError):
    """The entity cannot be followed as asked (its name is taken by another saved search)."""


@dataclass(frozen=True, slots=True)
class FollowedEntity:
    key: str
    """The entity's name, as the ``entity:`` term has it."""
    search: SavedSearch


def entity_query(key: str) -> str:
    """The saved search's query for the entity ``key``."""
    return canonical(Field("entity", key))


def followed_key(search: SavedSearch) -> str | None:
    """The entity a saved search follows, if it is one ``entity:`` term; else None."""
    try:
        node = parse(search.query)
    except QueryError:
        return None
    return node.value if isinstance(node, Field) and node.name == "entity" else None


def followed_entities(paths: DataPaths) -> list[FollowedEntity]:
    """Every followed entity, by name."""
    with SavedSearchStore(paths) as store:
        searches = store.all()
    followed = []
    for search in searches:
        key = followed_key(search)
        if key is not None:
            followed.append(FollowedEntity(key, search))
    return followed


def _following(paths: DataPaths, key: str) -> FollowedEntity | None:
    wanted = key.casefold()
    return next((f for f in followed_entities(paths) if f.key.casefold() == wanted), None)


def follow_entity(paths: DataPaths, key: str) -> tuple[FollowedEntity, bool]:
    """Follow the entity ``key`` (saved, durably, when this returns); the followed entity,
    and whether it is new (False: it was followed already). FollowError when a saved search
    of another query has its name; ReadOnlyHomeError on a home that cannot be written."""
    found = _following(paths, key)
    if found is not None:
        return found, False
    name = key if len(key) <= MAX_NAME_LENGTH else key[: MAX_NAME_LENGTH - 1] + "…"
    try:
        query = canonical(parse(entity_query(key)))
    except QueryError as problem:
        raise FollowError(f"{key!r} cannot be followed: {problem.problem}") from None
    with SavedSearchStore(paths) as store:
        taken = store.get(name)
        if taken is not None:
            raise FollowError(
                f"a saved search is named {taken.name!r} already ({taken.query}); "
                f"rename or remove it to follow {key!r}"
            )
        saved, _ = store.save(name, query)
    return FollowedEntity(key, saved), True


def unfollow_entity(paths: DataPaths, key: str) -> FollowedEntity | None:
    """Stop following the entity ``key`` (any case); what was followed, or None if it was
    not."""
    found = _following(paths, key)
    if found is None:
        return None
    with SavedSearchStore(paths) as store:
        store.remove(found.search.name)
    return found
