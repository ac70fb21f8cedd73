"""Work kept between builds under Pelican's CACHE_PATH: compiled templates (templates.py), and
the pages of a build in which nothing changed (pages.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals

from pln_site.site.buildcache import pages, templates


def _cache_path(owner: Any) -> Path | None:
    """The cache folder, when this plugin is on for `owner`'s site (a Pelican or a generator).

    Signals are process-wide: a site built in the same process without this plugin is left
    alone."""
    settings = owner.settings
    if __name__ not in (settings.get("PLUGINS") or []) or not settings.get("CACHE_PATH"):
        return None
    return Path(settings["CACHE_PATH"])


def generator_init(generator) -> None:
    cache_path = _cache_path(generator)
    if cache_path is not None:
        templates.keep_compiled(generator, cache_path)


def get_writer(pelican) -> type | None:
    if _cache_path(pelican) is not None and pelican.settings.get("BUILD_REUSE_PAGES", True):
        return pages.ReusingWriter
    return None


def finalized(pelican) -> None:
    if _cache_path(pelican) is not None:
        pages.remember(pelican.output_path)


def register() -> None:
    signals.generator_init.connect(generator_init)
    signals.get_writer.connect(get_writer)
    signals.finalized.connect(finalized)
