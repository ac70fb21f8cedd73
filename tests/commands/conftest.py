"""Fixtures for the workflow commands (the helpers are in workflow_helpers.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support.workflows import Site, Web


@pytest.fixture
def web() -> Iterator[Web]:
    """Local websites; every server is stopped when the test ends."""
    sites = Web()
    yield sites
    sites.stop()


@pytest.fixture
def site(tmp_path: Path) -> Site:
    return Site(tmp_path)
