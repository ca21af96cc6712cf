"""``broadsheet entity``, ``follow`` and ``unfollow``: an entity's page, following it, and
the user's corrections to the entities.

``entity NAME`` shows the page; ``entity merge|split|relabel|hide|unhide ...`` and
``entity corrections`` correct the entities (those words, in lower case and with the names
they take after them, begin a correction rather than name an entity).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from store.entities.catalog import EntityCatalog
    from store.entities.correction_store import Change
    from store.entities.page import EntityPage
    from store.paths import DataPaths

ARTICLES_SHOWN = 20
SENTENCE_SHOWN = 160
SPARK_WIDTH = 52
"""Buckets on one line of the plain timeline: a year of weeks."""
BARS = "▁▂▃▄▅▆▇█"

CORRECTIONS: dict[str, tuple[str, ...]] = {
    "merge": ("NAME", "OTHER"),
    "split": ("NAME", "OTHER"),
    "relabel": ("NAME", "LABEL"),
    "hide": ("NAME",),
    "unhide": ("NAME",),
    "corrections": (),
}
"""The correction verbs and what each takes."""
LABEL_WORDS = {
    "person": "PERSON",
    "people": "PERSON",
    "place": "PLACE",
    "org": "ORG",
    "organisation": "ORG",
    "organization": "ORG",
    "other": "OTHER",
}

USAGE = """broadsheet entity NAME [--json] [--limit N]
       broadsheet entity merge NAME OTHER     (OTHER is NAME from now on)
       broadsheet entity split NAME OTHER     (they are two: undoes a merge, or parts a name)
       broadsheet entity relabel NAME LABEL   (person, place, org or other)
       broadsheet entity hide NAME | unhide NAME
       broadsheet entity corrections [--json]"""


def register(subcommands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    page = subcommands.add_parser(
        "entity",
        help="an entity's page: its articles, timeline and company; correct the entities",
        usage=USAGE,
        description="Show an entity's page (NAME in any case, an alias, a part of a person's "
        "name), or correct the entities everywhere: corrections are kept in the home and "
        "survive refreshes.",
    )
    page.add_argument("words", nargs="+", metavar="NAME", help="an entity, or a correction")
    page.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    page.add_argument(
        "--limit",
        type=_count,
        default=ARTICLES_SHOWN,
        metavar="N",
        help=f"articles listed (default {ARTICLES_SHOWN}; 0 for all)",
    )
    page.set_defaults(handler=run_entity)

    follow = subcommands.add_parser(
        "follow",
        help="follow an entity: a saved search shown beside the feeds",
        description="Follow an entity: its articles, old and new, in a view of their own "
        "beside the feeds (a saved search of entity:NAME). Without NAME, list those followed.",
    )
    follow.add_argument("name", nargs="?", metavar="NAME")
    follow.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    follow.set_defaults(handler=run_follow)

    unfollow = subcommands.add_parser("unfollow", help="stop following an entity")
    unfollow.add_argument("name", metavar="NAME")
    unfollow.add_argument("--json", action="store_true", help="print JSON (see docs/json.md)")
    unfollow.set_defaults(handler=run_unfollow)


def _count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError("must be 0 or more")
    return value


# Finding the entity a name means


def _catalog(paths: DataPaths) -> EntityCatalog:
    """The home's entity catalog, brought up to date (said on a terminal when that takes a
    while)."""
    from store.entities.catalog import EntityCatalog
    from store.listing import catch_up_catalog
    from tui.cli.common import make_pending_entities
    from tui.cli.search_commands import indexing_entities

    make_pending_entities(paths)
    catalog = EntityCatalog(paths.entity_catalog)
    catch_up_catalog(catalog, paths, on_indexing=indexing_entities)
    return catalog


def _one_entity(catalog: EntityCatalog, name: str) -> str:
    """The one entity ``name`` means; UsageError when it means none or several."""
    from tui.cli.common import UsageError

    keys = catalog.resolve(name)
    if not keys:
        raise UsageError(f"no article names {name!r}")
    if len(keys) > 1:
        raise UsageError(
            f"{name!r} could be {len(keys)} entities; give the whole name",
            lines=[f"  {key}" for key in keys],
            matches=keys,
        )
    return keys[0]


def run_entity(args: argparse.Namespace) -> int:
    from tui.cli.common import UsageError

    words: list[str] = args.words
    verb, names = words[0], words[1:]
    if verb in CORRECTIONS and (names or verb == "corrections"):
        wanted = CORRECTIONS[verb]
        if len(names) != len(wanted):
            raise UsageError(f"entity {verb} takes {' '.join(wanted) or 'nothing more'}; "
                             f"quote a name with spaces in it")  # fmt: skip
        return run_correction(args, verb, names)
    return run_page(args, " ".join(words))


# The page


def run_page(args: argparse.Namespace, name: str) -> int:
    from store.annotations.highlight_store import HighlightStore
    from store.bodies import BodyStore
    from store.entities.follow import followed_entities
    from store.entities.mentions_store import MentionStore
    from store.entities.page import article_details, entity_highlights, entity_page
    from store.settings import apply_entity_backend, load_settings
    from tui.cli.common import EXIT_OK, prepare_home, print_json, warn

    paths = prepare_home(args)
    problem = apply_entity_backend(load_settings(paths))
    if problem:
        warn(problem)
    with _catalog(paths) as catalog:
        key = _one_entity(catalog, name)
        page = entity_page(catalog, key)
        corrections = catalog.corrections()
    shown = page.articles[: args.limit or None]
    with BodyStore(paths) as bodies:
        details = article_details(
            page, shown, bodies.read, MentionStore(paths).mentions, corrections
        )
    with HighlightStore(paths) as store:
        highlights = entity_highlights(store.all(), page, details.spellings)
    followed = any(f.key.casefold() == page.key.casefold() for f in followed_entities(paths))
    aliases = sorted({*page.aliases, *details.spellings})
    if args.json:
        print_json(
            {
                "key": page.key,
                "label": page.label,
                "hidden": page.hidden,
                "followed": followed,
                "aliases": aliases,
                "mentions": page.mentions,
                "articles_total": len(page.articles),
                "timeline": {
                    "bucket": page.timeline.bucket,
                    "start": page.timeline.start.isoformat(),
                    "counts": list(page.timeline.counts),
                },
                "articles": [
                    {
                        "id": article.id,
                        "title": article.title,
                        "date": article.date,
                        "mentions": article.mentions,
                        "first": article.first,
                        "sentence": details.sentences.get(article.id, ""),
                    }
                    for article in shown
                ],
                "co_mentions": [
                    {"key": other.key, "label": other.label, "articles": other.articles}
                    for other in page.co_mentions
                ],
                "highlights": [
                    {**each.highlight.to_dict(), "names_it": each.names_it} for each in highlights
                ],
            }
        )
        return EXIT_OK
    _print_page(page, shown, details.sentences, aliases, followed)
    _print_highlights(highlights)
    return EXIT_OK


def _print_page(
    page: EntityPage,
    shown: Any,
    sentences: dict[str, str],
    aliases: list[str],
    followed: bool,
) -> None:
    from tui.cli.common import plural, say

    marks = [page.label.lower()] + (["hidden"] if page.hidden else []) + (
        ["followed"] if followed else [])  # fmt: skip
    say(f"{page.key}  ({', '.join(marks)})")
    if aliases:
        say(f"also: {', '.join(aliases)}")
    say(f"{plural(page.mentions, 'mention')} in {plural(len(page.articles), 'article')}")
    timeline = page.timeline
    if timeline.counts:
        most = max(timeline.counts)
        print(f"\nMentions by {timeline.bucket} (the tallest bar: {most})")
        dates = timeline.dates()
        for start in range(0, len(timeline.counts), SPARK_WIDTH):
            counts = timeline.counts[start : start + SPARK_WIDTH]
            print(f"  {dates[start].isoformat()}  {_bars(counts, most)}")
    if shown:
        more = len(page.articles) - len(shown)
        print(f"\nArticles, newest first{f' ({more:,} more: --limit 0)' if more else ''}")
        for article in shown:
            say(f"  {article.date[:10]}  {article.mentions:>3}×  {article.title}")
            sentence = sentences.get(article.id, "")
            if sentence:
                cut = sentence if len(sentence) <= SENTENCE_SHOWN else (
                    sentence[: SENTENCE_SHOWN - 1] + "…")  # fmt: skip
                say(f"                     “{cut}”")
    if page.co_mentions:
        print("\nNamed alongside it")
        for other in page.co_mentions:
            say(f"  {other.key}  ({other.label.lower()})  {plural(other.articles, 'article')}")


def _bars(counts: tuple[int, ...], most: int) -> str:
    """A sparkline: a space for none, else one of eight heights of the tallest."""
    if most <= 0:
        return " " * len(counts)
    return "".join(
        " " if count == 0 else BARS[min(len(BARS) - 1, (count * len(BARS) - 1) // most)]
        for count in counts
    )


def _print_highlights(highlights: Any) -> None:
    from tui.cli.common import say

    if not highlights:
        return
    print("\nHighlights")
    for each in highlights:
        highlight = each.highlight
        quote = " ".join(highlight.exact.split())
        quote = quote if len(quote) <= SENTENCE_SHOWN else quote[: SENTENCE_SHOWN - 1] + "…"
        say(f"  {highlight.created[:10]}  {highlight.article_title}")
        say(f"      “{quote}”")
        if highlight.note:
            say(f"      note: {' '.join(highlight.note.split())}")


# Corrections


def run_correction(args: argparse.Namespace, verb: str, names: list[str]) -> int:
    from store.entities.correction_store import Change, CorrectionStore
    from tui.cli.common import EXIT_OK, UsageError, prepare_home, print_json, say

    paths = prepare_home(args)
    if verb == "corrections":
        with CorrectionStore(paths) as store:
            found = store.all()
        if args.json:
            print_json([correction.public() for correction in found])
        elif not found:
            print("no corrections yet", file=sys.stderr)
        for correction in found if not args.json else ():
            say("  ".join(_described(correction.public())))
        return EXIT_OK
    updated: int | None = None
    with _catalog(paths) as catalog:
        entity = _one_entity(catalog, names[0])
        if verb == "split":
            # The other is a spelling, not a lookup: "Ford" must not find the person
            # "Harrison Ford" through a part of his name.
            other = " ".join(names[1].split())
            named = [key for key in catalog.resolve(other) if key.casefold() == other.casefold()]
            other = named[0] if named else other
            if not other:
                raise UsageError("entity split needs a name to split off")
        elif verb == "merge":
            other = _one_entity(catalog, names[1])
        with CorrectionStore(paths) as store:
            if verb == "merge":
                change, record = store.merge(entity, other), {"entity": entity, "name": other}
            elif verb == "split":
                change, record = store.split(entity, other), {"entity": entity, "name": other}
            elif verb == "relabel":
                label = LABEL_WORDS.get(names[1].casefold())
                if label is None:
                    raise UsageError(f"not a label: {names[1]!r} (use person, place, org or other)")
                change = store.relabel(entity, _entity_label(label))
                record = {"entity": store.corrections().canonical(entity), "label": label}
            else:
                change = store.hide(entity, hidden=verb == "hide")
                record = {"entity": store.corrections().canonical(entity)}
        naming = catalog.articles_mentioning([entity]) if verb == "split" else []
    if verb == "split" and change is Change.MADE:
        updated = _resplit(args, naming)
    if args.json:
        result: dict[str, Any] = {"change": change.value, "kind": verb, **record}
        if updated is not None:
            result["articles_updated"] = updated
        print_json(result)
        return EXIT_OK
    say(_said(verb, change, record, updated))
    return EXIT_OK


def _entity_label(text: str) -> Any:
    from store.models import ENTITY_LABELS

    return next(label for label in ENTITY_LABELS if label == text)


def _resplit(args: argparse.Namespace, naming: list[str]) -> int:
    """Make again the summaries of these articles (those naming the entity a name was just
    split from), with the new split."""
    from store.entities.refresh import resplit_articles
    from tui.cli.common import open_library

    with open_library(args, writable=True) as library:
        return resplit_articles(library, naming)


def _said(verb: str, change: Change, record: dict[str, str], updated: int | None) -> str:
    from store.entities.correction_store import Change

    entity, name, label = record["entity"], record.get("name", ""), record.get("label", "")
    if change is Change.ALREADY:
        return {
            "merge": f"{name!r} is {entity!r} already",
            "split": f"{name!r} is apart from {entity!r} already",
            "relabel": f"{entity!r} is labelled {_label_word(label)} already",
            "hide": f"{entity!r} is hidden already",
            "unhide": f"{entity!r} is not hidden",
        }[verb]
    if change is Change.UNMERGED:
        return f"{name!r} and {entity!r} are two entities again (their merge is undone)"
    return {
        "merge": f"{name!r} is {entity!r} from now on, everywhere",
        "split": f"{name!r} is apart from {entity!r} from now on"
        + (f" ({updated:,} articles' entities made again)" if updated else ""),
        "relabel": f"{entity!r} is labelled {_label_word(label)} from now on",
        "hide": f"{entity!r} is hidden from the entity lists (`entity unhide` shows it again)",
        "unhide": f"{entity!r} is shown again",
    }[verb]


def _label_word(label: str) -> str:
    return {"ORG": "organisation"}.get(label, label.lower())


def _described(correction: dict[str, str]) -> list[str]:
    kind, entity = correction["kind"], correction["entity"]
    what = {
        "merge": f"{correction.get('name')!r} is {entity!r}",
        "split": f"{correction.get('name')!r} is not {entity!r}",
        "relabel": f"{entity!r} is labelled {_label_word(correction.get('label', ''))}",
        "hide": f"{entity!r} is hidden",
    }.get(kind, kind)
    return [correction["made"][:10], kind, what]


# Following


def run_follow(args: argparse.Namespace) -> int:
    from store.entities.follow import follow_entity, followed_entities
    from tui.cli.common import EXIT_OK, prepare_home, print_json, say

    paths = prepare_home(args)
    if args.name is None:
        followed = followed_entities(paths)
        if args.json:
            print_json([{"key": f.key, "search": f.search.name} for f in followed])
        elif not followed:
            print("no entities followed yet: broadsheet follow NAME", file=sys.stderr)
        for each in followed if not args.json else ():
            say(each.key)
        return EXIT_OK
    with _catalog(paths) as catalog:
        keys = catalog.resolve(args.name)
        if len(keys) > 1:
            _one_entity(catalog, args.name)  # says which they are
    # An entity no article names yet may be followed: its articles come with refreshes.
    key = keys[0] if keys else " ".join(args.name.split())
    each, new = follow_entity(paths, key)
    if args.json:
        print_json({"key": each.key, "search": each.search.name, "new": new})
    else:
        said = "following" if new else "already following"
        say(f"{said} {each.key!r}" + ("" if keys else " (no article names it yet)"))
    return EXIT_OK


def run_unfollow(args: argparse.Namespace) -> int:
    from store.entities.follow import unfollow_entity
    from tui.cli.common import EXIT_OK, UsageError, prepare_home, print_json, say

    paths = prepare_home(args)
    found = unfollow_entity(paths, " ".join(args.name.split()))
    if found is None:
        with _catalog(paths) as catalog:
            keys = catalog.resolve(args.name)
        found = unfollow_entity(paths, keys[0]) if len(keys) == 1 else None
    if found is None:
        raise UsageError(f"{args.name!r} is not followed")
    if args.json:
        print_json({"key": found.key, "search": found.search.name})
    else:
        say(f"no longer following {found.key!r}")
    return EXIT_OK


# Today's entities (``entities --top``, registered in tui/cli/entity_commands.py)


def run_top(args: argparse.Namespace) -> int:
    from datetime import UTC, datetime

    from store.entities.top import top_entities
    from store.search import QueryError, parse
    from store.search.plan import cutoff
    from store.search.query import Field
    from tui.cli.common import EXIT_OK, UsageError, plural, prepare_home, print_json, say

    if not args.top:
        raise UsageError("give an ARTICLE_ID, or --top for the most-named entities")
    if args.article_id is not None:
        raise UsageError("--top lists the entities of every article: give no ARTICLE_ID")
    if args.limit < 0:
        raise UsageError("--limit must be 0 or more")
    try:
        # The ages and dates of the search language's newer:, read as it reads them.
        since_text = parse(f"newer:{args.since}")
    except QueryError:
        raise UsageError(
            f"--since takes an age (12h, 7d, 2w, 1y) or a date (YYYY-MM-DD), not {args.since!r}"
        ) from None
    assert isinstance(since_text, Field)
    paths = prepare_home(args)  # first: a new home's first articles are of this moment
    until = datetime.now(UTC).replace(microsecond=0)
    since = datetime.fromisoformat(cutoff(since_text.value, until) or "0001-01-01")
    since = since if since.tzinfo else since.replace(tzinfo=UTC)
    if since >= until:
        raise UsageError(f"--since {args.since} is not in the past")
    with _catalog(paths) as catalog:
        top = top_entities(catalog, since, until, limit=args.limit or None)
    before = since - (until - since)
    if args.json:
        print_json(
            {
                "since": top.since.isoformat(),
                "until": top.until.isoformat(),
                "previous_since": before.isoformat(),
                "articles": top.articles,
                "entities": [
                    {
                        "key": entity.key,
                        "label": entity.label,
                        "articles": entity.articles,
                        "mentions": entity.mentions,
                        "previous": entity.previous,
                        "change": entity.change,
                    }
                    for entity in top.entities
                ],
            }
        )
        return EXIT_OK
    print(
        f"Most named since {since:%Y-%m-%d %H:%M} UTC ({plural(top.articles, 'article')}), "
        f"against the same time before"
    )
    if not top.entities:
        print("no article of the period names an entity", file=sys.stderr)
    width = max((len(entity.key) for entity in top.entities), default=0)
    for rank, entity in enumerate(top.entities, 1):
        change = f"{entity.change:+d}" if entity.previous else "new"
        say(f"{rank:>3}  {entity.key:<{width}}  {entity.label.lower():<6}  "
            f"{entity.articles:>5}  {change}")  # fmt: skip
    return EXIT_OK
