"""The example site as a visitor sees it: content/ with a store filled by the real demo path."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

from tests.support.project import PROJECT

# Small pages, so that the example's reading feed has a page 2.
PER_PAGE = 10


def build_example_site(root: Path) -> dict:
    """Serve the demo feeds, fetch them, build content/ into `root`/output; returns the settings."""
    from pln_site.commands import build as site
    from pln_site.commands.demo import run_demo
    from pln_site.commands.settings import load_settings

    settings = load_settings(
        PROJECT / "pelicanconf.py",
        OUTPUT_PATH=str(root / "output"),
        PLANET_STORE_PATH=str(root / "planet.sqlite3"),
        PLANET_PER_PAGE=PER_PAGE,
        CACHE_CONTENT=False,
        LOAD_CONTENT_CACHE=False,
    )
    if "pln_site.site.search" not in settings["PLUGINS"]:
        settings["PLUGINS"] = [*settings["PLUGINS"], "pln_site.site.search"]
    with contextlib.redirect_stdout(io.StringIO()) as printed:
        code = run_demo(settings, build=site.build)
    assert code == 0, printed.getvalue()
    return settings
