"""The feeds the benchmarks fetch: RSS made from the synthetic corpus, served on 127.0.0.1.

    python bench/feed_farm.py [--feeds 200] [--entries 20] [--latency 0.1] [--hosts 50]

The server is the one bench/refresh.py uses (``tests/web/server.py``: a real HTTP/1.1 server,
one port per origin, a fixed delay before every response, ETags); what differs is the feed
text: every item here has a body of its own (``corpus.article``), so nothing a refresh stores
can be shared between items. Started as a child process, it prints its ports on one line and
serves until its stdin closes, so that its CPU time is never counted as the client's.

Feed ``n`` is at ``http://127.0.0.1:<port n mod hosts>/feed<n>.xml``, as in bench/refresh.py.
"""

from __future__ import annotations

import argparse
import hashlib
import html
import subprocess
import sys
from collections.abc import Iterable, Sequence
from datetime import datetime
from email.utils import format_datetime
from pathlib import Path
from types import TracebackType

import corpus

REPO = Path(__file__).resolve().parent.parent
FARM_FIRST_INDEX = 10_000_000
"""Corpus indexes of the served items start here, far from the library's (0 up)."""


def item_xml(article: corpus.CorpusArticle) -> str:
    description = "".join(f"<p>{paragraph}</p>" for paragraph in article.body.split("\n\n"))
    published = format_datetime(datetime.fromisoformat(article.published))
    return (
        f"<item><title>{html.escape(article.title)}</title><link>{article.url}</link>"
        f"<guid>{article.url}</guid><pubDate>{published}</pubDate>"
        f"<description>{html.escape(description)}</description></item>"
    )


def rss_document(title: str, items: Iterable[str]) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{html.escape(title)}</title><link>https://bench.example/</link>"
        f"{''.join(items)}</channel></rss>"
    ).encode()


def farm_document(feed: int, entries: int, words: int) -> bytes:
    first = FARM_FIRST_INDEX + feed * entries
    items = (item_xml(corpus.article(first + n, words=words)) for n in range(entries))
    return rss_document(f"Bench feed {feed}", items)


def feed_urls(ports: Sequence[int], feeds: int) -> list[str]:
    return [f"http://127.0.0.1:{ports[n % len(ports)]}/feed{n}.xml" for n in range(feeds)]


def opml(urls: Iterable[str]) -> str:
    outlines = "".join(
        f'<outline type="rss" text="feed {n}" xmlUrl="{html.escape(url)}"/>'
        for n, url in enumerate(urls)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><opml version="2.0"><head><title>bench</title>'
        f"</head><body>{outlines}</body></opml>"
    )


def serve(feeds: int, entries: int, latency: float, hosts: int, words: int) -> None:
    sys.path.insert(0, str(REPO))
    from tests.web.server import Request, Response, WebServer

    documents = [farm_document(n, entries, words) for n in range(feeds)]
    etags = ['"' + hashlib.sha256(d).hexdigest()[:16] + '"' for d in documents]

    async def handle(request: Request) -> Response:
        name = request.path.strip("/").removesuffix(".xml").removeprefix("feed")
        if not name.isdigit() or int(name) >= feeds:
            return Response(404, delay=latency)
        number = int(name)
        if request.headers.get("if-none-match") == etags[number]:
            return Response(304, headers={"ETag": etags[number]}, delay=latency)
        headers = {"ETag": etags[number], "Content-Type": "application/rss+xml"}
        return Response(200, documents[number], headers, delay=latency)

    with WebServer(handle, ports=hosts) as server:
        print(" ".join(map(str, server.ports)), flush=True)
        sys.stdin.read()


class FeedFarm:
    """The server as a child process: ``with FeedFarm(...) as farm: farm.urls``."""

    def __init__(self, feeds: int, entries: int, latency: float, hosts: int, words: int) -> None:
        self.feeds = feeds
        self.command = [
            sys.executable, __file__, f"--feeds={feeds}", f"--entries={entries}",
            f"--latency={latency}", f"--hosts={hosts}", f"--words={words}",
        ]  # fmt: skip
        self.process: subprocess.Popen[str] | None = None
        self.urls: list[str] = []

    def __enter__(self) -> FeedFarm:
        self.process = subprocess.Popen(
            self.command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line.strip():
            self.__exit__(None, None, None)
            raise RuntimeError("the feed server did not start")
        self.urls = feed_urls([int(port) for port in line.split()], self.feeds)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.process is None:
            return
        if self.process.stdin is not None:
            self.process.stdin.close()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=20)
    parser.add_argument("--latency", type=float, default=0.1)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--words", type=int, default=120)
    args = parser.parse_args()
    serve(args.feeds, args.entries, args.latency, args.hosts, args.words)


if __name__ == "__main__":
    main()
