"""Fixtures for the planet's fetch tests (the server, store and fetch fixtures are in tests/)."""

from __future__ import annotations

import pytest

import pln_site.feeds.update


@pytest.fixture
def parse_calls(monkeypatch) -> list[str]:
    """The URLs handed to the parser, in order (parsing runs in a thread of this process)."""
    calls: list[str] = []
    real = pln_site.feeds.update.parse_feed

    def counting(body: bytes, *, url: str, content_type: str | None = None, languages=()):
        calls.append(url)
        return real(body, url=url, content_type=content_type, languages=languages)

    monkeypatch.setattr(pln_site.feeds.update, "parse_feed", counting)
    return calls
