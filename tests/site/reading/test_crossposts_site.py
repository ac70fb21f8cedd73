"""Notes and cross-posts, the real way: one member's blog, Mastodon and Bluesky feeds (and
another member's) served on 127.0.0.1, `invoke fetch` into a real store, `invoke build`, and
the built river, member page and output feeds read as a visitor, a microformats reader and a
feed reader would (tests/support/crosspost_fixtures.py says what each post is).
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import feedparser
import mf2py
import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer
from tests.support.crosspost_fixtures import (
    BLOG_POST,
    COPIES,
    HOSTS,
    NOTES,
    SHOWN,
    TOOT_LONG,
    write_content,
    write_feeds,
)
from tests.support.feed_rules import feed_problems
from tests.support.project import run_invoke, site_paths, write_site_settings

DEVELOPMENT_AT = "http://127.0.0.1:8000"  # pelicanconf.py's FEED_DOMAIN
COPY_URLS = {url for found in COPIES.values() for _, url in found}


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("crossposts")
    write_feeds(root / "feeds")
    write_content(root / "content")
    with LocalFeedServer(root / "feeds", by_host=True) as server:
        settings = write_site_settings(
            root / "sitesettings.py",
            **site_paths(root),
            PLANET_ALLOW_PRIVATE_ADDRESSES=True,
            PLANET_RESOLVE={host: server.address for host in HOSTS},
            PLANET_IMAGES=False,
        )
        fetched = run_invoke("fetch", "-s", str(settings), "--json", cwd=root, timeout=120)
    assert fetched.returncode == 0, fetched.stderr
    assert [feed["outcome"] for feed in json.loads(fetched.stdout)["feeds"]] == ["ok"] * 4
    built = run_invoke("build", "-s", str(settings), cwd=root, timeout=300)
    assert built.returncode == 0, built.stderr
    return root / "output"


def soup(output: Path, page: str) -> BeautifulSoup:
    return BeautifulSoup((output / page).read_text(encoding="utf-8"), "html.parser")


def h_entries(output: Path) -> list[dict]:
    text = (output / "reading" / "index.html").read_text(encoding="utf-8")
    parsed = mf2py.parse(doc=text, url="http://site.test/reading/")
    feed = next(item for item in parsed["items"] if "h-feed" in item["type"])
    return [child for child in feed.get("children", []) if "h-entry" in child["type"]]


def articles(output: Path) -> dict[str, object]:
    """Each river article by the link of the post it shows."""
    found = {}
    for article in soup(output, "reading/index.html").select("article.h-entry"):
        link = article.select_one("h3 a.u-url") or article.select_one(".river-entry__meta > a")
        found[link["href"]] = article
    return found


def test_each_post_shows_once_newest_first(output: Path) -> None:
    assert [entry["properties"]["url"][0] for entry in h_entries(output)] == SHOWN
    page = soup(output, "reading/index.html")
    assert len(page.select("article.h-entry")) == len(SHOWN)
    assert not COPY_URLS & set(articles(output))  # no copy is an entry of its own


def test_a_cross_posted_post_links_its_copies(output: Path) -> None:
    shown = articles(output)
    for url, article in shown.items():
        also = [(a.get_text(strip=True), a["href"]) for a in article.select(".river-entry__also a")]
        assert also == COPIES.get(url, []), url
    by_url = {entry["properties"]["url"][0]: entry for entry in h_entries(output)}
    for url, copies in COPIES.items():
        assert {link for _, link in copies} <= set(by_url[url]["properties"]["syndication"])
    assert shown[BLOG_POST].select_one(".river-entry__also").get_text(" ", strip=True) == (
        "Also on Mastodon · Bluesky"
    )


def test_short_titleless_posts_are_notes(output: Path) -> None:
    shown = articles(output)
    by_url = {entry["properties"]["url"][0]: entry for entry in h_entries(output)}
    for url in NOTES:
        article = shown[url]
        assert article.find(["h3", "h4"]) is None and "Untitled" not in article.get_text()
        assert article["aria-label"].startswith("Note by ")
        assert "name" not in by_url[url]["properties"]
        assert by_url[url]["properties"]["content"][0]["value"]
    # A long titleless post keeps the start of its text as a stand-in title, not its name.
    long = shown[TOOT_LONG].select_one("h3.river-entry__title--stand-in")
    assert long.get_text(strip=True).startswith("A long thread about rubrics")
    assert "name" not in by_url[TOOT_LONG]["properties"]
    assert by_url[BLOG_POST]["properties"]["name"] == ["Teaching with notebooks"]


def test_the_pages_heading_outline_skips_no_level(output: Path) -> None:
    levels = [int(h.name[1]) for h in soup(output, "reading/index.html").find_all(
        ["h1", "h2", "h3", "h4", "h5", "h6"]
    )]  # fmt: skip
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))


def test_the_member_page_lists_each_post_once(output: Path) -> None:
    latest = soup(output, "network/ada/index.html").select(".network-latest a[href]")
    posts = [a["href"] for a in latest if a["href"] in SHOWN or a["href"] in COPY_URLS]
    assert posts == [url for url in SHOWN if "ada" in url]


def test_the_output_feeds_carry_each_post_once_and_notes_without_titles(output: Path) -> None:
    document = json.loads((output / "reading" / "feed.json").read_text(encoding="utf-8"))
    assert [item["url"] for item in document["items"]] == SHOWN
    assert {item["url"] for item in document["items"] if "title" in item} == {BLOG_POST}
    rss = ET.parse(output / "reading" / "rss.xml").getroot()
    items = rss.findall("channel/item")
    assert [item.findtext("link") for item in items] == SHOWN
    assert {item.findtext("link") for item in items if item.find("title") is not None} == {
        BLOG_POST
    }
    atom = feedparser.parse((output / "reading" / "atom.xml").read_bytes())
    assert [entry.link for entry in atom.entries] == SHOWN
    assert all(entry.title for entry in atom.entries)  # Atom asks for one: the text's start


def test_the_output_feeds_stay_valid(output: Path) -> None:
    for name in ("atom.xml", "rss.xml", "feed.json"):
        path = output / "reading" / name
        assert feed_problems(path, f"{DEVELOPMENT_AT}/reading/{name}") == [], name
