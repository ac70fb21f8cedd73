"""Open a page in Chromium and note everything that went wrong while it loaded.

`visit` opens each page in a fresh browser context (an empty cache: what a first visit loads).
`Tab` loads page after page in the same few browser pages, as a reader clicking through would:
a fresh page costs a renderer process, about a third of a visit, and sees nothing more; and
`Tab.visit_each` loads several at once, so that their waits for an idle network overlap, as
`first_visits` does with fresh contexts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

# A page is loaded once the network has been idle for Playwright's 500 ms.
LOADED = "networkidle"


@dataclass
class Visit:
    page: object  # playwright Page
    console: list[str] = field(default_factory=list)  # console errors and warnings, page errors
    failed: list[str] = field(default_factory=list)  # requests that failed or answered >= 400
    outside: list[str] = field(default_factory=list)  # requests to any host but the site's
    bytes_loaded: int = 0  # bodies of every response, as sent
    answer: object = None  # the response to the page's own request
    # What close() does: close the fresh context, or stop listening to the tab's page.
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
    _watch(seen, url)
    seen.answer = page.goto(url, wait_until=LOADED)
    _note_answer(seen, url)
    return seen


def first_visits(
    browser,
    urls: Iterable[str],
    then: Callable[[Visit], None] | None = None,
    width: int = 1280,
    scheme: str = "light",
    height: int = 800,
    at_once: int = 4,
) -> Iterator[Visit]:
    """`visit` for each of `urls` (a fresh context each), `at_once` of them loading together so
    that their waits for an idle network overlap. With `then`, each loaded page is handed to it
    and waited for again. Yields the visits in order; the caller closes each."""
    urls = list(urls)
    for first in range(0, len(urls), at_once):
        group = urls[first : first + at_once]
        visits = []
        for url in group:
            context = browser.new_context(
                viewport={"width": width, "height": height}, color_scheme=scheme
            )
            seen = Visit(context.new_page())
            _watch(seen, url)
            seen.answer = seen.page.goto(url, wait_until="commit")
            visits.append(seen)
        for seen in visits:
            seen.page.wait_for_load_state(LOADED)
        if then is not None:
            for seen in visits:
                then(seen)
            for seen in visits:
                seen.page.wait_for_load_state(LOADED)
        for seen, url in zip(visits, group, strict=True):
            _note_answer(seen, url)
        yield from visits


class Tab:
    """A few browser pages that load one URL after another (a module's tests share a Tab).

    Each visit sets the viewport and colour scheme before loading, starts from a blank page (so
    that nothing of the last page is heard), listens only to its own page and waits for the
    network to be idle, as `visit` does. The cache is shared between visits: `visit` is for what
    a first visit loads.
    """

    def __init__(self, browser, pages: int = 4) -> None:
        self.context = browser.new_context()
        self.pages = [self.context.new_page() for _ in range(pages)]
        self._open: list[Visit] = []

    def visit(self, url: str, width: int = 1280, scheme: str = "light", height: int = 800) -> Visit:
        """Load `url` (the last visit is closed first)."""
        (seen,) = self._start([url], width, scheme, height)
        self._finish(seen, url)
        return seen

    def visit_each(
        self, urls: Iterable[str], width: int = 1280, scheme: str = "light", height: int = 800
    ) -> Iterator[Visit]:
        """Load `urls`, as many at once as the tab has pages; yields their visits in order.

        A visit stays open until the next group of pages starts loading."""
        urls = list(urls)
        step = len(self.pages)
        for first in range(0, len(urls), step):
            group = urls[first : first + step]
            visits = self._start(group, width, scheme, height)
            for seen, url in zip(visits, group, strict=True):
                self._finish(seen, url)
            yield from visits

    def close(self) -> None:
        self.context.close()

    def _start(self, urls: list[str], width: int, scheme: str, height: int) -> list[Visit]:
        """Close the open visits, then start loading each of `urls` in a page of its own."""
        for seen in list(self._open):
            seen.close()
        visits = []
        for page, url in zip(self.pages, urls, strict=False):
            page.goto("about:blank")
            page.set_viewport_size({"width": width, "height": height})
            page.emulate_media(color_scheme=scheme)
            seen = Visit(page)
            stop_listening = _watch(seen, url)

            def close(seen: Visit = seen, stop_listening: Callable[[], None] = stop_listening):
                stop_listening()
                self._open.remove(seen)

            seen.closer = close
            self._open.append(seen)
            # Returns once the page's answer has come; the rest loads meanwhile.
            seen.answer = page.goto(url, wait_until="commit")
            visits.append(seen)
        return visits

    def _finish(self, seen: Visit, url: str) -> None:
        seen.page.wait_for_load_state(LOADED)
        _note_answer(seen, url)


def _note_answer(seen: Visit, url: str) -> None:
    response = seen.answer
    if response is None or not response.ok:
        seen.failed.append(f"{response.status if response else 'no response'} {url}")


def _watch(seen: Visit, url: str) -> Callable[[], None]:
    """Note the page's problems into `seen` from now on; returns what stops the noting."""
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

    def stop() -> None:
        for event, listener in listeners.items():
            page.remove_listener(event, listener)

    return stop
