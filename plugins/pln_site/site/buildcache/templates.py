"""Compiled templates kept between builds.

Pelican gives each generator its own Jinja environment, and each compiles every template it
uses: base.html and the macros over and over, about 70 compilations per build. Jinja's
FileSystemBytecodeCache keeps the compiled code in files keyed by template and checked against
the source's checksum, so an edited template is compiled afresh; it writes each file whole
(a temporary file, then a rename), so two builds at once do not read half a file.

Compiled code also holds what Jinja knew of each filter and test when it compiled: whether it
takes the context (`pass_context`) is decided then, not when the page renders. The files'
names therefore carry a digest of the environment's filters and tests, so that a filter that
changed (a plugin's upgrade) never runs with code compiled for the old one.
"""

from __future__ import annotations

import hashlib
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
    pattern = f"__jinja2_{_callables_key(generator.env)}_%s.cache"
    generator.env.bytecode_cache = FileSystemBytecodeCache(str(folder), pattern)


def _callables_key(env: Any) -> str:
    """A digest of the names, origins and context-passing of `env`'s filters and tests."""
    described = sorted(
        (kind, name, getattr(func, "__module__", ""), getattr(func, "__qualname__", ""),
         str(getattr(func, "jinja_pass_arg", "")))
        for kind, table in (("filter", env.filters), ("test", env.tests))
        for name, func in table.items()
    )  # fmt: skip
    return hashlib.blake2b(repr(described).encode("utf-8"), digest_size=8).hexdigest()
