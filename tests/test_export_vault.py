"""Exports a vault can live with: re-exporting keeps what the user wrote, files get the user's
permissions, and a killed writer leaves nothing behind (the kills are in tests/test_kills.py).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import yaml

from store.atomic_files import remove_abandoned_temporaries, write_atomically
from store.export import export_to_path
from store.export.markdown import BLOCK_BEGIN, BLOCK_END
from store.export.output import FilesLeftAloneError, export_markdown_files
from tests.test_export_golden import ARTICLES, SAMPLES, sample, span

HARBOUR = [h for h in SAMPLES if h.article_id == "harbour"]
# One more highlight, made after the first export.
LATER = sample(
    id="00000000-0000-4000-8000-000000000009",
    **span("the crowds returned"),
    note="busy again #markets",
    tags=("markets",),
    colour="blue",
    created="2025-03-04T09:00:00.000Z",
    modified="2025-03-04T09:00:00.000Z",
)


@pytest.fixture
def umask_022() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


def front_matter(text: str) -> dict[str, object]:
    head = text.split("\n---\n", 1)[0].removeprefix("---\n")
    loaded = yaml.safe_load(head)
    assert isinstance(loaded, dict)
    return loaded


def block_of(text: str) -> str:
    start = text.index(BLOCK_BEGIN)
    return text[start : text.index(BLOCK_END, start) + len(BLOCK_END)]


def test_markdown_export_to_a_new_folder_makes_it(tmp_path: Path) -> None:
    vault = tmp_path / "vault" / "Broadsheet"  # no extension: a folder, made with its parents
    written = export_to_path("markdown", SAMPLES, vault, ARTICLES)
    assert written == vault and vault.is_dir()
    assert sorted(path.name for path in vault.iterdir()) == [
        "Harbour reopens after storm.md",
        "etc passwd CON script.md",
    ]
    # A name with an extension is still one file.
    single = tmp_path / "notes.md"
    assert export_to_path("markdown", SAMPLES, single, ARTICLES) == single and single.is_file()


def test_reexport_rewrites_only_broadsheets_block_and_properties(tmp_path: Path) -> None:
    (path,) = export_markdown_files(HARBOUR, tmp_path, ARTICLES)
    exported = path.read_text(encoding="utf-8")
    head, rest = exported.split("\n---\n", 1)
    assert rest.startswith(f"\n{BLOCK_BEGIN}\n")
    # The user adds a property, a comment and a tag of their own, and notes around the block.
    head = head.replace("title: ", "status: reading  # mine\n# a comment of mine\ntitle: ", 1)
    head = head.replace("- economy", "- economy\n- to-read")
    edited = f"{head}\n---\n\nMy notes above.\n{rest}\n## My thoughts\n\nBelow, kept.\n"
    path.write_text(edited, encoding="utf-8")

    export_markdown_files([*HARBOUR, LATER], tmp_path, ARTICLES)
    merged = path.read_text(encoding="utf-8")

    (fresh_path,) = export_markdown_files([*HARBOUR, LATER], tmp_path / "fresh", ARTICLES)
    fresh_text = fresh_path.read_text(encoding="utf-8")
    # The block is the new export's, byte for byte, and the user's text around it is theirs.
    assert block_of(merged) == block_of(fresh_text)
    assert "> the crowds returned" in block_of(merged)
    before, after = merged.split(block_of(merged))
    assert before.endswith("\n---\n\nMy notes above.\n\n")
    assert after == "\n\n## My thoughts\n\nBelow, kept.\n"
    assert "status: reading  # mine\n# a comment of mine\ntitle: " in before
    meta = front_matter(merged)
    assert meta["status"] == "reading"
    assert meta["exported"] == "2025-03-04T09:00:00.000Z"  # Broadsheet's, brought up to date
    assert meta["tags"] == ["ports", "weather", "markets", "economy", "to-read"]
    # And again: nothing moves.
    export_markdown_files([*HARBOUR, LATER], tmp_path, ARTICLES)
    assert path.read_text(encoding="utf-8") == merged


def test_a_property_that_lost_its_value_is_taken_out(tmp_path: Path) -> None:
    (path,) = export_markdown_files(HARBOUR, tmp_path, ARTICLES)
    assert "author: Mara Quill" in path.read_text(encoding="utf-8")
    anonymous = {**ARTICLES, "harbour": replace(ARTICLES["harbour"], author=None)}
    export_markdown_files(HARBOUR, tmp_path, anonymous)
    text = path.read_text(encoding="utf-8")
    assert "author" not in front_matter(text) and "null" not in text


def test_a_file_without_the_block_keeps_all_its_text(tmp_path: Path) -> None:
    # As Broadsheet wrote it before the block existed, with a line the user added.
    older = (
        "---\ntitle: Harbour reopens after storm\nurl: null\ntags:\n- ports\n---\n\n"
        "# Harbour reopens after storm\n\n> The harbour reopened on Monday\n\n#ports\n\n"
        "I added this.\n"
    )
    path = tmp_path / "Harbour reopens after storm.md"
    path.write_text(older, encoding="utf-8")
    export_markdown_files(HARBOUR, tmp_path, ARTICLES)
    text = path.read_text(encoding="utf-8")
    body = older.split("\n---\n", 1)[1]
    assert text.split("\n---\n", 1)[1].startswith(body + "\n" + BLOCK_BEGIN)
    assert text.endswith(f"{BLOCK_END}\n")
    assert "url" in front_matter(text) and "null" not in text.split("\n---\n", 1)[0]


def test_a_file_whose_block_has_no_end_is_left_alone_and_named(tmp_path: Path) -> None:
    export_markdown_files(SAMPLES, tmp_path, ARTICLES)
    broken = tmp_path / "Harbour reopens after storm.md"
    damaged = broken.read_text(encoding="utf-8").replace(BLOCK_END, "")
    broken.write_text(damaged, encoding="utf-8")
    other = tmp_path / "etc passwd CON script.md"
    other.unlink()
    with pytest.raises(FilesLeftAloneError) as refused:
        export_markdown_files([*SAMPLES, LATER], tmp_path, ARTICLES)
    assert str(broken) in str(refused.value) and "no broadsheet:end" in str(refused.value)
    assert refused.value.written == [other] and other.exists()
    assert broken.read_text(encoding="utf-8") == damaged


def test_a_file_that_is_not_utf8_is_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "Harbour reopens after storm.md"
    path.write_bytes(b"caf\xe9 notes\n")
    with pytest.raises(FilesLeftAloneError, match="not UTF-8"):
        export_markdown_files(HARBOUR, tmp_path, ARTICLES)
    assert path.read_bytes() == b"caf\xe9 notes\n"


def test_windows_line_ends_are_kept(tmp_path: Path) -> None:
    (path,) = export_markdown_files(HARBOUR, tmp_path, ARTICLES)
    crlf = path.read_text(encoding="utf-8").replace("\n", "\r\n") + "Mine.\r\n"
    path.write_bytes(crlf.encode())
    export_markdown_files([*HARBOUR, LATER], tmp_path, ARTICLES)
    data = path.read_bytes()
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert data.endswith(f"{BLOCK_END}\r\nMine.\r\n".encode())
    assert b"> the crowds returned" in data


def test_one_markdown_file_keeps_the_users_text_too(tmp_path: Path) -> None:
    target = tmp_path / "highlights.md"
    export_to_path("markdown", SAMPLES, target, ARTICLES)
    target.write_text(target.read_text(encoding="utf-8") + "\nMy summary.\n", encoding="utf-8")
    export_to_path("markdown", [*SAMPLES, LATER], target, ARTICLES)
    text = target.read_text(encoding="utf-8")
    assert text.endswith(f"{BLOCK_END}\n\nMy summary.\n") and "the crowds returned" in text


@pytest.mark.usefixtures("umask_022")
def test_exports_get_the_users_umask_and_store_files_stay_private(tmp_path: Path) -> None:
    for export_format in ("markdown", "json", "csv"):
        written = export_to_path(export_format, HARBOUR, tmp_path / f"out.{export_format}", {})
        assert written.stat().st_mode & 0o777 == 0o644, export_format
        export_to_path(export_format, SAMPLES, written, ARTICLES)  # replaced: the same
        assert written.stat().st_mode & 0o777 == 0o644, export_format
    (note,) = export_markdown_files(HARBOUR, tmp_path / "vault", ARTICLES)
    assert note.stat().st_mode & 0o777 == 0o644
    store_file = tmp_path / "store.json"
    write_atomically(store_file, b"{}")
    assert store_file.stat().st_mode & 0o777 == 0o600


def test_only_a_dead_writers_temporary_file_is_removed(tmp_path: Path) -> None:
    abandoned = tmp_path / ".out.json.1a2b3c4d.tmp"
    abandoned.write_bytes(b'{"half')
    in_use = tmp_path / ".out.json.5e6f7a8b.tmp"
    in_use.write_bytes(b'{"being written')
    other = tmp_path / ".notes.md.1a2b3c4d.tmp"
    other.write_bytes(b"")
    with open(in_use, "rb") as holder:
        fcntl.flock(holder, fcntl.LOCK_EX)  # as a live writer holds its file
        remove_abandoned_temporaries(tmp_path, ["out.json"])
    assert not abandoned.exists()
    assert in_use.exists() and other.exists()


def test_a_failed_write_leaves_nothing_in_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"before")

    def failing_write(descriptor: int, data: object) -> int:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", failing_write)
    with pytest.raises(OSError, match="No space left") as failed:
        write_atomically(target, b"after")
    assert failed.value.filename == str(target)
    assert [path.name for path in tmp_path.iterdir()] == ["out.json"]
    assert target.read_bytes() == b"before"
