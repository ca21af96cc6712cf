"""refresh_feeds end to end against the local server: new, unchanged, updated, failed feeds."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from store import entities
from store.annotations import HighlightStore
from store.annotations.sync import highlighted_body_hashes, reanchor_changed
from store.entities.pending import (
    clear_if_unchanged,
    complete_pending,
    mark_pending,
    pending_token,
)
from store.entities.refresh import is_stale
from store.feeds import Feed, FeedStore
from store.ingest.full_text import fetch_full_text
from store.ingest.http import FetchPolicy
from store.ingest.refresh import FeedResult, FeedStatus, refresh_feeds
from store.library import Library
from store.models import PENDING_ENTITIES_VERSION
from store.paths import DataPaths, shard_of
from tests.web.plugin import FixtureSite, data_file
from tests.web.server import Response, WebServer

Stores = tuple[Library, FeedStore]


@pytest.fixture
def stores(tmp_path: Path) -> Iterator[Stores]:
    paths = DataPaths(tmp_path / "home")
    with Library(paths) as library, FeedStore(paths) as feed_store:
        yield library, feed_store


def follow(feed_store: FeedStore, url: str, **values: object) -> Feed:
    feed = Feed.new(url, **values)  # type: ignore[arg-type]
    feed_store.put(feed)
    return feed


def rss(items: str, title: str = "Evolving") -> Response:
    document = (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://evolving.example/</link>{items}</channel></rss>"
    )
    return Response(200, document.encode(), {"Content-Type": "application/rss+xml"})


def item(guid: str, title: str, body: str = "Some text.", link: str = "") -> str:
    guid_element = f'<guid isPermaLink="false">{guid}</guid>' if guid else ""
    link_element = f"<link>{link}</link>" if link else ""
    return (f"<item><title>{title}</title>{guid_element}{link_element}"
            f"<description>{body}</description></item>")  # fmt: skip


def feed_articles(library: Library, feed: Feed) -> list[str]:
    return sorted(article.title for article in library.articles() if article.feed_id == feed.id)


def test_good_feeds_of_every_format_fill_the_library(
    stores: Stores, web_server: WebServer, test_policy: FetchPolicy
):
    library, feed_store = stores
    for name in ("rss2.xml", "rss091.xml", "rss1.rdf", "atom.xml", "atom03.xml", "malformed.xml"):
        follow(feed_store, web_server.url(f"/static/{name}"))
    report = refresh_feeds(library, feed_store, policy=test_policy)
    assert not report.failed
    assert report.new_articles == 3 + 2 + 2 + 2 + 1 + 2 == len(library)
    article = library.find("guid", "harbour-2024-0001")
    assert article is not None and article.id.startswith("fd-")
    assert article.title == "Ferry timetable changes from Monday"
    assert article.url == web_server.url("/news/ferry-timetable")  # relative, resolved
    assert article.source == "The Harbour Gazette"
    assert library.body(article).startswith("The morning ferry to Skerry Island")
    assert "alert" not in library.body(article)
    assert all(feed.last_success and not feed.last_error for feed in feed_store.all())
    assert library.paths.article_shard(shard_of(article.id)).exists()  # flushed at the end


def test_worker_processes_store_exactly_what_threads_store(
    tmp_path: Path, web_server: WebServer, test_policy: FetchPolicy
):
    names = ("rss2.xml", "rss091.xml", "rss1.rdf", "atom.xml", "atom03.xml", "malformed.xml")
    stored: dict[int, list[tuple[str, str, str, object]]] = {}
    for processes in (0, 2):
        paths = DataPaths(tmp_path / f"home-{processes}")
        with Library(paths) as library, FeedStore(paths) as feed_store:
            for name in names:
                follow(feed_store, web_server.url(f"/static/{name}"))
            report = refresh_feeds(library, feed_store, policy=test_policy, processes=processes)
            assert not report.failed and report.new_articles == 12
            complete_pending(library)
            stored[processes] = sorted(
                (a.id, a.title, a.body_hash, a.entities) for a in library.articles()
            )
    assert stored[2] == stored[0]
    assert any(entities for *_, entities in stored[2])


def test_a_refresh_leaves_entity_summaries_to_be_made_after_it(
    stores: Stores, web_server: WebServer, test_policy: FetchPolicy
):
    library, feed_store = stores
    follow(feed_store, web_server.url("/static/rss2.xml"))
    refresh_feeds(library, feed_store, policy=test_policy)
    assert all(article.entities_version == PENDING_ENTITIES_VERSION for article in library)
    assert pending_token(library.paths) is not None
    assert complete_pending(library) == len(library) == 3
    assert all(not is_stale(article) for article in library)
    assert any(article.entities for article in library)
    assert pending_token(library.paths) is None  # a full pass, nothing new behind it
    # Made as a save makes them: the same summary as extracting at once.
    article = library.articles()[0]
    assert tuple(article.entities) == entities.summarize(
        entities.extract(library.body(article)), article.title
    )


def test_a_pass_keeps_the_marker_of_a_refresh_that_stored_more_behind_it(tmp_path: Path):
    paths = DataPaths(tmp_path)
    mark_pending(paths)
    seen = pending_token(paths)
    assert seen is not None
    mark_pending(paths)  # another refresh's flush, while the pass ran
    clear_if_unchanged(paths, seen)
    assert pending_token(paths) is not None
    clear_if_unchanged(paths, pending_token(paths) or b"")
    assert pending_token(paths) is None


def test_a_second_refresh_costs_only_304s(
    stores: Stores, web_server: WebServer, test_policy: FetchPolicy
):
    library, feed_store = stores
    feed = follow(feed_store, web_server.url("/static/rss1.rdf"))
    refresh_feeds(library, feed_store, policy=test_policy)
    second = refresh_feeds(library, feed_store, policy=test_policy)
    assert [result.status for result in second.results] == [FeedStatus.NOT_MODIFIED]
    assert second.new_articles == 0 and len(library) == 2
    last = web_server.hits("/static/rss1.rdf")[-1]
    assert last.headers.get("if-none-match") == feed_store.get(feed.id).etag  # type: ignore[union-attr]


def test_refetch_never_duplicates_and_updates_in_place(
    stores: Stores, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    library, feed_store = stores
    feed = follow(feed_store, web_server.url("/evolving.xml"))
    site.overrides["/evolving.xml"] = rss(
        item("g1", "First")
        + item("g2", "Second")
        + item("", "Linked", link="https://e.x/l")
        + item("", "Bare", body="Only text.")
        + item("g1", "First again (duplicate)")
    )
    first = refresh_feeds(library, feed_store, policy=test_policy)
    assert first.new_articles == 4
    original = library.find("guid", "g1")
    assert original is not None
    library.set_read(original.id)
    site.overrides["/evolving.xml"] = rss(
        item("g1", "First, corrected", body="New text.")
        + item("g2", "Second")
        + item("", "Linked, retitled", link="https://e.x/l")
        + item("", "Bare", body="Only text.")
    )
    second = refresh_feeds(library, feed_store, policy=test_policy)
    assert (second.new_articles, second.updated_articles) == (0, 2)
    assert feed_articles(library, feed) == [
        "Bare",
        "First, corrected",
        "Linked, retitled",
        "Second",
    ]
    updated = library.get(original.id)
    assert updated is not None and updated.read and updated.title == "First, corrected"
    assert library.body(updated) == "New text."


def test_a_failing_feed_keeps_its_articles_and_records_why(
    stores: Stores, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    library, feed_store = stores
    feed = follow(feed_store, web_server.url("/flaky.xml"))
    site.overrides["/flaky.xml"] = rss(item("a", "Alpha") + item("b", "Beta"))
    refresh_feeds(library, feed_store, policy=test_policy)
    before = {article.id: article for article in library.articles()}
    succeeded_at = feed_store.get(feed.id).last_success  # type: ignore[union-attr]
    for broken, reason in [
        (Response(500, b"oops"), "HTTP 500 Internal Server Error"),
        (Response(200, data_file("garbage.bin")), "not a feed"),
        (Response(200, data_file("not-a-feed.html")), "HTML page, not a feed"),
        (Response(200, b""), "empty"),
    ]:
        site.overrides["/flaky.xml"] = broken
        report = refresh_feeds(library, feed_store, policy=test_policy)
        assert report.failed and reason in (report.failures[0].error or "")
        assert {article.id: article for article in library.articles()} == before
        stored = feed_store.get(feed.id)
        assert stored is not None and reason in (stored.last_error or "")
        assert stored.last_success == succeeded_at


def test_one_bad_feed_does_not_stop_the_others(
    stores: Stores, web_server: WebServer, test_policy: FetchPolicy
):
    library, feed_store = stores
    good = follow(feed_store, web_server.url("/static/atom.xml"))
    for path in ("/status/404", "/stall", "/gzip-bomb", "/loop-a", "/html-as-feed"):
        follow(feed_store, web_server.url(path))
    done: list[FeedResult] = []
    progress: list[tuple[int, int]] = []
    report = refresh_feeds(
        library,
        feed_store,
        policy=test_policy,
        on_feed_done=done.append,
        on_progress=lambda finished, total: progress.append((finished, total)),
    )
    assert len(report.failures) == 5
    assert {result.feed_id for result in done} == {feed.id for feed in feed_store.all()}
    assert progress[0] == (0, 6) and progress[-1] == (6, 6) and len(progress) == 7
    assert feed_articles(library, good) == ["Rivers rising in the north", "Use <b> for bold"]
    reasons = sorted(result.error or "" for result in report.failures)
    assert reasons == sorted(
        [
            "HTTP 404 Not Found",
            "timed out waiting for the server",
            "the response is larger than the 1 MB limit",
            "redirect loop",
            "this is an HTML page, not a feed",
        ]
    )


def test_a_long_retry_after_skips_the_feed_next_time(
    stores: Stores, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    library, feed_store = stores
    feed = follow(feed_store, web_server.url("/rate-limited-long?token=refresh"))
    first = refresh_feeds(library, feed_store, policy=test_policy)
    assert first.failed
    assert feed_store.get(feed.id).retry_not_before  # type: ignore[union-attr]
    second = refresh_feeds(library, feed_store, policy=test_policy)
    assert second.results[0].status is FeedStatus.SKIPPED and not second.failed
    assert site.attempts["/rate-limited-long?token=refresh"] == 1


def test_full_text_fetches_the_page_when_the_feed_gives_a_summary(
    stores: Stores, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    library, feed_store = stores
    page = web_server.url("/static/article.html")
    site.overrides["/summaries.xml"] = rss(
        item("sea-wall", "Sea wall approved", body="A short teaser.", link=page)
        + item("gone", "Missing page", body="Teaser kept.", link=web_server.url("/status/404"))
    )
    follow(feed_store, web_server.url("/summaries.xml"), full_text=True)
    report = refresh_feeds(library, feed_store, policy=test_policy)
    assert report.results[0].page_failures == 1
    article = library.find("guid", "sea-wall")
    assert article is not None
    body = library.body(article)
    assert body.startswith("The harbour council voted on Tuesday evening")
    assert "Advertisement" not in body and "Most read" not in body
    assert article.author == "Ines Calder"  # the feed gave none; the page did
    assert article.origin == page
    missing = library.find("guid", "gone")
    assert missing is not None and library.body(missing) == "Teaser kept."


def test_refresh_runs_from_a_worker_thread(
    stores: Stores, web_server: WebServer, test_policy: FetchPolicy
):
    library, feed_store = stores
    follow(feed_store, web_server.url("/static/rss2.xml"))
    results: list[int] = []
    caller_threads: set[str] = set()

    def work() -> None:
        report = refresh_feeds(
            library,
            feed_store,
            policy=test_policy,
            on_feed_done=lambda result: caller_threads.add(threading.current_thread().name),
        )
        results.append(report.new_articles)

    worker = threading.Thread(target=work, name="refresh-worker")
    worker.start()
    worker.join(timeout=30)
    assert results == [3]
    assert caller_threads == {"refresh-worker"}


def test_feed_ids_are_stable_and_derived_from_the_url():
    one = Feed.new("https://Example.com/feed.xml#top")
    two = Feed.new("https://example.com/feed.xml")
    assert one.id == two.id and one.id.startswith("feed-")
    assert Feed.new("https://example.com/other.xml").id != one.id
    assert replace(one, title="x").to_dict()["id"] == one.id


def test_entries_fetched_again_unchanged_are_not_extracted_again(
    stores: Stores,
    site: FixtureSite,
    web_server: WebServer,
    test_policy: FetchPolicy,
    monkeypatch: pytest.MonkeyPatch,
):
    library, feed_store = stores
    follow(feed_store, web_server.url("/evolving.xml"))
    site.overrides["/evolving.xml"] = rss(
        item("g1", "First", body="Kyoto welcomed Marta Quinlan.")
        + item("g2", "Second", body="Osaka did not.")
    )
    refresh_feeds(library, feed_store, policy=test_policy)
    complete_pending(library)
    extracted: list[str] = []
    real_extract = entities.extract
    monkeypatch.setattr(
        entities, "extract", lambda text: extracted.append(text) or real_extract(text)
    )
    # The server answers 200 again (no validators): one entry changed, one did not.
    site.overrides["/evolving.xml"] = rss(
        item("g1", "First", body="Kyoto welcomed Marta Quinlan.")
        + item("g2", "Second", body="Osaka did, after all.")
    )
    second = refresh_feeds(library, feed_store, policy=test_policy)
    assert (second.new_articles, second.updated_articles) == (0, 1)
    assert extracted == []  # not during the refresh
    assert complete_pending(library) == 1
    assert extracted == ["Osaka did, after all."]
    first = library.find("guid", "g1")
    assert first is not None and [s.key for s in first.entities] == ["Kyoto", "Marta Quinlan"]


def test_full_text_on_demand_keeps_the_article_and_its_highlights(
    stores: Stores, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    library, feed_store = stores
    page = web_server.url("/static/article.html")
    teaser = "The harbour council voted on Tuesday evening."
    site.overrides["/teasers.xml"] = rss(
        item("sea-wall", "Sea wall approved", body=teaser, link=page)
        + item("gone", "Missing page", body="Teaser kept.", link=web_server.url("/status/404"))
    )
    follow(feed_store, web_server.url("/teasers.xml"))
    refresh_feeds(library, feed_store, policy=test_policy)
    article = library.find("guid", "sea-wall")
    missing = library.find("guid", "gone")
    assert article is not None and missing is not None
    library.set_read(article.id)
    highlights = HighlightStore(library.paths)
    mark = highlights.add(article, library.body(article), 0, len("The harbour council"))
    before = highlighted_body_hashes(library, highlights)
    report = fetch_full_text(library, [article, missing], policy=test_policy)
    reanchor_changed(library, highlights, before)
    assert [a.id for a in report.updated] == [article.id]
    assert [a.id for a, _ in report.failures] == [missing.id] and "404" in report.failures[0][1]
    now = library.get(article.id)
    assert now is not None and now.read and now.title == "Sea wall approved"
    assert library.body(now).startswith("The harbour council voted on Tuesday evening")
    assert len(library.body(now)) > len(teaser)
    placed = highlights.get(mark.id)
    assert placed is not None and not placed.orphaned and placed.body_hash == now.body_hash
    highlights.close()


def test_a_retry_after_of_ten_thousand_years_fails_only_its_feed(
    stores: Stores, web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    library, feed_store = stores
    site.overrides["/forever.xml"] = Response(429, b"", {"Retry-After": "300000000000"})
    stuck = follow(feed_store, web_server.url("/forever.xml"))
    fine = follow(feed_store, web_server.url("/static/rss2.xml?forever-neighbour"))
    report = refresh_feeds(library, feed_store, policy=test_policy)
    by_feed = {result.feed_id: result for result in report.results}
    assert by_feed[stuck.id].status is FeedStatus.FAILED
    assert by_feed[fine.id].status is FeedStatus.FETCHED and by_feed[fine.id].new > 0
    retry = feed_store.get(stuck.id).retry_not_before  # type: ignore[union-attr]
    assert retry is not None and retry < "2100"  # bounded: about a month from now


@pytest.mark.parametrize(
    "location", ["javascript:alert(1)", "data:text/html,<b>x</b>", "file:///etc/passwd"]
)
def test_a_redirect_out_of_http_is_that_feeds_plain_error(
    stores: Stores,
    web_server: WebServer,
    site: FixtureSite,
    test_policy: FetchPolicy,
    location: str,
):
    library, feed_store = stores
    path = f"/redirect-out-{abs(hash(location))}.xml"
    site.overrides[path] = Response(302, b"", {"Location": location})
    feed = follow(feed_store, web_server.url(path))
    report = refresh_feeds(library, feed_store, policy=test_policy)
    (result,) = [r for r in report.results if r.feed_id == feed.id]
    assert result.status is FeedStatus.FAILED
    assert result.error is not None and "unexpected" not in result.error
    assert "http" in result.error
