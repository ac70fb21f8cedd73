"""axe-core finds no accessibility violation on any page type, in light or in dark mode."""

from __future__ import annotations

import pytest

from tests.browser.test_browser_pages import PAGE_TYPES
from tests.support.requirements_check import require

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def axe():
    module = require("axe_playwright_python.sync_playwright", "pip install axe-playwright-python")
    return module.Axe()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("name", PAGE_TYPES)
def test_axe_finds_no_violations(loaded_page, axe, name, scheme):
    seen = loaded_page(name, scheme=scheme)
    try:
        results = axe.run(seen.page)
    finally:
        seen.close()
    assert results.violations_count == 0, results.generate_report()
