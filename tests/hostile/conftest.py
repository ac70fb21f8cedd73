"""Fixtures for the hostile-input tests: a real HTTP server on 127.0.0.1 and a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from planet.entry import FeedSource
from planet.localserver import LocalFeedServer
from planet.store import Store
from planet.update import FetchReport, fetch_all
from tests.hostile.hostile_sites import FETCH_SETTINGS


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
        return fetch_all(feeds, store, {**FETCH_SETTINGS, **overrides})

    return run
