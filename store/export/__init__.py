"""Exports of highlights: Markdown, W3C Web Annotation JSON-LD, Readwise-style CSV."""

from store.export.output import (
    EXPORT_FORMATS,
    ExportFormat,
    export_markdown_files,
    export_to_folder,
    export_to_path,
    render,
)
from store.export.select import (
    HighlightFilter,
    SkippedHighlight,
    parse_day,
    select_highlights,
    split_exportable,
)

__all__ = [
    "EXPORT_FORMATS",
    "ExportFormat",
    "HighlightFilter",
    "SkippedHighlight",
    "export_markdown_files",
    "export_to_folder",
    "export_to_path",
    "parse_day",
    "render",
    "select_highlights",
    "split_exportable",
]
