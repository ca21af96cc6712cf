"""The one HTTP client policy every fetch goes through.

Timeouts (connect, read, and a total deadline a trickling server cannot stretch), size caps
counted on *decoded* bytes (so a compression bomb stops at the cap instead of filling memory),
at most a few redirects, http and https only, conditional GET, Retry-After on 429/503, and a
bound on concurrency overall and per origin.

Redirects and content decoding are done here rather than by httpx: each redirect hop must be
checked (scheme, loops, per-origin limit), and httpx's decoders inflate a whole network chunk
at once, which for a bomb is ~1000x the chunk before any cap can look at it.
"""

from __future__ import annotations

import asyncio
import ssl
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from types import TracebackType
from typing import Protocol
from urllib.parse import urljoin, urlsplit

import brotli
import httpx

from store.urls import safe_url

MEGABYTE = 1024 * 1024
USER_AGENT = "Broadsheet/0.1 (terminal newsreader; +https://github.com/broadsheet-reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, "
    "application/xml;q=0.9, text/xml;q=0.9, text/html;q=0.5, */*;q=0.1"
)
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
RATE_LIMIT_STATUSES = frozenset({429, 503})


@dataclass(frozen=True, slots=True)
class FetchPolicy:
    connect_timeout: float = 10.0
    read_timeout: float = 20.0
    """Longest silence between two pieces of a response."""
    total_timeout: float = 60.0
    """Deadline for one fetch, redirects and body included."""
    max_feed_bytes: int = 10 * MEGABYTE
    max_page_bytes: int = 5 * MEGABYTE
    max_redirects: int = 5
    max_connections: int = 256
    """Requests in flight at once, over all hosts. Below a refresh's feed count, the rest
    waited a round trip for the first to finish (100 of 200 feeds: ~35 ms more per refresh);
    256 sockets stay well inside the usual limit of 1,024 open files."""
    max_per_host: int = 8
    """Requests in flight at once to one host: what keeps a refresh polite to a server."""
    max_retry_wait: float = 30.0
    """A Retry-After up to this long is waited out; a longer one fails the fetch."""
    rate_limit_retries: int = 2
    user_agent: str = USER_AGENT


DEFAULT_POLICY = FetchPolicy()


class FetchError(Exception):
    """A fetch that did not produce a usable response; ``reason`` is one line for people."""

    def __init__(self, reason: str, *, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after
        """Seconds the server asked us to wait, when it did so for longer than we will."""


@dataclass(frozen=True, slots=True)
class FetchResult:
    url: str
    """The URL the content came from, after redirects."""
    status: int
    content: bytes
    content_type: str = ""
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304


class _Decoder(Protocol):
    def decode(self, data: bytes, limit: int) -> bytes: ...


class _Identity:
    def decode(self, data: bytes, limit: int) -> bytes:
        return data


class _Zlib:
    def __init__(self, wbits: int) -> None:
        self._wbits = wbits
        self._inflater = zlib.decompressobj(wbits)
        self._started = False

    def decode(self, data: bytes, limit: int) -> bytes:
        # Asking for at most limit + 1 bytes bounds memory: one byte past the cap is enough
        # to know the cap is exceeded.
        try:
            output = self._inflater.decompress(data, limit + 1)
        except zlib.error:
            if self._started or self._wbits != zlib.MAX_WBITS:
                raise
            # "deflate" is sent both zlib-wrapped (as the RFC says) and raw (as servers do).
            self._wbits = -zlib.MAX_WBITS
            self._inflater = zlib.decompressobj(self._wbits)
            output = self._inflater.decompress(data, limit + 1)
        self._started = True
        return output


class _Brotli:
    def __init__(self) -> None:
        self._decompressor = brotli.Decompressor()

    def decode(self, data: bytes, limit: int) -> bytes:
        output = self._decompressor.process(data, output_buffer_limit=limit + 1)
        while len(output) <= limit and not self._decompressor.can_accept_more_data():
            output += self._decompressor.process(b"", output_buffer_limit=limit + 1 - len(output))
        return bytes(output)


def _decoder_for(content_encoding: str) -> _Decoder:
    encodings = [part.strip().lower() for part in content_encoding.split(",") if part.strip()]
    encodings = [encoding for encoding in encodings if encoding != "identity"]
    if not encodings:
        return _Identity()
    if len(encodings) > 1:
        raise FetchError(f"unsupported content encoding {content_encoding!r}")
    encoding = encodings[0]
    if encoding in ("gzip", "x-gzip"):
        return _Zlib(16 + zlib.MAX_WBITS)
    if encoding == "deflate":
        return _Zlib(zlib.MAX_WBITS)
    if encoding == "br":
        return _Brotli()
    raise FetchError(f"unsupported content encoding {encoding!r}")


MAX_RETRY_AFTER_SECONDS = 30 * 24 * 3600.0
"""A server asking us to stay away longer is taken at this: one that said 300000000000 s
overflowed the date arithmetic and stopped every refresh."""


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), at most
    :data:`MAX_RETRY_AFTER_SECONDS`."""
    seconds = _retry_after_seconds(value, now)
    return None if seconds is None else min(seconds, MAX_RETRY_AFTER_SECONDS)


def _retry_after_seconds(value: str | None, now: float | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isascii() and value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    return f"{parts.scheme}://{(parts.hostname or '').lower()}:{port}"


def _describe_size(size: int) -> str:
    if size >= MEGABYTE:
        return f"{size / MEGABYTE:g} MB"
    return f"{size / 1024:g} KB"


def _describe_transport_error(problem: httpx.TransportError) -> str:
    if isinstance(problem, httpx.ConnectTimeout):
        return "timed out connecting"
    if isinstance(problem, httpx.ReadTimeout):
        return "timed out waiting for the server"
    if isinstance(problem, httpx.TimeoutException):
        return "timed out"
    if isinstance(problem, httpx.ConnectError):
        detail = str(problem).strip() or "connection failed"
        return f"could not connect ({detail})"
    if isinstance(problem, httpx.RemoteProtocolError):
        return "the server sent a broken HTTP response"
    if isinstance(problem, httpx.UnsupportedProtocol):
        return "only http and https URLs can be fetched"
    return str(problem).strip() or type(problem).__name__


class HttpClient:
    """An async HTTP client bound to one event loop, applying :class:`FetchPolicy`.

    Use as ``async with HttpClient(policy) as client: await client.fetch(url, ...)``.
    """

    def __init__(
        self,
        policy: FetchPolicy = DEFAULT_POLICY,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.policy = policy
        self._clock = clock
        # One small connection pool per origin: httpcore's pool does work proportional to
        # its size on every request, which made one shared 100-connection pool cost ~8 ms of
        # CPU per request (measured with 200 feeds), against ~1 ms with per-origin pools.
        self._clients: dict[str, httpx.AsyncClient] = {}
        self._verified_context: ssl.SSLContext | None = None
        self._overall = asyncio.Semaphore(policy.max_connections)
        self._per_origin: dict[str, asyncio.Semaphore] = {}
        self._origin_not_before: dict[str, float] = {}

    async def __aenter__(self) -> HttpClient:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.aclose()

    def _client_for(self, origin: str) -> httpx.AsyncClient:
        client = self._clients.get(origin)
        if client is None:
            policy = self.policy
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(
                    connect=policy.connect_timeout,
                    read=policy.read_timeout,
                    write=policy.read_timeout,
                    pool=policy.total_timeout,
                ),
                limits=httpx.Limits(
                    max_connections=policy.max_per_host,
                    max_keepalive_connections=policy.max_per_host,
                ),
                verify=self._tls_context_for(origin),
                follow_redirects=False,
                trust_env=False,
                headers={"User-Agent": policy.user_agent},
            )
            self._clients[origin] = client
        return client

    def _tls_context_for(self, origin: str) -> ssl.SSLContext:
        """The TLS context an origin's client is built with. Loading the CA certificates takes
        ~20 ms, so it is done once, for the first https origin. A plain-http origin's client
        never makes a TLS connection (each origin has its own client, and redirects are
        followed here, not by httpx), so it gets a context that trusts no certificate: one
        used by mistake would refuse to connect rather than connect unverified."""
        if not origin.startswith("https:"):
            return ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        if self._verified_context is None:
            self._verified_context = httpx.create_ssl_context()
        return self._verified_context

    async def fetch(
        self,
        url: str,
        *,
        max_bytes: int,
        accept: str = FEED_ACCEPT,
        etag: str | None = None,
        last_modified: str | None = None,
    ) -> FetchResult:
        """GET ``url``, following redirects; a 304 comes back as a result, other non-2xx raise.

        Raises :class:`FetchError` with a one-line reason for every failure.
        """
        headers = {"Accept": accept, "Accept-Encoding": "gzip, deflate, br"}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        async with self._overall:
            try:
                async with asyncio.timeout(self.policy.total_timeout):
                    return await self._follow(url, headers, max_bytes)
            except TimeoutError:
                raise FetchError(f"took longer than {self.policy.total_timeout:g} s") from None
            except httpx.TransportError as problem:
                raise FetchError(_describe_transport_error(problem)) from None
            except (zlib.error, brotli.error):
                raise FetchError("the compressed response is corrupt") from None

    async def _follow(self, url: str, headers: dict[str, str], max_bytes: int) -> FetchResult:
        current = safe_url(url)
        if current is None:
            raise FetchError("not an http or https URL")
        seen = {current}
        redirects = 0
        rate_limit_retries = 0
        while True:
            response_or_redirect = await self._get_once(current, headers, max_bytes)
            if isinstance(response_or_redirect, FetchResult):
                return response_or_redirect
            status, location, retry_after = response_or_redirect
            if status in RATE_LIMIT_STATUSES:
                if retry_after is None:
                    raise FetchError(f"HTTP {status} {_reason(status)}")
                if (
                    retry_after > self.policy.max_retry_wait
                    or rate_limit_retries >= self.policy.rate_limit_retries
                ):
                    raise FetchError(
                        f"HTTP {status} {_reason(status)}: asked to retry after {retry_after:g} s",
                        retry_after=retry_after,
                    )
                rate_limit_retries += 1
                continue
            redirects += 1
            if redirects > self.policy.max_redirects:
                raise FetchError(f"too many redirects (more than {self.policy.max_redirects})")
            target = safe_url(urljoin(current, location)) if location else None
            if target is None:
                raise FetchError("redirected to something that is not an http or https URL")
            if target in seen:
                raise FetchError("redirect loop")
            seen.add(target)
            current = target

    async def _get_once(
        self, url: str, headers: dict[str, str], max_bytes: int
    ) -> FetchResult | tuple[int, str | None, float | None]:
        """One request: a final result, or (status, Location, Retry-After) to act on."""
        origin = origin_of(url)
        semaphore = self._per_origin.setdefault(origin, asyncio.Semaphore(self.policy.max_per_host))
        async with semaphore:
            delay = self._origin_not_before.get(origin, 0.0) - self._clock()
            if delay > 0:
                await asyncio.sleep(delay)
            client = self._client_for(origin)
            try:
                request = client.build_request("GET", url, headers=headers)
            except httpx.InvalidURL:
                raise FetchError("not a valid URL") from None
            try:
                response = await client.send(request, stream=True)
            except httpx.InvalidURL:
                # The request's URL was valid, so this is the Location of a redirect, which
                # httpx parses even when it does not follow it ("javascript:…", "data:…").
                raise FetchError(
                    "redirected to something that is not an http or https URL"
                ) from None
            try:
                status = response.status_code
                if status in REDIRECT_STATUSES:
                    return status, response.headers.get("location"), None
                if status in RATE_LIMIT_STATUSES:
                    retry_after = parse_retry_after(response.headers.get("retry-after"))
                    if retry_after is not None and retry_after <= self.policy.max_retry_wait:
                        # Every request to this origin waits, not only the one refused.
                        self._origin_not_before[origin] = self._clock() + retry_after
                    return status, None, retry_after
                if status == 304:
                    return FetchResult(
                        url=url,
                        status=status,
                        content=b"",
                        etag=response.headers.get("etag"),
                        last_modified=response.headers.get("last-modified"),
                    )
                if not 200 <= status < 300:
                    raise FetchError(f"HTTP {status} {_reason(status)}".rstrip())
                content = await _read_capped(response, max_bytes)
                return FetchResult(
                    url=url,
                    status=status,
                    content=content,
                    content_type=response.headers.get("content-type", ""),
                    etag=response.headers.get("etag"),
                    last_modified=response.headers.get("last-modified"),
                )
            finally:
                await response.aclose()


def _reason(status: int) -> str:
    return httpx.codes.get_reason_phrase(status)


async def _read_capped(response: httpx.Response, max_bytes: int) -> bytes:
    too_big = FetchError(f"the response is larger than the {_describe_size(max_bytes)} limit")
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise too_big
    decoder = _decoder_for(response.headers.get("content-encoding", ""))
    pieces: list[bytes] = []
    raw_total = 0
    decoded_total = 0
    async for chunk in response.aiter_raw():
        raw_total += len(chunk)
        if raw_total > max_bytes:
            raise too_big
        decoded = decoder.decode(chunk, max_bytes - decoded_total)
        decoded_total += len(decoded)
        if decoded_total > max_bytes:
            raise too_big
        pieces.append(decoded)
    return b"".join(pieces)
