"""Hot links through the real path: feeds on 127.0.0.1 > `fetch_all` > a real store > a Pelican
build. Three members cite one page, each spelling it their own way (tracking parameters,
http/https, "www.", a trailing slash, the host's case); one member cites it twice; one page is
cited by a single member; one member links to another's site and to their own; anchor text and
quotes carry script text and right-to-left writing."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urljoin

import feedparser
import pytest
from bs4 import BeautifulSoup, Tag

from pln_site.devserver import LocalFeedServer
from pln_site.entries import FeedSource
from pln_site.feeds.update import fetch_all
from pln_site.store import Store
from tests.support.feed_rules import feed_problems
from tests.support.fetching import BASE_SETTINGS, atom_entry, atom_feed, days_ago
from tests.support.project import build_site
from tests.support.xss_vectors import VECTORS

SITEURL = "https://robin.example"
STORY = "https://news.example/story?id=7"
HOSTILE = "<script>alert(1)</script>"
ARABIC = "قصة مهمة"
MEMBERS = {
    "ada": "Ada Quill",
    "bo": "Bo Lind",
    "cy": "Cy Okafor",
    "dee": "Dee Ruiz",
    "eve": "Eve Marsh",
}
# Eve's lens skips her posts titled "Ignore": what the pages do not show cites nothing.
LENS = {"eve": "    skip:\n      - title: [Ignore]\n"}


def post(member: str, slug: str, title: str, html: str, age_days: float = 1) -> str:
    link = f"https://{member}.example/{slug}"
    return atom_entry(link, title, days_ago(age_days), link=link, content=html)


FEEDS = {
    "ada": [
        post(
            "ada",
            "one",
            "Ada reads the news",
            f'<p>Before the link. Read <a href="{STORY}&amp;utm_source=rss&amp;utm_medium=feed">'
            'the story</a> today. About <a href="https://ada.example/about">me</a>.</p>',
        ),
        post(
            "ada",
            "two",
            "Ada again",
            '<p>Once more: <a href="http://NEWS.example/story/?id=7&amp;fbclid=abc">it</a>.</p>',
            age_days=2,
        ),
    ],
    "bo": [
        post(
            "bo",
            "note",
            "Bo's note",
            '<p>Look: <a href="http://www.news.example/story?id=7&amp;gclid=x&amp;ref=hn">'
            "&lt;script&gt;alert(1)&lt;/script&gt;</a> says &lt;script&gt;alert(1)&lt;/script&gt;"
            " too.</p>",
        ),
        post(
            "bo",
            "lonely",
            "Bo alone",
            '<p>Only I cite <a href="https://lonely.example/page">this page</a>.</p>',
        ),
    ],
    "cy": [
        post(
            "cy",
            "rtl",
            "Cy writes",
            f'<p dir="rtl">{ARABIC} <a href="https://news.example/story?mc_cid=1&amp;id=7&amp;'
            f'mc_eid=2">{ARABIC}</a> {ARABIC}</p>',
        ),
    ],
    "dee": [
        post(
            "dee",
            "friend",
            "Dee on Ada",
            '<p>My friend wrote <a href="https://ada.example/essay">a fine essay</a>.</p>',
        ),
        post(  # older than PLANET_HOT_DAYS: counts for nothing
            "dee",
            "old",
            "Dee, long ago",
            f'<p>Old: <a href="{STORY}">the story</a>.</p>',
            age_days=30,
        ),
    ],
    "eve": [
        post("eve", "skipped", "Ignore this", f'<p>Skipped: <a href="{STORY}">the story</a>.</p>'),
    ],
}


PUBLISHING = {"SITEURL": SITEURL, "FEED_DOMAIN": SITEURL, "RELATIVE_URLS": False}
DEVELOPMENT_AT = "http://127.0.0.1:8000"  # pelicanconf.py's FEED_DOMAIN, for `invoke serve`


def fetch_and_build(
    root: Path,
    members: dict[str, str],
    feeds: dict[str, list[str]],
    lens: dict[str, str],
    build: dict | None = None,
) -> Path:
    """Members' files, their feeds served on 127.0.0.1, a real fetch into a real store, then a
    Pelican build (as publishing does it, unless `build` says otherwise); returns the output
    folder."""
    network = root / "content" / "network"
    network.mkdir(parents=True)
    for member, name in members.items():
        (network / f"{member}.yaml").write_text(
            f"name: {name}\nurl: https://{member}.example/\nwhy: Writes well.\nsince: 2020\n"
            f"topics: [news]\nfeeds:\n  - url: http://{member}.example/feed.xml\n"
            f"{lens.get(member, '')}",
            encoding="utf-8",
        )
    served = root / "feeds"
    for member, entries in feeds.items():
        (served / f"{member}.example").mkdir(parents=True)
        body = atom_feed(*entries, site=f"https://{member}.example/")
        (served / f"{member}.example" / "feed.xml").write_bytes(body)
    store_file = root / "cache" / "planet.sqlite3"
    sources = [FeedSource(member, f"http://{member}.example/feed.xml") for member in members]
    with LocalFeedServer(served, by_host=True) as server:
        settings = {
            **BASE_SETTINGS,
            "PLANET_RESOLVE": {f"{member}.example": server.address for member in members},
        }
        with Store(store_file) as store:
            report = fetch_all(sources, store, settings)
    assert [feed.outcome for feed in report.feeds] == ["ok"] * len(members), report.to_dict()
    build_site(
        root / "content",
        root / "output",
        PLANET_STORE_PATH=str(store_file),
        **(PUBLISHING if build is None else build),
    )
    return root / "output"


@pytest.fixture(scope="module")
def output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fetch_and_build(tmp_path_factory.mktemp("hot-links"), MEMBERS, FEEDS, LENS)


def page(output: Path, path: str) -> BeautifulSoup:
    return BeautifulSoup((output / path).read_text("utf-8"), "html.parser")


def section(soup: BeautifulSoup, heading_id: str) -> Tag:
    heading = soup.find(id=heading_id)
    assert heading is not None, heading_id
    found = heading.find_parent("section")
    assert isinstance(found, Tag)
    return found


def listed_links(part: Tag) -> dict[str, Tag]:
    """The cited pages listed in `part`, by the address each links to."""
    return {item.h3.a["href"]: item for item in part.select("li.hot-link")}


def citers(item: Tag) -> list[str]:
    return [anchor.get_text() for anchor in item.select("a.hot-link__member")]


def test_a_page_three_members_cite_is_hot_once_whatever_its_spelling(output: Path) -> None:
    hot = listed_links(section(page(output, "reading/links/index.html"), "hot-links-title"))
    assert list(hot) == [STORY], "the page once, without tracking parameters; no lone link"
    story = hot[STORY]
    assert story.select_one(".hot-link__count").get_text(strip=True) == "3 members:"
    # Ada cites it in two posts: both are listed, and she counts once.
    assert sorted(citers(story)) == ["Ada Quill", "Ada Quill", "Bo Lind", "Cy Okafor"]
    members = {a.get_text(): a["href"] for a in story.select("a.hot-link__member")}
    assert members["Bo Lind"] == f"{SITEURL}/network/bo/"
    posts = {a.get_text(): a["href"] for a in story.select("a.hot-link__post")}
    assert posts["Ada reads the news"] == "https://ada.example/one"
    assert posts["Ada again"] == "https://ada.example/two"
    assert "Dee, long ago" not in posts, "a post older than PLANET_HOT_DAYS"
    assert "Ignore this" not in posts, "a post the lens skips"
    quotes = [quote.get_text() for quote in story.select(".hot-link__quote")]
    assert "Before the link. Read the story today. About me." in quotes


def test_hostile_and_right_to_left_text_shows_as_text(output: Path) -> None:
    soup = page(output, "reading/links/index.html")
    assert soup.find("script", string=lambda text: text and "alert" in text) is None
    story = listed_links(section(soup, "hot-links-title"))[STORY]
    quotes = [quote for quote in story.select(".hot-link__quote")]
    assert f"Look: {HOSTILE} says {HOSTILE} too." in [quote.get_text() for quote in quotes]
    rtl = next(quote for quote in quotes if ARABIC in quote.get_text())
    assert rtl["dir"] == "auto"
    assert rtl.get_text() == f"{ARABIC} {ARABIC} {ARABIC}"
    for name in story.select("a.hot-link__member"):
        assert name.bdi is not None and name.bdi["dir"] == "auto"


def test_links_to_a_members_site_are_members_linking_to_each_other(output: Path) -> None:
    soup = page(output, "reading/links/index.html")
    between = listed_links(section(soup, "members-links-title"))
    assert list(between) == ["https://ada.example/essay"], "Ada's link to her own site is not"
    assert citers(between["https://ada.example/essay"]) == ["Dee Ruiz"]
    everywhere = {anchor["href"] for anchor in soup.find_all("a", href=True)}
    assert "https://ada.example/about" not in everywhere
    assert "https://lonely.example/page" not in everywhere


def test_the_rivers_first_page_shows_the_hot_links(output: Path) -> None:
    block = page(output, "reading/index.html").find("nav", class_="reading-hot")
    assert isinstance(block, Tag)
    assert block.h2.a["href"] == f"{SITEURL}/reading/links/"
    [item] = block.select("ol > li")
    links_page = listed_links(section(page(output, "reading/links/index.html"), "hot-links-title"))
    title, count = item.find_all("a")
    assert (title["href"], title.get_text()) == (STORY, "the story")
    assert title.bdi["dir"] == "auto"
    assert count["href"] == f"{SITEURL}/reading/links/#{links_page[STORY]['id']}"
    assert count.get_text() == "(3 members)"


def test_the_hot_links_feed_is_valid_and_carries_the_page(output: Path) -> None:
    path = output / "reading" / "links" / "atom.xml"
    assert feed_problems(path, f"{SITEURL}/reading/links/atom.xml") == []
    parsed = feedparser.parse(path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    [entry] = parsed.entries
    assert entry.link == STORY
    content = BeautifulSoup(entry.content[0].value, "html.parser")
    assert content.find("script") is None
    assert f"{HOSTILE} says" in content.get_text()
    members = {a.get_text(): a["href"] for a in content.find_all("a") if "network" in a["href"]}
    assert members["Cy Okafor"] == f"{SITEURL}/network/cy/"


HOSTILE_PAGE = "https://hostile.example/page"


@pytest.fixture(scope="module")
def hostile_output(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two members cite one page with every script vector around and inside the link, as text
    (escaped in the feed's HTML), and after it as markup (the sanitizer's to clean; before
    the link, an unclosed vector would swallow it)."""
    markup = " ".join(vector for _, vector in VECTORS)
    as_text = " ".join(html.escape(vector) for _, vector in VECTORS)
    feeds = {
        member: [
            post(
                member,
                "attack",
                f"Attack {HOSTILE}",
                f'<p>{as_text} <a href="{HOSTILE_PAGE}">{as_text}</a> {markup}</p>',
            )
        ]
        for member in ("ada", "bo")
    }
    members = {member: f"{MEMBERS[member]} {HOSTILE}" for member in feeds}
    return fetch_and_build(tmp_path_factory.mktemp("hot-links-hostile"), members, feeds, {})


def scripts_in(soup: BeautifulSoup) -> list[str]:
    """What could run: script elements, event handler attributes, script URLs."""
    found = [str(tag)[:80] for tag in soup.find_all(["script", "iframe", "object", "embed"])]
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            text = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on") or "javascript:" in text.lower().replace(" ", ""):
                found.append(f"{tag.name} {name}={text[:60]}")
    return found


def test_hostile_link_text_reaches_the_links_page_and_its_feed_as_text(
    hostile_output: Path,
) -> None:
    soup = page(hostile_output, "reading/links/index.html")
    main = soup.find("main")
    assert isinstance(main, Tag)
    assert scripts_in(main) == []
    [item] = listed_links(section(soup, "hot-links-title")).values()
    assert HOSTILE in item.h3.get_text(), "the escaped payload shows as the text it is"
    parsed = feedparser.parse((hostile_output / "reading" / "links" / "atom.xml").read_bytes())
    assert parsed.bozo == 0
    [entry] = parsed.entries
    assert scripts_in(BeautifulSoup(entry.content[0].value, "html.parser")) == []
    block = page(hostile_output, "reading/index.html").find("nav", class_="reading-hot")
    assert isinstance(block, Tag) and scripts_in(block) == []


def test_a_development_build_writes_a_valid_feed_with_whole_links(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    output = fetch_and_build(tmp_path_factory.mktemp("hot-links-dev"), MEMBERS, FEEDS, LENS, {})
    path = output / "reading" / "links" / "atom.xml"
    assert feed_problems(path, f"{DEVELOPMENT_AT}/reading/links/atom.xml") == []
    [entry] = feedparser.parse(path.read_bytes()).entries
    members = BeautifulSoup(entry.content[0].value, "html.parser").select("li > a")
    assert f"{DEVELOPMENT_AT}/network/ada/" in {anchor["href"] for anchor in members}
    block = page(output, "reading/index.html").find("nav", class_="reading-hot")
    assert isinstance(block, Tag)
    # Wherever the site is served from, the link leads from the river to the links page.
    served = "http://127.0.0.1:8000/reading/index.html"
    assert urljoin(served, block.h2.a["href"]) == "http://127.0.0.1:8000/reading/links/"
