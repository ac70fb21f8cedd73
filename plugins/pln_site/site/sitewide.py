"""What holds for the whole site whenever a pln_site plugin is on: no link leads out of the
content folder (checked before anything is written), SVG avatars are published cleaned, the
host's `_headers` file carries the pages' policy, and every template (the theme's too) has the
one filter that shows a moment in the site's time zone (`local_moment`, pln_site.datetext).

Every plugin's `Plugin.connect()` calls `connect()`: the handlers are module functions, so
connecting them again is a no-op, and each asks whether the site being built lists one of the
plugins (signals are process-wide; a site without ours is left alone).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pelican import signals
from pelican.plugins._utils import plugin_enabled

from pln_site.datetext import moment_filter, site_timezone
from pln_site.settings import DEFAULTS
from pln_site.site import avatars, contentguard, headers

# The pln_site plugins that connected these handlers, as PLUGINS names them.
_plugins: set[str] = set()


def connect(plugin: str) -> None:
    _plugins.add(plugin)
    signals.initialized.connect(initialized)
    signals.static_generator_finalized.connect(static_generator_finalized)
    signals.finalized.connect(finalized)


def ours(settings: Mapping[str, Any]) -> bool:
    """Whether the site lists one of the pln_site plugins."""
    return any(plugin_enabled(name, settings.get("PLUGINS")) for name in _plugins)


def initialized(pelican: Any) -> None:
    # Pelican empties the output folder right after making its generators: check before.
    if ours(pelican.settings):
        contentguard.refuse_outside_links(pelican.settings)
        add_filters(pelican.settings)


def add_filters(settings: dict[str, Any]) -> None:
    """`local_moment` for every template, through Pelican's JINJA_FILTERS and JINJA_GLOBALS
    (read as each generator makes its environment, after `initialized`); a name the site
    defines itself is kept. The plugins' templates use the filter; the theme's call the global
    (`local_moment(date)`), because a template naming an unknown filter does not even compile,
    and the theme must build without the plugins too."""
    local_moment = moment_filter(site_timezone(settings.get("TIMEZONE")))
    for kind in ("JINJA_FILTERS", "JINJA_GLOBALS"):
        settings[kind] = {"local_moment": local_moment, **(settings.get(kind) or {})}


def static_generator_finalized(generator: Any) -> None:
    if ours(generator.settings):
        name = "NETWORK_AVATARS_PATH"  # the directory's setting, read even when it is off
        avatars.hold_svg_avatars(generator, generator.settings.get(name) or DEFAULTS[name])


def finalized(pelican: Any) -> None:
    if ours(pelican.settings):
        avatars.write_svg_avatars(pelican.output_path)
        headers.write_headers(pelican.settings)
