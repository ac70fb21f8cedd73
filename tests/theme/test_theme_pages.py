"""What a reader (and a browser's security checks) sees on every page the theme renders."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.theme_html import html_pages, parse_page

URL_ATTRIBUTES = ("href", "src", "action", "formaction", "poster", "data", "cite", "srcset")


def csp_directives(page) -> dict[str, list[str]]:
    metas = [
        m
        for m in page.find_all("meta")
        if m.attrs.get("http-equiv", "").lower() == "content-security-policy"
    ]
    assert len(metas) == 1, f"{page.path}: expected one CSP meta, found {len(metas)}"
    directives = {}
    for part in metas[0].attrs["content"].split(";"):
        words = part.split()
        if words:
            directives[words[0].lower()] = words[1:]
    return directives


def test_the_site_has_every_kind_of_page(output: Path):
    built = {p.relative_to(output).as_posix() for p in html_pages(output)}
    for expected in (
        "index.html",
        "index2.html",
        "archives/index.html",
        "categories/index.html",
        "tags/index.html",
        "category/learning/index.html",
        "tag/pln/index.html",
        "posts/learning-in-the-open/index.html",
        "about/index.html",
        "2023/index.html",
        "404.html",
    ):
        assert expected in built
    assert (output / "theme" / "css" / "site.css").is_file()


def test_every_page_has_a_csp_that_forbids_inline_script_and_other_origins(output: Path):
    for path in html_pages(output):
        directives = csp_directives(parse_page(path))
        script_src = directives.get("script-src", directives.get("default-src"))
        assert script_src == ["'self'"], path
        assert directives["default-src"] == ["'self'"], path
        assert directives["style-src"] == ["'self'"], path
        assert directives["object-src"] == ["'none'"], path
        assert directives["base-uri"] == ["'none'"], path


def test_no_page_has_inline_script_event_handlers_or_inline_styles(output: Path):
    for path in html_pages(output):
        page = parse_page(path)
        for script in page.find_all("script"):
            assert script.attrs.get("src") or script.attrs.get("type") == "application/ld+json", (
                f"inline script in {path}"
            )
        assert not page.find_all("style"), f"<style> element in {path}"
        for element in page.elements:
            assert "style" not in element.attrs, f"style attribute on <{element.tag}> in {path}"
            handlers = [name for name in element.attrs if name.startswith("on")]
            assert not handlers, f"{handlers} on <{element.tag}> in {path}"


def test_no_page_requests_or_links_another_origin_except_social_and_post_links(
    theme_site,
):
    output, settings = theme_site
    social = {url for _, url in settings["SOCIAL"]}
    for path in html_pages(output):
        for element in parse_page(path).elements:
            for name in URL_ATTRIBUTES:
                url = element.attrs.get(name)
                if not url:
                    continue
                parts = urlsplit(url)
                if not (parts.scheme or url.startswith("//")):
                    continue
                assert element.tag == "a" and name == "href", (
                    f"<{element.tag} {name}={url!r}> in {path} loads from another origin"
                )
                assert url in social or element.inside(cls="e-content"), (
                    f"link to another origin {url!r} in {path}"
                )


def test_every_relative_link_and_resource_resolves_to_a_built_file(output: Path):
    checked = 0
    for path in html_pages(output):
        page = parse_page(path)
        for element in page.elements:
            for name in ("href", "src"):
                url = element.attrs.get(name)
                if not url or urlsplit(url).scheme or url.startswith(("#", "//")):
                    continue
                assert page.resolve(url).is_file(), f"{url!r} in {path} leads nowhere"
                checked += 1
    assert checked > 100


def test_every_page_has_the_head_a_reader_and_a_feed_reader_need(output: Path):
    for path in html_pages(output):
        page = parse_page(path)
        assert page.find("html").attrs.get("lang") == "en"
        assert "width=device-width" in page.find("meta", name="viewport").attrs["content"]
        assert page.find("meta", name="description").attrs["content"].strip(), path
        assert page.find("title").text.strip().endswith("Robin's notebook"), path
        feeds = page.find_all("link", rel="alternate", type="application/atom+xml")
        assert any(
            page.resolve(f.attrs["href"]) == output / "feeds" / "all.atom.xml" for f in feeds
        ), path
        assert not page.find_all("link", rel="me"), "rel=me belongs in the footer, not the head"
        assert not page.find_all("link", rel="blogroll"), "no blogroll without the network"


def test_every_page_starts_with_a_skip_link_to_its_one_main_heading(output: Path):
    for path in html_pages(output):
        page = parse_page(path)
        focusable = [e for e in page.elements if e.tag == "a" and e.inside("body")]
        assert focusable[0].attrs["href"] == "#main"
        assert focusable[0].text.strip() == "Skip to content"
        mains = page.find_all("main")
        assert len(mains) == 1 and mains[0].attrs["id"] == "main", path
        headings = [e for e in page.find_all("h1")]
        assert len(headings) == 1 and headings[0].inside("main"), f"{path}: {len(headings)} h1"


def test_nav_links_lead_to_blog_archives_and_published_pages(output: Path):
    page = parse_page(output / "posts" / "learning-in-the-open" / "index.html")
    nav = [a for a in page.find_all("a") if a.inside("nav", "site-nav")]
    targets = {a.text.strip(): page.resolve(a.attrs["href"]) for a in nav}
    assert targets == {
        "Blog": output / "index.html",
        "Archives": output / "archives" / "index.html",
        "About": output / "about" / "index.html",
    }


@pytest.mark.parametrize(
    ("page_path", "current"),
    [
        ("index.html", "Blog"),
        ("archives/index.html", "Archives"),
        ("tags/index.html", "Archives"),
        ("about/index.html", "About"),
    ],
)
def test_nav_marks_the_current_section(output: Path, page_path: str, current: str):
    page = parse_page(output / page_path)
    marked = [
        a.text.strip()
        for a in page.find_all("a", **{"aria-current": "page"})
        if a.inside("nav", "site-nav")
    ]
    assert marked == [current]


def test_footer_names_the_owner_and_links_the_social_profiles_with_rel_me(theme_site):
    output, settings = theme_site
    for path in html_pages(output):
        page = parse_page(path)
        footer_links = [a for a in page.find_all("a") if a.inside("footer", "site-footer")]
        me = {a.attrs["href"] for a in footer_links if "me" in a.attrs.get("rel", "").split()}
        assert me == {url for _, url in settings["SOCIAL"]}, path
        owner = page.find(class_="site-owner")
        assert settings["AUTHOR"] in owner.text
        elsewhere = [
            a
            for a in page.find_all("a")
            if "me" in a.attrs.get("rel", "").split() and not a.inside("footer")
        ]
        assert not elsewhere, f"rel=me outside the footer in {path}"
        feed = [a for a in footer_links if a.attrs.get("type") == "application/atom+xml"]
        assert page.resolve(feed[0].attrs["href"]) == output / "feeds" / "all.atom.xml"


def test_article_title_and_description_come_from_the_post(output: Path):
    page = parse_page(output / "posts" / "learning-in-the-open" / "index.html")
    assert page.find("title").text == "Learning in the open · Robin's notebook"
    assert page.find("meta", name="description").attrs["content"] == (
        "Why I write my notes where others can read them."
    )


def test_article_links_its_category_and_tags(output: Path):
    page = parse_page(output / "posts" / "learning-in-the-open" / "index.html")
    filed = {a.text.strip(): page.resolve(a.attrs["href"]) for a in page.find_all("a", rel="tag")}
    assert filed == {
        "Learning": output / "category" / "learning" / "index.html",
        "pln": output / "tag" / "pln" / "index.html",
        "open practice": output / "tag" / "open-practice" / "index.html",
    }


def test_article_links_its_newer_neighbour(output: Path):
    page = parse_page(output / "posts" / "learning-in-the-open" / "index.html")
    newer = page.find("a", rel="next")
    assert "A week of reading" in newer.text
    assert (
        page.resolve(newer.attrs["href"]) == output / "posts" / "a-week-of-reading" / "index.html"
    )
    assert not page.find_all("a", rel="prev")


def test_archives_group_posts_by_year_newest_first(output: Path):
    page = parse_page(output / "archives" / "index.html")
    years = [h.text.split()[0] for h in page.find_all("h2")]
    assert years == ["2024", "2023"]
    by_year = {}
    for link in page.find_all("a"):
        if link.inside("section", "archive-year") and link.inside("li"):
            by_year.setdefault(page.resolve(link.attrs["href"]).parent.name, []).append(link)
    assert set(by_year) == {"a-week-of-reading", "learning-in-the-open"}
    year_link = page.find_all("h2")[1]
    assert year_link.text.strip().startswith("2023")
    year_page = [a for a in page.find_all("a") if a.inside("h2") and a.text.strip() == "2023"]
    assert page.resolve(year_page[0].attrs["href"]) == output / "2023" / "index.html"


def test_year_archive_lists_that_years_posts(output: Path):
    page = parse_page(output / "2023" / "index.html")
    assert page.find("h1").text.strip() == "Archives: 2023"
    posts = [a.text for a in page.find_all("a") if a.inside("ul", "post-list")]
    assert posts == ["Learning in the open"]


def test_home_paginates_with_links_that_resolve(output: Path):
    first = parse_page(output / "index.html")
    older = first.find("a", rel="next")
    assert first.resolve(older.attrs["href"]) == output / "index2.html"
    second = parse_page(output / "index2.html")
    newer = second.find("a", rel="prev")
    assert second.resolve(newer.attrs["href"]) == output / "index.html"
    current = [
        e.text for e in second.find_all(**{"aria-current": "page"}) if e.inside("nav", "pagination")
    ]
    assert current == ["2"]
    titles = [a.text for a in second.find_all("a", rel="bookmark")]
    assert titles == ["Learning in the open"]


def test_tags_page_lists_each_tag_with_its_count(output: Path):
    page = parse_page(output / "tags" / "index.html")
    chips = {
        " ".join(a.text.split()): page.resolve(a.attrs["href"])
        for a in page.find_all("a", class_="tag")
    }
    assert chips == {
        "open practice (1)": output / "tag" / "open-practice" / "index.html",
        "pln (2)": output / "tag" / "pln" / "index.html",
        "reading (1)": output / "tag" / "reading" / "index.html",
    }


def test_category_page_links_its_own_feed(output: Path):
    page = parse_page(output / "category" / "learning" / "index.html")
    assert page.find("h1").text == "Learning"
    feeds = page.find_all("link", rel="alternate", type="application/atom+xml")
    assert output / "feeds" / "learning.atom.xml" in {page.resolve(f.attrs["href"]) for f in feeds}
