"""Work kept between builds under Pelican's CACHE_PATH: compiled templates (templates.py), the
pages whose making did not change since the last build (pages.py, with the digest of what each
page is made from in digests.py), and the list of files the last build wrote, so that those no
source makes any more are removed (outputs.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pelican import signals

from pln_site.site.buildcache import outputs, pages, templates
from pln_site.site.plugin import Plugin

PLUGIN = Plugin(__name__)


def _cache_path(owner: Any) -> Path | None:
    """The cache folder, when this plugin is on for `owner`'s site (a Pelican or a generator)."""
    if not PLUGIN.is_on(owner) or not owner.settings.get("CACHE_PATH"):
        return None
    return Path(owner.settings["CACHE_PATH"])


def generator_init(generator) -> None:
    cache_path = _cache_path(generator)
    if cache_path is not None:
        templates.keep_compiled(generator, cache_path)


def get_writer(pelican) -> type | None:
    if _cache_path(pelican) is not None and pelican.settings["BUILD_REUSE_PAGES"]:
        return pages.ReusingWriter
    return None


def finalized(pelican) -> None:
    if _cache_path(pelican) is not None:
        outputs.remove_stale(pelican.settings, pelican.output_path)
        pages.remember(pelican.output_path)


def register() -> None:
    PLUGIN.connect()
    signals.generator_init.connect(generator_init)
    signals.get_writer.connect(get_writer)
    signals.initialized.connect(outputs.build_started)
    signals.content_written.connect(outputs.content_written)
    signals.feed_written.connect(outputs.feed_written)
    signals.static_generator_finalized.connect(outputs.static_files_known)
    signals.finalized.connect(finalized)
