"""Fixtures for the browser tests: the example site, built once per session and served locally."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pln_site.commands.screenshot_pages import page_types
from pln_site.commands.screenshots import serve_folder
from tests.support.browser import chromium as launch_chromium
from tests.support.example_site import build_example_site
from tests.support.visit import Tab, Visit


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


@pytest.fixture(scope="module")
def loaded_page(chromium, example_url, example_pages) -> Callable[..., Visit]:
    """loaded_page(name, width=1280, scheme="light"): that page type's visit, from a Tab that
    loaded every page type at once for this width and scheme (so that their waits for an idle
    network overlap, instead of one wait per test) and keeps them open for the module's tests.
    Each page is one test's own: a module that needs a page twice uses `tab` for the second."""
    tabs: dict[tuple[int, str], Tab] = {}
    loaded: dict[tuple[int, str], dict[str, Visit]] = {}

    def visit_of(name: str, width: int = 1280, scheme: str = "light") -> Visit:
        key = (width, scheme)
        if key not in loaded:
            tab = tabs[key] = Tab(chromium, pages=len(example_pages))
            urls = [example_url + path for path in example_pages.values()]
            visits = tab.visit_each(urls, width=width, scheme=scheme)
            loaded[key] = dict(zip(example_pages, visits, strict=True))
        return loaded[key][name]

    yield visit_of
    for tab in tabs.values():
        tab.close()
