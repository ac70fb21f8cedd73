"""Search finds a member by name, a post by a phrase and a reading entry by a word, each result
labelled by its kind."""

from __future__ import annotations

import pytest

from tests.support.requirements_check import require
from tests.support.visit import visit

pytestmark = pytest.mark.browser


@pytest.fixture(autouse=True, scope="module")
def _pagefind():
    require("pagefind_bin", "pip install 'pagefind[bin]'")


def results_for(chromium, base: str, query: str, kind: str = "") -> list[tuple[str, str]]:
    seen = visit(chromium, base + "search/", width=1024)
    page = seen.page
    try:
        if kind:
            page.select_option("#search-kind", kind)
        page.fill("#search-query", query)
        page.press("#search-query", "Enter")
        page.wait_for_selector("[data-search-status]:has-text('for “')")
        results = page.eval_on_selector_all(
            ".search-result",
            "els => els.map(e => [e.querySelector('.search-result__kind').textContent,"
            " e.querySelector('.search-result__title').textContent])",
        )
        assert seen.console == [] and seen.failed == [] and seen.outside == []
        return [tuple(r) for r in results]
    finally:
        seen.close()


def test_a_members_name_finds_their_page(chromium, example_url):
    assert ("Person", "Amara Njoroge") in results_for(chromium, example_url, "Amara Njoroge")


def test_a_phrase_from_a_post_finds_the_post(chromium, example_url):
    results = results_for(chromium, example_url, "fifteen minutes")
    assert ("Post", "How I read feeds in 2026") in results


def test_a_word_from_a_feed_entry_finds_the_entry(chromium, example_url):
    results = results_for(chromium, example_url, "Hitzeinsel")
    assert ("Reading", "Sommerferien-Projekt: die Hitzeinsel Schulhof") in results


def test_results_can_be_narrowed_to_one_kind(chromium, example_url):
    everything = results_for(chromium, example_url, "accessibility")
    people = results_for(chromium, example_url, "accessibility", kind="person")
    assert {kind for kind, _ in everything} > {"Person"}
    assert people and {kind for kind, _ in people} == {"Person"}


def test_a_shared_search_address_runs_the_search(chromium, example_url):
    seen = visit(chromium, example_url + "search/?q=Hitzeinsel&kind=reading", width=1024)
    try:
        seen.page.wait_for_selector(".search-result")
        assert seen.page.input_value("#search-query") == "Hitzeinsel"
    finally:
        seen.close()


def test_every_page_has_a_search_box_that_leads_to_the_results(tab, example_url, example_pages):
    names = [name for name in example_pages if name != "search"]
    urls = [example_url + example_pages[name] for name in names]
    for name, seen in zip(names, tab.visit_each(urls, width=375), strict=True):
        try:
            form = seen.page.locator("form.site-search[role=search]")
            assert form.count() == 1, name
            assert seen.page.locator("label[for=site-search-q]").count() == 1
        finally:
            seen.close()
