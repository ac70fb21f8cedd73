"""The directory in a real browser: topic filters and sort orders work in place with the script,
under the pages' CSP, and as plain links without it."""

from __future__ import annotations

import pytest

from tests.support.browser import chromium, serve_folder

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def served(site):
    """The fixture site's output on 127.0.0.1, stopped after the module."""
    with serve_folder(site.output) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_(url: str, javascript: bool = True):
        context = browser.new_context(java_script_enabled=javascript)
        contexts.append(context)
        page = context.new_page()
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on(
            "response",
            lambda r: problems.append(f"{r.status} {r.url}") if r.status >= 400 else None,
        )
        assert page.goto(url).ok
        return page, problems

    yield open_
    for context in contexts:
        context.close()


def visible_names(page) -> list[str]:
    return page.locator("[data-network-cards] .h-card:visible .p-name").all_inner_texts()


def test_topic_filter_works_in_place(open_page, served, listed):
    page, problems = open_page(served + "network/")
    everyone = len(listed)
    assert len(visible_names(page)) == everyone
    page.locator('[data-network-filter] a[data-topic="accessibility"]').click()
    assert page.url.endswith("network/#topic=accessibility")  # no page load; can be shared
    expected = sorted(m["name"] for m in listed.values() if "accessibility" in m["topics"])
    assert sorted(visible_names(page)) == expected
    assert "Showing 2 of 6" in page.locator("[data-network-status]").inner_text()
    page.get_by_role("button", name="Show everyone").click()
    assert len(visible_names(page)) == everyone
    assert problems == []


def test_a_shared_address_opens_filtered_and_sorted(open_page, served, listed):
    page, problems = open_page(served + "network/#topic=python&sort=newest")
    python = [m for m in listed.values() if "Python" in m["topics"]]
    newest_first = sorted(python, key=lambda m: str(m["since"]), reverse=True)
    assert visible_names(page) == [m["name"] for m in newest_first]
    assert problems == []


def test_sort_works_in_place(open_page, served, site):
    page, problems = open_page(served + "network/")
    page.locator('[data-network-sort] a[data-order="oldest"]').click()
    assert page.url.endswith("network/#sort=oldest")
    static_order = [c["properties"]["name"][0] for c in site.member_cards("network/by/oldest/")]
    assert visible_names(page) == static_order
    page.locator('[data-network-sort] a[data-order="name"]').click()
    by_name = [c["properties"]["name"][0] for c in site.member_cards("network/")]
    assert visible_names(page) == by_name
    # The page's relative links still lead where they did.
    page.locator("#member-amara-okafor .card__title a").click()
    page.wait_for_url("**/network/amara-okafor/")
    assert problems == []


def test_without_javascript_the_filters_are_topic_pages(open_page, served):
    page, _ = open_page(served + "network/", javascript=False)
    # Folded behind one control, which opens without JavaScript too.
    page.get_by_text("Sort and filter").click()
    page.locator('[data-network-filter] a[data-topic="accessibility"]').click()
    page.wait_for_url("**/network/topics/accessibility/")
    assert page.locator("h1").inner_text() == "Topic: accessibility"
