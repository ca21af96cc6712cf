"""A small real HTTP/1.1 server on 127.0.0.1 for tests and benchmarks (asyncio, stdlib only).

Handlers get a :class:`Request` and return a :class:`Response`; a response body may be an
async iterator, which is how slow, trickling and endless bodies are served. The server runs
its own event loop in a background thread, so synchronous and asynchronous tests can both
use it, and it logs every request for assertions.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

HOST = "127.0.0.1"


@dataclass(frozen=True)
class Request:
    method: str
    target: str
    headers: dict[str, str]
    port: int

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    @property
    def query(self) -> str:
        return self.target.split("?", 1)[1] if "?" in self.target else ""


@dataclass
class Response:
    status: int = 200
    body: bytes | AsyncIterator[bytes] = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    """Seconds to wait before sending anything (network latency, or a stalled server)."""


Handler = Callable[[Request], Awaitable[Response]]

REASONS = {
    200: "OK", 301: "Moved Permanently", 302: "Found", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect", 404: "Not Found",
    429: "Too Many Requests", 500: "Internal Server Error", 503: "Service Unavailable",
}  # fmt: skip


class WebServer:
    """``with WebServer(handler) as server: server.url("/feed.xml")``."""

    def __init__(self, handler: Handler, *, ports: int = 1) -> None:
        self.handler = handler
        self.port_count = ports
        self.ports: list[int] = []
        self.requests: list[Request] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="test-web-server", daemon=True)
        self._ready = threading.Event()
        self._servers: list[asyncio.Server] = []
        self._connections: set[asyncio.Task[None]] = set()

    @property
    def port(self) -> int:
        return self.ports[0]

    def url(self, path: str, *, port_index: int = 0) -> str:
        return f"http://{HOST}:{self.ports[port_index]}{path}"

    def hits(self, path: str) -> list[Request]:
        return [request for request in list(self.requests) if request.path == path]

    def __enter__(self) -> WebServer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def start(self) -> None:
        self._thread.start()
        self._ready.wait()

    def stop(self) -> None:
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        future.result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._listen())
        self._ready.set()
        self._loop.run_forever()

    async def _listen(self) -> None:
        for _ in range(self.port_count):
            server = await asyncio.start_server(self._serve_connection, HOST, 0, backlog=1024)
            self._servers.append(server)
            self.ports.append(server.sockets[0].getsockname()[1])

    async def _shutdown(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        port = writer.get_extra_info("sockname")[1]
        try:
            while True:
                request = await _read_request(reader, port)
                if request is None:
                    break
                self.requests.append(request)
                response = await self.handler(request)
                keep_alive = await _write_response(writer, response)
                if not keep_alive or request.headers.get("connection", "").lower() == "close":
                    break
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            self._connections.discard(task)
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()


async def _read_request(reader: asyncio.StreamReader, port: int) -> Request | None:
    request_line = await reader.readline()
    if not request_line.strip():
        return None
    method, target, _ = request_line.decode("latin-1").split(" ", 2)
    headers: dict[str, str] = {}
    while True:
        line = await reader.readline()
        if line in (b"\r\n", b"\n", b""):
            break
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return Request(method, target, headers, port)


async def _write_response(writer: asyncio.StreamWriter, response: Response) -> bool:
    """Send a response; True when the connection may be reused."""
    if response.delay:
        await asyncio.sleep(response.delay)
    headers = dict(response.headers)
    streamed = not isinstance(response.body, bytes)
    if isinstance(response.body, bytes) and response.status != 304:
        headers.setdefault("Content-Length", str(len(response.body)))
    if streamed and "Content-Length" not in headers:
        headers["Connection"] = "close"
    reason = REASONS.get(response.status, "Unknown")
    head = f"HTTP/1.1 {response.status} {reason}\r\n" + "".join(
        f"{name}: {value}\r\n" for name, value in headers.items()
    )
    writer.write(head.encode("latin-1") + b"\r\n")
    if isinstance(response.body, bytes):
        writer.write(response.body)
        await writer.drain()
        return True
    async for chunk in response.body:
        writer.write(chunk)
        await writer.drain()
    return "Content-Length" in headers
