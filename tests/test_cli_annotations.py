"""``broadsheet highlights``, ``export`` and ``import-annotations`` as scripts use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import tui.cli
from store.annotations import HighlightStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tui.cli import main

BODY = (
    "The rail union called a strike over wages.\n\n"
    "Trains will stop at midnight on Friday, the union said."
)


@pytest.fixture(autouse=True)
def annotation_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    if "tui.cli.annotations" not in tui.cli.COMMAND_MODULES:
        monkeypatch.setattr(
            tui.cli, "COMMAND_MODULES", (*tui.cli.COMMAND_MODULES, "tui.cli.annotations")
        )


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    paths = DataPaths(home)
    with Library(paths) as library:
        article, _ = library.save(
            Article(
                id="strike",
                title="Rail strike: trains stop",
                body_hash="",
                url="https://news.example/strike",
                source="Wire",
            ),
            BODY,
        )
    with HighlightStore(paths) as store:
        first = store.add(article, BODY, 0, BODY.index(" called"), note="who? #labour")
        store.add(article, BODY, BODY.index("Trains"), BODY.index(", the"), colour="blue")
        store.set_note(first.id, "who exactly? #labour")
    return home


def test_highlights_json_lists_newest_first(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(home), "highlights", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [item["exact"] for item in listed] == [
        "Trains will stop at midnight on Friday",
        "The rail union",
    ]
    assert set(listed[0]) == {
        "id",
        "article_id",
        "article_title",
        "article_url",
        "start",
        "end",
        "exact",
        "prefix",
        "suffix",
        "body_hash",
        "created",
        "modified",
        "note",
        "tags",
        "colour",
        "orphaned",
        "orphan_reason",
    }
    assert listed[1]["tags"] == ["labour"] and listed[1]["note"] == "who exactly? #labour"
    code, out, _ = run(capsys, "--home", str(home), "highlights", "--json", "--article", "strike")
    assert [item["start"] for item in json.loads(out)] == [0, BODY.index("Trains")]
    code, out, _ = run(capsys, "--home", str(home), "highlights", "--json", "--article", "none")
    assert json.loads(out) == []


def test_highlights_for_people(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--home", str(home), "highlights", "--tag", "labour")
    assert code == 0
    assert "Rail strike: trains stop" in out and "“The rail union”" in out
    assert "tags: #labour" in out and "Trains will stop" not in out


@pytest.mark.parametrize("export_format", ["markdown", "json", "csv"])
def test_export_to_stdout_is_deterministic(
    home: Path, capsys: pytest.CaptureFixture[str], export_format: str
) -> None:
    code, first, _ = run(capsys, "--home", str(home), "export", "--format", export_format)
    assert code == 0 and "The rail union" in first
    _, second, _ = run(capsys, "--home", str(home), "export", "--format", export_format)
    assert first == second


def test_export_markdown_to_a_directory_writes_one_file_per_article(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "vault"
    code, _, err = run(capsys, "--home", str(home), "export", "-o", f"{target}/", "--tag", "labour")
    assert code == 0
    (written,) = target.iterdir()
    assert written.name == "Rail strike trains stop.md"
    text = written.read_text()
    assert "> The rail union" in text and "Trains will stop" not in text
    assert "exported 1 highlight to" in err


def test_export_import_round_trip_into_an_empty_home(
    home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    exported = tmp_path / "highlights.json"
    code, _, _ = run(capsys, "--home", str(home), "export", "--format", "json", "-o", str(exported))
    assert code == 0
    empty = tmp_path / "empty"
    code, out, _ = run(capsys, "--home", str(empty), "import-annotations", str(exported))
    assert code == 0 and "2 new" in out
    with HighlightStore(DataPaths(home)) as original, HighlightStore(DataPaths(empty)) as copy:
        assert copy.all() == original.all()


def test_usage_errors_exit_2(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--home", str(home), "export", "--since", "last tuesday"])
    assert stopped.value.code == 2
    assert "not a date" in capsys.readouterr().err
    code, _, err = run(capsys, "--home", str(home), "import-annotations", "missing.json")
    assert code == 2 and "no such file" in err
