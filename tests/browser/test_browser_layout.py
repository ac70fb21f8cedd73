"""The layout holds from 320 to 1440 px: nothing scrolls sideways, cards reflow, charts scale."""

from __future__ import annotations

import pytest

from tests.browser.test_browser_pages import PAGE_TYPES

pytestmark = pytest.mark.browser

WIDTHS = [320, 375, 768, 1024, 1440]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(tab, example_url, example_pages, width):
    wide = {}
    urls = [example_url + example_pages[name] for name in PAGE_TYPES]
    for name, seen in zip(PAGE_TYPES, tab.visit_each(urls, width=width), strict=True):
        overflow = seen.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        seen.close()
        if overflow > 0:
            wide[name] = overflow
    assert wide == {}, f"pages wider than {width}px (by px): {wide}"


def card_columns(tab, url: str, width: int) -> int:
    seen = tab.visit(url, width=width)
    lefts = seen.page.eval_on_selector_all(
        ".network-card", "els => els.map(e => Math.round(e.getBoundingClientRect().left))"
    )
    seen.close()
    return len(set(lefts))


def test_cards_reflow_from_one_column_to_several(tab, example_url, example_pages):
    url = example_url + example_pages["network"]
    assert card_columns(tab, url, 320) == 1
    assert card_columns(tab, url, 1440) >= 3


@pytest.mark.parametrize("name", ["stats", "graph"])
@pytest.mark.parametrize("width", [320, 1440])
def test_charts_fit_their_column(tab, example_url, example_pages, name, width):
    seen = tab.visit(example_url + example_pages[name], width=width)
    boxes = seen.page.eval_on_selector_all(
        "main svg",
        """els => els.map(e => [e.getBoundingClientRect().width,
                                e.parentElement.getBoundingClientRect().width])""",
    )
    seen.close()
    assert boxes
    for svg_width, room in boxes:
        assert 0 < svg_width <= room + 0.5


def test_the_graph_is_drawn_at_full_size_on_a_phone(tab, example_url, example_pages):
    """On a 375 px phone the picture's 13-unit text is shown at 11 px or more."""
    seen = tab.visit(example_url + example_pages["graph"], width=375)
    scale = seen.page.evaluate(
        "(() => { const s = document.querySelector('.network-graph svg');"
        " return s.getBoundingClientRect().width / s.viewBox.baseVal.width; })()"
    )
    seen.close()
    assert scale * 13 >= 11
