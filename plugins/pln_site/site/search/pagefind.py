"""Run Pagefind over the built site: the full-text index the search page asks."""

from __future__ import annotations

import hashlib
import logging
import posixpath
import shutil
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from pln_site.settings import NETWORK, READING, SEARCH, with_defaults
from pln_site.site.fingerprint import stat_key

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'pagefind[bin]'"


def find_binary(configured: str | None = None) -> Path | None:
    """The pagefind program: the configured one, else the pagefind-bin package's, else PATH's."""
    if configured:
        path = Path(configured)
        return path if path.is_file() else None
    try:
        import pagefind_bin  # the binary that `pagefind[bin]` ships

        return Path(pagefind_bin.get_executable())
    except (ImportError, FileNotFoundError):
        pass
    found = shutil.which("pagefind") or shutil.which("pagefind_extended")
    return Path(found) if found else None


# Each part of the site is indexed into a bundle of its own, which the search page merges
# (Pagefind's multisite search): an edited post then indexes the posts again, not the 20,000
# entries of the river. The directory and the reading feed are parts when they have a folder.
PART_SETTINGS = ("NETWORK_INDEX_SAVE_AS", "PLANET_INDEX_SAVE_AS")
MARK = b"data-pagefind-body"  # only pages that mark their searchable part are indexed
GLOB_SPECIALS = frozenset("{}[]*?,!\\")
INDEX_PAGE = "index.html"
# A glob naming the marked pages goes on Pagefind's command line: Windows takes about 32,000
# characters in all, Linux 128 KiB in one argument. Beyond this, the bundle's own glob.
MAX_GLOB_CHARS = 30_000


@dataclass(frozen=True)
class Bundle:
    """One Pagefind index: its folder in the site, and the glob and files of the pages it reads
    (with no marked page among them, there is nothing to index)."""

    folder: str
    glob: str
    pages: tuple[Path, ...]


def part_folders(settings: dict) -> list[str]:
    """The top folders of the site's parts indexed apart (the directory's, the reading
    feed's), in the order their bundles are merged."""
    folders = []
    for name in PART_SETTINGS:
        first, slash, _ = str(settings.get(name) or "").partition("/")
        if slash and first and first not in folders and not GLOB_SPECIALS & set(first):
            folders.append(first)
    return folders


def bundle_folders(settings: dict) -> list[str]:
    """The bundles' folders, the rest of the site's first: what the search page loads."""
    main = settings["SEARCH_BUNDLE_DIR"]
    return [main, *(f"{main}-{folder}" for folder in part_folders(settings))]


def bundles(site: Path, settings: dict) -> list[Bundle]:
    """The site's pages, each part's in a bundle of its own; all in one bundle when a name in
    the site's top folder would not be read as itself in a glob."""
    main, *parted = folders = bundle_folders(settings)
    parts = dict(zip(part_folders(settings), parted, strict=True))
    top = sorted(path.name for path in site.iterdir() if path.name not in folders)
    if any(GLOB_SPECIALS & set(name) for name in top):
        parts = {}
    pages: dict[str, list[Path]] = {folder: [] for folder in [main, *parts.values()]}
    for page in sorted(site.rglob("*.html")):
        first = page.relative_to(site).parts[0]
        if first in folders:  # a bundle's own files
            continue
        pages[parts.get(first, main)].append(page)
    rest = [
        f"{name}/**/*.html" if (site / name).is_dir() else name
        for name in top
        if name not in parts and ((site / name).is_dir() or name.endswith(".html"))
    ]
    globs = {main: f"{{{','.join(rest)}}}" if parts else "**/*.html"}
    globs.update((bundle, f"{folder}/**/*.html") for folder, bundle in parts.items())
    return [Bundle(folder, globs[folder], tuple(found)) for folder, found in pages.items()]


def build_index(
    site: Path, bundle: Bundle, binary: Path, marked: Sequence[Path] = ()
) -> subprocess.CompletedProcess[str]:
    """Index the marked pages of `bundle` into `site/bundle.folder`. Given the `marked` pages
    (those that carry MARK), Pagefind is pointed at them alone: it would otherwise read every
    page of the bundle to find that most carry none (the directory's lists of 500 cards were
    more than half of its time)."""
    glob = _glob_of(site, marked) or bundle.glob
    command = [str(binary), "--site", str(site), "--glob", glob,
               "--output-subdir", bundle.folder, "--quiet"]  # fmt: skip
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def _glob_of(site: Path, pages: Sequence[Path]) -> str | None:
    """A glob that names exactly `pages`, their common folder and ending said once; None when
    there are none, a name would not be read as itself, or the glob would be too long for a
    command line."""
    names = [page.relative_to(site).as_posix() for page in pages]
    if not names or any(GLOB_SPECIALS & set(name) for name in names):
        return None
    common = posixpath.commonpath(names) if len(names) > 1 else ""
    folder = common + "/" if common else ""
    middles = [name[len(folder) :] for name in names]
    ending = "/" + INDEX_PAGE
    if len(middles) > 1 and all(m.endswith(ending) and len(m) > len(ending) for m in middles):
        middles = [m[: -len(ending)] for m in middles]
    else:
        ending = ""
    glob = folder + "{" + ",".join(middles) + "}" + ending
    return glob if len(glob) <= MAX_GLOB_CHARS else None


def bundle_fingerprint(site: Path, bundle: Bundle, binary: Path) -> tuple[str, list[Path]]:
    """A digest of every page the bundle reads and of the program that would read them, and
    the pages marked for the index."""
    digest = hashlib.sha256()
    stat = binary.stat()
    digest.update(f"{binary}\0{stat.st_size}\0{stat.st_mtime_ns}\0{bundle.folder}\0".encode())
    digest.update(bundle.glob.encode("utf-8") + b"\0")
    marked = []
    for page in bundle.pages:
        data = page.read_bytes()
        if MARK in data:
            marked.append(page)
        digest.update(page.relative_to(site).as_posix().encode("utf-8") + b"\0")
        digest.update(len(data).to_bytes(8, "little") + data)
    return digest.hexdigest(), marked


def _fingerprint_file(settings: dict, site: Path, folder: str) -> Path | None:
    """Where the fingerprint of a bundle's last index is kept: in Pelican's cache, not the
    site."""
    cache = settings.get("CACHE_PATH")
    if not cache:
        return None
    key = hashlib.sha256(str(site.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(cache) / "search" / f"pagefind-{key}-{folder}.sha256"


def pages_stat_key(bundle: Bundle, binary: Path) -> str:
    """A digest of the bundle's pages (and the program) by their sizes and times of change
    (fingerprint.stat_key). Pages the build took from the last one are not written again, so
    after most edits this equals the last index's, and no page needs reading (1,600 pages at
    500 members); a page written within the last moments never matches, and is read."""
    digest = hashlib.sha256(f"{bundle.folder}\0{bundle.glob}\0".encode())
    for path in (binary, *bundle.pages):
        digest.update(stat_key(path))
    return digest.hexdigest()


def _last_index(settings: dict, site: Path, folder: str) -> tuple[str, str] | None:
    """(the pages' fingerprint, their pages_stat_key) at the bundle's last index, if it is there."""
    record = _fingerprint_file(settings, site, folder)
    if record is None or not (site / folder / "pagefind-entry.json").is_file():
        return None
    try:
        fingerprint, _, pages_key = record.read_text(encoding="ascii").strip().partition("\n")
    except OSError:
        return None
    return fingerprint, pages_key


def _remember(settings: dict, site: Path, folder: str, fingerprint: str, pages_key: str) -> None:
    record = _fingerprint_file(settings, site, folder)
    if record is None:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(f"{fingerprint}\n{pages_key}\n", encoding="ascii")
    except OSError as error:  # only costs a re-index next time
        log.debug("search: could not record the index fingerprint: %s", error)


def index_site(settings: dict) -> bool:
    """Index the output folder; warns (never fails the build) when that cannot be done."""
    # Also called outside Pelican, by `invoke build`; the parts' folders are their settings.
    settings = with_defaults(settings, [SEARCH, NETWORK, READING])
    if not settings["SEARCH_ENABLED"]:
        return False
    site = Path(settings["OUTPUT_PATH"])
    binary = find_binary(settings.get("SEARCH_PAGEFIND_BINARY"))
    if binary is None:
        log.warning(
            "search: the pagefind program was not found, so the site has no search index and "
            "the search page will say so. Install it with: %s (or set SEARCH_ENABLED = False).",
            INSTALL_HINT,
        )
        return False
    indexed = False
    for bundle in bundles(site, settings):
        outcome = _index_bundle(settings, site, bundle, binary)
        if outcome is None:
            return False
        indexed = indexed or outcome
    if indexed:
        log.info("search: indexed %s with %s", site, binary.name)
    return True


def _index_bundle(settings: dict, site: Path, bundle: Bundle, binary: Path) -> bool | None:
    """Index `bundle` unless its pages are as they were at its last index: True when it was
    indexed, False when it did not need to be, None when it failed (warned)."""
    # When none of a bundle's pages changed, its index from the last build is still right, and
    # indexing is the dearest step of a build.
    pages_key = pages_stat_key(bundle, binary)
    last = _last_index(settings, site, bundle.folder)
    if last is not None and last[1] == pages_key:  # not one page written since
        log.info("search: no page of %s changed since its last index", bundle.folder)
        return False
    fingerprint, marked = bundle_fingerprint(site, bundle, binary)
    if not marked:  # nothing in this part to find: no bundle, none left from before
        shutil.rmtree(site / bundle.folder, ignore_errors=True)
        return False
    if last is not None and last[0] == fingerprint:  # written again, as it was
        log.info("search: no page of %s changed since its last index", bundle.folder)
        _remember(settings, site, bundle.folder, fingerprint, pages_key)
        return False
    try:
        result = build_index(site, bundle, binary, marked)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("search: pagefind could not run (%s); the site has no search index", error)
        return None
    if result.returncode != 0:
        log.warning(
            "search: pagefind failed (exit %s); the site has no search index.\n%s",
            result.returncode,
            (result.stderr or result.stdout).strip(),
        )
        return None
    _remember(settings, site, bundle.folder, fingerprint, pages_key)
    return True
