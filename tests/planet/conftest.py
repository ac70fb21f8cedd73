"""Fixtures for the planet's fetch tests: a real HTTP server on 127.0.0.1, a real SQLite store."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import planet.update
from planet.entry import FeedSource
from planet.localserver import LocalFeedServer
from planet.store import Store
from planet.update import FetchReport, fetch_all
from tests.planet.fetch_helpers import BASE_SETTINGS


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
    """fetch(*sources_or_urls, **settings) -> FetchReport, against the test store."""

    def run(*sources: FeedSource | str, **overrides) -> FetchReport:
        feeds = [
            source if isinstance(source, FeedSource) else FeedSource("ada", source)
            for source in sources
        ]
        return fetch_all(feeds, store, {**BASE_SETTINGS, **overrides})

    return run


@pytest.fixture
def parse_calls(monkeypatch) -> list[str]:
    """The URLs handed to the parser, in order (parsing runs in a thread of this process)."""
    calls: list[str] = []
    real = planet.update.parse_feed

    def counting(body: bytes, *, url: str, content_type: str | None = None):
        calls.append(url)
        return real(body, url=url, content_type=content_type)

    monkeypatch.setattr(planet.update, "parse_feed", counting)
    return calls
