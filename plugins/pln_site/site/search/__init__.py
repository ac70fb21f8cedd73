"""Full-text search: a results page, and a Pagefind index of the finished site."""

from __future__ import annotations

from pelican import signals

from pln_site.site.search.generator import SearchGenerator
from pln_site.site.search.pagefind import index_site
from pln_site.site.search.settings import apply_defaults


def _enabled(pelican) -> bool:
    # Signals are process-wide: a site built in the same process without this plugin is left alone.
    return __name__ in (pelican.settings.get("PLUGINS") or [])


def initialized(pelican) -> None:
    if _enabled(pelican):
        apply_defaults(pelican)


def get_generators(pelican) -> list:
    if _enabled(pelican) and pelican.settings.get("SEARCH_ENABLED"):
        return [SearchGenerator]
    return []


def finalized(pelican) -> None:
    # Every page is written by now: Pagefind reads them as a visitor's browser would.
    # `invoke build` indexes after Pelican's process has exited instead (pln_site.commands.build).
    if _enabled(pelican) and pelican.settings.get("SEARCH_INDEX_IN_PELICAN", True):
        index_site(pelican.settings)


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
    signals.finalized.connect(finalized)
