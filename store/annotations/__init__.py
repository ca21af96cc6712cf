"""Highlights and notes: the model, anchoring into the canonical text, and the durable store."""

from store.annotations.anchoring import Anchor, Placement, anchor_span, place
from store.annotations.highlight_store import (
    HighlightNotFoundError,
    HighlightStore,
    ImportReport,
    ReanchorReport,
)
from store.annotations.model import COLOURS, DEFAULT_COLOUR, Colour, Highlight

__all__ = [
    "COLOURS",
    "DEFAULT_COLOUR",
    "Anchor",
    "Colour",
    "Highlight",
    "HighlightNotFoundError",
    "HighlightStore",
    "ImportReport",
    "Placement",
    "ReanchorReport",
    "anchor_span",
    "place",
]
