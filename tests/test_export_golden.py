"""Golden files for each export format: the same highlights always give the same bytes.

Set UPDATE_GOLDEN=1 to rewrite the files after a deliberate change, and review the diff.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from store.annotations.model import ORPHAN_TEXT_CHANGED, Highlight
from store.export import export_markdown_files, render
from store.export.output import ExportFormat
from store.models import Article, EntitySummary

GOLDEN = Path(__file__).resolve().parent / "data" / "golden"

HARBOUR_BODY = (
    "The harbour reopened on Monday after the storm.\n\n"
    "Ferries resumed at dawn, and the crowds returned to the market by noon.\n\n"
    "Prices rose sharply in the evening."
)

ARTICLES = {
    "harbour": Article(
        id="harbour",
        title="Harbour reopens after storm",
        body_hash="4c1f",
        source="The Coast Gazette",
        url="https://news.example/harbour?id=7",
        author="Mara Quill",
        published="2025-03-02T08:00:00+00:00",
        entities=(EntitySummary(key="Port Avel", label="PLACE", count=2, first=4),),
    ),
    "hostile": Article(
        id="hostile",
        title="../../etc/passwd\x1b[31m: CON <script>",
        body_hash="9e2a",
        source='=HYPERLINK("evil")',
        url="javascript:alert(1)",
        author="@admin",
    ),
}


def sample(**fields: object) -> Highlight:
    values: dict[str, object] = {
        "id": "00000000-0000-4000-8000-000000000001",
        "article_id": "harbour",
        "article_title": "Harbour reopens after storm",
        "article_url": "https://news.example/harbour?id=7",
        "start": 0,
        "end": 10,
        "exact": "",
        "prefix": "",
        "suffix": "",
        "body_hash": "4c1f",
        "created": "2025-03-02T09:00:00.000Z",
        "modified": "2025-03-02T09:00:00.000Z",
    }
    values.update(fields)
    return Highlight(**values)  # type: ignore[arg-type]


def span(quote: str) -> dict[str, object]:
    start = HARBOUR_BODY.index(quote)
    end = start + len(quote)
    return {
        "start": start,
        "end": end,
        "exact": quote,
        "prefix": HARBOUR_BODY[max(0, start - 32) : start],
        "suffix": HARBOUR_BODY[end : end + 32],
    }


SAMPLES = (
    # Given out of reading order on purpose: exports sort them.
    sample(
        id="00000000-0000-4000-8000-000000000002",
        **span("Prices rose sharply"),
        note="Inflation again? #economy",
        tags=("economy",),
        colour="pink",
        created="2025-03-02T09:05:00.000Z",
        modified="2025-03-03T10:00:00.000Z",
    ),
    sample(**span("The harbour reopened on Monday"), tags=("ports", "weather")),
    sample(
        id="00000000-0000-4000-8000-000000000003",
        **span("Ferries resumed at dawn"),
        note='Line one\nline two, with a "quote" and, commas',
        colour="green",
        created="2025-03-02T09:01:00.000Z",
        modified="2025-03-02T09:01:00.000Z",
    ),
    sample(
        id="00000000-0000-4000-8000-000000000004",
        article_id="hostile",
        article_title="../../etc/passwd: CON <script>",
        article_url=None,
        start=5,
        end=30,
        exact="=cmd|' /C calc'!A0\n\n# not a heading",
        prefix="-2+3",
        suffix="@SUM(1)",
        body_hash="9e2a",
        note="+1 -1 =1 @1\x07",
        tags=("risky",),
        created="2025-03-01T12:00:00.000Z",
        modified="2025-03-01T12:00:00.000Z",
        orphaned=True,
        orphan_reason=ORPHAN_TEXT_CHANGED,
    ),
)

CASES: list[tuple[ExportFormat, str]] = [
    ("markdown", "all.md"),
    ("json", "all.json"),
    ("csv", "all.csv"),
]


def check_golden(name: str, produced: bytes) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(produced)
    assert produced == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize(("export_format", "name"), CASES)
def test_export_matches_its_golden_file(export_format: ExportFormat, name: str) -> None:
    check_golden(name, render(export_format, SAMPLES, ARTICLES))


@pytest.mark.parametrize(("export_format", "name"), CASES)
def test_export_does_not_depend_on_input_order(export_format: ExportFormat, name: str) -> None:
    assert render(export_format, SAMPLES, ARTICLES) == render(
        export_format, tuple(reversed(SAMPLES)), ARTICLES
    )


def test_markdown_files_per_article_match_their_golden_files(tmp_path: Path) -> None:
    written = export_markdown_files(SAMPLES, tmp_path, ARTICLES)
    assert sorted(path.name for path in written) == [
        "Harbour reopens after storm.md",
        "etc passwd CON script.md",
    ]
    for path in written:
        check_golden(f"per-article/{path.name}", path.read_bytes())
