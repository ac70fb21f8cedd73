"""The reading pages and feeds, the real way: local feeds > fetch > store > Pelican build.

Feeds in RSS, Atom and JSON Feed are served on 127.0.0.1 (their *.example hosts mapped there with
PLANET_RESOLVE), fetched into a SQLite store, and a small site is built from the store. The
tests then read the output as a visitor, a microformats reader and a feed reader would.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import feedparser
import mf2py
import pytest
from bs4 import BeautifulSoup
from pelican.settings import read_settings

from pln_site.settings import with_defaults
from pln_site.site.reading.generator import ReadingGenerator
from pln_site.site.roster import roster_for
from pln_site.site.shared import ReadingData, reading_data
from tests.support.project import PROJECT, build_site
from tests.support.river_fixtures import (
    LISTED,
    PEOPLE,
    fetched_site,
    nesting_problems,
    posts_of,
    resolve,
    write_content,
)
from tests.support.search_index import indexed_words, words

PER_PAGE = 4
BERLIN = ZoneInfo("Europe/Berlin")


@dataclass
class Built:
    output: Path
    content: Path
    settings: dict

    def file(self, url: str) -> Path:
        target = self.output / url
        return target / "index.html" if url.endswith("/") else target

    def soup(self, url: str) -> BeautifulSoup:
        return BeautifulSoup(self.file(url).read_text(encoding="utf-8"), "html.parser")

    def river_files(self) -> list[Path]:
        files = [self.file(self.settings["PLANET_INDEX_URL"])]
        number = 2
        while (page := self.file(self.settings["PLANET_PAGE_URL"].format(number=number))).exists():
            files.append(page)
            number += 1
        return files


def h_entries(page: Path) -> list[dict]:
    """The h-entries of a river page, in page order (they sit inside the page's h-feed)."""
    parsed = mf2py.parse(doc=page.read_text(encoding="utf-8"), url="http://site.test/")
    found = []
    for item in parsed["items"]:
        if "h-feed" in item["type"]:
            found += [child for child in item.get("children", []) if "h-entry" in child["type"]]
        elif "h-entry" in item["type"]:
            found.append(item)
    return found


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = tmp_path_factory.mktemp("reading")
    store_file = fetched_site(root)
    settings = build_site(
        root / "content",
        root / "output",
        PLANET_STORE_PATH=str(store_file),
        PLANET_PER_PAGE=PER_PAGE,
    )
    return Built(root / "output", root / "content", settings)


def river_article(site: Built, link: str):
    """The river's <article> for the post at `link`, on whichever page it is."""
    for page in site.river_files():
        found = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("a", href=link)
        if found is not None:
            return found.find_parent("article")
    raise AssertionError(f"{link} is on no river page")


def all_river_entries(site: Built) -> list[dict]:
    return [entry for page in site.river_files() for entry in h_entries(page)]


def test_the_river_has_one_h_entry_per_listed_post_newest_first(site: Built) -> None:
    entries = all_river_entries(site)
    expected = posts_of(*LISTED)
    assert [e["properties"]["url"][0] for e in entries] == [post.link for post in expected]
    published = [dt.datetime.fromisoformat(e["properties"]["published"][0]) for e in entries]
    assert published == sorted(published, reverse=True)
    assert published == [post.date for post in expected]


def test_each_h_entry_names_its_title_author_and_member_page(site: Built) -> None:
    by_url = {e["properties"]["url"][0]: e for e in all_river_entries(site)}
    for post in posts_of(*LISTED):
        entry = by_url[post.link]
        if post.title:
            assert entry["properties"]["name"] == [post.title]
            assert "summary" in entry["properties"]
        else:  # a note: no name, its whole text as its content
            assert "name" not in entry["properties"]
            assert "content" in entry["properties"]
        author = entry["properties"]["author"][0]
        assert "h-card" in author["type"]
        assert author["properties"]["name"] == [PEOPLE[post.member].name]
        assert author["properties"]["url"] == [f"http://site.test/network/{post.member}/"]


def test_a_short_titleless_post_is_a_note_without_a_heading(site: Built) -> None:
    article = river_article(site, "http://ada.example/note-1")
    assert article.find(["h1", "h2", "h3", "h4"]) is None
    assert "Untitled" not in article.get_text()
    assert article["aria-label"].startswith("Note by Ada Quill, ")
    text = article.select_one(".e-content").get_text(" ", strip=True)
    assert text == "Just a short note about tests today, nothing more."
    permalink = article.select_one(".river-entry__meta > a.u-url")
    assert permalink["href"] == "http://ada.example/note-1" and permalink.find("time")


def test_entries_are_grouped_under_their_day_in_the_site_timezone(site: Built) -> None:
    for page in site.river_files():
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        days = soup.select("section.river-day")
        assert days
        headings = [day.find(["h2", "h3"]).find("time")["datetime"] for day in days]
        assert headings == sorted(set(headings), reverse=True), "one heading per day, newest first"
        for day, heading in zip(days, headings, strict=True):
            for time in day.select(".h-entry .dt-published"):
                local = dt.datetime.fromisoformat(time["datetime"]).astimezone(BERLIN)
                assert local.date().isoformat() == heading


def test_the_river_is_paginated_and_pages_link_each_other(site: Built) -> None:
    pages = site.river_files()
    expected_pages = -(-len(posts_of(*LISTED)) // PER_PAGE)
    assert len(pages) == expected_pages
    for index, page in enumerate(pages):
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        assert len(soup.select("article.h-entry")) <= PER_PAGE
        nav = soup.select_one("nav.pagination")
        following = nav.find("a", rel="next")
        previous = nav.find("a", rel="prev")
        if index + 1 < len(pages):
            assert resolve(page, site.output, following["href"]) == pages[index + 1]
            head_next = soup.head.find("link", rel="next")
            assert resolve(page, site.output, head_next["href"]) == pages[index + 1]
        else:
            assert following is None
        if index > 0:
            assert resolve(page, site.output, previous["href"]) == pages[index - 1]
        else:
            assert previous is None


def test_topic_rivers_hold_their_members_posts_only(site: Built) -> None:
    for topic, members in {
        "python": ("ada", "cy"),
        "teaching": ("ada", "bea"),
        "data": ("cy",),
    }.items():
        page = site.file(site.settings["PLANET_TOPIC_URL"].format(slug=topic))
        urls = [e["properties"]["url"][0] for e in h_entries(page)]
        assert urls == [post.link for post in posts_of(*members)][:PER_PAGE]


def test_the_main_river_lists_topics_linking_to_their_rivers(site: Built) -> None:
    page = site.file("reading/")
    nav = site.soup("reading/").select_one("nav.reading-topics")
    targets = {
        a.get_text(strip=True): resolve(page, site.output, a["href"]) for a in nav.find_all("a")
    }
    assert targets == {
        name: site.file(f"reading/topics/{name.lower()}/")
        for name in ("Data", "Python", "Teaching")
    }


def test_archived_members_posts_appear_nowhere(site: Built) -> None:
    archived = {post.link for post in posts_of("dov")}
    for path in site.output.rglob("*"):
        if path.suffix in (".html", ".xml", ".json"):
            text = path.read_text(encoding="utf-8")
            assert not any(link in text for link in archived), path
            assert "Dov Archived" not in text, path


def test_excerpts_are_cut_and_never_break_the_markup(site: Built) -> None:
    for page in site.river_files():
        assert nesting_problems(page.read_text(encoding="utf-8")) == [], page
    article = river_article(site, "http://bea.example/spaced")
    excerpt = article.select_one(".e-summary")
    text = excerpt.get_text()
    assert text.endswith("…")
    assert len(text) <= site.settings["PLANET_EXCERPT_LENGTH"] + 1
    assert excerpt.find("em") is not None  # the markup inside the cut survives, closed


def test_no_script_from_a_feed_becomes_an_element(site: Built) -> None:
    pages = [p for p in site.output.rglob("*.html") if "reading" in p.parts or "network" in p.parts]
    assert pages
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for script in soup.find_all("script"):
            assert script.get("src") or script.get("type") == "application/ld+json", page
            assert "alert" not in script.get_text(), page
        for element in soup.find_all(True):
            assert not [name for name in element.attrs if name.startswith("on")], (page, element)
            assert not str(element.get("href", "")).lower().startswith("javascript:"), page
    hostile = river_article(site, "http://ada.example/hostile")
    assert "Hello" in hostile.get_text()


def test_the_member_avatar_is_shown_small_or_as_initials(site: Built) -> None:
    page = site.file("reading/")
    soup = site.soup("reading/")
    ada = soup.find("a", href="http://ada.example/qa").find_parent("article")
    image = ada.find("img", class_="avatar--small")
    assert resolve(page, site.output, image["src"]).is_file()
    bea = soup.find("a", href="http://bea.example/spaced").find_parent("article")
    assert bea.select_one(".avatar--small").get_text(strip=True) == "BL"


def test_atom_feed_has_authors_and_sources(site: Built) -> None:
    parsed = feedparser.parse(site.file("reading/atom.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [entry.link for entry in parsed.entries] == [post.link for post in posts_of(*LISTED)]
    for entry, post in zip(parsed.entries, posts_of(*LISTED), strict=True):
        person = PEOPLE[post.member]
        assert entry.author_detail.name == person.name
        assert entry.author_detail.href == f"http://{person.id}.example/"
        assert entry.source.title == person.feed_title
        assert {"rel": "self", "href": person.feed_url} in [
            {"rel": link.rel, "href": link.href} for link in entry.source.links
        ]
        assert entry.source.id == person.feed_url
    titled = next(e for e in parsed.entries if e.link == "http://ada.example/qa")
    assert titled.title == "Q&A: teaching with notebooks"


def test_topic_atom_feeds_hold_their_members_posts(site: Built) -> None:
    parsed = feedparser.parse(site.file("reading/topics/python/atom.xml").read_bytes())
    assert not parsed.bozo
    assert [entry.link for entry in parsed.entries] == [post.link for post in posts_of("ada", "cy")]


def test_rss_feed_names_each_author(site: Built) -> None:
    parsed = feedparser.parse(site.file("reading/rss.xml").read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "rss20"
    assert [entry.link for entry in parsed.entries] == [post.link for post in posts_of(*LISTED)]
    assert [entry.author for entry in parsed.entries] == [
        PEOPLE[post.member].name for post in posts_of(*LISTED)
    ]


def test_json_feed_is_version_1_1_with_item_authors(site: Built) -> None:
    document = json.loads(site.file("reading/feed.json").read_text(encoding="utf-8"))
    assert document["version"] == "https://jsonfeed.org/version/1.1"
    items = document["items"]
    assert [item["url"] for item in items] == [post.link for post in posts_of(*LISTED)]
    for item, post in zip(items, posts_of(*LISTED), strict=True):
        assert item["authors"][0]["name"] == PEOPLE[post.member].name
        assert ("title" in item) == bool(post.title)
        assert item["content_html"]


def test_network_pages_show_the_last_post(site: Built) -> None:
    directory = site.soup("network/")
    card = directory.find(id="member-bea")
    last = card.select_one(".network-last-post a")
    assert last["href"] == posts_of("bea")[0].link
    member_page = site.soup("network/cy/")
    latest = [a["href"] for a in member_page.select(".network-latest a")]
    assert latest == [post.link for post in posts_of("cy")]


def test_a_build_without_a_store_succeeds_with_a_note(tmp_path: Path) -> None:
    write_content(tmp_path / "content")
    missing = tmp_path / "cache" / "planet.sqlite3"
    settings = build_site(
        tmp_path / "content",
        tmp_path / "output",
        PLANET_STORE_PATH=str(missing),
        SITEURL="https://robin.example",
        RELATIVE_URLS=False,
    )
    assert not missing.exists(), "a build only reads the store; it never creates one"
    soup = BeautifulSoup(
        (tmp_path / "output/reading/index.html").read_text(encoding="utf-8"), "html.parser"
    )
    notice = soup.select_one("main .notice").get_text()
    assert "invoke fetch" in notice and "pln-site fetch" in notice  # both ways to fetch
    assert h_entries(tmp_path / "output/reading/index.html") == []
    parsed = feedparser.parse((tmp_path / "output/reading/atom.xml").read_bytes())
    assert not parsed.bozo and parsed.entries == []
    assert {"rel": "self", "href": f"https://robin.example/{settings['PLANET_ATOM_URL']}"} in [
        {"rel": link.rel, "href": link.href} for link in parsed.feed.links
    ]
    assert not (tmp_path / "output/reading/page/2").exists()


def test_other_pages_get_the_posts_as_reading_data(site: Built) -> None:
    # What the directory's pages read (pln_site.site.shared): the generator makes it from the
    # store and the roster, whichever plugin's generator Pelican happens to create first.
    settings = read_settings(
        str(PROJECT / "pelicanconf.py"),
        override={
            "PATH": str(site.content),
            "PLANET_STORE_PATH": site.settings["PLANET_STORE_PATH"],
        },
    )
    settings = with_defaults(settings, settings["PLUGINS"])  # as the `initialized` handlers do
    context: dict = {}
    generator = ReadingGenerator(
        context=context,
        settings=settings,
        path=str(site.content),
        theme=str(PROJECT / "theme"),
        output_path=str(site.output),
    )
    generator.generate_context()
    reading = reading_data(context)
    assert isinstance(reading, ReadingData) and reading.store_found
    assert sorted(reading.posts_by_member) == sorted(LISTED)
    for member_id in LISTED:
        assert [e.link for e in reading.posts_of(member_id)] == [
            p.link for p in posts_of(member_id)
        ]
        assert reading.latest(member_id).link == posts_of(member_id)[0].link
    assert list(reading.posts_of("dov")) == [] and reading.latest("dov") is None
    note = next(e for e in reading.posts_of("ada") if e.link == "http://ada.example/note-1")
    assert reading.title_of(note).startswith("Just a short note about tests today")
    python = next(topic for topic in roster_for(generator).topics if topic.slug == "python")
    assert reading.topic_page_url(python) == "reading/topics/python/"
    assert reading.topic_atom_url(python) == "reading/topics/python/atom.xml"


def test_with_only_the_reading_plugin_the_river_takes_its_members_from_the_roster(
    site: Built, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    build_site(
        site.content,
        output,
        PLUGINS=["pln_site.site.reading"],
        PLANET_STORE_PATH=site.settings["PLANET_STORE_PATH"],
        PLANET_PER_PAGE=PER_PAGE,
    )
    alone = Built(output, site.content, site.settings)
    entries = all_river_entries(alone)
    assert [e["properties"]["url"][0] for e in entries] == [p.link for p in posts_of(*LISTED)]
    assert not (output / "network").exists()
    for entry in entries:  # no directory: authors link their own sites
        author = entry["properties"]["author"][0]["properties"]
        member = next(p for p in PEOPLE.values() if [p.name] == author["name"])
        assert author["url"] == [f"http://{member.id}.example/"]
    # The avatar comes from the roster too, small, as with the directory.
    page = alone.file("reading/")
    ada = alone.soup("reading/").find("a", href="http://ada.example/qa").find_parent("article")
    assert resolve(page, output, ada.find("img", class_="avatar--small")["src"]).is_file()
    topic = alone.soup("reading/topics/python/")
    assert topic.find("a", string="Who they are") is None
    assert topic.find("a", string="Network") is None  # no directory in the menu


def test_a_topic_river_links_the_directory_page_of_its_topic(site: Built) -> None:
    page = site.file("reading/topics/python/")
    who = site.soup("reading/topics/python/").find("a", string="Who they are")
    assert resolve(page, site.output, who["href"]) == site.file("network/topics/python/")


def holds(haystack: list[str], needle: list[str]) -> bool:
    """Whether `needle` appears in `haystack` as a run of consecutive words."""
    return any(haystack[i : i + len(needle)] == needle for i in range(len(haystack)))


def river_posts(page: Path) -> list[tuple[list[str], list[str], list[str]]]:
    """Each entry of a river page: the words of its title, its author and its text.

    A note has no title; a longer titleless post has a stand-in title made from its text, so
    its text counts as empty here."""
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    return [
        (
            words(
                title.get_text(" ") if (title := article.select_one(".river-entry__title")) else ""
            ),
            words(article.select_one(".p-author").get_text(" ")),
            []
            if article.select_one(".river-entry__title--stand-in")
            else words(article.select_one(".river-entry__excerpt").get_text(" ")),
        )
        for article in soup.select("article.h-entry")
    ]


def page_url(site: Built, page: Path) -> str:
    return "/" + page.parent.relative_to(site.output).as_posix() + "/"


def test_every_river_page_is_searchable_by_its_posts_text(site: Built) -> None:
    indexed = indexed_words(site.output)
    pages = site.river_files()
    assert len(pages) >= 3
    for page in pages:
        posts = river_posts(page)
        assert any(text for _, _, text in posts)
        for title, author, text in posts:
            found = indexed[page_url(site, page)]
            assert holds(found, title) and holds(found, author) and holds(found, text), page


def test_older_river_pages_can_be_searchable_by_title_and_author_only(
    site: Built, tmp_path
) -> None:
    output = tmp_path / "output"
    build_site(
        site.content,
        output,
        PLANET_STORE_PATH=site.settings["PLANET_STORE_PATH"],
        PLANET_PER_PAGE=PER_PAGE,
        PLANET_SEARCH_TEXT_PAGES=1,
    )
    indexed = indexed_words(output)
    built = Built(output, site.content, site.settings)
    newest, *older = built.river_files()
    assert len(older) >= 2
    for title, author, text in river_posts(newest):
        found = indexed[page_url(built, newest)]
        assert holds(found, title) and holds(found, author) and holds(found, text)
    for page in older:
        found = indexed[page_url(built, page)]
        for title, author, text in river_posts(page):
            assert holds(found, title) and holds(found, author), page
            if len(text) >= 3:  # shorter texts may well repeat words of a title
                assert not holds(found, text), page
    assert any(len(text) >= 3 for page in older for _, _, text in river_posts(page))
    # The pages themselves still show every entry.
    assert [len(h_entries(page)) for page in site.river_files()] == [
        len(h_entries(page)) for page in built.river_files()
    ]


def test_network_pages_name_a_titleless_note_by_its_text(site: Built) -> None:
    note = "http://ada.example/note-1"
    member_page = site.soup("network/ada/")
    listed = member_page.select_one(f".network-latest a[href='{note}']")
    assert listed.get_text(strip=True).startswith("Just a short note about tests today")
