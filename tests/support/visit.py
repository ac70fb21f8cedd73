"""Open a page in Chromium and note everything that went wrong while it loaded.

`visit` opens each page in a fresh browser context (an empty cache: what a first visit loads).
`Tab` loads page after page in one browser page, as a reader clicking through would: a fresh
page costs a renderer process, about a third of a visit, and sees nothing more.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Visit:
    page: object  # playwright Page
    console: list[str] = field(default_factory=list)  # console errors and warnings, page errors
    failed: list[str] = field(default_factory=list)  # requests that failed or answered >= 400
    outside: list[str] = field(default_factory=list)  # requests to any host but the site's
    bytes_loaded: int = 0  # bodies of every response, as sent
    # What close() does: close the fresh context, or stop listening to the tab.
    closer: Callable[[], None] | None = None

    def close(self) -> None:
        if self.closer is not None:
            self.closer()
        else:
            self.page.context.close()


def visit(browser, url: str, width: int = 1280, scheme: str = "light", height: int = 800) -> Visit:
    """Load `url` until the network is idle; the returned Visit holds the page and its problems."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    seen = Visit(page)
    _watch_and_load(seen, url)
    return seen


class Tab:
    """One browser page that loads one URL after another (a module's tests share one).

    Each visit sets the viewport and colour scheme before loading, starts from a blank page (so
    that nothing of the last page is heard) and waits for the network to be idle, as `visit`
    does. The cache is shared between visits: `visit` is for what a first visit loads.
    """

    def __init__(self, browser) -> None:
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self._current: Visit | None = None

    def visit(self, url: str, width: int = 1280, scheme: str = "light", height: int = 800) -> Visit:
        if self._current is not None:
            self._current.close()
        page = self.page
        page.goto("about:blank")
        page.set_viewport_size({"width": width, "height": height})
        page.emulate_media(color_scheme=scheme)
        seen = Visit(page)
        stop_listening = _watch_and_load(seen, url)

        def close() -> None:
            stop_listening()
            self._current = None

        seen.closer = close
        self._current = seen
        return seen

    def close(self) -> None:
        self.context.close()


def _watch_and_load(seen: Visit, url: str) -> Callable[[], None]:
    """Note the page's problems into `seen` while `url` loads; returns what stops the noting."""
    page = seen.page
    site = urlsplit(url).netloc

    def on_console(message) -> None:
        if message.type in ("error", "warning"):
            seen.console.append(f"{message.type}: {message.text}")

    def on_request(request) -> None:
        if urlsplit(request.url).netloc != site and not request.url.startswith("data:"):
            seen.outside.append(request.url)

    def on_response(response) -> None:
        if response.status >= 400:
            seen.failed.append(f"{response.status} {response.url}")

    def on_finished(request) -> None:
        sizes = request.sizes()
        seen.bytes_loaded += sizes["responseBodySize"] + sizes["responseHeadersSize"]

    def on_page_error(error) -> None:
        seen.console.append(f"pageerror: {error}")

    def on_request_failed(request) -> None:
        seen.failed.append(f"{request.failure} {request.url}")

    listeners = {
        "console": on_console,
        "pageerror": on_page_error,
        "request": on_request,
        "response": on_response,
        "requestfailed": on_request_failed,
        "requestfinished": on_finished,
    }
    for event, listener in listeners.items():
        page.on(event, listener)
    response = page.goto(url, wait_until="networkidle")
    if response is None or not response.ok:
        seen.failed.append(f"{response.status if response else 'no response'} {url}")

    def stop() -> None:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)

    return stop
