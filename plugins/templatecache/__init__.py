"""Compiled templates kept between builds, under Pelican's CACHE_PATH.

Pelican gives each generator its own Jinja environment, and each compiles every template it
uses: base.html and the macros over and over, about 70 compilations per build. Jinja's
FileSystemBytecodeCache keeps the compiled code in files keyed by template and checked against
the source's checksum, so an edited template is compiled afresh; it writes each file whole
(a temporary file, then a rename), so two builds at once do not read half a file.
"""

from __future__ import annotations

import logging
from pathlib import Path

from jinja2 import FileSystemBytecodeCache
from pelican import signals

log = logging.getLogger(__name__)


def _enabled(generator) -> bool:
    # Signals are process-wide: a site built in the same process without this plugin is left alone.
    return __name__ in (generator.settings.get("PLUGINS") or [])


def generator_init(generator) -> None:
    cache_path = generator.settings.get("CACHE_PATH")
    if not _enabled(generator) or not cache_path:
        return
    folder = Path(cache_path) / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # only costs the compilations
        log.warning("templatecache: cannot use %s (%s); templates are compiled", folder, error)
        return
    generator.env.bytecode_cache = FileSystemBytecodeCache(str(folder))


def register() -> None:
    signals.generator_init.connect(generator_init)
