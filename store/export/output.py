"""Writing exports to files: atomically (never a half-written file), in three formats."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from store.annotations.model import Highlight
from store.db import write_atomically
from store.export import markdown, readwise_csv, w3c
from store.export.filenames import unique_names
from store.export.select import group_by_article
from store.models import Article

ExportFormat = Literal["markdown", "json", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("markdown", "json", "csv")
EXTENSIONS: dict[ExportFormat, str] = {"markdown": "md", "json": "json", "csv": "csv"}
DEFAULT_NAME = "broadsheet-highlights"


def render(
    export_format: ExportFormat,
    highlights: Sequence[Highlight],
    articles: Mapping[str, Article] | None = None,
) -> bytes:
    """The whole export as one document."""
    articles = articles or {}
    if export_format == "markdown":
        return markdown.render_collection(highlights, articles).encode("utf-8")
    if export_format == "json":
        return w3c.render(highlights, articles)
    return readwise_csv.render(highlights, articles)


def export_markdown_files(
    highlights: Sequence[Highlight],
    folder: Path,
    articles: Mapping[str, Article] | None = None,
) -> list[Path]:
    """One Markdown file per article in ``folder``, named after its headline."""
    groups = group_by_article(highlights, articles or {})
    names = unique_names([(info.id, info.title) for info, _ in groups], "md")
    written: list[Path] = []
    for info, group in groups:
        path = folder / names[info.id]
        write_atomically(path, markdown.render_article(info, group).encode("utf-8"))
        written.append(path)
    return written


def export_to_folder(
    export_format: ExportFormat,
    highlights: Sequence[Highlight],
    folder: Path,
    articles: Mapping[str, Article] | None = None,
    name: str = DEFAULT_NAME,
) -> Path:
    """Export into ``folder`` and return where it went: for JSON and CSV the file
    ``{name}.json``/``{name}.csv``; for Markdown the article's file when there is one article,
    else the folder, which then holds one file per article."""
    if export_format == "markdown":
        written = export_markdown_files(highlights, folder, articles)
        return written[0] if len(written) == 1 else folder
    path = folder / f"{name}.{EXTENSIONS[export_format]}"
    write_atomically(path, render(export_format, highlights, articles))
    return path


def export_to_path(
    export_format: ExportFormat,
    highlights: Sequence[Highlight],
    target: Path,
    articles: Mapping[str, Article] | None = None,
    *,
    as_folder: bool = False,
) -> Path:
    """Export to ``target``: a folder if it is one (or ``as_folder``), else a file."""
    if as_folder or target.is_dir():
        return export_to_folder(export_format, highlights, target, articles)
    write_atomically(target, render(export_format, highlights, articles))
    return target
