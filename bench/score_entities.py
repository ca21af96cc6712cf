"""Print entity-level precision, recall and F1 per label, with bootstrap 95% intervals.

    python bench/score_entities.py [--set dev|heldout|dev2...dev11, or a half: dev2-even,
                                   dev2-odd...] [--errors]
                                   [--backend rules|spacy]

Rules are tuned on ``dev`` and on the even halves of ``dev2`` to ``dev7``, ``dev9`` and
``dev10`` only, so ``--errors`` lists the mistakes on those alone. ``heldout`` and the odd
halves are scored, never read for errors: their figures say how the rules do on text they
were not made for (the whole sets include an odd half, so they are scored only too).
``dev3`` to ``dev11`` were written blind to the rules and each scored whole, once, before any
rule was tuned on it; ``dev8`` and ``dev11`` are kept whole and only ever scored.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store import entities
from store.entities.score import SETS, errors, format_table, load_set, score_with_intervals

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
TUNING_SETS = (
    "dev",
    "dev2-even",
    "dev3-even",
    "dev4-even",
    "dev5-even",
    "dev6-even",
    "dev7-even",
    "dev9-even",
    "dev10-even",
)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--set", default="dev", choices=SETS, dest="gold_set")
    parser.add_argument("--held-out", action="store_true", help="the same as --set heldout")
    parser.add_argument(
        "--errors", action="store_true", help=f"list every wrong or missed span ({TUNING_SETS})"
    )
    parser.add_argument("--backend", default="rules", choices=entities.BACKENDS)
    arguments = parser.parse_args()
    name = "heldout" if arguments.held_out else arguments.gold_set
    if arguments.errors and name not in TUNING_SETS:
        parser.error(f"--errors lists mistakes on a tuning set only ({', '.join(TUNING_SETS)})")
    entities.use_backend(arguments.backend)
    documents = load_set(name, DATA)
    print(
        f"{name}: {len(documents)} paragraphs, {sum(len(d.spans) for d in documents)} gold mentions"
    )
    print(format_table(score_with_intervals(entities.extract, documents)))
    if arguments.errors:
        print("\n".join(errors(entities.extract, documents)))


if __name__ == "__main__":
    main()
