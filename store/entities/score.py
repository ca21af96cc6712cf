"""Entity-level precision, recall and F1 of an extractor against a gold set.

A predicted mention counts only if its span and label both match a gold mention exactly: a
sidebar entry with a wrong kind or a clipped name is as wrong as a missing one. A few dozen
paragraphs make a noisy figure, so each F1 comes with a bootstrap 95% interval: paragraphs
drawn with replacement, scored again, a thousand times.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from store.models import ENTITY_LABELS, Mention

Extractor = Callable[[str], list[Mention]]
MAIN_LABELS = ("PERSON", "PLACE", "ORG")
GOLD_FILES = {
    "dev": "entities_dev.json",
    "heldout": "entities_heldout.json",
    "dev2": "entities_dev2.json",
    "dev3": "entities_dev3.json",
    "dev4": "entities_dev4.json",
    "dev5": "entities_dev5.json",
    "dev6": "entities_dev6.json",
    "dev7": "entities_dev7.json",
    "dev8": "entities_dev8.json",  # kept whole, only ever scored: a check on unseen text
    "dev9": "entities_dev9.json",
    "dev10": "entities_dev10.json",
    "dev11": "entities_dev11.json",  # kept whole, only ever scored, like dev8
}
# dev2 to dev7, dev9 and dev10 are split by the number in their ids: rules are tuned on the even
# halves only, and the odd halves are only ever scored, so that their figures say how the rules
# do on text they never saw. dev3 to dev7, dev9 and dev10 were first scored whole, once,
# before any rule was tuned on them.
SPLIT_SETS = ("dev2", "dev3", "dev4", "dev5", "dev6", "dev7", "dev9", "dev10")
SETS = (
    *GOLD_FILES,
    *(f"{base}-{half}" for base in SPLIT_SETS for half in ("even", "odd")),
)
BOOTSTRAP_ROUNDS = 1000
BOOTSTRAP_SEED = 14


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


def load_set(name: str, directory: Path) -> list[GoldDocument]:
    """One of ``SETS`` by name, from the gold files in ``directory``: a whole file, or the
    even or odd half of one of ``SPLIT_SETS``."""
    if name not in SETS:
        raise ValueError(f"unknown gold set {name!r}; choose one of {SETS}")
    base, _, half = name.partition("-")
    documents = load_gold(directory / GOLD_FILES[base])
    if not half:
        return documents
    parity = 0 if half == "even" else 1
    return [d for d in documents if int(d.id.rpartition("-")[2]) % 2 == parity]


Counts = dict[str, tuple[int, int, int]]
"""Per label (and "MAIN", "ALL"): true positives, false positives, false negatives."""


def document_counts(extractor: Extractor, document: GoldDocument) -> Counts:
    counts = {label: [0, 0, 0] for label in (*ENTITY_LABELS, "MAIN", "ALL")}
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
    return {label: (tp, fp, fn) for label, (tp, fp, fn) in counts.items()}


def _total(per_document: list[Counts]) -> dict[str, Score]:
    labels = per_document[0].keys() if per_document else (*ENTITY_LABELS, "MAIN", "ALL")
    return {
        label: Score(
            *(sum(counts[label][column] for counts in per_document) for column in range(3))
        )
        for label in labels
    }


def score(extractor: Extractor, documents: list[GoldDocument]) -> dict[str, Score]:
    """Scores per label, plus "MAIN" (PERSON, PLACE and ORG together) and "ALL"."""
    return _total([document_counts(extractor, document) for document in documents])


@dataclass(frozen=True, slots=True)
class Scored:
    """A label's score and the bootstrap 95% interval of its F1."""

    score: Score
    low: float
    high: float


def score_with_intervals(
    extractor: Extractor,
    documents: list[GoldDocument],
    rounds: int = BOOTSTRAP_ROUNDS,
    seed: int = BOOTSTRAP_SEED,
) -> dict[str, Scored]:
    """``score``, with each F1's 2.5th and 97.5th percentile over ``rounds`` resamples of the
    paragraphs (a fixed seed: the same extractor always gets the same interval)."""
    per_document = [document_counts(extractor, document) for document in documents]
    totals = _total(per_document)
    rng = random.Random(seed)
    samples: dict[str, list[float]] = {label: [] for label in totals}
    for _ in range(rounds if per_document else 0):
        resampled = _total(rng.choices(per_document, k=len(per_document)))
        for label, result in resampled.items():
            samples[label].append(result.f1)
    found: dict[str, Scored] = {}
    for label, result in totals.items():
        values = sorted(samples[label]) or [result.f1]
        low = values[int(0.025 * (len(values) - 1))]
        high = values[round(0.975 * (len(values) - 1))]
        found[label] = Scored(result, low, high)
    return found


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


def format_table(scores: dict[str, Score] | dict[str, Scored]) -> str:
    rows = [
        f"{'label':8} {'P':>6} {'R':>6} {'F1':>6} {'F1 95% CI':>13} {'TP':>4} {'FP':>4} {'FN':>4}"
    ]
    for label, value in scores.items():
        result = value.score if isinstance(value, Scored) else value
        interval = f"{value.low:.3f}–{value.high:.3f}" if isinstance(value, Scored) else ""
        rows.append(
            f"{label:8} {result.precision:6.3f} {result.recall:6.3f} {result.f1:6.3f} "
            f"{interval:>13} "
            f"{result.true_positives:4d} {result.false_positives:4d} {result.false_negatives:4d}"
        )
    return "\n".join(rows)
