"""Shared test helpers: where the project lives, and building a site with Pelican for real."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pelican import Pelican
from pelican.settings import read_settings

from planet.entry import FeedSource
from planet.localserver import LocalFeedServer
from planet.store import Store
from planet.update import FetchReport, fetch_all
from tests.planet.fetch_helpers import BASE_SETTINGS

PROJECT = Path(__file__).resolve().parent.parent
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
            "PLUGIN_PATHS": [str(PROJECT / "plugins")],
            "CACHE_CONTENT": False,
            "CACHE_PATH": str(output.parent / "pelican-cache"),
            "LOAD_CONTENT_CACHE": False,
            **overrides,
        },
    )
    Pelican(settings).run()
    return settings


def site_paths(root: Path, content: Path | None = None) -> dict:
    """The settings that place a second site under `root`: its content (root/content unless
    given), output, store, and the project's theme and plugins."""
    return {
        "PATH": str(content or root / "content"),
        "OUTPUT_PATH": str(root / "output"),
        "THEME": str(PROJECT / "theme"),
        "PLUGIN_PATHS": [str(PROJECT / "plugins")],
        "PLANET_STORE_PATH": str(root / "cache" / "planet.sqlite3"),
    }


def write_site_settings(path: Path, **values) -> Path:
    """A settings file for a second site, as a user writes one: the project's pelicanconf with
    `values` set after it (paths, plugins...). Returns `path`."""
    lines = ["import sys", f"sys.path.insert(0, {str(PROJECT)!r})", "from pelicanconf import *"]
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


@pytest.fixture
def corpus_dir() -> Path:
    """The real-world feeds; absent outside the project's workspace, required under CI."""
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the feed corpus is missing at {CORPUS} (CI requires it)")
        pytest.skip("the real-world feed corpus (../shared/corpus/feeds) is not present")
    return CORPUS


# The fetch path for real: a feed server on 127.0.0.1 and a SQLite store in the test's folder.


@pytest.fixture
def server() -> Iterator[LocalFeedServer]:
    with LocalFeedServer() as running:
        yield running


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "cache" / "planet.sqlite3"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    with Store(store_path) as opened:
        yield opened


@pytest.fixture
def fetch(store: Store):
    """fetch(*sources_or_urls, **settings) -> FetchReport, through the real fetch path."""

    def run(*sources: FeedSource | str, **overrides) -> FetchReport:
        feeds = [
            source if isinstance(source, FeedSource) else FeedSource("ada", source)
            for source in sources
        ]
        return fetch_all(feeds, store, {**BASE_SETTINGS, **overrides})

    return run


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory) -> ssl.SSLContext:
    """A server-side TLS context with a certificate nobody trusts (made by openssl)."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-keyout", str(folder / "key.pem"),
         "-out", str(folder / "cert.pem")],
        check=True, capture_output=True,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(folder / "cert.pem", folder / "key.pem")
    return context
