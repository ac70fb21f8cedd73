"""SearchGenerator: writes the results page and its script (Pagefind runs after the build)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pln_site.settings import NETWORK, READING, SEARCH, with_defaults
from pln_site.site.base import SiteGenerator
from pln_site.site.search.pagefind import bundle_folders

PLUGIN_DIR = Path(__file__).resolve().parent
SCRIPT_FILE = PLUGIN_DIR / "static" / "search.js"


class SearchGenerator(SiteGenerator):
    templates_dir = PLUGIN_DIR / "templates"

    def generate_output(self, writer: Any) -> None:
        save_as = self.settings["SEARCH_SAVE_AS"]  # empty with SEARCH_ENABLED = False
        if not save_as:  # no results page: no script either
            return
        # The page merges every part's bundle (pagefind.py); those a build left out fail alone.
        folders = bundle_folders(with_defaults(self.settings, [SEARCH, NETWORK, READING]))
        self.write_page(
            writer, save_as, "search", self.settings["SEARCH_URL"], search_bundles=folders
        )
        text = SCRIPT_FILE.read_text(encoding="utf-8")
        self.write_text(writer, self.settings["SEARCH_SCRIPT_SAVE_AS"], text)
