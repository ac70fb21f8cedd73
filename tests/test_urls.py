"""URLs, one rule each: http(s) only, resolving against a base, the same page or feed."""

from __future__ import annotations

import pytest

from pln_site.urls import (
    absolute_http_url,
    cited_page_key,
    forbidden_url_character,
    is_http_url,
    same_url_key,
    site_absolute,
    without_tracking,
)

FEED = "https://ada.example/blog/feed.xml"


@pytest.mark.parametrize(
    "one, other",
    [
        ("https://ada.example/feed.xml", "http://ada.example/feed.xml"),
        ("https://ada.example/feed.xml", "https://WWW.Ada.Example/feed.xml/"),
        ("https://ada.example:443/feed.xml", "https://ada.example/feed.xml#top"),
        ("http://ada.example:80/", "https://ada.example"),
        ("http://bücher.example/feed", "http://xn--bcher-kva.example/feed"),
        ("https://ada.example/a%2fb", "https://ada.example/a%2Fb"),  # escapes' case
        ("https://ada.example/blog/./x/../feed.xml", FEED),  # dot segments
    ],
)
def test_spellings_of_one_url_are_the_same(one, other):
    assert same_url_key(one) == same_url_key(other)


# The seven other spellings of one feed URL that the duplicate check let through.
SEVEN_SPELLINGS = [
    "http://ada.example/blog/feed.xml",  # the scheme
    "https://ada.example:443/blog/feed.xml",  # the default port
    "https://ada.example./blog/feed.xml",  # a trailing dot in the host
    "https://ada.example/blog/feed.xml?",  # an empty query
    "https://ada.example/blog/feed.xml#",  # an empty fragment
    "https://ada.example/%62log/feed%2Exml",  # unreserved characters percent-encoded
    "https://ada.example//blog//feed.xml",  # doubled slashes
]


@pytest.mark.parametrize("spelling", SEVEN_SPELLINGS)
def test_seven_spellings_of_one_feed_are_the_same_feed(spelling):
    assert same_url_key(spelling) == same_url_key(FEED)


def test_all_the_spellings_at_once_are_one_key():
    mixed = "HTTP://WWW.Ada.Example.:80//%62log/./feed%2Exml/?#"
    assert same_url_key(mixed) == same_url_key(FEED)


@pytest.mark.parametrize(
    "one, other",
    [
        ("https://ada.example/feed.xml", "https://ada.example/Feed.xml"),
        ("https://ada.example/feed?lang=en", "https://ada.example/feed?lang=pt"),
        ("https://ada.example:8443/feed", "https://ada.example/feed"),
        ("https://ada.example/bo/", "https://ada.example/cy/"),
        ("https://ada.example/", "https://ada.example.org/"),
    ],
)
def test_different_urls_stay_different(one, other):
    assert same_url_key(one) != same_url_key(other)


def test_a_port_that_is_not_a_number_does_not_raise():
    assert same_url_key("http://ada.example:abc/") != same_url_key("http://ada.example/")


def test_an_unparsable_url_is_only_itself():
    assert same_url_key("http://[::1/feed") == "http://[::1/feed"
    assert same_url_key("http://[::1/feed") != same_url_key("http://[::1]/feed")


def test_reserved_characters_stay_encoded():
    # "%2F" is a slash inside a segment, "%3F" a question mark in the path: not the same URL.
    assert same_url_key("https://ada.example/a%2Fb") != same_url_key("https://ada.example/a/b")
    assert same_url_key("https://ada.example/a%3Fb") != same_url_key("https://ada.example/a?b")


@pytest.mark.parametrize(
    "url",
    [
        "http://ada.example/a\x01b",  # C0
        "http://ada.example/a\x00",
        "http://ada.example/a\x1b[31m",
        "http://ada.example/a\nb",  # urlsplit drops it silently; the string still holds it
        "http://ada.example/a\tb",
        "http://ada.example/\x7f",  # DEL
        "http://ada.example/\x85x",  # C1
        "http://ada.example/\ufffe",  # noncharacters
        "http://ada.example/\uffff",
        "http://ada.example/\ufdd0",
        "http://ada.example/\U0001fffe",
        "http://ada.example/\ud800",  # a lone surrogate
        "http://ada.example/\u202efdp.exe",  # bidi formatting (RFC 3987 forbids them in IRIs)
        "http://ada\u200f.example/",
    ],
)
def test_urls_with_control_or_noncharacters_are_refused(url):
    assert forbidden_url_character(url) is not None
    assert not is_http_url(url)
    assert absolute_http_url(url, None) is None
    assert absolute_http_url(url.replace("http://ada.example", ""), "http://ada.example/") is None


def test_urls_of_every_script_are_urls():
    assert is_http_url("https://bücher.example/straße?q=日本")
    assert is_http_url("https://ada.example/%01")  # an escape is no control character


def test_only_absolute_http_urls_count():
    assert is_http_url("https://ada.example/")
    for url in ("ftp://ada.example/", "/feed.xml", "javascript:alert(1)", "http://", "", None):
        assert not is_http_url(url)
    assert absolute_http_url("/x.png", "https://ada.example/posts/1") == "https://ada.example/x.png"
    assert absolute_http_url("javascript:alert(1)", "https://ada.example/") is None


def test_site_paths_are_absolute_only_on_an_absolute_siteurl():
    assert site_absolute("https://robin.example/", "reading/") == "https://robin.example/reading/"
    assert site_absolute("", "reading/") is None
    assert site_absolute("/blog", "reading/") is None


@pytest.mark.parametrize(
    "cited",
    [
        "https://news.example/story?id=7&utm_source=rss&utm_medium=feed",
        "http://NEWS.example/story/?id=7&fbclid=abc",
        "https://www.news.example/story?gclid=x&id=7&ref=hn",
        "https://news.example/story?mc_cid=1&id=7&mc_eid=2#top",
    ],
)
def test_links_that_differ_by_tracking_parameters_cite_one_page(cited: str) -> None:
    assert cited_page_key(cited) == cited_page_key("https://news.example/story?id=7")


def test_a_query_that_names_the_page_still_matters() -> None:
    assert cited_page_key("https://x.example/?id=7") != cited_page_key("https://x.example/?id=8")
    assert cited_page_key("https://x.example/?preference=1") != cited_page_key("https://x.example/")


def test_without_tracking_keeps_the_rest_of_the_query_as_written() -> None:
    assert without_tracking("https://x.example/a?q=a%20b&UTM_Source=z&p=2") == (
        "https://x.example/a?q=a%20b&p=2"
    )
    assert without_tracking("https://x.example/a?utm_source=z") == "https://x.example/a"
