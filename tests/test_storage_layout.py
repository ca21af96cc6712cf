"""The TinyDB files are written a document per line, and read back a document at a time.

Reading a big file whole leaves its parsed dicts' memory scattered among what is kept; the
line layout lets a reader decode each document as it is parsed. The layout must stay plain
JSON that TinyDB (and any JSON reader) reads as before, and files of the old one-line layout
must read as they always did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tinydb import TinyDB

from store.db import AtomicJSONStorage, CorruptStoreError, encode_by_line
from store.table_file import read_documents, write_table

documents = st.dictionaries(
    st.text(min_size=1, max_size=5),
    st.dictionaries(
        st.text(max_size=8),
        st.one_of(st.text(max_size=20), st.integers(-(2**63), 2**63 - 1), st.booleans(), st.none()),
        max_size=4,
    ),
    max_size=5,
)
files = st.dictionaries(st.text(min_size=1, max_size=6), documents, max_size=3)


@settings(max_examples=200, deadline=None, derandomize=True)
@given(files)
def test_the_line_layout_is_plain_json_and_reads_back_a_document_at_a_time(
    data: dict[str, dict[str, dict[str, Any]]],
) -> None:
    encoded = encode_by_line(data)
    assert orjson.loads(encoded) == data
    storage = _storage_holding(encoded)
    for table, table_documents in data.items():
        assert list(storage.documents(table)) == list(table_documents.items())
    assert list(storage.documents("no such table")) == []


def _storage_holding(content: bytes) -> AtomicJSONStorage:
    # hypothesis reruns the body: one file per call, under pytest's own temporary root.
    import tempfile

    directory = Path(tempfile.mkdtemp())
    path = directory / "db.json"
    path.write_bytes(content)
    return AtomicJSONStorage(path)


def test_a_table_written_through_tinydb_is_one_document_per_line(tmp_path: Path) -> None:
    path = tmp_path / "highlights.json"
    rows = [{"id": f"h{n}", "quote": f"quote {n}\nwith a newline"} for n in range(3)]
    write_table(path, "highlights", rows, meta=[{"generation": 2}])
    lines = path.read_bytes().splitlines()
    assert lines[0] == b'{"highlights":{'
    assert [orjson.loads(b"{" + line.rstrip(b",") + b"}") for line in lines[1:4]] == [
        {str(n + 1): row} for n, row in enumerate(rows)
    ]
    with TinyDB(path, storage=AtomicJSONStorage) as database:
        assert database.table("highlights").all() == rows
        assert database.table("meta").all() == [{"generation": 2}]
    assert [row for _, row in read_documents(path, "highlights")] == rows


def test_a_file_of_the_old_one_line_layout_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "old.json"
    data = {"articles": {"1": {"id": "a"}, "2": {"id": "b"}}, "meta": {}}
    path.write_bytes(orjson.dumps(data))
    assert read_documents(path, "articles") == [("1", {"id": "a"}), ("2", {"id": "b"})]


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw[: len(raw) // 2],  # cut off by a crash
        lambda raw: raw.replace(b'"id":"h1"', b'"id":h1'),  # a line that is not JSON
        lambda raw: raw.replace(b"}}\n", b"}\n"),  # the end is missing
    ],
)
def test_a_damaged_file_is_an_error_naming_it_never_fewer_documents(
    tmp_path: Path, damage: Any
) -> None:
    path = tmp_path / "highlights.json"
    write_table(path, "highlights", [{"id": f"h{n}"} for n in range(5)])
    path.write_bytes(damage(path.read_bytes()))
    with pytest.raises(CorruptStoreError) as raised:
        read_documents(path, "highlights")
    assert str(path) in str(raised.value)
