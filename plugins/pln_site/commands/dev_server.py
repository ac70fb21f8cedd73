"""The server of `invoke dev`: `invoke serve`'s, plus what reloads the open pages.

- `/__dev/reload.js` is the reload script. It is served from here and never written into the
  output: a page names it only in a build that `invoke dev` makes (DEV_RELOAD_SCRIPT_URL).
- `/__dev/events` is a stream of Server-Sent Events: the state of the latest build (the id of
  the build the output folder holds, and the problems of the latest attempt), sent on connect
  and after every build.
- Every answer names, in a `Server-Timing` header, the build that was current when the request
  came: the script reads it from the page's own navigation entry and reloads when a newer build
  is announced, so a build that finished between the page's load and the script's connection is
  not missed.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http import HTTPStatus
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any

from pln_site.commands.serve import SiteRequestHandler

SCRIPT_URL = "/__dev/reload.js"
EVENTS_URL = "/__dev/events"
SCRIPT_FILE = Path(__file__).parent / "static" / "dev-reload.js"
KEEPALIVE_SECONDS = 15.0  # a comment line this often finds the streams whose tab has closed
RETRY_MILLISECONDS = 500  # how soon a browser reconnects when the server was restarted


@dataclass(frozen=True)
class BuildState:
    """`build`: the id of the last build that wrote the output; `problems`: the latest
    attempt's, as JSON objects (empty when it succeeded)."""

    build: str
    problems: tuple[dict, ...] = field(default=())

    def as_event(self) -> bytes:
        data = json.dumps({"build": self.build, "problems": list(self.problems)})
        return f"event: build\ndata: {data}\n\n".encode()


class BuildEvents:
    """The latest BuildState, and the streams waiting for the next one."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = BuildState(build=new_build_id())
        self._closed = False

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def publish(self, state: BuildState) -> None:
        with self._changed:
            self._state = state
            self._changed.notify_all()

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def next_state(self, seen: BuildState | None, timeout: float) -> BuildState | None:
        """The state once it is not `seen` (`seen` again after `timeout`); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._state is not seen, timeout)
            return None if self._closed else self._state


def new_build_id() -> str:
    """Unique across restarts of the server, so that a page of an earlier run reloads too."""
    return str(time.time_ns())


class DevRequestHandler(SiteRequestHandler):
    """SiteRequestHandler, with the reload script, the event stream and no caching."""

    def __init__(self, *args: Any, events: BuildEvents, **kwargs: Any) -> None:
        self.events = events
        self.served_build = events.state.build  # before the file is read: see the module's note
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        route = self.path.split("?", 1)[0]
        self.served_build = self.events.state.build
        if route == EVENTS_URL:
            self.send_events()
        elif route == SCRIPT_URL:
            self.send_file(SCRIPT_FILE.read_bytes(), "text/javascript; charset=utf-8")
        else:
            super().do_GET()

    def end_headers(self) -> None:
        # An edited page must come from the server each time, never from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        self.send_header("Server-Timing", f'dev-build;desc="{self.served_build}"')
        super().end_headers()

    def send_file(self, data: bytes, content_type: str) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def send_events(self) -> None:
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen: BuildState | None = None
        try:
            self.wfile.write(f"retry: {RETRY_MILLISECONDS}\n\n".encode())
            while (state := self.events.next_state(seen, KEEPALIVE_SECONDS)) is not None:
                self.wfile.write(b": still here\n\n" if state is seen else state.as_event())
                self.wfile.flush()
                seen = state
        except (BrokenPipeError, ConnectionResetError):  # the tab was closed or reloaded
            pass
        self.close_connection = True

    def send_not_found(self, body: bool = True) -> None:
        if (Path(self.base_path) / self.not_found_page).is_file() or not body:
            super().send_not_found(body)
            return
        # No site yet (the first build failed): a page that shows why, and reloads once it works.
        page = (
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>No site yet</title>"
            f'<script src="{SCRIPT_URL}" defer></script></head><body><p>No page here yet: '
            "the terminal of <code>invoke dev</code> says why.</p></body></html>"
        ).encode()
        self.send_response(HTTPStatus.NOT_FOUND)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        pass  # the writer watches the build's lines, not one line per file the browser asks


class DevHTTPServer(ThreadingHTTPServer):
    """One thread per request (each open tab holds one for its event stream), none of which
    keeps the command from ending."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], ConnectionError):
            return  # a tab reloaded while its page was on its way: nothing went wrong
        super().handle_error(request, client_address)
