"""With the network and reading pages configured, every page links them in its nav and head."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.theme_html import PLUGIN_URLS, build_theme_site, html_pages, parse_page


@pytest.fixture(scope="module")
def site_with_plugin_urls(tmp_path_factory) -> Path:
    output, _ = build_theme_site(tmp_path_factory.mktemp("plugin-urls"), **PLUGIN_URLS)
    return output


def test_every_head_links_the_blogroll_as_opml(site_with_plugin_urls: Path):
    output = site_with_plugin_urls
    for path in html_pages(output):
        page = parse_page(path)
        for rel in ("blogroll", "outline"):
            links = page.find_all("link", rel=rel)
            assert len(links) == 1, f"{rel} in {path}"
            assert links[0].attrs["type"] == "text/x-opml"
            assert page.resolve(links[0].attrs["href"]) == output / "network" / "blogroll.opml"


def test_every_head_links_the_reading_feeds(site_with_plugin_urls: Path):
    output = site_with_plugin_urls
    expected = {
        "application/atom+xml": output / "reading" / "atom.xml",
        "application/rss+xml": output / "reading" / "rss.xml",
        "application/feed+json": output / "reading" / "feed.json",
    }
    for path in html_pages(output):
        page = parse_page(path)
        for media_type, target in expected.items():
            hrefs = {
                page.resolve(link.attrs["href"])
                for link in page.find_all("link", rel="alternate", type=media_type)
            }
            assert target in hrefs, f"{media_type} reading feed missing in {path}"


def test_nav_adds_network_and_reading_in_order(site_with_plugin_urls: Path):
    output = site_with_plugin_urls
    page = parse_page(output / "tags" / "index.html")
    nav = [
        (a.text.strip(), page.resolve(a.attrs["href"]))
        for a in page.find_all("a")
        if a.inside("nav", "site-nav")
    ]
    assert nav == [
        ("Blog", output / "index.html"),
        ("Archives", output / "archives" / "index.html"),
        ("Network", output / "network" / "index.html"),
        ("Reading", output / "reading" / "index.html"),
        ("About", output / "about" / "index.html"),
    ]


def test_footer_offers_the_reading_feed_and_the_blogroll(site_with_plugin_urls: Path):
    output = site_with_plugin_urls
    page = parse_page(output / "index.html")
    footer = {
        a.text.strip(): page.resolve(a.attrs["href"])
        for a in page.find_all("a")
        if a.inside("ul", "subscribe")
    }
    assert footer == {
        "Blog feed (Atom)": output / "feeds" / "all.atom.xml",
        "Reading feed (Atom)": output / "reading" / "atom.xml",
        "Blogroll (OPML)": output / "network" / "blogroll.opml",
    }


def test_published_site_uses_absolute_urls_and_a_canonical_link(tmp_path: Path):
    output, _ = build_theme_site(
        tmp_path,
        SITEURL="https://robin.example",
        RELATIVE_URLS=False,
        FEED_DOMAIN="https://robin.example",
        **PLUGIN_URLS,
    )
    page = parse_page(output / "posts" / "learning-in-the-open" / "index.html")
    assert page.find("link", rel="canonical").attrs["href"] == (
        "https://robin.example/posts/learning-in-the-open/"
    )
    assert page.find("link", rel="blogroll").attrs["href"] == (
        "https://robin.example/network/blogroll.opml"
    )
    assert page.find("link", rel="stylesheet").attrs["href"] == (
        "https://robin.example/theme/css/site.css"
    )


def test_development_build_has_no_canonical_link(tmp_path: Path):
    output, _ = build_theme_site(tmp_path)
    page = parse_page(output / "posts" / "learning-in-the-open" / "index.html")
    assert not page.find_all("link", rel="canonical")
