"""Writing exports to files: atomically (never a half-written file), in three formats."""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from store.annotations.model import Highlight
from store.db import StoreError, write_atomically
from store.export import markdown, readwise_csv, w3c
from store.export.filenames import unique_names
from store.export.select import group_by_article
from store.models import Article

ExportFormat = Literal["markdown", "json", "csv"]
EXPORT_FORMATS: tuple[ExportFormat, ...] = ("markdown", "json", "csv")
EXTENSIONS: dict[ExportFormat, str] = {"markdown": "md", "json": "json", "csv": "csv"}
DEFAULT_NAME = "broadsheet-highlights"
# Where the system keeps devices and views of open files (/dev/stdout, /proc/self/fd/1):
# a file there is written as the shell's ``>>`` would, never replaced.
_SYSTEM_FOLDERS = frozenset({"dev", "proc"})
_MAX_LINK_HOPS = 40


class OutputError(StoreError):
    """The path named for an export is not something an export can be written to."""


def write_output(target: Path, data: bytes) -> None:
    """Write ``data`` to a path the user named, as they meant it.

    A regular file, or a path not there yet, is replaced atomically (never half-written);
    through a symbolic link, so the link stays one. A character device or a FIFO
    (``/dev/stdout``, ``/dev/null``, a pipe someone reads) is written to in place, as is
    anything under /dev or /proc: replacing it would turn ``/dev/null`` into a file for
    everyone (as root) or fail (as anyone else). A folder, a block device or a socket is
    refused with :class:`OutputError`.
    """
    try:
        mode: int | None = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    if mode is not None and stat.S_ISDIR(mode):
        raise OutputError(f"{target} is a folder; name a file to write")
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISCHR(mode) or stat.S_ISFIFO(mode)):
        kind = "block device" if stat.S_ISBLK(mode) else "socket or special file"
        raise OutputError(f"{target} is a {kind}; name a regular file to write")
    if mode is None or (stat.S_ISREG(mode) and not _in_system_folder(target)):
        write_atomically(target.resolve(), data)
        return
    # Appending neither creates nor truncates: stdout redirected with ``>>`` keeps what it had.
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_APPEND), "wb") as stream:
        stream.write(data)


def _in_system_folder(path: Path) -> bool:
    """Whether ``path``, or a link it leads through, is under /dev or /proc (/dev/stdout is
    a link to /proc/self/fd/1, itself a link to wherever standard output goes)."""
    hop = path.absolute()
    for _ in range(_MAX_LINK_HOPS):
        if len(hop.parts) > 1 and hop.parts[1] in _SYSTEM_FOLDERS:
            return True
        if not hop.is_symlink():
            return False
        hop = hop.parent / os.readlink(hop)
    return False


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
    write_output(target, render(export_format, highlights, articles))
    return target
