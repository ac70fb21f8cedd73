"""Serve a built site on 127.0.0.1 and save a PNG of each page type at each width."""

from __future__ import annotations

import functools
import logging
import shutil
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from pln_site.commands.screenshot_pages import PageType, page_types
from pln_site.errors import SiteError

log = logging.getLogger(__name__)

DEFAULT_WIDTHS = (375, 1280)
# Beside the output, not in it: what is in OUTPUT_PATH is what `invoke publish` uploads.
DEFAULT_FOLDER = "screenshots"


# A full-page picture shows images below the fold too: load the lazy ones before shooting.
LOAD_LAZY_IMAGES = """() => Promise.all([...document.images].map(img => {
    img.loading = "eager";
    return img.complete ? null : new Promise(done => { img.onload = img.onerror = done; });
}))"""


class ScreenshotError(SiteError):
    """Screenshots cannot be taken; the message says what is missing."""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A browser that drops a connection it no longer needs is not an error worth a traceback.
        pass


@contextmanager
def serve_folder(folder: Path) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port); yields the base URL, ending in "/"."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = _Server(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def find_chromium() -> str | None:
    """The system's Chromium (Debian's package), which playwright drives."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def take_screenshots(
    settings: dict,
    widths: Sequence[int] = DEFAULT_WIDTHS,
    folder: Path | None = None,
    full_page: bool = True,
) -> list[Path]:
    """PNGs of every page type of the site built in OUTPUT_PATH, named `<type>-<width>.png`."""
    output = Path(settings["OUTPUT_PATH"])
    if not (output / "index.html").is_file():
        raise ScreenshotError(f"no site in {output}: build it first (invoke build)")
    chromium = find_chromium()
    try:
        from playwright.sync_api import sync_playwright

        has_playwright = True
    except ImportError:
        has_playwright = False
    if chromium is None or not has_playwright:
        # Say both at once: installing one, then learning of the other, costs a second round.
        missing = []
        if not has_playwright:
            missing.append("playwright, which drives the browser (pip install playwright)")
        if chromium is None:
            missing.append("Chromium, the browser (Debian, Ubuntu: apt-get install chromium)")
        raise ScreenshotError(
            "screenshots need playwright and Chromium; not installed: " + " and ".join(missing)
        )
    folder = folder or Path(settings.get("SCREENSHOTS_PATH") or DEFAULT_FOLDER)
    folder.mkdir(parents=True, exist_ok=True)
    pages = page_types(settings)
    written: list[Path] = []
    with serve_folder(output) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            for width in widths:
                written += _shoot_width(browser, base, pages, int(width), folder, full_page)
        finally:
            browser.close()
    return written


def _shoot_width(
    browser, base: str, pages: list[PageType], width: int, folder: Path, full_page: bool
) -> list[Path]:
    context = browser.new_context(viewport={"width": width, "height": 900})
    written = []
    try:
        page = context.new_page()
        for page_type in pages:
            # "load", not "networkidle": the pages ask nothing after they load, and waiting
            # for half a second of quiet cost that much per page.
            page.goto(base + page_type.path, wait_until="load")
            page.evaluate(LOAD_LAZY_IMAGES)
            target = folder / f"{page_type.name}-{width}.png"
            page.screenshot(path=str(target), full_page=full_page)
            log.info("screenshots: wrote %s", target)
            written.append(target)
    finally:
        context.close()
    return written
