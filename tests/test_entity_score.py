"""The scoring behind bench/score_entities.py: named sets, their halves, bootstrap intervals."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.entities.score import SPLIT_SETS, GoldDocument, load_set, score_with_intervals
from store.models import Mention

DATA = Path(__file__).resolve().parent / "data"


@pytest.mark.parametrize("base", SPLIT_SETS)
def test_halves_split_a_set_by_the_parity_of_the_ids(base: str) -> None:
    whole = load_set(base, DATA)
    even, odd = load_set(f"{base}-even", DATA), load_set(f"{base}-odd", DATA)
    assert {d.id for d in even} | {d.id for d in odd} == {d.id for d in whole}
    assert not {d.id for d in even} & {d.id for d in odd}
    assert all(int(d.id.rpartition("-")[2]) % 2 == 0 for d in even)
    assert f"{base}-00" in {d.id for d in even} and f"{base}-01" in {d.id for d in odd}


def test_an_unknown_set_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown gold set"):
        load_set("dev99", DATA)


def gold_extractor(documents: list[GoldDocument]) -> dict[str, list[Mention]]:
    return {
        d.text: [Mention(s, e, d.text[s:e], label, d.text[s:e]) for s, e, label in d.spans]  # type: ignore[arg-type]
        for d in documents
    }


def test_a_perfect_extractor_scores_one_with_no_spread() -> None:
    documents = load_set("heldout", DATA)
    answers = gold_extractor(documents)
    results = score_with_intervals(lambda text: answers[text], documents, rounds=50)
    assert (results["MAIN"].score.f1, results["MAIN"].low, results["MAIN"].high) == (1, 1, 1)


def test_intervals_hold_the_score_and_repeat_with_the_seed() -> None:
    documents = load_set("heldout", DATA)
    answers = gold_extractor(documents)
    # Every other document answered: paragraphs differ, so resamples differ.
    half = {d.text for d in documents[::2]}

    def extractor(text: str) -> list[Mention]:
        return answers[text] if text in half else []

    first = score_with_intervals(extractor, documents, rounds=200)
    again = score_with_intervals(extractor, documents, rounds=200)
    assert first == again
    main = first["MAIN"]
    assert main.low < main.score.f1 < main.high
