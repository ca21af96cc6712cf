"""Benchmark: refresh N feeds x M entries served locally with a fixed per-request latency.

    python bench/refresh.py [--feeds 200] [--entries 20] [--latency 0.1] [--hosts 50]

A server process on 127.0.0.1 serves the feeds from ``--hosts`` ports (origins), adding
``--latency`` seconds before every response, with ETags so a warm refresh is all 304s. The
client refreshes a fresh data directory from empty ("cold"), then again ("warm"), then fetches
every feed one after another with the same client ("sequential") for the ratio. Feeds are
spread over several origins because the policy bounds requests per origin (8): 200 feeds on
one origin cannot take less than 25 rounds of latency, whatever the client does.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from store.feeds import Feed, FeedStore  # noqa: E402
from store.ingest.http import HttpClient  # noqa: E402
from store.ingest.refresh import refresh_feeds  # noqa: E402
from store.library import Library  # noqa: E402
from store.paths import DataPaths  # noqa: E402
from tests.web.server import Request, Response, WebServer  # noqa: E402
from tui.cli.feeds import REFRESH_PROCESSES  # noqa: E402

PARAGRAPH = (
    "The council met on {day} to discuss the harbour, the ferry timetable and the new sea wall; "
    "residents from {place} asked questions about cost, noise and the fish market, and the "
    "chief engineer answered each in turn before the vote."
)
PLACES = ("Skerry", "Northquay", "Eldmouth", "Brackenridge", "Lowtown")


def feed_document(feed_number: int, entries: int) -> bytes:
    base = datetime(2024, 3, 1, tzinfo=UTC)
    items = []
    for entry in range(entries):
        place = PLACES[(feed_number + entry) % len(PLACES)]
        paragraphs = "".join(
            f"&lt;p&gt;{PARAGRAPH.format(day=f'day {entry}.{n}', place=place)}&lt;/p&gt;"
            for n in range(3)
        )
        published = format_datetime(base - timedelta(hours=entry))
        items.append(
            f"<item><title>Feed {feed_number} story {entry}: {place} votes</title>"
            f"<link>https://site{feed_number}.example/story/{entry}</link>"
            f"<guid>https://site{feed_number}.example/story/{entry}</guid>"
            f"<pubDate>{published}</pubDate><description>{paragraphs}</description></item>"
        )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Bench feed {feed_number}</title><link>https://site{feed_number}.example/</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


def serve(feeds: int, entries: int, latency: float, hosts: int) -> None:
    """The server process: print the ports, then serve until stdin closes."""
    documents = [feed_document(number, entries) for number in range(feeds)]
    etags = ['"' + hashlib.sha256(d).hexdigest()[:16] + '"' for d in documents]

    async def handle(request: Request) -> Response:
        number = int(request.path.strip("/").removesuffix(".xml").removeprefix("feed"))
        if request.headers.get("if-none-match") == etags[number]:
            return Response(304, headers={"ETag": etags[number]}, delay=latency)
        headers = {"ETag": etags[number], "Content-Type": "application/rss+xml"}
        return Response(200, documents[number], headers, delay=latency)

    with WebServer(handle, ports=hosts) as server:
        print(" ".join(map(str, server.ports)), flush=True)
        sys.stdin.read()


def feed_urls(ports: list[int], feeds: int) -> list[str]:
    return [f"http://127.0.0.1:{ports[n % len(ports)]}/feed{n}.xml" for n in range(feeds)]


def timed_refresh(paths: DataPaths, processes: int) -> tuple[float, int, int, int]:
    """One refresh as ``broadsheet refresh`` runs it (``processes`` as the CLI chooses)."""
    with Library(paths) as library, FeedStore(paths) as feed_store:
        started = time.perf_counter()
        report = refresh_feeds(library, feed_store, processes=processes)
        wall = time.perf_counter() - started
    return wall, report.new_articles, len(report.failures), len(report.results)


def follow(paths: DataPaths, urls: list[str]) -> None:
    with Library(paths) as _, FeedStore(paths) as feed_store:
        for url in urls:
            feed_store.put(Feed.new(url))


async def sequential_fetch(urls: list[str]) -> float:
    started = time.perf_counter()
    async with HttpClient() as client:
        for url in urls:
            await client.fetch(url, max_bytes=client.policy.max_feed_bytes)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--hosts", type=int, default=50, help="origins (ports) to spread over")
    parser.add_argument("--no-sequential", action="store_true", help="skip the slow baseline")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.feeds, args.entries, args.latency, args.hosts)
        return 0
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", f"--feeds={args.feeds}",
         f"--entries={args.entries}", f"--latency={args.latency}", f"--hosts={args.hosts}"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout is not None
        ports = [int(port) for port in server.stdout.readline().split()]
        urls = feed_urls(ports, args.feeds)
        rows = []
        with tempfile.TemporaryDirectory(prefix="broadsheet-bench-") as home:
            paths = DataPaths(Path(home))
            follow(paths, urls)
            rows.append(("cold (empty library)", *timed_refresh(paths, REFRESH_PROCESSES)))
            rows.append(("warm (all 304)", *timed_refresh(paths, REFRESH_PROCESSES)))
        with tempfile.TemporaryDirectory(prefix="broadsheet-bench-") as home:
            # The same cold refresh with every step in threads, as the app runs it.
            paths = DataPaths(Path(home))
            follow(paths, urls)
            rows.append(("cold, threads only (app)", *timed_refresh(paths, 0)))
        sequential = None if args.no_sequential else asyncio.run(sequential_fetch(urls))
    finally:
        if server.stdin is not None:
            server.stdin.close()
        server.wait(timeout=10)
    total_entries = args.feeds * args.entries
    rounds = -(-args.feeds // min(100, 8 * args.hosts))
    floor = rounds * args.latency
    print(
        f"{args.feeds} feeds x {args.entries} entries, {args.latency * 1000:g} ms latency, "
        f"{args.hosts} origins; {os.cpu_count()} cores; {REFRESH_PROCESSES} worker processes; "
        f"network floor ~{floor:.2f} s"
    )
    print(f"{'run':<24}{'wall s':>9}{'entries/s':>12}{'new':>7}{'failed':>8}{'vs sequential':>15}")
    for name, wall, new, failed, _ in rows:
        speedup = f"{sequential / wall:.1f}x faster" if sequential else "-"
        rate = total_entries / wall
        print(f"{name:<24}{wall:>9.2f}{rate:>12.0f}{new:>7}{failed:>8}{speedup:>15}")
    if sequential:
        print(f"{'sequential fetch only':<24}{sequential:>9.2f}{total_entries / sequential:>12.0f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
