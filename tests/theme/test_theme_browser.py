"""The theme in a real browser: no sideways scrolling from 320 to 1440 px, visible keyboard
focus, both colour schemes, and no request the page's CSP would block or that leaves the site."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from tests.support.browser import chromium, serve_folder
from tests.support.theme_html import PAGES, POSTS, build_theme_site

pytestmark = pytest.mark.browser

# Markup as the network and reading pages write it, to see the shared classes at every width.
COMPONENTS_PAGE = {
    "components.md": """\
        Title: Components
        Status: hidden
        Slug: components

        <ul class="cards">
          <li class="card">
            <div class="card__header">
              <span class="avatar" aria-hidden="true">AB</span>
              <h2 class="card__title"><a href="../">Ada Beispielnamemitsehrvielenbuchstaben</a></h2>
            </div>
            <p class="card__why">Writes the clearest notes on assessment I know.</p>
            <p class="card__meta">Since 2019 · met at a conference · Berlin, DE</p>
            <ul class="card__topics"><li><a class="tag" href="../">assessment</a></li><li><span class="tag">open-education-resources-and-practices</span></li></ul>
            <ul class="card__links"><li><a href="../">Website</a></li><li><a href="../">Mastodon</a></li></ul>
          </li>
          <li class="card">
            <div class="card__header"><span class="avatar avatar--small" aria-hidden="true">C</span><h2 class="card__title">Cy</h2></div>
          </li>
        </ul>

        <dl class="details"><dt>Since</dt><dd>2019</dd><dt>Where we met</dt><dd>A very long conference name that goes on and on</dd></dl>

        <figure class="chart">
          <svg viewBox="0 0 600 120" role="img" aria-labelledby="chart-title"><title id="chart-title">Members per year</title>
            <rect x="0" y="10" width="500" height="20"></rect><text x="505" y="25">12</text>
            <rect x="0" y="40" width="200" height="20"></rect><text x="205" y="55">5</text>
          </svg>
          <figcaption>Members by the year we met.</figcaption>
        </figure>

        <div class="table-scroll"><table class="data-table">
          <caption>Feeds</caption>
          <thead><tr><th>Member</th><th>Feed address</th><th>Last fetched</th><th class="num">Entries</th><th>Status</th></tr></thead>
          <tbody><tr><td>Ada</td><td>https://ada.example/a/very/long/feed/address/that/does/not/break/feed.xml</td><td>2024-03-01&nbsp;12:00:00&nbsp;UTC</td><td class="num">1234</td><td>ok</td></tr></tbody>
        </table></div>

        <nav class="filters" aria-label="Filter"><ul><li><a href="../" aria-current="true">All</a></li><li><a href="../">Strong ties</a></li><li><a href="../">Dormant</a></li></ul></nav>

        <div class="river">
          <section class="river-day"><h2>Friday 1 March 2024</h2>
            <ol><li class="river-entry">
              <span class="avatar avatar--small" aria-hidden="true">AB</span>
              <h3 class="river-entry__title"><a href="../">An entry with a title that is long enough to wrap on a phone screen</a></h3>
              <p class="river-entry__meta">Ada · <time datetime="2024-03-01">1 March</time></p>
              <div class="river-entry__excerpt"><p>Averyveryverylongwordwithoutanyspacesthatwouldpushthepagesidewaysifitcouldnotwrap.</p></div>
            </li></ol>
          </section>
        </div>
        """,
}

PAGES_TO_SEE = [
    "index.html",
    "posts/learning-in-the-open/index.html",
    "archives/index.html",
    "tags/index.html",
    "about/index.html",
    "components/index.html",
    "404.html",
]


@pytest.fixture(scope="module")
def served_site(tmp_path_factory):
    """The tiny blog plus a page of components, served over HTTP on 127.0.0.1."""
    output, _ = build_theme_site(
        tmp_path_factory.mktemp("browser-site"),
        pages={**PAGES, **COMPONENTS_PAGE},
        posts=POSTS,
        DIRECT_TEMPLATES=["index", "tags", "categories", "archives", "404"],
    )
    with serve_folder(output) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with chromium() as launched:
        yield launched


def watch(page, url: str) -> tuple[list[str], list[str]]:
    """The lists that `page`'s console problems and requests outside `url`'s site go into."""
    problems: list[str] = []
    outside: list[str] = []
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None
    )
    page.on("pageerror", lambda e: problems.append(str(e)))
    site = urlsplit(url).netloc

    def note_outside(request) -> None:
        if urlsplit(request.url).netloc != site:
            outside.append(request.url)

    page.on("request", note_outside)
    return problems, outside


def open_page(browser, url: str, width: int, scheme: str = "light"):
    """Open `url`; returns the page and the lists of console problems and outside requests."""
    context = browser.new_context(viewport={"width": width, "height": 800}, color_scheme=scheme)
    page = context.new_page()
    problems, outside = watch(page, url)
    response = page.goto(url)
    assert response.ok, url
    return page, problems, outside


@pytest.mark.parametrize("width", [320, 375, 768, 1440])
def test_no_page_scrolls_sideways(browser, served_site, width):
    # One page clicks through them all: a fresh page for each costs a renderer process and
    # sees nothing more. The lists are emptied before each path.
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    problems, outside = watch(page, served_site)
    for path in PAGES_TO_SEE:
        page.goto("about:blank")
        problems.clear()
        outside.clear()
        response = page.goto(served_site + path)
        assert response.ok, path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {width}px"
        assert problems == [], f"{path}: {problems}"
        assert outside == [], f"{path} requested {outside}"
    context.close()


def test_stylesheet_applies_under_the_csp(browser, served_site):
    page, problems, _ = open_page(browser, served_site, 1024)
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "system-ui" in font
    assert problems == []
    page.context.close()


def test_first_tab_shows_the_skip_link_with_a_visible_outline(browser, served_site):
    page, _, _ = open_page(browser, served_site + "posts/learning-in-the-open/", 375)
    page.keyboard.press("Tab")
    focused = page.evaluate(
        """() => {
            const el = document.activeElement, style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {text: el.textContent.trim(), outline: style.outlineStyle,
                    width: parseFloat(style.outlineWidth), boxWidth: box.width};
        }"""
    )
    assert focused["text"] == "Skip to content"
    assert focused["outline"] == "solid" and focused["width"] >= 2
    assert focused["boxWidth"] > 20, "the skip link stays hidden when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()


def test_later_links_show_focus_too(browser, served_site):
    page, _, _ = open_page(browser, served_site, 1024)
    for _ in range(3):
        page.keyboard.press("Tab")
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement);"
        " return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth]; })()"
    )
    assert style[0] == "A" and style[1] == "solid" and float(style[2].rstrip("px")) >= 2
    page.context.close()


def test_dark_scheme_changes_page_and_chart_colours(browser, served_site):
    colours = {}
    for scheme in ("light", "dark"):
        page, _, _ = open_page(browser, served_site + "components/", 1024, scheme)
        colours[scheme] = page.evaluate(
            """() => [getComputedStyle(document.body).backgroundColor,
                      getComputedStyle(document.body).color,
                      getComputedStyle(document.querySelector('.chart rect')).fill]"""
        )
        page.context.close()
    assert colours["light"][0] == "rgb(251, 250, 247)"
    assert colours["dark"][0] == "rgb(20, 23, 26)"
    assert all(light != dark for light, dark in zip(colours["light"], colours["dark"], strict=True))


def test_avatars_are_round_and_sized(browser, served_site):
    page, _, _ = open_page(browser, served_site + "components/", 1024)
    sizes = page.evaluate(
        """() => [...document.querySelectorAll('.card .avatar')].map(el => {
            const box = el.getBoundingClientRect();
            return [Math.round(box.width), Math.round(box.height),
                    getComputedStyle(el).borderRadius];
        })"""
    )
    assert sizes == [[64, 64, "50%"], [32, 32, "50%"]]
    page.context.close()
