"""Entity-level precision, recall and F1 of an extractor against a gold set.

A predicted mention counts only if its span and label both match a gold mention exactly: a
sidebar entry with a wrong kind or a clipped name is as wrong as a missing one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from store.models import ENTITY_LABELS, Mention

Extractor = Callable[[str], list[Mention]]
MAIN_LABELS = ("PERSON", "PLACE", "ORG")


@dataclass(frozen=True, slots=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        gold = self.true_positives + self.false_negatives
        return self.true_positives / gold if gold else 1.0

    @property
    def f1(self) -> float:
        total = self.precision + self.recall
        return 2 * self.precision * self.recall / total if total else 0.0


@dataclass(frozen=True, slots=True)
class GoldDocument:
    id: str
    text: str
    spans: frozenset[tuple[int, int, str]]


def load_gold(path: Path) -> list[GoldDocument]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        GoldDocument(
            document["id"],
            document["text"],
            frozenset((e["start"], e["end"], e["label"]) for e in document["entities"]),
        )
        for document in data["documents"]
    ]


def score(extractor: Extractor, documents: list[GoldDocument]) -> dict[str, Score]:
    """Scores per label, plus "MAIN" (PERSON, PLACE and ORG together) and "ALL"."""
    counts = {label: [0, 0, 0] for label in (*ENTITY_LABELS, "MAIN", "ALL")}
    for document in documents:
        predicted: set[tuple[int, int, str]] = {
            (m.start, m.end, m.label) for m in extractor(document.text)
        }
        for span_set, column in (
            (predicted & document.spans, 0),
            (predicted - document.spans, 1),
            (document.spans - predicted, 2),
        ):
            for _, _, label in span_set:
                counts[label][column] += 1
                counts["ALL"][column] += 1
                if label in MAIN_LABELS:
                    counts["MAIN"][column] += 1
    return {label: Score(*values) for label, values in counts.items()}


def errors(extractor: Extractor, documents: list[GoldDocument]) -> list[str]:
    """One line per wrong or missing mention, for reading while improving the rules."""
    lines: list[str] = []
    for document in documents:
        predicted: set[tuple[int, int, str]] = {
            (m.start, m.end, m.label) for m in extractor(document.text)
        }
        for start, end, label in sorted(predicted - document.spans):
            lines.append(f"{document.id} extra   {label:6} {document.text[start:end]!r}")
        for start, end, label in sorted(document.spans - predicted):
            lines.append(f"{document.id} missing {label:6} {document.text[start:end]!r}")
    return lines


def format_table(scores: dict[str, Score]) -> str:
    rows = [f"{'label':8} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4}"]
    for label, result in scores.items():
        rows.append(
            f"{label:8} {result.precision:6.3f} {result.recall:6.3f} {result.f1:6.3f} "
            f"{result.true_positives:4d} {result.false_positives:4d} {result.false_negatives:4d}"
        )
    return "\n".join(rows)
