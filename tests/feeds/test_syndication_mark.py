"""The one class the sanitizer keeps: a link marked as the post's copy elsewhere (u-syndication,
or rel="syndication"), by which the river shows a cross-posted post once."""

from __future__ import annotations

from bs4 import BeautifulSoup

from pln_site.feeds.sanitize import clean_html

BASE = "https://ada.example/2024/post"


def links(html: str) -> list[tuple[str, list[str] | None, list[str] | None]]:
    """(href, class, rel) of each link of the cleaned `html`."""
    soup = BeautifulSoup(clean_html(html, BASE), "html.parser")
    return [(a["href"], a.get("class"), a.get("rel")) for a in soup.find_all("a")]


def test_a_u_syndication_link_keeps_that_class_alone() -> None:
    found = links('<a class="h-cite u-syndication big" href="https://m.example/@ada/1">M</a>')
    assert found == [
        ("https://m.example/@ada/1", ["u-syndication"], ["nofollow", "noopener", "ugc"])
    ]


def test_a_rel_syndication_link_is_marked_with_the_class() -> None:
    found = links(
        '<a href="/x" rel="me syndication" class="other">A</a><a\nrel=syndication href=/y>B</a>'
    )
    assert [(href, cls) for href, cls, _ in found] == [
        ("https://ada.example/x", ["u-syndication"]),
        ("https://ada.example/y", ["u-syndication"]),
    ]


def test_no_other_class_and_no_other_element_keeps_one() -> None:
    html = (
        '<p class="u-syndication">p</p><a class="evil" href="https://e.example/">e</a>'
        '<a href="https://t.example/" title="rel=syndication">t</a>'
        "<abbr rel=syndication>x</abbr>"
    )
    soup = BeautifulSoup(clean_html(html, BASE), "html.parser")
    assert [tag.name for tag in soup.find_all(class_=True)] == []
