"""The search plugin's settings and their defaults: flat SEARCH_* names, Pelican style."""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, Any] = {
    # False: no index, no search page, no search box (the build then needs no Pagefind).
    "SEARCH_ENABLED": True,
    # The results page; the search box on every page sends its query here as ?q=...
    "SEARCH_URL": "search/",
    "SEARCH_SAVE_AS": "search/index.html",
    # The small script that asks the index and shows the results.
    "SEARCH_SCRIPT_URL": "search/search.js",
    "SEARCH_SCRIPT_SAVE_AS": "search/search.js",
    # Where Pagefind writes its index and its own script, under OUTPUT_PATH.
    "SEARCH_BUNDLE_DIR": "pagefind",
    # The pagefind program: None finds it in the pagefind-bin package, then on PATH.
    "SEARCH_PAGEFIND_BINARY": None,
    # True: Pagefind runs as Pelican finishes (plain `pelican`, `invoke regenerate`). `invoke
    # build` sets it False and indexes once Pelican's process has exited, so that the indexer
    # and the build never hold their memory at the same time.
    "SEARCH_INDEX_IN_PELICAN": True,
}


def apply_defaults(pelican: Any) -> None:
    """Fill in every SEARCH_* setting the site did not set (the `initialized` signal).

    With search off, the URLs are emptied so that templates show no search box.
    """
    for name, value in DEFAULTS.items():
        pelican.settings.setdefault(name, value)
    if not pelican.settings["SEARCH_ENABLED"]:
        pelican.settings["SEARCH_URL"] = ""
        pelican.settings["SEARCH_SAVE_AS"] = ""
