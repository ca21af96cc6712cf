"""Highlights and notes: the model, anchoring into the canonical text, and the durable store."""

from store.annotations.anchoring import Anchor, Placement, anchor_span, place
from store.annotations.highlight_store import (
    HighlightNotFoundError,
    HighlightStore,
    ImportReport,
    ReanchorReport,
    UnreadableHighlight,
)
from store.annotations.model import (
    COLOURS,
    DEFAULT_COLOUR,
    Colour,
    Highlight,
    InvalidHighlightError,
    highlight_from_record,
)

__all__ = [
    "COLOURS",
    "DEFAULT_COLOUR",
    "Anchor",
    "Colour",
    "Highlight",
    "HighlightNotFoundError",
    "HighlightStore",
    "ImportReport",
    "InvalidHighlightError",
    "Placement",
    "ReanchorReport",
    "UnreadableHighlight",
    "anchor_span",
    "highlight_from_record",
    "place",
]
