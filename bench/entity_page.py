"""Benchmark: an entity's page at 50,000 articles, from the entity catalog (issue 16).

    python bench/entity_page.py [--articles 50000] [--home DIR] [--repeats 25]

Builds a home from the synthetic corpus (bench/corpus.py: ~600-word bodies, ~20 entities an
article with a long tail, dated over two years), its entity catalog from nothing, then times:

- the page (``entity_page``: articles with counts and first offsets, timeline, co-mentions)
  of the entity named in the number of articles nearest 2,000, and of the corpus's star
  (named in one article in five); target: under 100 ms for the first;
- the first sentences (and spellings) of the 20 newest rows, which read their bodies;
- the most-named entities of the last 7 days, against the 7 before;
- the same page with 50 corrections in force (merges, labels, hidden names), read when
  asked, as the app and the commands read them.

``--home DIR`` keeps the home and uses it again next time (building it takes a minute or two).
Run it on a quiet machine: the figures are medians of ``--repeats`` runs, and p95.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import corpus  # noqa: E402

from store.entities.catalog import EntityCatalog  # noqa: E402
from store.entities.correction_store import CorrectionStore  # noqa: E402
from store.entities.page import article_details, entity_page  # noqa: E402
from store.entities.top import top_entities  # noqa: E402
from store.library import Library  # noqa: E402
from store.listing import catch_up_catalog  # noqa: E402
from store.models import Article, EntitySummary  # noqa: E402
from store.paths import DataPaths  # noqa: E402

TARGET_MS = 100.0
WANTED_ARTICLES = 2_000
SHOWN_ROWS = 20
CORRECTIONS = 50
SPAN = timedelta(days=730)
MARKER = "bench-entity-page-size"


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _generated(count: int) -> Iterator[corpus.CorpusArticle]:
    with multiprocessing.get_context("fork").Pool(2) as pool:
        yield from pool.imap(corpus.article, range(count), chunksize=256)


def build_home(paths: DataPaths, size: int) -> None:
    log(f"building a home of {size:,} articles in {paths.home} …")
    started = time.perf_counter()
    with Library(paths) as library:
        for generated in _generated(size):
            published = corpus.NEWEST - SPAN * (generated.index % size) / size
            article = Article(
                id=generated.id,
                title=generated.title,
                body_hash="",
                source=generated.source,
                url=generated.url,
                published=published.isoformat(timespec="seconds"),
            )
            summary = tuple(map(EntitySummary._make, generated.entities))
            library.save(article, generated.body, entity_summary=summary)
        library.flush()
    (paths.home / MARKER).write_text(str(size))
    log(f"built in {time.perf_counter() - started:.0f} s")


def timed(function: Callable[[], object], repeats: int) -> tuple[float, float]:
    """Median and p95, in milliseconds."""
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        function()
        samples.append((time.perf_counter() - started) * 1e3)
    ordered = sorted(samples)
    return statistics.median(samples), ordered[min(len(ordered) - 1, round(0.95 * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50_000)
    parser.add_argument("--home", type=Path, help="keep the home here and reuse it")
    parser.add_argument("--repeats", type=int, default=25)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        paths = DataPaths(args.home or Path(scratch) / "home")
        marker = paths.home / MARKER
        if not (marker.exists() and marker.read_text() == str(args.articles)):
            if paths.home.exists() and any(paths.home.iterdir()):
                sys.exit(f"{paths.home} holds something else: name an empty or missing folder")
            build_home(paths, args.articles)
        run(paths, args.articles, args.repeats)


def run(paths: DataPaths, size: int, repeats: int) -> None:
    rows: list[tuple[str, str]] = []
    for suffix in ("", "-wal", "-shm"):
        Path(f"{paths.entity_catalog}{suffix}").unlink(missing_ok=True)
    paths.entity_corrections_db.unlink(missing_ok=True)
    with EntityCatalog(paths.entity_catalog) as catalog:
        started = time.perf_counter()
        catch_up_catalog(catalog, paths)
        rows.append(("catalog build, from nothing", f"{time.perf_counter() - started:.1f} s"))
        ((key, named),) = catalog.select(
            "SELECT entity, COUNT(*) AS n FROM mention GROUP BY entity "
            "ORDER BY ABS(n - ?), entity LIMIT 1",
            [WANTED_ARTICLES],
        )
        for entity, label in ((key, f"page of {key!r}, in {named:,} articles"),
                              (corpus.STAR_ENTITY, f"page of the star, in "
                               f"{corpus.star_count(size):,} articles")):  # fmt: skip
            median, p95 = timed(partial(entity_page, catalog, entity), repeats)
            rows.append((f"{label} (median / p95)", f"{median:.1f} / {p95:.1f} ms"))
            if entity == key:
                verdict = "under" if median < TARGET_MS else "OVER"
                rows.append(("  against the target", f"{verdict} {TARGET_MS:.0f} ms"))
        page = entity_page(catalog, key)
        with Library(paths, writable=False) as library:

            def details() -> object:
                return article_details(page, page.articles[:SHOWN_ROWS], library.bodies.read,
                                       library.mentions.mentions)  # fmt: skip

            started = time.perf_counter()
            details()  # the first extracts the rows' mentions, and caches them
            cold = (time.perf_counter() - started) * 1e3
            median, p95 = timed(details, repeats)
        rows.append((f"first sentences and spellings of the {SHOWN_ROWS} rows shown, first",
                     f"{cold:.0f} ms (extracting their mentions)"))  # fmt: skip
        rows.append(("  then, their mentions cached (median / p95)",
                     f"{median:.1f} / {p95:.1f} ms"))  # fmt: skip
        until = corpus.NEWEST + timedelta(seconds=1)
        median, p95 = timed(
            lambda: top_entities(catalog, until - timedelta(days=7), until), repeats
        )
        rows.append(("most-named of 7 days, against the 7 before (median / p95)",
                     f"{median:.1f} / {p95:.1f} ms"))  # fmt: skip
        others = [row[0] for row in catalog.select(
            "SELECT entity FROM mention GROUP BY entity ORDER BY COUNT(*) DESC LIMIT ?",
            [CORRECTIONS * 2])]  # fmt: skip
        with CorrectionStore(paths) as store:
            for number, other in enumerate(others[:CORRECTIONS]):
                if other == key:
                    continue
                if number % 3 == 0:
                    store.merge(others[CORRECTIONS + number // 3], other)
                elif number % 3 == 1:
                    store.relabel(other, "OTHER")
                else:
                    store.hide(other)
        median, p95 = timed(lambda: entity_page(catalog, key), repeats)
        rows.append((f"page of {key!r} with {CORRECTIONS} corrections (median / p95)",
                     f"{median:.1f} / {p95:.1f} ms"))  # fmt: skip
        summaries = [tuple(EntitySummary._make(s) for s in corpus.article(n).entities)
                     for n in range(1_000)]  # fmt: skip
        corrections = catalog.corrections()
        median, _ = timed(lambda: [corrections.summaries(s) for s in summaries], repeats)
        rows.append((f"1,000 articles' summaries corrected ({CORRECTIONS} corrections)",
                     f"{median:.1f} ms"))  # fmt: skip
    width = max(len(label) for label, _ in rows)
    print(f"entity page bench: {size:,} articles; load average "
          f"{' '.join(f'{value:.2f}' for value in os.getloadavg())}")  # fmt: skip
    for label, value in rows:
        print(f"{label:{width}}  {value}")


if __name__ == "__main__":
    main()
