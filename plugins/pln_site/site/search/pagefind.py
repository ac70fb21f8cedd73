"""Run Pagefind over the built site: the full-text index the search page asks."""

from __future__ import annotations

import hashlib
import logging
import shutil
import subprocess
from pathlib import Path

from pln_site.settings import SEARCH, with_defaults

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


def build_index(site: Path, bundle_dir: str, binary: Path) -> subprocess.CompletedProcess[str]:
    """Index every page of `site` that marks its searchable part, into `site/bundle_dir`."""
    command = [str(binary), "--site", str(site), "--output-subdir", bundle_dir, "--quiet"]
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)


def site_fingerprint(site: Path, bundle_dir: str, binary: Path) -> str:
    """A digest of every page Pagefind would read, and of the program that would read them."""
    digest = hashlib.sha256()
    stat = binary.stat()
    digest.update(f"{binary}\0{stat.st_size}\0{stat.st_mtime_ns}\0{bundle_dir}\0".encode())
    bundle = site / bundle_dir
    for page in sorted(site.rglob("*.html")):
        if bundle in page.parents:
            continue
        digest.update(page.relative_to(site).as_posix().encode("utf-8") + b"\0")
        digest.update(page.read_bytes())
    return digest.hexdigest()


def _fingerprint_file(settings: dict, site: Path) -> Path | None:
    """Where the fingerprint of `site`'s last index is kept: in Pelican's cache, not the site."""
    cache = settings.get("CACHE_PATH")
    if not cache:
        return None
    key = hashlib.sha256(str(site.resolve()).encode("utf-8")).hexdigest()[:16]
    return Path(cache) / "search" / f"pagefind-{key}.sha256"


def _index_is_current(settings: dict, site: Path, bundle_dir: str, fingerprint: str) -> bool:
    record = _fingerprint_file(settings, site)
    if record is None or not (site / bundle_dir / "pagefind-entry.json").is_file():
        return False
    try:
        return record.read_text(encoding="ascii").strip() == fingerprint
    except OSError:
        return False


def _remember(settings: dict, site: Path, fingerprint: str) -> None:
    record = _fingerprint_file(settings, site)
    if record is None:
        return
    try:
        record.parent.mkdir(parents=True, exist_ok=True)
        record.write_text(fingerprint + "\n", encoding="ascii")
    except OSError as error:  # only costs a re-index next time
        log.debug("search: could not record the index fingerprint: %s", error)


def index_site(settings: dict) -> bool:
    """Index the output folder; warns (never fails the build) when that cannot be done."""
    settings = with_defaults(settings, [SEARCH])  # also called outside Pelican, by `invoke build`
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
    bundle_dir = settings["SEARCH_BUNDLE_DIR"]
    # Pelican rewrites every page on each build; when none of them changed, the index from the
    # last build is still right, and indexing is the dearest step of a build with nothing new.
    fingerprint = site_fingerprint(site, bundle_dir, binary)
    if _index_is_current(settings, site, bundle_dir, fingerprint):
        log.info("search: no page changed since the last index of %s", site)
        return True
    try:
        result = build_index(site, bundle_dir, binary)
    except (OSError, subprocess.SubprocessError) as error:
        log.warning("search: pagefind could not run (%s); the site has no search index", error)
        return False
    if result.returncode != 0:
        log.warning(
            "search: pagefind failed (exit %s); the site has no search index.\n%s",
            result.returncode,
            (result.stderr or result.stdout).strip(),
        )
        return False
    _remember(settings, site, fingerprint)
    log.info("search: indexed %s with %s", site, binary.name)
    return True
