"""Writing exports to files: atomically (never a half-written file, not even one a kill
leaves behind), with the user's permissions, in three formats; Markdown files keep what the
user wrote in them (:mod:`store.export.markdown_merge`)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from store.annotations.model import Highlight
from store.atomic_files import USER_FILE_MODE, remove_abandoned_temporaries, write_atomically
from store.db import StoreError
from store.export import markdown, readwise_csv, w3c
from store.export.filenames import unique_names
from store.export.markdown_merge import UnmergeableFileError, merge
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


class FilesLeftAloneError(OutputError):
    """Some files of a Markdown export could not be rewritten safely; the others were."""

    def __init__(self, problems: list[str], written: list[Path]) -> None:
        others = f"; the other {len(written)} were written" if written else ""
        super().__init__("; ".join(problems) + others)
        self.problems = problems
        self.written = written


def write_output(
    target: Path,
    data: bytes,
    *,
    merge_into: Callable[[bytes], bytes] | None = None,
    clear_leftovers: bool = True,
) -> None:
    """Write ``data`` to a path the user named, as they meant it.

    A regular file, or a path not there yet, is replaced atomically (never half-written);
    through a symbolic link, so the link stays one. A character device or a FIFO
    (``/dev/stdout``, ``/dev/null``, a pipe someone reads) is written to in place, as is
    anything under /dev or /proc: replacing it would turn ``/dev/null`` into a file for
    everyone (as root) or fail (as anyone else). A folder, a block device or a socket is
    refused with :class:`OutputError`. A regular file that is there already is replaced by
    ``merge_into(what it holds)`` when that is given. What killed exports of the file left
    beside it is cleared first, unless the caller did (``clear_leftovers``).
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
        resolved = target.resolve()
        if mode is not None and merge_into is not None:
            data = merge_into(resolved.read_bytes())
        if clear_leftovers:
            remove_abandoned_temporaries(resolved.parent, [resolved.name])
        replace_file(resolved, data)
        return
    # Appending neither creates nor truncates: stdout redirected with ``>>`` keeps what it had.
    with os.fdopen(os.open(target, os.O_WRONLY | os.O_APPEND), "wb") as stream:
        stream.write(data)


def replace_file(path: Path, data: bytes) -> None:
    """Replace a file of the user's: atomically, with the permissions their umask gives
    new files."""
    write_atomically(path, data, mode=USER_FILE_MODE)


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
    *,
    corrections: Sequence[Mapping[str, Any]] = (),
) -> bytes:
    """The whole export as one document; JSON carries the entity ``corrections`` too."""
    articles = articles or {}
    if export_format == "markdown":
        return markdown.render_collection(highlights, articles).encode("utf-8")
    if export_format == "json":
        return w3c.render(highlights, articles, corrections)
    return readwise_csv.render(highlights, articles)


def export_markdown_files(
    highlights: Sequence[Highlight],
    folder: Path,
    articles: Mapping[str, Article] | None = None,
) -> list[Path]:
    """One Markdown file per article in ``folder`` (made if missing), named after its
    headline. A file that is there already keeps what the user wrote in it; one that cannot be
    rewritten safely is left as it is, and :class:`FilesLeftAloneError` names it once the
    others are written."""
    groups = group_by_article(highlights, articles or {})
    names = unique_names([(info.id, info.title) for info, _ in groups], "md")
    folder.mkdir(parents=True, exist_ok=True)
    remove_abandoned_temporaries(folder, names.values())  # one look for every file
    written: list[Path] = []
    problems: list[str] = []
    for info, group in groups:
        path = folder / names[info.id]
        try:
            write_markdown(path, markdown.article_document(info, group), clear_leftovers=False)
        except UnmergeableFileError as problem:
            problems.append(str(problem))
            continue
        written.append(path)
    if problems:
        raise FilesLeftAloneError(problems, written)
    return written


def write_markdown(
    target: Path, document: markdown.MarkdownDocument, *, clear_leftovers: bool = True
) -> None:
    """Write ``document`` to ``target``, into what the file holds if it is there already."""
    write_output(
        target,
        document.text().encode("utf-8"),
        merge_into=lambda existing: merge(existing, document, str(target)),
        clear_leftovers=clear_leftovers,
    )


def export_to_folder(
    export_format: ExportFormat,
    highlights: Sequence[Highlight],
    folder: Path,
    articles: Mapping[str, Article] | None = None,
    name: str = DEFAULT_NAME,
    *,
    corrections: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Export into ``folder`` and return where it went: for JSON and CSV the file
    ``{name}.json``/``{name}.csv``; for Markdown the article's file when there is one article,
    else the folder, which then holds one file per article."""
    if export_format == "markdown":
        written = export_markdown_files(highlights, folder, articles)
        return written[0] if len(written) == 1 else folder
    path = folder / f"{name}.{EXTENSIONS[export_format]}"
    folder.mkdir(parents=True, exist_ok=True)
    remove_abandoned_temporaries(folder, [path.name])
    replace_file(path, render(export_format, highlights, articles, corrections=corrections))
    return path


def export_to_path(
    export_format: ExportFormat,
    highlights: Sequence[Highlight],
    target: Path,
    articles: Mapping[str, Article] | None = None,
    *,
    as_folder: bool = False,
    corrections: Sequence[Mapping[str, Any]] = (),
) -> Path:
    """Export to ``target``: a folder if it is one (or ``as_folder``), else a file. For
    Markdown, a path not there yet whose name has no extension is a folder, made now (a
    vault's folder, one file per article); ``notes.md`` is one file."""
    if as_folder or target.is_dir() or is_new_markdown_folder(export_format, target):
        return export_to_folder(
            export_format, highlights, target, articles, corrections=corrections
        )
    if export_format == "markdown":
        write_markdown(target, markdown.collection_document(highlights, articles or {}))
    else:
        write_output(target, render(export_format, highlights, articles, corrections=corrections))
    return target


def is_new_markdown_folder(export_format: ExportFormat, target: Path) -> bool:
    return export_format == "markdown" and not target.suffix and not os.path.lexists(target)
