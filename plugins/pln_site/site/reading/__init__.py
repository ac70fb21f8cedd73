"""The reading feed: the river pages, topic rivers and output feeds, built from the store that
`invoke fetch` fills."""

from __future__ import annotations

from pln_site.site.plugin import Plugin
from pln_site.site.reading.generator import ReadingGenerator

PLUGIN = Plugin(__name__, ReadingGenerator)


def register() -> None:
    PLUGIN.connect()
