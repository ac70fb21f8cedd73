"""Fixtures for every test: the feed corpus, a feed server on 127.0.0.1, a store, the real fetch
path, and a TLS context. The helpers they use are in tests/support/."""

from __future__ import annotations

import os
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from pln_site.devserver import LocalFeedServer
from pln_site.entries import FeedSource
from pln_site.feeds.update import FetchReport, fetch_all
from pln_site.store import Store
from tests.support.fetching import BASE_SETTINGS
from tests.support.project import CORPUS


@pytest.fixture
def corpus_dir() -> Path:
    """The real-world feeds; absent outside the project's workspace, required under CI."""
    if not CORPUS.is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"the feed corpus is missing at {CORPUS} (CI requires it)")
        pytest.skip("the real-world feed corpus (../shared/corpus/feeds) is not present")
    return CORPUS


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Modules with a test marked slow run first, each kept whole (its module fixtures are set
    up once): a long test that starts last would keep one worker busy while the other idles."""
    slow_modules = {item.path for item in items if item.get_closest_marker("slow")}
    items.sort(key=lambda item: item.path not in slow_modules)  # stable: file order otherwise


# Measured on 2 cores: with one worker per core the cores stood idle a third of the time (user
# and system time 330 s in 253 s), for the suite waits on purpose (servers that answer slowly,
# a browser's idle network, a build in another process, a watcher's quiet time).
WORKERS_PER_CORE = 2


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: two workers per core, so that one test's wait is another's work."""
    return WORKERS_PER_CORE * (os.cpu_count() or 1)


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
