"""Fast to load: images say their size and load lazily, scripts and styles stay small, and each
page type's total weight stays within a budget (printed with -s)."""

from __future__ import annotations

import pytest

from tests.browser.test_browser_pages import PAGE_TYPES
from tests.support.visit import first_visits

pytestmark = pytest.mark.browser

# Everything a first visit loads (HTML, CSS, JS, images, the search index pieces), in bytes.
PAGE_BUDGET = 250_000
CSS_BUDGET = 30_000
SCRIPT_BUDGET = 12_000  # each of the site's own scripts (Pagefind's own not included)


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_images_have_a_size_and_load_lazily(loaded_page, name):
    seen = loaded_page(name)
    images = seen.page.eval_on_selector_all(
        "main img",
        "els => els.map(e => [e.getAttribute('width'), e.getAttribute('height'),"
        " e.getAttribute('loading'), e.src])",
    )
    seen.close()
    for width, height, loading, src in images:
        assert width and height and loading == "lazy", src


@pytest.mark.slow  # every page type, each in a fresh context
def test_each_page_type_stays_within_its_budget(chromium, example_url, example_pages):
    def scroll_to_the_end(seen) -> None:  # so that lazy images count too
        seen.page.evaluate("window.scrollTo(0, document.body.scrollHeight)")

    weights = {}
    # A fresh context for each: what a first visit loads, with an empty cache.
    urls = [example_url + example_pages[name] for name in PAGE_TYPES]
    visits = first_visits(chromium, urls, then=scroll_to_the_end)
    for name, seen in zip(PAGE_TYPES, visits, strict=True):
        weights[name] = seen.bytes_loaded
        seen.close()
    print("\nPage weight (bytes, first visit):")
    for name, size in weights.items():
        print(f"  {name:10} {size:>8}")
    assert {n: w for n, w in weights.items() if w > PAGE_BUDGET} == {}


def test_stylesheet_and_scripts_are_small(example_output, example_settings):
    assert (example_output / "theme" / "css" / "site.css").stat().st_size < CSS_BUDGET
    for setting in ("NETWORK_SCRIPT_SAVE_AS", "SEARCH_SCRIPT_SAVE_AS"):
        assert (example_output / example_settings[setting]).stat().st_size < SCRIPT_BUDGET
