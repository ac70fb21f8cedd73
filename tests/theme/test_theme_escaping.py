"""The theme renders correctly when Jinja autoescapes, as the project's safety rules require."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.theme_html import build_theme_site, parse_page

AUTOESCAPE = {"trim_blocks": True, "lstrip_blocks": True, "extensions": [], "autoescape": True}

TRICKY_POST = {
    "tricky.md": """\
        Title: Less <than> & more "quoted"
        Date: 2024-03-01 12:00
        Category: Notes
        Tags: a&b
        Summary: A summary with <b>bold</b> & an ampersand.

        Body with *emphasis* and `<code>`.
        """,
}


@pytest.fixture(scope="module")
def escaped_site(tmp_path_factory) -> Path:
    output, _ = build_theme_site(
        tmp_path_factory.mktemp("escaped"),
        posts=TRICKY_POST,
        JINJA_ENVIRONMENT=AUTOESCAPE,
    )
    return output


def test_title_is_text_in_heading_and_title(escaped_site: Path):
    page = parse_page(escaped_site / "posts" / "less-more-quoted" / "index.html")
    assert page.find("h1").text == 'Less <than> & more "quoted"'
    assert not page.find_all("than")
    assert page.find("title").text == 'Less <than> & more "quoted" · Robin\'s notebook'


def test_post_content_and_summary_stay_html(escaped_site: Path):
    article = parse_page(escaped_site / "posts" / "less-more-quoted" / "index.html")
    content = [e for e in article.elements if e.inside(cls="e-content")]
    assert [e.tag for e in content if e.tag in ("em", "code")] == ["em", "code"]
    assert article.find("meta", name="description").attrs["content"] == (
        "A summary with bold & an ampersand."
    )
    home = parse_page(escaped_site / "index.html")
    summary = [e for e in home.elements if e.inside(cls="p-summary")]
    assert [e.text for e in summary if e.tag == "b"] == ["bold"]


def test_tag_names_are_text(escaped_site: Path):
    page = parse_page(escaped_site / "posts" / "less-more-quoted" / "index.html")
    tags = [a.text for a in page.find_all("a", class_="tag")]
    assert tags == ["a&b"]


def test_description_with_quotes_stays_one_attribute_without_autoescape(tmp_path: Path):
    post = {
        "quoted.md": """\
        Title: Quoted
        Date: 2024-03-02 12:00
        Summary: She said "learn in the open" & I listened.

        Text.
        """
    }
    output, _ = build_theme_site(tmp_path, posts=post)
    page = parse_page(output / "posts" / "quoted" / "index.html")
    assert page.find("meta", name="description").attrs["content"] == (
        'She said "learn in the open" & I listened.'
    )
