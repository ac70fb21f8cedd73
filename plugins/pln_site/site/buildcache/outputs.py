"""Outputs of the last build that this build did not write again are removed, so that a page
whose source is gone (a deleted post, a draft that was published, a member who left) does not
stay online, in the sitemap of a crawler or in the search index.

Why not Pelican's own DELETE_OUTPUT_DIRECTORY: it empties the whole folder before a build (with
OUTPUT_RETENTION naming exceptions), which also deletes what the owner put there by hand and all
that the next build could have kept (the search index, the pages the buildcache reuses). Instead,
each finished build records, in CACHE_PATH, every file it wrote through Pelican's writer (pages,
feeds) and every static file it copied; the next build removes only the files on that list that
it did not write again. A file no build wrote is never touched, and without a record (the first
build, another CACHE_PATH) nothing is removed. A failed build sends no `finalized`: it neither
removes nor records anything.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from pathlib import Path
from typing import Any

from pln_site.site.buildcache.pages import _save

log = logging.getLogger(__name__)

RECORD_VERSION = "1"

# What each build in this process wrote, by the real path of its output folder: Pelican's
# signals are process-wide and tests build many sites in one process.
_written: dict[str, set[str]] = {}


def _note(output_path: str | None, path: str | os.PathLike) -> None:
    if not output_path:
        return
    root = os.path.realpath(output_path)
    relative = os.path.relpath(os.path.realpath(path), root)
    if not relative.startswith(os.pardir):
        _written.setdefault(root, set()).add(Path(relative).as_posix())


def build_started(pelican: Any) -> None:
    """Forget what an earlier build into the same folder, in this process, wrote."""
    _written.pop(os.path.realpath(pelican.output_path), None)


def content_written(path: str, context: dict | None = None, **_: Any) -> None:
    """A page or text file that Pelican's writer wrote (every build writes every page)."""
    _note((context or {}).get("OUTPUT_PATH"), path)


def feed_written(path: str, context: dict | None = None, **_: Any) -> None:
    _note((context or {}).get("OUTPUT_PATH"), path)


def static_files_known(generator: Any) -> None:
    """The static files of the build: counted as written even when Pelican skips copying one
    that has not changed since the last build."""
    output = generator.output_path
    for static in getattr(generator, "staticfiles", []):
        if static.save_as:
            _note(output, os.path.join(output, static.save_as))


def remove_stale(settings: dict, output_path: str) -> list[str]:
    """Remove what the last build wrote and this one did not; record this build. Returns the
    removed files, relative to the output folder."""
    root = os.path.realpath(output_path)
    written = _written.pop(root, set())
    record_file = _record_file(settings, root)
    removed: list[str] = []
    for name in sorted(_last_written(record_file) - written):
        target = Path(root, name)
        if not (target.is_file() or target.is_symlink()):
            continue
        try:
            target.unlink()
        except OSError as error:
            log.warning("buildcache: could not remove the stale output %s (%s)", target, error)
            continue
        removed.append(name)
        _remove_empty_folders(target.parent, Path(root))
    if removed:
        log.info("buildcache: removed %d outputs that no source makes any more", len(removed))
    _save(record_file, {"version": RECORD_VERSION, "files": sorted(written)})
    return removed


def _record_file(settings: dict, output_root: str) -> Path:
    """The record of the builds into `output_root`, one per output folder, in Pelican's cache."""
    key = hashlib.sha256(output_root.encode("utf-8")).hexdigest()[:16]
    return Path(settings["CACHE_PATH"]) / "outputs" / f"written-{key}.json"


def _last_written(record_file: Path) -> set[str]:
    try:
        record = json.loads(record_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return set()
    if not isinstance(record, dict) or record.get("version") != RECORD_VERSION:
        return set()
    files = record.get("files")
    if not isinstance(files, list):
        return set()
    # Only plain relative names: a damaged record must not point outside the output folder.
    return {
        name
        for name in files
        if isinstance(name, str) and name and not os.path.isabs(name) and ".." not in name
    }


def _remove_empty_folders(folder: Path, root: Path) -> None:
    """The folders a removal left empty, up to (not including) the output folder."""
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()  # only succeeds when empty
        except OSError:
            return
        folder = folder.parent
