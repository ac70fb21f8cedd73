"""Pages taken from the last build when nothing they could depend on has changed.

A page depends on the settings, the content folder (posts, pages, member files, avatars), the
theme, the plugins (their code and templates), the feed store, the date (members go quiet with
time), and the versions of Python and the libraries that render it. When a fingerprint of all
of these equals the last finished build's, and a page's file is still the one that build wrote
(same size and modification time), the page's text is read from that file instead of rendering
its template again. Pelican still writes every page and sends every signal; only rendering,
most of a build with nothing new, is skipped. Any change renders every page afresh, and so does
`invoke rebuild`. Set BUILD_REUSE_PAGES = False to render every page every time.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import platform
import time
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from pelican.writers import Writer

from pln_site.files import write_atomically
from pln_site.site.base import build_time, pinned_build_time

log = logging.getLogger(__name__)

RECORD_VERSION = "1"
LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown", "feedparser", "nh3")
# A file changed less than this long ago is fingerprinted by its bytes, not its size and time:
# file times are coarse, and a file rewritten within one tick with the same size would look
# unchanged (git's "racily clean" entries).
RECENT_SECONDS = 2.0

# The writer of each output folder being built in this process, for the `finalized` signal.
_writers: dict[str, ReusingWriter] = {}


class ReusingWriter(Writer):
    """Pelican's Writer, which takes a page's text from the last build when it may."""

    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.fingerprint = build_fingerprint(self.settings)
        self.record_file = _record_file(self.settings, output_path)
        last = _load(self.record_file)
        self.reusable: dict[str, list[int]] = {}
        if last is not None and last.get("fingerprint") == self.fingerprint:
            self.reusable = last["pages"]
        self.written: set[str] = set()
        self.reused = 0
        _writers[os.path.abspath(output_path)] = self

    def write_file(self, name, template, context, *args, **kwargs):
        return super().write_file(name, _ReuseOrRender(template, self), context, *args, **kwargs)

    def text_of(self, name: str) -> str | None:
        """The page `name` as the last build wrote it, if it may stand for a new rendering."""
        known = self.reusable.get(name)
        if known is None:
            return None
        path = os.path.join(self.output_path, name)
        try:
            stat = os.stat(path)
            if [stat.st_size, stat.st_mtime_ns] != known:
                return None
            with open(path, encoding="utf-8") as file:
                return file.read()
        except (OSError, UnicodeDecodeError):
            return None


class _ReuseOrRender:
    """Stands for a page's template in Writer.write_file, which only calls render()."""

    def __init__(self, template: Any, writer: ReusingWriter) -> None:
        self.template = template
        self.writer = writer

    def render(self, context: dict) -> str:
        name = context["output_file"]  # set by Writer.write_file for every page, paginated too
        self.writer.written.add(name)
        text = self.writer.text_of(name)
        if text is None:
            return self.template.render(context)
        self.writer.reused += 1
        return text


def remember(output_path: str) -> None:
    """After a finished build: record its fingerprint and the pages it wrote."""
    writer = _writers.pop(os.path.abspath(output_path), None)
    if writer is None:
        return
    pages = {}
    for name in writer.written:
        try:
            stat = os.stat(os.path.join(writer.output_path, name))
        except OSError:
            continue
        pages[name] = [stat.st_size, stat.st_mtime_ns]
    record = {"version": RECORD_VERSION, "fingerprint": writer.fingerprint, "pages": pages}
    _save(writer.record_file, record)
    if writer.reused:
        log.info(
            "buildcache: %d of %d pages unchanged since the last build", writer.reused, len(pages)
        )


# -- the fingerprint ---------------------------------------------------------------------------


def build_fingerprint(settings: dict) -> str:
    """A digest of everything a page of the site could depend on (see the module's docstring)."""
    digest = hashlib.sha256()
    try:
        digest.update(json.dumps(settings, sort_keys=True, default=_stable).encode("utf-8"))
    except (TypeError, ValueError):  # e.g. a dict with keys that are not strings
        digest.update(os.urandom(16))  # a fingerprint no later build will match
    skipped = {_real(settings.get("OUTPUT_PATH")), _real(settings.get("CACHE_PATH"))}
    roots = [settings.get("PATH"), settings.get("THEME"), *(settings.get("PLUGIN_PATHS") or [])]
    now = time.time()
    for root in roots:
        for path in _files(root, skipped):
            digest.update(_file_key(path, now))
    store = settings.get("PLANET_STORE_PATH")
    if store:  # the feed store and its write-ahead log (not its index of shared memory)
        for path in (Path(store), Path(f"{store}-wal")):
            if path.is_file():
                digest.update(_file_key(path, now))
    # Pages change with the build's date (members go quiet), and with its time when that is
    # pinned (SOURCE_DATE_EPOCH: the feeds' and exports' timestamps).
    pinned = pinned_build_time()
    when = pinned.isoformat() if pinned else build_time().date().isoformat()
    versions = [platform.python_version(), *(_version(name) for name in LIBRARIES)]
    extra = [when, *versions]
    digest.update("\0".join(extra).encode("utf-8"))
    return digest.hexdigest()


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


def _files(root: str | None, skipped: set[str | None]) -> Iterator[Path]:
    if not root or not os.path.isdir(root):
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if d != "__pycache__" and _real(os.path.join(folder, d)) not in skipped
        )
        for name in sorted(names):
            yield Path(folder, name)


def _file_key(path: Path, now: float) -> bytes:
    try:
        stat = path.stat()
    except OSError:
        return f"{path}\0gone\n".encode()
    if now - stat.st_mtime < RECENT_SECONDS:
        return f"{path}\0{_content_digest(path)}\n".encode()
    return f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode()


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


# -- the record --------------------------------------------------------------------------------


def _record_file(settings: dict, output_path: str) -> Path:
    key = hashlib.sha256(os.path.realpath(output_path).encode("utf-8")).hexdigest()[:16]
    return Path(settings["CACHE_PATH"]) / "buildcache" / f"pages-{key}.json"


def _load(record_file: Path) -> dict | None:
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return None
    pages = record.get("pages")
    return record if isinstance(pages, dict) else None


def _save(record_file: Path, record: dict) -> None:
    """Write the record whole (a temporary file, then a rename); a failure only costs speed."""
    try:
        write_atomically(record_file, json.dumps(record))
    except OSError as error:
        log.warning("buildcache: could not record the build in %s (%s)", record_file, error)
