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

A generator can go further for a set of its pages (`pages_made_from`): it names what the whole
set is made from (the reading feed: the store and the member files, as the shaped entries'
key says), and when that and every site-wide value the set's templates read are as they were,
the set's pages are taken as the last build wrote them without even working out their values
(20,000 entries made into river items, for a post edited).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from pelican import signals
from pelican.utils import sanitised_join
from pelican.writers import Writer

from pln_site.files import write_atomically
from pln_site.site.buildcache.digests import PageDigests, names_read
from pln_site.site.fingerprint import build_fingerprint, traced_inputs_digest

log = logging.getLogger(__name__)

RECORD_VERSION = "3"

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
        # Sets of pages by name -> what they were made from, and which pages they were.
        self.last_sets: dict[str, dict[str, Any]] = {}
        self.template_names: dict[tuple[str, str], frozenset[str] | None] = {}
        # Nothing new at all (no post, page, member file or stored entry changed either): each
        # page's digest is the last one's, known without walking what it is made from.
        self.nothing_new = False
        if last is not None and last.get("fingerprint") == self.fingerprint:
            self.reusable = last["pages"]
            self.last_sets = _sets_from_record(last.get("sets"))
            # The names each template reads: its files are in the fingerprint, unchanged.
            self.template_names.update(_names_from_record(last.get("names")))
            self.nothing_new = last.get("inputs") == self.inputs
        self.written: dict[str, str | None] = {}  # page -> its digest (None: untraceable)
        self.reused = 0
        self.rendered: list[str] = []  # the pages rendered from their templates, in order
        self.sets: dict[str, dict[str, Any]] = {}  # this build's (pages_made_from)
        self._set_pages: list[str] | None = None  # the set being written, if any
        self._digests: dict[int, PageDigests] = {}
        self._trees: dict[str, Any] = {}  # parsed templates by file, shared by the generators
        # The files whose text was just taken from them as they are: not written again.
        self._as_they_are: set[str] = set()
        _writers[os.path.abspath(output_path)] = self

    def write_file(self, name, template, context, *args, **kwargs):
        reuse_or_render = _ReuseOrRender(template, self, self._digests_of(context))
        return super().write_file(name, reuse_or_render, context, *args, **kwargs)

    def _digests_of(self, context: dict) -> PageDigests:
        digests = self._digests.get(id(context))
        if digests is None:
            digests = self._digests[id(context)] = PageDigests(context)
        return digests

    @contextmanager
    def pages_made_from(
        self, name: str, made_from: Any, templates: Sequence[Any], context: dict
    ) -> Iterator[bool]:
        """The set of pages `name`, made from `made_from` (plain data, or what a page digest
        walks) with `templates` and the site's `context`. Yields True when the last build's
        pages of the set were all taken as they are (the caller writes nothing), else False:
        the caller writes them, and the pages written meanwhile are recorded as the set's."""
        key = self._set_key(made_from, templates, context)
        taken = key is not None and self._take_set(name, key, context)
        pages: list[str] = list(self.last_sets[name]["pages"]) if taken else []
        if key is not None:
            self.sets[name] = {"key": key, "pages": pages}
        self._set_pages = None if taken else pages
        try:
            yield taken
        finally:
            self._set_pages = None

    def _set_key(self, made_from: Any, templates: Sequence[Any], context: dict) -> str | None:
        """A digest of `made_from` and of the site-wide values `templates` read; None when a
        template's names cannot be known."""
        digests = self._digests_of(context)
        names: set[str] = set()
        for template in templates:
            read = self._names_of(template)
            if read is None:
                return None
            names |= read
        # The set's own values (its part of the river) are made from `made_from`, the rest of
        # what its templates read is the site's: both as a page's digest walks them.
        site_wide = {name: context[name] for name in names if name in context}
        return digests.page(["made from", *site_wide], {"made from": made_from, **site_wide})

    def _take_set(self, name: str, key: str, context: dict) -> bool:
        """Take every page of the last build's set `name` as it is, when it was made from `key`
        and none of its files changed since; False (and nothing taken) otherwise."""
        known = self.last_sets.get(name)
        if known is None or known["key"] != key:
            return False
        paths = {}
        for page in known["pages"]:
            recorded = self.reusable.get(page)
            path = sanitised_join(self.output_path, page)
            if recorded is None or len(recorded) != 3 or not _as_recorded(path, recorded):
                return False
            if path in self._written_files or path in self._overridden_files:
                return False  # Pelican's rules decide, as for any page written twice
            paths[page] = (path, recorded[2])
        for page, (path, digest) in paths.items():
            self._written_files.add(path)
            self.written[page] = digest
            # As Pelican's writer says it of every page it writes (buildcache/outputs.py).
            signals.content_written.send(path, context=context)
        self.reused += len(paths)
        return True

    def page_digest(self, template: Any, digests: PageDigests, context: dict) -> str | None:
        """What the page rendered from `template` with `context` is made from; None: unknown."""
        names = self._names_of(template)
        return None if names is None else digests.page(names, context)

    def _names_of(self, template: Any) -> frozenset[str] | None:
        """The names `template` reads (digests.names_read), looked up once per build; None: a
        template made from a string, or one whose names cannot be known."""
        name = getattr(template, "name", None)
        if name is None:  # a template made from a string: nothing to look up by
            return None
        # By file, not by environment: each generator has its own, over the same templates.
        key = (getattr(template, "filename", None) or "", name)
        if key not in self.template_names:
            self.template_names[key] = names_read(template.environment, name, self._trees)
        return self.template_names[key]

    def _open_w(self, filename: str, encoding: str, override: bool = False) -> Any:
        """Pelican's, but a page whose text was just taken from its file is not written again:
        the file stays as it is, and its time of change says when it last changed (a
        deployment that syncs by time sends only the pages that did). Pelican keeps its list
        of written files, and what it would not overwrite, as ever."""
        written = getattr(self, "_written_files", None)
        overridden = getattr(self, "_overridden_files", None)
        key = os.path.abspath(filename)
        if key not in self._as_they_are or not isinstance(written, set):
            return super()._open_w(filename, encoding, override)
        self._as_they_are.discard(key)
        if not isinstance(overridden, set) or filename in written or filename in overridden:
            return super()._open_w(filename, encoding, override)  # Pelican's rules decide
        if override:
            overridden.add(filename)
        written.add(filename)
        return open(os.devnull, "w", encoding=encoding)

    def text_of(self, name: str, digest: str | None) -> str | None:
        """The page `name` as the last build wrote it, if it may stand for a new rendering."""
        known = self.reusable.get(name)
        if digest is None or known is None or len(known) != 3 or known[2] != digest:
            return None
        path = os.path.join(self.output_path, name)
        try:
            if not _as_recorded(path, known):
                return None
            with open(path, encoding="utf-8") as file:
                text = file.read()
        except (OSError, UnicodeDecodeError):
            return None
        self._as_they_are.add(os.path.abspath(path))
        return text


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
        if self.writer._set_pages is not None:
            self.writer._set_pages.append(name)
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
        # Only sets whose every page can be taken again: each with its digest, on disk.
        "sets": {
            name: found
            for name, found in writer.sets.items()
            if all(page in pages for page in found["pages"])
        },
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


def _sets_from_record(found: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(found, dict):
        return {}
    return {
        str(name): {"key": value["key"], "pages": [str(page) for page in value["pages"]]}
        for name, value in found.items()
        if isinstance(value, dict)
        and isinstance(value.get("key"), str)
        and isinstance(value.get("pages"), list)
    }


def _as_recorded(path: str, recorded: list[Any]) -> bool:
    """Whether the file at `path` is the one the last build wrote (same size and time)."""
    try:
        stat = os.stat(path)
    except OSError:
        return False
    return [stat.st_size, stat.st_mtime_ns] == recorded[:2]


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
