"""What an entry cites, read from its sanitized HTML: each outbound link once, its anchor text
and about 160 characters of plain text around it."""

from __future__ import annotations

import datetime as dt

from pln_site.entries import FeedSource, ParsedEntry
from pln_site.feeds.links import MAX_LINKS_PER_ENTRY, QUOTE_CHARS, entry_links, with_links
from pln_site.store import FeedChanged

POST = "https://ada.example/2024/post"


def entry(html: str, link: str | None = POST, key: str = "k") -> ParsedEntry:
    return ParsedEntry(key, link, "Post", None, html, "", None, None)


def test_each_cited_page_once_with_its_anchor_text_and_quote() -> None:
    found = entry_links(
        entry(
            '<p>I read <a href="https://news.example/a?utm_source=x">the <em>news</em></a> '
            'today.</p><p>Then <a href="http://NEWS.example/a/">again</a> and '
            '<a href="/about">my page</a>.</p>'
        )
    )
    assert [(link.url, link.text) for link in found] == [
        ("https://news.example/a?utm_source=x", "the news"),
        ("https://ada.example/about", "my page"),
    ]
    assert found[0].quote == "I read the news today. Then again and my page."


def test_links_into_the_post_itself_and_other_schemes_are_not_cited() -> None:
    html = (
        f'<a href="#note-1">1</a> <a href="{POST}#c">comments</a> <a href="mailto:a@b.example">'
        'mail</a> <a href="javascript:alert(1)">x</a> <a>no href</a>'
    )
    assert entry_links(entry(html)) == []


def test_a_long_text_is_quoted_around_the_link_cut_at_words() -> None:
    words = " ".join(f"word{n}" for n in range(200))
    html = f'<p>{words} <a href="https://news.example/">the link</a> {words}</p>'
    [link] = entry_links(entry(html))
    assert link.quote.startswith("…") and link.quote.endswith("…")
    assert "the link" in link.quote
    assert len(link.quote) <= QUOTE_CHARS + 2
    assert all(part.startswith("word") for part in link.quote.strip("…").split()[:3])


def test_text_escaped_in_the_html_is_kept_as_text() -> None:
    [link] = entry_links(
        entry('<a href="https://x.example/">&lt;script&gt;alert(1)&lt;/script&gt;</a>')
    )
    assert link.text == "<script>alert(1)</script>"


def test_an_entry_cites_at_most_a_bounded_number_of_links() -> None:
    html = "".join(f'<a href="https://x.example/{n}">{n}</a> ' for n in range(500))
    assert len(entry_links(entry(html))) == MAX_LINKS_PER_ENTRY


def test_with_links_names_only_the_entries_that_cite_something() -> None:
    update = FeedChanged(
        source=FeedSource("ada", "https://ada.example/feed.xml"),
        at=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        status=200,
        etag=None,
        last_modified=None,
        body_hash="h",
        title=None,
        html_url=None,
        entries=(
            entry('<a href="https://x.example/">x</a>', key="a"),
            entry("<p>No links.</p>", key="b"),
        ),
    )
    assert {
        key: [link.url for link in links] for key, links in with_links(update).links.items()
    } == {"a": ["https://x.example/"]}
