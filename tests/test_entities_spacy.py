"""The spaCy adapter, tested with a blank English pipeline and an entity ruler: no model.

Skipped where spaCy is not installed (it is an optional extra, ``broadsheet[spacy]``).
"""

from __future__ import annotations

from typing import Any

import pytest

spacy = pytest.importorskip("spacy")

from store.entities.spacy_backend import extract_with_spacy  # noqa: E402


@pytest.fixture(scope="module")
def pipeline() -> Any:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(
        [
            {"label": "PERSON", "pattern": "Sanae Takaichi"},
            {"label": "PERSON", "pattern": "Takaichi"},
            {"label": "GPE", "pattern": "US"},
            {"label": "GPE", "pattern": [{"LOWER": "the"}, {"TEXT": "United"}, {"TEXT": "States"}]},
            {"label": "NORP", "pattern": "Chinese"},
            {"label": "ORG", "pattern": "Toyota"},
            {"label": "DATE", "pattern": "Friday"},
        ]
    )
    return nlp


def test_spacy_mentions_keep_the_contract(pipeline: Any) -> None:
    text = (
        "Sanae Takaichi spoke to US officials on Friday. Takaichi said Chinese drills and "
        "Toyota's results worried the United States."
    )
    mentions = extract_with_spacy(text, pipeline)
    for mention in mentions:
        assert text[mention.start : mention.end] == mention.text
    assert [(m.text, m.label, m.key) for m in mentions] == [
        ("Sanae Takaichi", "PERSON", "Sanae Takaichi"),
        ("US", "PLACE", "United States"),
        ("Takaichi", "PERSON", "Sanae Takaichi"),
        ("Chinese", "OTHER", "Chinese"),
        ("Toyota", "ORG", "Toyota"),
        ("United States", "PLACE", "United States"),
    ]
