"""The "my network" directory: member pages, topics, stats, OPML blogroll and JSON export."""

from __future__ import annotations

from pelican import signals

from pln_site.site.network.generator import NetworkGenerator
from pln_site.site.network.settings import apply_defaults


def _enabled(pelican) -> bool:
    # Signals are process-wide: a second site built in the same process without this plugin
    # must not get its settings or pages.
    return __name__ in (pelican.settings.get("PLUGINS") or [])


def initialized(pelican) -> None:
    if _enabled(pelican):
        apply_defaults(pelican)


def get_generators(pelican) -> list:
    return [NetworkGenerator] if _enabled(pelican) else []


def register() -> None:
    signals.initialized.connect(initialized)
    signals.get_generators.connect(get_generators)
