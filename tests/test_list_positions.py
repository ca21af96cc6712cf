"""Finding a changed article in the app's list (newest first) without a scan of it all."""

from __future__ import annotations

from dataclasses import replace

from store.models import Article
from tui.screens.main import _position


def newest_first(count: int) -> list[Article]:
    articles = [
        Article(id=f"a{n:03d}", title=f"Story {n}", body_hash="",
                published=f"2026-01-{1 + n % 28:02d}T08:00:00+00:00")
        for n in range(count)
    ]  # fmt: skip
    return sorted(articles, key=lambda a: (a.sort_key, a.id), reverse=True)


def test_every_article_is_found_where_it_is() -> None:
    articles = newest_first(200)  # several to a day: the id breaks the ties
    for position, article in enumerate(articles):
        assert _position(articles, replace(article, read=True)) == position


def test_an_article_whose_date_changed_is_still_found() -> None:
    articles = newest_first(50)
    moved = replace(articles[10], published="1999-01-01T00:00:00+00:00")
    assert _position(articles, moved) == 10


def test_an_article_not_in_the_list_is_not_found() -> None:
    articles = newest_first(50)
    assert _position(articles, Article(id="elsewhere", title="", body_hash="")) is None
    assert _position([], articles[0]) is None
