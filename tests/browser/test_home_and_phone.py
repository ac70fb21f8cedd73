"""The owner's first look, in Chromium: the home page shows the network beside the posts, and on
a phone the directory, the stats and the network picture stay usable."""

from __future__ import annotations

from urllib.parse import urljoin

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}  # a small phone's first screen
MIN_LABEL_PX = 12

LINKS = "(sel) => [...document.querySelectorAll(sel)].map(a => a.href)"
BOX = "e => { const r = e.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; }"


def status_of(page, url: str) -> int:
    return page.request.get(url).status


def test_the_home_page_shows_posts_new_members_and_reading(tab, example_url):
    seen = tab.visit(example_url, width=1280)
    page = seen.page
    try:
        posts = page.eval_on_selector_all(".h-feed .post-summary__title a", "els => els.length")
        members = page.evaluate(LINKS, ".home-new li > a")
        titles = page.evaluate(LINKS, ".home-reading .home-reading__title")
        authors = page.evaluate(LINKS, ".home-reading__meta a")
        more = page.evaluate(LINKS, ".home-box__more a")
        # Beside the posts on a wide screen.
        posts_box = page.eval_on_selector(".home__posts", BOX)
        aside_box = page.eval_on_selector(".home__network", BOX)
        problems = seen.console + seen.failed
        answers = {url: status_of(page, url) for url in members + authors + more}
    finally:
        seen.close()
    assert problems == []
    assert aside_box[0] >= posts_box[2]
    assert posts > 0 and members and titles and len(authors) == len(titles)
    assert all(url.startswith(example_url) for url in answers), answers
    assert set(answers.values()) == {200}, answers
    # The entries are the reading feed's: each is on its first page, as the same link (a
    # titled post's title, a note's date).
    river = tab.visit(urljoin(example_url, "reading/"), width=1280)
    try:
        on_river = river.page.evaluate(
            LINKS, ".river-entry__title a, .river-entry--note .river-entry__meta > a.u-url"
        )
    finally:
        river.close()
    assert set(titles) <= set(on_river)


def test_on_a_phone_the_network_column_follows_the_posts(tab, example_url):
    seen = tab.visit(example_url, **PHONE)
    try:
        posts_box = seen.page.eval_on_selector(".home__posts", BOX)
        aside_box = seen.page.eval_on_selector(".home__network", BOX)
        assert aside_box[1] >= posts_box[3]
    finally:
        seen.close()


def test_on_a_phone_the_first_directory_card_is_on_the_first_screen(
    tab, example_url, example_pages
):
    seen = tab.visit(example_url + example_pages["network"], **PHONE)
    page = seen.page
    try:
        top = page.eval_on_selector(".network-card", "e => e.getBoundingClientRect().top")
        assert 0 < top < PHONE["height"]
        # The folded filters open with one tap.
        assert not page.locator("[data-network-filter]").is_visible()
        page.get_by_text("Sort and filter").click()
        assert page.locator("[data-network-filter]").is_visible()
    finally:
        seen.close()


def test_stats_labels_stay_readable_on_a_phone(tab, example_url, example_pages):
    seen = tab.visit(example_url + example_pages["stats"], **PHONE)
    try:
        # The size a label is drawn at: its font size times whatever its SVG scales it by.
        sizes = seen.page.eval_on_selector_all(
            ".chart svg text",
            """els => els.map(t => [t.textContent,
                parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a])""",
        )
    finally:
        seen.close()
    assert sizes
    small = [(text, round(size, 1)) for text, size in sizes if size < MIN_LABEL_PX]
    assert small == []


FOCUS_RING_OVERLAPS = """() => {
  const overlaps = {};
  const texts = [...document.querySelectorAll('.network-graph text')];
  for (const link of document.querySelectorAll('.network-graph a')) {
    link.focus();
    const style = getComputedStyle(link);
    if (style.outlineStyle === 'none') { overlaps[link.textContent.trim()] = ['no ring']; continue; }
    const grow = parseFloat(style.outlineOffset) + parseFloat(style.outlineWidth);
    const r = link.getBoundingClientRect();
    const hit = texts.filter(t => !link.contains(t)).filter(t => {
      const o = t.getBoundingClientRect();
      return o.left < r.right + grow && o.right > r.left - grow
          && o.top < r.bottom + grow && o.bottom > r.top - grow;
    }).map(t => t.textContent);
    if (hit.length) overlaps[link.textContent.trim()] = hit;
  }
  return overlaps;
}"""


@pytest.mark.parametrize("width", [375, 1280])
def test_a_focused_name_in_the_picture_rings_that_name_alone(
    tab, example_url, example_pages, width
):
    seen = tab.visit(example_url + example_pages["graph"], width=width)
    try:
        assert seen.page.locator(".network-graph a").count() > 1
        overlaps = seen.page.evaluate(FOCUS_RING_OVERLAPS)
    finally:
        seen.close()
    assert overlaps == {}


def test_a_card_name_leads_to_the_member_page_here(tab, example_url, example_pages):
    seen = tab.visit(example_url + example_pages["network"], **PHONE)
    page = seen.page
    try:
        card = page.locator(".network-card").first
        name = card.locator(".card__title a").inner_text()
        their_site = card.locator(".card__site a").get_attribute("href")
        card.locator(".card__title a").click()
        page.wait_for_load_state()
        assert page.url.startswith(example_url + "network/")
        assert page.locator("h1").inner_text() == name
        # Their own site is one click further.
        assert page.locator(f'main a[href="{their_site}"]').count() >= 1
    finally:
        seen.close()
