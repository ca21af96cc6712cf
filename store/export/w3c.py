"""W3C Web Annotation Data Model (JSON-LD): export, and import of what was exported.

Each highlight becomes an ``Annotation`` whose target is its article's URL with a
TextPositionSelector and a TextQuoteSelector, whose bodies are TextualBody resources (the note
with purpose "commenting", each tag with purpose "tagging"), and whose colour is a CSS class
on the target (``styleClass``, with a matching ``stylesheet``). Fields the model has no place
for (the article's id and headline, the body hash, orphan state) are extension properties
named by full IRIs under ``BROADSHEET_NS``, which keeps the plain annotation context valid.
The annotations are wrapped in an ``AnnotationCollection`` with one embedded page.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import orjson

from store.annotations.model import (
    COLOURS,
    DEFAULT_COLOUR,
    ORPHAN_NOT_IN_LIBRARY,
    ORPHAN_NOT_PLACED,
    Colour,
    Highlight,
    merge_tags,
    utc_timestamp,
)
from store.db import StoreError
from store.export.select import in_export_order
from store.models import Article

ANNOTATION_CONTEXT = "http://www.w3.org/ns/anno.jsonld"
BROADSHEET_NS = "https://broadsheet.invalid/ns#"
ARTICLE_URN = "urn:broadsheet:article:"
UUID_URN = "urn:uuid:"
STYLESHEET = " ".join(f".{colour} {{ background-color: {colour}; }}" for colour in COLOURS)

_ARTICLE_ID = BROADSHEET_NS + "articleId"
_ARTICLE_TITLE = BROADSHEET_NS + "articleTitle"
_BODY_HASH = BROADSHEET_NS + "bodyHash"
_ORPHANED = BROADSHEET_NS + "orphaned"
_ORPHAN_REASON = BROADSHEET_NS + "orphanReason"


class AnnotationFormatError(StoreError):
    """The file is not a Web Annotation document we can read."""


def to_annotation(highlight: Highlight) -> dict[str, Any]:
    bodies: list[dict[str, Any]] = []
    if highlight.note:
        bodies.append(
            {
                "type": "TextualBody",
                "value": highlight.note,
                "format": "text/plain",
                "purpose": "commenting",
            }
        )
    bodies.extend(
        {"type": "TextualBody", "value": tag, "purpose": "tagging"} for tag in highlight.tags
    )
    annotation: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "id": _annotation_iri(highlight.id),
        "type": "Annotation",
        "motivation": "commenting" if highlight.note else "highlighting",
        "created": highlight.created,
        "modified": highlight.modified,
    }
    if bodies:
        annotation["body"] = bodies
    annotation["target"] = {
        "source": highlight.article_url or ARTICLE_URN + highlight.article_id,
        "selector": [
            {"type": "TextPositionSelector", "start": highlight.start, "end": highlight.end},
            {
                "type": "TextQuoteSelector",
                "exact": highlight.exact,
                "prefix": highlight.prefix,
                "suffix": highlight.suffix,
            },
        ],
        "styleClass": highlight.colour,
    }
    annotation["stylesheet"] = {"type": "CssStylesheet", "value": STYLESHEET}
    annotation[_ARTICLE_ID] = highlight.article_id
    annotation[_ARTICLE_TITLE] = highlight.article_title
    annotation[_BODY_HASH] = highlight.body_hash
    annotation[_ORPHANED] = highlight.orphaned
    if highlight.orphan_reason is not None:
        annotation[_ORPHAN_REASON] = highlight.orphan_reason
    return annotation


def to_collection(
    highlights: Iterable[Highlight], articles: Mapping[str, Article] | None = None
) -> dict[str, Any]:
    items = [to_annotation(h) for _, h in in_export_order(highlights, articles or {})]
    return {
        "@context": ANNOTATION_CONTEXT,
        "type": "AnnotationCollection",
        "label": "Broadsheet highlights",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }


def render(highlights: Iterable[Highlight], articles: Mapping[str, Article] | None = None) -> bytes:
    return orjson.dumps(to_collection(highlights, articles), option=orjson.OPT_INDENT_2) + b"\n"


def _annotation_iri(highlight_id: str) -> str:
    try:
        return UUID_URN + str(uuid.UUID(highlight_id))
    except ValueError:
        return highlight_id


# Import


def parse(
    data: bytes,
    find_article_by_url: Callable[[str], Article | None] | None = None,
) -> list[Highlight]:
    """The highlights in a Web Annotation document: a collection (its embedded pages), a
    page, one annotation, or a list of annotations. Annotations written by other tools are
    kept too: they lack our extension fields, so they arrive as orphans of the URL they target
    unless ``find_article_by_url`` knows the article."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise AnnotationFormatError(f"not JSON: {error}") from None
    return [
        from_annotation(annotation, find_article_by_url) for annotation in _annotations(document)
    ]


def _annotations(document: Any) -> list[dict[str, Any]]:
    if isinstance(document, list):
        return [item for entry in document for item in _annotations(entry)]
    if not isinstance(document, dict):
        raise AnnotationFormatError("expected a JSON object or list")
    kind = document.get("type")
    if kind == "Annotation":
        return [document]
    if kind == "AnnotationPage":
        items = document.get("items", [])
        page = _annotations(items) if isinstance(items, list) else []
        following = document.get("next")
        return page + (_annotations(following) if isinstance(following, dict) else [])
    if kind == "AnnotationCollection":
        first = document.get("first")
        return _annotations(first) if isinstance(first, dict) else []
    raise AnnotationFormatError(f"expected an Annotation or AnnotationCollection, not {kind!r}")


def from_annotation(
    annotation: dict[str, Any],
    find_article_by_url: Callable[[str], Article | None] | None = None,
) -> Highlight:
    target = annotation.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if not isinstance(target, dict):
        raise AnnotationFormatError(f"annotation {annotation.get('id')!r} has no target")
    source = str(target.get("source") or "")
    selectors = target.get("selector") or []
    if isinstance(selectors, dict):
        selectors = [selectors]
    position = _selector(selectors, "TextPositionSelector")
    quote = _selector(selectors, "TextQuoteSelector")
    if quote is None or not quote.get("exact"):
        raise AnnotationFormatError(f"annotation {annotation.get('id')!r} has no TextQuoteSelector")
    exact = str(quote["exact"])
    bodies = annotation.get("body") or []
    if isinstance(bodies, dict | str):
        bodies = [bodies]
    notes: list[str] = []
    tags: list[str] = []
    for body in bodies:
        if isinstance(body, str):
            continue  # an IRI body (an external resource) carries no text to keep
        value = str(body.get("value") or "")
        (tags if body.get("purpose") == "tagging" else notes).append(value)

    url = None if source.startswith(ARTICLE_URN) else source or None
    article_id = annotation.get(_ARTICLE_ID)
    orphaned = bool(annotation.get(_ORPHANED, False))
    orphan_reason = annotation.get(_ORPHAN_REASON)
    title = str(annotation.get(_ARTICLE_TITLE) or "")
    if article_id is None:
        article = find_article_by_url(url) if url and find_article_by_url else None
        if source.startswith(ARTICLE_URN):
            article_id = source[len(ARTICLE_URN) :]
        elif article is not None:
            article_id, title = article.id, title or article.title
        else:
            article_id = source
        # Another tool's positions may index a different text: until the highlight is placed
        # by its quote (``HighlightStore.reanchor_article``), it is an orphan.
        orphaned = True
        orphan_reason = ORPHAN_NOT_PLACED if article is not None else ORPHAN_NOT_IN_LIBRARY
    identifier = str(annotation.get("id") or "")
    if identifier.startswith(UUID_URN):
        identifier = identifier[len(UUID_URN) :]
    created = str(annotation.get("created") or utc_timestamp())
    start = int(position["start"]) if position else 0
    end = int(position["end"]) if position else start + len(exact)
    return Highlight(
        id=identifier or str(uuid.uuid4()),
        article_id=str(article_id),
        article_title=title or (url or ""),
        article_url=url,
        start=start,
        end=end,
        exact=exact,
        prefix=str(quote.get("prefix") or ""),
        suffix=str(quote.get("suffix") or ""),
        body_hash=str(annotation.get(_BODY_HASH) or ""),
        created=created,
        modified=str(annotation.get("modified") or created),
        note="\n\n".join(notes),
        tags=merge_tags(tags),
        colour=_colour(target.get("styleClass")),
        orphaned=orphaned,
        orphan_reason=str(orphan_reason) if orphan_reason is not None else None,
    )


def _selector(selectors: list[Any], kind: str) -> dict[str, Any] | None:
    for selector in selectors:
        if isinstance(selector, dict) and selector.get("type") == kind:
            return selector
    return None


def _colour(style_class: object) -> Colour:
    for colour in COLOURS:
        if colour == style_class:
            return colour
    return DEFAULT_COLOUR
