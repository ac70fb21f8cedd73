"""SearchGenerator: writes the results page and its script (Pagefind runs after the build)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import FileSystemLoader
from markupsafe import Markup
from pelican.generators import Generator

PLUGIN_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PLUGIN_DIR / "templates"
SCRIPT_FILE = PLUGIN_DIR / "static" / "search.js"


class SearchGenerator(Generator):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The theme's templates first, so that a theme can override search.html.
        self.env.loader.loaders.insert(1, FileSystemLoader(str(TEMPLATES_DIR)))
        self.env.autoescape = True

    def generate_output(self, writer: Any) -> None:
        save_as = self.settings.get("SEARCH_SAVE_AS")
        if not save_as:
            return
        url = self.settings["SEARCH_URL"]
        writer.write_file(
            save_as,
            self.get_template("search"),
            self.context,
            relative_urls=self.settings["RELATIVE_URLS"],
            url=url,
            page_url=url,
        )
        script_save_as = self.settings.get("SEARCH_SCRIPT_SAVE_AS")
        if script_save_as:
            text = SCRIPT_FILE.read_text(encoding="utf-8")
            writer.write_file(
                script_save_as, self.env.from_string("{{ body }}"), self.context, body=Markup(text)
            )
