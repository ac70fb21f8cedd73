"""The `_headers` file that Netlify and Cloudflare Pages read: the pages' Content-Security-Policy
for every path, so that a file opened on its own (an SVG, a feed, a script) is held to it too,
and `nosniff`, so that no file is run as a type it was not served as.

The policy is the one the theme's pages carry in their `<meta http-equiv>` (base.html), read
from the home page once it is written: one policy, stated once, by the theme. A theme whose
pages carry none gets no `_headers` file, so that a site with a theme of its own keeps what
its host sends today.
"""

from __future__ import annotations

import logging
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

HEADERS_FILE = "_headers"


class _PolicyFinder(HTMLParser):
    """The content of the first `<meta http-equiv="Content-Security-Policy">` of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.policy: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        equiv = (values.get("http-equiv") or "").lower()
        if tag == "meta" and equiv == "content-security-policy" and self.policy is None:
            self.policy = values.get("content") or None


def page_policy(page: Path) -> str | None:
    """The Content-Security-Policy that the page at `page` sets in its head, if any."""
    finder = _PolicyFinder()
    try:
        finder.feed(page.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return finder.policy


def headers_file(policy: str) -> str:
    """The `_headers` text: every path gets the policy and nosniff."""
    policy = " ".join(policy.split())  # one line: a line break would start another header
    return (
        "# Written by the build: the pages' Content-Security-Policy for every file.\n"
        "/*\n"
        f"  Content-Security-Policy: {policy}\n"
        "  X-Content-Type-Options: nosniff\n"
    )


def write_headers(settings: dict[str, Any]) -> None:
    """Write OUTPUT_PATH/_headers with the home page's policy (call it when the build has
    finished)."""
    output = Path(settings["OUTPUT_PATH"])
    home = output / (settings.get("INDEX_SAVE_AS") or "index.html")
    policy = page_policy(home)
    if policy is None:
        log.debug("headers: %s sets no Content-Security-Policy: no %s", home, HEADERS_FILE)
        return
    target, text = output / HEADERS_FILE, headers_file(policy)
    try:
        if target.read_text(encoding="utf-8") == text:
            return  # as the last build wrote it: keep its time
    except (OSError, UnicodeDecodeError):
        pass
    target.write_text(text, encoding="utf-8")
