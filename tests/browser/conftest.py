"""Fixtures for the browser tests: the example site, built once per session and served locally."""

from __future__ import annotations

from pathlib import Path

import pytest

from pln_site.commands.screenshot_pages import page_types
from pln_site.commands.screenshots import serve_folder
from tests.support.browser import chromium as launch_chromium
from tests.support.example_site import build_example_site
from tests.support.visit import Tab


@pytest.fixture(scope="session")
def example_settings(tmp_path_factory) -> dict:
    return build_example_site(tmp_path_factory.mktemp("example-site"))


@pytest.fixture(scope="session")
def example_output(example_settings) -> Path:
    return Path(example_settings["OUTPUT_PATH"])


@pytest.fixture(scope="session")
def example_url(example_output):
    """The example site on http://127.0.0.1:<free port>/."""
    with serve_folder(example_output) as base:
        yield base


@pytest.fixture(scope="session")
def example_pages(example_settings) -> dict[str, str]:
    """Page type name -> site path, one of each type."""
    return {p.name: p.path for p in page_types(example_settings, search_query="learning")}


@pytest.fixture(scope="module")
def chromium(example_settings):
    # The site is built first: the demo's fetch runs its own event loop, which cannot start
    # inside the one playwright's sync API keeps running. Per module, not per session, so
    # that other folders' browser tests can start playwright of their own afterwards.
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def tab(chromium):
    """One page that the module's tests load their pages in, one after another (see Tab)."""
    opened = Tab(chromium)
    yield opened
    opened.close()
