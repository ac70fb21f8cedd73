"""What holds for the whole site whenever a pln_site plugin is on: no link leads out of the
content folder (checked before anything is written), SVG avatars are published cleaned, the
host's `_headers` file carries the pages' policy, the blog's own feeds have whole links and
real ids in every build (blogfeeds), and every template (the theme's too) has the
one filter that shows a moment in the site's time zone (`local_moment`, pln_site.datetext).

Every plugin's `Plugin.connect()` calls `connect()`: the handlers are module functions, so
connecting them again is a no-op, and each asks whether the site being built lists one of the
plugins (signals are process-wide; a site without ours is left alone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from jinja2 import pass_context
from pelican import signals
from pelican.plugins._utils import plugin_enabled

from pln_site.datetext import moment_text, site_timezone
from pln_site.settings import DEFAULTS
from pln_site.site import avatars, blogfeeds, contentguard, headers

# The pln_site plugins that connected these handlers, as PLUGINS names them.
_plugins: set[str] = set()


def connect(plugin: str) -> None:
    _plugins.add(plugin)
    signals.initialized.connect(initialized)
    signals.static_generator_finalized.connect(static_generator_finalized)
    signals.finalized.connect(finalized)
    signals.feed_generated.connect(feed_generated)


def ours(settings: Mapping[str, Any]) -> bool:
    """Whether the site lists one of the pln_site plugins."""
    return any(plugin_enabled(name, settings.get("PLUGINS")) for name in _plugins)


def initialized(pelican: Any) -> None:
    # Pelican empties the output folder right after making its generators: check before.
    if ours(pelican.settings):
        contentguard.refuse_outside_links(pelican.settings)
        add_filters(pelican.settings)


@pass_context
def local_moment(context: Any, moment: dt.datetime | None) -> str:
    """A moment as every page shows it: in the site's TIMEZONE, the zone named (datetext).
    A module function, not a closure over the zone: the build cache keys settings by name."""
    if moment is None:
        return ""
    return moment_text(moment, site_timezone(context.get("TIMEZONE")))


def add_filters(settings: dict[str, Any]) -> None:
    """`local_moment` for every template, through Pelican's JINJA_FILTERS and JINJA_GLOBALS
    (read as each generator makes its environment, after `initialized`); a name the site
    defines itself is kept. The plugins' templates use the filter; the theme's call the global
    (`local_moment(date)`), because a template naming an unknown filter does not even compile,
    and the theme must build without the plugins too."""
    for kind in ("JINJA_FILTERS", "JINJA_GLOBALS"):
        settings[kind] = {"local_moment": local_moment, **(settings.get(kind) or {})}


def static_generator_finalized(generator: Any) -> None:
    if ours(generator.settings):
        name = "NETWORK_AVATARS_PATH"  # the directory's setting, read even when it is off
        avatars.hold_svg_avatars(generator, generator.settings.get(name) or DEFAULTS[name])


def feed_generated(context: Any, feed: Any) -> None:
    """Pelican's blog feeds, just before they are written: valid in every build (blogfeeds)."""
    if ours(context):
        blogfeeds.fix_feed(context, feed)


def finalized(pelican: Any) -> None:
    if ours(pelican.settings):
        avatars.write_svg_avatars(pelican.output_path)
        headers.write_headers(pelican.settings)
