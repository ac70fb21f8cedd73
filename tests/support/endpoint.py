"""A Webmention receiver on 127.0.0.1 for the tests: it records every POST (path with its
query, and the form fields) and serves a few pages by GET; a context manager."""

from __future__ import annotations

import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class Received:
    path: str  # with its query string
    query: dict[str, list[str]]
    form: dict[str, list[str]]
    content_type: str


class Receiver:
    """POST to any path answers `status_for(path)` (202 unless listed); GET serves `pages`."""

    def __init__(self, pages: dict[str, str] | None = None, statuses: dict[str, int] | None = None):
        self.pages = dict(pages or {})
        self.statuses = dict(statuses or {})
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def address(self) -> str:
        assert self._httpd is not None
        return f"127.0.0.1:{self._httpd.server_address[1]}"

    def start(self) -> Receiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

            def do_GET(self) -> None:
                page = receiver.pages.get(urlsplit(self.path).path)
                body = (page or "not here").encode("utf-8")
                self.send_response(200 if page is not None else 404)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                data = self.rfile.read(length).decode("utf-8")
                parts = urlsplit(self.path)
                with receiver._lock:
                    receiver.received.append(
                        Received(
                            self.path,
                            parse_qs(parts.query),
                            parse_qs(data),
                            self.headers.get("Content-Type", ""),
                        )
                    )
                status = receiver.statuses.get(parts.path, 202)
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> Receiver:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def pairs(self) -> list[tuple[str, str, str]]:
        """(endpoint path, source, target) of every POST, in the order received."""
        with self._lock:
            return [
                (r.path, r.form["source"][0], r.form["target"][0])
                for r in self.received
                if "source" in r.form and "target" in r.form
            ]
