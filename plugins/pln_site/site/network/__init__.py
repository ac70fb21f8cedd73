"""The "my network" directory: member pages, topics, stats, OPML blogroll and JSON export."""

from __future__ import annotations

from pln_site.site.network.generator import NetworkGenerator
from pln_site.site.plugin import Plugin

PLUGIN = Plugin(__name__, NetworkGenerator)


def register() -> None:
    PLUGIN.connect()
