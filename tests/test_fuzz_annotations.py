"""Fuzzing the import of W3C Web Annotation documents (``broadsheet import-annotations``).

The property: any document gives the highlights it holds and the annotations refused (each
with its reason), or raises AnnotationFormatError, which the command reports in one plain
line. Nothing else may escape, since anything else reaches the user as "unexpected … please
report it". And what is imported is sound: it is stored, listed, and exported in every
format, and it carries no terminal escapes.

The budget is fixed and the examples derandomised, so CI runs the same inputs every time.
Inputs are mostly annotations of the right shape with hostile values in their fields, since
random bytes rarely get past the JSON parser.
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.annotations import HighlightStore
from store.export import render
from store.export.w3c import (
    ANNOTATION_CONTEXT,
    BROADSHEET_NS,
    AnnotationFormatError,
    read_annotations,
)
from store.paths import DataPaths
from tui.cli import main

fuzz = settings(
    max_examples=200,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufeff]")
HOSTILE = [
    "\x1b]52;c;cHduZWQ=\x07", "\x1b]0;PWNED\x07", "\x1b[2J", "\x9b31m", "\u202e", "\x00",
    "\ufeff", "\r", "\t", "\n\n", "#", "urn:broadsheet:article:", "urn:uuid:", "javascript:",
]  # fmt: skip
TIMES = [
    "2025-01-31T09:15:02.123Z", "2025-01-31", "2025-01-31T10:00:00+01:00", "20250131T0915",
    "9999-12-31T23:59:59-05:00", "2025-01-31T09:15:02", "yesterday", "",
    "0001-01-01T00:00:00+05:00", "2024-02-30", "2025-01-31T09:15:02.123Z",
]  # fmt: skip
NUMBERS = [0, 1, 14, -1, 2**31, 2**63, 2**64, 2**65, 10**30, 1.5, float("1e300")]


def hostile_text(max_size: int = 30) -> st.SearchStrategy[str]:
    pieces = st.one_of(st.text(max_size=8), st.sampled_from(HOSTILE))
    return st.lists(pieces, max_size=6).map("".join).map(lambda text: text[: max_size * 4])


# Any JSON value, with the values that have broken imports before weighted in.
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.sampled_from(NUMBERS),
    st.integers(),
    st.floats(allow_nan=False),
    hostile_text(),
    st.sampled_from(TIMES),
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=8,
)


# Where a damage may land in an annotation: a field's path, from the annotation down.
PATHS: list[tuple[str | int, ...]] = [
    ("type",), ("id",), ("created",), ("modified",), ("body",), ("body", 0), ("body", 0, "value"),
    ("body", 0, "purpose"), ("target",), ("target", "source"), ("target", "selector"),
    ("target", "selector", 0), ("target", "selector", 0, "start"),
    ("target", "selector", 0, "end"), ("target", "selector", 1, "exact"),
    ("target", "selector", 1, "prefix"), ("target", "styleClass"),
    (BROADSHEET_NS + "articleId",), (BROADSHEET_NS + "articleTitle",),
    (BROADSHEET_NS + "orphaned",), (BROADSHEET_NS + "orphanReason",),
    (BROADSHEET_NS + "bodyHash",),
]  # fmt: skip
ABSENT = object()


@st.composite
def annotations(draw: st.DrawFn) -> Any:
    """An annotation as Broadsheet or another tool writes it, with hostile text in its fields
    and its times and offsets drawn from values that broke imports before, then up to two of
    its fields replaced by any JSON value or taken out."""
    start = draw(st.integers(0, 500))
    end = start + draw(st.integers(0, 99))
    note = {"type": "TextualBody", "value": draw(hostile_text()), "purpose": "commenting"}
    tag = {"type": "TextualBody", "value": draw(hostile_text()), "purpose": "tagging"}
    annotation: dict[str, Any] = {
        "@context": ANNOTATION_CONTEXT,
        "type": "Annotation",
        "id": draw(st.one_of(st.uuids().map(lambda u: f"urn:uuid:{u}"), hostile_text())),
        "created": draw(st.sampled_from(TIMES)),
        "modified": draw(st.sampled_from(TIMES)),
        "body": [note, tag],
        "target": {
            "source": draw(st.sampled_from(["https://news.example/a", "urn:broadsheet:article:x"])),
            "selector": [
                {"type": "TextPositionSelector", "start": start, "end": end},
                {"type": "TextQuoteSelector", "exact": "quoted" + draw(hostile_text()),
                 "prefix": draw(hostile_text()), "suffix": draw(hostile_text())},
            ],
            "styleClass": draw(st.sampled_from(["yellow", "pink", "orange"])),
        },
        BROADSHEET_NS + "articleId": draw(hostile_text()),
        BROADSHEET_NS + "articleTitle": draw(hostile_text()),
        BROADSHEET_NS + "orphaned": draw(st.booleans()),
        BROADSHEET_NS + "orphanReason": draw(hostile_text()),
        BROADSHEET_NS + "bodyHash": draw(hostile_text()),
    }  # fmt: skip
    for _ in range(draw(st.integers(0, 2))):
        *parents, last = draw(st.sampled_from(PATHS))
        holder: Any = annotation
        for step in parents:
            holder = holder[step] if _has(holder, step) else None
        if _has(holder, last):
            value = draw(st.one_of(json_values, st.sampled_from(NUMBERS), st.just(ABSENT)))
            if value is ABSENT and isinstance(holder, dict):
                del holder[last]
            elif value is not ABSENT:
                holder[last] = value
    return annotation


def _has(holder: Any, step: str | int) -> bool:
    if isinstance(holder, dict):
        return step in holder
    return isinstance(holder, list) and isinstance(step, int) and step < len(holder)


documents = st.one_of(
    st.lists(annotations(), max_size=4),
    annotations(),
    st.lists(annotations(), max_size=4).map(
        lambda items: {
            "type": "AnnotationCollection",
            "first": {"type": "AnnotationPage", "items": items, "next": {"type": "AnnotationPage"}},
        }
    ),
    json_values,
)


def strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [text for item in [*value.keys(), *value.values()] for text in strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in strings(item)]
    return []


@fuzz
@given(documents)
def test_any_document_is_imported_refused_or_reported(document: Any) -> None:
    data = json.dumps(document).encode()
    try:
        result = read_annotations(data)
    except AnnotationFormatError:
        return
    for refused in result.refused:
        assert refused.label and refused.reason
    with tempfile.TemporaryDirectory() as home:
        with HighlightStore(DataPaths(Path(home))) as store:
            store.import_highlights(result.highlights)
            stored = store.all()
        # What was imported is sound: the store reads it back, and every export writes it.
        with HighlightStore(DataPaths(Path(home))) as again:
            assert again.unreadable() == [] and len(again) == len(stored)
    for highlight in stored:
        assert not CONTROLS.search("".join(strings(highlight.to_dict())))
    for export_format in ("markdown", "csv", "json"):
        render(export_format, stored)
    assert read_annotations(render("json", stored)).refused == []


@fuzz
@given(st.one_of(st.binary(max_size=200), hostile_text(60).map(str.encode)))
def test_any_bytes_are_read_or_reported(data: bytes) -> None:
    with contextlib.suppress(AnnotationFormatError):
        read_annotations(data)


def test_deep_nesting_is_reported_not_a_crash() -> None:
    # As deep as the JSON parser allows: walked without recursion.
    deep = b"[" * 1000 + b"]" * 1000
    assert read_annotations(deep).highlights == []
    with pytest.raises(AnnotationFormatError):
        read_annotations(b"[" * 5000 + b"]" * 5000)


@pytest.fixture(scope="module")
def cli_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One home for every example of the command (set up once: a new home imports the
    bundled seed article first)."""
    home = tmp_path_factory.mktemp("cli") / "home"
    assert run_command(["--home", str(home), "highlights"])[0] == 0
    return home


@settings(fuzz, max_examples=40)
@given(document=documents)
def test_the_command_never_says_unexpected(cli_home: Path, document: Any) -> None:
    annotations_db = DataPaths(cli_home).annotations_db
    try:
        with tempfile.TemporaryDirectory() as folder:
            file = Path(folder) / "annotations.json"
            file.write_text(json.dumps(document))
            code, err = run_command(["--home", str(cli_home), "import-annotations", str(file)])
        assert code in (0, 1, 2) and "please report it" not in err
        code, err = run_command(["--home", str(cli_home), "export", "--format", "csv"])
        assert code == 0 and "please report it" not in err
    finally:  # each example starts with no highlights, whatever the last one left
        for path in (annotations_db, annotations_db.with_suffix(".journal")):
            path.unlink(missing_ok=True)


def run_command(argv: list[str]) -> tuple[int, str]:
    """The command's exit code and what it said on stderr (its output is dropped)."""
    err = io.StringIO()
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")  # exports write bytes to its buffer
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(out):
        code = main(argv)
    return code, err.getvalue()
