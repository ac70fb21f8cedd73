"""What every pln_site plugin does with Pelican's signals: act only for a site that lists it,
fill in and check its settings, and hand Pelican its generators.

Signals are process-wide: a second site built in the same process without a plugin must not get
its settings or pages. So every handler first asks `enabled`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pelican import signals
from pelican.generators import Generator
from pelican.plugins._utils import plugin_enabled

from pln_site.settings import SettingsInvalid, fill_defaults, validate
from pln_site.site import sitewide


def enabled(plugin: str, settings: Mapping[str, Any]) -> bool:
    """Whether the site's PLUGINS lists `plugin` (a dotted name such as pln_site.site.network),
    by Pelican's own rule (the rule of its `plugin_enabled` Jinja test)."""
    return plugin_enabled(plugin, settings.get("PLUGINS"))


class Plugin:
    """One pln_site plugin's handlers for `initialized` and `get_generators`.

    Make one per plugin at module level and call `connect()` from its `register()`: Pelican
    calls `register()` once per site it builds, and connecting the same handlers again is a
    no-op, while new ones each time would add the plugin's generators twice.
    """

    def __init__(self, name: str, *generators: type[Generator]) -> None:
        self.name = name
        self.generators = generators

    def is_on(self, owner: Any) -> bool:
        """Whether the plugin is on for `owner`'s site (a Pelican or a generator)."""
        return enabled(self.name, owner.settings)

    def initialized(self, pelican: Any) -> None:
        """Fill in the plugin's settings the site did not set; stop on ones a build cannot use
        (before any generator exists, so before anything is written)."""
        if not self.is_on(pelican):
            return
        fill_defaults(pelican.settings, [self.name])
        problems = validate(pelican.settings, [self.name], fetch=False)
        if problems:
            raise SettingsInvalid(problems)

    def get_generators(self, pelican: Any) -> list[type[Generator]]:
        return list(self.generators) if self.is_on(pelican) else []

    def connect(self) -> None:
        sitewide.connect(self.name)  # the checks that hold for the whole site, once
        signals.initialized.connect(self.initialized)
        if self.generators:
            signals.get_generators.connect(self.get_generators)
