"""The one HTTP client policy, against a real local server: no mocked transport."""

from __future__ import annotations

import asyncio
import resource
import ssl
import time

import pytest

from store.ingest.http import FetchError, FetchPolicy, FetchResult, HttpClient, parse_retry_after
from tests.web.plugin import FixtureSite, data_file
from tests.web.server import Response, WebServer


async def fetch(policy: FetchPolicy, url: str, **options: object) -> FetchResult:
    async with HttpClient(policy) as client:
        return await client.fetch(url, max_bytes=policy.max_feed_bytes, **options)  # type: ignore[arg-type]


async def failure(policy: FetchPolicy, url: str) -> FetchError:
    with pytest.raises(FetchError) as caught:
        await fetch(policy, url)
    return caught.value


async def test_plain_fetch_sends_our_user_agent(web_server: WebServer, test_policy: FetchPolicy):
    result = await fetch(test_policy, web_server.url("/static/rss2.xml?ua"))
    assert result.status == 200
    assert result.content == data_file("rss2.xml")
    assert result.etag and result.last_modified
    request = web_server.hits("/static/rss2.xml")[-1]
    assert request.headers["user-agent"].startswith("Broadsheet/")


@pytest.mark.parametrize("path", ["/gzip-feed", "/brotli-feed", "/deflate-feed"])
async def test_compressed_responses_are_decoded(
    web_server: WebServer, test_policy: FetchPolicy, path: str
):
    result = await fetch(test_policy, web_server.url(path))
    assert result.content == data_file("rss2.xml")


async def test_conditional_get_gives_304_with_no_body(
    web_server: WebServer, test_policy: FetchPolicy
):
    first = await fetch(test_policy, web_server.url("/static/atom.xml"))
    second = await fetch(test_policy, web_server.url("/static/atom.xml"), etag=first.etag)
    assert second.not_modified and second.content == b""
    by_date = await fetch(
        test_policy, web_server.url("/static/atom.xml"), last_modified=first.last_modified
    )
    assert by_date.not_modified


async def test_five_redirects_are_followed(web_server: WebServer, test_policy: FetchPolicy):
    # /hop?n=4 -> n=3 -> n=2 -> n=1 -> n=0 -> /static/rss2.xml: five redirects.
    result = await fetch(test_policy, web_server.url("/hop?n=4"))
    assert result.url.endswith("/static/rss2.xml")
    assert result.content == data_file("rss2.xml")


async def test_a_sixth_redirect_is_refused(web_server: WebServer, test_policy: FetchPolicy):
    problem = await failure(test_policy, web_server.url("/hop?n=5"))
    assert "too many redirects" in problem.reason


async def test_a_redirect_loop_is_reported(web_server: WebServer, test_policy: FetchPolicy):
    problem = await failure(test_policy, web_server.url("/loop-a"))
    assert problem.reason == "redirect loop"


async def test_redirect_to_a_file_url_is_refused(web_server: WebServer, test_policy: FetchPolicy):
    problem = await failure(test_policy, web_server.url("/to-file"))
    assert "not an http or https URL" in problem.reason


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.com/feed", "not a url"])
async def test_only_http_and_https_are_fetched(test_policy: FetchPolicy, url: str):
    problem = await failure(test_policy, url)
    assert "http" in problem.reason


async def test_a_stalled_server_times_out(web_server: WebServer, test_policy: FetchPolicy):
    started = time.monotonic()
    problem = await failure(test_policy, web_server.url("/stall"))
    assert problem.reason == "timed out waiting for the server"
    assert time.monotonic() - started < 2.0


async def test_a_trickling_server_hits_the_total_deadline(
    web_server: WebServer, test_policy: FetchPolicy
):
    started = time.monotonic()
    problem = await failure(test_policy, web_server.url("/trickle"))
    assert problem.reason == f"took longer than {test_policy.total_timeout:g} s"
    assert time.monotonic() - started < test_policy.total_timeout + 1.5


async def test_a_declared_oversize_body_is_refused_before_reading(
    web_server: WebServer, test_policy: FetchPolicy
):
    problem = await failure(test_policy, web_server.url("/huge-declared"))
    assert "larger than the 1 MB limit" in problem.reason


async def test_an_endless_body_stops_at_the_cap(web_server: WebServer, test_policy: FetchPolicy):
    problem = await failure(test_policy, web_server.url("/huge-undeclared"))
    assert "larger than the 1 MB limit" in problem.reason


@pytest.mark.parametrize("path", ["/gzip-bomb", "/brotli-bomb"])
async def test_a_compression_bomb_stops_at_the_cap_without_a_memory_spike(
    web_server: WebServer, test_policy: FetchPolicy, path: str
):
    # The bomb inflates to 64 MB; ru_maxrss only grows, so a spike past ~2x the cap would show.
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    problem = await failure(test_policy, web_server.url(path))
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert "larger than the 1 MB limit" in problem.reason
    assert grown_kb < 16 * 1024


async def test_corrupt_compressed_data_is_an_error(web_server: WebServer, test_policy: FetchPolicy):
    problem = await failure(test_policy, web_server.url("/corrupt-gzip"))
    assert problem.reason == "the compressed response is corrupt"


@pytest.mark.parametrize(
    ("status", "reason"), [(404, "HTTP 404 Not Found"), (500, "HTTP 500 Internal Server Error")]
)
async def test_error_statuses_fail_with_the_status(
    web_server: WebServer, test_policy: FetchPolicy, status: int, reason: str
):
    problem = await failure(test_policy, web_server.url(f"/status/{status}"))
    assert problem.reason == reason


async def test_429_retry_after_is_waited_out_then_retried(
    web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    started = time.monotonic()
    result = await fetch(test_policy, web_server.url("/rate-limited?token=wait"))
    assert result.status == 200
    assert time.monotonic() - started >= 0.95
    assert site.attempts["/rate-limited?token=wait"] == 2


async def test_503_retry_after_is_respected(
    web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    result = await fetch(test_policy, web_server.url("/unavailable?token=once"))
    assert result.content == data_file("atom.xml")
    assert site.attempts["/unavailable?token=once"] == 2


async def test_a_long_retry_after_fails_and_says_how_long(
    web_server: WebServer, site: FixtureSite, test_policy: FetchPolicy
):
    problem = await failure(test_policy, web_server.url("/rate-limited-long?token=long"))
    assert problem.retry_after == 86400
    assert "retry after 86400 s" in problem.reason
    assert site.attempts["/rate-limited-long?token=long"] == 1


def test_retry_after_parses_seconds_and_dates():
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412480.0) == 0.0
    assert parse_retry_after("Wed, 21 Oct 2015 07:29:00 GMT", now=1445412480.0) == 60.0
    assert parse_retry_after("soon") is None


async def test_concurrency_per_host_is_bounded(site: FixtureSite):
    in_flight = 0
    most = 0

    async def slow(request: object) -> Response:
        nonlocal in_flight, most
        in_flight += 1
        most = max(most, in_flight)
        await asyncio.sleep(0.05)
        in_flight -= 1
        return Response(200, b"ok")

    policy = FetchPolicy(max_per_host=3, max_connections=50)
    with WebServer(slow) as server:
        async with HttpClient(policy) as client:
            await asyncio.gather(
                *(client.fetch(server.url(f"/{n}"), max_bytes=1000) for n in range(12))
            )
    assert most == 3


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_decoders_never_inflate_past_the_limit(site: FixtureSite, encoding: str):
    from store.ingest.http import _decoder_for

    bomb = site.gzip_bomb if encoding == "gzip" else site.brotli_bomb
    decoder = _decoder_for(encoding)
    output = decoder.decode(bomb[:65536], 1000)
    # zlib stops at the byte asked for; brotli's output buffer grows in blocks of up to 32 KB.
    slack = 1 if encoding == "gzip" else 64 * 1024
    assert 1000 < len(output) <= 1000 + slack  # unbounded, this chunk would inflate to MBs


async def test_only_an_https_origin_loads_the_ca_certificates():
    async with HttpClient() as client:
        plain = client._tls_context_for("http://127.0.0.1:80")
        # A plain-http client never makes a TLS connection; if one did, it would fail closed.
        assert plain.verify_mode is ssl.CERT_REQUIRED and plain.check_hostname
        assert plain.cert_store_stats()["x509_ca"] == 0
        assert client._verified_context is None
        secure = client._tls_context_for("https://example.org:443")
        assert secure.verify_mode is ssl.CERT_REQUIRED and secure.check_hostname
        assert secure.cert_store_stats()["x509_ca"] > 0
        assert client._tls_context_for("https://other.example:443") is secure
