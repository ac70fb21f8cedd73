"""Real feeds read right: feeds from the corpus of real-world feeds, fetched over HTTP from
127.0.0.1 into a real store and built into a site, give output feeds that pass the validator's
rules (tests.support.feed_rules) in a development and a publishing build, and pages where the
Arabic, Persian, Urdu and Hebrew posts read right to left.

The feeds are the ones that broke those promises: malformed tag ids, dates without times,
entries with no text, relative links, empty titles, a titleless micro blog, a planet's
<source>s, and right-to-left feeds, one of them labelled English.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pln_site.devserver import LocalFeedServer
from pln_site.entries import FeedSource
from pln_site.feeds.update import fetch_all
from pln_site.store import Store
from tests.support.browser import chromium, serve_folder
from tests.support.feed_rules import feed_problems
from tests.support.hostile_sites import member_file, write_site
from tests.support.project import build_site

# member id -> (corpus file, the language the member file lists, or None)
FEEDS = {
    "arabic": ("hugo-rss2-localhost-links-sawalhy-ar.xml", "ar"),
    "persian": ("hugo-rss2-persian-rtl-mislabeled-fa.xml", "fa"),
    "urdu": ("bbc-urdu-rss2-ur.xml", "ur"),
    "hebrew": ("fixture-feedparser-windows1255-undeclared-he.xml", "he"),
    "hebrew-json": ("jsonfeed-11-zero-items-yakikim-he.json", "he"),
    "tags": ("chicken-scheme-atom-egg-emacsninja-en.xml", None),
    "notext": ("huge-fullcontent-atom-yakubin-en.atom", None),
    "dateonly": ("atom-cdata-whitespace-date-only-ctoomey-en.xml", None),
    "notitle": ("gatsby-rss2-empty-title-en.xml", None),
    "relative-atom": ("fixture-reader-relative-links.atom", None),
    "relative-rss": ("fixture-reader-relative-links.rss", None),
    "vim": ("handwritten-vim-atom-pappacoda-it.atom", "it"),
    "micro": ("microblog-rss2-titleless-xtof-fr.xml", "fr"),
    "planet": ("planet-gnome-venus-atom-1entry-en.xml", None),
}
RTL_MEMBERS = {"arabic", "persian", "urdu", "hebrew"}
PUBLISHED_AT = "https://robin.example"
DEVELOPMENT_AT = "http://127.0.0.1:8000"  # pelicanconf.py's FEED_DOMAIN


def build_from_corpus(root: Path, corpus: Path, *, publishing: bool) -> Path:
    members = {
        member_id: member_file(
            f"Member {member_id}",
            [(f"http://corpus.example/{name}", None)],
            languages=[language] if language else [],
            topics=["right to left" if member_id in RTL_MEMBERS else "other"],
        )
        for member_id, (name, language) in FEEDS.items()
    }
    write_site(root / "content", members)
    store_file = root / "cache" / "planet.sqlite3"
    sources = [FeedSource(mid, f"http://corpus.example/{name}") for mid, (name, _) in FEEDS.items()]
    with LocalFeedServer(corpus) as server:
        settings = {
            "PLANET_ALLOW_PRIVATE_ADDRESSES": True,
            "PLANET_RESOLVE": {"corpus.example": server.address},
            "PLANET_MAX_AGE_DAYS": 0,  # old posts too: the corpus is years old
            "PLANET_IMAGES": False,
        }
        with Store(store_file) as store:
            report = fetch_all(sources, store, settings)
    failed = {feed.url: feed.reason for feed in report.feeds if feed.outcome == "failed"}
    assert failed == {}, failed
    overrides: dict = {}
    if publishing:
        overrides = {
            "SITEURL": PUBLISHED_AT,
            "RELATIVE_URLS": False,
            "FEED_DOMAIN": PUBLISHED_AT,
            "FEED_ALL_RSS": "feeds/all.rss.xml",
        }
    build_site(
        root / "content",
        root / "output",
        PLANET_STORE_PATH=str(store_file),
        PLANET_MAX_PER_MEMBER=0,
        PLANET_FEED_MAX_ITEMS=500,
        PLANET_PER_PAGE=500,
        **overrides,
    )
    return root / "output"


@pytest.mark.parametrize("publishing", [False, True], ids=["development", "publishing"])
def test_real_feeds_give_valid_output_feeds(corpus_dir: Path, tmp_path: Path, publishing: bool):
    output = build_from_corpus(tmp_path, corpus_dir, publishing=publishing)
    base = PUBLISHED_AT if publishing else DEVELOPMENT_AT
    files = sorted(output.rglob("*.xml")) + sorted(output.rglob("feed.json"))
    assert len(files) >= 6
    problems = {
        path.relative_to(output).as_posix(): found
        for path in files
        if (found := feed_problems(path, f"{base}/{path.relative_to(output).as_posix()}"))
    }
    assert problems == {}


def first_strong_is_rtl(text: str) -> bool:
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return True
        if kind == "L":
            return False
    return False


def test_right_to_left_posts_from_real_feeds_read_right_to_left(corpus_dir: Path, tmp_path: Path):
    output = build_from_corpus(tmp_path, corpus_dir, publishing=False)
    river = BeautifulSoup((output / "reading" / "index.html").read_text("utf-8"), "html.parser")
    rtl_titles = [
        title
        for title in river.select(".river-entry__title")
        if first_strong_is_rtl(title.get_text(strip=True))
    ]
    assert len(rtl_titles) >= 10, "the right-to-left feeds' posts are on the river"
    for title in rtl_titles:
        assert title["dir"] == "auto", title
        article = title.find_parent("article")
        assert article.find(class_="river-entry__excerpt")["dir"] == "auto"
        # The member's one language, even where the feed says "en" (the Persian one does).
        member = article.select_one(".river-entry__meta bdi").get_text().removeprefix("Member ")
        assert title.get("lang") == FEEDS[member][1], (member, title.get("lang"))
    with serve_folder(output) as base, chromium() as browser:
        tab = browser.new_page()
        for url in ("reading/", "reading/topics/right-to-left/"):
            tab.goto(f"{base}{url}")
            directions = tab.evaluate(
                """() => [...document.querySelectorAll(".river-entry__title")].map((title) =>
                     [title.textContent.trim(), getComputedStyle(title).direction])"""
            )
            shown = [direction for text, direction in directions if first_strong_is_rtl(text)]
            assert shown and set(shown) == {"rtl"}, (url, directions[:5])
