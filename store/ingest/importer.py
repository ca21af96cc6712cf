"""Importing seed files and folders into the library, idempotently."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

from store.ingest.decoding import UnreadableTextError, read_regular_file
from store.ingest.seeds import MARKDOWN_SUFFIXES, ParsedSeed, SeedError, parse_seed
from store.library import Library, SaveOutcome
from store.models import Article
from store.structure import StructuredText
from store.text import content_hash

SEED_SUFFIXES = frozenset({".txt", ".text"}) | MARKDOWN_SUFFIXES
LOCAL_SOURCE = "Local file"


@dataclass
class ImportReport:
    new: list[Article] = field(default_factory=list)
    updated: list[Article] = field(default_factory=list)
    unchanged: list[Article] = field(default_factory=list)
    failures: list[tuple[Path, str]] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return len(self.new) + len(self.updated) + len(self.unchanged)


def seed_article(parsed: ParsedSeed, origin: str) -> tuple[Article, StructuredText]:
    """The article and canonical body for a parsed seed; the id derives from the content."""
    body = parsed.body
    article = Article(
        id=content_hash(f"{parsed.title}\n{parsed.standfirst}\n{body.text}")[:16],
        title=parsed.title,
        body_hash="",
        source=parsed.source or LOCAL_SOURCE,
        url=parsed.url,
        author=parsed.author,
        published=parsed.published,
        standfirst=parsed.standfirst,
        title_derived=parsed.title_derived,
        credit=parsed.credit,
        origin=origin,
    )
    return article, body


def find_seed_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files named directly are taken whatever their suffix; folders are searched for text."""
    for path in paths:
        if path.is_dir():
            for candidate in sorted(path.rglob("*")):
                hidden = any(part.startswith(".") for part in candidate.relative_to(path).parts)
                if candidate.is_file() and not hidden and candidate.suffix.lower() in SEED_SUFFIXES:
                    yield candidate
        else:
            yield path


def import_seeds(
    library: Library,
    paths: Iterable[Path],
    on_file: Callable[[Path], None] | None = None,
) -> ImportReport:
    """Import every seed file under ``paths``; a bad file is reported and the rest go on.

    Only regular files are read, and only up to the size limit of text files: a FIFO would
    hang the import and a link to /dev/zero would fill the memory."""
    report = ImportReport()
    by_origin: dict[str, str] | None = None
    for path in find_seed_files(paths):
        if on_file is not None:
            on_file(path)
        try:
            parsed = parse_seed(read_regular_file(path), path.name)
        except FileNotFoundError:
            report.failures.append((path, "no such file or folder"))
            continue
        except (SeedError, UnreadableTextError, OSError) as problem:
            report.failures.append((path, getattr(problem, "strerror", None) or str(problem)))
            continue
        article, body = seed_article(parsed, str(path.resolve()))
        if library.get(article.id) is None:
            # A file imported before whose text now reads differently (edited, or read better
            # by a newer version) is the same article: its id, read state and highlights stay
            # (they are placed again on the new text when it is opened).
            if by_origin is None:
                by_origin = {a.origin: a.id for a in library if a.origin}
            known = by_origin.get(article.origin or "")
            if known is not None:
                article = replace(article, id=known)
        saved, outcome = library.save(article, body.text, structure=body.structure)
        {
            SaveOutcome.NEW: report.new,
            SaveOutcome.UPDATED: report.updated,
            SaveOutcome.UNCHANGED: report.unchanged,
        }[outcome].append(saved)
    library.flush()
    return report


def import_bundled_seeds_on_first_run(library: Library) -> ImportReport | None:
    """A home that has never held articles starts with the seeds Broadsheet ships."""
    if library.paths.articles_dir.exists() or len(library):
        return None
    from store.paths import bundled_seeds_dir

    seeds = bundled_seeds_dir()
    report = import_seeds(library, [seeds]) if seeds is not None else ImportReport()
    # Write the (possibly empty) cache so that a user who deletes every article later is not
    # handed the seeds again.
    library.flush(force=True)
    return report
