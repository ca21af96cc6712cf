"""Commands on entities: what an article names, for scripts."""

from __future__ import annotations

import argparse
from typing import Any


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    showing = subcommands.add_parser(
        "entities",
        help="the people, places and organisations an article names",
        description="List an article's entities by kind, most salient first, with counts; "
        "or, with --top, the most-named entities of a period.",
    )
    showing.add_argument(
        "article_id", nargs="?", metavar="ARTICLE_ID", help="an id, or a unique prefix"
    )
    showing.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    # Today's entities (tui/cli/entity_page_commands.py holds the rest of the entity pages).
    showing.add_argument(
        "--top", action="store_true", help="the most-named entities of a period, and the change"
    )
    showing.add_argument(
        "--since",
        metavar="AGE|DATE",
        default="7d",
        help="with --top: the period, back from now (12h, 7d, 2w, 1y) or since a date "
        "(YYYY-MM-DD); default 7d",
    )
    showing.add_argument(
        "--limit", type=int, default=20, metavar="N", help="with --top: how many (default 20)"
    )
    showing.set_defaults(handler=run_entities)


def run_entities(args: argparse.Namespace) -> int:
    if args.top or args.article_id is None:
        from tui.cli.entity_page_commands import run_top

        return run_top(args)
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
        # As the sidebar shows them: the user's merges, labels and hidden names applied.
        mentions = library.catalog.corrections().mentions(mentions)
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
