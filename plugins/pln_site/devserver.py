"""A small HTTP server on 127.0.0.1 for the demo, the tests and the benchmarks.

It serves files from a folder with ETag and Last-Modified (and answers conditional requests with
304), optionally picking the folder by the Host header (`<root>/<host>/<path>`, so that with
PLANET_RESOLVE `http://ada.example/feed.xml` is served from `<root>/ada.example/feed.xml`), and
scripted routes that misbehave on purpose: any status, redirects, Retry-After, delays, trickled
or cut bodies, hangs, gzip.

    with LocalFeedServer(folder) as server:
        server.route("/gone.xml", Route(status=410))
        fetch(server.url("/gone.xml"))
"""

from __future__ import annotations

import email.utils
import gzip as gzip_module
import hashlib
import logging
import socket
import ssl
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TypedDict, Unpack
from urllib.parse import unquote, urlsplit

log = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".xml": "application/xml",
    ".atom": "application/atom+xml",
    ".rss": "application/rss+xml",
    ".rdf": "application/rdf+xml",
    ".json": "application/feed+json",
    ".html": "text/html; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".png": "image/png",
    ".jpg": "image/jpeg",
}


@dataclass(frozen=True)
class Route:
    """A scripted answer for one path."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "application/xml"
    delay: float = 0.0  # seconds to wait before answering
    trickle: float = 0.0  # seconds to wait between body bytes
    hang: bool = False  # never answer (until the server stops)
    close_after: int | None = None  # send this many body bytes, then drop the connection
    gzip: bool = False  # compress the body and say so (Content-Encoding: gzip)
    conditional: bool = False  # ETag + Last-Modified, and 304 for a matching request
    last_modified: float = 1_700_000_000.0  # for `conditional`, seconds since the epoch
    reason: str | None = None  # the status line's reason phrase; None: the standard one

    @classmethod
    def redirect(cls, location: str, status: int = 301) -> Route:
        return cls(status=status, headers={"Location": location}, content_type=None)

    @classmethod
    def feed(cls, body: bytes | str, **options: Unpack[FeedRouteOptions]) -> Route:
        data = body.encode("utf-8") if isinstance(body, str) else body
        return cls(body=data, conditional=True, **options)


class FeedRouteOptions(TypedDict, total=False):
    """Route's fields other than the two that `Route.feed` sets (body, conditional)."""

    status: int
    headers: dict[str, str]
    content_type: str | None
    delay: float
    trickle: float
    hang: bool
    close_after: int | None
    gzip: bool
    last_modified: float
    reason: str | None


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    host: str
    headers: dict[str, str]


class LocalFeedServer:
    """A threaded HTTP/1.1 server on 127.0.0.1 (ephemeral port); a context manager."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        by_host: bool = False,
        routes: dict[str, Route] | None = None,
        tls: ssl.SSLContext | None = None,
    ):
        self.tls = tls  # a server-side context makes this an https server
        self.root = Path(root).resolve() if root is not None else None
        self.by_host = by_host
        self.routes: dict[str, Route] = dict(routes or {})
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._connections: set[socket.socket] = set()
        self.connections_opened = 0
        self.most_connections_at_once = 0
        # Requests being answered right now, and the most there ever were: how tests see
        # concurrency without timing it (a connection may idle between requests; a request not).
        self.requests_in_flight = 0
        self.most_requests_at_once = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    # -- running -------------------------------------------------------------------------------
    def start(self) -> LocalFeedServer:
        self._httpd = _Server(("127.0.0.1", 0), _Handler, self)
        if self.tls is not None:
            self._httpd.socket = self.tls.wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        log.debug("local feed server on %s", self.base_url)
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self.stopping.set()  # releases hanging and trickling answers
        self._httpd.shutdown()
        with self._lock:
            for connection in list(self._connections):  # wakes handlers waiting on idle clients
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        self._httpd.server_close()  # joins every handler thread
        assert self._thread is not None
        self._thread.join()
        self._httpd = None

    def __enter__(self) -> LocalFeedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- addresses and scripting ---------------------------------------------------------------
    @property
    def port(self) -> int:
        assert self._httpd is not None, "the server is not running"
        return self._httpd.server_address[1]

    @property
    def address(self) -> str:
        """ "127.0.0.1:PORT", the form PLANET_RESOLVE takes."""
        return f"127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.address}"

    def url(self, path: str = "/") -> str:
        return self.base_url + (path if path.startswith("/") else "/" + path)

    def route(self, path: str, route: Route) -> None:
        with self._lock:
            self.routes[path] = route

    def hits(self, path: str) -> int:
        with self._lock:
            return sum(1 for request in self.requests if request.path == path)

    def _record(self, request: RecordedRequest) -> None:
        with self._lock:
            self.requests.append(request)

    def _track(self, connection: socket.socket, open_: bool) -> None:
        with self._lock:
            if open_:
                self._connections.add(connection)
                self.connections_opened += 1
                self.most_connections_at_once = max(
                    self.most_connections_at_once, len(self._connections)
                )
            else:
                self._connections.discard(connection)

    def _answering(self, started: bool) -> None:
        with self._lock:
            self.requests_in_flight += 1 if started else -1
            self.most_requests_at_once = max(self.most_requests_at_once, self.requests_in_flight)

    def _find_route(self, path: str) -> Route | None:
        with self._lock:
            return self.routes.get(path)

    def _file_route(self, host: str, path: str) -> Route | None:
        """The file for this request as a conditional route, or None when there is none."""
        if self.root is None:
            return None
        base = self.root / host if self.by_host else self.root
        candidate = (base / unquote(path).lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root) or not candidate.is_file():
            return None
        content_type = CONTENT_TYPES.get(candidate.suffix.lower(), "application/octet-stream")
        return Route(
            body=candidate.read_bytes(),
            content_type=content_type,
            conditional=True,
            last_modified=candidate.stat().st_mtime,
        )


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() joins the handlers: the server stops cleanly
    block_on_close = True
    request_queue_size = 128  # the default 5 drops connections that arrive together

    def __init__(
        self,
        address: tuple[str, int],
        handler: type[BaseHTTPRequestHandler],
        owner: LocalFeedServer,
    ):
        self.owner = owner
        super().__init__(address, handler)

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: object
    ) -> None:
        # A client that was killed or gave up resets its connection: expected here, no traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            log.debug("client %s went away", client_address)
            return
        super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # headers and body go out in separate writes
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.server.owner._track(self.connection, True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.server.owner._track(self.connection, False)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        log.debug("%s " + format, self.address_string(), *args)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def _answer(self, *, send_body: bool) -> None:
        owner = self.server.owner
        owner._answering(True)
        try:
            self._answer_tracked(owner, send_body=send_body)
        finally:
            owner._answering(False)

    def _answer_tracked(self, owner: LocalFeedServer, *, send_body: bool) -> None:
        path = urlsplit(self.path).path
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0].strip("[]").lower()
        owner._record(RecordedRequest(self.command, path, host, dict(self.headers.items())))
        route = owner._find_route(path) or owner._file_route(host, path)
        if route is None:
            route = Route(status=404, body=b"not found\n", content_type="text/plain")
        if route.hang:
            owner.stopping.wait()
            self.close_connection = True
            return
        if route.delay and owner.stopping.wait(route.delay):
            self.close_connection = True
            return
        self._send(route, send_body)

    def _send(self, route: Route, send_body: bool) -> None:
        body, headers = route.body, dict(route.headers)
        status = route.status
        if route.conditional and status == 200:
            etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
            headers.setdefault("ETag", etag)
            headers.setdefault(
                "Last-Modified", email.utils.formatdate(route.last_modified, usegmt=True)
            )
            if self._not_modified(etag, route.last_modified):
                status, body = 304, b""
        if route.gzip and body:
            body = gzip_module.compress(body)
            headers["Content-Encoding"] = "gzip"
        if route.content_type and status != 304:
            headers.setdefault("Content-Type", route.content_type)
        reason = route.reason if route.reason is not None and status == route.status else None
        self.send_response(status, reason or _reason(status))
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 304:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if not send_body or status == 304:
            return
        self._write_body(route, body)

    def _write_body(self, route: Route, body: bytes) -> None:
        stopping = self.server.owner.stopping
        limit = len(body) if route.close_after is None else min(route.close_after, len(body))
        try:
            if route.trickle:
                for index in range(limit):
                    self.wfile.write(body[index : index + 1])
                    self.wfile.flush()
                    if stopping.wait(route.trickle):
                        break
            else:
                self.wfile.write(body[:limit])
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up, as clients of a slow server should
        if limit < len(body) or stopping.is_set():
            self.close_connection = True

    def _not_modified(self, etag: str, last_modified: float) -> bool:
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match is not None:
            tags = [tag.strip().removeprefix("W/") for tag in if_none_match.split(",")]
            return etag in tags or "*" in tags
        if_modified_since = self.headers.get("If-Modified-Since")
        if if_modified_since:
            try:
                since = email.utils.parsedate_to_datetime(if_modified_since).timestamp()
            except (TypeError, ValueError):
                return False
            return int(last_modified) <= since
        return False


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Unknown"


def serve_forever(root: Path, *, by_host: bool = False) -> None:  # pragma: no cover - manual use
    """Serve `root` until interrupted (handy to try a feed by hand)."""
    with LocalFeedServer(root, by_host=by_host) as server:
        print(f"serving {root} on {server.base_url} (Ctrl+C stops)")
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


__all__ = ["LocalFeedServer", "RecordedRequest", "Route", "serve_forever"]
