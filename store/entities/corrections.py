"""The user's corrections to the entities: merges, splits, labels and hidden names.

They are user data, kept by :mod:`store.entities.correction_store`.

How they apply — at read time, wherever entities are read, never by rewriting what the
extractor stored:

- a **merge** ("JAXA" is "Japan Aerospace Exploration Agency"), a **relabel** (a person
  marked as a place) and a **hide** are about keys. :class:`Corrections` answers what a key
  is now (:meth:`~Corrections.canonical`), its label and whether it is hidden, and corrects
  an article's summaries (the sidebar) and mentions (the ``n``/``N`` jumps) alike; the
  entity catalog asks it for every answer (``resolve``, the articles, the page, the top
  list). Stored summaries and the catalog keep the extractor's keys, so a correction takes
  effect at once in every process (a ``stat`` tells a reader the file changed), costs no
  rewrite of 50,000 records, and survives any re-extraction: the extractor makes the same
  keys again and the correction is laid on them again. Undoing one gives back exactly what
  was there.
- a **split** of two entities the user merged takes the merge back. A split of a name the
  extractor gave another's key inside an article ("Ford" after "Harrison Ford", meaning the
  company) needs the spelling of each mention, which summaries do not keep: mention lists
  are split when read (:meth:`Corrections.mentions`), summaries are made from split mentions
  where they are made (``Library.save``, ``entities.refresh``), and ``entity split``
  re-makes the stored summaries of the articles it affects
  (:func:`store.entities.refresh.resplit_articles`). Beyond that a split keeps the catalog
  from counting a part of a person's name ("Ford") as that person.

A merged group takes the name, label and hidden state of the entity the others were merged
into; a label or hide given to a name that is later merged into another no longer shows.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, replace
from typing import Any

import orjson

from store.models import ENTITY_LABELS, EntityLabel, EntitySummary, Mention, construct_known

KINDS = ("merge", "split", "relabel", "hide")


@dataclass(frozen=True, slots=True)
class Correction:
    """One correction as stored (and exported)."""

    id: str
    """``kind:`` and what it is about: one merge per name, one label and hide per entity."""
    kind: str
    """``merge``, ``split``, ``relabel`` or ``hide``."""
    entity: str
    """merge: the entity kept; split: the entity a name is split from; relabel, hide: the
    entity."""
    name: str = ""
    """merge: the name merged into ``entity``; split: the name split from it."""
    label: str = ""
    """relabel: the label it takes (``PERSON``, ``PLACE``, ``ORG``, ``OTHER``)."""
    made: str = ""

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Correction:
        return construct_known(cls, data)

    def public(self) -> dict[str, Any]:
        """The JSON form the commands and the export give: no id, no empty fields."""
        shown = {"kind": self.kind, "entity": self.entity}
        if self.name:
            shown["name"] = self.name
        if self.label:
            shown["label"] = self.label
        return {**shown, "made": self.made}


def correction_id(kind: str, entity: str, name: str = "") -> str:
    if kind == "merge":
        return f"merge:{name}"
    if kind == "split":
        return "split:" + orjson.dumps([entity, name]).decode()
    return f"{kind}:{entity}"


class Corrections:
    """The corrections in force, as answers about keys; empty (and false) when there are
    none, which every caller takes as "nothing to do"."""

    def __init__(self, records: Iterable[Correction] = ()) -> None:
        self.records = tuple(sorted(records, key=lambda c: (c.made, c.id)))
        self._into: dict[str, str] = {}
        self._labels: dict[str, EntityLabel] = {}
        self._hidden: set[str] = set()
        splits: list[tuple[str, str]] = []
        for record in self.records:
            if record.kind == "merge":
                self._into[record.name] = record.entity
            elif record.kind == "split":
                splits.append((record.entity, record.name))
            elif record.kind == "relabel" and record.label in ENTITY_LABELS:
                self._labels[record.entity] = _label(record.label)
            elif record.kind == "hide":
                self._hidden.add(record.entity)
        self._root = {name: self.chain(name)[-1] for name in self._into}
        self._members: dict[str, set[str]] = {}
        for name, root in self._root.items():
            self._members.setdefault(root, {root}).add(name)
        self._splits = tuple(splits)
        self._apart = {frozenset((self.canonical(a), self.canonical(b))) for a, b in splits}
        # Mentions keyed (now) as the whole, spelled as the part, become the part.
        self._split_spellings: dict[str, dict[str, str]] = {}
        for whole, part in splits:
            self._split_spellings.setdefault(self.canonical(whole), {})[part.casefold()] = part

    def __bool__(self) -> bool:
        return bool(self.records)

    # About keys

    def canonical(self, key: str) -> str:
        """The key an entity goes by now: the one it was merged into, if it was."""
        return self._root.get(key, key)

    def members(self, key: str) -> frozenset[str]:
        """Every key of the entity ``key`` is now part of (itself included)."""
        root = self.canonical(key)
        return frozenset(self._members.get(root, {root}))

    def chain(self, key: str) -> list[str]:
        """``key``, the name it was merged into, and so on up to the entity's key now."""
        found = [key]
        while found[-1] in self._into and len(found) <= len(self._into):
            found.append(self._into[found[-1]])
        return found

    def merged_names(self) -> frozenset[str]:
        """Every name merged into another."""
        return frozenset(self._into)

    def label(self, key: str, label: EntityLabel) -> EntityLabel:
        """The label of ``key`` now: the one the user gave its entity, else ``label``."""
        return self._labels.get(self.canonical(key), label)

    def relabelled(self, key: str) -> bool:
        return self.canonical(key) in self._labels

    def is_hidden(self, key: str) -> bool:
        return self.canonical(key) in self._hidden

    def apart(self, first: str, second: str) -> bool:
        """Whether the user said these two are different entities."""
        return frozenset((self.canonical(first), self.canonical(second))) in self._apart

    def splits(self) -> tuple[tuple[str, str], ...]:
        """(entity, name split from it), as recorded."""
        return self._splits

    def splits_touch(self, keys: Iterable[str]) -> bool:
        """Whether a split of a spelling applies to an article naming these keys (its
        summaries must then be made from its mentions)."""
        return bool(self._split_spellings) and any(
            self.canonical(key) in self._split_spellings for key in keys
        )

    # About what an article names

    def split_mentions(self, mentions: Sequence[Mention]) -> list[Mention]:
        """The mentions with splits applied: one spelled as a name split from the entity it
        was keyed as takes that name as its key. Nothing else changes (what summaries are
        made from)."""
        if not self._split_spellings:
            return list(mentions)
        split = []
        for mention in mentions:
            spellings = self._split_spellings.get(self.canonical(mention.key))
            part = spellings.get(mention.text.casefold()) if spellings else None
            split.append(mention if part is None else replace(mention, key=part))
        return split

    def mentions(self, mentions: Sequence[Mention]) -> list[Mention]:
        """The mentions as the reader shows them: split, merged, relabelled; hidden ones
        left out. A merged name's mentions take the label of the entity it was merged into
        (of that entity's own mentions here, else the user's)."""
        if not self:
            return list(mentions)
        kept = [
            (mention, self.canonical(mention.key))
            for mention in self.split_mentions(mentions)
            if self.canonical(mention.key) not in self._hidden
        ]
        own = {key: mention.label for mention, key in reversed(kept) if mention.key == key}
        shown = []
        for mention, key in kept:
            label = self._labels.get(key) or own.get(key, mention.label)
            if (key, label) != (mention.key, mention.label):
                mention = replace(mention, key=key, label=label)
            shown.append(mention)
        return shown

    def summaries(self, summaries: Iterable[EntitySummary]) -> tuple[EntitySummary, ...]:
        """An article's summaries as the sidebar shows them: the summaries of merged names
        made one (counts added, the first mention the earliest, in the title if any was),
        in the order of the first of them; relabelled; hidden ones left out."""
        if not self:
            return tuple(summaries)
        groups: dict[str, list[EntitySummary]] = {}
        for summary in summaries:
            key = self.canonical(summary.key)
            if key not in self._hidden:
                groups.setdefault(key, []).append(summary)
        shown = []
        for key, group in groups.items():
            if len(group) == 1 and group[0].key == key and key not in self._labels:
                shown.append(group[0])
                continue
            own = next((summary.label for summary in group if summary.key == key), None)
            label = own or max(group, key=lambda summary: summary.count).label
            shown.append(
                EntitySummary(
                    key,
                    self._labels.get(key, label),
                    sum(summary.count for summary in group),
                    min(summary.first for summary in group),
                    any(summary.in_title for summary in group),
                )
            )
        return tuple(shown)


def _label(text: str) -> EntityLabel:
    for label in ENTITY_LABELS:
        if label == text:
            return label
    raise ValueError(text)


NO_CORRECTIONS = Corrections()
