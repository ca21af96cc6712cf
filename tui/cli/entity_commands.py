"""Commands on entities: what an article names, for scripts."""

from __future__ import annotations

import argparse
from typing import Any


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    showing = subcommands.add_parser(
        "entities",
        help="the people, places and organisations an article names",
        description="List an article's entities by kind, most salient first, with counts.",
    )
    showing.add_argument("article_id", metavar="ARTICLE_ID", help="an id, or a unique prefix")
    showing.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    showing.set_defaults(handler=run_entities)


def run_entities(args: argparse.Namespace) -> int:
    from store.entities.refresh import refresh_article
    from store.entities.summary import summarize
    from store.models import ENTITY_GROUP_TITLES, ENTITY_LABELS
    from store.restore import missing_text_advice, text_is_missing
    from tui.cli.common import (
        EXIT_FAILED,
        EXIT_OK,
        article_by_prefix,
        error,
        open_library,
        print_json,
    )

    with open_library(args, writable=False) as library:
        article = article_by_prefix(library, args.article_id)
        if text_is_missing(library, article):
            # The entities of no text would be none: say what is wrong instead.
            return error(
                f"the text of {article.title!r} ({article.id}) is missing from "
                f"{library.paths.bodies_db}; {missing_text_advice(article)}",
                EXIT_FAILED,
            )
        article, mentions = refresh_article(library, article)
    summaries = summarize(mentions, article.title)
    if args.json:
        entities: list[dict[str, Any]] = []
        for summary in summaries:
            own = [m for m in mentions if m.key == summary.key]
            roles = sorted({m.role for m in own if m.role})
            entities.append(
                {
                    "key": summary.key,
                    "label": summary.label,
                    "count": summary.count,
                    "roles": roles,
                    "mentions": [{"start": m.start, "end": m.end, "text": m.text} for m in own],
                }
            )
        print_json({"article_id": article.id, "title": article.title, "entities": entities})
        return EXIT_OK
    for label in ENTITY_LABELS:
        group = [summary for summary in summaries if summary.label == label]
        if group:
            print(ENTITY_GROUP_TITLES[label])
            for summary in group:
                print(f"  {summary.key}  {summary.count}")
    return EXIT_OK
