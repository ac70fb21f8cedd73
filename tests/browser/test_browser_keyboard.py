"""Usable by keyboard alone: every control is reached with Tab and shows where focus is, and the
directory's filters and the search work without a mouse."""

from __future__ import annotations

import pytest

from tests.browser.test_browser_pages import PAGE_TYPES
from tests.support.visit import visit

pytestmark = pytest.mark.browser

FOCUS_STATE = """() => {
    const el = document.activeElement;
    if (!el || el === document.body) return null;
    const style = getComputedStyle(el);
    const box = el.getBoundingClientRect();
    return {tag: el.tagName, outline: style.outlineStyle, width: parseFloat(style.outlineWidth),
            shadow: style.boxShadow, seen: box.width > 0 && box.height > 0};
}"""

FOCUSABLE = """() => [...document.querySelectorAll(
    'a[href], button, input, select, textarea, [tabindex]:not([tabindex="-1"])')]
    .filter(el => !el.closest('[hidden]') && el.getClientRects().length > 0).length"""


@pytest.mark.parametrize("name", PAGE_TYPES)
def test_tab_reaches_every_control_with_a_visible_focus(loaded_page, name):
    seen = loaded_page(name, width=1024)
    page = seen.page
    try:
        expected = page.evaluate(FOCUSABLE)
        stops = 0
        for _ in range(expected + 5):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state is None:  # wrapped round to the browser's own controls
                break
            stops += 1
            visible = (state["outline"] != "none" and state["width"] >= 2) or state[
                "shadow"
            ] != "none"
            assert visible and state["seen"], f"focus stop {stops} ({state['tag']}) is not visible"
        assert stops >= expected
    finally:
        seen.close()


def test_the_directory_filters_by_keyboard_and_the_address_keeps_them(
    chromium, example_url, example_pages
):
    seen = visit(chromium, example_url + example_pages["network"], width=1024)
    page = seen.page
    try:
        total = page.locator(".network-card").count()
        page.focus("#facet-country")
        page.keyboard.press("ArrowDown")  # the first country in the list
        chosen = page.eval_on_selector("#facet-country", "s => s.value")
        shown = page.locator(".network-card:visible").count()
        assert 0 < shown < total
        assert f"country={chosen}" in page.url
        status = page.locator("[data-network-status]").inner_text()
        assert f"Showing {shown} of {total}" in status
        shared = page.url
    finally:
        seen.close()
    again = visit(chromium, shared, width=1024)
    try:
        assert again.page.locator(".network-card:visible").count() == shown
        assert again.page.eval_on_selector("#facet-country", "s => s.value") == chosen
    finally:
        again.close()


def test_filters_combine_topic_platform_role_and_status(chromium, example_url, example_pages):
    seen = visit(chromium, example_url + example_pages["network"] + "#status=dormant", width=1024)
    page = seen.page
    try:
        names = page.locator(".network-card:visible .card__title").all_inner_texts()
        assert names == ["Tomáš Novák"]
        page.select_option("#facet-status", "")
        page.select_option("#facet-platform", "mastodon")
        with_mastodon = page.locator(".network-card:visible").count()
        page.select_option("#facet-role", "mentor")
        assert 0 < page.locator(".network-card:visible").count() <= with_mastodon
        assert "platform=mastodon" in page.url and "role=mentor" in page.url
    finally:
        seen.close()


def test_search_by_keyboard_from_any_page(chromium, example_url, example_pages):
    seen = visit(chromium, example_url + example_pages["post"], width=1024)
    page = seen.page
    try:
        page.focus("#site-search-q")
        page.keyboard.type("Priya Raman")
        page.keyboard.press("Enter")
        page.wait_for_selector(".search-result")
        assert "/search/" in page.url and "q=Priya" in page.url
        in_results = "!!document.activeElement.closest('.search-result')"
        for _ in range(40):  # the header, the search form, then the results
            page.keyboard.press("Tab")
            if page.evaluate(in_results):
                break
        assert page.evaluate("document.activeElement.textContent") == "Priya Raman"
        page.keyboard.press("Enter")
        page.wait_for_url("**/network/priya-raman/")
    finally:
        seen.close()
