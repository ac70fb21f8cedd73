"""Posts in right-to-left scripts read right to left, with their dates in place, and every page
shows a post's date the same way: in the site's time zone, the zone named.

Entries are written into a real store through the store's API (as `invoke fetch` would after
reading the feeds) and a real site is built from it with Pelican; the pages are read back with
an HTML parser.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup, Tag
from pelican.settings import read_settings

from pln_site.commands.share import share_entry
from pln_site.entries import FeedSource, ParsedEntry
from pln_site.store import FeedChanged, Retention, Store
from tests.support.browser import chromium, serve_folder
from tests.support.hostile_sites import member_file, write_site
from tests.support.project import PROJECT, build_site

BERLIN = ZoneInfo("Europe/Berlin")  # the project's TIMEZONE
ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NOW = dt.datetime.now(dt.UTC).replace(microsecond=0)
# Late in the evening in UTC: already the next day in Berlin. A page that showed the UTC date
# put this post on another day than the river did.
LATE = (NOW - dt.timedelta(days=2)).replace(hour=23, minute=30, second=0)

ARABIC_TITLE = "تعلم الآلة في الفصل الدراسي"
ARABIC_SENTENCE = "هذا نص عربي طويل عن التعليم المفتوح والتعلم من الأقران. "
# The post's own headings: on a page they must rank below the entry's title.
ARABIC_TEXT = (
    f"<h1>مقدمة</h1><p>{ARABIC_SENTENCE * 2}</p><h2>الفكرة</h2><h3>تفاصيل</h3>"
    f"<p>{ARABIC_SENTENCE * 20}</p>"
)
HEBREW_TITLE = "למידה פתוחה בקהילה"


@dataclass(frozen=True)
class Post:
    member_id: str
    feed_url: str
    title: str
    link: str
    html: str
    published: dt.datetime


POSTS = [
    Post(
        "samira",
        "https://samira.example/feed.xml",
        ARABIC_TITLE,
        "https://samira.example/ml-class",
        ARABIC_TEXT,
        LATE,
    ),
    Post(
        "noa",
        "https://noa.example/feed.xml",
        HEBREW_TITLE,
        "https://noa.example/open",
        "<p>טקסט קצר.</p>",
        LATE - dt.timedelta(hours=5),
    ),
    # Long, and no link: cut, with nothing to continue reading at.
    Post(
        "noa",
        "https://noa.example/feed.xml",
        "Notes without a home",
        "",
        "<p>" + "A long note that nobody linked. " * 30 + "</p>",
        LATE - dt.timedelta(hours=6),
    ),
]


def build_settings() -> dict:
    """The project's settings as the commands read them (TIMEZONE and all)."""
    return read_settings(str(PROJECT / "pelicanconf.py"))


def store_posts(store_file: Path, posts: list[Post]) -> None:
    """The posts in the store, one fetch per feed, as the fetcher saves them."""
    with Store(store_file) as store:
        for post in posts:
            entry = ParsedEntry(
                key=post.link or post.title,
                link=post.link or None,
                title=post.title,
                author=None,
                content_html=post.html,
                summary_html="",
                published=post.published,
                updated=None,
            )
            store.save(
                FeedChanged(
                    source=FeedSource(post.member_id, post.feed_url),
                    at=NOW,
                    status=200,
                    etag=None,
                    last_modified=None,
                    body_hash=post.link or post.title,
                    title=None,
                    html_url=None,
                    entries=(entry,),
                ),
                Retention(max_entries=50, max_age_days=0),
            )


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("rtl")
    write_site(
        root / "content",
        {
            # Samira lists one language: her posts are in it. Noa lists none: no lang at all.
            "samira": member_file(
                "سميرة الحسيني",
                [("https://samira.example/feed.xml", None)],
                why="تكتب عن التعليم المفتوح.",
                languages=["ar"],
                topics=["open education"],
            ),
            "noa": member_file(
                "נועה לוי",
                [("https://noa.example/feed.xml", None)],
                topics=["open education"],
            ),
        },
    )
    store_file = root / "cache" / "planet.sqlite3"
    store_posts(store_file, POSTS)
    build_site(root / "content", root / "output", PLANET_STORE_PATH=str(store_file))
    return root / "output"


def page(output: Path, url: str) -> BeautifulSoup:
    return BeautifulSoup((output / url / "index.html").read_text(encoding="utf-8"), "html.parser")


def holder(soup: BeautifulSoup, text: str) -> Tag:
    """The innermost element whose text is exactly `text` (a title, a name)."""
    found = [tag for tag in soup.find_all(True) if tag.get_text(strip=True) == text]
    assert found, f"{text!r} is not on the page"
    return found[-1]


def direction_and_language(element: Tag) -> tuple[str | None, str | None]:
    """The `dir` and `lang` the element gets: its own, else the nearest ancestor's."""
    direction = language = None
    for tag in [element, *element.parents]:
        if not isinstance(tag, Tag):
            continue
        direction = direction or tag.get("dir")
        language = language or tag.get("lang")
    return direction, language


def river_entry(soup: BeautifulSoup, link: str) -> Tag:
    anchor = soup.find("a", href=link)
    assert anchor is not None, f"{link} is not on the page"
    article = anchor.find_parent("article")
    assert article is not None
    return article


def test_an_arabic_post_on_the_river_reads_right_to_left_in_its_language(site: Path) -> None:
    for url in ("reading", "reading/topics/open-education"):
        entry = river_entry(page(site, url), POSTS[0].link)
        title = entry.find(class_="river-entry__title")
        assert (title["dir"], title["lang"]) == ("auto", "ar")
        excerpt = entry.find(class_="river-entry__excerpt")
        assert (excerpt["dir"], excerpt["lang"]) == ("auto", "ar")
        # The author's name sits in a line with the time: isolated, so the time stays after it.
        name = holder(entry, "سميرة الحسيني")
        assert name.name == "bdi" and name["dir"] == "auto"
        meta = entry.find(class_="river-entry__meta")
        assert meta.get("dir") is None, "the line keeps the page's direction"
        assert meta.find("bdi") is not None and meta.find("time") is not None


def test_a_post_whose_language_nobody_gives_has_no_lang(site: Path) -> None:
    entry = river_entry(page(site, "reading"), POSTS[1].link)
    title = entry.find(class_="river-entry__title")
    assert title["dir"] == "auto"
    assert direction_and_language(title)[1] == "en", "only the page's own language"


def test_cards_and_member_pages_isolate_names_titles_and_why(site: Path) -> None:
    directory = page(site, "network")
    member = page(site, "network/samira")
    for soup in (directory, member):
        title = holder(soup, ARABIC_TITLE)
        assert title.name == "bdi" and (title["dir"], title["lang"]) == ("auto", "ar")
        # The date after the title stays in the left-to-right line, after the title.
        line = title.find_parent(["p", "li"])
        assert line.get("dir") is None and line.find("time") is not None
        why = holder(soup, "تكتب عن التعليم المفتوح.")
        assert why["dir"] == "auto"
    assert holder(member, "سميرة الحسيني")["dir"] == "auto"  # the page's heading
    hebrew = holder(directory, HEBREW_TITLE)
    assert hebrew["dir"] == "auto" and hebrew.get("lang") is None


def shown_date(soup: BeautifulSoup, link: str) -> Tag:
    """The <time> shown with the post at `link` (on a river, a card or a member page)."""
    anchor = soup.find("a", href=link)
    assert anchor is not None, f"{link} is not on the page"
    line = anchor.find_parent(["article", "li", "p"])
    if "river-entry" not in (line.get("class") or []):
        line = anchor.find_parent(["li", "p"])
    time = line.find("time")
    assert time is not None
    return time


def test_every_page_shows_a_post_on_the_same_day_in_the_sites_zone(site: Path) -> None:
    local = LATE.astimezone(BERLIN)
    assert local.date() != LATE.date(), "the case this test is about"
    times = [
        shown_date(page(site, url), POSTS[0].link)
        for url in ("reading", "reading/topics/open-education", "network", "network/samira", "")
    ]
    texts = {time.get_text(strip=True) for time in times}
    assert len(texts) == 1, f"one post, one way of showing its date: {texts}"
    (text,) = texts
    assert str(local.day) in text.split() and local.strftime("%H:%M") in text
    assert text.endswith(local.tzname()), "the zone is named"
    for time in times:  # the machine-readable value is the full instant
        assert dt.datetime.fromisoformat(time["datetime"]) == LATE


def test_a_share_draft_dates_the_post_as_the_pages_do(site: Path, tmp_path: Path) -> None:
    river_time = shown_date(page(site, "reading"), POSTS[0].link).get_text(strip=True)
    content = tmp_path / "content"
    write_site(content, {"samira": member_file("سميرة الحسيني", languages=["ar"])})
    store_file = site.parent / "cache" / "planet.sqlite3"
    settings = {**build_settings(), "PATH": str(content), "PLANET_STORE_PATH": str(store_file)}
    assert share_entry(POSTS[0].link, settings, out=io.StringIO(), err=io.StringIO()) == 0
    (draft,) = [path for path in (content / "posts").glob("*.md") if path.name != "hello.md"]
    credit = next(line for line in draft.read_text(encoding="utf-8").splitlines() if "](" in line)
    assert credit.endswith(f", {river_time}:"), credit


def heading_level(tag: Tag) -> int:
    return int(tag.name[1])


def test_a_posts_headings_rank_below_its_title_on_every_river(site: Path) -> None:
    for url in ("reading", "reading/topics/open-education"):
        soup = page(site, url)
        entry = river_entry(soup, POSTS[0].link)
        title = entry.find(class_="river-entry__title")
        excerpt = entry.find(class_="river-entry__excerpt")
        inner = excerpt.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])
        assert [h.get_text() for h in inner] == ["مقدمة", "الفكرة", "تفاصيل"]
        assert all(heading_level(h) > heading_level(title) for h in inner), inner
        # Their order is kept: the post's h1 is still above its h2.
        assert [heading_level(h) for h in inner] == sorted(heading_level(h) for h in inner)
        for river in soup.select(".river"):
            assert not river.find_all(["h1"]), "no h1 of a feed's on the page"


def test_a_cut_excerpt_ends_with_a_link_to_the_original_named_with_its_title(site: Path):
    soup = page(site, "reading")
    entry = river_entry(soup, POSTS[0].link)
    excerpt = entry.find(class_="river-entry__excerpt")
    assert excerpt.get_text().rstrip().endswith("…"), "the excerpt is cut"
    links = [a for a in entry.find_all("a", href=POSTS[0].link) if a.find_parent("h3") is None]
    assert len(links) == 1, links
    (more,) = links
    # After the excerpt, and its accessible name says which post it continues.
    assert excerpt in more.find_all_previous("div")
    name = more.get_text(" ", strip=True)
    assert name.startswith("Continue reading") and ARABIC_TITLE in name
    # A short post has nothing more to read; a cut one without a link has nowhere to go.
    short = river_entry(soup, POSTS[1].link)
    assert [a["href"] for a in short.find_all("a") if "Continue" in a.get_text()] == []
    unlinked = holder(soup, "Notes without a home").find_parent("article")
    assert unlinked.find(class_="river-entry__excerpt").get_text().rstrip().endswith("…")
    assert not [a for a in unlinked.find_all("a") if "Continue" in a.get_text()]


def test_the_reading_feed_gives_an_entry_its_language(site: Path) -> None:
    feed = ET.parse(site / "reading" / "atom.xml").getroot()
    languages = {
        entry.findtext(f"{ATOM}title"): entry.get(XML_LANG) for entry in feed.iter(f"{ATOM}entry")
    }
    assert languages[ARABIC_TITLE] == "ar"
    assert languages[HEBREW_TITLE] is None, "no language claimed where none is known"
    document = json.loads((site / "reading" / "feed.json").read_text(encoding="utf-8"))
    by_title = {item["title"]: item.get("language") for item in document["items"]}
    assert (by_title[ARABIC_TITLE], by_title[HEBREW_TITLE]) == ("ar", None)


# What a reader sees: the browser lays the Arabic post out right to left, and the date that
# follows a right-to-left title or name stays after it, on the line's right.
LAYOUT = """(link) => {
  const anchor = [...document.querySelectorAll("a")].find((a) => a.href === link);
  const line = anchor.closest("article, li, p");
  const time = line.querySelector("time");
  const title = line.querySelector(".river-entry__title") || anchor;
  const text = line.querySelector(".river-entry__excerpt");
  const name = line.querySelector(".river-entry__meta bdi");
  // The end of the title or name (its last line box) and the start of the date: the date is
  // after it on the same line, or on a line below when the line wrapped.
  const ends = [...(name || title.querySelector("bdi") || title).getClientRects()].pop();
  const date = time.getClientRects()[0];
  const sameLine = date.top < ends.bottom - 1;
  return {
    title: getComputedStyle(title.querySelector("bdi") || title).direction,
    text: text && getComputedStyle(text).direction,
    line: getComputedStyle(time.parentElement).direction,
    before: sameLine ? ends.right <= date.left + 1 : date.top >= ends.bottom - 1,
  };
}"""


def test_a_browser_lays_the_arabic_post_right_to_left_with_its_date_in_place(site: Path):
    with serve_folder(site) as base, chromium() as browser:
        tab = browser.new_page()
        for url in ("reading/", "reading/topics/open-education/", "network/", "network/samira/"):
            tab.goto(f"{base}{url}")
            layout = tab.evaluate(LAYOUT, POSTS[0].link)
            assert layout["title"] == "rtl", (url, layout)
            if url.startswith("reading"):
                assert layout["text"] == "rtl", (url, layout)
            assert layout["line"] == "ltr" and layout["before"], (url, layout)
