"""Which articles mention an entity: an inverted index over the articles' entity summaries.

Built from ``Article.entities`` (already in memory with the metadata), so building it reads
no bodies: 50,000 articles of ~20 entities each build in well under a second, and a lookup is
one dictionary access.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence

from store.entities.aliases import name_parts
from store.entities.gazetteer import gazetteer
from store.models import Article, EntitySummaries


class EntityIndex:
    """Entity key → ids of the articles that mention it (newest first when built from a
    ``Library``, whose ``articles()`` are newest first)."""

    def __init__(self, articles: Iterable[Article] = ()) -> None:
        self._lock = threading.Lock()
        self._articles: dict[str, dict[str, None]] = {}  # key → ids, ordered, as a set
        self._keys_of: dict[str, tuple[str, ...]] = {}
        self._people_by_part: dict[str, set[str]] = {}
        self._people: set[str] = set()
        """Full names already split into parts (the same people recur across articles)."""
        for article in articles:
            self.add(article)

    def __len__(self) -> int:
        return len(self._keys_of)

    def add(self, article: Article) -> None:
        """Index an article (again, if it was indexed before)."""
        with self._lock:
            self._remove(article.id)
            entities = article.entities
            pairs = (
                list(entities.keys_and_labels())
                if isinstance(entities, EntitySummaries)
                else [(summary.key, summary.label) for summary in entities]
            )
            self._keys_of[article.id] = tuple(key for key, _ in pairs)
            for key, label in pairs:
                self._articles.setdefault(key, {})[article.id] = None
                if label == "PERSON" and " " in key and key not in self._people:
                    self._people.add(key)
                    for part in name_parts(key):
                        self._people_by_part.setdefault(part, set()).add(key)

    def remove(self, article_id: str) -> None:
        with self._lock:
            self._remove(article_id)

    def _remove(self, article_id: str) -> None:
        for key in self._keys_of.pop(article_id, ()):
            ids = self._articles.get(key)
            if ids is not None:
                ids.pop(article_id, None)
                if not ids:
                    del self._articles[key]

    def articles_mentioning(self, key: str) -> list[str]:
        """Ids of the articles that name the entity, including those that name a person only
        by a part of the name ("Takaichi") when the part belongs to no one else."""
        with self._lock:
            found = dict(self._articles.get(key, {}))
            for part in name_parts(key) if " " in key else ():
                if self._people_by_part.get(part) == {key}:
                    found.update(self._articles.get(part, {}))
            return list(found)

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._articles)

    def resolve(self, name: str) -> list[str]:
        """The entity keys a user's ``name`` means: the key itself (any case), a place's other
        spelling ("US" → "United States"), or a part of one person's name ("Takaichi")."""
        wanted = " ".join(name.split()).casefold()
        with self._lock:
            keys = [key for key in self._articles if key.casefold() == wanted]
            if keys:
                return keys
            people = [
                person
                for part, owners in self._people_by_part.items()
                if part.casefold() == wanted
                for person in owners
            ]
        if people:
            return sorted(set(people))
        spelled = " ".join(name.split())
        for variant in (spelled, spelled.upper(), spelled.title()):
            place = gazetteer().place(variant)
            if place is not None and place.key in self._articles:
                return [place.key]
        return []


def index_for_name(articles: Sequence[Article], name: str) -> EntityIndex:
    """An index that answers ``resolve(name)``, and ``articles_mentioning`` for the keys it
    gives, exactly as an index of all ``articles`` would, built from only the articles whose
    entities could matter. ``broadsheet list --entity`` needs a few of 50,000 articles, not
    the whole index (~1 s). Candidates are found in the packed summaries: a key is a record's
    first field (records end at \x1e, fields at \x1f)."""
    folded = [(article, _packed_casefold(article)) for article in articles]

    def naming(words: set[str], *, whole_key: bool) -> list[Article]:
        alternatives = "|".join(re.escape(word) for word in sorted(words))
        start, end = ("(?:^|\x1e)", "\x1f") if whole_key else ("(?:^|[\x1e ])", "[ \x1f]")
        pattern = re.compile(f"{start}(?:{alternatives}){end}")
        # A plain substring test first: the pattern's leading alternation makes re slow.
        return [
            article
            for article, text in folded
            if any(word in text for word in words) and pattern.search(text)
        ]

    spelled = " ".join(name.split())
    # A key equal to the name (any case), or a person with the name as a part of theirs.
    chosen = {a.id: a for a in naming({spelled.casefold()}, whole_key=False)}
    index = EntityIndex(chosen.values())
    keys = index.resolve(name)
    if not keys:  # another spelling of a place ("US"): the gazetteer's work, so only now
        places = {gazetteer().place(v) for v in (spelled, spelled.upper(), spelled.title())}
        needles = {place.key.casefold() for place in places if place is not None}
        chosen = {a.id: a for a in naming(needles, whole_key=True)} if needles else {}
        index = EntityIndex(chosen.values())
        keys = index.resolve(name)
    parts = {part.casefold() for key in keys if " " in key for part in name_parts(key)}
    # An article that names a person by one part alone counts when no one else has that part:
    # find such lone parts, then everyone who has them.
    lone = naming(parts, whole_key=True) if parts else []
    if not lone:
        return index
    owners = naming(parts, whole_key=False)
    chosen.update((article.id, article) for article in [*lone, *owners])
    return EntityIndex(chosen.values())


def _packed_casefold(article: Article) -> str:
    entities = article.entities
    if isinstance(entities, EntitySummaries):
        return entities.packed.casefold()
    return "\x1e".join(summary.key for summary in entities).casefold()
