"""Two windows on one home: what one does shows up in the other, nothing is refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from store.annotations import HighlightStore
from store.library import Library
from store.models import Article
from store.paths import DataPaths
from tests.pilot import settle, wait_until
from tui import home_changes
from tui.app import BroadsheetApp
from tui.screens.main import MainScreen
from tui.widgets.article_list import ArticleList


def open_app(paths: DataPaths) -> BroadsheetApp:
    return BroadsheetApp(Library(paths, keep_entities=False), HighlightStore(paths))


def article(number: int) -> tuple[Article, str]:
    return (
        Article(id=f"a{number}", title=f"Story {number}", body_hash="",
                published=f"2026-01-{number:02d}T08:00:00+00:00"),
        f"Story number {number} happened on a quiet day in the harbour.",
    )  # fmt: skip


def home_with(tmp_path: Path, *numbers: int) -> DataPaths:
    paths = DataPaths(tmp_path / "home")
    with Library(paths) as library:
        for number in numbers:
            library.save(*article(number))
    return paths


async def test_what_another_process_writes_appears_in_an_open_app(tmp_path: Path) -> None:
    paths = home_with(tmp_path, 1, 2, 3)
    app = open_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        assert [a.id for a in screen.articles] == ["a3", "a2", "a1"]
        # Another process (a cron refresh, a second window) adds one and reads one.
        other = Library(paths)
        other.save(*article(9))
        other.flush()
        other.set_read("a1")
        other.close()
        screen.poll_store()  # what the one-second timer does
        await settle(pilot)
        assert [a.id for a in screen.articles] == ["a9", "a3", "a2", "a1"]
        assert [a.id for a in screen.query_one(ArticleList).articles if a.read] == ["a1"]


async def test_entities_another_process_left_to_be_made_are_made_by_the_open_app(
    tmp_path: Path,
) -> None:
    paths = home_with(tmp_path, 1)
    app = open_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        other = Library(paths)  # a cron refresh: stores the text, leaves the entities
        story, _ = article(2)
        other.save(story, "Mayor Ines Calder opened the ferry pier in Oban.", entities_later=True)
        other.flush()
        other.close()
        assert paths.entities_pending.exists()
        screen.poll_store()
        await settle(pilot)
        await settle(pilot)
        with Library(paths, writable=False) as after:
            made = after.get("a2")
            assert made is not None and "Ines Calder" in {e.key for e in made.entities}
        assert not paths.entities_pending.exists()


async def test_an_open_app_is_told_of_changes_rather_than_looking_on_a_timer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No timer to fall back on: what arrives can only have come from the kernel's notice.
    monkeypatch.setattr(home_changes, "POLL_SECONDS", 3600.0)
    paths = home_with(tmp_path, 1)
    app = open_app(paths)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, MainScreen)
        other = Library(paths)
        other.save(*article(2))
        other.flush()
        other.set_read("a1")
        other.close()
        await wait_until(pilot, lambda: [a.id for a in screen.articles] == ["a2", "a1"])
        await wait_until(pilot, lambda: any(a.read for a in screen.articles))
        assert {a.id for a in screen.articles if a.read} == {"a1"}


async def test_two_apps_mark_and_highlight_on_one_home(tmp_path: Path) -> None:
    paths = home_with(tmp_path, 1, 2)
    first, second = open_app(paths), open_app(paths)
    async with first.run_test(size=(120, 40)) as one, second.run_test(size=(120, 40)) as two:
        await settle(one)
        await settle(two)
        await one.press("enter")  # opens a2 and marks it read
        await settle(one)
        await two.press("j", "enter")  # opens a1 in the other window
        await settle(two)
        await two.press("h")  # highlights its first sentence
        await settle(two)
        for pilot in (one, two):
            screen = pilot.app.screen
            assert isinstance(screen, MainScreen)
            screen.poll_store()
            await settle(pilot)
            assert {a.id for a in screen.articles if a.read} == {"a1", "a2"}
            counts = screen.query_one(ArticleList).highlight_counts
            assert counts == {"a1": 1}
