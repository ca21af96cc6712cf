"""Throughput of the default entity extractor on 600-word news articles, on one core.

    python bench/entities.py [--articles N] [--text corpus|dev]

By default the articles are the synthetic corpus's (``bench/corpus.py``: seeded, ~600 words,
~20 names each), text the rules were never tuned on; ``--text dev`` builds them from the
development set's paragraphs instead (tests/data/entities_dev.json, shuffled with a fixed seed
and joined until each has 600 words), which is denser in names. The baseline is a bare
regular-expression scan for capitalised words over the same texts, to show what the rules cost
above reading the text at all. Also printed, each in a fresh interpreter: how long ``import
store.entities`` takes, and the first ``extract`` after it (which opens the gazetteer), cold.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402  (bench/corpus.py, beside this file)

from store import entities  # noqa: E402
from store.text import PARAGRAPH_SEPARATOR  # noqa: E402

DEV_SET = ROOT / "tests" / "data" / "entities_dev.json"
WORDS_PER_ARTICLE = 600
TARGET_ARTICLES_PER_SECOND = 300
TARGET_FIRST_EXTRACT_SECONDS = 0.150
_CAPITALISED = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def corpus_articles(count: int) -> list[str]:
    return [article.body for article in corpus.articles(count)]


def dev_articles(count: int, seed: int = 20260101) -> list[str]:
    paragraphs = [d["text"] for d in json.loads(DEV_SET.read_text("utf-8"))["documents"]]
    rng = random.Random(seed)
    articles: list[str] = []
    for _ in range(count):
        chosen: list[str] = []
        words = 0
        while words < WORDS_PER_ARTICLE:
            paragraph = rng.choice(paragraphs)
            chosen.append(paragraph)
            words += len(paragraph.split())
        articles.append(PARAGRAPH_SEPARATOR.join(chosen))
    return articles


def regex_scan(text: str) -> list[str]:
    return _CAPITALISED.findall(text)


def rate(function: Callable[[str], object], articles: list[str]) -> float:
    """Articles per second, best of three passes (the machine is shared)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        for article in articles:
            function(article)
        best = min(best, time.perf_counter() - started)
    return len(articles) / best


def fresh_interpreter_seconds(code: str) -> float:
    """What ``code`` prints, run in a new interpreter with the repository importable."""
    setup = f"import time, sys; sys.path.insert(0, {str(ROOT)!r}); import store.models; "
    output = subprocess.run(
        [sys.executable, "-c", setup + code], capture_output=True, text=True, check=True
    )
    return float(output.stdout)


def import_seconds() -> float:
    return fresh_interpreter_seconds(
        "t = time.perf_counter(); import store.entities; print(time.perf_counter() - t)"
    )


def first_extract_seconds(text: str) -> float:
    return fresh_interpreter_seconds(
        f"import store.entities; t = time.perf_counter(); store.entities.extract({text!r}); "
        "print(time.perf_counter() - t)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--text", choices=("corpus", "dev"), default="corpus")
    arguments = parser.parse_args()
    build = corpus_articles if arguments.text == "corpus" else dev_articles
    articles = build(arguments.articles)
    words = sum(len(article.split()) for article in articles) / len(articles)
    first_call = first_extract_seconds(articles[0])

    entities.extract(articles[0])
    extractor_rate = rate(entities.extract, articles)
    baseline_rate = rate(regex_scan, articles)
    print(f"{len(articles)} {arguments.text} articles of ~{words:.0f} words, one core\n")
    print(f"{'extractor':28} {'articles/s':>11} {'words/s':>11} {'vs regex':>9}")
    rows = (("rules (default)", extractor_rate), ("regex capitalised scan", baseline_rate))
    for name, value in rows:
        print(f"{name:28} {value:11.0f} {value * words:11.0f} {value / baseline_rate:9.3f}")
    verdict = "meets" if extractor_rate >= TARGET_ARTICLES_PER_SECOND else "MISSES"
    print(f"\ntarget {TARGET_ARTICLES_PER_SECOND} articles/s: {verdict}")
    print(f"import store.entities: {import_seconds() * 1000:.1f} ms")
    verdict = "meets" if first_call < TARGET_FIRST_EXTRACT_SECONDS else "MISSES"
    print(
        f"first extract, cold (opens the gazetteer): {first_call * 1000:.0f} ms "
        f"(target {TARGET_FIRST_EXTRACT_SECONDS * 1000:.0f} ms: {verdict})"
    )


if __name__ == "__main__":
    main()
