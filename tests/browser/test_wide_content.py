"""Issue 13: a table of 300 columns in a member's post, shown in full on the river, scrolls
inside its own box: the page itself never scrolls sideways on a phone."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from pln_site.devserver import LocalFeedServer, Route
from pln_site.entries import FeedSource
from tests.support.browser import chromium, serve_folder
from tests.support.hostile_sites import (
    build,
    fetch_into,
    member_file,
    recent,
    rfc822,
    rss,
    rss_item,
    write_site,
)
from tests.support.visit import visit

COLUMNS = 300
WIDE_TABLE = (
    "<p>The whole data set:</p><table><thead><tr>"
    + "".join(f"<th>Column {n}</th>" for n in range(COLUMNS))
    + "</tr></thead><tbody><tr>"
    + "".join(f"<td>{n * 1.5:.1f}</td>" for n in range(COLUMNS))
    + "</tr></tbody></table><p>Words after the table.</p>"
)


@pytest.fixture(scope="module")
def river_url(tmp_path_factory) -> Iterator[str]:
    """The reading page of a site whose one member posted the wide table, in full content."""
    root = tmp_path_factory.mktemp("wide-content")
    feed = rss(
        [rss_item("wide", "All the numbers", date=rfc822(recent(1)), description=WIDE_TABLE)]
    )
    store_file = root / "cache" / "planet.sqlite3"
    with LocalFeedServer(routes={"/feed.xml": Route.feed(feed)}) as server:
        url = "http://wide.example/feed.xml"
        report = fetch_into(store_file, [FeedSource("wide", url)], {"wide.example": server.address})
    assert report.feeds[0].new_entries == 1, report.feeds[0].reason
    content = write_site(root / "content", {"wide": member_file("Wide Tables", [(url, None)])})
    build(content, root / "output", store_file, PLANET_FULL_CONTENT=True)
    with serve_folder(Path(root / "output")) as base:
        yield base + "reading/"


@pytest.fixture(scope="module")
def browser(river_url):  # the site is built before playwright starts its own event loop
    with chromium() as launched:
        yield launched


@pytest.mark.parametrize("width", [375, 1280])
def test_a_wide_table_scrolls_in_its_box_not_the_page(browser, river_url, width):
    seen = visit(browser, river_url, width=width)
    try:
        page = seen.page
        cells = page.locator(".river-entry__excerpt table td")
        assert cells.count() == COLUMNS  # the table is shown, whole, in full content
        page_overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert page_overflow == 0, f"the page scrolls {page_overflow}px sideways at {width}px"
        box = page.evaluate(
            """() => {
                const table = document.querySelector('.river-entry__excerpt table');
                const excerpt = table.closest('.river-entry__excerpt').getBoundingClientRect();
                const own = table.getBoundingClientRect();
                return {scrolls: table.scrollWidth > table.clientWidth,
                        overflowX: getComputedStyle(table).overflowX,
                        inside: own.left >= excerpt.left - 1 && own.right <= excerpt.right + 1};
            }"""
        )
        assert box == {"scrolls": True, "overflowX": "auto", "inside": True}
        # What follows the table is still laid out in the column, readable without scrolling.
        after = page.get_by_text("Words after the table.").bounding_box()
        assert after is not None and after["x"] + after["width"] <= width
    finally:
        seen.close()
