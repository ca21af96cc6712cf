"""Each export format checked field by field, with hostile inputs, and written atomically."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path

import orjson
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from store.annotations import HighlightStore
from store.annotations.model import Highlight
from store.export import export_to_folder, render
from store.export.filenames import MAX_STEM_BYTES, safe_stem, unique_names
from store.export.readwise_csv import EXCEL_CELL_LIMIT, HEADER
from store.export.select import (
    HighlightFilter,
    parse_day,
    select_highlights,
    split_exportable,
)
from store.export.w3c import ANNOTATION_CONTEXT, parse
from store.paths import DataPaths
from store.text import strip_controls
from tests.test_export_golden import ARTICLES, HARBOUR_BODY, SAMPLES, sample

# W3C Web Annotation


def test_json_has_the_w3c_models_required_fields() -> None:
    collection = orjson.loads(render("json", SAMPLES, ARTICLES))
    assert collection["@context"] == ANNOTATION_CONTEXT
    assert collection["type"] == "AnnotationCollection"
    assert collection["total"] == len(SAMPLES)
    page = collection["first"]
    assert page["type"] == "AnnotationPage"
    for annotation in page["items"]:
        assert annotation["@context"] == ANNOTATION_CONTEXT
        assert annotation["type"] == "Annotation"
        assert annotation["id"].startswith("urn:uuid:")
        assert annotation["motivation"] in {"highlighting", "commenting"}
        target = annotation["target"]
        assert isinstance(target["source"], str) and ":" in target["source"]
        kinds = {selector["type"]: selector for selector in target["selector"]}
        position, quote = kinds["TextPositionSelector"], kinds["TextQuoteSelector"]
        assert 0 <= position["start"] < position["end"]
        assert quote["exact"] and isinstance(quote["prefix"], str)
        for body in annotation.get("body", []):
            assert body["type"] == "TextualBody" and body["purpose"] in {"commenting", "tagging"}
    noted = next(a for a in page["items"] if a["id"].endswith("0002"))
    assert [b["value"] for b in noted["body"]] == ["Inflation again? #economy", "economy"]


# What an import gives back: every field, but no control characters, which an import never
# lets in (the hostile sample's note ends in a BEL).
IMPORTED = tuple(replace(h, note=strip_controls(h.note)) for h in SAMPLES)


def test_json_reads_back_every_field() -> None:
    assert sorted(parse(render("json", SAMPLES, ARTICLES)), key=lambda h: h.id) == sorted(
        IMPORTED, key=lambda h: h.id
    )


def test_export_then_import_into_an_empty_home_restores_every_highlight(tmp_path: Path) -> None:
    exported = render("json", SAMPLES, ARTICLES)
    with HighlightStore(DataPaths(tmp_path / "empty")) as store:
        report = store.import_highlights(parse(exported))
        assert (report.added, report.updated, report.unchanged) == (len(SAMPLES), 0, 0)
        assert {h.id: h for h in store.all()} == {h.id: h for h in IMPORTED}
        again = store.import_highlights(parse(exported))
        assert again.unchanged == len(SAMPLES)
        # Re-exporting the restored highlights gives the same bytes.
        assert render("json", store.all(), ARTICLES) == render("json", IMPORTED, ARTICLES)


def test_annotations_from_other_tools_arrive_as_orphans_to_be_placed() -> None:
    foreign = {
        "@context": ANNOTATION_CONTEXT,
        "id": "https://hypothes.is/a/xyz",
        "type": "Annotation",
        "body": {"type": "TextualBody", "value": "Interesting"},
        "target": {
            "source": "https://elsewhere.example/story",
            "selector": {"type": "TextQuoteSelector", "exact": "a quoted passage"},
        },
    }
    (highlight,) = parse(orjson.dumps(foreign))
    assert highlight.id == "https://hypothes.is/a/xyz"
    assert highlight.note == "Interesting" and highlight.orphaned
    assert highlight.article_url == "https://elsewhere.example/story"
    assert (highlight.start, highlight.end) == (0, len("a quoted passage"))


# Readwise CSV


def read_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "Excel needs the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_columns_one_by_one() -> None:
    header, *rows = read_csv(render("csv", SAMPLES, ARTICLES))
    assert tuple(header) == HEADER
    by_quote = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    ferries = by_quote["Ferries resumed at dawn"]
    assert ferries == {
        "Highlight": "Ferries resumed at dawn",
        "Title": "Harbour reopens after storm",
        "Author": "Mara Quill",
        "URL": "https://news.example/harbour?id=7",
        "Note": 'Line one\nline two, with a "quote" and, commas',
        "Location": str(HARBOUR_BODY.index("Ferries resumed at dawn")),
        "Date": "2025-03-02 09:01:00",
    }
    assert by_quote["Prices rose sharply"]["Note"] == ".economy Inflation again? #economy"
    assert [row[5] for row in rows if row[1].startswith("Harbour")] == ["0", "49", "122"]


def test_csv_location_is_the_same_whatever_else_is_exported() -> None:
    # A running number gave the third highlight "1" once the first two were filtered out.
    def locations(highlights: Iterable[Highlight]) -> dict[str, str]:
        _, *rows = read_csv(render("csv", list(highlights), ARTICLES))
        return {row[0]: row[5] for row in rows}

    everything = locations(SAMPLES)
    alone = locations(h for h in SAMPLES if h.exact == "Prices rose sharply")
    assert alone == {"Prices rose sharply": everything["Prices rose sharply"]}
    assert alone["Prices rose sharply"] == str(HARBOUR_BODY.index("Prices rose sharply"))


def test_csv_neutralises_formulas_and_unsafe_urls() -> None:
    _, *rows = read_csv(render("csv", SAMPLES, ARTICLES))
    for row in rows:
        for cell in row:
            assert not cell.lstrip().startswith(("=", "+", "-", "@")), cell
    hostile = next(row for row in rows if row[1].startswith("../"))
    assert hostile[0].startswith("'=cmd")
    assert hostile[2] == "'@admin"
    assert hostile[3] == ""  # javascript: is not a link anyone should click
    assert "\x07" not in hostile[4]


def test_csv_cells_stay_within_excels_limit() -> None:
    long = sample(exact="word " * 20_000, end=100_000, note="-" * 50_000)
    _, row = read_csv(render("csv", [long], ARTICLES))
    assert all(len(cell) <= EXCEL_CELL_LIMIT for cell in row)
    assert row[0].startswith("word word") and row[4].startswith("'-")


# Markdown


def front_matter(document: str) -> dict[str, object]:
    assert document.startswith("---\n")
    head, _, _ = document[4:].partition("\n---\n")
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict)
    return loaded


def test_markdown_front_matter_and_reading_order() -> None:
    harbour = [h for h in SAMPLES if h.article_id == "harbour"]
    document = render("markdown", harbour, ARTICLES).decode()
    assert front_matter(document) == {
        "title": "Harbour reopens after storm",
        "source": "The Coast Gazette",
        "url": "https://news.example/harbour?id=7",
        "author": "Mara Quill",
        "published": "2025-03-02T08:00:00+00:00",
        "exported": "2025-03-03T10:00:00.000Z",
        "tags": ["ports", "weather", "economy"],
    }
    assert "\n# Harbour reopens after storm\n" in document
    positions = [
        document.index(f"> {quote}")
        for quote in ("The harbour reopened", "Ferries resumed", "Prices rose")
    ]
    assert positions == sorted(positions)


def test_markdown_records_colour_and_does_not_repeat_the_notes_tags() -> None:
    document = render("markdown", SAMPLES, ARTICLES).decode()
    # The note says #economy already; the tag line does not say it again.
    assert "Inflation again? #economy\n\ncolour: pink\n\n" in document
    assert document.count("#economy") == 1
    assert "> The harbour reopened on Monday\n\ncolour: yellow · #ports #weather\n" in document
    assert "commas\n\ncolour: green\n" in document


def test_markdown_leaves_out_properties_that_have_no_value() -> None:
    hostile = [h for h in SAMPLES if h.article_id == "hostile"]
    head = render("markdown", hostile, ARTICLES).decode().split("\n---\n", 1)[0]
    assert "null" not in head and "url:" not in head and "published:" not in head
    untagged = [replace(h, tags=()) for h in hostile]
    head = render("markdown", untagged, ARTICLES).decode().split("\n---\n", 1)[0]
    assert "tags" not in head


def test_markdown_of_hostile_text_stays_inert() -> None:
    hostile = [h for h in SAMPLES if h.article_id == "hostile"]
    document = render("markdown", hostile, ARTICLES).decode()
    meta = front_matter(document)
    assert meta["title"] == "../../etc/passwd: CON <script>"
    assert "url" not in meta
    assert "\x1b" not in document and "\x07" not in document
    assert "<script>" not in document.split("\n---\n", 1)[1]
    assert "> \\# not a heading" in document


# File names


@given(st.text(max_size=400))
def test_any_headline_gives_a_safe_bounded_file_name(title: str) -> None:
    stem = safe_stem(title)
    assert stem and len(stem.encode()) <= MAX_STEM_BYTES + 1
    assert not set(stem) & set('<>:"/\\|?*\x00') and stem not in {".", ".."}
    assert not stem.endswith((" ", ".")) and not stem.startswith(".")
    assert stem.split(".")[0].strip().upper() not in {"CON", "PRN", "AUX", "NUL", "COM1", "LPT1"}
    assert safe_stem(title) == stem


def test_clashing_headlines_get_id_suffixes() -> None:
    names = unique_names([("a1b2c3d4e5", "Budget"), ("ffff0000", "budget"), ("x", "Other")], "md")
    assert names == {
        "a1b2c3d4e5": "Budget (a1b2c3d4).md",
        "ffff0000": "budget (ffff0000).md",
        "x": "Other.md",
    }
    assert safe_stem("con.txt") == "_con.txt"
    assert safe_stem("   ...   ") == "untitled"


# Filters and writing


def test_filters_by_article_tag_entity_dates_and_query() -> None:
    def ids(**chosen: object) -> list[str]:
        found = select_highlights(SAMPLES, ARTICLES, HighlightFilter(**chosen))  # type: ignore[arg-type]
        return sorted(h.id[-1] for h in found)

    assert ids(article="hostile") == ["4"]
    assert ids(article="https://news.example/harbour?id=7") == ["1", "2", "3"]
    assert ids(tag="Economy") == ["2"]
    assert ids(entity="port avel") == ["1", "2", "3"]
    assert ids(since=parse_day("2025-03-02"), until=parse_day("2025-03-02")) == ["1", "2", "3"]
    assert ids(until=parse_day("2025-03-01T23:00:00Z")) == ["4"]
    assert ids(query="ferries DAWN") == ["3"]


def test_export_writes_are_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = export_to_folder("json", SAMPLES, tmp_path, ARTICLES)
    before = target.read_bytes()

    def failing_fsync(descriptor: int) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", failing_fsync)
    with pytest.raises(OSError, match="disk full"):
        export_to_folder("json", SAMPLES[:1], tmp_path, ARTICLES)
    assert target.read_bytes() == before
    assert [path.name for path in tmp_path.iterdir()] == [target.name]


# Hostile and unsound highlights (issue 13, bugs 1 and 5)

PAYLOAD = "\x1b]52;c;cHduZWQ=\x07\x1b]0;PWNED\x07\x1b[2J\x9b31m\u202e"
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def test_no_export_carries_a_terminal_control_even_from_an_unclean_record() -> None:
    # As a record from before imports were cleaned would be: escapes in every text field.
    unclean = replace(
        SAMPLES[0],
        exact=f"Prices{PAYLOAD} rose",
        note=f"a note{PAYLOAD}",
        tags=(f"economy{PAYLOAD}", "plain"),
        article_title=f"Title{PAYLOAD}",
    )
    for export_format in ("markdown", "csv", "json"):
        document = render(export_format, [unclean], {}).decode("utf-8-sig")
        assert not RAW_CONTROLS.search(document), export_format
        assert "a note" in document and "economy" in document
    # JSON keeps the value (it is data) but writes what a terminal would act on as escapes.
    exported = orjson.loads(render("json", [unclean], {}))
    assert exported["first"]["items"][0]["body"][0]["value"] == f"a note{PAYLOAD}"


def test_an_unsound_highlight_is_left_out_of_an_export_and_named() -> None:
    unsound = [
        replace(SAMPLES[0], id="yesterday", created="yesterday"),
        replace(SAMPLES[0], id="overflow", modified="0001-01-01T00:00:00+01:00"),
        replace(SAMPLES[0], id="huge", start=2**65),
        replace(SAMPLES[0], id="number", note=5),  # type: ignore[arg-type]
    ]
    sound, skipped = split_exportable([*unsound, *SAMPLES])
    assert sound == list(SAMPLES)
    assert [s.id for s in skipped] == ["yesterday", "overflow", "huge", "number"]
    assert "created" in skipped[0].reason and "yesterday" in str(skipped[0])
    for export_format in ("markdown", "csv", "json"):
        assert render(export_format, sound, ARTICLES)
