"""Full-text search: a results page, and a Pagefind index of the finished site."""

from __future__ import annotations

from pelican import signals

from pln_site.site.plugin import Plugin
from pln_site.site.search.generator import SearchGenerator
from pln_site.site.search.pagefind import index_site

PLUGIN = Plugin(__name__, SearchGenerator)


def finalized(pelican) -> None:
    # Every page is written by now: Pagefind reads them as a visitor's browser would.
    # `invoke build` indexes after Pelican's process has exited instead (pln_site.commands.build).
    if PLUGIN.is_on(pelican) and pelican.settings["SEARCH_INDEX_IN_PELICAN"]:
        index_site(pelican.settings)


def register() -> None:
    PLUGIN.connect()
    signals.finalized.connect(finalized)
