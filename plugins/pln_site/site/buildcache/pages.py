"""Pages taken from the last build when nothing they are made from has changed.

Two digests decide. The site's fingerprint covers what any page could depend on without
naming it: the settings, the theme, the plugins (their code and templates), the content
folder's files other than posts, pages and member files (avatars, images), the date (members
go quiet with time), and the versions of Python and the libraries that render. When it differs
from the last finished build's, every page is rendered afresh. When it is the same, each page
is rendered again only when its own digest changed (digests.py: the values its templates read,
such as its post, the members it shows, the stored entries of its part of the river) or its
file is no longer the one that build wrote (same size and modification time). Otherwise its
text is read from that file instead of rendering its template. Pelican still writes every page
and sends every signal; only rendering is skipped. `invoke rebuild` renders everything, and
BUILD_REUSE_PAGES = False renders every page every time.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import platform
from collections.abc import Iterator
from importlib import metadata
from pathlib import Path
from typing import Any

from pelican.writers import Writer

from pln_site.files import write_atomically
from pln_site.site.base import build_time, pinned_build_time
from pln_site.site.buildcache.digests import PageDigests, names_read

log = logging.getLogger(__name__)

RECORD_VERSION = "2"
LIBRARIES = ("pelican", "jinja2", "markupsafe", "markdown", "feedparser", "nh3")
# Content files whose every use on a page is traced by the page's digest: Pelican's posts and
# pages (their text and fields) and member files (the roster's members).
TRACED_SUFFIXES = (".md", ".markdown", ".mkd", ".rst", ".html", ".htm", ".yaml", ".yml")

# The writer of each output folder being built in this process, for the `finalized` signal.
_writers: dict[str, ReusingWriter] = {}


class ReusingWriter(Writer):
    """Pelican's Writer, which takes a page's text from the last build when it may."""

    def __init__(self, output_path: str, settings: dict | None = None) -> None:
        super().__init__(output_path, settings=settings)
        self.fingerprint = build_fingerprint(self.settings)
        self.inputs = traced_inputs_digest(self.settings)
        self.record_file = _record_file(self.settings, output_path)
        last = _load(self.record_file)
        self.reusable: dict[str, list[Any]] = {}
        self.template_names: dict[tuple[str, str], frozenset[str] | None] = {}
        # Nothing new at all (no post, page, member file or stored entry changed either): each
        # page's digest is the last one's, known without walking what it is made from.
        self.nothing_new = False
        if last is not None and last.get("fingerprint") == self.fingerprint:
            self.reusable = last["pages"]
            # The names each template reads: its files are in the fingerprint, unchanged.
            self.template_names.update(_names_from_record(last.get("names")))
            self.nothing_new = last.get("inputs") == self.inputs
        self.written: dict[str, str | None] = {}  # page -> its digest (None: untraceable)
        self.reused = 0
        self.rendered: list[str] = []  # the pages rendered from their templates, in order
        self._digests: dict[int, PageDigests] = {}
        self._trees: dict[str, Any] = {}  # parsed templates by file, shared by the generators
        _writers[os.path.abspath(output_path)] = self

    def write_file(self, name, template, context, *args, **kwargs):
        digests = self._digests.get(id(context))
        if digests is None:
            digests = self._digests[id(context)] = PageDigests(context)
        reuse_or_render = _ReuseOrRender(template, self, digests)
        return super().write_file(name, reuse_or_render, context, *args, **kwargs)

    def page_digest(self, template: Any, digests: PageDigests, context: dict) -> str | None:
        """What the page rendered from `template` with `context` is made from; None: unknown."""
        name = getattr(template, "name", None)
        if name is None:  # a template made from a string: nothing to look up by
            return None
        # By file, not by environment: each generator has its own, over the same templates.
        key = (getattr(template, "filename", None) or "", name)
        if key not in self.template_names:
            self.template_names[key] = names_read(template.environment, name, self._trees)
        names = self.template_names[key]
        return None if names is None else digests.page(names, context)

    def text_of(self, name: str, digest: str | None) -> str | None:
        """The page `name` as the last build wrote it, if it may stand for a new rendering."""
        known = self.reusable.get(name)
        if digest is None or known is None or len(known) != 3 or known[2] != digest:
            return None
        path = os.path.join(self.output_path, name)
        try:
            stat = os.stat(path)
            if [stat.st_size, stat.st_mtime_ns] != known[:2]:
                return None
            with open(path, encoding="utf-8") as file:
                return file.read()
        except (OSError, UnicodeDecodeError):
            return None


class _ReuseOrRender:
    """Stands for a page's template in Writer.write_file, which only calls render()."""

    def __init__(self, template: Any, writer: ReusingWriter, digests: PageDigests) -> None:
        self.template = template
        self.writer = writer
        self.digests = digests

    def render(self, context: dict) -> str:
        name = context["output_file"]  # set by Writer.write_file for every page, paginated too
        known = self.writer.reusable.get(name) if self.writer.nothing_new else None
        if known is not None and len(known) == 3:
            digest = known[2]
        else:
            digest = self.writer.page_digest(self.template, self.digests, context)
        self.writer.written[name] = digest
        text = self.writer.text_of(name, digest)
        if text is None:
            self.writer.rendered.append(name)
            return self.template.render(context)
        self.writer.reused += 1
        return text


def remember(output_path: str) -> None:
    """After a finished build: record its fingerprint, and each page it wrote with its digest."""
    writer = _writers.pop(os.path.abspath(output_path), None)
    if writer is None:
        return
    pages = {}
    for name, digest in writer.written.items():
        if digest is None:
            continue
        try:
            stat = os.stat(os.path.join(writer.output_path, name))
        except OSError:
            continue
        pages[name] = [stat.st_size, stat.st_mtime_ns, digest]
    record = {
        "version": RECORD_VERSION,
        "fingerprint": writer.fingerprint,
        "inputs": writer.inputs,
        "pages": pages,
        # What this build rendered (the rest it took from the last one): what an edit cost.
        "rendered": writer.rendered,
        "names": {
            f"{filename}\n{name}": sorted(names) if names is not None else None
            for (filename, name), names in writer.template_names.items()
        },
    }
    _save(writer.record_file, record)
    log.info(
        "buildcache: %d of %d pages unchanged since the last build",
        writer.reused,
        len(writer.written),
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
    for path in _files(settings.get("PATH"), skipped):
        if not path.name.lower().endswith(TRACED_SUFFIXES):
            digest.update(_file_key(path))
    for root in [settings.get("THEME"), *(settings.get("PLUGIN_PATHS") or [])]:
        for path in _files(root, skipped):
            digest.update(_file_key(path))
    for path in _plugin_files(list(settings.get("PLUGINS") or []), skipped):
        digest.update(_file_key(path))
    # Pages change with the build's date (members go quiet), and with its time when that is
    # pinned (SOURCE_DATE_EPOCH: the feeds' and exports' timestamps).
    pinned = pinned_build_time()
    when = pinned.isoformat() if pinned else build_time().date().isoformat()
    versions = [platform.python_version(), *(_version(name) for name in LIBRARIES)]
    extra = [when, *versions]
    digest.update("\0".join(extra).encode("utf-8"))
    return digest.hexdigest()


def traced_inputs_digest(settings: dict) -> str:
    """A digest of what the pages' own digests trace: the posts, pages and member files, and
    the feed store with its write-ahead log."""
    digest = hashlib.sha256()
    skipped = {_real(settings.get("OUTPUT_PATH")), _real(settings.get("CACHE_PATH"))}
    for path in _files(settings.get("PATH"), skipped):
        if path.name.lower().endswith(TRACED_SUFFIXES):
            digest.update(_file_key(path))
    store = settings.get("PLANET_STORE_PATH")
    if store:
        for path in (Path(store), Path(f"{store}-wal")):
            if path.is_file():
                digest.update(_file_key(path))
    return digest.hexdigest()


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
                yield from _files(folder, skipped)
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


def _files(root: str | None, skipped: set[str | None]) -> Iterator[Path]:
    if not root or not os.path.isdir(root):
        return
    for folder, dirs, names in os.walk(root):
        dirs[:] = sorted(
            d for d in dirs if d != "__pycache__" and _real(os.path.join(folder, d)) not in skipped
        )
        for name in sorted(names):
            yield Path(folder, name)


def _file_key(path: Path) -> bytes:
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


# -- the record --------------------------------------------------------------------------------


def _names_from_record(found: Any) -> dict[tuple[str, str], frozenset[str] | None]:
    if not isinstance(found, dict):
        return {}
    names: dict[tuple[str, str], frozenset[str] | None] = {}
    for key, value in found.items():
        filename, _, name = str(key).rpartition("\n")
        if value is None or (isinstance(value, list) and all(isinstance(v, str) for v in value)):
            names[filename, name] = None if value is None else frozenset(value)
    return names


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
