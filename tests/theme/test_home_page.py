"""The home page shows the latest posts and, beside them, what is new in the network and in the
reading feed; an empty network says how to add the first person. Real builds: local feeds >
fetch > store > Pelican, read with an HTML parser."""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from tests.support.project import build_site
from tests.support.river_fixtures import (
    LISTED,
    PEOPLE,
    fetched_site,
    posts_of,
    write_content,
)

READING_SHOWN = 5  # how many entries the home page lists


@dataclass
class Built:
    output: Path

    def file(self, url: str) -> Path:
        target = self.output / url
        return target / "index.html" if url.endswith("/") or not url else target

    def soup(self, url: str = "") -> BeautifulSoup:
        return BeautifulSoup(self.file(url).read_text(encoding="utf-8"), "html.parser")

    def resolve(self, page_url: str, href: str) -> Path:
        """The output file a relative link on `page_url` leads to."""
        folder = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
        return self.file(
            posixpath.normpath(posixpath.join(folder, href)) + "/" * href.endswith("/")
        )


def more_posts(content: Path) -> list[str]:
    """Two more posts besides the fixture's "Hello"; their titles, newest first."""
    posts = {"2024-03-01": "Notes on notes", "2024-02-01": "Why I keep a reading list"}
    for date, title in posts.items():
        (content / "posts" / f"{date}.md").write_text(
            f"Title: {title}\nDate: {date}\n\nText.\n", encoding="utf-8"
        )
    return [*posts.values(), "Hello"]


@pytest.fixture(scope="module")
def home_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Built, list[str]]:
    root = tmp_path_factory.mktemp("home")
    store_file = fetched_site(root)
    titles = more_posts(root / "content")
    build_site(root / "content", root / "output", PLANET_STORE_PATH=str(store_file))
    return Built(root / "output"), titles


@pytest.fixture(scope="module")
def home(home_site) -> BeautifulSoup:
    return home_site[0].soup()


def test_the_home_page_lists_the_latest_posts_first(home, home_site):
    _, titles = home_site
    shown = [a.get_text(strip=True) for a in home.select(".h-feed .post-summary__title a")]
    assert shown == titles


def test_the_network_column_is_outside_the_posts_feed(home):
    aside = home.select_one("main aside.home__network")
    assert aside is not None
    assert aside.find_parent(class_="h-feed") is None  # members are not posts of the blog
    assert aside.find_parent(class_="home").select_one(".h-feed") is not None


def test_new_members_link_to_their_pages_on_this_site(home, home_site):
    site, _ = home_site
    links = home.select(".home-new li > a")
    assert {a.get_text(strip=True) for a in links} == {PEOPLE[m].name for m in LISTED}
    for link in links:
        page = site.resolve("", link["href"])
        assert page.is_file(), link["href"]
        heading = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("h1")
        assert heading.get_text(strip=True) == link.get_text(strip=True)
    directory = home.select_one(".home-new .home-box__more a")
    assert site.resolve("", directory["href"]) == site.file("network/")


def test_the_newest_reading_entries_are_listed_with_their_authors(home, home_site):
    site, _ = home_site
    newest = posts_of(*LISTED)[:READING_SHOWN]  # the archived member's posts are not shown
    items = home.select(".home-reading li")
    assert [item.select_one(".home-reading__title")["href"] for item in items] == [
        post.link for post in newest
    ]
    for item, post in zip(items, newest, strict=True):
        if post.title:
            assert item.select_one(".home-reading__title").get_text(strip=True) == post.title
        author = item.select_one(".home-reading__meta a")
        assert author.get_text(strip=True) == PEOPLE[post.member].name
        assert site.resolve("", author["href"]) == site.file(f"network/{post.member}/")
    river = home.select_one(".home-reading .home-box__more a")
    assert site.resolve("", river["href"]) == site.file("reading/")


def test_feed_text_on_the_home_page_is_plain_text(home):
    aside = home.select_one("aside.home__network")
    assert aside.find_all(["script", "img", "iframe"]) == []
    assert all(not name.startswith("on") for tag in aside.find_all(True) for name in tag.attrs)


def test_later_pages_of_posts_do_not_repeat_the_network_column(tmp_path):
    content = tmp_path / "content"
    write_content(content)
    more_posts(content)
    build_site(content, tmp_path / "output", DEFAULT_PAGINATION=1)
    second = BeautifulSoup((tmp_path / "output" / "index2.html").read_text("utf-8"), "html.parser")
    assert second.select(".post-summary")
    assert second.select_one("aside.home__network") is None


def test_an_empty_network_says_how_to_add_the_first_person(tmp_path):
    content = tmp_path / "content"
    (content / "posts").mkdir(parents=True)
    (content / "posts" / "hello.md").write_text("Title: Hello\nDate: 2024-01-01\n\nHi.\n", "utf-8")
    (content / "network").mkdir()
    build_site(content, tmp_path / "output", PLANET_STORE_PATH=str(tmp_path / "none.sqlite3"))
    home = BeautifulSoup((tmp_path / "output" / "index.html").read_text("utf-8"), "html.parser")
    aside = home.select_one("aside.home__network")
    commands = [code.get_text(strip=True) for code in aside.find_all("code")]
    assert any(command.startswith("invoke add-member ") for command in commands)
    assert aside.select(".home-new, .home-reading") == []
