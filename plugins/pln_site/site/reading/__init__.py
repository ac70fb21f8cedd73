"""The reading feed: fetch the members' feeds into a store, build the river from it."""

from __future__ import annotations


def _enabled(pelican) -> bool:
    # Signals are process-wide: a second site built in the same process without this plugin
    # must not get its settings or pages.
    return __name__ in (pelican.settings.get("PLUGINS") or [])


def initialized(pelican) -> None:
    from pln_site.settings import apply_defaults

    if _enabled(pelican):
        apply_defaults(pelican)


def get_generators(pelican) -> list:
    from pln_site.site.reading.generator import ReadingGenerator

    return [ReadingGenerator] if _enabled(pelican) else []


def register() -> None:
    # Pelican is imported here, not at the top: the fetcher's parse workers import this package
    # and need none of it.
    from pelican import signals

    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
