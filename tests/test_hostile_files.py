"""Files a hostile or careless user names: exports onto devices, FIFOs and folders; imports of
FIFOs, endless devices and YAML bombs. Each must get a plain answer, never a hang, a
traceback or a damaged system file, and one bad file must not stop the others."""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from store.db import StoreError
from store.ingest.feeds import FeedParseError, parse_feed
from store.ingest.pages import extract_article
from store.ingest.seeds import SeedError, parse_seed
from store.paths import DataPaths
from store.settings import load_settings
from tui.cli import main

# Only a failing test waits this long: see unblocked_if_it_hangs.
HANG_SECONDS = 10.0
GOOD_SEED = (
    "# A harbour story\n\nThe harbour council voted on Tuesday to build a new sea wall, "
    "after a winter of storms that flooded the quay three times.\n"
)

EXPORTS = [
    pytest.param(["export"], b"---\ntitle: Broadsheet highlights", id="export"),
    pytest.param(["export-opml"], b"<?xml", id="export-opml"),
]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# Exports


@pytest.mark.parametrize(("command", "start"), EXPORTS)
def test_export_through_a_link_to_dev_null_writes_into_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], start: bytes
) -> None:
    # As root, replacing /dev/null would make it a regular file for every process on the
    # machine; a link to it shows the same path without needing root to test.
    link = tmp_path / "null"
    link.symlink_to("/dev/null")
    code, _, err = run(capsys, *command, "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and os.readlink(link) == "/dev/null"
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


@pytest.mark.parametrize(("command", "start"), EXPORTS)
def test_export_to_a_fifo_writes_to_whoever_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], start: bytes
) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    # A reader that does not block: the export's open then finds it there.
    reader = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
    try:
        code, _, err = run(capsys, *command, "-o", str(fifo))
        received = os.read(reader, 1 << 16)
    finally:
        os.close(reader)
    assert code == 0, err
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)
    assert received.startswith(start)


@pytest.mark.parametrize(("command", "start"), EXPORTS)
def test_export_through_a_link_to_dev_stdout_prints(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], command: list[str], start: bytes
) -> None:
    link = tmp_path / "stdout"
    link.symlink_to("/dev/stdout")
    code = main([*command, "-o", str(link)])
    out, err = capfd.readouterr()
    assert code == 0, err
    assert out.startswith(start.decode())
    assert link.is_symlink()


@pytest.mark.parametrize(("command", "start"), EXPORTS)
def test_export_to_dash_prints(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsysbinary: pytest.CaptureFixture[bytes],
    command: list[str],
    start: bytes,
) -> None:
    monkeypatch.chdir(tmp_path)
    code = main([*command, "-o", "-"])
    out, _ = capsysbinary.readouterr()
    assert code == 0
    assert out.startswith(start)
    assert not (tmp_path / "-").exists()


def test_export_opml_to_a_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "feeds"
    (folder / "inside").mkdir(parents=True)
    code, _, err = run(capsys, "export-opml", "-o", str(folder))
    assert code == 1
    assert f"{folder} is a folder" in err
    assert ".tmp" not in err
    assert list(folder.iterdir()) == [folder / "inside"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
@pytest.mark.parametrize(("command", "start"), EXPORTS)
def test_export_to_a_read_only_folder_names_the_target(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str], start: bytes
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    target = folder / "out.txt"
    try:
        code, _, err = run(capsys, *command, "-o", str(target))
    finally:
        folder.chmod(0o700)
    assert code == 1
    assert f"cannot write {target}: Permission denied" in err
    assert ".tmp" not in err


def test_export_replaces_a_file_behind_a_link_and_keeps_the_link(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    real = tmp_path / "real.opml"
    real.write_text("old")
    link = tmp_path / "link.opml"
    link.symlink_to(real)
    code, _, err = run(capsys, "export-opml", "-o", str(link))
    assert code == 0, err
    assert link.is_symlink() and real.read_bytes().startswith(b"<?xml")


def test_export_names_a_hostile_target_without_its_escapes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "out\x1b]0;PWNED\x07\x1b[2J.md"
    code, _, err = run(capsys, "export", "-o", str(target))
    assert code == 0 and target.exists()
    assert "exported 0 highlights to" in err
    assert "\x1b" not in err and "\x07" not in err


# Imports


@contextmanager
def unblocked_if_it_hangs(fifo: Path) -> Iterator[None]:
    """Should the code under test open ``fifo`` for reading and wait for a writer (the bug),
    open it for writing after a while, so that the test fails instead of hanging."""
    done = threading.Event()

    def release() -> None:
        if not done.wait(HANG_SECONDS):
            with contextlib.suppress(OSError):
                os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))

    guard = threading.Thread(target=release, daemon=True)
    guard.start()
    try:
        yield
    finally:
        done.set()
        guard.join()


@pytest.mark.parametrize("name", ["article.txt", "urls", "feeds.opml", "notes.md"])
def test_import_refuses_a_fifo_and_imports_the_rest(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    fifo = tmp_path / name
    os.mkfifo(fifo)
    good = tmp_path / "good.txt"
    good.write_text(GOOD_SEED, encoding="utf-8")
    with unblocked_if_it_hangs(fifo):
        code, out, _ = run(capsys, "import", str(fifo), str(good), "--json")
    summary = json.loads(out)
    assert code == 1
    assert summary["failed"] == [{"path": str(fifo), "reason": "not a regular file"}]
    assert len(summary["new"]) == 1


@pytest.mark.parametrize("name", ["endless.txt", "urls", "feeds.opml"])
def test_import_refuses_a_link_to_dev_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str
) -> None:
    endless = tmp_path / name
    endless.symlink_to("/dev/zero")
    code, _, err = run(capsys, "import", str(endless))
    assert code == 1
    assert f"{endless}: skipped: not a regular file" in err


def test_import_refuses_a_file_over_the_limit_without_reading_it_all(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Sparse: 3 GB on paper, nothing on disk; a read of it all would take the memory too.
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as stream:
        stream.truncate(3 * 1024**3)
    code, _, err = run(capsys, "import", str(huge))
    assert code == 1 and "huge.txt: skipped: too large (the limit is 5 MB)" in err


def yaml_alias_bomb(levels: int = 9) -> bytes:
    """The billion laughs in YAML: each level lists the one before nine times."""
    lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for level in range(1, levels):
        aliases = ",".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{aliases}]")
    lines.append(f"title: *a{levels - 1}")
    text = "The article's text, which never matters.\n"
    return ("---\n" + "\n".join(lines) + "\n---\n" + text).encode()


def test_a_yaml_alias_bomb_fails_alone_and_the_folder_imports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "bomb.md").write_bytes(yaml_alias_bomb())
    (folder / "good.md").write_text(GOOD_SEED, encoding="utf-8")
    code, out, _ = run(capsys, "import", str(folder), "--json")
    summary = json.loads(out)
    assert code == 1 and len(summary["new"]) == 1
    [failed] = summary["failed"]
    assert failed["path"].endswith("bomb.md") and "aliases" in failed["reason"]


@pytest.mark.parametrize(
    ("front_matter", "reason"),
    [
        ("a: &x Harbour\ntitle: *x", "uses YAML aliases"),
        ("title: " + "[" * 2000 + "]" * 2000, "nested more than 20 levels deep"),
        ("title: x\n" + "note: padding\n" * 6000, "too long (over 64 KB)"),
    ],
    ids=["alias", "deep", "long"],
)
def test_front_matter_that_yaml_allows_but_we_do_not_is_refused(
    front_matter: str, reason: str
) -> None:
    with pytest.raises(SeedError, match=re.escape(reason)):
        parse_seed(f"---\n{front_matter}\n---\n{GOOD_SEED}".encode(), "note.md")


@pytest.mark.parametrize(
    "front_matter",
    ["date: 2024-13-45", "published: 2024-02-30 10:00:00", "title: " + "9" * 5000,
     "published: 0001-01-01T00:00:00+05:00"],
    ids=["month-13", "february-30", "5000-digits", "year-1-east-of-utc"],
)  # fmt: skip
def test_front_matter_values_python_cannot_hold_are_text(front_matter: str) -> None:
    parsed = parse_seed(f"---\n{front_matter}\n---\n{GOOD_SEED}".encode(), "note.md")
    assert parsed.published is None
    assert parsed.paragraphs


# Settings


def test_settings_that_are_a_fifo_are_refused_not_waited_for(paths: DataPaths) -> None:
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(paths.settings_file)
    with unblocked_if_it_hangs(paths.settings_file), pytest.raises(StoreError) as caught:
        load_settings(paths)
    assert str(caught.value) == f"{paths.settings_file}: not a regular file"


@pytest.mark.parametrize(
    ("toml", "reason"),
    [
        ("browser = " + "[" * 5000 + "]" * 5000, "nested too deeply"),
        ('export_dir = "~no-such-user-here/notes"', "export_dir names an unknown home folder"),
        ('export_dir = "notes\\u001b]0;PWNED\\u0007"', "export_dir must be a folder's path"),
        ("export_dir = 5", "export_dir must be a folder's path"),
    ],
    ids=["deep", "unknown-user", "escapes", "number"],
)
def test_settings_a_hostile_file_holds_are_refused_in_words(
    paths: DataPaths, toml: str, reason: str
) -> None:
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(toml, encoding="utf-8")
    with pytest.raises(StoreError, match=re.escape(reason)):
        load_settings(paths)


# Documents from servers: what the fuzzing in test_fuzz_ingest.py found, kept as named cases


def rss_with(pub_date: str, title: str = "Harbour news", *, well_formed: bool = True) -> bytes:
    broken = "" if well_formed else "<unclosed>"
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>{broken}'
        f"<title>Gazette</title><item><title>{title}</title><link>https://a.example/1</link>"
        f"<pubDate>{pub_date}</pubDate></item></channel></rss>"
    ).encode()


@pytest.mark.parametrize("well_formed", [True, False], ids=["fast-path", "feedparser"])
@pytest.mark.parametrize(
    "pub_date", ["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "0000-01-01"]
)
def test_a_date_past_what_python_holds_is_no_date(pub_date: str, well_formed: bool) -> None:
    feed = parse_feed(rss_with(pub_date, well_formed=well_formed), "https://a.example/feed")
    [entry] = feed.entries
    assert entry.title == "Harbour news" and entry.published is None


@pytest.mark.parametrize("reference", ["&#xD800;", "&#2000000;", "&#99999999999999999999;"])
def test_a_reference_to_no_character_fails_only_that_feed_in_words(reference: str) -> None:
    document = rss_with("", f"Harbour {reference} news", well_formed=False)
    with pytest.raises(FeedParseError, match="not a feed: the document could not be read"):
        parse_feed(document, "https://a.example/feed")


def test_a_page_dated_past_what_python_holds_is_saved_undated() -> None:
    text = "<p>The harbour council met on Tuesday to discuss the sea wall and its cost.</p>" * 4
    page = (
        "<html><head><meta property='article:published_time' "
        f"content='9999-12-31T23:59:59-05:00'></head><body><article>{text}</article></body></html>"
    )
    article = extract_article(page.encode(), "https://a.example/story", content_type="text/html")
    assert article.published is None and article.text
