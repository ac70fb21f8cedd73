"""Every page type of the example site in Chromium: loads cleanly, stays on the site, and every
link and image on it leads somewhere."""

from __future__ import annotations

import urllib.error
import urllib.request
from html.parser import HTMLParser
from urllib.parse import urldefrag, urlsplit

import pytest

from tests.support.visit import visit

pytestmark = pytest.mark.browser

PAGE_TYPES = [
    "home", "post", "archives", "tag", "about", "network", "member", "topic", "stats", "graph",
    "reading", "reading-2", "search",
]  # fmt: skip


class _Ids(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("id", "name") and value:
                self.ids.add(value)


_fetched: dict[str, tuple[int, set[str]]] = {}


def fetch(url: str) -> tuple[int, set[str]]:
    """Status and element ids of a page of the local site (cached for the session)."""
    if url not in _fetched:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - 127.0.0.1
                body = response.read()
                status = response.status
                kind = response.headers.get_content_type()
        except urllib.error.HTTPError as error:
            _fetched[url] = (error.code, set())
            return _fetched[url]
        ids = _Ids()
        if kind == "text/html":
            ids.feed(body.decode("utf-8", "replace"))
        _fetched[url] = (status, ids.ids)
    return _fetched[url]


def test_the_example_has_every_page_type(example_pages):
    assert list(example_pages) == PAGE_TYPES


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_page_loads_without_errors_or_outside_requests(chromium, example_url, example_pages, name):
    # A fresh context: a first visit, nothing from the cache.
    seen = visit(chromium, example_url + example_pages[name])
    try:
        assert seen.console == []
        assert seen.failed == []
        assert seen.outside == []
    finally:
        seen.close()


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_every_link_and_image_resolves(loaded_page, example_url, name):
    seen = loaded_page(name)
    page = seen.page
    try:
        links = page.eval_on_selector_all(
            "a[href], link[href], script[src]",
            # getAttribute: an SVG link's .href is an object, not a string.
            "els => els.map(e => new URL(e.getAttribute('href') || e.getAttribute('src'),"
            " document.baseURI).href)",
        )
        images = page.eval_on_selector_all("img", "els => els.map(e => e.src)")
        ids_here = set(page.eval_on_selector_all("[id]", "els => els.map(e => e.id)"))
    finally:
        seen.close()
    site = urlsplit(example_url).netloc
    broken = []
    for link in links:
        parts = urlsplit(link)
        if parts.netloc != site:
            # Other sites are not visited (tests stay offline); the address must be a web one.
            if (
                parts.scheme not in ("http", "https", "mailto")
                or not parts.netloc
                and parts.scheme != "mailto"
            ):
                broken.append(f"not a web address: {link}")
            continue
        target, fragment = urldefrag(link)
        status, ids = fetch(target)
        if status != 200:
            broken.append(f"{status}: {link}")
        elif fragment and fragment not in (ids_here if target == page.url.split("#")[0] else ids):
            broken.append(f"no #{fragment} in {target}")
    assert broken == []
    if name in ("network", "member", "reading"):
        assert images, "the members' avatars are shown"
    for src in images:
        # Lazy images below the fold are not loaded yet: ask the server for each one.
        assert urlsplit(src).netloc == site, src
        assert fetch(src)[0] == 200, src
