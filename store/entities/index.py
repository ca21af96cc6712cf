"""Which articles mention an entity: an inverted index over the articles' entity summaries.

Built from ``Article.entities`` (already in memory with the metadata), so building it reads
no bodies, and a lookup is one dictionary access and a pass over the postings.

At 50,000 articles of ~20 entities there are about a million postings: as a dictionary of
id-sets they took ~100 MB. Here an article is a number and each key's postings an array of
4-byte numbers. Removing or re-adding an article only retires its old number; postings of a
retired number are skipped when read, and dropped when they outnumber the live ones.
"""

from __future__ import annotations

import threading
from array import array
from collections.abc import Iterable, Iterator

from store.entities.aliases import name_parts
from store.entities.gazetteer import gazetteer
from store.models import Article, EntitySummaries


class EntityIndex:
    """Entity key → ids of the articles that mention it (newest first when built from a
    ``Library``, whose ``articles()`` are newest first)."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._lock = threading.Lock()
        self._ids: list[str] = []
        """Article id by number; a number is retired when its article is removed or re-added."""
        self._number: dict[str, int] = {}
        """The live number of each indexed article."""
        self._postings: dict[str, array[int]] = {}
        self._people_by_part: dict[str, set[str]] = {}
        self._people: set[str] = set()
        """Full names already split into parts (the same people recur across articles)."""
        for article in articles:
            self._add(article)

    def __len__(self) -> int:
        return len(self._number)

    def add(self, article: Article) -> None:
        """Index an article (again, if it was indexed before)."""
        with self._lock:
            self._add(article)
            self._compact_if_stale()

    def _add(self, article: Article) -> None:
        number = len(self._ids)
        self._ids.append(article.id)
        self._number[article.id] = number
        entities = article.entities
        pairs = (
            entities.keys_and_labels()
            if isinstance(entities, EntitySummaries)
            else ((summary.key, summary.label) for summary in entities)
        )
        for key, label in pairs:
            postings = self._postings.get(key)
            if postings is None:
                postings = self._postings[key] = array("I")
            postings.append(number)
            if label == "PERSON" and " " in key and key not in self._people:
                self._people.add(key)
                for part in name_parts(key):
                    self._people_by_part.setdefault(part, set()).add(key)

    def remove(self, article_id: str) -> None:
        with self._lock:
            self._number.pop(article_id, None)
            self._compact_if_stale()

    def _live(self, key: str) -> Iterator[str]:
        ids, number = self._ids, self._number
        for posting in self._postings.get(key, ()):
            article_id = ids[posting]
            if number.get(article_id) == posting:
                yield article_id

    def _named(self, key: str) -> bool:
        return next(self._live(key), None) is not None

    def _compact_if_stale(self) -> None:
        if len(self._ids) < 2 * len(self._number) + 1024:
            return
        renumbered = {article_id: n for n, article_id in enumerate(self._number)}
        ids, number = self._ids, self._number
        for key in list(self._postings):
            live = array("I", (renumbered[ids[p]] for p in self._postings[key]
                               if number.get(ids[p]) == p))  # fmt: skip
            if live:
                self._postings[key] = live
            else:
                del self._postings[key]
        self._ids = list(renumbered)
        self._number = renumbered

    def articles_mentioning(self, key: str) -> list[str]:
        """Ids of the articles that name the entity, including those that name a person only
        by a part of the name ("Takaichi") when the part belongs to no one else."""
        with self._lock:
            found = dict.fromkeys(self._live(key))
            for part in name_parts(key) if " " in key else ():
                if self._owners(part) == {key}:
                    found.update(dict.fromkeys(self._live(part)))
            return list(found)

    def _owners(self, part: str) -> set[str]:
        """The people named in some article whose names have this part."""
        return {person for person in self._people_by_part.get(part, ()) if self._named(person)}

    def keys(self) -> list[str]:
        with self._lock:
            return [key for key in self._postings if self._named(key)]

    def resolve(self, name: str) -> list[str]:
        """The entity keys a user's ``name`` means: the key itself (any case), a place's other
        spelling ("US" → "United States"), or a part of one person's name ("Takaichi")."""
        wanted = " ".join(name.split()).casefold()
        with self._lock:
            keys = [k for k in self._postings if k.casefold() == wanted and self._named(k)]
            if keys:
                return keys
            people = [
                person
                for part in self._people_by_part
                if part.casefold() == wanted
                for person in self._owners(part)
            ]
        if people:
            return sorted(set(people))
        spelled = " ".join(name.split())
        for variant in (spelled, spelled.upper(), spelled.title()):
            place = gazetteer().place(variant)
            if place is not None:
                with self._lock:
                    if self._named(place.key):
                        return [place.key]
        return []
