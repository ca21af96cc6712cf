"""Print entity-level precision, recall and F1 per label on the labelled development set.

    python bench/score_entities.py [--held-out] [--errors] [--backend rules|spacy]

The held-out set was written after the rules and is never used to change them.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from store import entities
from store.entities.score import errors, format_table, load_gold, score

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--errors", action="store_true", help="list every wrong or missed span")
    parser.add_argument("--backend", default="rules", choices=entities.BACKENDS)
    parser.add_argument("--held-out", action="store_true", help="score the held-out set")
    arguments = parser.parse_args()
    entities.use_backend(arguments.backend)
    name = "entities_heldout.json" if arguments.held_out else "entities_dev.json"
    documents = load_gold(DATA / name)
    print(f"{len(documents)} paragraphs, {sum(len(d.spans) for d in documents)} gold mentions")
    print(format_table(score(entities.extract, documents)))
    if arguments.errors:
        print("\n".join(errors(entities.extract, documents)))


if __name__ == "__main__":
    main()
