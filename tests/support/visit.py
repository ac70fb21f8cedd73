"""Open a page in Chromium and note everything that went wrong while it loaded."""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit


@dataclass
class Visit:
    page: object  # playwright Page
    console: list[str] = field(default_factory=list)  # console errors and warnings, page errors
    failed: list[str] = field(default_factory=list)  # requests that failed or answered >= 400
    outside: list[str] = field(default_factory=list)  # requests to any host but the site's
    bytes_loaded: int = 0  # bodies of every response, as sent

    def close(self) -> None:
        self.page.context.close()


def visit(browser, url: str, width: int = 1280, scheme: str = "light", height: int = 800) -> Visit:
    """Load `url` until the network is idle; the returned Visit holds the page and its problems."""
    context = browser.new_context(viewport={"width": width, "height": height}, color_scheme=scheme)
    page = context.new_page()
    seen = Visit(page)
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

    page.on("console", on_console)
    page.on("pageerror", lambda error: seen.console.append(f"pageerror: {error}"))
    page.on("request", on_request)
    page.on("response", on_response)
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.failure} {r.url}"))
    page.on("requestfinished", on_finished)
    response = page.goto(url, wait_until="networkidle")
    if response is None or not response.ok:
        seen.failed.append(f"{response.status if response else 'no response'} {url}")
    return seen
