"""URLs, one rule each: http(s) only, resolving against a base, the same page or feed."""

from __future__ import annotations

import pytest

from pln_site.urls import absolute_http_url, is_http_url, same_url_key, site_absolute


@pytest.mark.parametrize(
    "one, other",
    [
        ("https://ada.example/feed.xml", "http://ada.example/feed.xml"),
        ("https://ada.example/feed.xml", "https://WWW.Ada.Example/feed.xml/"),
        ("https://ada.example:443/feed.xml", "https://ada.example/feed.xml#top"),
        ("http://ada.example:80/", "https://ada.example"),
    ],
)
def test_spellings_of_one_url_are_the_same(one, other):
    assert same_url_key(one) == same_url_key(other)


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
