"""The command line, as scripts use it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tests.conftest import REPO_ROOT, SEED_DATA
from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_first_use_of_a_home_imports_the_bundled_seed(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "list", "--json")
    assert code == 0
    articles = json.loads(out)
    assert len(articles) == 1
    assert articles[0]["title"].startswith("Japanese Prime Minister Sanae Takaichi")
    assert articles[0]["read"] is False
    assert set(articles[0]) >= {"id", "title", "source", "url", "published", "standfirst"}


def test_home_flag_overrides_environment(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "elsewhere"
    code, out, _ = run(capsys, "--home", str(other), "where", "--json")
    assert code == 0
    assert json.loads(out)["home"] == str(other)
    code, out, _ = run(capsys, "where", "--json")
    assert json.loads(out)["home"] == os.environ["BROADSHEET_HOME"]


def test_import_twice_adds_nothing_the_second_time(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "import", str(SEED_DATA / "front_matter.md"), "--json")
    assert code == 0
    assert len(json.loads(out)["new"]) == 1
    code, out, _ = run(capsys, "import", str(SEED_DATA / "front_matter.md"), "--json")
    summary = json.loads(out)
    assert summary["new"] == [] and len(summary["unchanged"]) == 1
    code, out, _ = run(capsys, "list", "--json")
    assert len(json.loads(out)) == 2


def test_import_with_bad_files_exits_1_and_says_which(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(
        capsys,
        "import",
        str(SEED_DATA / "empty.txt"),
        str(SEED_DATA / "hard_wrapped.txt"),
        "nowhere.txt",
    )
    assert code == 1
    assert "empty.txt: skipped: empty file" in err
    assert "nowhere.txt: no such file or folder" in err
    assert "imported 1 new" in out


def test_show_prints_the_text(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "list", "--json")
    article_id = json.loads(out)[0]["id"]
    code, out, _ = run(capsys, "show", article_id[:6])
    assert code == 0
    assert "diplomatic row between China and Japan continues" in out
    code, _, err = run(capsys, "show", "zzzz")
    assert code == 2 and "no article has an id starting with 'zzzz'" in err


def test_commands_work_while_the_app_holds_the_home(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    from store.library import Library
    from store.paths import DataPaths

    with Library(DataPaths(isolated_home)) as open_in_the_app:
        code, _, err = run(capsys, "import", str(SEED_DATA / "hard_wrapped.txt"))
        assert code == 0, err
        assert open_in_the_app.poll_changes()  # the app sees the import


def test_a_busy_home_gives_a_message_not_a_traceback(
    capsys: pytest.CaptureFixture[str], isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import store.db
    from store.paths import DataPaths

    monkeypatch.setattr(store.db, "LOCK_TIMEOUT_SECONDS", 0.2)
    run(capsys, "list")  # the first run sets the home up
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK, str(DataPaths(isolated_home).articles_lock)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO_ROOT,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        code, _, err = run(capsys, "import", str(SEED_DATA / "hard_wrapped.txt"))
        json_code, _, json_err = run(
            capsys, "import", "--json", str(SEED_DATA / "hard_wrapped.txt")
        )
    finally:
        holder.kill()
        holder.wait(timeout=10)
    assert code == 3  # its own exit code: worth trying again
    assert "is busy" in err and "try again" in err
    assert "Traceback" not in err
    # With --json, the error is JSON too: one object on one line.
    (line,) = json_err.splitlines()
    error = json.loads(line)
    assert json_code == 3 and error["code"] == 3 and error["kind"] == "busy"
    assert "is busy" in error["error"]


HOLD_LOCK = (
    "import sys, time; from pathlib import Path; from store.db import WriteLock;"
    "held = WriteLock(Path(sys.argv[1])).held(); held.__enter__();"
    "print('locked', flush=True); time.sleep(60)"
)


def test_installed_command_runs(isolated_home: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--help"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        timeout=60,
    )
    assert result.returncode == 0
    commands = (
        "import list show delete where add feeds remove refresh export-opml entities highlights "
        "export import-annotations"
    ).split()
    for command in commands:
        assert f"    {command} " in result.stdout or f"    {command}\n" in result.stdout, command


def test_delete_keeps_highlights_as_orphans_unless_told(
    capsys: pytest.CaptureFixture[str], isolated_home: Path
) -> None:
    from store.annotations import HighlightStore
    from store.library import Library
    from store.paths import DataPaths

    run(
        capsys, "import", str(SEED_DATA / "hard_wrapped.txt"), str(SEED_DATA / "headline_given.txt")
    )
    paths = DataPaths(isolated_home)
    with Library(paths) as library, HighlightStore(paths) as highlights:
        first, second = [a for a in library.articles() if a.source == "Local file"][:2]
        kept = highlights.add(first, library.body(first), 0, 8)
        doomed = highlights.add(second, library.body(second), 0, 8)
    code, out, _ = run(capsys, "delete", first.id)
    assert code == 0 and "kept its 1 highlight as orphans" in out
    code, out, _ = run(capsys, "delete", second.id, "--with-highlights")
    assert code == 0 and "deleted its 1 highlight" in out
    with Library(paths, writable=False) as library, HighlightStore(paths) as highlights:
        assert library.get(first.id) is None and library.get(second.id) is None
        orphan = highlights.get(kept.id)
        assert orphan is not None and orphan.orphaned and orphan.exact == kept.exact
        assert highlights.get(doomed.id) is None


def test_entities_and_list_by_entity(capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(SEED_DATA / "front_matter.md"))
    _, out, _ = run(capsys, "list", "--json")
    seed = next(a for a in json.loads(out) if a["title"].startswith("Japanese Prime Minister"))
    code, out, _ = run(capsys, "entities", seed["id"][:8], "--json")
    assert code == 0
    named = {entity["key"]: entity for entity in json.loads(out)["entities"]}
    assert named["Sanae Takaichi"]["label"] == "PERSON"
    assert "US President" in named["Donald Trump"]["roles"]
    assert named["United States"]["label"] == "PLACE"
    for entity in named.values():
        assert len(entity["mentions"]) == entity["count"]
    code, out, _ = run(capsys, "entities", seed["id"][:8])
    assert "People\n  Sanae Takaichi" in out
    for spelling in ("US", "u.s.", "United States", "takaichi"):
        code, out, _ = run(capsys, "list", "--json", "--entity", spelling)
        assert [a["id"] for a in json.loads(out)] == [seed["id"]], spelling
    code, out, err = run(capsys, "list", "--json", "--entity", "Atlantis")
    assert json.loads(out) == [] and "no article names 'Atlantis'" in err


def test_export_to_an_unwritable_place_names_the_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    target = blocker / "out.csv"
    code, _, err = run(capsys, "export", "--format", "csv", "-o", str(target))
    assert code == 1
    assert f"cannot write {target}" in err and ".tmp" not in err
    assert "no highlights match" in err


def test_file_names_with_escapes_reach_the_terminal_without_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = tmp_path / "note\x1b]0;PWNED\x07\x1b[2J.txt"
    hostile.write_text("")
    code, _, err = run(capsys, "import", str(hostile))
    assert code == 1 and "empty file" in err
    assert "\x1b" not in err and "\x07" not in err


def test_an_opml_link_to_a_device_is_refused_not_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endless = tmp_path / "feeds.opml"
    endless.symlink_to("/dev/zero")
    code, _, err = run(capsys, "import", str(endless))
    assert code == 1 and "not a regular file" in err


def test_stored_escapes_never_reach_the_terminal_through_list_or_show(
    paths: DataPaths, capsys: pytest.CaptureFixture[str]
) -> None:
    # Stored by an older version or a hand-edited file: the output boundary still cleans it.
    hostile = "\x1b]52;c;cHduZWQ=\x07\x1b]0;PWNED\x07\x1b[2J\x9b31m"
    with Library(paths) as library:
        library.save(
            Article(id="hostile01", title=f"Harbour{hostile} reopens", body_hash="",
                    source=f"Wire{hostile}"),
            "The harbour reopened on Monday.",
        )  # fmt: skip
    for command in (("list",), ("show", "hostile01")):
        code, out, _ = run(capsys, *command)
        assert code == 0 and "Harbour" in out
        assert not any(character in out for character in "\x1b\x07\x9b"), command
