"""Compiled templates kept between builds.

Pelican gives each generator its own Jinja environment, and each compiles every template it
uses: base.html and the macros over and over, about 70 compilations per build. Jinja's
FileSystemBytecodeCache keeps the compiled code in files keyed by template and checked against
the source's checksum, so an edited template is compiled afresh; it writes each file whole
(a temporary file, then a rename), so two builds at once do not read half a file.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from jinja2 import FileSystemBytecodeCache

log = logging.getLogger(__name__)


def keep_compiled(generator: Any, cache_path: Path) -> None:
    folder = cache_path / "templates"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:  # only costs the compilations
        log.warning("buildcache: cannot use %s (%s); templates are compiled", folder, error)
        return
    generator.env.bytecode_cache = FileSystemBytecodeCache(str(folder))
