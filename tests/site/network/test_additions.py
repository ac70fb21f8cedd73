"""New in my network: the directory's newest additions, and an Atom feed of them."""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup

from pln_site.members.loader import load_members
from pln_site.site.network.opml import since_as_datetime
from tests.support.project import FIXTURE_SITE, build_site


def newest_ids(count: int) -> list[str]:
    members = [
        m
        for m in load_members(
            FIXTURE_SITE / "content" / "network", FIXTURE_SITE / "content" / "images" / "avatars"
        )
        if m.is_listed
    ]
    members.sort(key=lambda m: (since_as_datetime(m.since), len(m.since)), reverse=True)
    return [m.id for m in members[:count]]


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("additions")
    content = root / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    output = root / "output"
    build_site(
        content,
        output,
        PLUGINS=["pln_site.site.network", "pln_site.site.reading"],
        PLANET_STORE_PATH=str(root / "none.sqlite3"),
        NETWORK_NEW_COUNT=3,
    )
    return output


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_directory_shows_the_newest_additions_first(built):
    index = soup(built / "network" / "index.html")
    section = index.find("section", class_="network-new")
    assert section.h2.get_text() == "New in my network"
    hrefs = [a["href"] for a in section.find_all("a") if "new.atom.xml" not in a["href"]]
    ids = [urljoin("http://x/network/", href).split("/")[-2] for href in hrefs]
    assert ids == newest_ids(3)
    for member_id in ids:
        assert (built / "network" / member_id / "index.html").is_file()


def test_the_directory_head_links_the_additions_feed(built):
    index = soup(built / "network" / "index.html")
    links = [
        link
        for link in index.head.find_all("link", rel="alternate")
        if link.get("type") == "application/atom+xml" and "new" in link.get("title", "").lower()
    ]
    assert len(links) == 1
    assert urljoin("http://x/network/", links[0]["href"]) == "http://x/network/new.atom.xml"
    # The sorted variants of the directory do not repeat the section.
    assert (
        soup(built / "network" / "by" / "newest" / "index.html").find(class_="network-new") is None
    )


def test_the_additions_feed_is_atom_with_one_entry_per_member_newest_first(built):
    feed = feedparser.parse((built / "network" / "new.atom.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    assert feed.version == "atom10"
    ids = [urljoin("http://x/network/new.atom.xml", e.link).split("/")[-2] for e in feed.entries]
    assert ids == newest_ids(len(feed.entries))
    assert len(feed.entries) >= 3
    first = feed.entries[0]
    assert first.title.endswith("joined my network")
    assert first.id.startswith("urn:uuid:")
    # Member text is escaped by the XML writer, and read back as the same text.
    gus = next(e for e in feed.entries if e.title.startswith("Gus"))
    assert gus.title == "Gus <Berg> joined my network"
    assert "</script><script>alert(1)</script>" in gus.summary


def test_with_an_absolute_siteurl_the_feed_links_are_absolute(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    build_site(
        content,
        tmp_path / "output",
        PLUGINS=["pln_site.site.network", "pln_site.site.reading"],
        PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"),
        SITEURL="https://robin.example",
        RELATIVE_URLS=False,
    )
    feed = feedparser.parse((tmp_path / "output" / "network" / "new.atom.xml").read_bytes())
    assert all(e.link.startswith("https://robin.example/network/") for e in feed.entries)
    self_link = next(link for link in feed.feed.links if link.rel == "self")
    assert self_link.href == "https://robin.example/network/new.atom.xml"


def test_an_empty_save_as_turns_the_feed_off(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURE_SITE / "content", content)
    output = tmp_path / "output"
    build_site(
        content,
        output,
        PLUGINS=["pln_site.site.network", "pln_site.site.reading"],
        PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"),
        NETWORK_NEW_ATOM_SAVE_AS="",
    )
    assert not (output / "network" / "new.atom.xml").exists()
    index = soup(output / "network" / "index.html")
    assert not [link for link in index.find_all("link") if "new.atom" in link.get("href", "")]
    assert index.find("section", class_="network-new") is not None
