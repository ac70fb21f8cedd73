"""Digests of what a build's pages are made from, for the caches that outlive one build.

`build_fingerprint` covers what any page may depend on without naming it: the settings, the
theme, the plugins' code and templates, the content folder's files other than posts, pages and
member files (avatars, images), the date (members go quiet with time) and the versions of Python
and the libraries that render. `traced_inputs_digest` covers the rest: posts, pages, member
files and the feed store. The build cache (site/buildcache) and the reading plugin's cache of
its shaped entries (site/reading/shapedcache.py) both key on them.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import platform
import time
from collections.abc import Iterable, Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from pln_site.members.loader import MEMBER_FILE_SUFFIXES
from pln_site.site.base import build_moment

LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown", "feedparser", "nh3")
# A file changed less recently than this is known by its size and time of change (_stat_key).
RECENT_SECONDS = 2.0
# Content files whose every use on a page is traced by the page's digest: Pelican's posts and
# pages (their text and fields) and member files (the roster's members).
TRACED_SUFFIXES = (".md", ".markdown", ".mkd", ".rst", ".html", ".htm", *MEMBER_FILE_SUFFIXES)


def build_fingerprint(settings: dict) -> str:
    """A digest of everything a page of the site could depend on (see the module's docstring)."""
    digest = hashlib.sha256()
    try:
        digest.update(json.dumps(settings, sort_keys=True, default=_stable).encode("utf-8"))
    except (TypeError, ValueError):  # e.g. a dict with keys that are not strings
        digest.update(os.urandom(16))  # a fingerprint no later build will match
    skipped = _outputs(settings)
    for path in content_files(settings, traced=False):
        digest.update(file_key(path))
    for root in [settings.get("THEME"), *(settings.get("PLUGIN_PATHS") or [])]:
        for path in files_under(root, skipped):
            digest.update(file_key(path))
    for path in _plugin_files(list(settings.get("PLUGINS") or []), skipped):
        digest.update(file_key(path))
    # Pages change with the build's date (members go quiet), and with its time when that is
    # pinned (SOURCE_DATE_EPOCH: the feeds' and exports' timestamps).
    when = build_moment().isoformat()
    versions = [platform.python_version(), *(_version(name) for name in LIBRARIES)]
    extra = [when, *versions]
    digest.update("\0".join(extra).encode("utf-8"))
    return digest.hexdigest()


def traced_inputs_digest(settings: dict) -> str:
    """A digest of what the pages' own digests trace: the posts, pages and member files, and
    the feed store with its write-ahead log."""
    digest = hashlib.sha256()
    for path in content_files(settings, traced=True):
        digest.update(file_key(path))
    store = settings.get("PLANET_STORE_PATH")
    if store:
        for path in (Path(store), Path(f"{store}-wal")):
            if path.is_file():
                digest.update(stat_key(path))
    return digest.hexdigest()


def content_files(
    settings: dict, *, traced: bool, suffixes: tuple[str, ...] = TRACED_SUFFIXES
) -> Iterator[Path]:
    """The files of the content folder (not the output or the cache in it) whose names end in
    one of `suffixes` (`traced`), or in none of them."""
    for path in files_under(settings.get("PATH"), _outputs(settings)):
        if path.name.lower().endswith(suffixes) == traced:
            yield path


def _outputs(settings: dict) -> set[str | None]:
    return {_real(settings.get("OUTPUT_PATH")), _real(settings.get("CACHE_PATH"))}


def stat_key(path: Path) -> bytes:
    """A file by its size and times of change, not its bytes (the store; a search bundle's
    pages). Both times: the ctime moves on every write and cannot be set back, as the mtime
    can. A file written less than RECENT_SECONDS ago gets a key no build matches: a write
    within one tick of the clock keeps the times, and the next build would miss it (git's
    "racily clean" files)."""
    stat = path.stat()
    if stat.st_size == 0:  # an empty file (a write-ahead log a reader made) holds nothing
        return f"{path}\0empty\n".encode()
    if time.time() - stat.st_mtime < RECENT_SECONDS:
        return os.urandom(16)
    times = f"{stat.st_mtime_ns}\0{stat.st_ctime_ns}"
    return f"{path}\0{stat.st_size}\0{times}\0{stat.st_ino}\n".encode()


def _plugin_files(plugins: list[Any], skipped: set[str | None]) -> Iterator[Path]:
    """The files of the packages the plugins are in (all of `pln_site` for
    `pln_site.site.network`), or of a plugin that is one module: their code and templates
    make the pages."""
    tops = sorted({_top_name(plugin) for plugin in plugins} - {""})
    for top in tops:
        try:
            spec = importlib.util.find_spec(top)
        except (ImportError, ValueError):
            continue
        if spec is None:
            continue
        if spec.submodule_search_locations:
            for folder in sorted(spec.submodule_search_locations):
                yield from files_under(folder, skipped)
        elif spec.origin and os.path.isfile(spec.origin):
            yield Path(spec.origin)


def _top_name(plugin: Any) -> str:
    name = plugin if isinstance(plugin, str) else getattr(plugin, "__name__", "")
    return str(name).partition(".")[0]


def _stable(value: Any) -> Any:
    """JSON for a setting that is not plain data; unknown objects give a key that never matches."""
    if isinstance(value, set | frozenset):
        return sorted(map(repr, value))
    if isinstance(value, Path):
        return str(value)
    qualname = getattr(value, "__qualname__", None)
    if qualname and "<" not in qualname:  # a named function or class, not a lambda or local
        code = getattr(value, "__code__", None)  # a function's body changes what it renders
        body = _code_digest(code) if code else ""
        return f"{getattr(value, '__module__', '')}.{qualname}:{body}"
    return f"{type(value).__qualname__}@{id(value)}"


def _code_digest(code: Any) -> str:
    parts = (code.co_consts, code.co_names, code.co_varnames)
    return hashlib.sha256(code.co_code + repr(parts).encode("utf-8")).hexdigest()


def files_under(root: str | None, skipped: set[str | None]) -> Iterator[Path]:
    if not root or not os.path.isdir(root):
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if d != "__pycache__" and _real(os.path.join(folder, d)) not in skipped
        )
        for name in sorted(names):
            yield Path(folder, name)


def file_key(path: Path) -> bytes:
    # By its bytes, not its size and time: file times are coarse (a file rewritten within one
    # tick with the same size would look unchanged), and a key must not change when only time
    # passes, or the build after an edit could never reuse the one before it.
    return f"{path}\0{_content_digest(path)}\n".encode()


def _content_digest(path: Path) -> str:
    digest = hashlib.blake2b()
    try:
        with path.open("rb") as file:
            while chunk := file.read(1 << 20):
                digest.update(chunk)
    except OSError:
        return "unreadable"
    return digest.hexdigest()


def _real(path: str | None) -> str | None:
    return os.path.realpath(path) if path else None


def _version(name: str) -> str:
    try:
        return f"{name} {metadata.version(name)}"
    except metadata.PackageNotFoundError:
        return f"{name} -"


def files_digest(paths: Iterable[Path]) -> str:
    """A digest of the files `paths` by their bytes."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(file_key(path))
    return digest.hexdigest()
