"""JSON Feed 1.0 and 1.1 through parse_feed."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pln_site.entries import FeedParseError
from pln_site.feeds.parse.feed import parse_feed
from tests.support.parse_fixtures import FEED_URL, json_feed, parse_html

UTC = dt.UTC


def parse(body: bytes, content_type: str | None = None):
    return parse_feed(body, url=FEED_URL, content_type=content_type)


def test_json_feed_1_1_fields():
    body = json_feed(
        [
            {
                "id": "https://blog.example/1",
                "url": "https://blog.example/1",
                "title": "First &amp; foremost",
                "content_html": '<p>Hello <a href="/about">me</a></p><script>alert(1)</script>',
                "summary": "A <short> summary",
                "date_published": "2024-05-07T10:00:00+02:00",
                "date_modified": "2024-05-08T00:00:00Z",
                "authors": [{"name": "Ada"}, {"name": "Grace"}],
                "tags": ["python", "<b>feeds</b>", "python"],
            }
        ],
        home_page_url="https://blog.example/",
    )
    feed = parse(body)
    assert feed.format == "json1.1"
    assert feed.title == "A JSON blog"
    assert feed.html_url == "https://blog.example/"
    [entry] = feed.entries
    assert entry.key == "https://blog.example/1"
    assert entry.link == "https://blog.example/1"
    assert entry.title == "First & foremost"
    assert entry.author == "Ada"
    assert entry.categories == ["python", "feeds"]
    assert entry.published == dt.datetime(2024, 5, 7, 8, 0, tzinfo=UTC)
    assert entry.updated == dt.datetime(2024, 5, 8, 0, 0, tzinfo=UTC)
    content = parse_html(entry.content_html)
    assert "script" not in content.elements
    assert content.urls() == ["https://blog.example/about"]
    assert parse_html(entry.summary_html).text == "A <short> summary"


@pytest.mark.parametrize(
    "version",
    [
        "https://jsonfeed.org/version/1",
        "http://jsonfeed.org/version/1",
        "https://jsonfeed.org/version/1.1/",
    ],
)
def test_versions_accepted(version):
    feed = parse(json_feed([{"id": "1", "content_text": "x"}], version=version))
    assert feed.format in ("json1.0", "json1.1")
    assert len(feed.entries) == 1


def test_json_feed_1_0_author_and_content_text():
    body = json_feed(
        [{"id": 7, "content_text": "Line one\nline <two>\n\nPara two", "author": {"name": "Bo"}}],
        version="https://jsonfeed.org/version/1",
    )
    feed = parse(body)
    assert feed.format == "json1.0"
    [entry] = feed.entries
    assert entry.key == "7"
    assert entry.author == "Bo"
    parsed = parse_html(entry.content_html)
    assert parsed.elements == ["p", "br", "p"]
    assert parsed.text == "Line oneline <two>Para two"


def test_feed_author_is_used_when_the_item_has_none():
    feed = parse(json_feed([{"id": "1", "content_text": "x"}], authors=[{"name": "Feed Author"}]))
    assert feed.entries[0].author == "Feed Author"


def test_external_url_when_no_url_and_relative_urls_resolve():
    feed = parse(
        json_feed(
            [
                {"id": "a", "external_url": "https://elsewhere.example/x", "content_text": "x"},
                {"id": "b", "url": "/posts/b", "content_text": "y"},
                {"id": "c", "url": "javascript:alert(1)", "content_text": "z"},
            ]
        )
    )
    assert [e.link for e in feed.entries] == [
        "https://elsewhere.example/x",
        "https://blog.example/posts/b",
        None,
    ]


def test_keys_fall_back_and_duplicates_appear_once():
    feed = parse(
        json_feed(
            [
                {"url": "https://blog.example/1", "title": "One"},
                {"url": "https://blog.example/1", "title": "One again"},
                {"title": "No id, no url", "content_text": "body"},
                {"id": "x", "title": "X"},
                {"id": "x", "title": "X again"},
            ]
        )
    )
    keys = [e.key for e in feed.entries]
    assert keys[0] == "https://blog.example/1"
    assert keys[1].startswith("sha256:")
    assert keys[2] == "x"
    assert [e.title for e in feed.entries] == ["One", "No id, no url", "X"]


@pytest.mark.parametrize("date", ["0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "yesterday", 12])
def test_absurd_dates_are_none(date):
    feed = parse(json_feed([{"id": "1", "date_published": date}]))
    assert feed.entries[0].published is None


def test_rfc822_dates_seen_in_the_wild_are_read():
    feed = parse(json_feed([{"id": "1", "date_published": "Fri, 31 May 2019 12:17:58 -0700"}]))
    assert feed.entries[0].published == dt.datetime(2019, 5, 31, 19, 17, 58, tzinfo=UTC)


def test_title_entities_are_decoded_once():
    feed = parse(json_feed([], title="Yaki Kimhi&#39;s Site"))
    assert feed.title == "Yaki Kimhi's Site"
    assert feed.entries == []


def test_detected_by_content_type_even_with_leading_whitespace():
    body = b"\n\n  " + json_feed([{"id": "1"}])
    assert len(parse(body, content_type="application/feed+json").entries) == 1


def test_utf16_json_is_read():
    body = json.dumps(
        {"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "title": "Ü"}]}
    ).encode("utf-16")
    assert parse(body, content_type="application/json").entries[0].title == "Ü"


def test_odd_items_are_skipped_and_odd_values_ignored():
    feed = parse(
        json_feed(
            [
                "not an item",
                None,
                {
                    "id": "1",
                    "title": ["not", "text"],
                    "tags": "nope",
                    "authors": "nobody",
                    "content_html": 5,
                },
            ]
        )
    )
    [entry] = feed.entries
    assert (entry.title, entry.categories, entry.author, entry.content_html) == ("", [], None, "")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b'{"version": "https://example.org/not-json-feed", "items": []}', "not a JSON Feed"),
        (b'{"items": []}', "not a JSON Feed"),
        (b'{"version": "https://jsonfeed.org/version/1.1", "items": {}}', "items"),
        (b'{"version": ', "not valid JSON"),
        (b"[" * 100_000 + b"]" * 100_000, "JSON"),
    ],
)
def test_not_a_json_feed(body, reason):
    with pytest.raises(FeedParseError, match=reason):
        parse(body, content_type="application/json")
