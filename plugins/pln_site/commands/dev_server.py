"""The server of `invoke dev`: `invoke serve`'s, plus what reloads the open pages.

- `/__dev/reload.js` is the reload script. It is served from here and never written into the
  output: a page names it only in a build that `invoke dev` makes (DEV_RELOAD_SCRIPT_URL).
- `/__dev/events` is a stream of Server-Sent Events: the state of the latest build (the id of
  the build the output folder holds, and the problems of the latest attempt), sent on connect
  and after every build; and, while a build that only posts, pages, member files or fetched
  entries started is under way, each page it has written so far ("page" events): the tab that
  shows one reloads then, before the build has done the rest of the site.
- Every answer names, in a `Server-Timing` header, the build that was current when the request
  came (or, for a page that the build under way has written already, that build) and the page's
  file: the script reads them from the page's own navigation entry and reloads when a newer
  build is announced, so a build that finished between the page's load and the script's
  connection is not missed, and a page reloaded early is not reloaded again when its build ends.
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
from urllib.parse import quote, unquote

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

    def as_event(self, building: str | None = None) -> bytes:
        """`building`: the build under way, whose pages already written are new."""
        data = {"build": self.build, "problems": list(self.problems), "building": building}
        return f"event: build\ndata: {json.dumps(data)}\n\n".encode()


def page_event(build: str, page: str) -> bytes:
    data = json.dumps({"build": build, "page": page})
    return f"event: page\ndata: {data}\n\n".encode()


@dataclass(frozen=True)
class Seen:
    """What one stream has sent: the state, and how many pages of which build under way."""

    state: BuildState | None = None
    building: str | None = None
    pages: int = 0


class BuildEvents:
    """The latest BuildState, the pages written so far by the build under way (each page as
    `page_key` names it), and the streams waiting for what comes next."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._state = BuildState(build=new_build_id())
        self._building: str | None = None
        self._pages: list[str] = []  # in the order they were written
        self._known: set[str] = set()  # the same pages, to look one up
        self._closed = False

    @property
    def state(self) -> BuildState:
        with self._changed:
            return self._state

    def start(self, build: str) -> None:
        """The build `build` begins: the pages it writes are announced (`page_written`)."""
        with self._changed:
            self._building, self._pages, self._known = build, [], set()

    def page_written(self, page: str) -> None:
        with self._changed:
            if self._building is not None and page not in self._known:
                self._pages.append(page)
                self._known.add(page)
                self._changed.notify_all()

    def publish(self, state: BuildState) -> None:
        """A build ended (`state`): what it wrote is the output's now."""
        with self._changed:
            self._state, self._building, self._pages, self._known = state, None, [], set()
            self._changed.notify_all()

    def build_of(self, page: str | None) -> str:
        """The build whose output `page` is: the one under way once it wrote the page, else
        the last one."""
        with self._changed:
            if self._building is not None and page in self._known:
                return self._building
            return self._state.build

    def close(self) -> None:
        """End every stream (the server is stopping)."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()

    def next_events(self, seen: Seen, timeout: float) -> tuple[Seen, list[bytes]] | None:
        """What happened since `seen` (nothing after `timeout`), and what is seen then; None
        once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self._closed or self._seen() != seen, timeout)
            if self._closed:
                return None
            now = self._seen()
            events = []
            if now.state != seen.state:
                events.append(self._state.as_event(self._building))
            first = seen.pages if seen.building == self._building else 0
            if self._building is not None:
                events += [page_event(self._building, page) for page in self._pages[first:]]
            return now, events

    def _seen(self) -> Seen:
        return Seen(self._state, self._building, len(self._pages))


def page_key(page: Path | str) -> str:
    """A page by its file under the output folder, as the events and the script name it
    (percent-encoded: it travels in a header)."""
    return quote(Path(page).as_posix().lstrip("/"))


def new_build_id() -> str:
    """Unique across restarts of the server, so that a page of an earlier run reloads too."""
    return str(time.time_ns())


class DevRequestHandler(SiteRequestHandler):
    """SiteRequestHandler, with the reload script, the event stream and no caching."""

    def __init__(self, *args: Any, events: BuildEvents, **kwargs: Any) -> None:
        self.events = events
        self.served_build = events.state.build  # before the file is read: see the module's note
        self.served_page: str | None = None
        super().__init__(*args, **kwargs)

    def do_GET(self) -> None:
        route = self.path.split("?", 1)[0]
        found = self.get_path_that_exists(route)
        self.served_page = page_key(unquote(found)) if found else None
        self.served_build = self.events.build_of(self.served_page)
        if route == EVENTS_URL:
            self.send_events()
        elif route == SCRIPT_URL:
            self.send_file(SCRIPT_FILE.read_bytes(), "text/javascript; charset=utf-8")
        else:
            super().do_GET()

    def end_headers(self) -> None:
        # An edited page must come from the server each time, never from the browser's cache.
        self.send_header("Cache-Control", "no-store")
        timing = f'dev-build;desc="{self.served_build}"'
        if self.served_page is not None:
            timing += f', dev-page;desc="{self.served_page}"'
        self.send_header("Server-Timing", timing)
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
        seen = Seen()
        try:
            self.wfile.write(f"retry: {RETRY_MILLISECONDS}\n\n".encode())
            while (news := self.events.next_events(seen, KEEPALIVE_SECONDS)) is not None:
                seen, events = news
                self.wfile.write(b"".join(events) or b": still here\n\n")
                self.wfile.flush()
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
