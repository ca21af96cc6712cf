"""W3C Web Annotation Data Model (JSON-LD): export, and import of what was exported.

Each highlight becomes an ``Annotation`` whose target is its article's URL with a
TextPositionSelector and a TextQuoteSelector, whose bodies are TextualBody resources (the note
with purpose "commenting", each tag with purpose "tagging"), and whose colour is a CSS class
on the target (``styleClass``, with a matching ``stylesheet``). Fields the model has no place
for (the article's id and headline, the body hash, orphan state) are extension properties
named by full IRIs under ``BROADSHEET_NS``, which keeps the plain annotation context valid.
The annotations are wrapped in an ``AnnotationCollection`` with one embedded page. The user's
corrections to the entities (``store.entities.corrections``), user data with no place in the
model, ride along on the collection as the extension property ``entityCorrections`` (only when
there are any), each in the form ``broadsheet entity corrections --json`` gives.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from store.annotations.model import (
    COLOURS,
    DEFAULT_COLOUR,
    ORPHAN_NOT_IN_LIBRARY,
    ORPHAN_NOT_PLACED,
    Colour,
    Highlight,
    InvalidHighlightError,
    cleaned,
    highlight_from_record,
    utc_timestamp,
    utc_timestamp_of,
)
from store.db import StoreError
from store.export.select import in_export_order
from store.models import Article
from store.text import clean_inline, escape_json_controls, short_repr, strip_controls

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
ENTITY_CORRECTIONS = BROADSHEET_NS + "entityCorrections"


class AnnotationFormatError(StoreError):
    """The file is not a Web Annotation document we can read."""


class InvalidAnnotationError(AnnotationFormatError):
    """One annotation in the document cannot be imported; the message says why."""


@dataclass(frozen=True, slots=True)
class RefusedAnnotation:
    """An annotation an import left out, and why."""

    label: str
    """Its id, or its place in the document ("annotation 3") when it has none."""
    reason: str

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"


@dataclass(frozen=True, slots=True)
class AnnotationImport:
    """What a document held: the highlights read from it, and the annotations refused."""

    highlights: list[Highlight]
    refused: list[RefusedAnnotation]


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
    highlights: Iterable[Highlight],
    articles: Mapping[str, Article] | None = None,
    corrections: Sequence[Mapping[str, Any]] = (),
) -> dict[str, Any]:
    items = [to_annotation(h) for _, h in in_export_order(highlights, articles or {})]
    collection = {
        "@context": ANNOTATION_CONTEXT,
        "type": "AnnotationCollection",
        "label": "Broadsheet highlights",
        "total": len(items),
        "first": {"type": "AnnotationPage", "startIndex": 0, "items": items},
    }
    if corrections:
        collection[ENTITY_CORRECTIONS] = [dict(correction) for correction in corrections]
    return collection


def render(
    highlights: Iterable[Highlight],
    articles: Mapping[str, Article] | None = None,
    corrections: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """The collection's JSON; ``corrections``: the entity corrections to carry (their
    ``public()`` form)."""
    # The same JSON, but with nothing in it a terminal would act on when the file is shown.
    document = orjson.dumps(
        to_collection(highlights, articles, corrections), option=orjson.OPT_INDENT_2
    )
    return escape_json_controls(document) + b"\n"


def _annotation_iri(highlight_id: str) -> str:
    try:
        return UUID_URN + str(uuid.UUID(highlight_id))
    except ValueError:
        return highlight_id


# Import
#
# The document comes from anywhere: every field is checked for its type and range, and text is
# cleaned of control characters and escape sequences before it is kept. One annotation that
# cannot be read is refused by its id; the others are imported.

_CONTAINERS = ("AnnotationPage", "AnnotationCollection")


def read_annotations(
    data: bytes,
    find_article_by_url: Callable[[str], Article | None] | None = None,
) -> AnnotationImport:
    """The highlights in a Web Annotation document: a collection (its embedded pages), a
    page, one annotation, or a list of annotations. Annotations written by other tools are
    kept too: they lack our extension fields, so they arrive as orphans of the URL they target
    unless ``find_article_by_url`` knows the article. An annotation that cannot be read is
    refused, with the reason; a document that is not one raises AnnotationFormatError."""
    try:
        document = orjson.loads(data)
    except orjson.JSONDecodeError as error:
        raise AnnotationFormatError(f"not JSON: {error}") from None
    highlights: list[Highlight] = []
    refused: list[RefusedAnnotation] = []
    for position, item in enumerate(_annotations(document), 1):
        try:
            highlights.append(from_annotation(item, find_article_by_url))
        except InvalidAnnotationError as problem:
            refused.append(RefusedAnnotation(_label(item, position), str(problem)))
    return AnnotationImport(highlights, refused)


def parse(
    data: bytes,
    find_article_by_url: Callable[[str], Article | None] | None = None,
) -> list[Highlight]:
    """As :func:`read_annotations`, for a document that must be read whole: the first
    annotation refused raises AnnotationFormatError, naming it."""
    result = read_annotations(data, find_article_by_url)
    if result.refused:
        raise AnnotationFormatError(f"annotation {result.refused[0]}")
    return result.highlights


def _annotations(document: Any) -> list[Any]:
    """The annotations of a document, in order, and anything standing where one should be
    (which :func:`from_annotation` then refuses). Walked with a stack, not recursion: the
    JSON may nest as deep as the parser allows."""
    if not isinstance(document, dict | list):
        raise AnnotationFormatError("expected a JSON object or list")
    kind = document.get("type") if isinstance(document, dict) else None
    if isinstance(document, dict) and kind != "Annotation" and kind not in _CONTAINERS:
        raise AnnotationFormatError(
            f"expected an Annotation or AnnotationCollection, not {short_repr(kind)}"
        )
    found: list[Any] = []
    pending: list[Any] = [document]
    while pending:
        entry = pending.pop()
        kind = entry.get("type") if isinstance(entry, dict) else None
        if isinstance(entry, list):
            pending.extend(reversed(entry))
        elif kind == "AnnotationPage":
            following, items = entry.get("next"), entry.get("items")
            if isinstance(following, dict):
                pending.append(following)  # an embedded next page; a link to one is not read
            if isinstance(items, list):
                pending.append(items)
        elif kind == "AnnotationCollection":
            first = entry.get("first")
            if isinstance(first, dict):
                pending.append(first)
        else:
            found.append(entry)
    return found


def from_annotation(
    annotation: Any,
    find_article_by_url: Callable[[str], Article | None] | None = None,
) -> Highlight:
    """The highlight one annotation describes (InvalidAnnotationError if it cannot be one)."""
    if not isinstance(annotation, dict):
        raise InvalidAnnotationError(f"{short_repr(annotation)} is not an annotation")
    if annotation.get("type") != "Annotation":
        kind = short_repr(annotation.get("type"))
        raise InvalidAnnotationError(f'its type is {kind}, not "Annotation"')
    target = annotation.get("target")
    if isinstance(target, list):
        target = target[0] if target else None
    if not isinstance(target, dict):
        raise InvalidAnnotationError("it has no target with selectors")
    source = clean_inline(_text(target, "source", "its target's source"))
    selectors = target.get("selector") or []
    if isinstance(selectors, dict):
        selectors = [selectors]
    if not isinstance(selectors, list):
        raise InvalidAnnotationError(f"its selector is {short_repr(selectors)}")
    position = _selector(selectors, "TextPositionSelector")
    quote = _selector(selectors, "TextQuoteSelector")
    exact = _text(quote or {}, "exact", "its quote")
    if not strip_controls(exact).strip():
        raise InvalidAnnotationError("it has no TextQuoteSelector with the quoted text")
    notes, tags = _bodies(annotation.get("body"))

    url = None if source.startswith(ARTICLE_URN) else source or None
    article_id = _text(annotation, _ARTICLE_ID, "its article id")
    orphaned = annotation.get(_ORPHANED, False)
    if not isinstance(orphaned, bool):
        raise InvalidAnnotationError(f"its orphaned flag is {short_repr(orphaned)}")
    orphan_reason = _text(annotation, _ORPHAN_REASON, "its orphan reason")
    title = _text(annotation, _ARTICLE_TITLE, "its headline")
    if not clean_inline(article_id):
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
    identifier = clean_inline(_text(annotation, "id", "its id"))
    if identifier.startswith(UUID_URN):
        identifier = identifier[len(UUID_URN) :]
    created = _timestamp(annotation, "created") or utc_timestamp()
    # Checked with the rest of the record: any value may stand here.
    start: object = position.get("start") if position else 0
    end: object = position.get("end") if position else len(strip_controls(exact))
    record = {
        "id": identifier or str(uuid.uuid4()),
        "article_id": article_id,
        "article_title": title or (url or ""),
        "article_url": url,
        "start": start,
        "end": end,
        "exact": exact,
        "prefix": _text(quote or {}, "prefix", "its quote's prefix"),
        "suffix": _text(quote or {}, "suffix", "its quote's suffix"),
        "body_hash": _text(annotation, _BODY_HASH, "its body hash"),
        "created": created,
        "modified": _timestamp(annotation, "modified") or created,
        "note": "\n\n".join(notes),
        "tags": tags,
        "colour": _colour(target.get("styleClass")),
        "orphaned": orphaned,
        "orphan_reason": orphan_reason or None,
    }
    try:
        return cleaned(highlight_from_record(record))
    except InvalidHighlightError as problem:
        raise InvalidAnnotationError(str(problem)) from None


def _bodies(bodies: Any) -> tuple[list[str], list[str]]:
    """The notes and the tags in an annotation's bodies, cleaned."""
    if bodies is None:
        return [], []
    if isinstance(bodies, dict | str):
        bodies = [bodies]
    if not isinstance(bodies, list):
        raise InvalidAnnotationError(f"its body is {short_repr(bodies)}, not a TextualBody")
    notes: list[str] = []
    tags: list[str] = []
    for body in bodies:
        if isinstance(body, str):
            continue  # an IRI body (an external resource) carries no text to keep
        if not isinstance(body, dict):
            raise InvalidAnnotationError(f"a body is {short_repr(body)}, not a TextualBody")
        value = _text(body, "value", "a body's value")
        (tags if body.get("purpose") == "tagging" else notes).append(value)
    return [note for note in notes if strip_controls(note).strip()], tags


def _text(holder: dict[str, Any], name: str, what: str) -> str:
    """A field that must be text when present (empty when absent or null)."""
    value = holder.get(name)
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidAnnotationError(f"{what} is {short_repr(value)}, not text")
    return value


def _timestamp(annotation: dict[str, Any], name: str) -> str | None:
    """``created`` or ``modified`` in our form (UTC, milliseconds), so it sorts among ours."""
    value = _text(annotation, name, f"its {name} time")
    if not value:
        return None
    try:
        return utc_timestamp_of(value.strip())
    except ValueError:
        raise InvalidAnnotationError(
            f"its {name} time is {short_repr(value)}, not an ISO 8601 date and time"
        ) from None


def _label(item: Any, position: int) -> str:
    """How a refused annotation is named: its id when it has one, else its place."""
    identifier = item.get("id") if isinstance(item, dict) else None
    if isinstance(identifier, str) and clean_inline(identifier):
        return clean_inline(identifier)[:120]
    return f"annotation {position} (it has no id)"


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
