"""excerpt_html: short, balanced excerpts cut at a word boundary."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from pln_site.feeds.sanitize import clean_html
from pln_site.site.reading.excerpt import demote_headings, excerpt_html, is_cut
from tests.support.parse_fixtures import balanced, parse_html

LONG = (
    '<p>The <em>quick brown</em> fox jumps over the <a href="https://a.example/" '
    'rel="nofollow noopener ugc">lazy dog</a> and keeps running <code>far away</code>.</p>'
    "<p>Second paragraph with more words than anyone needs.</p>"
)


def test_short_content_is_kept_whole_without_an_ellipsis():
    html = "<p>Short <strong>post</strong>.</p>"
    assert excerpt_html(html, 400) == html


def test_long_content_is_cut_at_a_word_boundary_with_an_ellipsis():
    out = excerpt_html(LONG, 40)
    parsed = parse_html(out)
    assert parsed.text.endswith("…")
    assert len(parsed.text) <= 41
    words = parsed.text.rstrip("…").split()
    full_words = parse_html(LONG).text.split()
    assert words == full_words[: len(words)]  # only whole words
    assert balanced(out)


@pytest.mark.parametrize("limit", [1, 5, 10, 17, 23, 30, 44, 60, 80, 200])
def test_markup_stays_balanced_at_every_cut(limit):
    assert balanced(excerpt_html(LONG, limit))


def test_links_emphasis_and_code_stay():
    parsed = parse_html(excerpt_html(LONG, 1000))
    assert {"em", "a", "code", "p"} <= set(parsed.elements)
    assert ("a", "href", "https://a.example/") in parsed.attributes


def test_images_figures_and_tables_are_dropped():
    html = (
        '<p>Before <img src="https://a.example/i.png" alt="i"></p>'
        '<figure><img src="https://a.example/j.png"><figcaption>Caption</figcaption></figure>'
        "<table><tr><td>Cell</td></tr></table><p>After</p>"
    )
    out = excerpt_html(html, 400)
    parsed = parse_html(out)
    assert not {"img", "figure", "figcaption", "table", "td"} & set(parsed.elements)
    assert "Caption" not in parsed.text and "Cell" not in parsed.text
    assert parsed.text.replace(" ", "") == "BeforeAfter"


def test_paragraphs_left_empty_by_dropping_images_are_removed():
    out = excerpt_html('<p><img src="https://a.example/i.png"></p><p>Text</p>', 100)
    assert out == "<p>Text</p>"


def test_a_single_long_word_is_cut_hard():
    out = excerpt_html("<p>Supercalifragilisticexpialidocious</p>", 10)
    assert out == "<p>Supercalif…</p>"


def test_entities_are_counted_as_characters_and_kept_escaped():
    out = excerpt_html("<p>a &lt;b&gt; &amp; c</p>", 100)
    assert parse_html(out).text == "a <b> & c"
    assert "b" not in parse_html(out).elements


def test_empty_input():
    assert excerpt_html("", 100) == ""


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "word ",
                "<em>",
                "</em>",
                "<p>",
                "</p>",
                "<a href='https://x.example/'>",
                "</a>",
                "<img src='https://x.example/i.png'>",
                "<code>",
                "</code>",
                "<ul><li>",
                "</li></ul>",
                "<table><tr><td>",
                "</td></tr></table>",
                "longerword",
                "&amp;",
                "<br>",
            ]
        ),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=120),
)
def test_excerpts_of_sanitized_html_are_balanced_and_short(pieces, limit):
    html = clean_html("".join(pieces), "https://blog.example/")
    out = excerpt_html(html, limit)
    assert balanced(out)
    parsed = parse_html(out)
    assert len(parsed.text) <= limit + 1
    assert not {"img", "table"} & set(parsed.elements)


def test_headings_move_below_the_entry_title_and_nothing_else_changes():
    html = '<h1 id="a">A &amp; B</h1><p>x &#39;<br>y</p><h2>two</h2><h5>five</h5><hr>'
    soup = BeautifulSoup(demote_headings(html, 3), "html.parser")
    assert [(tag.name, tag.get_text()) for tag in soup.find_all(True)] == [
        ("h4", "A & B"), ("p", "x 'y"), ("br", ""), ("h5", "two"), ("h6", "five"), ("hr", ""),
    ]  # fmt: skip
    assert soup.find("h4")["id"] == "a"
    assert demote_headings("<p>no headings</p>", 3) == "<p>no headings</p>"


def test_an_excerpt_says_whether_it_left_text_out():
    assert is_cut(excerpt_html(LONG, 40))
    assert not is_cut(excerpt_html("<p>short</p>", 40))


def test_a_quoted_greater_than_sign_stays_inside_its_attribute():
    """A ">" in a quoted attribute value does not end the tag (the sanitizer writes it as
    "&gt;", but an excerpt of older stored HTML must not come apart)."""
    out = excerpt_html(
        '<p>See <a href="https://a.example/" title="a > b">the comparison</a>.</p>', 400
    )
    link = BeautifulSoup(out, "html.parser").find("a")
    assert link is not None and link["title"] == "a > b"
    assert link.get_text() == "the comparison"
    assert balanced(out)


def test_comments_and_declarations_are_left_out_and_tags_are_closed_by_their_names():
    out = excerpt_html("<!DOCTYPE html><P>One <!-- a note --><EM>two three four five</EM></P>", 10)
    parsed = BeautifulSoup(out, "html.parser")
    assert parsed.get_text() == "One two…"
    assert balanced(out)
    assert "<!--" not in out and "DOCTYPE" not in out


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="<>/=\"' abp&;!-", max_size=80), st.integers(1, 60))
def test_any_text_gives_balanced_markup_within_its_budget(text, limit):
    out = excerpt_html(clean_html(text, "https://a.example/"), limit)
    assert balanced(out)
    assert len(parse_html(out).text) <= limit + 1  # the ellipsis
