"""A server of made-up feeds, one for every name asked for: ``/feed?name=N`` has entries
N-0 … N-3. Tests that refresh again and again (killed refreshes, a shared home) need a new
feed each round, which the fixture site's fixed files cannot give."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs

import pytest

from tests.web.server import Request, Response, WebServer

ITEMS_PER_FEED = 4


async def serve_feed(request: Request) -> Response:
    name = parse_qs(request.query).get("name", ["unnamed"])[0]
    items = "".join(
        f"<item><title>{name} story {number}</title>"
        f'<guid isPermaLink="false">{name}-{number}</guid>'
        f"<description>Ada Lovelace wrote to Charles Babbage in London ({name}, "
        f"{number}).</description></item>"
        for number in range(ITEMS_PER_FEED)
    )
    document = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{name}</title>{items}'
    return Response(200, (document + "</channel></rss>").encode(), {"Content-Type": "text/xml"})


@pytest.fixture(scope="module")
def feed_server() -> Iterator[WebServer]:
    with WebServer(serve_feed) as server:
        yield server
