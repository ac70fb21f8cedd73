"""Where the project lives, and building a site as a user would: with Pelican for real, and
`invoke` in a shell."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from pelican import Pelican
from pelican.settings import read_settings

PROJECT = Path(__file__).resolve().parents[2]
FIXTURE_SITE = Path(__file__).resolve().parent / "site"
CORPUS = PROJECT.parent / "shared" / "corpus" / "feeds"


def build_site(content: Path, output: Path, **overrides) -> dict:
    """Build `content` into `output` with the project's pelicanconf and `overrides`.

    Returns the settings used, so that tests can read URLs from them.
    """
    settings = read_settings(
        str(PROJECT / "pelicanconf.py"),
        override={
            "PATH": str(content),
            "OUTPUT_PATH": str(output),
            "THEME": str(PROJECT / "theme"),
            "CACHE_CONTENT": False,
            "CACHE_PATH": str(output.parent / "pelican-cache"),
            "LOAD_CONTENT_CACHE": False,
            # A store of this build's own: the checkout's cache/planet.sqlite3 would make the
            # pages depend on whatever the last `invoke fetch` on this machine left there.
            "PLANET_STORE_PATH": str(output.parent / f"{output.name}.planet.sqlite3"),
            **overrides,
        },
    )
    Pelican(settings).run()
    return settings


def site_paths(root: Path, content: Path | None = None) -> dict:
    """The settings that place a second site under `root`: its content (root/content unless
    given), output, store, Pelican's cache (else it is the project's own, shared by every
    build running at the same time), and the project's theme."""
    return {
        "PATH": str(content or root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "THEME": str(PROJECT / "theme"),
        "PLANET_STORE_PATH": str(root / "cache" / "planet.sqlite3"),
        "CACHE_PATH": str(root / "cache" / "pelican"),
    }


def write_site_settings(path: Path, base: str = "pelicanconf", **values) -> Path:
    """A settings file for a second site, as a user writes one: the project's pelicanconf (or
    another of its settings modules, such as publishconf) with `values` set after it (paths,
    plugins...). Returns `path`."""
    lines = ["import sys", f"sys.path.insert(0, {str(PROJECT)!r})", f"from {base} import *"]
    lines += [f"{name} = {value!r}" for name, value in values.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run_invoke(
    *args: str,
    cwd: Path = PROJECT,
    timeout: float = 300,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess:
    """`invoke TASK ...` in a shell, as a user runs it, with the project's tasks.py."""
    return subprocess.run(
        [sys.executable, "-m", "invoke", "--search-root", str(PROJECT), *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
