"""Run Pagefind over the built site: the full-text index the search page asks."""

from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

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


def index_site(settings: dict) -> bool:
    """Index the output folder; warns (never fails the build) when that cannot be done."""
    if not settings.get("SEARCH_ENABLED", True):
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
    try:
        result = build_index(site, settings["SEARCH_BUNDLE_DIR"], binary)
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
    log.info("search: indexed %s with %s", site, binary.name)
    return True
