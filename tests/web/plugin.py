"""pytest fixtures: a real HTTP server on 127.0.0.1 serving the feeds and pages in ``data/``,
plus the misbehaviours a fetcher must survive (redirect loops, stalls, bombs, rate limits).

Load with ``pytest_plugins = ["tests.web.plugin"]`` in ``tests/conftest.py``.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Callable, Iterator
from pathlib import Path
from urllib.parse import parse_qs

import brotli  # type: ignore[import-untyped]
import pytest

from store.ingest.http import MEGABYTE, FetchPolicy
from tests.web.server import Request, Response, WebServer

DATA_DIR = Path(__file__).parent / "data"
LAST_MODIFIED = "Tue, 05 Mar 2024 10:00:00 GMT"
CONTENT_TYPES = {
    ".xml": "application/xml",
    ".rdf": "application/rdf+xml",
    ".html": "text/html; charset=utf-8",
    ".opml": "text/x-opml",
    ".bin": "application/octet-stream",
}
BOMB_SIZE = 64 * MEGABYTE

TEST_POLICY = FetchPolicy(
    connect_timeout=2.0,
    read_timeout=0.5,
    total_timeout=1.5,
    max_feed_bytes=1 * MEGABYTE,
    max_page_bytes=512 * 1024,
    max_retry_wait=2.0,
)


def data_file(name: str) -> bytes:
    return (DATA_DIR / name).read_bytes()


def _etag(content: bytes) -> str:
    return '"' + hashlib.sha256(content).hexdigest()[:16] + '"'


def _zero_bomb(compressor: Callable[[bytes], bytes], flush: Callable[[], bytes]) -> bytes:
    block = bytes(MEGABYTE)
    return b"".join(compressor(block) for _ in range(BOMB_SIZE // MEGABYTE)) + flush()


class FixtureSite:
    """The routes; ``overrides`` lets one test serve its own bytes at a path of its choosing."""

    def __init__(self) -> None:
        self.overrides: dict[str, Response] = {}
        self.attempts: Counter[str] = Counter()
        deflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
        self.gzip_bomb = _zero_bomb(deflater.compress, deflater.flush)
        brotli_compressor = brotli.Compressor(quality=5)
        self.brotli_bomb = _zero_bomb(brotli_compressor.process, brotli_compressor.finish)

    async def handle(self, request: Request) -> Response:
        path = request.path
        self.attempts[request.target] += 1
        if path in self.overrides:
            return self.overrides[path]
        query = {key: values[0] for key, values in parse_qs(request.query).items()}
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"), request)
        if path.startswith("/status/"):
            return Response(int(path.rsplit("/", 1)[1]), b"nope")
        route = getattr(self, "route_" + path.strip("/").replace("-", "_"), None)
        if route is None:
            return Response(404, b"not found")
        response: Response = route(request, query)
        return response

    def _static(self, name: str, request: Request) -> Response:
        file = DATA_DIR / name
        if not file.is_file() or file.parent != DATA_DIR:
            return Response(404, b"not found")
        content = file.read_bytes()
        etag = _etag(content)
        validators = {"ETag": etag, "Last-Modified": LAST_MODIFIED}
        if request.headers.get("if-none-match") == etag or (
            "if-none-match" not in request.headers
            and request.headers.get("if-modified-since") == LAST_MODIFIED
        ):
            return Response(304, headers=validators)
        content_type = CONTENT_TYPES.get(file.suffix, "application/octet-stream")
        return Response(200, content, {"Content-Type": content_type, **validators})

    # Redirects

    def route_hop(self, request: Request, query: dict[str, str]) -> Response:
        remaining = int(query.get("n", "0"))
        if remaining <= 0:
            return Response(302, headers={"Location": "/static/rss2.xml"})
        return Response(302, headers={"Location": f"/hop?n={remaining - 1}"})

    def route_loop_a(self, request: Request, query: dict[str, str]) -> Response:
        return Response(301, headers={"Location": "/loop-b"})

    def route_loop_b(self, request: Request, query: dict[str, str]) -> Response:
        return Response(301, headers={"Location": "/loop-a"})

    def route_to_file(self, request: Request, query: dict[str, str]) -> Response:
        return Response(302, headers={"Location": "file:///etc/passwd"})

    # Slow servers

    def route_stall(self, request: Request, query: dict[str, str]) -> Response:
        return Response(200, data_file("rss2.xml"), delay=10.0)

    def route_trickle(self, request: Request, query: dict[str, str]) -> Response:
        async def drip() -> AsyncIterator[bytes]:
            yield b"<?xml version='1.0'?><rss version='2.0'><channel><title>drip</title>"
            while True:
                await asyncio.sleep(0.1)
                yield b" "

        return Response(200, drip(), {"Content-Type": "application/xml"})

    # Size caps and bombs

    def route_huge_declared(self, request: Request, query: dict[str, str]) -> Response:
        async def nothing() -> AsyncIterator[bytes]:
            yield b"<rss>"
            await asyncio.sleep(10)

        return Response(200, nothing(), {"Content-Length": str(50 * MEGABYTE)})

    def route_huge_undeclared(self, request: Request, query: dict[str, str]) -> Response:
        async def endless() -> AsyncIterator[bytes]:
            block = b"<item>" + b"x" * 65_530 + b"\n"
            while True:
                yield block

        return Response(200, endless(), {"Content-Type": "application/xml"})

    def route_gzip_bomb(self, request: Request, query: dict[str, str]) -> Response:
        return Response(200, self.gzip_bomb, {"Content-Encoding": "gzip"})

    def route_brotli_bomb(self, request: Request, query: dict[str, str]) -> Response:
        return Response(200, self.brotli_bomb, {"Content-Encoding": "br"})

    def route_gzip_feed(self, request: Request, query: dict[str, str]) -> Response:
        body = gzip.compress(data_file("rss2.xml"))
        return Response(200, body, {"Content-Encoding": "gzip", "Content-Type": "text/xml"})

    def route_brotli_feed(self, request: Request, query: dict[str, str]) -> Response:
        body = brotli.compress(data_file("rss2.xml"))
        return Response(200, body, {"Content-Encoding": "br", "Content-Type": "text/xml"})

    def route_deflate_feed(self, request: Request, query: dict[str, str]) -> Response:
        compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)  # raw, as IIS sends
        body = compressor.compress(data_file("rss2.xml")) + compressor.flush()
        return Response(200, body, {"Content-Encoding": "deflate", "Content-Type": "text/xml"})

    def route_corrupt_gzip(self, request: Request, query: dict[str, str]) -> Response:
        return Response(200, b"\x1f\x8b\x08\x00garbage-not-gzip", {"Content-Encoding": "gzip"})

    # Rate limits

    def route_rate_limited(self, request: Request, query: dict[str, str]) -> Response:
        """429 with Retry-After: 1 on the first request for each ?token=, then the feed."""
        if self.attempts[request.target] == 1:
            return Response(429, b"slow down", {"Retry-After": "1"})
        return self._static("rss2.xml", request)

    def route_rate_limited_long(self, request: Request, query: dict[str, str]) -> Response:
        return Response(429, b"come back tomorrow", {"Retry-After": "86400"})

    def route_unavailable(self, request: Request, query: dict[str, str]) -> Response:
        if self.attempts[request.target] == 1:
            return Response(503, b"busy", {"Retry-After": "1"})
        return self._static("atom.xml", request)

    # Wrong content

    def route_html_as_feed(self, request: Request, query: dict[str, str]) -> Response:
        return Response(200, data_file("not-a-feed.html"), {"Content-Type": "application/rss+xml"})

    def route_xhtml_article(self, request: Request, query: dict[str, str]) -> Response:
        """XHTML that opens with ``<?xml … encoding="utf-8"?>``, served as XHTML."""
        return Response(200, data_file("article.xhtml"), {"Content-Type": "application/xhtml+xml"})

    def route_pdf(self, request: Request, query: dict[str, str]) -> Response:
        return Response(200, data_file("tiny.pdf"), {"Content-Type": "application/pdf"})

    def route_pdf_as_html(self, request: Request, query: dict[str, str]) -> Response:
        """A PDF a server calls HTML."""
        return Response(200, data_file("tiny.pdf"), {"Content-Type": "text/html; charset=utf-8"})

    def route_mislabelled_charset(self, request: Request, query: dict[str, str]) -> Response:
        """cp1252 bytes, an XML declaration saying utf-8, and an HTTP header that is right."""
        return Response(
            200,
            data_file("wrong-encoding.xml"),
            {"Content-Type": "application/xml; charset=windows-1252"},
        )


@pytest.fixture(scope="session")
def fixture_site() -> FixtureSite:
    return FixtureSite()


@pytest.fixture(scope="session")
def web_server(fixture_site: FixtureSite) -> Iterator[WebServer]:
    with WebServer(fixture_site.handle) as server:
        yield server


@pytest.fixture
def site(fixture_site: FixtureSite) -> Iterator[FixtureSite]:
    """The fixture site, with any per-test overrides removed afterwards."""
    yield fixture_site
    fixture_site.overrides.clear()


@pytest.fixture
def test_policy() -> FetchPolicy:
    return TEST_POLICY
